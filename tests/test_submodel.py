"""Compact LNS sub-models (scheduler/submodel.py): smaller, and exact about the hard rules."""

from __future__ import annotations

import random

import numpy as np
from ortools.sat.python import cp_model

from constraints.checker import check_roster
from instances.models import Profile
from scheduler.lns import ObjectiveEval, _Search, improve
from scheduler.submodel import SHARED, CompactModels
from tests.test_lns import _roster, _start


def _solve(model: cp_model.CpModel) -> tuple[int, list[int] | None]:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.num_workers = 2
    code = solver.Solve(model)
    vals = list(solver.ResponseProto().solution) if code in (cp_model.OPTIMAL,
                                                               cp_model.FEASIBLE) else None
    return code, vals


def test_every_decision_belongs_to_its_own_employee_and_day():
    _inst, _prof, ctx, start = _start()
    search = _Search(ctx, start, ("employees",), False, compact=0)
    st = search.structure
    for (e, d, _s, _u), var in ctx.x.items():
        assert (st.owner[var.index], st.lo[var.index], st.hi[var.index]) == (e, d, d)
    # derived variables: most belong to one employee; cover and fairness terms are shared
    derived = np.ones(st.n_vars, dtype=bool)
    derived[[v.index for v in ctx.x.values()]] = False
    assert (st.owner[derived] >= 0).sum() > (st.owner[derived] == SHARED).sum() > 0


def test_a_compact_round_is_smaller_and_its_solutions_keep_every_hard_rule():
    inst, prof, ctx, start = _start()
    search = _Search(ctx, start, ("employees", "window", "block"), False, compact=0)
    build = CompactModels(ctx.model, search.structure, start).build
    # derived variables opened within 7 days of the free cells: the rules' reach on this
    # instance, so the round is exactly the clone's (margin 0 fixes run and block counters at
    # a window's edges: smaller, faster rounds, and what the Curtois & Qu LNS uses)
    exact = CompactModels(ctx.model, search.structure, start, margin=7).build
    evaluate = ObjectiveEval(ctx)
    rng = random.Random(3)
    n_cons = len(ctx.model.Proto().constraints)
    proven = same = 0
    for kind in ("employees", "window", "block", "employees"):
        free = search.free_cells(kind, rng)
        sub = build(free, start)
        assert len(sub.Proto().constraints) < n_cons
        code, vals = _solve(sub)
        assert vals is not None, kind
        # nothing outside the neighbourhood's cells moved
        moved = {(e, d) for (e, d, _s, _u), v in ctx.x.items() if vals[v.index] != start[v.index]}
        assert moved <= free
        rep = check_roster(inst, _roster(ctx, vals), prof)
        assert rep.violations == [], kind
        assert rep.objective == evaluate(vals) <= evaluate(start)
        code_full, full = _solve(search.sub_model(free, start))
        code_exact, within = _solve(exact(free, start))
        assert within is not None and full is not None
        assert check_roster(inst, _roster(ctx, within), prof).violations == []
        if code_full == code_exact == cp_model.OPTIMAL:
            # the start comes from a timed phase 1, so a round may be too hard to prove in
            # time on a loaded machine (seen once in CI): compare only the proven ones. The
            # compact round never beats the clone; from one start (a clean-clone run, an
            # employees round) its optimum was 3 044 676 against the clone's 3 022 086, so
            # margin 7 is not the rules' whole reach from every start (left open)
            assert evaluate(full) <= evaluate(within) and evaluate(full) <= evaluate(vals), kind
            proven += 1
            same += evaluate(within) == evaluate(full)
    assert proven >= 2 and same >= 1


def test_compact_lns_improves_and_the_checker_agrees():
    inst, prof, ctx, start = _start()
    best, obj, stats = improve(ctx, start, 4.0, workers=2, threads=2, adaptive=True,
                               round_limit=0.5, compact=0)
    assert stats.improved >= 1 and obj < ObjectiveEval(ctx)(start)
    rep = check_roster(inst, _roster(ctx, best), prof)
    assert rep.violations == []
    assert rep.objective == obj


