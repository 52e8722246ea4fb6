"""Ergonomics rules (DESIGN §3 soft 1–8): hand-made rosters that break/keep each rule, pinned
rosters proving the CP-SAT encoding equals the checker exactly, and one tiny solve per module."""

from __future__ import annotations

import random
from datetime import time, timedelta
from types import ModuleType

import pytest
from ortools.sat.python import cp_model

import constraints
from constraints import (
    backward_rotation,
    consecutive_days,
    night_runs,
    quick_return,
    same_shift_runs,
    single_days_off,
    weekends,
    work_block_hours,
)
from constraints.base import CheckResult, Level, Penalty
from constraints.context import EncodeContext
from instances.models import (
    Absence,
    Instance,
    LockedShift,
    Profile,
    Roster,
    RuleSet,
    ShiftType,
    Unit,
)
from tests.factory import (
    SHIFTS,
    START,
    employee,
    grid,
    make_instance,
    objective_value,
    solve_and_check,
)

SHORT_REST_UNIT = [Unit(id="U1", name="Osasto 1", short_rest_allowed=True)]
EARLY = ShiftType(id="E", name="aikainen", start=time(5, 30), end=time(13, 30))
P = ShiftType(id="P", name="pitkä päivä", start=time(9), end=time(19))  # category day


# ------------------------------------------------------------------------------- helpers
def run(mod: ModuleType, inst: Instance, rows: dict[str, str]) -> CheckResult:
    return mod.check(inst, grid(inst, rows))


def items(res: CheckResult, rule: str, level: Level | None = None) -> list[Penalty]:
    return [p for p in res.penalties if p.rule == rule and (level is None or p.level == level)]


def levels(res: CheckResult, rule: str) -> list[tuple[str | None, int]]:
    return [(p.level.value if p.level else None, p.amount) for p in items(res, rule)]


def pinned_objective(mod: ModuleType, inst: Instance, roster: Roster,
                     profile: Profile | None = None) -> int:
    """The module's CP-SAT objective with every decision fixed to `roster`."""
    ctx = EncodeContext(inst, profile)
    mod.apply(ctx)
    worked = {(a.employee, inst.day_index(a.date), a.shift, a.unit) for a in roster.assignments}
    for (e, d, s, u), var in ctx.x.items():
        ctx.model.Add(var == int((inst.employees[e].id, d, s, u) in worked))
    ctx.model.Minimize(ctx.objective())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(ctx.model) == cp_model.OPTIMAL
    return objective_value(ctx, solver)


def solve_all(inst: Instance, profile: Profile | None = None) -> tuple[int, CheckResult]:
    """Solve with every rule; return (solver objective, full checker result on its roster)."""
    _roster, objective, total = solve_and_check(inst, profile)
    return objective, total


def assert_exact_solve(inst: Instance, rule: str) -> CheckResult:
    objective, res = solve_all(inst)
    assert res.violations == []
    assert res.objective == objective
    return res


def absence(emp: str, d: int) -> Absence:
    day = START + timedelta(days=d)
    return Absence(employee=emp, start=day, end=day)


def random_rows(rng: random.Random, inst: Instance, alphabet: str) -> dict[str, str]:
    return {emp.id: "".join(rng.choice(alphabet) for _ in range(inst.n_days))
            for emp in inst.employees}


ALL = [quick_return, backward_rotation, night_runs, consecutive_days, work_block_hours,
       single_days_off, weekends, same_shift_runs]


@pytest.mark.parametrize("mod", ALL, ids=lambda m: m.RULE_ID)
def test_encoding_equals_checker_on_random_rosters(mod: ModuleType) -> None:
    """Exactness: the model's objective on a fixed roster is the checker's total, every time."""
    rng = random.Random(7)
    inst = make_instance(2, weeks=3, units=SHORT_REST_UNIT, shifts=[*SHIFTS, EARLY, P])
    for _ in range(25):
        roster = grid(inst, random_rows(rng, inst, rng.choice(["AIY---", "AAAIIY-", "AEYYP--",
                                                               "AI-", "Y--", "AAAAAAAI-"])))
        assert pinned_objective(mod, inst, roster) == mod.check(inst, roster).objective


