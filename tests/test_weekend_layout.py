"""The weekend layout (scheduler/weekend_layout.py): weekends picked from the LP's schedules,
weekdays laid exactly by HiGHS, and where the solve uses it."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

from constraints.checker import check_roster
from instances.curtois import curtois_profile, read_curtois
from instances.models import Assignment, ContractLimits, Roster
from scheduler import SolveOptions, solve
from scheduler.bound import lower_bound
from scheduler.model import build_model
from scheduler.weekend_layout import (
    LayoutSettings,
    complete_weekdays,
    pick_weekends,
    weekend_days,
    weekend_layout,
    weekend_picks,
)
from tests.test_curtois import _bench_instance, bench_file


def _roster(ctx, values) -> Roster:
    inst = ctx.instance
    return Roster(assignments=[
        Assignment(employee=inst.employees[e].id, date=inst.days[d], shift=s, unit=u)
        for (e, d, s, u), var in ctx.x.items() if values[var.index]])


@pytest.fixture(scope="module")
def converged():
    """_bench_instance: 3 people with one weekend each, 3 shifts wanted every weekend day (12
    in two weeks against the 6 they may give): the weekends bind."""
    inst = _bench_instance()
    res = lower_bound(inst, curtois_profile(), 30.0)
    assert res.converged
    return inst, res


def _pick_cost(cg, weekend, worked) -> float:
    """The pick's objective for a choice: weekend cover at its weights plus each employee's
    cheapest weekday part among the pool's schedules with that weekend pattern."""
    _v, pi, _lam = cg.master()
    total = 0.0
    for i, (cols, plans) in enumerate(zip(cg.cols, cg.plans, strict=True)):
        mine = frozenset((d, s, u) for (e, d, s, u) in worked if e == i)
        total += min(own - sum(pi[r] for r in w if r[1] not in weekend)
                     for (own, w), plan in zip(cols, plans, strict=True)
                     if frozenset(c for c in plan if c[0] in weekend) == mine)
    for r, cover in cg.rows.items():
        if r[1] in weekend:
            n = sum(1 for (_e, d, s, u) in worked if (d, s) == (r[1], r[2]) and u == r[0])
            total += cover.under * max(0, cover.target - n) + cover.over * max(0, n - cover.target)
    return total


def test_the_pick_is_the_cheapest_choice_of_pool_patterns(converged):
    """Every employee gets one weekend pattern of their own pool's schedules, and no other
    choice of patterns costs less (brute force over all of them)."""
    inst, res = converged
    cg = res.cg
    weekend = weekend_days(inst)
    assert weekend == {5, 6, 12, 13}
    worked = pick_weekends(cg, weekend, 10.0)
    assert worked is not None and all(d in weekend for _e, d, _s, _u in worked)
    patterns = [sorted({frozenset((i, d, s, u) for d, s, u in plan if d in weekend)
                        for plan in plans}, key=sorted) for i, plans in enumerate(cg.plans)]
    for i, mine in enumerate(patterns):
        assert frozenset(c for c in worked if c[0] == i) in mine
    costs = [_pick_cost(cg, weekend, set().union(*combo))
             for combo in itertools.product(*patterns)]
    assert len(costs) > 1
    assert _pick_cost(cg, weekend, worked) == pytest.approx(min(costs), abs=0.02)


def test_the_weekdays_are_laid_optimally_under_the_picked_weekends(converged):
    """The roster keeps the picked weekends, breaks no hard rule, and costs what CP-SAT proves
    optimal on the same model with the same weekend cells fixed."""
    inst, res = converged
    prof = curtois_profile()
    weekend = weekend_days(inst)
    worked = pick_weekends(res.cg, weekend, 10.0)
    ctx = build_model(inst, prof)
    values = complete_weekdays(ctx, worked, weekend, 30.0)
    assert values is not None
    roster = _roster(ctx, values)
    rep = check_roster(inst, roster, prof)
    assert rep.violations == []
    assert {k for k, v in ctx.x.items() if values[v.index] and k[1] in weekend} == worked
    for key, var in ctx.x.items():
        if key[1] in weekend:
            ctx.model.Add(var == int(key in worked))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30
    assert solver.Solve(ctx.model) == cp_model.OPTIMAL
    assert rep.objective == round(solver.ObjectiveValue())
    assert rep.objective >= res.bound
    same = weekend_layout(build_model(inst, prof), res.cg, settings=LayoutSettings(picks=1))
    assert same is not None and check_roster(inst, _roster(ctx, same), prof).objective \
        == rep.objective


