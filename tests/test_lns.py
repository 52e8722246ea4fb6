"""The LNS (scheduler/lns.py): parallel rounds keep every hard rule and never lose the incumbent."""

from __future__ import annotations

import pytest

from constraints.checker import check_roster
from instances.generator import PRESETS
from instances.models import Assignment, Profile, Roster
from scheduler import SolveOptions, solve
from scheduler.lns import improve
from scheduler.model import build_model, complete_hint, roster_values


def _start():
    inst = PRESETS["small"](0)
    prof = Profile()
    first = solve(inst, prof, SolveOptions(time_limit=5, workers=2, first_only=True))
    assert first.ok
    ctx = build_model(inst, prof)
    assert complete_hint(ctx, roster_values(ctx, first.roster))
    return inst, prof, ctx, list(ctx.model.Proto().solution_hint.values)


def _roster(ctx, values) -> Roster:
    return Roster(assignments=[
        Assignment(employee=ctx.employees[e].id, date=ctx.instance.days[d], shift=s, unit=u)
        for (e, d, s, u), v in ctx.x.items() if values[v.index]])


def test_parallel_adaptive_rounds_improve_and_the_checker_agrees():
    inst, prof, ctx, start = _start()
    seen: list[int] = []
    best, obj, stats = improve(ctx, start, 4.0, workers=2, threads=2, adaptive=True,
                               round_limit=0.5, params={"linearization_level": 2},
                               on_improve=lambda o, _v: seen.append(o))
    assert stats.rounds >= 2 and sum(r for r, _ in stats.by_kind.values()) == stats.rounds
    rep = check_roster(inst, _roster(ctx, best), prof)
    assert rep.violations == []
    assert rep.objective == obj
    # the incumbent only ever gets better, and what was reported is what came back
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen)
    assert obj <= (seen[-1] if seen else obj)
    # each better roster is logged with the kind of round that found it, in time order
    assert [o for _t, _kind, o in stats.events] == seen
    assert {kind for _t, kind, _o in stats.events} <= set(stats.by_kind)
    times = [t for t, _kind, _o in stats.events]
    assert times == sorted(times)
    assert sum(won for _r, won in stats.by_kind.values()) == len(stats.events)


def test_a_search_on_weighted_up_terms_reports_the_true_objective():
    """`factors` multiplies the named profile terms in the search only: the objective returned
    and told to the callback is the checker's, and the model's own objective is restored."""
    from scheduler.lns import ObjectiveEval

    inst, prof, ctx, start = _start()
    factors = {"wish": 3, "burden_strong": 3}
    true, shaped = ObjectiveEval(ctx), ObjectiveEval(ctx, ctx.objective(factors))
    wish = ObjectiveEval(ctx, sum(w * a for i, (w, a, _r) in enumerate(ctx.objective_terms)
                                  if ctx.term_of.get(i) == "wish"))
    strong = ObjectiveEval(ctx, sum(w * a for i, (w, a, _r) in enumerate(ctx.objective_terms)
                                    if ctx.term_of.get(i) == "burden_strong"))
    # the start (hard rules only) leaves wishes unmet and strong burdens: both weigh 3×
    assert wish(start) > 0 and strong(start) > 0
    assert shaped(start) == true(start) + 2 * wish(start) + 2 * strong(start)
    def objective_row():
        o = ctx.model.Proto().objective
        return list(o.vars), list(o.coeffs), o.offset

    before = objective_row()
    seen: list[int] = []
    best, obj, _stats = improve(ctx, start, 3.0, workers=2, round_limit=0.5, factors=factors,
                                on_improve=lambda o, v: seen.append((o, true(v))))
    assert obj == true(best) == check_roster(inst, _roster(ctx, best), prof).objective
    assert seen and all(o == t for o, t in seen)
    assert shaped(best) < shaped(start)
    assert objective_row() == before


