"""The half-period polish late in the LNS (scheduler/polish.py): HiGHS over half of the period
and every weekend day, from the incumbent."""

from __future__ import annotations

import sys
import time

from constraints.checker import check_roster
from instances.curtois import curtois_profile
from instances.models import Assignment, Roster
from scheduler.lns import ObjectiveEval, improve
from scheduler.mip import SideLink
from scheduler.model import build_model
from scheduler.polish import KIND, PolishSettings, PolishSide
from scheduler.solve import SolveOptions, _polish_side
from tests.test_curtois import _bench_instance
from tests.test_mip import _start

WEEKEND = {5, 6, 12, 13}  # the test instances start on a Monday


def _side(ctx, budget: float = 600.0, **settings) -> PolishSide:
    by_day: list[list[int]] = [[] for _ in range(ctx.n_days)]
    for (_e, d, _s, _u), var in ctx.x.items():
        by_day[d].append(var.index)
    return PolishSide(by_day, WEEKEND, budget, PolishSettings(**settings))


def test_the_half_that_pays_more_on_weekdays_goes_first():
    side = PolishSide([[] for _ in range(14)], WEEKEND, 600.0)
    costs = [0.0] * 14
    costs[9] = 5.0
    assert side.halves(costs) == [(7, 14), (0, 7)]
    costs[2] = 6.0
    assert side.halves(costs) == [(0, 7), (7, 14)]
    weekend_only = [0.0] * 14
    weekend_only[12] = 50.0  # free in both halves: no reason to change the order
    assert side.halves(weekend_only) == [(0, 7), (7, 14)]


def test_larger_windows_overlap_in_the_middle_and_the_whole_period_is_one():
    side = PolishSide([[] for _ in range(14)], WEEKEND, 600.0)
    costs = [0.0] * 14
    costs[2] = 1.0  # in the first window only
    assert side.halves(costs, 0.75) == [(0, 10), (4, 14)]
    costs[11] = 3.0  # in the last only (a Friday)
    assert side.halves(costs, 0.75) == [(4, 14), (0, 10)]
    assert side.halves(costs, 1.0) == [(0, 14)]


def _link(ctx, start: list[int], offered: list) -> SideLink:
    score = ObjectiveEval(ctx)
    best = [score(start), list(start)]

    def offer(values: list[int], kind: str = "highs") -> bool:
        if score(values) >= best[0]:
            return False
        best[:] = [score(values), values]
        offered.append((kind, values))
        return True

    return SideLink(lambda: (best[0], list(best[1])), offer, lambda: True, lambda _b: None,
                    ctx.model.Clone, [v.index for v in ctx.x.values()],
                    time.monotonic() + 60.0)


def test_a_half_frees_its_own_days_and_every_weekend_day_and_nothing_else():
    inst = _bench_instance()
    ctx = build_model(inst, curtois_profile())
    start = _start(ctx)
    offered: list = []
    side = _side(ctx)
    side.started = time.monotonic()
    assert side.run_half(_link(ctx, start, offered), 0, 7) is True
    kind, values = offered[-1]
    assert kind == KIND
    assert ObjectiveEval(ctx)(values) < ObjectiveEval(ctx)(start)
    for (_e, d, _s, _u), var in ctx.x.items():
        if 7 <= d and d not in WEEKEND:  # the other half's weekdays: as they were
            assert values[var.index] == start[var.index]
    changed = {d for (_e, d, _s, _u), var in ctx.x.items()
               if values[var.index] != start[var.index]}
    assert changed and changed <= set(range(7)) | WEEKEND
    assert [ev for _t, ev, _v in side.log] == [f"{KIND}:0-6", f"{KIND}:Optimal"]


def test_the_polish_starts_late_and_its_rosters_keep_every_rule():
    inst = _bench_instance()
    prof = curtois_profile()
    ctx = build_model(inst, prof)
    side = _side(ctx, budget=4.0, share=0.5, max_share=0.5, min_s=0.0)
    t0 = time.monotonic()
    values, obj, _stats = improve(ctx, _start(ctx), 4.0, workers=2, threads=2, side=side,
                                  round_limit=0.3)
    assert side.started is not None and side.started - t0 >= 1.8  # the rounds' half first
    assert any(ev.startswith(f"{KIND}:") for _t, ev, _v in side.log)
    roster = Roster(assignments=[
        Assignment(employee=inst.employees[e].id, date=inst.days[d], shift=s, unit=u)
        for (e, d, s, u), var in ctx.x.items() if values[var.index]])
    rep = check_roster(inst, roster, prof)
    assert rep.violations == [] and rep.objective == obj


def test_the_polish_starts_on_a_stall_but_not_before_its_largest_share_is_left():
    side = PolishSide([[] for _ in range(14)], WEEKEND, 100.0,
                      PolishSettings(share=0.4, max_share=0.6, stall_s=10.0))
    now = time.monotonic()
    last = [now]  # when the incumbent last improved

    def link(deadline: float) -> SideLink:
        return SideLink(lambda: (0, []), lambda *_a: False, lambda: True, lambda _b: None,
                        lambda: None, [], deadline, improved_at=lambda: last[0])

    assert not side._due(link(now + 70.0))()  # 70 s left: before the earliest start (60)
    last[0] = now - 20.0  # stalled for 20 s
    assert not side._due(link(now + 70.0))()
    assert side._due(link(now + 55.0))()  # 55 s left, stalled: go
    last[0] = now  # just improved
    assert not side._due(link(now + 55.0))()
    assert side._due(link(now + 39.0))()  # the latest start, 40 s left: go anyway


