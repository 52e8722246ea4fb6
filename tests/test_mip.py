"""The whole model as a MIP beside the LNS (scheduler/mip.py, `improve(side=…)`)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from constraints.checker import check_roster
from instances.curtois import curtois_profile
from instances.models import Assignment, Roster
from scheduler.lns import improve
from scheduler.mip import (
    HoldPolicy,
    MipSettings,
    MipSide,
    NotLinear,
    SideLink,
    highs_model,
    new_highs,
)
from scheduler.model import build_model, complete_values
from tests.factory import make_instance
from tests.test_curtois import _bench_instance, solve_all


def _highs_optimum(proto) -> float:
    h = new_highs()
    h.setOptionValue("time_limit", 60.0)
    h.passModel(highs_model(proto))
    h.run()
    assert h.modelStatusToString(h.getModelStatus()) == "Optimal"
    return h.getInfo().objective_function_value


@pytest.mark.parametrize("limits", [
    {},
    {"max_shifts": {"E": 6, "L": 2}},
    {"min_consecutive_shifts": 3, "max_consecutive_shifts": 3},
    {"max_weekends": 0},
])
def test_the_mip_has_the_models_optimum(limits):
    """Every row read off the CP-SAT proto: HiGHS's optimum is CP-SAT's (a wrong sign on a
    negated literal, or a dropped constraint kind, moves it)."""
    inst = _bench_instance(**limits)
    _roster, total = solve_all(inst, curtois_profile())
    ctx = build_model(inst, curtois_profile())
    assert _highs_optimum(ctx.model.Proto()) == pytest.approx(total.objective)


def test_a_constraint_the_mip_does_not_read_is_refused():
    m = cp_model.CpModel()
    a, b = m.NewIntVar(0, 3, "a"), m.NewIntVar(0, 9, "b")
    m.AddMultiplicationEquality(b, [a, a])
    with pytest.raises(NotLinear):
        highs_model(m.Proto())
    # the Finnish rules reify linear comparisons (an enforced linear row): not read either
    demo = build_model(make_instance(), None)
    with pytest.raises(NotLinear):
        highs_model(demo.model.Proto())


def _start(ctx) -> list[int]:
    """A valid but poor roster: CP-SAT's first solution with no objective."""
    clone = ctx.model.Clone()
    clone.ClearObjective()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(clone) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    decisions = {v.index: solver.Value(v) for v in ctx.x.values()}
    return complete_values(ctx.model, decisions)


def _optimum(ctx) -> list[int]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    assert solver.Solve(ctx.model) == cp_model.OPTIMAL
    return list(solver.ResponseProto().solution)


def test_the_lns_takes_a_better_roster_from_its_side_search_and_stops_at_its_bound():
    inst = _bench_instance()
    ctx = build_model(inst, curtois_profile())
    start, best = _start(ctx), _optimum(ctx)
    seen: dict[str, object] = {}

    def side(link: SideLink) -> None:
        obj, _values = link.best()
        seen["offered worse"] = link.offer(start)  # not better than the incumbent
        seen["offered best"] = link.offer(best)
        seen["incumbent"] = link.best()[0]
        link.prove(seen["incumbent"])  # a proof that nothing beats it: the LNS stops
        seen["running"] = link.running()

    t0 = time.monotonic()
    told: list[int] = []
    values, obj, stats = improve(ctx, start, 30.0, workers=2, threads=2, side=side,
                                 round_limit=0.5, on_bound=told.append)
    assert told == [seen["incumbent"]]  # out as soon as proven
    assert seen["offered worse"] is False and seen["offered best"] is True
    assert seen["running"] is False
    assert time.monotonic() - t0 < 10.0  # stopped by the bound, not by the 30 s
    assert obj == seen["incumbent"] == stats.bound
    assert stats.side == 1
    assert values == best


def test_the_lns_rounds_wait_while_the_side_search_holds_the_machine():
    """`SideLink.hold`: the LNS's other rounds pause until the side clears it or returns."""
    inst = _bench_instance()
    ctx = build_model(inst, curtois_profile())
    start = _start(ctx)

    def holding(link: SideLink) -> None:
        link.hold.set()
        while link.running():
            time.sleep(0.05)

    _v, _o, held = improve(ctx, start, 3.0, workers=2, threads=2, side=holding,
                           round_limit=0.2)
    _v, _o, free = improve(ctx, start, 3.0, workers=2, threads=2, side=lambda link: None,
                           round_limit=0.2)
    assert held.rounds <= 1  # at most the one round already under way
    assert free.rounds >= 5

    def releasing(link: SideLink) -> None:
        link.hold.set()  # and returns: its thread's rounds, and the other's, go on

    _v, _o, after = improve(ctx, start, 3.0, workers=2, threads=2, side=releasing,
                            round_limit=0.2)
    assert after.rounds >= 5