def test_work_block_hours_exact_with_odd_shift_lengths() -> None:
    """The headroom counts in gcd-of-shift-lengths units; 7 h 39 min makes that 1 minute."""
    odd = ShiftType(id="O", name="lyhyt ilta", start=time(13), end=time(20, 39))
    inst = make_instance(1, weeks=3, shifts=[*SHIFTS, odd])
    rng = random.Random(3)
    for _ in range(15):
        roster = grid(inst, random_rows(rng, inst, "AOOYY-"))
        res = work_block_hours.check(inst, roster)
        assert pinned_objective(work_block_hours, inst, roster) == res.objective
    res = run(work_block_hours, inst, {"e1": "-AAAAAO-"})  # 40 h + 7 h 39 min
    assert levels(res, "work_block_hours") == [("elevated", 1)]
    assert "47 h 39 min of work" in res.penalties[0].message


def test_rules_are_catalogued() -> None:
    for mod in ALL:
        assert constraints.RULE_BY_ID[mod.RULE_ID].kind == "soft"


# ------------------------------------------------------------------------- soft 1 quick return
def test_quick_return_levels() -> None:
    inst = make_instance(1, weeks=3, units=SHORT_REST_UNIT)
    assert run(quick_return, inst, {"e1": "AAII-AA-AIIY---"}).penalties == []
    one = run(quick_return, inst, {"e1": "IA---------------AA"})
    assert levels(one, "quick_return") == [("elevated", 1)]
    assert "Hoitaja1" in one.penalties[0].message and "2.2." in one.penalties[0].message
    two = run(quick_return, inst, {"e1": "IA-IA---"})
    assert levels(two, "quick_return") == [("overload", 2)]
    assert "2.2., 5.2." in two.penalties[0].message
    three = run(quick_return, inst, {"e1": "IA-IA--IA"})
    assert levels(three, "quick_return") == [("overload", 3)]
    assert three.objective == 3 * Profile().burden_overload


def test_quick_return_per_period_and_only_where_allowed() -> None:
    inst = make_instance(1, weeks=6, units=SHORT_REST_UNIT)
    res = run(quick_return, inst, {"e1": "IA" + "-" * 19 + "IA"})
    assert levels(res, "quick_return") == [("elevated", 1), ("elevated", 1)]
    strict = make_instance(1, weeks=3)
    assert run(quick_return, strict, {"e1": "IA-IA"}).penalties == []  # daily_rest's business


def test_quick_return_solve_exact() -> None:
    emp = employee(1, locked=[LockedShift(date=START, shift="I"),
                              LockedShift(date=START + timedelta(days=1), shift="A")])
    inst = make_instance(employees=[emp, employee(2)], weeks=1, units=SHORT_REST_UNIT)
    res = assert_exact_solve(inst, "quick_return")
    assert levels(res, "quick_return") == [("elevated", 1)]


# --------------------------------------------------------------------- soft 2 backward rotation
@pytest.mark.parametrize(("line", "count"), [
    ("AIY----", 0), ("IA-----", 1), ("YI-----", 1), ("Y-A----", 1), ("Y-I----", 1),
    ("Y--A---", 0), ("Y-Y----", 0), ("YY-A---", 1), ("AIA-IA-", 2), ("PA-----", 1),
    ("AP-----", 0)])
def test_backward_rotation_counts(line: str, count: int) -> None:
    inst = make_instance(1, weeks=1, shifts=[*SHIFTS, P])
    res = run(backward_rotation, inst, {"e1": line})
    assert levels(res, "backward_rotation") == [("elevated", 1)] * count


