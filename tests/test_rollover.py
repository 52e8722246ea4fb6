"""The previous period's roster carried onto this period (instances/rollover.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from constraints.checker import check_roster
from instances.models import Absence, Assignment, Roster
from instances.rollover import carry_forward
from instances.validation import InputError
from tests.factory import employee, grid, make_instance


def _back(roster: Roster, days: int) -> list[Assignment]:
    return [a.model_copy(update={"date": a.date - timedelta(days=days)})
            for a in roster.assignments]


def _cells(rows: list[Assignment]) -> set[tuple[str, str, str, str]]:
    return {(a.employee, a.date.isoformat(), a.shift, a.unit) for a in rows}


def test_a_previous_period_of_the_same_length_lands_on_the_same_weekdays() -> None:
    inst = make_instance(2, weeks=2)
    roster = grid(inst, {"e1": "AAI--YY -AAII--", "e2": "--AAIIY Y--A-AI"})
    carried = carry_forward(_back(roster, 14), inst)
    assert carried.cycle_days == 14
    assert _cells(carried.assignments) == _cells(roster.assignments)
    assert not carried.dropped and carried.ignored_rows == 0


def test_a_shorter_rotation_is_repeated_over_the_period() -> None:
    inst = make_instance(1, weeks=2)
    week = grid(make_instance(1, weeks=1), {"e1": "AI-Y--A"})
    carried = carry_forward(_back(week, 7), inst)
    assert carried.cycle_days == 7
    assert _cells(carried.assignments) == _cells(grid(inst, {"e1": "AI-Y--A AI-Y--A"})
                                                 .assignments)


def test_leave_leavers_and_unknown_shifts_are_dropped_and_counted() -> None:
    start = make_instance(1).start
    inst = make_instance(employees=[employee(1), employee(2)], weeks=1,
                         absences=[Absence(employee="e1", start=start + timedelta(days=2),
                                           end=start + timedelta(days=3))])
    rows = grid(inst, {"e1": "AAAA---", "e2": "I------"}).assignments
    rows.append(Assignment(employee="e9", date=start, shift="A", unit="U1"))  # has left
    rows.append(Assignment(employee="e2", date=start + timedelta(days=1), shift="P", unit="U1"))
    rows.append(Assignment(employee="e2", date=start + timedelta(days=2), shift="A",
                           unit="U2"))
    carried = carry_forward(_back(Roster(assignments=rows), 7), inst)
    assert _cells(carried.assignments) == _cells(grid(inst, {"e1": "AA-----",
                                                            "e2": "I------"}).assignments)
    assert carried.dropped == {"absence": 2, "employee": 1, "shift": 1, "unit": 1}
    text = carried.summary()
    assert text.startswith("3 vuoroa siirretty edellisestä listasta")
    assert "3 shifts carried" in text
    assert "2 × osuu työntekijän lomalle tai poissaoloon (falls on the employee's leave or " \
        "absence)" in text


def test_a_roster_of_this_period_is_not_a_previous_one() -> None:
    inst = make_instance(1)
    with pytest.raises(InputError, match="prev.csv: no row is dated before the period start"):
        carry_forward(grid(inst, {"e1": "A"}).assignments, inst, source="prev.csv")


def test_the_carried_roster_is_the_continuity_reference() -> None:
    inst = make_instance(1, weeks=1)
    previous = grid(inst, {"e1": "AAI--Y-"})
    carried = carry_forward(_back(previous, 7), inst)
    ref = inst.model_copy(update={"reference_roster": carried.assignments})
    same = check_roster(ref, previous)
    assert same.metrics["changes_vs_reference"] == 0
    moved = check_roster(ref, grid(inst, {"e1": "AIA--Y-"}))
    assert moved.metrics["changes_vs_reference"] == 2