def test_lp_levels_are_each_tried_once_then_drawn_by_what_their_rounds_won():
    import random

    from ortools.sat.python import cp_model

    from scheduler.lns import _Search

    _inst, _prof, ctx, start = _start()
    best, _obj, _stats = improve(ctx, start, 2.0, workers=1, round_limit=0.3)
    search = _Search(ctx, start, ("employees",), False, lp_levels=(0, 1))
    rng = random.Random(0)
    assert search.pick_lp(rng) == 0  # each level once first, in the order given
    won = search.best_obj - search.objective(best)
    assert won > 0
    search.record("employees", cp_model.FEASIBLE, best, search.best_obj, None, lp=0)
    assert search.lp_gain[0] == won and search.stats.by_lp == {0: [1, 1]}
    assert search.pick_lp(rng) == 1
    search.record("employees", cp_model.FEASIBLE, None, search.best_obj, None, lp=1)
    assert search.lp_gain[1] == 0.0 and search.stats.by_lp[1] == [1, 0]
    # level 1 won nothing: it keeps a tenth of level 0's weight, 1 draw in 11
    draws = [search.pick_lp(rng) for _ in range(3000)]
    assert 0.06 < draws.count(1) / len(draws) < 0.12
    assert _Search(ctx, start, ("employees",), False).pick_lp(rng) is None  # params decide


def test_rounds_that_choose_their_lp_level_keep_every_hard_rule():
    inst, prof, ctx, start = _start()
    best, obj, stats = improve(ctx, start, 3.0, workers=1, round_limit=0.3, lp_levels=(0, 1))
    assert set(stats.by_lp) == {0, 1}
    assert sum(r for r, _g in stats.by_lp.values()) == stats.rounds
    rep = check_roster(inst, _roster(ctx, best), prof)
    assert rep.feasible and rep.objective == obj


def test_a_failing_callback_in_a_round_thread_reaches_the_caller():
    _inst, _prof, ctx, start = _start()

    def boom(_obj: int, _values: list[int]) -> None:
        raise RuntimeError("progress sink gone")

    # the start is a hard-rules-only roster (phase 1), so an early round improves and calls back
    with pytest.raises(RuntimeError, match="progress sink gone"):
        improve(ctx, start, 20.0, workers=2, threads=2, round_limit=0.5, on_improve=boom)


def test_hot_neighbourhoods_sit_on_the_checkers_penalties():
    """Every penalty the checker finds on an employee's day is an objective term the LNS sees
    as paid, anchored on that employee (or shared) over that day; the paid terms sum to the
    objective; a hot neighbourhood covers its anchor."""
    import random

    from scheduler.lns import ALL_KINDS, ObjectiveEval, _Search

    inst, prof, ctx, start = _start()
    search = _Search(ctx, start, ALL_KINDS, adaptive=True)
    hot = search.hot_terms()
    costs = search.term_costs(start)
    paid = int(costs[costs > 0].sum())
    fixed = sum(w * int(a) for w, a, _r in ctx.objective_terms if isinstance(a, int | bool))
    assert paid + fixed == ObjectiveEval(ctx)(start) and len(hot) > 0
    rep = check_roster(inst, _roster(ctx, start), prof)
    index = {e.id: i for i, e in enumerate(ctx.employees)}
    day = {d: i for i, d in enumerate(inst.days)}
    for p in rep.penalties:
        if p.employee is None or p.date is None or p.date not in day:
            continue
        e, d = index[p.employee], day[p.date]
        assert any(owner in (e, -2) and lo <= d <= hi for owner, lo, hi in hot), p.message
    rng = random.Random(3)
    for anchor in rng.sample(hot, min(20, len(hot))):
        free = search.around(anchor, 7, rng)
        owner, lo, hi = anchor
        days = {d for _e, d in free}
        assert min(days) <= max(lo, 0) and max(days) >= min(hi, inst.n_days - 1)
        if owner >= 0:
            assert any(e == owner for e, _d in free)


def test_lns_with_hot_neighbourhoods_keeps_every_hard_rule():
    inst, prof, ctx, start = _start()
    best, obj, stats = improve(ctx, start, 3.0, workers=2, threads=2, adaptive=True,
                               round_limit=0.5, kinds=("hot",))
    assert stats.rounds >= 2 and stats.by_kind["hot"][0] == stats.rounds
    rep = check_roster(inst, _roster(ctx, best), prof)
    assert rep.violations == [] and rep.objective == obj
    assert obj < check_roster(inst, _roster(ctx, start), prof).objective


def test_sideways_moves_only_from_the_current_plateau():
    """With `plateau` a round that ends at the incumbent's objective with another roster takes
    its place (a sideways move); a round that started from an older incumbent does not, nor does
    one without `plateau`."""
    from ortools.sat.python import cp_model

    from scheduler.lns import KINDS, _Search

    _inst, _prof, ctx, start = _start()
    other = [1 - v for v in start]
    for plateau, start_gap, moved in [(True, 0, True), (False, 0, False), (True, 5, False)]:
        search = _Search(ctx, start, KINDS, False, plateau=plateau)
        search.objective = lambda _values: 100  # every roster scores the same
        search.best_obj = 100
        search.record("window", cp_model.OPTIMAL, other, 100 + start_gap, None)
        assert (search.best is other) == moved
        assert search.stats.sideways == int(moved) and search.stats.improved == 0



