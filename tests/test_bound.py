"""The column-generation lower bound (scheduler/bound.py): never above an optimum, and tight
where the benchmark's optimum is known."""

from __future__ import annotations

import math

import pytest
from typer.testing import CliRunner

from api.cli import app
from instances.curtois import curtois_profile, read_curtois
from scheduler.bound import NotDecomposable, lower_bound
from tests.factory import make_instance
from tests.test_curtois import TEXT, _bench_instance, bench_file, solve_all


@pytest.mark.parametrize("limits", [
    {},
    {"max_shifts": {"E": 6, "L": 2}},
    {"min_minutes": 4800, "max_minutes": 5000},
    {"min_consecutive_shifts": 3, "max_consecutive_shifts": 3},
    {"max_weekends": 0},
])
def test_bound_never_exceeds_the_optimum_and_is_close_to_it(limits):
    inst = _bench_instance(**limits)
    _roster, total = solve_all(inst, curtois_profile())
    res = lower_bound(inst, curtois_profile(), 30.0)
    assert res.converged
    assert res.bound <= total.objective  # a wrong sign on the duals breaks this
    assert res.lagrangian <= res.lp + 1e-6
    # the Dantzig-Wolfe LP is far tighter than CP-SAT's own: within 5 % of the optimum here
    assert res.bound >= 0.95 * total.objective
    assert res.columns >= len(inst.employees)
    assert all(pool for pool in res.pool)


@pytest.mark.parametrize("name", ["Instance2", "Instance4"])
def test_smoothed_duals_converge_to_the_same_lp(monkeypatch, name):
    """Dual smoothing changes the path, not the end: the same master LP at convergence, and
    convergence only claimed after a pass at the master's own duals (or the bound meeting the
    LP), never after a smoothed pass that merely found nothing."""
    import scheduler.bound as bound

    inst = read_curtois(bench_file(name))
    exact_passes: list[bool] = []
    price = bound.ColumnGeneration.price

    def spy(self, pi, *a, **kw):
        exact_passes.append(pi is self_duals[0] if self_duals else True)
        return price(self, pi, *a, **kw)

    master = bound.ColumnGeneration.master
    self_duals: list = []

    def master_spy(self, fixed=None):
        out = master(self, fixed)
        self_duals[:] = [out[1]]
        return out

    monkeypatch.setattr(bound.ColumnGeneration, "price", spy)
    monkeypatch.setattr(bound.ColumnGeneration, "master", master_spy)
    smoothed = lower_bound(inst, curtois_profile(), 60.0)
    plain = lower_bound(inst, curtois_profile(), 60.0, smoothing=0.0)
    assert smoothed.converged and plain.converged
    assert smoothed.lp == pytest.approx(plain.lp, abs=1e-6)
    assert smoothed.bound == plain.bound
    if smoothed.bound < math.ceil(smoothed.lp - 1e-6):  # not stopped by the bound
        assert exact_passes[smoothed.iterations - 1]  # (the smoothed run's passes come first)


def test_bound_is_valid_when_stopped_early():
    """The Lagrangian bound holds after any iteration, not only at convergence."""
    inst = _bench_instance()
    _roster, total = solve_all(inst, curtois_profile())
    res = lower_bound(inst, curtois_profile(), 0.0)
    assert res.iterations == 1
    assert res.bound <= total.objective


def test_bound_beats_cp_sat_root_bound_on_instance4():
    """Instance4 (optimum 1716): the bound proves the optimum at once."""
    inst = read_curtois(bench_file("Instance4"))
    res = lower_bound(inst, curtois_profile(), 60.0)
    assert res.converged and res.bound == 1716


@pytest.mark.parametrize("name, optimum", [("Instance2", 828), ("Instance3", 1001),
                                           ("Instance5", 1143)])
def test_bound_on_small_benchmark_instances(name, optimum):
    res = lower_bound(read_curtois(bench_file(name)), curtois_profile(), 60.0)
    assert res.converged
    assert optimum - 3 <= res.bound <= optimum