def test_highs_beside_the_lns_keeps_every_hard_rule_and_its_bound_holds():
    inst = _bench_instance(max_weekends=0)
    prof = curtois_profile()
    _roster, total = solve_all(inst, prof)
    ctx = build_model(inst, prof)
    mip = MipSide(MipSettings(gate_s=20.0))
    values, obj, stats = improve(ctx, _start(ctx), 20.0, workers=2, threads=2, side=mip,
                                 round_limit=0.5)
    roster = Roster(assignments=[
        Assignment(employee=inst.employees[e].id, date=inst.days[d], shift=s, unit=u)
        for (e, d, s, u), var in ctx.x.items() if values[var.index]])
    rep = check_roster(inst, roster, prof)
    assert not rep.violations
    assert rep.objective == obj == total.objective  # this small model is solved outright
    assert stats.bound is not None and stats.bound <= total.objective
    assert any(event == "bound" for _t, event, _v in mip.log)


def test_highs_runs_beside_the_lns_only_on_models_the_dive_does_not_take():
    """5000–20 000 decisions of a per-person catalogue, two workers to share, and not where
    the polish will run (Instance17 at 600 s)."""
    from types import SimpleNamespace

    from scheduler.solve import SolveOptions, _mip_side

    def ctx(decisions: int, catalogue: str = "curtois"):
        inst = SimpleNamespace(rules=SimpleNamespace(catalogue=catalogue))
        return SimpleNamespace(x=dict.fromkeys(range(decisions)), instance=inst)

    two = SolveOptions(workers=2)
    assert _mip_side(ctx(2158), two, 1297) is None  # Instance8: the dive's
    side = _mip_side(ctx(10_452), two, 4040)  # Instance12
    assert isinstance(side, MipSide) and side.known_bound == 4040
    assert _mip_side(ctx(39_936), two, None) is None  # Instance13: too large for HiGHS
    assert isinstance(_mip_side(ctx(5304), two, 5736), MipSide)  # Instance17 at 60 s
    assert _mip_side(ctx(5304), two, 5736, polish_runs=True) is None  # ... and at 600 s
    assert isinstance(_mip_side(ctx(5304), SolveOptions(workers=2, mip=True), 5736, True),
                      MipSide)
    assert _mip_side(ctx(10_452), SolveOptions(workers=1), None) is None
    assert _mip_side(ctx(10_452, "finnish"), two, None) is None
    # asked for or asked against, the catalogue's range does not matter; one worker still does
    assert isinstance(_mip_side(ctx(2158), SolveOptions(workers=2, mip=True), None), MipSide)
    assert _mip_side(ctx(10_452), SolveOptions(workers=2, mip=False), 4040) is None
    assert _mip_side(ctx(2158), SolveOptions(workers=1, mip=True), None) is None


def test_highs_prints_no_banner():
    """`roster curtois solve` shows a progress bar; HiGHS's first instance in a process prints
    its banner from C unless made by `new_highs` (a fresh process: the banner comes once)."""
    import subprocess
    import sys

    code = ("from scheduler.mip import new_highs\n"
            "h = new_highs()\nh2 = new_highs()\nprint('done')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True)
    assert out.stdout == "done\n"
    plain = subprocess.run([sys.executable, "-c", "import highspy; highspy.Highs()"],
                           capture_output=True, text=True, check=True)
    assert "HiGHS" in plain.stdout  # what new_highs keeps out


def test_the_lns_is_held_only_near_the_bound_and_not_for_long() -> None:
    """`HoldPolicy`: the LNS waits for HiGHS only past the gate, once it has stalled, with
    HiGHS useful and the incumbent within `hold_gap` of the bound; a hold without a better
    roster runs out after `hold_s`, and the next needs another full stall."""
    st = MipSettings(gate_s=150.0, stall_s=60.0, hold_gap=0.01, hold_s=120.0)
    p = HoldPolicy(st)
    # before the gate, far from the bound, not useful, or not stalled: no hold
    assert p.step(100.0, 100.0, 0.0, True, 4041, 4040) is None
    assert p.step(200.0, 200.0, 0.0, True, 4175, 4040) is None  # 3.2 % above the bound
    assert p.step(200.0, 200.0, 0.0, False, 4041, 4040) is None
    assert p.step(200.0, 200.0, 150.0, True, 4041, 4040) is None  # improved 50 s ago
    assert p.step(200.0, 200.0, 0.0, True, 4041, float("-inf")) is None
    assert p.step(200.0, 200.0, 100.0, True, 4041, 4040) == "hold"
    assert p.step(300.0, 300.0, 100.0, True, 4041, 4040) is None  # still held
    assert p.step(321.0, 321.0, 100.0, True, 4041, 4040) == "release"
    assert p.step(350.0, 350.0, 100.0, True, 4041, 4040) is None  # a new stall first
    assert p.step(382.0, 382.0, 100.0, True, 4041, 4040) == "hold"
    # a better roster during the hold ends it without a release; the stall counts anew
    assert p.step(400.0, 400.0, 390.0, True, 4040.5, 4040) is None
    assert p.held_at is None
    assert p.step(449.0, 449.0, 390.0, True, 4040.5, 4040) is None
    assert p.step(451.0, 451.0, 390.0, True, 4040.5, 4040) == "hold"
