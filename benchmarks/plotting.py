"""One plot style for the batch runners: objective over time, a step line per instance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Series:
    label: str
    history: Sequence[tuple[float, float]]  # (seconds, objective)
    end: float  # wall time: the last value holds until here
    scale: float = 1.0  # objective is divided by this (best known, employees)


def objective_over_time(series: list[Series], path: Path, *, ylabel: str, title: str,
                        log_y: bool = False, reference: float | None = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5.5))
    for s in series:
        if not s.history or not s.scale:
            continue
        ts = [max(t, 0.05) for t, _ in s.history] + [max(s.end, 0.05)]
        ys = [o / s.scale for _, o in s.history]
        ys.append(ys[-1])
        ax.step(ts, ys, where="post", label=s.label)
    ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    if reference is not None:
        ax.axhline(reference, color="black", lw=0.8, ls="--")
    ax.set_xlabel("time (s)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def sources_over_time(panels: list[tuple[str, Sequence[tuple[float, str, float]], float, float]],
                      path: Path, *, title: str, ncols: int = 3) -> None:
    """One small panel per instance: the gap to the best known value over time, each better
    roster a dot coloured by where it came from, so a plateau and the source that ended it show
    at a glance. `panels`: (label, events (seconds, source, objective), wall time, best known);
    events whose source starts with "highs:" are HiGHS's turns, drawn as vertical lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    panels = [p for p in panels if p[3] and any(not e[1].startswith("highs:") for e in p[1])]
    if not panels:
        return
    x_end = 1.1 * max(max(p[2] for p in panels), 1.0)
    ncols = min(ncols, len(panels))
    rows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(rows, ncols, figsize=(4.2 * ncols, 3.0 * rows), squeeze=False)
    sources = sorted({e[1] for p in panels for e in p[1] if not e[1].startswith("highs:")})
    fixed = {"highs": "tab:red", "start": "tab:gray", "construction": "tab:gray",
             "phase 1": "tab:gray", "dive": "tab:brown", "sweep": "tab:olive",
             "cp-sat": "tab:cyan", "layout": "gold"}
    rest = iter(["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:pink", "black"] * 3)
    colour = {s: fixed.get(s) or next(rest) for s in sources}
    turns = False  # any HiGHS turn drawn (its legend entry only then)
    for ax, (label, events, end, best) in zip(axes.flat, panels, strict=False):
        ts, gaps, cs, best_so_far = [], [], [], float("inf")
        for t, src, obj in sorted(events):
            if src.startswith("highs:"):
                if src in ("highs:hold", "highs:release", "highs:gate"):
                    ax.axvline(max(t, 0.05), color="grey", lw=0.6,
                               ls=":" if src == "highs:release" else "--")
                    turns = True
                continue
            if obj >= best_so_far:
                continue
            best_so_far = obj
            ts.append(max(t, 0.05))
            gaps.append(100 * (obj - best) / best)
            cs.append(colour[src])
        ax.step(ts + [max(end, 0.05)], gaps + gaps[-1:], where="post", color="black", lw=0.7)
        ax.scatter(ts, gaps, c=cs, s=14, zorder=3)
        ax.set_xscale("log")
        ax.set_xlim(0.5, x_end)  # one time axis for every panel, so their plateaus compare
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yscale("symlog", linthresh=0.1)
        ax.set_ylim(bottom=min(0.0, min(gaps)))
        ax.set_title(label, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    for ax in axes[:, 0]:
        ax.set_ylabel("above best known (%)", fontsize=8)
    for ax in axes[-1, :]:
        ax.set_xlabel("time (s)", fontsize=8)
    handles = [plt.Line2D([], [], marker="o", ls="", color=colour[s], label=s) for s in sources]
    if turns:
        handles.append(plt.Line2D([], [], color="grey", ls="--", lw=0.8,
                                  label="HiGHS: LNS held / gate"))
    fig.legend(handles=handles, loc="lower center", ncol=min(6, len(handles)), fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.1, 1, 0.97))
    fig.savefig(path, dpi=110)
    plt.close(fig)
