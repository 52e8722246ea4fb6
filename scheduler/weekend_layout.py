"""Weekends from the LP, weekdays exactly: a first roster where the weekends bind.

Where the weekends' cover asks for more than the staff may work at weekends (Curtois & Qu
Instance18: 305 weekend shifts, at most 264), a roster's cost is decided by who works which
weekend: every half-worked weekend is a shortfall, and the weekdays around a weekend (runs of
at most five days, two days off in a row, fixed days off) are shaped by it. The LNS cannot
rearrange the weekends of many people at once and stalls three or four shortfalls above the
best known (benchmarks/README.md, thirty-fourth to thirty-seventh sessions). But with every
weekend cell fixed, the rest is a MIP that HiGHS solves to optimality in 10–50 s (Instance18:
the weekdays of a whole-weekends roster proven in 9 s), so the whole question is the weekend
layout — and the column generation's converged LP (4417 against the best known 4459) says
which one: each employee's schedules in the pool carry a weekend pattern that fits that
employee's own rules, and the duals price what those schedules do on weekdays.

So: each employee's weekend pattern is picked among the patterns of the pool's schedules by a
small CP-SAT model (the weekend cover at its weights, plus each schedule's weekday part valued
at the LP's duals: its own cost less the duals of the weekday rows it works), then HiGHS lays
the weekdays under that layout. Instance18, 2 cores: column generation 193 s, the pick under a
second, HiGHS 8 s: 4574 (the 600-s solve before it: 4661–4859 over three seeds; CPLEX 1 h 4569,
Gurobi 1 h 4760). In the 600-s solve the LNS and the polish go on from it: seeds 0–2 4465,
4562, 4468; Instance17 5749–5751 where it ended at 5762–5775 (benchmarks/README.md,
forty-seventh session). The pick's optimum is degenerate and HiGHS lays tied picks up to 200
apart; `LayoutSettings.picks` lays several and keeps the best (forty-eighth session).
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ortools.sat.python import cp_model

from constraints.context import EncodeContext
from instances.models import Instance
from scheduler.bound import ColumnGeneration, Row
from scheduler.mip import NotLinear, highs_model, new_highs
from scheduler.model import complete_values

Cell = tuple[int, int, str, str]  # employee index, day, shift, unit: a decision of the model
SCALE = 100  # the pick's objective in 1/100 (the duals are fractional, CP-SAT is integral)
MIN_LAY_S = 10.0  # no further layout with less time than this left (HiGHS took 7–35 s)


@dataclass
class LayoutSettings:
    pick_s: float = 20.0  # CP-SAT on the pattern pick (Instance18: optimal in under a second)
    weekdays_s: float = 90.0  # HiGHS on the weekdays under the first layout (Instance18: 8–50 s)
    # The pick's optimum is degenerate: many layouts tie at the duals' value, and HiGHS lays
    # them up to 200 apart (Instance18, seed 0: 4664, 4769, 4567, 4770, 4772, 4565 for six tied
    # picks; seed 1: 4568–4569 for fourteen). With `picks` > 1 that many layouts are laid, each
    # differing from every earlier one in at least `differ` employees' weekends, within
    # `total_s`, and the best is kept. Not the default: at 600 s on Instance18 four picks laid
    # what the first did (4567, 4568, 4565 against 4567, 4568, 4571) 30–55 s later, and the
    # runs ended at 4556, 4562, 4564 against 4465, 4562, 4468 (benchmarks/README.md,
    # forty-eighth session).
    picks: int = 1
    differ: int = 3
    total_s: float = 120.0


def weekend_days(instance: Instance) -> set[int]:
    """Day indices of Saturdays and Sundays."""
    return {d for d, day in enumerate(instance.days) if day.weekday() >= 5}


def pick_weekends(cg: ColumnGeneration, weekend: set[int], time_limit: float, *,
                  seed: int = 0, workers: int = 2) -> set[Cell] | None:
    """The weekend cells worked, one pool schedule's weekend pattern per employee, chosen to
    minimise the weekend cover's cost plus the chosen schedules' weekday parts at the master's
    duals; None where CP-SAT finds no choice in time (it always should: any pick is valid)."""
    return next(iter(weekend_picks(cg, weekend, time_limit, seed=seed, workers=workers)), None)


def weekend_picks(cg: ColumnGeneration, weekend: set[int], time_limit: float, *,
                  differ: int = 1, seed: int = 0, workers: int = 2) -> Iterator[set[Cell]]:
    """Best picks (as `pick_weekends`) one after the other, each differing from every earlier
    one in at least `differ` employees' weekend patterns; each pick has `time_limit`. Ends
    where CP-SAT finds no further pick."""
    _value, pi, _lam = cg.master()
    model = cp_model.CpModel()
    covering: dict[Row, list[cp_model.IntVar]] = defaultdict(list)
    choices: list[list[tuple[cp_model.IntVar, frozenset[tuple[int, str, str]]]]] = []
    terms = []
    for cols, plans in zip(cg.cols, cg.plans, strict=True):
        best: dict[frozenset, tuple[float, list[Row]]] = {}  # pattern -> cheapest weekday part
        for (own, worked), plan in zip(cols, plans, strict=True):
            pattern = frozenset((d, s, u) for d, s, u in plan if d in weekend)
            weekday = own - sum(pi.get(r, 0.0) for r in worked if r[1] not in weekend)
            if pattern not in best or weekday < best[pattern][0]:
                best[pattern] = (weekday, [r for r in worked if r[1] in weekend])
        mine = []
        for pattern, (weekday, rows) in best.items():
            b = model.NewBoolVar("")
            mine.append((b, pattern))
            terms.append(round(SCALE * weekday) * b)
            for r in rows:
                covering[r].append(b)
        if not mine:
            return
        model.AddExactlyOne(b for b, _p in mine)
        choices.append(mine)
    for r, cover in cg.rows.items():
        if r[1] not in weekend:
            continue
        n = len(covering[r])
        short = model.NewIntVar(0, cover.target, "")
        excess = model.NewIntVar(0, max(0, n - cover.target), "")
        model.Add(sum(covering[r]) + short - excess == cover.target)
        terms += [SCALE * cover.under * short, SCALE * cover.over * excess]
    model.Minimize(sum(terms))
    while True:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, time_limit)
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = seed
        if solver.Solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return
        chosen = [b for mine in choices for b, _p in mine if solver.Value(b)]
        yield {(i, d, s, u) for i, mine in enumerate(choices) for b, pattern in mine
               if solver.Value(b) for d, s, u in pattern}
        model.Add(sum(chosen) <= len(chosen) - max(1, differ))


def complete_weekdays(ctx: EncodeContext, worked: set[Cell], weekend: set[int],
                      time_limit: float, stop: Callable[[], bool] | None = None
                      ) -> list[int] | None:
    """Every variable's value with the weekend cells fixed to `worked` and the weekdays laid by
    HiGHS (one thread; its best roster if it has not proven one in `time_limit`); None where
    the model is not linear or HiGHS finds no roster under that layout."""
    import highspy

    model = ctx.model.Clone()
    proto = model.Proto()
    for key, var in ctx.x.items():
        if key[1] in weekend:
            dom = proto.variables[var.index].domain  # a decision's domain is [0, 1]
            dom[0] = dom[1] = int(key in worked)
    try:
        lp = highs_model(proto)
    except NotLinear:
        return None
    h = new_highs(1)
    h.setOptionValue("time_limit", max(1.0, time_limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.passModel(lp)
    if stop is not None:
        def interrupt(e) -> None:
            if stop():
                e.data_in.user_interrupt = True
        h.cbMipInterrupt.subscribe(interrupt)
    if h.run() == highspy.HighsStatus.kError or not h.getSolution().value_valid:
        return None
    x = h.getSolution().col_value
    decisions = {var.index: int(round(x[var.index])) for var in ctx.x.values()}
    return complete_values(ctx.model, decisions, time_limit=10.0)


def weekend_layout(ctx: EncodeContext, cg: ColumnGeneration, *, seed: int = 0,
                   workers: int = 2, stop: Callable[[], bool] | None = None,
                   settings: LayoutSettings | None = None) -> list[int] | None:
    """The best of up to `settings.picks` rosters (every variable's value), each with the
    weekends picked from the LP's schedules and the weekdays laid exactly under them; None
    where no pick gives one."""
    from scheduler.lns import ObjectiveEval

    settings = settings or LayoutSettings()
    weekend = weekend_days(ctx.instance)
    score = ObjectiveEval(ctx)
    t0 = time.monotonic()
    best: tuple[int, list[int]] | None = None
    picks = weekend_picks(cg, weekend, settings.pick_s, differ=settings.differ, seed=seed,
                          workers=workers)
    for k, worked in enumerate(itertools.islice(picks, max(1, settings.picks))):
        if stop and stop():
            break
        left = settings.weekdays_s - (time.monotonic() - t0) if k == 0 else \
            settings.total_s - (time.monotonic() - t0)
        if k > 0 and left < MIN_LAY_S:
            break
        values = complete_weekdays(ctx, worked, weekend, left, stop)
        if values is not None and (best is None or score(values) < best[0]):
            best = (score(values), values)
    return None if best is None else best[1]
