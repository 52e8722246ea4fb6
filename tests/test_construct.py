"""The employee-by-employee first roster (scheduler/construct.py): its per-person linear objective
is the benchmark objective (the checker's) up to a constant, and the roster it builds keeps every
hard rule."""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import timedelta

import pytest

from constraints import RULES
from constraints.checker import check_roster
from constraints.context import EncodeContext, decision_keys
from instances.curtois import curtois_profile, read_curtois
from instances.models import Assignment, Demand, Roster, Wish, WishKind
from scheduler.construct import (
    by_employee,
    linear_objective,
    residual_instance,
    roster_objective,
    sweep,
)
from scheduler.model import build_model
from scheduler.solve import SolveOptions, solve
from tests.factory import START
from tests.test_curtois import bench_file, tiny


def _one_person_instance(n: int = 1):  # noqa: ANN202
    days = [START + timedelta(days=d) for d in range(14)]
    rng = random.Random(3)
    demand = [Demand(unit="U1", date=dt, shift=s, minimum=0, target=rng.choice([0, 0, 1, 2]),
                     weight_under=rng.choice([0, 1, 100]), weight_over=rng.choice([0, 1, 5]))
              for dt in days for s in ("E", "L")]
    wishes = [Wish(employee="e1", kind=WishKind.SHIFT, date=days[3], shift="L", weight=3),
              Wish(employee="e1", kind=WishKind.NOT_SHIFT, date=days[5], shift="E", weight=2),
              Wish(employee="e1", kind=WishKind.DAY_OFF, date=days[8], weight=4),
              Wish(employee="e1", kind=WishKind.SHIFT, date=days[8], shift="E", weight=1)]
    return tiny(weeks=2, n=n, demand=demand, wishes=wishes)


def test_linear_objective_is_the_checkers_objective_up_to_a_constant() -> None:
    inst = _one_person_instance()
    prof = curtois_profile()
    ctx = build_model(inst, prof, rules=[r for r in RULES if r.kind == "hard"])
    terms = linear_objective(inst, prof, ctx.x)
    assert terms is not None
    coef = {var.index: c for c, var in terms}
    empty = check_roster(inst, Roster(assignments=[]), prof).objective
    rng = random.Random(0)
    for _ in range(30):  # any roster, valid or not: the soft terms are what is compared
        chosen = {}
        for d in range(inst.n_days):
            s = rng.choice([None, "E", "L"])
            if s is not None:
                chosen[(0, d, s, "U1")] = True
        roster = Roster(assignments=[
            Assignment(employee="e1", date=inst.days[d], shift=s, unit=u)
            for (_e, d, s, u) in chosen])
        linear = sum(coef.get(ctx.x[k].index, 0) for k in chosen)
        assert check_roster(inst, roster, prof).objective - empty == linear


def test_linear_objective_refuses_a_profile_with_other_terms() -> None:
    inst = _one_person_instance()
    prof = curtois_profile().model_copy(update={"single_day_off": 1})
    ctx = build_model(inst, prof, rules=[r for r in RULES if r.kind == "hard"])
    assert linear_objective(inst, prof, ctx.x) is None


@pytest.mark.parametrize("name", ["Instance2", "Instance8"])
def test_by_employee_builds_a_valid_roster(name: str) -> None:
    inst = read_curtois(bench_file(name))
    prof = curtois_profile()
    values = by_employee(inst, prof, 5.0, workers=2)
    assert values is not None
    roster = Roster(assignments=[
        Assignment(employee=inst.employees[e].id, date=inst.days[d], shift=s, unit=u)
        for (e, d, s, u), v in values.items() if v])
    rep = check_roster(inst, roster, prof)
    assert rep.violations == []
    # the construction places people against the cover: better than nobody at all
    assert rep.objective < check_roster(inst, Roster(assignments=[]), prof).objective


def _roster(inst, values):  # noqa: ANN001, ANN202
    return Roster(assignments=[
        Assignment(employee=inst.employees[e].id, date=inst.days[d], shift=s, unit=u)
        for (e, d, s, u), v in values.items() if v])


def test_roster_objective_is_the_checkers() -> None:
    """The sweep's own count of the objective (cover and wishes from head counts) against the
    checker's, on rosters of three people where their shifts share cover rows."""
    inst = _one_person_instance(n=3)
    prof = curtois_profile()
    rng = random.Random(1)
    for _ in range(30):
        values = {}
        for e in range(3):
            for d in range(inst.n_days):
                s = rng.choice([None, "E", "L"])
                if s is not None:
                    values[(e, d, s, "U1")] = True
        assert roster_objective(inst, prof, values) == \
            check_roster(inst, _roster(inst, values), prof).objective


@pytest.mark.parametrize("name", ["Instance2", "Instance8"])
def test_sweep_keeps_the_rules_and_its_objective_is_the_checkers(name: str) -> None:
    inst = read_curtois(bench_file(name))
    prof = curtois_profile()
    people: list = []
    start = by_employee(inst, prof, 3.0, workers=2, people=people)
    assert start is not None and len(people) == len(inst.employees)
    before = check_roster(inst, _roster(inst, start), prof).objective
    seen: list[int] = []
    values, obj = sweep(inst, prof, start, people, 20.0, workers=2,
                        on_improve=lambda _v, o: seen.append(o))
    rep = check_roster(inst, _roster(inst, values), prof)
    assert rep.violations == []
    assert obj == rep.objective  # each person's gain is exact, so the total is too
    assert obj <= before
    assert seen == sorted(seen, reverse=True) and (not seen or seen[-1] == obj)
    if name == "Instance8":  # the greedy's first people chose against an empty roster
        assert obj < before


