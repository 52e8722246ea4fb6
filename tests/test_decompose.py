"""Region decomposition: float pool allocation, units in parallel processes, warm starts."""

from __future__ import annotations

from constraints.checker import check_roster
from instances.generator import PRESETS
from instances.models import Profile
from scheduler import SolveOptions, solve
from scheduler.decompose import (
    PAIR_MAX_EMPLOYEES,
    PartState,
    allocate_float_pool,
    allocated_instance,
    float_pairs,
    unit_shortfall,
)
from scheduler.model import components


def test_region_presets_have_units_of_every_kind_and_a_five_percent_float_pool():
    inst = PRESETS["region-300"](0)
    assert len(inst.employees) == 300
    kinds = {u.kind.value for u in inst.units}
    assert {"ward", "elderly_24h", "home_care"} <= kinds
    floats = [e for e in inst.employees if len(e.units) > 1]
    assert len(floats) == 15  # 5 %
    assert all(e.units[0] == e.home_unit for e in floats)


def test_float_pool_goes_to_the_units_short_the_most():
    inst = PRESETS["mixed"](0)
    short = unit_shortfall(inst)
    alloc = allocate_float_pool(inst)
    floats = [e for e in inst.employees if len(e.units) > 1]
    assert set(alloc.unit_of) == {e.id for e in floats}
    for e in floats:
        assert alloc.unit_of[e.id] in e.units
    # the first float (most hours) went to the unit short the most among its units
    first = max(floats, key=lambda e: (alloc.shortfall_before[alloc.unit_of[e.id]],))
    assert short[alloc.unit_of[first.id]] == max(short[u] for u in first.units)
    # every unit's shortfall is reduced by exactly the hours allocated to it
    flat = allocated_instance(inst, alloc)
    assert all(len(e.units) == 1 for e in flat.employees)
    assert {e.id: e.units[0] for e in flat.employees if e.id in alloc.unit_of} == alloc.unit_of


def test_decomposed_solve_gives_a_valid_roster_whose_objective_the_checker_confirms():
    inst = PRESETS["mixed"](0)
    prof = Profile()
    seen = []
    res = solve(inst, prof, SolveOptions(time_limit=20, workers=2, decompose=True, jobs=2,
                                         float_pairs=PAIR_MAX_EMPLOYEES), progress=seen.append)
    assert res.ok
    # progress is told in units, also once two of them are solved as one part
    assert {p.parts for p in seen} == {len(inst.units)}
    assert seen[-1].parts_done == len(inst.units)
    rep = check_roster(inst, res.roster, prof)
    assert rep.violations == [], [v.message for v in rep.violations][:5]
    assert rep.objective == round(res.objective)
    # a float employee works in the unit allocated to them, or in the other unit of the pair
    # their contract links it to (solved as one part), never elsewhere
    alloc = allocate_float_pool(inst)
    flat = allocated_instance(inst, alloc)
    home_parts = [PartState(units=u, employees=e) for u, e in components(flat)]
    contract = {e.id: e.units for e in inst.employees if len(e.units) > 1}
    pairs = float_pairs(home_parts, contract, PAIR_MAX_EMPLOYEES)
    assert pairs and res.parts == len(inst.units) - len(pairs)
    paired_with = {alloc.unit_of[f]: {alloc.unit_of[f]} for f in contract}
    for i, j in pairs:
        both = set(home_parts[i].units) | set(home_parts[j].units)
        paired_with.update(dict.fromkeys(both, both))
    for a in res.roster.assignments:
        if a.employee in alloc.unit_of:
            assert a.unit in contract[a.employee]
            assert a.unit in paired_with[alloc.unit_of[a.employee]]


def test_warm_start_from_a_valid_roster_never_makes_it_worse():
    inst = PRESETS["small"](0)
    prof = Profile()
    first = solve(inst, prof, SolveOptions(time_limit=6, workers=2, seed=3))
    assert first.ok
    again = solve(inst, prof, SolveOptions(time_limit=4, workers=2, hint=first.roster,
                                           two_phase=True, lns_above=0))
    assert again.ok
    assert again.objective <= first.objective
    assert check_roster(inst, again.roster, prof).violations == []


