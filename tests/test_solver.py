"""Solver against checker: zero hard violations and equal objectives on generated instances;
infeasibility is explained in human terms."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from constraints.checker import check_roster
from instances.models import (
    Absence,
    Demand,
    LockedShift,
    Profile,
    RuleSet,
    Wish,
    WishKind,
)
from instances.profiles import PROFILES
from scheduler import SolveOptions, explain_infeasibility, solve
from tests.factory import START, employee, make_instance


def assert_solver_matches_checker(inst, profile: Profile, time_limit: float = 10.0):
    res = solve(inst, profile, SolveOptions(time_limit=time_limit, workers=2, seed=1))
    assume(res.ok)
    rep = check_roster(inst, res.roster, profile)
    assert rep.violations == [], [v.message for v in rep.violations][:5]
    assert rep.objective == round(res.objective), (rep.objective, res.objective)
    return res, rep


@st.composite
def tiny_instances(draw):
    n = draw(st.integers(3, 6))
    weeks = draw(st.sampled_from([1, 2, 3]))
    emps = []
    for i in range(1, n + 1):
        kw = {"part_time": draw(st.sampled_from([1.0, 1.0, 0.8, 0.6]))}
        if draw(st.booleans()) and i > 2:
            kw["shift_types"] = ["A", "I"]
        emps.append(employee(i, **kw))
    days = weeks * 7
    demand = []
    for d in range(days):
        for s in ("A", "I", "Y"):
            m = draw(st.integers(0, 1))
            demand.append(Demand(unit="U1", date=START + timedelta(days=d), shift=s, minimum=m,
                                 target=m + draw(st.integers(0, 1))))
    wishes = []
    for i in range(1, n + 1):
        for _ in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(list(WishKind)))
            wishes.append(Wish(employee=f"e{i}", kind=kind,
                               date=START + timedelta(days=draw(st.integers(0, days - 1))),
                               shift=None if kind == WishKind.DAY_OFF else
                               draw(st.sampled_from(["A", "I"])),
                               priority=draw(st.integers(1, 3))))
    absences = []
    if draw(st.booleans()):
        a = draw(st.integers(0, days - 3))
        absences.append(Absence(employee="e1", start=START + timedelta(days=a),
                                end=START + timedelta(days=a + 2)))
    return make_instance(employees=emps, weeks=weeks, demand=demand, wishes=wishes,
                         absences=absences)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inst=tiny_instances(), profile=st.sampled_from(sorted(PROFILES)))
def test_property_solver_roster_is_valid_and_objective_matches_checker(inst, profile) -> None:
    assert_solver_matches_checker(inst, PROFILES[profile], time_limit=5.0)


def test_generated_small_preset_matches_checker() -> None:
    from instances.generator import PRESETS

    inst = PRESETS["small"](3)
    res, rep = assert_solver_matches_checker(inst, PROFILES["balanced"], time_limit=20.0)
    assert rep.kpis["hard_violations"] == 0


def test_infeasible_locked_shifts_are_explained() -> None:
    emp = employee(1, locked=[LockedShift(date=START, shift="I"),
                              LockedShift(date=START + timedelta(days=1), shift="A")])
    inst = make_instance(employees=[emp, employee(2)])
    res = solve(inst, Profile(), SolveOptions(time_limit=5))
    assert res.status == "INFEASIBLE"
    why = explain_infeasibility(inst, time_limit=10)
    text = " | ".join(why)
    assert "locked shift I on 1.2." in text and "locked shift A on 2.2." in text
    assert "daily rest" in text
    assert len(why) <= 4, why


def test_infeasible_strict_staffing_names_the_slot() -> None:
    rules = RuleSet(allow_open_shifts=False)
    dem = [Demand(unit="U1", date=START + timedelta(days=2), shift="Y",
                  competence="sairaanhoitaja", minimum=2)]
    emps = [employee(1), employee(2), employee(3)]  # e1, e3 are RNs
    absences = [Absence(employee="e3", start=START, end=START + timedelta(days=6))]
    inst = make_instance(employees=emps, demand=dem + [
        Demand(unit="U1", date=START + timedelta(days=d), shift="A", minimum=0)
        for d in range(7)], rules=rules, absences=absences)
    why = explain_infeasibility(inst, time_limit=10)
    assert any("3.2. Y: needs 2 × sairaanhoitaja, 1 of 2 qualified are not on leave" in w
               for w in why), why
