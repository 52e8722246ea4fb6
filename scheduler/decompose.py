"""A region in parts: float pool to units, units solved in parallel processes, then improved.

One CP-SAT model of 1000 employees does not find a first roster in 90 s on 2 cores, but every rule
is local to an employee or a unit. So the float pool (varahenkilöstö) is first allocated, each
float employee to the one unit that needs their hours most; the units are then independent and
are solved in parallel processes, each with its share of the time budget. On request, pairs of
units that a float employee links then become one part (float_pairs), so that employee's hours
may move between the two units during the period. Parts that round 1's slice left with more open
shifts than provably unavoidable then get repair rounds: the same open-shift search, from their
own roster, until none is left. The remaining time goes to improvement rounds
that re-solve each part from its own roster (warm start), the parts with the largest objective
first. Every roster handed back is a union of valid part rosters, so it meets every hard rule,
and the best one so far is always at hand.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from constraints.checker import check_roster
from instances.calendar import target_minutes
from instances.models import Assignment, Instance, Profile, Roster
from scheduler.open_shifts import open_shift_lower_bound

# A unit's first roster: its hard model built (~0.2 s for 35 people), CP-SAT's first solution
# (0.3–0.6 s with one worker, no presolve), then LNS on the open shifts; less than this per unit
# leaves the LNS no rounds.
FIRST_MIN_S = 1.5
# Round 1's wall time per employee and process: region-1000 on 2 cores got from 5434 open shifts
# (1.5 s a unit) to 16–33 (2.4 s a unit, 45 s in all) at a 60-s budget; units that reach zero
# open shifts stop early, so this costs little where the units are easy.
FIRST_PER_EMPLOYEE_S = 0.09


@dataclass
class PartState:
    units: list[str]
    employees: list[str]
    status: str = "UNKNOWN"
    objective: float | None = None
    bound: float | None = None
    roster: list[dict] | None = None
    open_shifts: int | None = None


@dataclass
class FloatAllocation:
    """Which unit each float-pool employee serves this period, and why (minutes short before)."""

    unit_of: dict[str, str]
    shortfall_before: dict[str, int]  # unit -> demand minutes the home staff cannot cover
    shortfall_after: dict[str, int]


def unit_shortfall(instance: Instance) -> dict[str, int]:
    """Minimum-demand minutes minus the home staff's target minutes, per unit (≥ 0 = short).

    Only employees who work in that unit alone count as home staff; the float pool is what is
    being allocated.
    """
    minutes = {s.id: s.minutes for s in instance.shift_types}
    need: dict[str, int] = {u.id: 0 for u in instance.units}
    for dm in instance.demand:
        if dm.competence is None:
            need[dm.unit] += dm.minimum * minutes[dm.shift]
    for emp in instance.employees:
        if len(emp.units) == 1:
            need[emp.home_unit] -= target_minutes(instance, emp)
    return need


def _can_fill_hours(instance: Instance, emp, unit: str, by_day: dict) -> bool:
    """Could the employee reach their target hours in this unit alone (shift types the unit runs
    that their contract allows, on days they are not absent)? A ward nurse whose contract has none
    of a home-care team's shifts cannot, and the ± 8 h band would make the unit infeasible."""
    allowed = set(emp.shift_types) if emp.shift_types is not None else None
    absent = instance.absent_days[emp.id]
    best = 0
    for d, shifts in by_day.get(unit, {}).items():
        if d in absent:
            continue
        best += max((m for s, m in shifts.items() if allowed is None or s in allowed), default=0)
    return best >= target_minutes(instance, emp)


def allocate_float_pool(instance: Instance) -> FloatAllocation:
    """Greedy: the float employee with the most hours first, to their unit short the most
    among the units where they can work their hours (the home unit at least)."""
    short = unit_shortfall(instance)
    before = dict(short)
    minutes = {s.id: s.minutes for s in instance.shift_types}
    by_day: dict[str, dict[int, dict[str, int]]] = {}
    for dm in instance.demand:
        by_day.setdefault(dm.unit, {}).setdefault(instance.day_index(dm.date), {})[dm.shift] = \
            minutes[dm.shift]
    floats = [e for e in instance.employees if len(e.units) > 1]
    floats.sort(key=lambda e: (-target_minutes(instance, e), e.id))
    unit_of: dict[str, str] = {}
    for emp in floats:
        fits = [u for u in emp.units
                if u == emp.home_unit or _can_fill_hours(instance, emp, u, by_day)]
        best = max(fits, key=lambda u: (short[u], u == emp.home_unit, u))
        unit_of[emp.id] = best
        short[best] -= target_minutes(instance, emp)
    return FloatAllocation(unit_of=unit_of, shortfall_before=before, shortfall_after=short)


