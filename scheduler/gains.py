"""What each technique bought in one solve: the gains of its better rosters, by source.

`SolveResult.events` logs every better roster with where it came from (the LNS round's kind,
HiGHS, the sweeps, CP-SAT) and HiGHS's turns beside the LNS; summed here for the batch tables
and the CLI, so a closing note can say which technique took which part of the objective off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Event = tuple[float, str, float]  # seconds from the solve's start, event, objective


@dataclass
class Gains:
    """What each source of better rosters took off one solve's objective."""

    first: Event | None = None  # the first roster
    by_source: dict[str, list[float]] = field(default_factory=dict)  # source -> [count, gain]
    turns: dict[str, int] = field(default_factory=dict)  # HiGHS's gate/hold/release, counted

    def ranked(self) -> list[tuple[str, list[float]]]:
        """(source, [count, gain]), the largest gain first."""
        return sorted(self.by_source.items(), key=lambda kv: -kv[1][1])


def gains(events: list[Event]) -> Gains:
    """Each better roster's gain over the best before it, summed by where it came from."""
    g = Gains()
    best = float("inf")
    for t, ev, obj in sorted(events):
        if ev.startswith("highs:"):
            if ev != "highs:bound":
                g.turns[ev[6:]] = g.turns.get(ev[6:], 0) + 1
            continue
        if g.first is None:
            g.first, best = (t, ev, obj), obj
        elif obj < best:
            c = g.by_source.setdefault(ev, [0, 0.0])
            c[0] += 1
            c[1] += best - obj
            best = obj
    return g


def summary(events: list[Event]) -> str:
    """One line for a person: the first roster, then the gains by source, largest first."""
    g = gains(events)
    if g.first is None:
        return ""
    t, ev, obj = g.first
    taken = ", ".join(f"{src} −{gain:g} ({n})" for src, (n, gain) in g.ranked())
    return f"first roster {obj:g} ({ev}, {t:.1f} s)" + (f"; then {taken}" if taken else "")