def test_progress_line_reads_before_every_unit_has_a_roster():
    from api.cli import progress_line
    from scheduler.solve import Progress

    line = progress_line(Progress(3, 38, None, None, 4.0, 0.1, open_shifts=2, parts_done=3))
    assert line == "yksiköt (units) 3/38  objective –  bound –  avoimet vuorot (open shifts) 2"
    line = progress_line(Progress(1, 1, 12345678.0, float("nan"), 4.0, 0.1))
    assert line == "osa 1/1  objective 12 345 678  bound –"


def test_open_shift_lower_bound_counts_demand_nobody_can_work():
    from datetime import timedelta

    from instances.models import Absence, AbsenceKind, Demand
    from scheduler.decompose import open_shift_lower_bound
    from tests.factory import START, employee, make_instance

    demand = [Demand(unit="U1", date=START, shift="A", minimum=3),
              Demand(unit="U1", date=START, shift="I", minimum=2),
              Demand(unit="U1", date=START + timedelta(days=1), shift="A", minimum=1)]
    emps = [employee(1), employee(2), employee(3, shift_types=["A"])]
    inst = make_instance(employees=emps, demand=demand, absences=[
        Absence(employee="e2", start=START + timedelta(days=1), end=START + timedelta(days=1),
                kind=AbsenceKind.OTHER)])
    # day 0: 3 people, 5 wanted (3 can do A, 2 can do I) -> 2 open; day 1: enough people
    assert open_shift_lower_bound(inst) == {"U1": 2}


def test_first_only_stops_at_a_valid_phase_one_roster():
    inst = PRESETS["small"](1)
    prof = Profile()
    res = solve(inst, prof, SolveOptions(time_limit=5, workers=1, first_only=True,
                                         two_phase=True))
    # no phase 2 ran: the history is the phase-1 roster alone
    assert res.ok and [o for _, o, _ in res.history] == [res.objective]
    rep = check_roster(inst, res.roster, prof)
    assert rep.violations == [] and rep.objective == res.objective


def test_a_float_employee_goes_only_where_their_contract_lets_them_work_their_hours():
    from datetime import timedelta

    from instances.models import Demand, Unit
    from tests.factory import START, employee, make_instance

    units = [Unit(id="U1", name="Osasto"), Unit(id="U2", name="Kotihoito")]
    # U2 runs only evening shifts and nobody's home is there: it is short the most
    demand = ([Demand(unit="U1", date=START + timedelta(days=d), shift="A", minimum=1)
               for d in range(21)]
              + [Demand(unit="U2", date=START + timedelta(days=d), shift="I", minimum=2)
                 for d in range(21)])
    emps = [employee(1, units=["U1", "U2"], shift_types=["A"]),  # cannot work U2's shifts
            employee(2, units=["U1", "U2"]), employee(3)]
    inst = make_instance(weeks=3, employees=emps, units=units, demand=demand)
    alloc = allocate_float_pool(inst)
    assert alloc.unit_of == {"e1": "U1", "e2": "U2"}


def test_a_one_worker_unit_under_the_lns_threshold_still_improves_its_warm_start():
    """A decomposed region's unit solves with one worker; a unit with few decisions (a home-care
    team with two shift types) once went to CP-SAT's full search, which left its first roster
    untouched for the whole improvement round."""
    from scheduler.solve import LNS_ABOVE, _count_decisions

    inst = PRESETS["elderly-17"](0)
    assert _count_decisions(inst) < LNS_ABOVE
    prof = Profile()
    first = solve(inst, prof, SolveOptions(time_limit=5, workers=1, first_only=True))
    assert first.ok
    again = solve(inst, prof, SolveOptions(time_limit=6, workers=1, hint=first.roster))
    assert again.ok
    assert again.bound is None  # improved by the LNS (no bound), not CP-SAT's full search
    assert again.objective < first.objective
    assert check_roster(inst, again.roster, prof).violations == []


