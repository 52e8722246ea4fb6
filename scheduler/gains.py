"""What each technique bought in one solve: the gains of its better rosters, by source.

`SolveResult.events` logs every better roster with where it came from (the LNS round's kind,
HiGHS, the sweeps, CP-SAT) and HiGHS's turns beside the LNS; summed here for the batch tables
and the CLI, so a closing note can say which technique took which part of the objective off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

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


def better_rosters(events: list[Event]) -> list[Event]:
    """The rosters of a solve's events in time order, each better than the one before (the first
    roster included); HiGHS's turns left out."""
    out: list[Event] = []
    for t, ev, obj in sorted(events):
        if not ev.startswith("highs:") and (not out or obj < out[-1][2]):
            out.append((t, ev, obj))
    return out


def gains(events: list[Event]) -> Gains:
    """Each better roster's gain over the best before it, summed by where it came from."""
    g = Gains()
    for _t, ev, _obj in events:
        if ev.startswith("highs:") and ev != "highs:bound":
            g.turns[ev[6:]] = g.turns.get(ev[6:], 0) + 1
    better = better_rosters(events)
    if better:
        g.first = better[0]
    for (_t0, _e0, before), (_t, ev, obj) in pairwise(better):
        c = g.by_source.setdefault(ev, [0, 0.0])
        c[0] += 1
        c[1] += before - obj
    return g


def summary(events: list[Event]) -> str:
    """One line for a person: the first roster, then the gains by source, largest first."""
    g = gains(events)
    if g.first is None:
        return ""
    t, ev, obj = g.first
    taken = ", ".join(f"{src} −{gain:g} ({n})" for src, (n, gain) in g.ranked())
    return f"first roster {obj:g} ({ev}, {t:.1f} s)" + (f"; then {taken}" if taken else "")