def test_not_decomposable_when_hard_rules_link_employees():
    with pytest.raises(NotDecomposable, match="link employees"):
        lower_bound(make_instance(1), curtois_profile(), 5.0)


def test_cli_bound(tmp_path):
    p = tmp_path / "tiny.txt"
    p.write_text(TEXT)
    inst = read_curtois(p)
    out = CliRunner().invoke(app, ["curtois", "bound", str(p), "--time-limit", "10"])
    assert out.exit_code == 0, out.output
    assert "lower bound" in out.output and inst.name in out.output
    bad = tmp_path / "bad.txt"
    bad.write_text("SECTION_HORIZON\n10\n")
    out = CliRunner().invoke(app, ["curtois", "bound", str(bad)])
    assert out.exit_code == 2
    assert "SECTION_SHIFTS is missing" in out.output


def test_bounds_benchmark_table(tmp_path):
    """The batch runner writes one row per instance with our gap to the bound."""
    from benchmarks import curtois_bounds
    from benchmarks.curtois_batch import COLUMNS

    bench_file("Instance1")
    against = tmp_path / "ours.csv"
    against.write_text(",".join(COLUMNS) + "\nInstance1,8,14,OPTIMAL,607,607,607,0,0.1,1,0,2,"
                       "60,607,607,test\n")
    out = CliRunner().invoke(curtois_bounds.app, [
        "--instances", "1,2", "--time-limit", "30", "--against", str(against),
        "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    md = (tmp_path / "curtois_bounds.md").read_text()
    assert "| Instance1 | 8 | 14 |" in md and "| Instance2 | 14 | 14 | 828 | yes |" in md
    rows = (tmp_path / "curtois_bounds.csv").read_text().splitlines()
    assert len(rows) == 3
    assert curtois_bounds._gap(607, 558) == pytest.approx(100 * 49 / 558)
    assert curtois_bounds._gap(None, 558) is None
    assert "dual smoothing 0.5," in md
    out = CliRunner().invoke(curtois_bounds.app, [
        "--instances", "2", "--time-limit", "30", "--against", str(against),
        "--out", str(tmp_path), "--smoothing", "0"])
    assert out.exit_code == 0, out.output
    md = (tmp_path / "curtois_bounds.md").read_text()
    assert "| Instance2 | 14 | 14 | 828 | yes |" in md and "dual smoothing 0 (off)" in md


@pytest.mark.parametrize("name, expected", [
    ("Instance2", "Proven optimal: lower bound 828."),
    ("Instance1", "Lower bound 558: the roster is at most 8.78 % above the best possible"),
])
def test_cli_solve_prove(name, expected):
    out = CliRunner().invoke(app, ["curtois", "solve", str(bench_file(name)), "--time-limit",
                                   "10", "--prove", "20"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert expected in out.output


def test_no_bound_when_time_runs_out_before_the_first_schedules(monkeypatch):
    """A pricing solve that finds nothing in time gives no bound, never a wrong one."""
    import scheduler.bound as bound_mod

    monkeypatch.setattr(bound_mod._Pricing, "solve", lambda self, pi, seed, deadline: None)
    res = lower_bound(_bench_instance(), curtois_profile(), 0.0)
    assert res.bound is None and not res.converged


def _gaps(inst, roster, res):
    """The guided LNS's per-employee gaps of `roster` under the bound's duals."""
    from scheduler.bound import guide
    from scheduler.lns import ALL_KINDS, _Search
    from scheduler.model import build_model, complete_hint, roster_values

    ctx = build_model(inst, curtois_profile())
    assert complete_hint(ctx, roster_values(ctx, roster))
    start = list(ctx.model.Proto().solution_hint.values)
    search = _Search(ctx, start, ALL_KINDS, False, guide=guide(ctx, inst, res))
    return search.gaps(), search.best_obj


def test_guide_splits_the_gap_to_the_lp_by_employee():
    """Each employee's gap is the reduced cost of their schedule under the LP's cover duals: never
    negative, and together at most the roster's distance to the Lagrangian bound: 0 for a roster
    at the bound (the tiny instance), positive where the LP is loose (Instance1: 607 vs 558)."""
    from scheduler import SolveOptions, solve

    prof = curtois_profile()
    inst = _bench_instance()
    res = lower_bound(inst, prof, 30.0)
    assert res.converged and res.duals
    best, total = solve_all(inst, prof)
    gaps, obj = _gaps(inst, best, res)
    assert obj == total.objective
    assert all(g >= 0 for g in gaps)
    assert sum(gaps) <= obj - res.lagrangian + 0.5

    inst = read_curtois(bench_file("Instance1"))
    res = lower_bound(inst, prof, 30.0)
    assert res.converged and res.bound == 558
    sol = solve(inst, prof, SolveOptions(time_limit=20, workers=2))
    gaps, obj = _gaps(inst, sol.roster, res)
    assert obj == sol.objective == 607
    assert all(g >= 0 for g in gaps)
    assert 0 < sum(gaps) <= obj - res.lagrangian + 0.5


def test_solve_with_the_guide_reports_the_bound_and_stops_at_it(monkeypatch):
    """With `guide_share` the LNS phase computes the bound first: it is the solve's bound, the
    LNS is told to stop there, and a roster at it is reported optimal."""
    from scheduler import SolveOptions, solve
    from scheduler.solve import LNS_BY_CATALOGUE

    monkeypatch.setitem(LNS_BY_CATALOGUE, "curtois", {
        **LNS_BY_CATALOGUE["curtois"], "guide_share": 0.5,
        "kinds": ("employees", "window", "guided")})
    inst = read_curtois(bench_file("Instance2"))
    res = solve(inst, curtois_profile(), SolveOptions(time_limit=40, workers=2, two_phase=True,
                                                      lns_above=0))
    assert res.bound is not None and 826 <= res.bound <= 828
    assert res.objective >= res.bound
    assert (res.status == "OPTIMAL") == (res.objective == res.bound)
    if res.status == "OPTIMAL":
        assert res.wall_time < 35  # stopped at the proof, not at the time limit


@pytest.mark.parametrize("lookahead", [1, 5])
def test_dive_gives_a_valid_roster_at_the_value_it_reports(lookahead):
    """Price and dive from the converged LP: every employee gets one schedule, the roster meets
    every hard rule, and the checker's objective is the dive's value, never below the bound.
    Instance4's LP is tight (1716, the optimum), and the dive lands on it."""
    from constraints.checker import check_roster
    from scheduler.bound import dive

    prof = curtois_profile()
    inst = read_curtois(bench_file("Instance4"))
    res = lower_bound(inst, prof, 60.0)
    assert res.converged and res.cg is not None
    got = dive(res.cg, 60.0, lookahead=lookahead)
    assert got is not None and len(got.plans) == len(inst.employees)
    rep = check_roster(inst, got.roster(inst), prof)
    assert rep.feasible, rep.violations[:3]
    assert rep.objective == got.value
    assert res.bound <= got.value <= res.bound * 1.02


def test_dive_gives_up_when_its_time_runs_out():
    """No half-built roster: out of time, the dive answers None."""
    from scheduler.bound import dive

    res = lower_bound(_bench_instance(), curtois_profile(), 30.0)
    assert dive(res.cg, 0.0) is None


def test_master_holds_a_fixed_employee_to_their_schedule():
    """Fixing an employee's schedule pins its weight to 1 and can only raise the LP."""
    res = lower_bound(_bench_instance(), curtois_profile(), 30.0)
    cg = res.cg
    free_value, _pi, lam = cg.master()
    i = next(i for i, c in enumerate(cg.cols) if len(c) > 1)
    k = min(range(len(cg.cols[i])), key=lambda j: lam[i][j])  # the LP's least liked one
    value, _pi, lam = cg.master({i: k})
    assert lam[i][k] == pytest.approx(1.0) and sum(lam[i]) == pytest.approx(1.0)
    assert value >= free_value - 1e-6


def test_solve_starts_the_lns_from_the_dive_where_it_is_better(monkeypatch):
    """With `dive_share`, the LNS starts from the dive's roster when it beats the first roster
    (Instance4: the per-employee construction lands far above the LP): the dive's value is a
    point of the solve's history, and the LNS only goes down from there."""
    import scheduler.bound as bound_mod
    from scheduler import SolveOptions, solve
    from scheduler.solve import LNS_BY_CATALOGUE

    monkeypatch.setitem(LNS_BY_CATALOGUE, "curtois", {
        **LNS_BY_CATALOGUE["curtois"], "guide_share": 0.5, "dive_share": 0.4,
        "dive_lookahead": (1,)})
    values = []
    real = bound_mod.dive

    def spy(*args, **kw):
        out = real(*args, **kw)
        values.append(None if out is None else out.value)
        return out

    monkeypatch.setattr(bound_mod, "dive", spy)
    inst = read_curtois(bench_file("Instance4"))
    res = solve(inst, curtois_profile(), SolveOptions(time_limit=60, workers=2, two_phase=True,
                                                      lns_above=0))
    assert len(values) == 1 and values[0] is not None
    objs = [h[1] for h in res.history]
    assert objs[0] > values[0]  # the first roster, before the bound
    assert values[0] in objs
    assert res.bound <= res.objective <= values[0] <= 1.02 * res.bound


def _domains_now(cg) -> list[tuple[int, int]]:
    from scheduler.bound import _domains

    return [(dom[0], dom[1]) for dom, _b in _domains(cg).values()]


@pytest.mark.parametrize(("name", "batch"), [("small", 1), ("small", 4), ("Instance4", 1),
                                           ("Instance4", 8)])
def test_assignment_dive_gives_a_valid_roster_at_the_value_it_reports(name, batch):
    """Fixing single assignments (or batches of them) from the converged LP: one schedule per
    employee, every hard rule met, the checker's objective is the dive's value and never below
    the bound (Instance4's LP is tight at 1716, the optimum). The pricing models are left as
    built and the pool keeps what the dive priced."""
    from constraints.checker import check_roster
    from scheduler.bound import assignment_dive

    prof = curtois_profile()
    inst = _bench_instance() if name == "small" else read_curtois(bench_file(name))
    res = lower_bound(inst, prof, 60.0)
    assert res.converged and res.cg is not None
    doms, sizes = _domains_now(res.cg), [len(c) for c in res.cg.cols]
    got = assignment_dive(res.cg, 120.0, batch=batch)
    assert got is not None and len(got.plans) == len(inst.employees)
    rep = check_roster(inst, got.roster(inst), prof)
    assert rep.feasible, rep.violations[:3]
    assert rep.objective == got.value
    assert res.bound <= got.value <= res.bound * 1.02
    assert _domains_now(res.cg) == doms
    assert all(len(c) >= k for c, k in zip(res.cg.cols, sizes, strict=True))
    assert all(len(c) == len(p) for c, p in zip(res.cg.cols, res.cg.plans, strict=True))


def test_assignment_dive_gives_up_when_its_time_runs_out():
    """No half-built roster: out of time it answers None, the pricing models as built."""
    from scheduler.bound import assignment_dive

    res = lower_bound(_bench_instance(), curtois_profile(), 30.0)
    doms = _domains_now(res.cg)
    assert assignment_dive(res.cg, 0.0) is None
    assert _domains_now(res.cg) == doms


def test_a_fixing_no_schedule_meets_is_reported_not_priced_forever():
    """A works L on day 0 and E on day 1, where E may not follow L: no schedule meets both
    fixings, so the re-convergence says so (the dive then fixes the last one to 0 instead);
    with the second fixing turned to 0 the LP converges and every schedule left meets both."""
    import time

    from instances.curtois import parse_curtois
    from scheduler.bound import _domains, _pool, _reconverge

    res = lower_bound(parse_curtois(TEXT, "tiny"), curtois_profile(), 30.0)
    cg = res.cg
    pool, domains = _pool(cg), _domains(cg)
    pi = dict(res.duals)
    far = time.monotonic() + 30
    fixed = {(0, 0, "L", "U"): 1, (0, 1, "E", "U"): 1}
    assert _reconverge(cg, pool, domains, fixed, pi, 0, far, None) == "infeasible"
    fixed[(0, 1, "E", "U")] = 0
    got = _reconverge(cg, pool, domains, fixed, pi, 0, far, None)
    assert isinstance(got, tuple) and math.isfinite(got[0])
    assert cg.plans[0] and all((0, "L", "U") in p and (1, "E", "U") not in p
                               for p in cg.plans[0])


def test_a_batch_that_raises_the_lp_is_undone_but_its_first_fixing(monkeypatch):
    """The re-convergence says "raised" once the LP is above the ceiling it is given; the
    batched dive then keeps only the batch's first fixing, halves the batch and still ends
    at a valid roster (Instance1: its LP, 558, is fractional and far below the optimum)."""
    import time

    import scheduler.bound as bound_mod
    from constraints.checker import check_roster

    inst, prof = read_curtois(bench_file("Instance1")), curtois_profile()
    res = lower_bound(inst, prof, 30.0)
    cg = res.cg
    pool, domains = bound_mod._pool(cg), bound_mod._domains(cg)
    far = time.monotonic() + 30
    below = math.floor(res.lp) - 1.0
    assert bound_mod._reconverge(cg, pool, domains, {}, dict(res.duals), 0, far, None,
                                 ceiling=below) == "raised"
    got = bound_mod._reconverge(cg, pool, domains, {}, dict(res.duals), 0, far, None)
    assert isinstance(got, tuple) and got[0] > below

    real, seen = bound_mod._reconverge, []

    def first_batch_raises(cg, pool, domains, fixed, *args, **kw):
        seen.append(dict(fixed))
        if len(seen) == 2:  # the first batch
            assert len(fixed) == 4 and kw["ceiling"] < math.inf
            return "raised"
        return real(cg, pool, domains, fixed, *args, **kw)

    monkeypatch.setattr(bound_mod, "_reconverge", first_batch_raises)
    dived = bound_mod.assignment_dive(cg, 120.0, batch=4)
    assert len(seen[2]) == 1 and seen[2].items() <= seen[1].items()
    assert max(len(f) - len(g) for f, g in zip(seen[3:], seen[2:], strict=False)) <= 4
    assert dived is not None and check_roster(inst, dived.roster(inst), prof).feasible


def test_a_dive_cut_short_gives_its_heaviest_schedules_only_when_asked(monkeypatch):
    """Out of time after its first step, the dive answers None, or with `partial` each
    employee's heaviest schedule in that step's LP: a roster that meets every hard rule,
    marked as not whole."""
    import scheduler.bound as bound_mod
    from constraints.checker import check_roster

    inst, prof = read_curtois(bench_file("Instance1")), curtois_profile()
    res = lower_bound(inst, prof, 30.0)
    real, calls = bound_mod._reconverge, []

    def one_step_only(*args, **kw):
        calls.append(1)
        return real(*args, **kw) if len(calls) % 2 else None

    monkeypatch.setattr(bound_mod, "_reconverge", one_step_only)
    assert bound_mod.assignment_dive(res.cg, 60.0, batch=4) is None
    cut = bound_mod.assignment_dive(res.cg, 60.0, batch=4, partial=True)
    assert cut is not None and not cut.whole and len(cut.plans) == len(inst.employees)
    assert check_roster(inst, cut.roster(inst), prof).feasible
    assert calls == [1, 1, 1, 1]


def test_solve_dives_on_assignments_only_with_the_time_it_needs(monkeypatch):
    """The assignment dive runs where its share of the budget is at least `assign_dive_min_s`
    on models of up to `assign_dive_up_to` decisions, and its roster is the LNS's start where
    it beats the first roster; with a share below that minimum (the 60-s solves) or on a larger
    model it is not started and the schedule dives run instead."""
    import scheduler.bound as bound_mod
    from scheduler import SolveOptions, solve
    from scheduler.solve import LNS_BY_CATALOGUE

    calls, schedule_dives = [], []
    real, real_dive = bound_mod.assignment_dive, bound_mod.dive

    batches = []

    def spy(*args, **kw):
        out = real(*args, **kw)
        calls.append(None if out is None else out.value)
        batches.append(kw.get("batch"))
        return out

    def spy_dive(*args, **kw):
        schedule_dives.append(kw.get("lookahead"))
        return real_dive(*args, **kw)

    monkeypatch.setattr(bound_mod, "assignment_dive", spy)
    monkeypatch.setattr(bound_mod, "dive", spy_dive)
    inst = read_curtois(bench_file("Instance4"))
    opts = SolveOptions(time_limit=40, workers=2, two_phase=True, lns_above=0)
    base = {**LNS_BY_CATALOGUE["curtois"], "guide_share": 0.5, "dive_share": 0.4,
            "dive_lookahead": (1,), "assign_dive_share": 0.5, "assign_dive_up_to": 10_000}
    monkeypatch.setitem(LNS_BY_CATALOGUE, "curtois", {**base, "assign_dive_min_s": 1000.0})
    solve(inst, curtois_profile(), opts)
    assert calls == [] and schedule_dives == [1]
    monkeypatch.setitem(LNS_BY_CATALOGUE, "curtois", {**base, "assign_dive_min_s": 1.0,
                                                      "assign_dive_up_to": 100})  # 468 here
    solve(inst, curtois_profile(), opts)
    assert calls == [] and schedule_dives == [1, 1]
    monkeypatch.setitem(LNS_BY_CATALOGUE, "curtois", {**base, "assign_dive_min_s": 1.0})
    res = solve(inst, curtois_profile(), opts)
    assert len(calls) == 1 and calls[0] is not None and schedule_dives == [1, 1]  # not again
    assert calls[0] in [h[1] for h in res.history]
    assert res.bound <= res.objective <= calls[0]
    assert batches == [1]
    # from `batch_dive_from` decisions: batched, within its own share, not bound by the size
    # limit of the one-at-a-time dive
    bounds = []
    monkeypatch.setattr(bound_mod, "lower_bound",
                        lambda *a, **kw: bounds.append(1) or lower_bound(*a, **kw))
    monkeypatch.setitem(LNS_BY_CATALOGUE, "curtois", {
        **base, "assign_dive_min_s": 1.0, "assign_dive_up_to": 100, "batch_dive_from": 400,
        "batch_dive": 8, "batch_dive_share": 0.5, "batch_guide_share": 0.5})
    res = solve(inst, curtois_profile(), opts)
    assert len(calls) == 2 and batches == [1, 8] and schedule_dives == [1, 1] and bounds == [1]
    assert res.bound <= res.objective <= calls[1]
    # ... and no column generation at all where the batched dive would not have its minimum
    monkeypatch.setitem(LNS_BY_CATALOGUE, "curtois", {
        **base, "assign_dive_min_s": 1000.0, "batch_dive_from": 400, "batch_dive_share": 0.5,
        "batch_guide_share": 0.5})
    solve(inst, curtois_profile(), opts)
    assert len(calls) == 2 and schedule_dives == [1, 1] and bounds == [1]


def test_master_lp_value_duals_and_weights_by_hand():
    """The master on a case solved by hand: one employee, a schedule that works both rows
    (own cost 4) or none (0); row r wants 2 (10 a person short), row q wants 0 (1 a person
    over). Working: 4 + 10 short + 1 over = 15 against 20 idle; the duals are the marginal
    prices of one more wanted: 10 on r (one more short), −1 on q (one fewer over)."""
    from scheduler.bound import _Cover, _master

    r, q = ("U", 0, "D", None), ("U", 0, "N", None)
    rows = {r: _Cover(target=2, under=10, over=1), q: _Cover(target=0, under=10, over=1)}
    cols = [[(4, frozenset({r, q})), (0, frozenset())]]
    value, pi, lam = _master(cols, rows)
    assert value == pytest.approx(15.0)
    assert lam == [[pytest.approx(1.0), pytest.approx(0.0)]]
    assert pi[r] == pytest.approx(10.0) and pi[q] == pytest.approx(-1.0)
    value, _pi, lam = _master(cols, rows, {0: 1})  # held to the idle schedule
    assert value == pytest.approx(20.0) and lam == [[0.0, 1.0]]