def allocated_instance(instance: Instance, alloc: FloatAllocation) -> Instance:
    """The same instance with each float employee in their allocated unit only."""
    data = instance.model_dump()
    for i, emp in enumerate(data["employees"]):
        unit = alloc.unit_of.get(emp["id"])
        if unit is not None:
            data["employees"][i] = restricted_employee(emp, [unit])
    data["public_holidays"] = sorted(instance.holiday_set)
    return Instance.model_validate(data)


def restricted_employee(emp: dict, units: list[str]) -> dict:
    """An employee's data (`Employee.model_dump()`) working only in `units`, the first their
    home for this solve, and in the units of their locked shifts: a planner's lock is never
    dropped, and a lock in the home unit stays there (it names no unit) when the home changes."""
    locked = [{**lk, "unit": lk.get("unit") or emp["units"][0]} for lk in emp.get("locked", [])]
    keep = list(dict.fromkeys([*units, *(lk["unit"] for lk in locked)]))
    return {**emp, "units": keep, "locked": locked}


def float_pairs(parts: list[PartState], contract_units: dict[str, list[str]],
                max_employees: int) -> list[tuple[int, int]]:
    """Disjoint pairs of parts linked by a float-pool employee (their contract allows a unit of
    the other part), the pair with the highest objective per employee first.

    Solved as one, the pair lets that employee's hours move between the two units during the
    period (a week here, a week there), where the allocation gave all of them to one unit.
    """
    part_of = {u: i for i, p in enumerate(parts) for u in p.units}
    pairs: set[tuple[int, int]] = set()
    for i, p in enumerate(parts):
        for emp in p.employees:
            for u in contract_units.get(emp, []):
                j = part_of.get(u, i)
                if j != i and len(p.employees) + len(parts[j].employees) <= max_employees:
                    pairs.add((min(i, j), max(i, j)))

    def load(i: int) -> float:
        return (parts[i].objective or 0.0) / max(1, len(parts[i].employees))

    used: set[int] = set()
    out = []
    for i, j in sorted(pairs, key=lambda ij: (-max(load(ij[0]), load(ij[1])), ij)):
        if i not in used and j not in used:
            used |= {i, j}
            out.append((i, j))
    return out


def merge_float_pairs(instance: Instance, alloc: FloatAllocation, parts: list[PartState],
                      data: dict, pair_max: int) -> list[PartState]:
    """The parts with each of `float_pairs` made one, its roster the union of the two (valid
    in the pair as well); `data` (the allocated instance's, JSON mode) then lets those float
    employees work in both units, their allocated unit staying their home."""
    contract = {e.id: list(e.units) for e in instance.employees if len(e.units) > 1}
    orig = {e["id"]: e for e in instance.model_dump(mode="json")["employees"]}
    row = {e["id"]: k for k, e in enumerate(data["employees"])}
    pairs = float_pairs(parts, contract, pair_max)
    paired = {k for ij in pairs for k in ij}
    merged = []
    for i, j in pairs:
        a, b = parts[i], parts[j]
        m = PartState(units=a.units + b.units, employees=a.employees + b.employees,
                      status="FEASIBLE", objective=(a.objective or 0) + (b.objective or 0),
                      roster=[*(a.roster or []), *(b.roster or [])],
                      open_shifts=(a.open_shifts or 0) + (b.open_shifts or 0))
        for emp in m.employees:
            if emp in contract:
                home = alloc.unit_of[emp]
                others = [u for u in contract[emp] if u in m.units and u != home]
                data["employees"][row[emp]] = restricted_employee(orig[emp], [home, *others])
        merged.append(m)
    return merged + [p for k, p in enumerate(parts) if k not in paired]


# Float rounds (SolveOptions.float_pairs): parts linked by a float-pool employee solved as one,
# up to this many employees. Off by default: region-300, 180 s, 2 cores, seed 0, every unit went
# into a pair of 38–60 people, and the larger models' slower LNS rounds cost more than the float
# freedom bought (objective 170.2 M, penalties 19.3 M, wishes 71.2 % against 165.5 M, 15.1 M,
# 78.8 % without; benchmarks/README.md).
PAIR_MAX_EMPLOYEES = 80

# An improvement round does not start a unit with less time than this before the deadline: its
# full model alone takes ~2 s to build in Python for 35 people.
IMPROVE_MIN_S = 4.0
# The checker on the assembled region, after the last round: 4.8 s for a full region-1000 roster
# on the 2-core machine (9.5 s before its cell lookups became set lookups; it was budgeted at
# 3 s then, and region-1000 at 60 s ran 12 s over).
CHECK_S_PER_EMPLOYEE = 0.008
# Repair rounds (open shifts above the lower bound after round 1): at most this many, each with
# this much wall time per employee of the short parts and process, and at most this share of
# what is left; a part stops as soon as its open shifts are gone.
REPAIR_ROUNDS = 2
REPAIR_PER_EMPLOYEE_S = 0.3
REPAIR_SHARE = 0.8