def test_sweep_without_time_returns_its_start() -> None:
    inst = read_curtois(bench_file("Instance2"))
    prof = curtois_profile()
    people: list = []
    start = by_employee(inst, prof, 1.0, workers=1, people=people)
    values, obj = sweep(inst, prof, start, people, 0.0)
    assert values == {k: v for k, v in start.items() if v}
    assert obj == check_roster(inst, _roster(inst, start), prof).objective


def test_residual_linear_objective_equals_the_unreduced_one_with_what_is_placed() -> None:
    """The construction builds the next person's hard model before the others are placed
    (in a thread, while this one is solved): their objective against `placed` on the whole
    demand must be that of the residual instance's reduced demand."""
    inst = _one_person_instance(n=3)
    prof = curtois_profile()
    rng = random.Random(5)
    placed: Counter = Counter()
    for dm in inst.demand:
        placed[(dm.unit, dm.date, dm.shift, dm.competence)] = rng.choice([0, 0, 1, 2, 3])
    for i in range(3):
        reduced = residual_instance(inst, i, placed)
        whole = residual_instance(inst, i, Counter())
        hard = build_model(whole, prof, rules=[r for r in RULES if r.kind == "hard"])
        same = build_model(reduced, prof, rules=[r for r in RULES if r.kind == "hard"])
        assert sorted(hard.x) == sorted(same.x)  # the same decisions either way
        by_key = {v.index: k for k, v in hard.x.items()}
        got = {by_key[v.index]: c for c, v in linear_objective(whole, prof, hard.x,
                                                               placed=placed)}
        by_key = {v.index: k for k, v in same.x.items()}
        want = {by_key[v.index]: c for c, v in linear_objective(reduced, prof, same.x)}
        assert got == want and got


def test_construction_reports_what_its_models_cost() -> None:
    inst = read_curtois(bench_file("Instance2"))
    stats: Counter = Counter()
    values = by_employee(inst, curtois_profile(), 2.0, workers=2, stats=stats)
    assert values is not None
    assert stats["decisions"] == sum(1 for _ in decision_keys(inst))
    assert stats["build_s"] > 0


@pytest.mark.parametrize("name", ["Instance2", "Instance8"])
def test_decision_keys_are_the_models_decisions(name: str) -> None:
    inst = read_curtois(bench_file(name))
    assert list(decision_keys(inst)) == list(EncodeContext(inst).x)


def test_a_budget_short_of_the_whole_model_hands_back_the_built_roster(monkeypatch) -> None:
    """Where the part's budget left after the construction does not cover building the whole
    model, the constructed (and swept) roster is the answer: valid, priced as the checker
    prices it, and the whole model is never built (Instance24 at 60 s: 147 s → 61 s)."""
    solve_mod = sys.modules["scheduler.solve"]
    monkeypatch.setattr(solve_mod, "WHOLE_MODEL_COST", 1e9)

    def no_build(*_a, **_k):  # noqa: ANN202
        raise AssertionError("the whole model was built")

    monkeypatch.setattr(solve_mod, "_build", no_build)
    inst = read_curtois(bench_file("Instance8"))  # two-phase: built one person at a time
    prof = curtois_profile()
    seen: list = []
    res = solve(inst, prof, SolveOptions(time_limit=6.0, workers=2), progress=seen.append)
    assert res.status == "FEASIBLE" and res.bound is None
    rep = check_roster(inst, res.roster, prof)
    assert rep.violations == [] and rep.objective == res.objective
    assert seen and seen[-1].objective == res.objective
    assert res.history and res.history[-1][1] == res.objective


def test_sweeps_pay_on_huge_models_or_long_horizons_at_long_budgets() -> None:
    """Sizes as on the benchmark (decisions, staff): Instance24 always; Instance22 (a person's
    whole year) only from the long budget; the half-year and 28-day instances never."""
    from scheduler.solve import sweeps_pay

    assert sweeps_pay(1_039_432, 150, 60) and sweeps_pay(1_039_432, 150, 600)
    assert not sweeps_pay(108_568, 50, 60) and sweeps_pay(108_568, 50, 600)
    for decisions, staff in ((35_260, 50), (90_692, 100), (39_936, 120), (2158, 30)):
        assert not sweeps_pay(decisions, staff, 600)


@pytest.mark.parametrize(("per_person", "swept"), [(50, True), (100, False)])
def test_solve_sweeps_where_the_rule_says(monkeypatch, per_person: int, swept: bool) -> None:
    """The solve asks `sweeps_pay` with the part's size and budget, and the sweeps it then runs
    keep the roster valid (Instance8: 2158 decisions, 30 staff, ~72 a person)."""
    import scheduler.construct as construct_mod

    solve_mod = sys.modules["scheduler.solve"]
    monkeypatch.setattr(solve_mod, "SWEEP_LONG_S", 1.0)
    monkeypatch.setattr(solve_mod, "SWEEP_PERSON_ABOVE", per_person)
    calls: list[float] = []

    def counted(*a, **k):  # noqa: ANN202
        calls.append(a[4])
        return sweep(*a, **k)

    monkeypatch.setattr(construct_mod, "sweep", counted)
    inst = read_curtois(bench_file("Instance8"))
    prof = curtois_profile()
    res = solve(inst, prof, SolveOptions(time_limit=8.0, workers=2))
    assert bool(calls) is swept
    rep = check_roster(inst, res.roster, prof)
    assert rep.violations == [] and rep.objective == res.objective