def test_no_polish_where_it_would_not_have_minutes():
    inst = _bench_instance()
    ctx = build_model(inst, curtois_profile())
    side = _side(ctx, budget=60.0)  # 40 % of a minute: HiGHS would not finish a half
    assert not side.runs and _side(ctx, budget=300.0).runs
    link = _link(ctx, _start(ctx), [])
    side(link)
    assert side.started is None and side.log == []


def _scripted(ctx, results: list[tuple[bool, bool]], **settings):
    """A polish whose windows give `results` in turn: (a better roster?, proven?)."""
    side = _side(ctx, **settings)
    ran: list[tuple[int, int]] = []
    script = iter(results)

    def run_half(_link, lo: int, hi: int) -> bool | None:
        ran.append((lo, hi))
        gained, side.proven = next(script, (False, False))
        return gained
    side.run_half = run_half  # type: ignore[method-assign]
    return side, ran


def test_proven_halves_with_nothing_to_gain_give_way_to_larger_windows():
    """Both halves proven and nothing gained: the first and last three quarters; a better
    roster there starts the count again; proven with nothing to gain there too: done."""
    ctx = build_model(_bench_instance(), curtois_profile())
    side, ran = _scripted(ctx, [(False, True), (False, True), (True, False), (False, True),
                                (False, True)])
    side(_link(ctx, _start(ctx), []))
    assert ran == [(0, 7), (7, 14), (0, 10), (4, 14), (0, 10)]


def test_a_half_out_of_patience_ends_the_polish_without_larger_windows():
    ctx = build_model(_bench_instance(), curtois_profile())
    side, ran = _scripted(ctx, [(False, True), (False, False)])
    side(_link(ctx, _start(ctx), []))
    assert ran == [(0, 7), (7, 14)]
    side, ran = _scripted(ctx, [(False, True), (False, True)], shares=(0.5,))
    side(_link(ctx, _start(ctx), []))
    assert ran == [(0, 7), (7, 14)]  # no larger windows asked for


def test_the_polish_runs_where_asked_for_or_where_the_catalogue_asks(monkeypatch):
    solve_module = sys.modules["scheduler.solve"]  # the package re-exports solve()
    ctx = build_model(_bench_instance(), curtois_profile())
    n = len(ctx.x)
    tuned = dict(solve_module.LNS_BY_CATALOGUE["curtois"])
    monkeypatch.setitem(solve_module.LNS_BY_CATALOGUE, "curtois", tuned)
    two = SolveOptions(workers=2)
    for measured in (4104, 5304):  # Instances 18 and 17: measured, a default
        assert tuned["polish_from"] < measured <= tuned["polish_up_to"]
    assert not tuned["polish_from"] < 3572  # Instance14: not
    tuned.update(polish_from=0, polish_up_to=0)
    assert _polish_side(ctx, two, 600.0) is None
    assert isinstance(_polish_side(ctx, SolveOptions(workers=2, polish=True), 600.0), PolishSide)
    assert _polish_side(ctx, SolveOptions(workers=1, polish=True), 600.0) is None
    tuned.update(polish_from=n - 1, polish_up_to=n)
    side = _polish_side(ctx, two, 600.0)
    assert isinstance(side, PolishSide) and side.weekend == WEEKEND
    assert sorted(i for day in side.cells_by_day for i in day) == \
        sorted(v.index for v in ctx.x.values())
    assert _polish_side(ctx, SolveOptions(workers=2, polish=False), 600.0) is None
    tuned.update(polish_from=n)
    assert _polish_side(ctx, two, 600.0) is None


def test_a_half_that_gives_nothing_for_its_patience_ends():
    inst = _bench_instance()
    ctx = build_model(inst, curtois_profile())
    side = _side(ctx, patience_s=-1.0)  # out of patience at once
    side.started = time.monotonic()
    assert side.run_half(_link(ctx, _start(ctx), []), 0, 7) is False
    assert side.log[-1][1] == f"{KIND}:patience"


def test_sides_run_in_turn_and_a_hold_ends_with_its_side():
    """Instance17 has HiGHS on the whole model first and the polish after: a hold the first
    leaves set must not keep the second's rounds (and the other thread's) waiting."""
    from scheduler.solve import _in_turn

    inst = _bench_instance()
    ctx = build_model(inst, curtois_profile())
    seen: list = []

    def holding(link: SideLink) -> None:
        link.hold.set()

    def after(link: SideLink) -> None:
        seen.append(link.hold.is_set())

    _v, _o, stats = improve(ctx, _start(ctx), 2.0, workers=2, threads=2,
                            side=_in_turn([holding, after]), round_limit=0.2)
    assert seen == [False]
    assert stats.rounds >= 3


def test_a_half_highs_refuses_to_run_ends_the_polish_without_a_roster():
    """HiGHS starts one thread pool per process; a run asking for another thread count fails.
    In a fresh process (the pool is the process's), so the other tests' HiGHS keep theirs."""
    import subprocess
    from pathlib import Path

    script = (
        "import time\n"
        "from instances.curtois import curtois_profile\n"
        "from scheduler.mip import highs_model, new_highs\n"
        "from scheduler.model import build_model\n"
        "from tests.test_curtois import _bench_instance\n"
        "from tests.test_polish import _link, _side, _start\n"
        "ctx = build_model(_bench_instance(), curtois_profile())\n"
        "h = new_highs(2)\n"
        "h.passModel(highs_model(ctx.model.Proto()))\n"
        "h.run()\n"
        "side = _side(ctx)\n"
        "side.started = time.monotonic()\n"
        "offered = []\n"
        "print(side.run_half(_link(ctx, _start(ctx), offered), 0, 7), offered,\n"
        "      [ev for _t, ev, _v in side.log])\n")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "None [] ['polish:0-6', 'polish:error']"