def test_rounds_with_a_deterministic_time_limit_end_on_cp_sats_work_not_the_clock(monkeypatch):
    """With `dtime`, a round ends after that much of CP-SAT's deterministic time and the round
    limit only caps its wall time: on a loaded machine a 0.1-s wall-time round spent itself on
    start-up (scheduler/solve.py, PHASE1_ROUND_DTIME). Here the cap (5 s) is longer than the
    whole search (2 s), so only the work limit can end the rounds."""
    from ortools.sat.python import cp_model

    import scheduler.lns as lns

    inst, prof, ctx, start = _start()
    seen: list[tuple[float, float]] = []

    class Spy(cp_model.CpSolver):
        def Solve(self, model, *args):  # noqa: ANN001, ANN002, ANN202
            code = super().Solve(model, *args)
            seen.append((self.parameters.max_deterministic_time,
                         self.ResponseProto().deterministic_time))
            return code

    monkeypatch.setattr(lns.cp_model, "CpSolver", Spy)
    best, _obj, stats = improve(ctx, start, 2.0, workers=1, round_limit=5.0, dtime=0.002)
    assert stats.rounds == len(seen) >= 3
    assert all(limit == 0.002 and work < 0.05 for limit, work in seen)
    assert check_roster(inst, _roster(ctx, best), prof).violations == []


def test_pair_rounds_free_two_employees_over_a_window_and_keep_every_hard_rule():
    """The "pair" kind: two employees over a short window, a compact sub-model without the LP;
    the rounds improve the hard-rules-only start and the checker agrees with the objective."""
    import random

    from scheduler.lns import PAIR_EMPLOYEES, _Search

    inst, prof, ctx, start = _start()
    search = _Search(ctx, start, ("pair",), False)
    rng = random.Random(3)
    free, whole = search.neighbourhood("pair", rng)
    # a hot pair's other employee (or a random one) may be on leave over the whole window
    while not whole or len({e for e, _d in free}) < PAIR_EMPLOYEES:
        free, whole = search.neighbourhood("pair", rng)
    assert len({e for e, _d in free}) == PAIR_EMPLOYEES
    days = sorted({d for _e, d in free})
    assert days == list(range(days[0], days[0] + search.size["pair"]))
    seen: list[int] = []
    best, obj, stats = improve(ctx, start, 3.0, workers=1, kinds=("pair",),
                               on_improve=lambda o, _v: seen.append(o))
    assert stats.by_kind["pair"][0] == stats.rounds >= 5 and stats.improved >= 1
    assert stats.seconds["pair"] > 0
    rep = check_roster(inst, _roster(ctx, best), prof)
    assert rep.violations == [] and rep.objective == obj == seen[-1]
    assert obj < search.best_obj


def test_a_pair_window_grows_while_its_rounds_are_fast_and_shrinks_when_they_are_not():
    from ortools.sat.python import cp_model

    from scheduler.lns import (
        PAIR_GROW_BELOW_S,
        PAIR_SHRINK_ABOVE_S,
        PAIR_WINDOW,
        PAIR_WINDOW_MIN,
        _Search,
    )

    _inst, _prof, ctx, start = _start()
    search = _Search(ctx, start, ("pair",), False)
    obj = search.best_obj
    assert search.size["pair"] == min(PAIR_WINDOW, ctx.n_days)
    search.record("pair", cp_model.OPTIMAL, None, obj, None, wall=PAIR_GROW_BELOW_S / 2)
    assert search.size["pair"] == PAIR_WINDOW + 1
    # optimal but neither fast nor slow: the window stays
    search.record("pair", cp_model.OPTIMAL, None, obj, None, wall=PAIR_SHRINK_ABOVE_S * 0.9)
    assert search.size["pair"] == PAIR_WINDOW + 1
    search.record("pair", cp_model.OPTIMAL, None, obj, None, wall=PAIR_SHRINK_ABOVE_S * 2)
    search.record("pair", cp_model.UNKNOWN, None, obj, None, wall=0.01)
    assert search.size["pair"] == PAIR_WINDOW - 1
    for _ in range(3 * ctx.n_days):
        search.record("pair", cp_model.UNKNOWN, None, obj, None, wall=0.3)
    assert search.size["pair"] == PAIR_WINDOW_MIN
    for _ in range(3 * ctx.n_days):
        search.record("pair", cp_model.OPTIMAL, None, obj, None, wall=0.0)
    assert search.size["pair"] == ctx.n_days  # never wider than the period
    assert search.stats.rounds == 2 + 2 + 6 * ctx.n_days