def _solve_part(payload: tuple[dict, dict, float, int, int, list[dict] | None, bool, float]
                ) -> dict:
    """Runs in a worker process: one unit's roster (plain data in and out, for pickling).

    `deadline` is wall-clock (time.time(), shared by the processes): a unit that starts late in
    an improvement round gets only what is left, or is skipped, so the round ends on time.
    """
    from scheduler.solve import SolveOptions, solve

    inst_data, prof_data, limit, workers, seed, hint, first_only, deadline = payload
    left = deadline - time.time()
    if not first_only:
        if left < IMPROVE_MIN_S:
            return {"status": "SKIPPED", "objective": None, "bound": None, "open_shifts": None,
                    "roster": None}
        limit = min(limit, left)
    else:  # every part gets a roster, late ones quickly, so the round ends near its deadline
        limit = max(FIRST_MIN_S, min(limit, left))
    inst = Instance.model_validate(inst_data)
    prof = Profile.model_validate(prof_data)
    opts = SolveOptions(time_limit=limit, workers=workers, seed=seed, first_only=first_only,
                        hint=Roster.model_validate({"assignments": hint}) if hint else None)
    res = solve(inst, prof, opts)
    open_shifts = res.open_shifts
    if res.roster is not None and open_shifts is None:
        open_shifts = check_roster(inst, res.roster, prof).kpis.get("open_shifts")
    return {"status": res.status, "objective": res.objective, "bound": res.bound,
            "open_shifts": open_shifts,
            "roster": None if res.roster is None else res.roster.model_dump(mode="json")
            ["assignments"]}