def test_backward_rotation_message() -> None:
    inst = make_instance(1, weeks=1)
    (p,) = items(run(backward_rotation, inst, {"e1": "-Y-A"}), "backward_rotation")
    assert p.message.startswith("Hoitaja1: Y on 2.2., sleep day 3.2., then A on 4.2.")
    (p,) = items(run(backward_rotation, inst, {"e1": "IA"}), "backward_rotation")
    assert "I on 1.2. followed by A on 2.2." in p.message and p.term == "burden_elevated"


def test_backward_rotation_solve_exact() -> None:
    emp = employee(1, locked=[LockedShift(date=START + timedelta(days=1), shift="Y"),
                              LockedShift(date=START + timedelta(days=3), shift="A")])
    inst = make_instance(employees=[emp, employee(2)], weeks=1)
    res = assert_exact_solve(inst, "backward_rotation")
    assert len(items(res, "backward_rotation")) >= 1


# -------------------------------------------------------------------------- soft 3 night runs
def test_night_runs_lengths() -> None:
    inst = make_instance(1, weeks=2)
    assert levels(run(night_runs, inst, {"e1": "YYY----YY----"}), "night_runs") == []
    four = run(night_runs, inst, {"e1": "YYYY---"})
    assert levels(four, "night_runs") == [("elevated", 1)]
    assert "4 night shifts in a row 1.2.–4.2." in four.penalties[0].message
    five = run(night_runs, inst, {"e1": "-YYYYY---"})
    assert levels(five, "night_runs") == [("overload", 1)]
    assert "Hoitaja1: 5 night shifts in a row from 2.2." in five.penalties[0].message
    edge = run(night_runs, inst, {"e1": "----------YYYY"})  # cut by the horizon: 4 inside
    assert levels(edge, "night_runs") == [("elevated", 1)]


def test_night_runs_days_off_after() -> None:
    inst = make_instance(1, weeks=2)
    res = run(night_runs, inst, {"e1": "YY-A----------"})
    assert levels(res, "night_runs") == [("elevated", 1)]
    assert "fewer than 2 days off after the last night shift (Y on 2.2.)" in \
        res.penalties[0].message
    assert len(items(run(night_runs, inst, {"e1": "YY--A---------"}), "night_runs")) == 1
    assert len(items(run(night_runs, inst, {"e1": "YY-YY---------"}), "night_runs")) == 1
    assert items(run(night_runs, inst, {"e1": "YY---A--------"}), "night_runs") == []
    assert items(run(night_runs, inst, {"e1": "----------YY--"}), "night_runs") == []
    assert items(run(night_runs, inst, {"e1": "-----------YY-"}), "night_runs") == []


def test_night_runs_early_starts() -> None:
    inst = make_instance(1, weeks=1, shifts=[*SHIFTS, EARLY])
    assert items(run(night_runs, inst, {"e1": "EEE-EEE"}), "night_runs") == []
    assert levels(run(night_runs, inst, {"e1": "EEEE---"}), "night_runs") == [("elevated", 1)]
    res = run(night_runs, inst, {"e1": "EEEEE--"})
    assert levels(res, "night_runs") == [("elevated", 1)] * 2
    assert "4 shifts starting before 06:00 in a row 1.2.–4.2." in res.penalties[0].message


def test_night_runs_solve_exact() -> None:
    lk = [LockedShift(date=START + timedelta(days=d), shift="Y") for d in range(4)]
    inst = make_instance(employees=[employee(1, locked=lk), employee(2)], weeks=1)
    res = assert_exact_solve(inst, "night_runs")
    assert ("elevated", 1) in levels(res, "night_runs")


# -------------------------------------------------------------------- soft 4 consecutive days
@pytest.mark.parametrize(("line", "expected"), [
    ("--AAAA--AAA---", []),
    ("--A--AA-------", [("strong", 1), ("elevated", 1)]),
    ("A-----------AA", []),  # too short only because of the edges
    ("-AAAAAA-------", [("elevated", 1)]),
    ("-AAAAAAA------", [("overload", 1)]),
    ("-AAAAAAAAA----", [("strong", 1)]),
    ("AAAAAA--AAAAAA", [("elevated", 1), ("elevated", 1)]),  # too long: judged inside
    ("-Y-AIY-AAA----", [("strong", 1)]),
])
def test_consecutive_days_levels(line: str, expected: list[tuple[str, int]]) -> None:
    inst = make_instance(1, weeks=2)
    res = run(consecutive_days, inst, {"e1": line})
    assert sorted(levels(res, "consecutive_days")) == sorted(expected)