def test_every_day_is_in_a_round_window_equally_often():
    """Windows drawn whole inside the period left its first and last days in 1 round of 33
    (10-day windows over 6 weeks) against 10 for a middle day, and a region's strong overloads
    gathered at the ends. Windows now run off either end and are cut there."""
    import random

    from ortools.sat.python import cp_model

    from scheduler.lns import _Search

    _inst, _prof, ctx, start = _start()
    search = _Search(ctx, start, ("pair", "window"), False)
    n, rng = ctx.n_days, random.Random(5)
    for w in (3, 7, n - 1):
        seen = [0] * n
        for _ in range(20000):
            lo, hi, whole = search.span(w, rng)
            assert 0 <= lo < hi <= n and whole == (hi - lo == w)
            for d in range(lo, hi):
                seen[d] += 1
        mid = sum(seen) / n
        assert min(seen) > 0.85 * mid and max(seen) < 1.15 * mid, (w, seen)
    assert search.span(n, rng) == (0, n, True) == search.span(n + 5, rng)
    # a cut window says nothing about the size the rounds can solve
    size = search.size["pair"]
    search.record("pair", cp_model.OPTIMAL, None, search.best_obj, None, wall=0.0, whole=False)
    search.record("window", cp_model.OPTIMAL, None, search.best_obj, None, whole=False)
    assert search.size["pair"] == size and search.size["window"] == 7
    search.record("pair", cp_model.OPTIMAL, None, search.best_obj, None, wall=0.0)
    assert search.size["pair"] == size + 1


def test_hot_pair_rounds_free_an_employee_whose_kpi_term_is_paid_over_its_days(monkeypatch):
    """A share of pair rounds (PAIR_HOT) frees the employee of a paid wish, strong overload or
    hours term, and one other, over a window that holds the term's days."""
    import random

    import scheduler.lns as lns

    inst, prof, ctx, start = _start()
    search = lns._Search(ctx, start, ("pair",), False)
    hot = search.kpi_hot()
    assert hot
    # every anchor is a term of one of those names that the incumbent pays for
    table = search._term_table()
    costs = search.term_costs(search.best)
    paid = {table["anchor"][i] for i in range(len(costs)) if costs[i] > 0 and table["kpi"][i]}
    assert set(hot) <= paid and all(owner >= 0 for owner, _lo, _hi in hot)
    monkeypatch.setattr(lns, "PAIR_HOT", 1.0)
    rng, size = random.Random(1), search.size["pair"]
    for _ in range(40):
        free, whole = search.neighbourhood("pair", rng)
        emps, days = {e for e, _d in free}, {d for _e, d in free}
        assert 1 <= len(emps) <= 2  # the other one may be on leave throughout
        assert any(owner in emps and (hi - lo + 1 >= size or days >= set(range(lo, hi + 1)))
                   for owner, lo, hi in hot)
    # rounds of hot pairs alone keep every hard rule and improve
    best, obj, stats = lns.improve(ctx, start, 2.0, workers=1, kinds=("pair",))
    assert stats.rounds >= 3 and obj < search.best_obj
    rep = check_roster(inst, _roster(ctx, best), prof)
    assert rep.violations == [] and rep.objective == obj


