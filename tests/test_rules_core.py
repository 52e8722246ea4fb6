"""Break/keep tests for hard rules 1–4 and 10 and the wishes rule (hand-made rosters)."""

from __future__ import annotations

from datetime import date, timedelta

from constraints import absences_locked, assignment, contract, daily_rest, staffing, wishes
from instances.models import (
    ASSISTANT,
    LPN,
    Absence,
    Assignment,
    Demand,
    LockedShift,
    Roster,
    Unit,
    Wish,
    WishKind,
)
from tests.factory import START, employee, grid, make_instance, rules_hit


def day(i: int) -> date:
    return START + timedelta(days=i)


# ---------------------------------------------------------------- hard 1: assignment
def test_assignment_two_shifts_one_day_breaks() -> None:
    inst = make_instance(1)
    bad = Roster(assignments=[Assignment(employee="e1", date=day(0), shift="A", unit="U1"),
                              Assignment(employee="e1", date=day(0), shift="I", unit="U1")])
    res = assignment.check(inst, bad)
    assert len(res.violations) == 1 and "more than one shift on 1.2." in res.violations[0].message
    assert assignment.check(inst, grid(inst, {"e1": "A-I----"})).violations == []


def test_assignment_unit_not_allowed_breaks() -> None:
    units = [Unit(id="U1", name="Osasto 1"), Unit(id="U2", name="Osasto 2")]
    inst = make_instance(employees=[employee(1), employee(2, units=["U2"])], units=units)
    bad = Roster(assignments=[Assignment(employee="e1", date=day(2), shift="A", unit="U2")])
    hits = rules_hit(assignment.check(inst, bad), "assignment")
    assert len(hits) == 1 and "not one of the employee's units" in hits[0]
    ok = Roster(assignments=[Assignment(employee="e1", date=day(2), shift="A", unit="U1")])
    assert assignment.check(inst, ok).violations == []


def test_assignment_unknown_rows_break() -> None:
    inst = make_instance(1)
    bad = Roster(assignments=[Assignment(employee="x9", date=day(0), shift="A", unit="U1"),
                              Assignment(employee="e1", date=day(30), shift="A", unit="U1"),
                              Assignment(employee="e1", date=day(1), shift="Q", unit="U1")])
    msgs = rules_hit(assignment.check(inst, bad), "assignment")
    assert len(msgs) == 3
    assert any("unknown employee 'x9'" in m for m in msgs)
    assert any("outside the period" in m for m in msgs)
    assert any("unknown shift type 'Q'" in m for m in msgs)


# ---------------------------------------------------------------- hard 2: absences, locked
def test_absence_breaks_and_keeps() -> None:
    inst = make_instance(1, absences=[Absence(employee="e1", start=day(2), end=day(3),
                                              kind="sairausloma")])
    res = absences_locked.check(inst, grid(inst, {"e1": "AA-A---"}))
    assert len(res.violations) == 1
    assert "4.2." in res.violations[0].message and "sairausloma" in res.violations[0].message
    assert absences_locked.check(inst, grid(inst, {"e1": "AA--A--"})).violations == []


def test_locked_shift_breaks_and_keeps() -> None:
    inst = make_instance(employees=[employee(1, locked=[LockedShift(date=day(1), shift="I")])])
    res = absences_locked.check(inst, grid(inst, {"e1": "-A-----"}))
    assert len(res.violations) == 1 and "locked shift I" in res.violations[0].message
    assert absences_locked.check(inst, grid(inst, {"e1": "-I-----"})).violations == []


# ---------------------------------------------------------------- hard 3: contract
def test_contract_no_nights_breaks_and_keeps() -> None:
    inst = make_instance(employees=[employee(1, shift_types=["A", "I"])])
    res = contract.check(inst, grid(inst, {"e1": "A--Y---"}))
    assert len(res.violations) == 1 and "Y on 4.2. is not allowed" in res.violations[0].message
    assert contract.check(inst, grid(inst, {"e1": "A--I---"})).violations == []


# ---------------------------------------------------------------- hard 4: daily rest
def test_daily_rest_breaks_and_keeps() -> None:
    inst = make_instance(1)
    res = daily_rest.check(inst, grid(inst, {"e1": "IA-Y-I-"}))
    msgs = [v.message for v in res.violations]
    assert msgs == ["Hoitaja1: I on 1.2. followed by A on 2.2., 9 h rest (needs 11 h)"]
    assert daily_rest.check(inst, grid(inst, {"e1": "AI-Y--A"})).violations == []
    # Y ends 07:00, I starts 14:00 next day: 7 h
    res = daily_rest.check(inst, grid(inst, {"e1": "YI-----"}))
    assert len(res.violations) == 1 and "7 h rest" in res.violations[0].message