def test_consecutive_days_messages() -> None:
    inst = make_instance(1, weeks=2)
    (p,) = items(run(consecutive_days, inst, {"e1": "-AAAAAAA------"}), "consecutive_days")
    assert p.message == "Hoitaja1: 7 working days in a row 2.2.–8.2. (TTL: ylikuormittava)"
    assert p.term == "burden_overload"
    (p,) = items(run(consecutive_days, inst, {"e1": "-AAAAAAAAA----"}), "consecutive_days")
    assert "9 working days in a row 2.2.–10.2." in p.message and p.term == "burden_strong"
    (p,) = items(run(consecutive_days, inst, {"e1": "---A----------"}), "consecutive_days")
    assert "single working day 4.2." in p.message


def test_consecutive_days_solve_exact() -> None:
    lk = [LockedShift(date=START + timedelta(days=3), shift="A")]
    inst = make_instance(employees=[employee(1, locked=lk), employee(2)], weeks=1,
                         absences=[absence("e1", 2), absence("e1", 4)])
    res = assert_exact_solve(inst, "consecutive_days")
    assert ("strong", 1) in levels(res, "consecutive_days")


# ------------------------------------------------------------------- soft 5 work block hours
@pytest.mark.parametrize(("line", "expected"), [
    ("-AAAAA-AAAAA--", []),  # 40 h is not over 40 h
    ("-AAAAAA-------", [("elevated", 1)]),  # 48 h
    ("-AAAAAI-------", [("elevated", 1)]),
    ("-AAAAYY------", [("overload", 1)]),  # 32 + 20 h; the night's morning is in the block
    ("-AAAAAAA------", [("strong", 1)]),  # 56 h
    ("AAAAAA--------", [("elevated", 1)]),  # touches the start: judged inside
    ("--------AAAAAA", [("elevated", 1)]),
    ("-AAAAAA-AAAAAA", [("elevated", 1), ("elevated", 1)]),
])
def test_work_block_hours_levels(line: str, expected: list[tuple[str, int]]) -> None:
    inst = make_instance(1, weeks=2)
    assert levels(run(work_block_hours, inst, {"e1": line}), "work_block_hours") == expected


def test_work_block_hours_long_block_and_message() -> None:
    inst = make_instance(1, weeks=3)
    res = run(work_block_hours, inst, {"e1": "-AAAYY" + "A" * 8 + "-"})
    (p,) = items(res, "work_block_hours")
    assert p.level == Level.STRONG
    assert p.message.startswith("Hoitaja1: 108 h of work between days off 2.2.–14.2.")
    res = run(work_block_hours, inst, {"e1": "-AAAAY-A-"})  # Y's morning joins the blocks
    (p,) = items(res, "work_block_hours")
    assert p.level == Level.OVERLOAD and "50 h of work between days off 2.2.–8.2." in p.message


def test_work_block_hours_solve_exact() -> None:
    lk = [LockedShift(date=START + timedelta(days=d), shift="A") for d in range(6)]
    inst = make_instance(employees=[employee(1, locked=lk), employee(2)], weeks=2)
    res = assert_exact_solve(inst, "work_block_hours")
    assert len(items(res, "work_block_hours")) == 1


# -------------------------------------------------------------------- soft 6 single days off
def test_single_days_off() -> None:
    inst = make_instance(2, weeks=2)
    res = run(single_days_off, inst, {"e1": "-A-A--AY--A--A", "e2": "AAA--AAAA--AA-"})
    assert [p.date.day for p in res.penalties] == [3, 10]  # type: ignore[union-attr]
    assert res.metrics["single_days_off"] == 2
    assert all(p.term == "single_day_off" and p.level is None for p in res.penalties)
    assert "Hoitaja1: a single day off on 3.2. (ke)" in res.penalties[0].message
    assert run(single_days_off, inst, {"e1": "-AA--AA--AAA--"}).metrics["single_days_off"] == 0