def test_a_hot_pair_on_a_strong_overload_frees_its_employee_over_the_whole_period(monkeypatch):
    """A strong overload is undone by moving the owner's hours far from it (a single day between
    a leave and a day off: to another week's block): its pair round frees the owner over the
    whole period and one colleague who works the same shifts over all of the term's days."""
    import random

    import scheduler.lns as lns

    inst, prof, ctx, start = _start()
    monkeypatch.setattr(lns, "PAIR_HOT", 1.0)
    monkeypatch.setattr(lns, "PAIR_HOT_TERMS", frozenset({"burden_strong"}))
    search = lns._Search(ctx, start, ("pair",), False)
    hot = search.kpi_hot()
    assert hot and all(search._kpi_hot[2])  # the first roster has strong overloads
    kinds = [{s for (e2, _d, s, _u) in ctx.x if e2 == e} for e in range(search.n_emp)]
    rng, size = random.Random(2), search.size["pair"]
    for _ in range(30):
        free, whole = search.neighbourhood("pair", rng)
        assert not whole  # says nothing of how large a window the rounds can solve
        emps = {e for e, _d in free}
        terms = [(o, lo, hi) for o, lo, hi in hot
                 if {k for k in search.cells if k[0] == o} <= free]
        assert terms  # some owner is free over all of its cells
        owner, lo, hi = terms[0]
        for other in emps - {owner}:
            assert kinds[other] & kinds[owner]
            # the colleague's days: a window over one such term's days
            days = {d for e, d in free if e == other}
            assert any(days <= set(range(min(lo2, hi2 - size + 1), max(hi2 + 1, lo2 + size)))
                       for _o, lo2, hi2 in terms)
    best, obj, stats = lns.improve(ctx, start, 2.0, workers=1, kinds=("pair",))
    assert stats.rounds >= 3 and obj < search.best_obj
    rep = check_roster(inst, _roster(ctx, best), prof)
    assert rep.violations == [] and rep.objective == obj


def test_pair_rounds_take_their_share_of_the_rounds_time():
    import random

    from scheduler.lns import _Search

    _inst, _prof, ctx, start = _start()
    search = _Search(ctx, start, ("pair", "employees", "window"), False, pair_share=0.7)
    rng = random.Random(0)
    assert search.pick(rng) == "pair"  # nothing spent yet
    search.stats.seconds.update(pair=6.0, employees=4.0)
    assert search.pick(rng) == "pair"  # 60 % < 70 %
    search.stats.seconds.update(pair=8.0, employees=2.0)
    assert {search.pick(rng) for _ in range(50)} == {"employees", "window"}
    # without a share every kind is drawn alike
    plain = _Search(ctx, start, ("pair", "employees"), False)
    assert {plain.pick(rng) for _ in range(50)} == {"pair", "employees"}


def test_the_objective_is_scored_as_the_sum_of_its_terms():
    """ObjectiveEval gathers and multiplies in numpy: it must equal the plain sum."""
    import random

    from ortools.sat.python import cp_model_helper as cmh

    from scheduler.lns import ObjectiveEval

    _inst, _prof, ctx, start = _start()
    flat = cmh.FlatIntExpr(ctx.objective())
    rng = random.Random(1)
    for values in (start, [rng.randrange(0, 3) for _ in start]):
        plain = flat.offset + sum(c * values[v.index] for v, c in zip(flat.vars, flat.coeffs,
                                                                       strict=True))
        assert ObjectiveEval(ctx)(values) == plain
    one = ObjectiveEval(ctx, 7 * ctx.x[next(iter(ctx.x))] + 2)
    assert one([1] * len(start)) == 9 and one([0] * len(start)) == 2


def test_strong_overloads_get_their_share_of_hot_pair_rounds_beside_many_wishes(monkeypatch):
    """While the incumbent pays a strong overload, PAIR_WHOLE_FIRST of the hot pair rounds go to
    one (its owner free over the whole period), however many wishes are unmet beside it."""
    import random

    import scheduler.lns as lns

    _inst, _prof, ctx, start = _start()
    monkeypatch.setattr(lns, "PAIR_HOT", 1.0)
    search = lns._Search(ctx, start, ("pair",), False)
    hot = search.kpi_hot()
    strong = {o for (o, _lo, _hi), w in zip(hot, search._kpi_hot[2], strict=True) if w}
    assert strong and len(hot) > sum(search._kpi_hot[2])  # wishes and hours terms beside them

    def whole_share(first: float) -> float:
        monkeypatch.setattr(lns, "PAIR_WHOLE_FIRST", first)
        rng, n = random.Random(4), 300
        got = 0
        for _ in range(n):
            free, _whole = search.neighbourhood("pair", rng)
            got += any({k for k in search.cells if k[0] == o} <= free for o in strong)
        return got / n

    # drawn like any term, a strong overload's rounds are its share of the paid terms (15 of 33
    # on the demo's first roster); with PAIR_WHOLE_FIRST half of the rounds come on top
    alike = whole_share(0.0)
    assert alike < sum(search._kpi_hot[2]) / len(hot) + 0.1
    first = lns.PAIR_WHOLE_FIRST or 0.5
    assert whole_share(first) > alike + first * (1 - alike) - 0.1
