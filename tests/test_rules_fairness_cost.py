"""Fairness, hours deviation, cost and continuity: hand-made rosters, hand-computed prices, and a
tiny solve per module asserting the solver's objective equals the full checker's total."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

import constraints
from constraints import continuity, cost, fairness, hours_deviation
from constraints.base import CheckResult
from constraints.evaluate import check_with
from instances.models import (
    Assignment,
    Demand,
    Instance,
    Profile,
    Roster,
    ShiftType,
    Wish,
    WishKind,
)
from tests.factory import (
    SHIFTS,
    START,
    employee,
    grid,
    make_instance,
    rules_hit,
)
from tests.factory import solve_and_check as solve_all_rules

# ---------------------------------------------------------------- solve helper


def solve(inst: Instance, profile: Profile | None = None) -> tuple[Roster, int]:
    """Encode every rule, solve briefly, read the roster back; returns (roster, objective)."""
    roster, objective, _total = solve_all_rules(inst, profile)
    return roster, objective


def check_all(inst: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    total = CheckResult()
    for r in constraints.RULES:
        total.extend(check_with(r.apply, inst, roster, profile))
    return total


def solve_and_check(inst: Instance, profile: Profile | None = None) -> CheckResult:
    roster, objective = solve(inst, profile)
    res = check_all(inst, roster, profile)
    assert res.violations == []
    assert res.objective == objective
    return res


def demand(start: date, minimum: dict[str, int], weeks: int = 1) -> list[Demand]:
    """Demand rows for every shift type and day (minimum 0 where not named)."""
    return [Demand(unit="U1", date=start + timedelta(days=d), shift=s.id,
                   minimum=minimum.get(s.id, 0)) for d in range(7 * weeks) for s in SHIFTS]


def amount(res: CheckResult, rule: str, term: str | None = None) -> int:
    return sum(p.amount for p in res.penalties
               if p.rule == rule and (term is None or p.term == term))


# ---------------------------------------------------------------- cost: pure functions

WAGE = 20.0  # 20 €/h = 1/3 € per minute: 480 min = 16000 cents


def test_evening_shift_on_wednesday() -> None:
    inst = make_instance(1)
    assert inst.days[2].weekday() == 2
    m = cost.allowance_minutes(inst, 2, "I")
    assert m == {"evening": 240, "night": 0, "holiday": 0, "eve": 0, "sunday": 0, "saturday": 0}
    # 480 + 15 % × 240 = 516 paid minutes × 20 €/h
    assert cost.shift_cost_cents(inst, inst.employees[0], 2, "I") == 17200
    assert cost.shift_cost_cents(inst, inst.employees[0], 2, "A") == 16000


def test_night_shift_friday_into_saturday() -> None:
    inst = make_instance(1)
    m = cost.allowance_minutes(inst, 4, "Y")  # Fri 21:00 – Sat 07:00
    assert (m["evening"], m["night"], m["saturday"], m["sunday"]) == (60, 540, 60, 0)
    # 600 + 0.15×60 + 0.40×540 + 0.20×60 = 837 paid minutes
    assert cost.shift_cost_cents(inst, inst.employees[0], 4, "Y") == 27900


def test_sunday_and_saturday_evening() -> None:
    inst = make_instance(1)
    assert cost.allowance_minutes(inst, 6, "A")["sunday"] == 480
    assert cost.shift_cost_cents(inst, inst.employees[0], 6, "A") == 32000  # 100 %
    m = cost.allowance_minutes(inst, 5, "I")  # Sat 14–22: 14–18 Saturday, 18–22 Sunday rate
    assert (m["saturday"], m["sunday"], m["evening"]) == (240, 240, 240)
    m = cost.allowance_minutes(inst, 5, "Y")  # Sat 21 – Sun 07: Sunday rate all the way
    assert (m["sunday"], m["evening"], m["night"], m["saturday"]) == (600, 60, 540, 0)
    # 600 + 600 + 9 + 216 = 1425 paid minutes
    assert cost.shift_cost_cents(inst, inst.employees[0], 5, "Y") == 47500


def test_easter_2027_holy_saturday_and_holidays() -> None:
    # Mon 22.3.2027; Good Friday 26.3., Holy Saturday 27.3. (eve), Easter Sunday 28.3., Easter
    # Monday 29.3. (the day after the period) — from the holidays package.
    inst = make_instance(1, start=date(2027, 3, 22), public_holidays=None, demand=[])
    emp = inst.employees[0]
    assert date(2027, 3, 26) in inst.holiday_set
    sat = inst.day_index(date(2027, 3, 27))
    # A on Holy Saturday: the eve allowance 00–18 replaces the Saturday allowance
    assert cost.allowance_minutes(inst, sat, "A") == {
        "evening": 0, "night": 0, "holiday": 0, "eve": 480, "sunday": 0, "saturday": 0}
    assert cost.shift_cost_cents(inst, emp, sat, "A") == 32000
    # I on Holy Saturday: 14–18 eve, 18–22 Saturday-evening (Sunday rate) + evening
    m = cost.allowance_minutes(inst, sat, "I")
    assert (m["eve"], m["sunday"], m["evening"], m["saturday"]) == (240, 240, 240, 0)
    assert cost.shift_cost_cents(inst, emp, sat, "I") == 33200  # 480+240+240+36 = 996
    # Y Good Friday → Holy Saturday: 21–24 holiday, 00–07 eve
    m = cost.allowance_minutes(inst, sat - 1, "Y")
    assert (m["holiday"], m["eve"], m["evening"], m["night"], m["saturday"]) == \
        (180, 420, 60, 540, 0)
    # Y Easter Sunday → Easter Monday (outside the period, still a holiday): 100 % once
    m = cost.allowance_minutes(inst, sat + 1, "Y")
    assert (m["holiday"], m["sunday"], m["evening"], m["night"]) == (600, 0, 60, 540)
    assert cost.shift_cost_cents(inst, emp, sat + 1, "Y") == 47500


def test_midsummer_eve_and_christmas_eve() -> None:
    inst = make_instance(1, start=date(2027, 6, 21), public_holidays=None, demand=[])
    fri = inst.day_index(date(2027, 6, 25))  # Midsummer Eve (also in the holiday list: excluded)
    m = cost.allowance_minutes(inst, fri, "I")  # 14–18 eve, 18–22 evening only
    assert (m["eve"], m["holiday"], m["evening"]) == (240, 0, 240)
    m = cost.allowance_minutes(inst, fri + 1, "A")  # Midsummer Day, a Saturday holiday
    assert (m["holiday"], m["saturday"]) == (480, 0)


def test_overtime_rate_and_custom_percentages() -> None:
    inst = make_instance(1)
    # a minute above target: 20 € × (1 + 50 %) / 60
    assert cost.overtime_cents_per_minute(inst, inst.employees[0]) == 50
    inst2 = make_instance(1, rules=inst.rules.model_copy(update={"evening_allowance_pct": 30}))
    assert cost.shift_cost_cents(inst2, inst2.employees[0], 2, "I") == 18400  # 480 + 72


# ---------------------------------------------------------------- cost: the rule


def test_cost_rule_prices_wages_allowances_and_overtime() -> None:
    inst = make_instance(1)
    res = cost.check(inst, grid(inst, {"e1": "AAAAA--"}))
    # salary for the target 38 h 15 min = 2295 min at 20 €/h = 76500 c; 2400 min planned →
    # 105 min above target at 50 c
    assert amount(res, "cost") == 76500 + 105
    assert res.objective == 76500 + 105 * 50
    assert res.metrics["cost_breakdown"] == {"wages_eur": 765.0, "allowances_eur": 0.0,
                                             "overtime_eur": 52.5}
    msgs = rules_hit(res, "cost")
    assert any("Hoitaja1: salary for the target 38 h 15 min" in m for m in msgs)
    assert any("105 min above the target" in m for m in msgs)

    # below target: the salary is paid all the same (jaksotyö), no overtime
    cheap = cost.check(inst, grid(inst, {"e1": "AAAA---"}))
    assert cheap.objective == 76500
    weekend = cost.check(inst, grid(inst, {"e1": "---AIAA"}))
    # A Thu 0, I Fri 15 % × 240 min, A Sat 20 % × 480 min, A Sun 100 % × 480 min
    assert weekend.metrics["cost_breakdown"]["allowances_eur"] == pytest.approx(
        (1200 + 3200 + 16000) / 100)


def test_cost_solve_matches_checker() -> None:
    start = date(2027, 3, 22)  # Easter week: Good Friday, Holy Saturday, Easter Sunday
    inst = make_instance(4, demand=demand(start, {"A": 1, "Y": 1}), start=start,
                         public_holidays=None)
    res = solve_and_check(inst)
    bd = res.metrics["cost_breakdown"]
    assert bd["wages_eur"] > 0
    assert amount(res, "cost") > 0


# ---------------------------------------------------------------- hours deviation

P = ShiftType(id="P", name="pitkä", start=time(7), end=time(14, 39))  # 7 h 39 min


def test_hours_deviation_break_and_keep() -> None:
    inst = make_instance(2, shifts=[*SHIFTS, P])
    res = hours_deviation.check(inst, grid(inst, {"e1": "AAAA---", "e2": "PPPPP--"}))
    # target for one week: 114 h 45 min / 3 = 38 h 15 min = 2295 min; e1 1920 planned
    assert res.metrics["hours_deviation"] == {"e1": -375, "e2": 0}
    assert amount(res, "hours_deviation", "hours_deviation_minute") == 375
    # 6 h 15 min off target is 2 h 15 min beyond the ± 4 h KPI band
    assert amount(res, "hours_deviation", "hours_beyond_kpi_minute") == 135
    assert amount(res, "hours_deviation", "hours_outside_kpi") == 1
    assert res.objective == 375 * 10 + 135 * 100 + 25_000
    msg, beyond, outside = rules_hit(res, "hours_deviation")
    assert "Hoitaja1" in msg and "−6 h 15 min" in msg and "target 38 h 15 min" in msg
    assert "beyond the ± 4 h" in beyond and "outside the ± 4 h band" in outside

    over = hours_deviation.check(inst, grid(inst, {"e1": "AAAAA--", "e2": "PPPPP--"}))
    assert over.metrics["hours_deviation"]["e1"] == 105
    assert amount(over, "hours_deviation") == 105  # inside the band: the plain deviation only


def test_hours_deviation_part_time() -> None:
    inst = make_instance(employees=[employee(1, part_time=0.6)], shifts=[*SHIFTS, P])
    res = hours_deviation.check(inst, grid(inst, {"e1": "PPP----"}))
    assert res.metrics["hours_deviation"] == {"e1": 3 * 459 - 1377}  # target 2295 × 0.6
    assert res.penalties == []


def test_hours_deviation_solve_matches_checker() -> None:
    inst = make_instance(3, weeks=1, demand_min=0, shifts=[*SHIFTS, P])
    res = solve_and_check(inst)
    assert set(res.metrics["hours_deviation"]) == {"e1", "e2", "e3"}
    # without the wage cost pulling hours down, everybody meets the target exactly (5 × P)
    res = solve_and_check(inst, Profile(cost_cent=0))
    assert res.metrics["hours_deviation"] == {"e1": 0, "e2": 0, "e3": 0}


# ---------------------------------------------------------------- fairness


def _fair_instance(**kw) -> Instance:
    emps = [employee(1), employee(2, part_time=0.5),
            employee(3, shift_types=["A", "I"])]  # e3: no nights by contract
    return make_instance(employees=emps, public_holidays=[START + timedelta(days=2)], **kw)


def test_fairness_nights_relative_to_fte() -> None:
    inst = _fair_instance()
    res = fairness.check(inst, grid(inst, {"e1": "Y------", "e2": "-Y-Y---", "e3": "A------"}))
    nights = [p for p in res.penalties if "nights" in p.message]
    assert len(nights) == 1
    # e2 at 50 %: 2 nights × 200 = 400 beats e1's 1 × 100; e3 (no nights allowed) not compared
    assert nights[0].amount == 400 and nights[0].employee == "e2"
    assert nights[0].message == ("Osasto 1: most nights relative to FTE: Hoitaja2 4.0 "
                                 "(unit range 1.0–4.0)")
    assert res.metrics["fairness"]["nights"]["U1"] == {"max": 4.0, "min": 1.0, "spread": 3.0}

    fair = fairness.check(inst, grid(inst, {"e1": "Y-Y----", "e2": "-Y-----", "e3": "A------"}))
    n2 = [p for p in fair.penalties if "nights" in p.message]
    assert n2[0].amount == 200  # both at 2.0 nights per FTE: the worst is lower
    assert fair.metrics["fairness"]["nights"]["U1"]["spread"] == 0.0


def test_fairness_evenings_weekends_holidays() -> None:
    inst = _fair_instance()
    res = fairness.check(inst, grid(inst, {"e1": "--I--AA", "e2": "-----A-", "e3": "I-A--AI"}))
    m = res.metrics["fairness"]
    assert m["evenings"]["U1"] == {"max": 2.0, "min": 0.0, "spread": 2.0}  # e3: 2 × I
    assert m["weekends"]["U1"] == {"max": 2.0, "min": 2.0, "spread": 0.0}  # e2: 1 × 200
    assert m["holidays"]["U1"] == {"max": 1.0, "min": 0.0, "spread": 1.0}  # day 2 holiday
    by = {p.message.split(":")[1].strip(): p.amount for p in res.penalties}
    assert by["most evening shifts relative to FTE"] == 200
    assert by["most weekend days worked relative to FTE"] == 200
    assert by["most public-holiday shifts relative to FTE"] == 100
    assert "unfulfilled_wishes" not in m  # nobody wished anything
    assert res.objective == (200 + 200 + 100) * 15


def test_fairness_unfulfilled_wishes_by_priority() -> None:
    wishes = [Wish(employee="e1", kind=WishKind.DAY_OFF, date=START + timedelta(days=3),
                   priority=1),
              Wish(employee="e2", kind=WishKind.SHIFT, date=START + timedelta(days=4),
                   shift="A", priority=3)]
    inst = _fair_instance(wishes=wishes)
    res = fairness.check(inst, grid(inst, {"e1": "---A---", "e2": "-------"}))
    assert res.metrics["fairness"]["unfulfilled_wishes"]["U1"] == {
        "max": 3.0, "min": 1.0, "spread": 2.0}  # (4 − 1) vs (4 − 3), no FTE scaling
    (p,) = [p for p in res.penalties if "wishes" in p.message]
    assert p.amount == 300 and "Hoitaja1" in p.message
    kept = fairness.check(inst, grid(inst, {"e1": "-------", "e2": "----A--"}))
    assert not [p for p in kept.penalties if "wishes" in p.message]


def test_fairness_skips_categories_that_cannot_occur() -> None:
    day_only = [s for s in SHIFTS if s.id != "Y"]
    inst = make_instance(3, shifts=day_only)
    res = fairness.check(inst, grid(inst, {"e1": "AAAAA--"}))
    assert "nights" not in res.metrics["fairness"]
    assert "holidays" not in res.metrics["fairness"]  # no public holiday in the period
    # one night worker only: nothing to compare
    emps = [employee(1), employee(2, shift_types=["A", "I"])]
    inst2 = make_instance(employees=emps)
    res2 = fairness.check(inst2, grid(inst2, {"e1": "YY-----"}))
    assert "nights" not in res2.metrics["fairness"]


def test_fairness_solve_matches_checker() -> None:
    inst = _fair_instance(demand=demand(START, {"A": 1, "Y": 1}), wishes=[
        Wish(employee="e1", kind=WishKind.DAY_OFF, date=START + timedelta(days=5), priority=1)])
    res = solve_and_check(inst)
    assert "nights" in res.metrics["fairness"]


# ---------------------------------------------------------------- continuity


def _reference(inst: Instance, rows: dict[str, str]) -> list[Assignment]:
    return grid(inst, rows).assignments


def test_continuity_counts_changes_with_weight_zero() -> None:
    base = make_instance(2)
    ref = _reference(base, {"e1": "AI-----", "e2": "-------"})
    ref.append(Assignment(employee="e1", date=START + timedelta(days=30), shift="A", unit="U1"))
    inst = make_instance(2, reference_roster=ref)

    same = continuity.check(inst, grid(inst, {"e1": "AI-----"}))
    assert same.metrics["changes_vs_reference"] == 0 and same.penalties == []

    res = continuity.check(inst, grid(inst, {"e1": "IA-----", "e2": "A------"}))
    assert res.metrics["changes_vs_reference"] == 3
    assert len(res.penalties) == 3 and all(p.weight == 0 for p in res.penalties)
    assert res.objective == 0
    msgs = rules_hit(res, "continuity")
    assert "Hoitaja1 1.2.: A (U1) in the reference, now I" in msgs
    assert "Hoitaja2 1.2.: free in the reference, now A" in msgs

    weighted = continuity.check(inst, grid(inst, {"e1": "IA-----", "e2": "A------"}),
                                Profile(name="continuity", continuity_change=50))
    assert weighted.objective == 150


def test_continuity_unit_matters_and_no_reference() -> None:
    from instances.models import Unit
    units = [Unit(id="U1", name="Osasto 1"), Unit(id="U2", name="Osasto 2")]
    emps = [employee(1, units=["U1", "U2"])]
    ref = [Assignment(employee="e1", date=START, shift="A", unit="U2")]
    inst = make_instance(employees=emps, units=units, reference_roster=ref)
    res = continuity.check(inst, grid(inst, {"e1": "A------"}, unit="U1"))
    assert res.metrics["changes_vs_reference"] == 1
    ok = continuity.check(inst, grid(inst, {"e1": "A------"}, unit="U2"))
    assert ok.metrics["changes_vs_reference"] == 0
    none = continuity.check(make_instance(1), grid(make_instance(1), {"e1": "A------"}))
    assert none.metrics["changes_vs_reference"] is None and none.penalties == []


def test_continuity_solve_matches_checker() -> None:
    rows = demand(START, {"A": 1, "Y": 1})
    base = make_instance(4, demand=rows)
    ref = _reference(base, {"e1": "AAAA---", "e2": "----AAA", "e3": "YYY----", "e4": "---YYY-"})
    inst = make_instance(4, demand=rows, reference_roster=ref)
    # the default profile (weight 0) still reports the changes, and stays exact
    free = solve_and_check(inst).metrics["changes_vs_reference"]
    kept = solve_and_check(inst, Profile(name="continuity", continuity_change=50_000))
    assert kept.metrics["changes_vs_reference"] <= free
    assert amount(kept, "continuity") == kept.metrics["changes_vs_reference"]