def test_later_picks_differ_and_the_layout_keeps_the_best_laid(converged):
    """Each further pick changes at least `differ` people's weekends from every earlier one
    and costs no less (it is the next best); the layout lays them all and keeps the roster
    that costs least, not the first or the last."""
    inst, res = converged
    prof = curtois_profile()
    weekend = weekend_days(inst)
    picks = list(itertools.islice(weekend_picks(res.cg, weekend, 10.0, differ=2), 4))
    assert len(picks) >= 3
    def people(worked):
        return [frozenset(c for c in worked if c[0] == i) for i in range(len(inst.employees))]
    for a, b in itertools.combinations(picks, 2):
        assert sum(x != y for x, y in zip(people(a), people(b), strict=True)) >= 2
    costs = [_pick_cost(res.cg, weekend, w) for w in picks]
    assert costs == sorted(costs)
    ctx = build_model(inst, prof)
    laid = [complete_weekdays(ctx, w, weekend, 30.0) for w in picks]
    objs = [check_roster(inst, _roster(ctx, v), prof).objective for v in laid if v is not None]
    assert objs
    best = weekend_layout(build_model(inst, prof), res.cg,
                          settings=LayoutSettings(picks=len(picks), differ=2, total_s=120.0))
    assert best is not None
    assert check_roster(inst, _roster(ctx, best), prof).objective == min(objs)


def test_a_layout_no_roster_meets_gives_none(converged):
    """Everyone on every weekend day (one weekend each allowed): HiGHS finds no roster, and
    the layout answers None rather than a roster that breaks the rule."""
    inst, _res = converged
    ctx = build_model(inst, curtois_profile())
    weekend = weekend_days(inst)
    worked = {(e, d, "E", "U1") for e in range(len(inst.employees)) for d in weekend}
    assert complete_weekdays(ctx, worked, weekend, 10.0) is None


def test_the_solve_lays_weekends_only_where_they_bind_or_where_asked(monkeypatch):
    """By default only in the catalogue's size range and with time for the column generation
    to converge; `layout=True` anywhere the weekends bind, never where they do not;
    `layout=False` never."""
    from scheduler.solve import _lays_weekends

    inst = _bench_instance()
    ctx = build_model(inst, curtois_profile())
    on, off, auto = (SolveOptions(layout=v) for v in (True, False, None))
    assert _lays_weekends(ctx, inst, on, 10.0)
    assert not _lays_weekends(ctx, inst, off, 10.0)
    assert not _lays_weekends(ctx, inst, auto, 1000.0)  # 156 decisions: below `layout_from`
    roomy = _bench_instance(max_weekends=2)
    assert not _lays_weekends(build_model(roomy, curtois_profile()), roomy, on, 10.0)
    unlimited = inst.model_copy(update={"employees": [
        e.model_copy(update={"limits": ContractLimits(**{
            **e.limits.model_dump(), "max_weekends": None})}) for e in inst.employees]})
    assert not _lays_weekends(build_model(unlimited, curtois_profile()), unlimited, on, 10.0)


def test_the_solve_starts_the_lns_from_the_layout(monkeypatch):
    """Asked for on Instance4 (the weekends bind: 10 weekend shifts more than the staff may
    work), the column generation converges, the layout's roster is the LNS's start where it
    beats the constructed one (an event "layout"), and the schedule dives do not run."""
    import scheduler.bound as bound_mod
    import scheduler.weekend_layout as layout_mod

    inst = read_curtois(bench_file("Instance4"))
    got, dived = [], []
    real = layout_mod.weekend_layout

    def spy(*args, **kw):
        out = real(*args, **kw)
        got.append(out)
        return out

    monkeypatch.setattr(layout_mod, "weekend_layout", spy)
    monkeypatch.setattr(bound_mod, "dive", lambda *a, **k: dived.append(1))
    monkeypatch.setattr(bound_mod, "assignment_dive", lambda *a, **k: dived.append(1))
    opts = SolveOptions(time_limit=40, workers=2, two_phase=True, lns_above=0, layout=True)
    res = solve(inst, curtois_profile(), opts)
    assert len(got) == 1 and got[0] is not None and not dived
    ctx = build_model(inst, curtois_profile())
    laid = check_roster(inst, _roster(ctx, got[0]), curtois_profile())
    assert laid.violations == []
    events = {ev: obj for _t, ev, obj in res.events}
    objs = [h[1] for h in res.history]
    if objs[0] > laid.objective:
        assert events.get("layout") == laid.objective
    assert res.objective <= min(objs[0], laid.objective)
    rep = check_roster(inst, res.roster, curtois_profile())
    assert rep.violations == [] and rep.objective == res.objective
    no = solve(inst, curtois_profile(), replace(opts, layout=False, time_limit=5))
    assert no.ok and len(got) == 1  # not asked for: not laid