def test_float_pairs_are_disjoint_linked_by_a_float_and_worst_first():
    # U1–U2 and U3–U4 are linked by float employees, U5 by none; U4 carries the most per person
    parts = [PartState(units=["U1"], employees=["a", "f1"], objective=100),
             PartState(units=["U2"], employees=["b"], objective=50),
             PartState(units=["U3"], employees=["c", "f2"], objective=100),
             PartState(units=["U4"], employees=["d"], objective=400),
             PartState(units=["U5"], employees=["e"], objective=900)]
    contract = {"f1": ["U1", "U2", "U3"], "f2": ["U3", "U4"]}
    pairs = float_pairs(parts, contract, 10)
    # U3 goes with U4 (the worst load, 400 a person) first; then U1 with U2, U3 being taken
    assert pairs == [(2, 3), (0, 1)]
    # a pair larger than the cap is not formed
    assert float_pairs(parts, contract, 2) == []
    assert float_pairs(parts, {}, 10) == []


def test_a_float_round_moves_a_float_employees_hours_where_both_units_need_them():
    """Two wards, one float nurse (home U1). U2 is short the most, so the allocation gives her
    to U2, leaving U1 short; solved as one part, she works in both and fewer shifts stay open."""
    from datetime import timedelta

    from instances.models import Demand, Unit
    from scheduler.decompose import solve_decomposed
    from tests.factory import START, employee, make_instance

    units = [Unit(id="U1", name="Osasto 1"), Unit(id="U2", name="Osasto 2")]
    demand = ([Demand(unit="U1", date=START + timedelta(days=d), shift="A", minimum=1)
               for d in range(21)]
              + [Demand(unit="U2", date=START + timedelta(days=d), shift="A",
                        minimum=2 if d < 16 else 1) for d in range(21)])
    emps = [employee(1, units=["U1", "U2"]), employee(2), employee(3, units=["U2"]),
            employee(4, units=["U2"])]
    inst = make_instance(weeks=3, employees=emps, units=units, demand=demand)
    assert allocate_float_pool(inst).unit_of == {"e1": "U2"}
    prof = Profile()
    opts = SolveOptions(time_limit=10, workers=2, decompose=True, jobs=2)
    apart = solve_decomposed(inst, prof, opts)  # float rounds are off by default
    res = solve_decomposed(inst, prof, opts, pair_max=PAIR_MAX_EMPLOYEES)
    assert apart.parts == 2 and res.parts == 1  # U1 and U2 became one part
    rep = check_roster(inst, res.roster, prof)
    assert rep.violations == [], [v.message for v in rep.violations][:5]
    assert rep.objective == round(res.objective)
    assert {a.unit for a in res.roster.assignments if a.employee == "e1"} == {"U1", "U2"}
    before = check_roster(inst, apart.roster, prof).kpis["open_shifts"]
    assert rep.kpis["open_shifts"] < before


def test_a_float_employees_locked_shift_is_kept_wherever_the_allocation_sends_them():
    """The allocation sends the float nurse to U2; her shift locked in her home unit U1 (the lock
    names no unit) stays in U1, so U1 and U2 are solved together even without float rounds."""
    from datetime import timedelta

    from instances.models import Demand, LockedShift, Unit
    from scheduler.decompose import solve_decomposed
    from tests.factory import START, employee, make_instance

    units = [Unit(id="U1", name="Osasto 1"), Unit(id="U2", name="Osasto 2")]
    demand = ([Demand(unit="U1", date=START + timedelta(days=d), shift="A", minimum=1)
               for d in range(21)]
              + [Demand(unit="U2", date=START + timedelta(days=d), shift="A",
                        minimum=2 if d < 16 else 1) for d in range(21)])
    lock = LockedShift(date=START + timedelta(days=2), shift="I")
    emps = [employee(1, units=["U1", "U2"], locked=[lock]), employee(2),
            employee(3, units=["U2"]), employee(4, units=["U2"])]
    inst = make_instance(weeks=3, employees=emps, units=units, demand=demand)
    alloc = allocate_float_pool(inst)
    assert alloc.unit_of == {"e1": "U2"}
    e1 = next(e for e in allocated_instance(inst, alloc).employees if e.id == "e1")
    assert e1.units == ["U2", "U1"] and e1.locked[0].unit == "U1"
    prof = Profile()
    res = solve_decomposed(inst, prof, SolveOptions(time_limit=8, workers=2, jobs=2),
                           pair_max=0)
    assert res.ok and res.parts == 1
    rep = check_roster(inst, res.roster, prof)
    assert rep.violations == [], [v.message for v in rep.violations][:5]
    kept = [a for a in res.roster.assignments if a.employee == "e1" and a.date == lock.date]
    assert [(a.shift, a.unit) for a in kept] == [("I", "U1")]


