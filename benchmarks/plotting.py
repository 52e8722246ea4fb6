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
