"""Break/keep tests of the hard rules 5–9 and 11, plus tiny solves guarding solver = checker.

Every hand-made roster is checked twice: by the checker (count, amount, message) and by the CP-SAT
encoding with the roster fixed (feasible exactly when the checker finds no violation, and the same
objective), so the two interpretations of each rule cannot drift apart.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from ortools.sat.python import cp_model

import constraints
from constraints import days_off, nights, period_hours, shift_length, staffing_ratio, weekly_rest
from constraints.base import CheckResult
from constraints.context import EncodeContext
from constraints.evaluate import check_with
from instances.models import (
    LPN,
    Absence,
    Assignment,
    Demand,
    Instance,
    LockedShift,
    Profile,
    RatioRule,
    Roster,
    RuleSet,
    ShiftType,
    Unit,
    Wish,
    WishKind,
)
from tests.factory import (
    SHIFTS,
    START,
    check_both,
    employee,
    grid,
    make_instance,
    objective_value,
    rules_hit,
)

_OK = (cp_model.OPTIMAL, cp_model.FEASIBLE)


# ------------------------------------------------------------------ helpers
def _solver(seconds: float = 10.0) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_search_workers = 2
    return solver


def check_all(inst: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    total = CheckResult()
    for r in constraints.RULES:
        total.extend(check_with(r.apply, inst, roster, profile))
    return total


def solve_all(inst: Instance, profile: Profile | None = None) -> tuple[Roster, CheckResult]:
    """Solve with every rule; the full checker must find no violation and the same objective."""
    ctx = EncodeContext(inst, profile)
    for r in constraints.RULES:
        r.apply(ctx)
    ctx.model.Minimize(ctx.objective())
    solver = _solver()
    status = solver.Solve(ctx.model)
    assert status in _OK
    roster = Roster(assignments=[
        Assignment(employee=inst.employees[e].id, date=inst.days[d], shift=s, unit=u)
        for (e, d, s, u), var in ctx.x.items() if solver.Value(var)])
    total = check_all(inst, roster, profile)
    assert total.violations == []
    assert total.objective == objective_value(ctx, solver)
    return roster, total


def only(inst_shifts: list[str], weeks: int, minimum: int = 1, unit: str = "U1") -> list[Demand]:
    return [Demand(unit=unit, date=START + timedelta(days=d), shift=s, minimum=minimum)
            for d in range(weeks * 7) for s in inst_shifts]


def row(n_days: int, free: set[int], shift: str = "A") -> str:
    return "".join("-" if d in free else shift for d in range(n_days))


def worked(roster: Roster, emp: str) -> str:
    return "".join(sorted(a.shift for a in roster.assignments if a.employee == emp))


# ------------------------------------------------------------------ hard 5: weekly rest
def test_weekly_rest_breaks_when_the_only_day_off_is_too_short():
    inst = make_instance(1)
    # I on Wed ends 22:00, A on Fri starts 07:00: 33 h around the only free day (Thu)
    res = check_both(inst, grid(inst, {"e1": "AAI-AAA"}), weekly_rest)
    msgs = rules_hit(res, "weekly_rest")
    assert msgs == ["Hoitaja1: no 35 h rest with a day off in week 5 (1.2.–7.2.)"]
    assert res.violations[0].employee == "e1"
    assert res.violations[0].date == START


@pytest.mark.parametrize("line", [
    "AAA-AAA",  # A ends 15:00, A starts 07:00 two days later: 40 h
    "AAI-IAA",  # I → I: 40 h
    "AAI--AA",  # two free days: ≥ 48 h
    "-AIAIAI",  # free first day: nothing known before the period counts as rest
    "AIAIAI-",  # free last day: nothing known after the period
    "YY--AAA",  # the day a night ends is not free, but Thu lies in a 48 h rest
])
def test_weekly_rest_keeps(line):
    inst = make_instance(1)
    res = check_both(inst, grid(inst, {"e1": line}), weekly_rest)
    assert rules_hit(res, "weekly_rest") == []


def test_weekly_rest_counts_each_week_and_may_cross_the_week_boundary():
    inst = make_instance(2, weeks=2)
    # e1: week 1 broken (I-A around Thu), week 2 broken as well → 2 violations.
    # e2: Sun of week 1 is free, rest from Sat 15:00 into Mon; week 2 free Sun at the end.
    res = check_both(inst, grid(inst, {"e1": "AAI-AAA" "AIAAI-A", "e2": "IIAAAA-" "IAAAAA-"}),
                     weekly_rest)
    msgs = rules_hit(res, "weekly_rest")
    assert len(msgs) == 2
    assert all(m.startswith("Hoitaja1:") for m in msgs)
    assert "week 6 (8.2.–14.2.)" in msgs[1]


def test_weekly_rest_night_day_is_not_a_day_off():
    inst = make_instance(1)
    # Y on Sat ends Sun 07:00: Sun is not free; no other free day → violation
    res = check_both(inst, grid(inst, {"e1": "AAAAAY-"}), weekly_rest)
    assert len(res.violations) == 1


def test_weekly_rest_minimum_is_a_parameter():
    inst = make_instance(1, rules=RuleSet(weekly_rest_min=41 * 60))
    res = check_both(inst, grid(inst, {"e1": "AAA-AAA"}), weekly_rest)  # 40 h only
    assert "no 41 h rest" in rules_hit(res, "weekly_rest")[0]


def test_weekly_rest_solve():
    # locked I on Wed and A on Fri with a day-off wish for Thu: Thu alone is a 33 h rest, so the
    # solver must find the week's rest elsewhere
    emp = employee(1, locked=[LockedShift(date=START + timedelta(days=2), shift="I"),
                              LockedShift(date=START + timedelta(days=4), shift="A")])
    inst = make_instance(employees=[emp], weeks=2, demand=only(["A", "I"], 2), wishes=[
        Wish(employee="e1", kind=WishKind.DAY_OFF, date=START + timedelta(days=3), priority=1)])
    roster, _ = solve_all(inst)
    days = {inst.day_index(a.date) for a in roster.assignments}
    assert {2, 4} <= days and 3 not in days
    assert {0, 1, 5, 6} - days  # another day off in week 1 carries the weekly rest


# ------------------------------------------------------------------ hard 6: period hours
def test_period_hours_breaks_above_the_maximum_and_target():
    inst = make_instance(1)  # target 38 h 15 min ± 8 h, maximum 40 h
    res = check_both(inst, grid(inst, {"e1": "AAAAAA-"}), period_hours)
    msgs = rules_hit(res, "period_hours")
    assert len(msgs) == 2
    assert msgs[0] == "Hoitaja1: 48 h planned in the period, above the maximum 40 h"
    assert msgs[1] == "Hoitaja1: 48 h planned in the period, target 38 h 15 min ± 8 h"
    assert res.metrics["planned_minutes"] == {"e1": {"planned": 2880, "target": 2295}}


def test_period_hours_breaks_below_the_target():
    inst = make_instance(1)
    res = check_both(inst, grid(inst, {"e1": "AAA----"}), period_hours)
    assert rules_hit(res, "period_hours") == [
        "Hoitaja1: 24 h planned in the period, target 38 h 15 min ± 8 h"]


@pytest.mark.parametrize("line", ["AAAA---", "AAAAA--", "AAYA---"])
def test_period_hours_keeps(line):
    inst = make_instance(1)
    res = check_both(inst, grid(inst, {"e1": line}), period_hours)
    assert res.feasible


def test_period_hours_part_time_and_absence():
    emp = employee(1, part_time=0.5)
    inst = make_instance(employees=[emp], absences=[
        Absence(employee="e1", start=START, end=START)])
    # (2295 − 459 for the absent Monday) × 0.5 = 918 → 438–1398 min
    res = check_both(inst, grid(inst, {"e1": "-AA----"}), period_hours)
    assert res.feasible
    assert res.metrics["planned_minutes"]["e1"] == {"planned": 960, "target": 918}
    res = check_both(inst, grid(inst, {"e1": "-AAA---"}), period_hours)
    assert len(res.violations) == 1


def test_period_hours_solve():
    inst = make_instance(employees=[employee(1, part_time=0.5)], demand_min=1)
    roster, total = solve_all(inst)
    # open shifts push the solver to work as much as allowed: 3 × 8 h ≤ 1148 + 480 min
    assert total.metrics["planned_minutes"]["e1"]["planned"] <= 1148 + 480
    assert len(roster.assignments) == 3


# ------------------------------------------------------------------ hard 7: shift length
LONG = ShiftType(id="P", name="pitkä", start=time(7), end=time(19))  # 12 h


def _long_instance(**kw) -> tuple[Instance, Instance]:
    """(instance accepted with long shifts allowed, the same under the default rule set)."""
    inst = make_instance(1, shifts=[*SHIFTS, LONG], rules=RuleSet(allow_long_shifts=True), **kw)
    return inst, inst.model_copy(update={"rules": RuleSet()})


def test_shift_length_breaks_under_a_stricter_rule_set():
    loose, strict = _long_instance()
    roster = grid(loose, {"e1": "PAP----"})
    assert check_both(loose, roster, shift_length).feasible
    res = check_both(strict, roster, shift_length)
    msgs = rules_hit(res, "shift_length")
    assert msgs == ["Hoitaja1: P on 1.2. is 12 h, outside the limits 4 h–10 h",
                    "Hoitaja1: P on 3.2. is 12 h, outside the limits 4 h–10 h"]
    assert [v.date for v in res.violations] == [START, START + timedelta(days=2)]


def test_shift_length_short_shifts_and_night_limit():
    inst = make_instance(1)
    assert check_both(inst, grid(inst, {"e1": "AIY----"}), shift_length).feasible  # Y 10 h ok
    strict = inst.model_copy(update={"rules": RuleSet(shift_min_minutes=9 * 60,
                                                      night_shift_max_minutes=9 * 60)})
    res = check_both(strict, grid(inst, {"e1": "AIY----"}), shift_length)
    msgs = rules_hit(res, "shift_length")
    assert len(msgs) == 3
    assert "Y on 3.2. is 10 h, outside the night shift limits 9 h–9 h" in msgs[2]


def test_shift_length_solve():
    _, strict = _long_instance(demand=only(["A", "P"], 1))
    roster, _ = solve_all(strict)
    assert roster.assignments and all(a.shift == "A" for a in roster.assignments)


# ------------------------------------------------------------------ hard 8: nights
def test_nights_breaks_on_six_in_a_row():
    inst = make_instance(1)
    res = check_both(inst, grid(inst, {"e1": "YYYYYY-"}), nights)
    assert rules_hit(res, "nights") == ["Hoitaja1: 6 night shifts in a row 1.2.–6.2. (max 5)"]
    assert res.violations[0].date == START + timedelta(days=5)
    res = check_both(inst, grid(inst, {"e1": "YYYYYYY"}), nights)
    assert len(res.violations) == 2


@pytest.mark.parametrize("line", ["YYYYY--", "YYYYYAY", "-YYYYY-"])
def test_nights_keeps(line):
    inst = make_instance(1)
    assert check_both(inst, grid(inst, {"e1": line}), nights).feasible


def test_nights_maximum_is_a_parameter():
    inst = make_instance(1, rules=RuleSet(max_consecutive_nights=2))
    assert check_both(inst, grid(inst, {"e1": "YY-YY--"}), nights).feasible
    res = check_both(inst, grid(inst, {"e1": "AYYY---"}), nights)
    assert rules_hit(res, "nights") == ["Hoitaja1: 3 night shifts in a row 2.2.–4.2. (max 2)"]


def test_nights_solve():
    emp = employee(1, shift_types=["Y"])
    inst = make_instance(employees=[emp], demand=only(["Y"], 1),
                         rules=RuleSet(max_consecutive_nights=3))
    roster, _ = solve_all(inst)
    # 4 nights reach the hours target; 2 days off and ≤ 3 in a row leave only YYY---Y
    assert len(roster.assignments) == 4
    assert nights.check(inst, roster).feasible


# ------------------------------------------------------------------ hard 9: days off
def test_days_off_breaks_count_and_double():
    inst = make_instance(1, weeks=3)
    res = check_both(inst, grid(inst, {"e1": "AAAAAA-" * 3}), days_off)
    msgs = rules_hit(res, "days_off")
    assert msgs == ["Hoitaja1: 3 days off in 1.2.–21.2., needs 6",
                    "Hoitaja1: fewer than 1 run(s) of two or more days off in 1.2.–21.2."]


def test_days_off_single_days_only():
    inst = make_instance(1, weeks=3)
    line = row(21, {2, 5, 8, 11, 14, 17, 20})
    res = check_both(inst, grid(inst, {"e1": line}), days_off)
    assert len(res.violations) == 1
    assert "two or more days off" in res.violations[0].message


@pytest.mark.parametrize("line", ["AAAAA--" * 3, row(21, {3, 4, 5, 6, 19, 20})])
def test_days_off_keeps(line):
    inst = make_instance(1, weeks=3)
    assert check_both(inst, grid(inst, {"e1": line}), days_off).feasible


def test_days_off_after_night_is_not_free_and_absence_is():
    inst = make_instance(1, absences=[Absence(employee="e1", start=START + timedelta(days=5),
                                              end=START + timedelta(days=6))])
    # one week: window of 7 days needs ceil(6 × 7 / 21) = 2, no double day off
    assert check_both(inst, grid(inst, {"e1": "AAAAA--"}), days_off).feasible
    inst = make_instance(1)
    assert check_both(inst, grid(inst, {"e1": "A-A-A--"}), days_off).feasible
    res = check_both(inst, grid(inst, {"e1": "Y-Y-Y--"}), days_off)
    assert rules_hit(res, "days_off") == ["Hoitaja1: 1 days off in 1.2.–7.2., needs 2"]


def test_days_off_double_must_lie_inside_one_window():
    inst = make_instance(1, weeks=6)
    free = {1, 4, 8, 11, 15, 20} | {21, 24, 28, 31, 35, 38}
    res = check_both(inst, grid(inst, {"e1": row(42, free)}), days_off)
    msgs = rules_hit(res, "days_off")
    assert len(msgs) == 2
    assert "1.2.–21.2." in msgs[0] and "22.2.–14.3." in msgs[1]


def test_days_off_short_last_window_scales():
    inst = make_instance(1, weeks=4)
    res = check_both(inst, grid(inst, {"e1": "AAAAA--" * 3 + "AAAAAA-"}), days_off)
    assert rules_hit(res, "days_off") == ["Hoitaja1: 1 days off in 22.2.–28.2., needs 2"]


def test_days_off_several_doubles():
    inst = make_instance(1, weeks=3, rules=RuleSet(min_double_days_off_per_3_weeks=2))
    # one run of four free days counts once
    res = check_both(inst, grid(inst, {"e1": row(21, {3, 4, 5, 6, 13, 20})}), days_off)
    assert len(res.violations) == 1
    assert "fewer than 2 run(s)" in res.violations[0].message
    assert check_both(inst, grid(inst, {"e1": row(21, {0, 1, 9, 10, 19, 20})}),
                      days_off).feasible


def test_days_off_solve():
    emp = employee(1, shift_types=["A"])
    inst = make_instance(employees=[emp], weeks=3, demand=only(["A"], 3))
    roster, _ = solve_all(inst)
    assert len(roster.assignments) == 15  # 120 h maximum; ≥ 6 days off with a double
    assert days_off.check(inst, roster).feasible


# ------------------------------------------------------------------ hard 11: staffing ratio
def _ratio_instance(clients: int = 2, weeks: int = 1, window_weeks: int = 1, **kw) -> Instance:
    units = [Unit(id="U1", name="Koivula", ratio_rule=RatioRule(
        clients=clients, ratio=0.6, window_weeks=window_weeks))]
    if "employees" not in kw:
        units.append(Unit(id="U2", name="Osasto 2"))
    kw.setdefault("employees", [employee(1), employee(2),
                                employee(3, competences=["siivous"]),
                                employee(4, units=["U2", "U1"], competences=[LPN],
                                         direct_care_share=0.5)])
    return make_instance(weeks=weeks, units=units, **kw)


def test_staffing_ratio_shortfall_is_reported_and_priced():
    inst = _ratio_instance()
    # needs ceil(0.6 × 2 × 2295) = 2754 min; 5 × round(480 × 0.9) = 2160 → 594 short
    res = check_both(inst, grid(inst, {"e1": "AAAAA--", "e3": "AAAAA--"}), staffing_ratio)
    msgs = rules_hit(res, "staffing_ratio")
    assert msgs[0] == ("Koivula week 1: direct care 36 h, needs 45,9 h (0,6 × 2 clients): "
                       "9,9 h short")
    by_term = {p.term: p for p in res.penalties}
    assert by_term["ratio_shortfall_minute"].amount == 594
    assert by_term["cost_cent"].amount == 594 and by_term["cost_cent"].weight == 80
    assert res.objective == 594 * 3000 + 594 * 80
    [m] = res.metrics["staffing_ratio"]
    assert m["unit"] == "U1" and m["window_start"] == "2027-02-01"
    assert m["window_end"] == "2027-02-07"
    assert m["direct_care_hours"] == 36 and m["required_hours"] == pytest.approx(45.9)
    assert m["shortfall_hours"] == pytest.approx(9.9)
    assert m["cost_eur"] == pytest.approx(475.2)
    assert m["ratio_realised"] == pytest.approx(36 / 38.25 / 2)


def test_staffing_ratio_met():
    inst = _ratio_instance()
    # 5 + 2 shifts × 432 min = 3024 ≥ 2754; e4 counts with share 0.5 (240 min per A)
    res = check_both(inst, grid(inst, {"e1": "AAAAA--", "e2": "AA-----"}), staffing_ratio)
    assert res.penalties == []
    res = check_both(inst, grid(inst, {"e1": "AAAAA--", "e2": "A------", "e4": "A------"},
                                unit="U1"), staffing_ratio)
    assert res.penalties == []
    assert res.metrics["staffing_ratio"][0]["direct_care_hours"] == (5 * 432 + 432 + 240) / 60


def test_staffing_ratio_counts_only_shifts_in_the_unit():
    inst = _ratio_instance()
    roster = grid(inst, {"e1": "AAAAA--", "e4": "AAAA---"})  # e4 works in home unit U2
    res = check_both(inst, roster, staffing_ratio)
    assert res.metrics["staffing_ratio"][0]["direct_care_hours"] == 36


def test_staffing_ratio_windows_and_short_last_window():
    inst = _ratio_instance(weeks=4, window_weeks=3)
    res = check_both(inst, grid(inst, {"e1": "AAAAA--" * 4, "e2": "AAAA---" * 4}),
                     staffing_ratio)
    rows = res.metrics["staffing_ratio"]
    assert [(r["window_start"], r["window_end"]) for r in rows] == [
        ("2027-02-01", "2027-02-21"), ("2027-02-22", "2027-02-28")]
    assert rows[0]["required_hours"] == pytest.approx(3 * 45.9)
    assert rows[1]["required_hours"] == pytest.approx(45.9)
    assert res.penalties == []
    res = check_both(inst, grid(inst, {"e1": "AAAAA--" * 4}), staffing_ratio)
    msgs = rules_hit(res, "staffing_ratio")
    assert msgs[0].startswith("Koivula weeks 1–3: direct care 108 h, needs 137,7 h")
    assert any(m.startswith("Koivula week 4:") for m in msgs)


def test_staffing_ratio_solve():
    inst = _ratio_instance(clients=4, employees=[employee(1), employee(2)])
    _, total = solve_all(inst)
    # needs 5508 min; two employees give at most 2 × 0.9 × 2400 = 4320 → 1188 min short
    [m] = total.metrics["staffing_ratio"]
    assert m["shortfall_hours"] == pytest.approx(19.8)