def test_a_first_only_solve_starts_from_its_hint_and_reports_its_open_shifts():
    # a repair round hands a unit its own roster back: the open-shift search goes on from it.
    # Before, a first-only solve with a valid hint went to the full objective's LNS instead
    inst = PRESETS["small"](1)
    prof = Profile()
    first = solve(inst, prof, SolveOptions(time_limit=5, workers=1, first_only=True,
                                           two_phase=True))
    rep = check_roster(inst, first.roster, prof)
    assert first.open_shifts == rep.kpis["open_shifts"]
    assert rep.kpis["open_shifts"] == 0  # so the search has nothing to do from this start
    again = solve(inst, prof, SolveOptions(time_limit=5, workers=1, first_only=True,
                                           two_phase=True, hint=first.roster, seed=7))
    key = sorted((a.employee, a.date, a.shift, a.unit) for a in first.roster.assignments)
    assert sorted((a.employee, a.date, a.shift, a.unit)
                  for a in again.roster.assignments) == key
    assert again.open_shifts == 0 and again.objective == first.objective


def test_units_left_with_open_shifts_after_round_one_get_a_repair_round(monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import scheduler.decompose as dec
    import scheduler.lns as lns

    calls: list[tuple[bool, bool, float]] = []  # (first_only, hinted, limit) per unit solve
    solve_part = dec._solve_part
    where = threading.local()
    improve = lns.improve

    def spy(payload):
        calls.append((payload[6], payload[5] is not None, payload[2]))
        where.round1 = payload[6] and payload[5] is None
        return solve_part(payload)

    def no_search_in_round1(ctx, start, *args, **kwargs):
        # round 1's open-shift search stands still (a slice too short for it): its units keep
        # their first rosters' open shifts, whatever the machine's speed (on a quiet machine
        # 0.2-s slices once reached 0 open shifts, and the test's premise failed)
        if getattr(where, "round1", False):
            return start, 0, lns.LnsStats()
        return improve(ctx, start, *args, **kwargs)

    # in-process, so the spy sees every unit solve; round 1 with slices too short for the
    # open-shift search, no improvement round after the repair
    monkeypatch.setattr(dec, "ProcessPoolExecutor", ThreadPoolExecutor)
    monkeypatch.setattr(dec, "_solve_part", spy)
    monkeypatch.setattr(lns, "improve", no_search_in_round1)
    monkeypatch.setattr(dec, "FIRST_MIN_S", 0.2)
    monkeypatch.setattr(dec, "FIRST_PER_EMPLOYEE_S", 0.0)
    monkeypatch.setattr(dec, "REPAIR_SHARE", 1.0)
    inst = PRESETS["mixed"](0)
    prof = Profile()
    seen = []
    res = dec.solve_decomposed(inst, prof, SolveOptions(time_limit=24, workers=2, seed=1),
                               seen.append, jobs=2, first_share=0.0)
    n_units = len(inst.units)
    round1 = calls[:n_units]
    assert all(first and not hinted for first, hinted, _ in round1)
    after_round1 = next(p for p in seen if p.parts_done == n_units)
    lb = sum(res.open_shift_lower_bound.values())
    assert after_round1.open_shifts > lb  # the premise: round 1 left open shifts
    repair = [c for c in calls[n_units:] if c[0]]
    assert repair and all(hinted for _, hinted, _ in repair)
    rep = check_roster(inst, res.roster, prof)
    assert rep.violations == []
    assert rep.kpis["open_shifts"] < after_round1.open_shifts