def test_compact_rounds_are_chosen_for_large_curtois_models_only():
    from scheduler.solve import LIGHT_PRESOLVE, lns_settings

    # Instance14 (3572 decisions) keeps exact clone rounds; Instance22 (108 568) goes compact
    # with 1-s rounds, where a clone's rounds would grow with the model (1.3 s at 131 k vars)
    small = lns_settings("curtois", 2, 3_572, 12_000)
    large = lns_settings("curtois", 2, 108_568, 130_907)
    assert small[2]["compact"] is None and large[2]["compact"] == 0
    assert small[0] == large[0] == 1.0
    assert lns_settings("curtois", 2, 108_568, 130_907)[2]["threads"] == 2
    assert lns_settings("curtois", 2, 9_000, 130_907)[0] > 1.0
    # a unit of a region: clones, 0.4-s rounds with the light presolve
    unit = lns_settings("finnish", 1, 1_950, 38_595)
    assert unit[2]["compact"] is None and unit[:2] == (0.4, LIGHT_PRESOLVE)
    # two units solved as one: the presolve pass takes longer, so does the round
    assert lns_settings("finnish", 1, 3_900, 80_000)[0] == 0.8
    # neighbourhood kinds: a region's unit adds pair rounds (85 % of its rounds' time); the
    # Curtois catalogue names its own (the three and the LP-guided one, with sideways moves)
    assert unit[2]["kinds"] == ("pair", "employees", "window", "block")
    assert unit[2]["pair_share"] == 0.85 and "plateau" not in unit[2]
    assert "kinds" not in lns_settings("finnish", 2, 6_000, 90_000)[2]
    assert small[2]["kinds"] == ("employees", "window", "block", "guided")
    assert small[2]["plateau"] is True
    # a region's unit searches with wishes and strong overload weighted up; a whole model on
    # 2 workers and the Curtois catalogue search on their own objective
    f = unit[2]["factors"]
    assert f == {"wish": 3, "burden_strong": 10, "hours_outside_kpi": 3,
                 "hours_beyond_kpi_minute": 3}
    # in that search a strong overload outweighs an unmet priority-1 wish and an employee
    # outside the ± 4 h band together (the county's target is no strong overload at all)
    w = Profile()
    assert f["burden_strong"] * w.burden_strong > \
        f["wish"] * w.wish * 3 + f["hours_outside_kpi"] * w.hours_outside_kpi
    assert "factors" not in lns_settings("finnish", 2, 6_000, 90_000)[2]
    assert "factors" not in small[2] and "factors" not in large[2]
    # a unit's rounds choose between CP-SAT without and with its LP; other searches do not
    assert unit[2]["lp_levels"] == (0, 1)
    assert "lp_levels" not in lns_settings("finnish", 2, 6_000, 90_000)[2]
    assert "lp_levels" not in small[2] and "lp_levels" not in large[2]


def test_a_catalogue_may_name_its_neighbourhood_kinds(monkeypatch):
    import importlib

    from scheduler.lns import ALL_KINDS

    mod = importlib.import_module("scheduler.solve")  # the module, not the function

    monkeypatch.setitem(mod.LNS_BY_CATALOGUE, "curtois",
                        {**mod.LNS_BY_CATALOGUE["curtois"], "kinds": ALL_KINDS})
    assert mod.lns_settings("curtois", 2, 3_572, 12_000)[2]["kinds"] == ALL_KINDS


def test_an_employees_indicators_are_their_own_though_a_unit_wide_rule_reads_them():
    """A working-day indicator ("on", e, d) sits in e's own constraints and in unit-wide ones
    (weekend fairness reads everyone's). It belongs to e: were it shared, every round would open
    all of them and keep their constraints (on a 29-person ward 11 k of a pair round's 12 k)."""
    _inst, _prof, ctx, start = _start()
    st = _Search(ctx, start, ("pair",), False, compact=0).structure
    proto = ctx.model.Proto()
    seen = 0
    for i, var in enumerate(proto.variables):
        if var.name.startswith("('on', "):
            e, d = (int(x) for x in var.name.strip("()").split(", ")[1:])
            assert st.owner[i] == e and st.lo[i] <= d <= st.hi[i], var.name
            seen += 1
    assert seen > 0


def test_a_shared_variable_opens_only_when_its_days_are_free():
    """A cover slack of a day no free cell is on keeps its value: every decision in its
    constraint is fixed. Variables tied to no day (a fairness maximum) are always open."""
    _inst, _prof, ctx, start = _start()
    st = _Search(ctx, start, ("window",), False, compact=0).structure
    free = {(e, d) for (e, d, _s, _u) in ctx.x if 10 <= d < 14}
    for margin in (0, 2):
        mask = st.open_mask(free, margin)
        shared = np.nonzero(st.owner == SHARED)[0]
        for i in shared.tolist():
            if st.hi[i] < 0:
                assert mask[i]
            else:
                touches = st.lo[i] - margin <= 13 and st.hi[i] + margin >= 10
                assert mask[i] == touches, (i, st.lo[i], st.hi[i])
        assert 0 < mask[shared].sum() < len(shared)


def test_a_rounds_solution_is_read_from_its_open_variables_only():
    """`CompactModels.solution` patches the incumbent with the open variables' values; every
    other variable is fixed to the incumbent, so this is the whole response, round after round
    (the second and later rounds re-fix what the earlier ones opened)."""
    _inst, _prof, ctx, start = _start()
    search = _Search(ctx, start, ("employees", "window"), False, compact=0)
    models = CompactModels(ctx.model, search.structure, start)
    rng = random.Random(5)
    best, moved = start, 0
    for kind in ("window", "employees", "window"):
        sub = models.build(search.free_cells(kind, rng), best)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 5
        solver.parameters.num_workers = 1
        assert solver.Solve(sub) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        resp = solver.ResponseProto()
        got = models.solution(resp)
        assert got == list(resp.solution)
        moved += got != best
        best = got
    assert moved  # a round that changed nothing would not test the patching