def available_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def solve_decomposed(instance: Instance, profile: Profile, options, progress=None,
                     *, jobs: int | None = None, first_share: float = 0.3,
                     pair_max: int | None = None):
    """Float pool → units → parallel unit solves → improvement rounds; a SolveResult.

    `pair_max`: float rounds' largest pair (None: `options.float_pairs`; 0: none)."""
    from scheduler.model import components, sub_data
    from scheduler.solve import Progress, SolveResult

    t0 = time.monotonic()
    alloc = allocate_float_pool(instance)
    flat = allocated_instance(instance, alloc) if alloc.unit_of else instance
    parts = [PartState(units=u, employees=e) for u, e in components(flat)]
    # as many processes as the cores asked for (`workers`) and the machine has: on a 16-core
    # machine a 2-worker solve used to start a process per core
    jobs = max(1, min(jobs or min(available_cores(), max(1, options.workers)), len(parts)))
    workers = max(1, options.workers // jobs)
    sizes = [max(1, len(p.employees)) for p in parts]
    data, holidays = flat.model_dump(mode="json"), sorted(flat.holiday_set)
    subs = [sub_data(data, holidays, p.units, p.employees) for p in parts]
    prof = profile.model_dump(mode="json")
    history: list[tuple[float, float, float]] = []
    hint_all: dict[str, list[dict]] = defaultdict(list)  # employee -> rows of the warm start
    for a in options.hint.assignments if options.hint else []:
        hint_all[a.employee].append(a.model_dump(mode="json"))

    n_units = len(flat.units)

    def report(done: int) -> None:
        """`done`: units whose part finished in this round (progress is told in units, which
        the planner knows, not in parts)."""
        objs = [p.objective for p in parts if p.objective is not None]
        el = time.monotonic() - t0
        total = sum(objs) if objs else None
        if total is not None and len(objs) == len(parts):
            history.append((el, total, float("nan")))
        if progress:
            roster = None
            if options.keep_best and len(objs) == len(parts):
                rows = [a for p in parts for a in p.roster or []]

                def roster() -> Roster:
                    return Roster.model_validate({"assignments": rows})
            progress(Progress(done, n_units, total, None, el,
                              min(1.0, el / max(options.time_limit, 1e-9)),
                              open_shifts=sum(p.open_shifts or 0 for p in parts),
                              parts_done=sum(len(p.units) for p in parts
                                             if p.objective is not None), roster=roster))

    def run_round(budget: float, order: list[int], warm: bool, seed: int,
                  first_only: bool = False) -> None:
        # each process gets an equal share of the wall time; parts share it by size
        per_job = budget * jobs / max(1, sum(sizes[i] for i in order))
        deadline = time.time() + budget
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {}
            for i in order:
                p = parts[i]
                if warm and p.roster:
                    hint = p.roster
                else:
                    hint = [row for emp in p.employees for row in hint_all.get(emp, [])] or None
                limit = max(FIRST_MIN_S if first_only else 2.0, per_job * sizes[i])
                futures[pool.submit(_solve_part, (subs[i], prof, limit, workers, seed, hint,
                                                  first_only, deadline))] = i
            units_done = 0
            for fut in as_completed(futures):
                if warm and not first_only and options.stop and options.stop():
                    for f in futures:  # cancelled: improvement units not yet started are dropped
                        f.cancel()
                i = futures[fut]
                if fut.cancelled():
                    continue
                got = fut.result()
                p = parts[i]
                better = got["roster"] is not None and (
                    p.objective is None or (got["objective"] or 0) < p.objective)
                if better:
                    p.status, p.objective, p.bound, p.roster, p.open_shifts = (
                        got["status"], got["objective"], got["bound"], got["roster"],
                        got["open_shifts"])
                elif p.roster is None:
                    p.status = got["status"]
                units_done += len(p.units)
                report(units_done)

    # round 1: every unit's first valid roster (phase 1 only: hard rules, open shifts
    # minimised), so a complete region roster exists as early as possible
    # round 1 stops a unit early once it has no open shift left, so a generous share costs
    # little where the units are easy and buys open shifts where they are not
    t = options.time_limit
    n = len(flat.employees)
    first = min(0.6 * t, max(first_share * t, FIRST_PER_EMPLOYEE_S * n / jobs)) \
        if len(parts) > 1 else t
    run_round(first, list(range(len(parts))), warm=False, seed=options.seed, first_only=True)
    pair_max = options.float_pairs if pair_max is None else pair_max
    if pair_max and all(p.roster is not None for p in parts):
        # float rounds: parts linked by a float-pool employee become one, so the improvement
        # rounds below may move that employee's hours between the two units
        parts[:] = merge_float_pairs(instance, alloc, parts, data, pair_max)
        sizes[:] = [max(1, len(p.employees)) for p in parts]
        subs[:] = [sub_data(data, holidays, p.units, p.employees) for p in parts]
    rounds = 0
    # the region's roster assembled and checked after the last round
    finish_s = 1.0 + CHECK_S_PER_EMPLOYEE * len(instance.employees)
    # repair rounds: parts that round 1's slice left with open shifts above what provably
    # cannot be met get the open-shift search again from their roster, before any time goes
    # to the soft terms (region-1000 at 60 s: two 24-hour units had 13 open shifts when their
    # 2.7-s slices ran out; alone, one needs about 5 s to reach 0)
    unavoidable = open_shift_lower_bound(flat)
    for repair in range(REPAIR_ROUNDS):
        short = [i for i, p in enumerate(parts) if p.roster is not None
                 and (p.open_shifts or 0) > sum(unavoidable.get(u, 0) for u in p.units)]
        left = options.time_limit - (time.monotonic() - t0)
        if not short or left < finish_s + IMPROVE_MIN_S or (options.stop and options.stop()):
            break
        want = REPAIR_PER_EMPLOYEE_S * sum(sizes[i] for i in short) / jobs
        run_round(min(REPAIR_SHARE * (left - finish_s), max(want, IMPROVE_MIN_S)),
                  sorted(short, key=lambda i: -(parts[i].open_shifts or 0)), warm=True,
                  seed=options.seed + 1000 + repair, first_only=True)
    while True:
        left = options.time_limit - (time.monotonic() - t0)
        missing = [i for i, p in enumerate(parts) if p.roster is None]
        if left < finish_s + IMPROVE_MIN_S and not (missing and rounds < 3):
            break
        if options.stop and options.stop() and not missing:
            break
        rounds += 1
        # parts without a roster first, with all the time; then the worst parts first: most of
        # the objective to win back
        order = missing or sorted(range(len(parts)), key=lambda i: -(parts[i].objective or 0))
        run_round(max(left - finish_s, 10.0 * len(missing) / jobs), order, warm=True,
                  seed=options.seed + rounds, first_only=bool(missing))

    if any(p.roster is None for p in parts):
        bad = next(p for p in parts if p.roster is None)
        return SolveResult(status=bad.status, roster=None, objective=None, bound=None,
                           wall_time=time.monotonic() - t0, parts=len(parts), history=history,
                           explanation=[f"units {', '.join(bad.units)}: no roster "
                                        f"({bad.status})"])
    assignments = [Assignment.model_validate(a) for p in parts for a in p.roster or []]
    roster = Roster(assignments=assignments)
    # The parts optimise with each float employee inside the allocated unit, where fairness
    # compares them with that unit's staff; the region's own rules compare them in their home
    # unit. The objective reported is the checker's on the region, so it is the truth; the
    # parts' sum (and their bound) can differ from it by that fairness term alone.
    objective = check_roster(instance, roster, profile).objective
    status = "FEASIBLE"
    return SolveResult(status=status, roster=roster, objective=objective, bound=None,
                       open_shift_lower_bound=open_shift_lower_bound(instance),
                       wall_time=time.monotonic() - t0, parts=len(parts), history=history)