def test_daily_rest_local_agreement_allows_9h() -> None:
    units = [Unit(id="U1", name="Osasto 1", short_rest_allowed=True)]
    inst = make_instance(1, units=units)
    assert daily_rest.check(inst, grid(inst, {"e1": "IA-----"})).violations == []
    assert len(daily_rest.check(inst, grid(inst, {"e1": "YI-----"})).violations) == 1


# ---------------------------------------------------------------- hard 10: staffing
def _staff_instance(minimum: int = 2, target: int | None = None, competence: str | None = None,
                    **kw):
    dem = [Demand(unit="U1", date=day(0), shift="A", minimum=minimum, target=target)]
    if competence:
        dem.append(Demand(unit="U1", date=day(0), shift="A", competence=competence, minimum=1))
    return make_instance(3, demand=dem, **kw)


def test_staffing_open_shifts_counted_and_priced() -> None:
    inst = _staff_instance(minimum=2)
    res = staffing.check(inst, grid(inst, {"e1": "A------"}))
    opens = [p for p in res.penalties if p.term == "open_shift"]
    assert len(opens) == 1 and opens[0].amount == 1
    assert "1 open shift(s)" in opens[0].message
    cost = [p for p in res.penalties if p.term == "cost_cent"]
    assert cost[0].amount * cost[0].multiplier == 8 * 48 * 100  # 8 h at 48 €/h
    assert res.metrics["open_shifts"][0]["count"] == 1
    full = staffing.check(inst, grid(inst, {"e1": "A------", "e2": "A------"}))
    assert [p for p in full.penalties if p.term == "open_shift"] == []


def test_staffing_competence_row_needs_holder() -> None:
    # e1 has lääkehoitolupa (odd ids are RNs), e2 is an LPN without it
    inst = _staff_instance(minimum=1, competence="lääkehoitolupa")
    res = staffing.check(inst, grid(inst, {"e2": "A------"}))
    opens = [p for p in res.penalties if p.term == "open_shift"]
    assert sum(p.amount for p in opens) == 1 and "lääkehoitolupa" in opens[0].message
    assert res.metrics["competence_coverage"] == 0.0
    ok = staffing.check(inst, grid(inst, {"e1": "A------"}))
    assert [p for p in ok.penalties if p.term == "open_shift"] == []
    assert ok.metrics["competence_coverage"] == 1.0


def test_staffing_substitute_for_competence_counts_toward_total() -> None:
    inst = _staff_instance(minimum=2, competence="lääkehoitolupa")
    res = staffing.check(inst, grid(inst, {"e2": "A------"}))
    # one RN substitute covers both the permit row and the second head
    assert sum(p.amount for p in res.penalties if p.term == "open_shift") == 1


def test_staffing_below_target_is_soft() -> None:
    inst = _staff_instance(minimum=1, target=3)
    res = staffing.check(inst, grid(inst, {"e1": "A------"}))
    under = [p for p in res.penalties if p.term == "below_target_staffing"]
    assert under and under[0].amount == 2 and not res.violations


def test_staffing_assistant_never_alone() -> None:
    emps = [employee(1, competences=[ASSISTANT]), employee(2, competences=[LPN])]
    inst = make_instance(employees=emps)
    res = staffing.check(inst, grid(inst, {"e1": "A------"}))
    assert len(res.violations) == 1 and "without a nurse" in res.violations[0].message
    assert staffing.check(inst, grid(inst, {"e1": "A------", "e2": "A------"})).violations == []


def test_staffing_strict_mode_makes_minimum_hard() -> None:
    inst = _staff_instance(minimum=2, rules=make_instance(1).rules.model_copy(
        update={"allow_open_shifts": False}))
    res = staffing.check(inst, grid(inst, {"e1": "A------"}))
    assert len(res.violations) == 1 and "needs 2" in res.violations[0].message


# ---------------------------------------------------------------- wishes
def test_wishes_each_kind_breaks_and_keeps() -> None:
    ws = [Wish(employee="e1", kind=WishKind.DAY_OFF, date=day(1), priority=1),
          Wish(employee="e1", kind=WishKind.SHIFT, date=day(3), shift="I", priority=2),
          Wish(employee="e1", kind=WishKind.NOT_SHIFT, date=day(5), shift="A", priority=3)]
    inst = make_instance(1, wishes=ws)
    # a night on 1.2. ends on 2.2.: the day-off wish for 2.2. is not met
    bad = wishes.check(inst, grid(inst, {"e1": "Y--A-A-"}))
    assert [p.multiplier for p in bad.penalties] == [3, 2, 1]
    assert bad.metrics["wishes_fulfilled"] == 0.0
    good = wishes.check(inst, grid(inst, {"e1": "A--I-I-"}))
    assert good.penalties == [] and good.metrics["wishes_fulfilled"] == 1.0
    assert good.metrics["wishes_per_employee"]["e1"] == {"granted": 3, "total": 3}