def test_single_days_off_solve_exact() -> None:
    lk = [LockedShift(date=START + timedelta(days=d), shift="A") for d in (1, 3)]
    inst = make_instance(employees=[employee(1, locked=lk), employee(2)], weeks=1,
                         absences=[absence("e1", 2)])
    res = assert_exact_solve(inst, "single_days_off")
    assert res.metrics["single_days_off"] >= 1


# ------------------------------------------------------------------------- soft 7 weekends
def test_weekends() -> None:
    inst = make_instance(1, weeks=3)
    ok = run(weekends, inst, {"e1": "AAAAAAA" "AAAAA--" "AAAAAAA"})
    assert ok.penalties == []
    res = run(weekends, inst, {"e1": "AAAAA-A" "AAAAY--" "A-AAAAA"})  # Fri night spoils Sat
    (p,) = res.penalties
    assert (p.term, p.amount) == ("missing_free_weekend", 1)
    assert "Hoitaja1: 1 free weekend(s) missing in 1.2.–21.2." in p.message
    two = make_instance(1, weeks=3, rules=RuleSet(free_weekends_per_3_weeks=2))
    res = run(weekends, two, {"e1": "-----AA" "-----AA" "-------"})
    assert [p.amount for p in res.penalties] == [1]


def test_weekends_short_tail_window_skipped() -> None:
    inst = make_instance(1, weeks=4)
    res = run(weekends, inst, {"e1": "A" * 28})
    assert [p.amount for p in res.penalties] == [1]  # days 22–28 are too short a window
    inst5 = make_instance(1, weeks=5)
    assert len(run(weekends, inst5, {"e1": "A" * 35}).penalties) == 2


def test_weekends_solve_exact() -> None:
    lk = [LockedShift(date=START + timedelta(days=d), shift="A") for d in (5, 13)]
    inst = make_instance(employees=[employee(1, locked=lk), employee(2)], weeks=2)
    res = assert_exact_solve(inst, "weekends")
    assert [p.amount for p in items(res, "weekends")] == [1]


# ------------------------------------------------------------------ soft 8 same shift in a row
@pytest.mark.parametrize(("line", "count"), [
    ("AAA-AAA", 0), ("AAAA---", 1), ("AAAAA--", 2), ("IIII---", 1), ("AAAIII-", 0),
    ("PPPPP--", 0), ("AAPAA--", 0)])
def test_same_shift_runs(line: str, count: int) -> None:
    inst = make_instance(1, weeks=1, shifts=[*SHIFTS, P])
    res = run(same_shift_runs, inst, {"e1": line})
    assert levels(res, "same_shift_runs") == [("elevated", 1)] * count


def test_same_shift_runs_message() -> None:
    inst = make_instance(1, weeks=1)
    (p,) = run(same_shift_runs, inst, {"e1": "-IIII"}).penalties
    assert "Hoitaja1: 4 iltavuoroa (evenings) in a row 2.2.–5.2." in p.message


def test_same_shift_runs_solve_exact() -> None:
    lk = [LockedShift(date=START + timedelta(days=d), shift="I") for d in range(4)]
    inst = make_instance(employees=[employee(1, locked=lk), employee(2)], weeks=1)
    res = assert_exact_solve(inst, "same_shift_runs")
    # the locked run is found, once per 4-day window it fills (with the ± 4 h hours band
    # priced, a fifth evening in a row can be e1's cheaper week: then two windows)
    runs = [p for p in items(res, "same_shift_runs") if p.employee == "e1"]
    assert sum("1.2.–4.2." in p.message for p in runs) == 1
    assert all(p.level == Level.ELEVATED for p in runs)
