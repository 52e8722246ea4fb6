"""Whole weekends: the rule (constraints/complete_weekends.py), broken and kept, and the solve
that plans under it first where the weekends bind (scheduler/weekends_first.py)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

import pytest

from constraints import complete_weekends
from constraints.checker import check_roster
from instances.curtois import curtois_profile
from instances.models import Absence, ContractLimits, Demand, Instance, RuleSet
from scheduler import weekends_first
from scheduler.solve import SolveOptions, solve
from tests.factory import START, check_both, employee, grid, make_instance, rules_hit
from tests.test_curtois import E, L, line_of, solve_all, tiny


def strict(inst: Instance) -> Instance:
    return inst.model_copy(update={"rules": inst.rules.model_copy(
        update={"complete_weekends": True})})


def test_half_weekends_break_the_rule_one_message_each():
    inst = strict(tiny(2))
    res = check_both(inst, grid(inst, {"e1": "-----E------E-"}), complete_weekends)
    assert rules_hit(res, "complete_weekends") == [
        "Hoitaja1: works only one day of the weekend of 6.2.",
        "Hoitaja1: works only one day of the weekend of 13.2."]


@pytest.mark.parametrize("line", ["-----EE-------", "-----EL-----LE", "EEEEE---------"])
def test_whole_or_free_weekends_keep_the_rule(line):
    inst = strict(tiny(2))
    assert check_both(inst, grid(inst, {"e1": line}), complete_weekends).violations == []


def test_without_the_setting_a_half_weekend_is_allowed():
    inst = tiny(2)
    assert not inst.rules.complete_weekends
    assert check_both(inst, grid(inst, {"e1": "-----E-------"}),
                      complete_weekends).violations == []


def _saturday_cover(weeks: int = 1) -> list[Demand]:
    days = [START + timedelta(days=d) for d in range(7 * weeks)]
    return [Demand(unit="U1", date=dt, shift=s, minimum=0,
                   target=1 if s == "E" and dt.weekday() == 5 else 0,
                   weight_under=100, weight_over=1) for dt in days for s in "EL"]


def test_the_solver_works_the_sunday_too_once_weekends_are_whole():
    """Cover only on Saturday: the plain model works Saturday alone; whole weekends cost the
    Sunday's excess (1) and the model pays it, as the checker scores it."""
    plain = tiny(1, demand=_saturday_cover())
    roster, res = solve_all(plain, curtois_profile())
    assert line_of(roster, plain, "e1")[5:7] == "E-" and res.objective == 0
    whole = strict(plain)
    roster, res = solve_all(whole, curtois_profile())
    assert line_of(roster, whole, "e1")[5] == "E" and line_of(roster, whole, "e1")[6] != "-"
    assert res.objective == 1


def _binding(weeks: int = 2, *, sunday_off: bool = False) -> Instance:
    """Two employees at most one weekend each; the cover asks two a day at weekends: 4 weekend
    shifts short in any roster. With `sunday_off`, e1 is off every Sunday and must work 12 of
    the 14 days, so its Saturdays are half weekends: none under whole weekends."""
    days = [START + timedelta(days=d) for d in range(7 * weeks)]
    demand = [Demand(unit="U1", date=dt, shift=s, minimum=0,
                     target=(2 if dt.weekday() >= 5 else 1) if s == "E" else 0,
                     weight_under=100, weight_over=1) for dt in days for s in "EL"]
    one = ContractLimits(max_weekends=1)
    e1 = ContractLimits(max_weekends=2, min_minutes=12 * 480) if sunday_off else one
    emps = [employee(1, limits=e1, shift_types=["E"] if sunday_off else ["E", "L"]),
            employee(2, limits=one, shift_types=["E", "L"])]
    # built whole, not copied: an instance caches its absent days
    return make_instance(weeks=weeks, employees=emps, shifts=[E, L], demand=demand,
                         rules=RuleSet(catalogue="curtois", wish_cap_per_period=1000),
                         absences=[Absence(employee="e1", start=dt, end=dt) for dt in days
                                   if sunday_off and dt.weekday() == 6])


def test_weekend_shortage_counts_the_cover_beyond_the_staffs_weekends():
    inst = _binding()
    assert weekends_first.weekend_shortage(inst) == 8 - 2 * (1 + 1)
    roomy = inst.model_copy(update={"employees": [
        e.model_copy(update={"limits": ContractLimits(max_weekends=2)})
        for e in inst.employees]})
    assert weekends_first.weekend_shortage(roomy) == 0
    unlimited = inst.model_copy(update={"employees": [
        e.model_copy(update={"limits": None}) for e in inst.employees]})
    assert weekends_first.weekend_shortage(unlimited) == 0


WF = SolveOptions(weekends_first=True)


def test_applies_only_when_asked_where_the_weekends_bind_without_a_start():
    inst = _binding()
    assert weekends_first.applies(inst, WF)
    assert not weekends_first.applies(inst, SolveOptions())  # not a default
    roomy = inst.model_copy(update={"employees": [
        e.model_copy(update={"limits": ContractLimits(max_weekends=2)})
        for e in inst.employees]})
    assert not weekends_first.applies(roomy, WF)
    assert not weekends_first.applies(strict(inst), WF)  # already restricted
    assert not weekends_first.applies(inst, replace(WF, first_only=True))
    assert not weekends_first.applies(inst, replace(WF, hint=grid(inst, {"e1": "E"})))


def test_solve_goes_weekends_first_and_reports_only_the_real_bounds():
    inst = _binding()
    seen = []
    res = solve(inst, curtois_profile(), replace(WF, time_limit=6), seen.append)
    assert res.ok
    rep = check_roster(inst, res.roster, curtois_profile())
    assert rep.violations == [] and rep.objective == res.objective
    first = [t for t, ev, _ in res.events if ev.startswith(weekends_first.PREFIX)]
    assert first, res.events
    # stage one's bounds bound the restricted problem: none of them is reported
    assert all(math.isnan(b) for t, _o, b in res.history if t <= max(first))
    assert all(0 <= p.fraction <= 1 for p in seen)
    assert [p.elapsed for p in seen] == sorted(p.elapsed for p in seen)


def test_cancelled_in_stage_one_hands_back_its_roster_without_its_bound():
    inst = _binding()
    res = solve(inst, curtois_profile(), replace(WF, time_limit=30, stop=lambda: True))
    assert res.ok and res.bound is None and res.wall_time < 20
    assert check_roster(inst, res.roster, curtois_profile()).violations == []
    assert res.events and all(ev.startswith(weekends_first.PREFIX) for _t, ev, _o in res.events)


def test_no_roster_under_whole_weekends_falls_back_to_the_instance():
    inst = _binding(sunday_off=True)
    assert weekends_first.applies(inst, WF)
    assert not solve(strict(inst), curtois_profile(), SolveOptions(time_limit=2)).ok
    res = solve(inst, curtois_profile(), replace(WF, time_limit=4))
    assert res.ok
    rep = check_roster(inst, res.roster, curtois_profile())
    assert rep.violations == [] and rep.objective == res.objective
    assert line_of(res.roster, inst, "e1").count("E") == 12


def test_the_finnish_catalogue_knows_the_rule_too():
    inst = make_instance(1, weeks=1, rules=RuleSet(complete_weekends=True))
    res = check_both(inst, grid(inst, {"e1": "-----A-"}), complete_weekends)
    assert rules_hit(res, "complete_weekends") == [
        "Hoitaja1: works only one day of the weekend of 6.2."]
    assert check_both(inst, grid(inst, {"e1": "-----AA"}), complete_weekends).violations == []
