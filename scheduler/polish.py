"""Half-period polish: HiGHS over every employee on half of the period and every weekend day.

Where the weekends' cover asks for more than the staff may work at weekends, the LNS stalls on
rosters whose half-worked weekends none of its neighbourhoods can rearrange: a weekend given
up here must be taken up there, by someone whose other weeks then change too, across the whole
period (Curtois & Qu Instance18: 46 shortfalls, best known 43; benchmarks/README.md,
thirty-fourth to thirty-sixth sessions). HiGHS, on the model with every employee free over half
of the period and on every Saturday and Sunday and the rest fixed to the incumbent, solves that
neighbourhood to optimality within minutes on one thread (its LP is strong there; CP-SAT proves
not even a 16-day window with the weekends in 200 s), and from the stalled 4765 roster found
4663 in 217 s. So, late in a long solve, one of the LNS's threads turns to this: once the
incumbent has stalled (or, at the latest, with `share` of the LNS's budget left), the half
where the incumbent pays more on weekdays first, then the other, each until HiGHS proves it
or gives nothing better for `patience_s`, for as long as a half or the LNS still gains; the
other thread's rounds go on beside it, and the thread goes back to rounds after. Where HiGHS
proves both halves with nothing to gain (Instance17: each in under 80 s), the windows grow to
the first and last three quarters of the period (`PolishSettings.shares`) before it gives up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.mip import NotLinear, SideLink, highs_model, new_highs
from scheduler.model import complete_values

KIND = "polish"  # its rosters' source in the events and the gains table


@dataclass
class PolishSettings:
    # the polish starts once the incumbent has not improved for `stall_s`, but not before
    # `max_share` of the LNS's budget is left, and at the latest with `share` left
    share: float = 0.4
    max_share: float = 0.6
    stall_s: float = 45.0
    # below this many seconds for it at the latest, HiGHS would not finish a half: no polish
    min_s: float = 120.0
    # a half ends once HiGHS has given no better roster for this long since it began or last
    # gave one, and the other half goes on from the incumbent: on Instance18 HiGHS's first
    # better roster came 44–66 s into a half, and a half proven optimal took 217 s for 5
    patience_s: float = 90.0
    # the windows' share of the period: halves first and, once HiGHS has proven both halves
    # with nothing to gain and the LNS gains nothing either, the first and last three
    # quarters. Instance17: both halves proven in 16–77 s, then nothing for minutes
    # (benchmarks/README.md, thirty-eighth session)
    shares: tuple[float, ...] = (0.5, 0.75)
    options: dict[str, float] = field(default_factory=dict)  # HiGHS's own, by name


class PolishSide:
    """A side search for `scheduler/lns.py improve`: LNS rounds in its thread until the
    incumbent stalls late in the budget (`_due`), then HiGHS over alternate halves of the period
    (with every weekend day), each from the incumbent, until neither half nor the LNS gains or
    the LNS ends; where both halves were proven, over larger windows the same way."""

    def __init__(self, cells_by_day: list[list[int]], weekend: set[int], budget: float,
                 settings: PolishSettings | None = None):
        self.cells_by_day = cells_by_day  # per day, its decisions' variable indices
        self.weekend = weekend
        self.settings = settings or PolishSettings()
        self.polish_s = self.settings.share * budget  # at the latest
        self.earliest_s = max(self.polish_s, self.settings.max_share * budget)
        self.log: list[tuple[float, str, float]] = []  # (elapsed, event, value)
        self.started: float | None = None  # time.monotonic() the log's times count from
        self.proven = False  # whether HiGHS proved the last window it ran

    @property
    def runs(self) -> bool:
        """Whether it will run at all: with less than `min_s` for it, HiGHS would not finish a
        half, and it only runs the LNS's rounds."""
        return self.polish_s >= self.settings.min_s and len(self.cells_by_day) >= 2

    def halves(self, costs: list[float], share: float = 0.5) -> list[tuple[int, int]]:
        """The period's two halves [lo, hi) (with `share` > 0.5: its first and last `share`,
        overlapping in the middle; with 1: the whole period alone), the one where the
        incumbent pays more on weekdays first (on weekend days both are free)."""
        n = len(self.cells_by_day)
        size = min(n, max(1, round(share * n)))
        if size >= n:
            return [(0, n)]
        pair = [(0, size), (n - size, n)]

        def paid(h: tuple[int, int]) -> float:
            return sum(costs[d] for d in range(*h) if d not in self.weekend)
        return sorted(pair, key=paid, reverse=True)

    def __call__(self, link: SideLink) -> None:
        if not self.runs:
            return
        if link.rounds is not None:
            link.rounds(self._due(link))
        self.started = time.monotonic()
        n = len(self.cells_by_day)

        def costs() -> list[float]:
            return link.day_costs() if link.day_costs else [0.0] * n
        shares = self.settings.shares
        level = 0
        order = self.halves(costs(), shares[0])
        # windows in a row that gave nothing from an incumbent no one moved, and whether
        # HiGHS proved each of them
        stale, proven, i = 0, True, 0
        while link.running():
            before = link.best()[0]
            gained = self.run_half(link, *order[i % len(order)])
            if gained is None:
                return
            i += 1
            if gained or link.best()[0] < before:
                stale, proven = 0, True
                continue
            stale, proven = stale + 1, proven and self.proven
            if stale < len(order):
                continue
            if not proven or level + 1 >= len(shares):
                return
            level += 1  # every window of this size is proven: larger ones
            order = self.halves(costs(), shares[level])
            stale, proven, i = 0, True, 0

    def _due(self, link: SideLink) -> Callable[[], bool]:
        """Whether the polish should start now: the incumbent stalled, or time is short."""
        latest = link.deadline - self.polish_s
        earliest = link.deadline - self.earliest_s
        stall = self.settings.stall_s

        def due() -> bool:
            now = time.monotonic()
            return now >= latest or (now >= earliest and now - link.improved_at() >= stall)
        return due

    def run_half(self, link: SideLink, lo: int, hi: int) -> bool | None:
        """HiGHS over days [lo, hi) and every weekend day from the incumbent: whether it gave the
        LNS a better roster (and in `proven`, whether HiGHS proved the window); None where the
        model is not linear or HiGHS would not run."""
        import highspy

        obj0, start = link.best()
        model = link.clone()
        proto = model.Proto()
        for d, idxs in enumerate(self.cells_by_day):
            if lo <= d < hi or d in self.weekend:
                continue
            for i in idxs:
                dom = proto.variables[i].domain  # a decision's domain is [0, 1]
                dom[0] = dom[1] = start[i]
        try:
            lp = highs_model(proto)
        except NotLinear:
            return None
        t0 = self.started or time.monotonic()
        self.log.append((time.monotonic() - t0, f"{KIND}:{lo}-{hi - 1}", float(obj0)))
        h = new_highs(1)
        h.setOptionValue("time_limit", max(1.0, link.deadline - time.monotonic()))
        for name, value in self.settings.options.items():
            h.setOptionValue(name, value)
        h.passModel(lp)
        sol = highspy.HighsSolution()
        sol.col_value = [float(v) for v in start]
        sol.value_valid = True
        h.setSolution(sol)
        decisions = [i for idxs in self.cells_by_day for i in idxs]
        gained = [False]
        last = [time.monotonic()]  # the half's start, or its last better roster
        tired = [False]  # ended for want of a better roster within `patience_s`

        def improving(e) -> None:
            x = e.data_out.mip_solution
            values = complete_values(model, {i: int(round(x[i])) for i in decisions},
                                     time_limit=10.0)
            if values is not None and link.offer(values, KIND):
                gained[0] = True
                last[0] = time.monotonic()

        def interrupt(e) -> None:
            if not link.running():
                e.data_in.user_interrupt = True
            elif time.monotonic() - last[0] > self.settings.patience_s:
                tired[0] = True
                e.data_in.user_interrupt = True

        h.cbMipImprovingSolution.subscribe(improving)
        h.cbMipInterrupt.subscribe(interrupt)
        self.proven = False
        if h.run() == highspy.HighsStatus.kError:  # HiGHS would not start: no polish
            self.log.append((time.monotonic() - t0, f"{KIND}:error", float(obj0)))
            return None
        status = "patience" if tired[0] else h.modelStatusToString(h.getModelStatus())
        self.proven = not tired[0] and h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        self.log.append((time.monotonic() - t0, f"{KIND}:{status}",
                         float(h.getInfo().mip_dual_bound)))
        return gained[0]
