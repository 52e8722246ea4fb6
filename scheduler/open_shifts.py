"""Open shifts that no roster can avoid: a proven floor under the open-shift search.

Phase 1 (hard rules, open shifts minimised) used to aim at zero open shifts, so on a unit where
the staff on duty cannot meet the minimum — Easter inside the period, a holiday season — it ran
its whole share of the budget long after it had reached the best it could. The floor below is
exact arithmetic on who could work at all, so a phase-1 roster that reaches it is proven optimal
for that phase, and the search stops there (`phase1_target`).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.common import qualified
from constraints.staffing import substitute_cents
from instances.calendar import max_minutes, target_minutes
from instances.models import Instance, Profile

Slot = tuple[str, int]  # unit, day index


def unavoidable_open_shifts(instance: Instance) -> dict[Slot, tuple[dict[str, int], int]]:
    """Per unit and day with a shortage: (open shifts each shift type must have, open shifts the
    day must have over all its shifts).

    A shift's floor: each competence row's minimum against the people who could work it (the
    unit is theirs, float pool included; the contract allows the shift; not absent; they hold the
    competence), and the shift's any-staff row against everyone who could work it. A substitute
    hired for a competence row also counts toward the any-staff row (constraints/staffing.py), so
    the shift needs the larger of the two, not their sum. The day's floor: the any-staff minima
    of all its shifts against the people who could work any of them, one shift a day each. A
    valid lower bound, not the optimum: it ignores rest, hours and runs.
    """
    absent = instance.absent_days
    all_shifts = [s.id for s in instance.shift_types]
    by_day: dict[Slot, list] = defaultdict(list)
    for dm in instance.demand:
        by_day[(dm.unit, instance.day_index(dm.date))].append(dm)
    out: dict[Slot, tuple[dict[str, int], int]] = {}
    for (unit, d), dms in by_day.items():
        people = [e for e in instance.employees if unit in e.units and d not in absent[e.id]]
        allowed = [set(e.shift_types if e.shift_types is not None else all_shifts)
                   for e in people]
        per_shift: dict[str, int] = defaultdict(int)
        generic: dict[str, int] = defaultdict(int)
        for dm in dms:
            able = sum(1 for e, a in zip(people, allowed, strict=True)
                       if dm.shift in a and qualified(e, dm.competence))
            short = max(0, dm.minimum - able)
            if dm.competence is None:
                generic[dm.shift] = max(generic[dm.shift], short)
                continue
            per_shift[dm.shift] += short
        shifts = {dm.shift for dm in dms}
        floor = {s: max(per_shift[s], generic[s]) for s in shifts}
        wanted = {dm.shift for dm in dms if dm.competence is None}
        any_shift = sum(1 for a in allowed if a & wanted)
        need = sum(dm.minimum for dm in dms if dm.competence is None)
        total = max(sum(floor.values()), need - any_shift)
        if total:
            out[(unit, d)] = ({s: n for s, n in floor.items() if n}, total)
    return out


def open_shift_lower_bound(instance: Instance) -> dict[str, int]:
    """Per unit, open shifts that no roster can avoid (`unavoidable_open_shifts`, summed)."""
    lb: dict[str, int] = {u.id: 0 for u in instance.units}
    for (unit, _d), (_floor, total) in unavoidable_open_shifts(instance).items():
        lb[unit] = lb.get(unit, 0) + total
    return lb


def phase1_target(instance: Instance, profile: Profile) -> int:
    """The least that the open-shift terms of any roster cost in the objective (per open shift:
    its weight plus the substitute's cost of that shift), from `unavoidable_open_shifts`. Where
    the day's floor exceeds its shifts' floors, the extra open shifts are priced at the day's
    cheapest shift. Every other term of phase 1's objective is ≥ 0, so no roster scores below."""
    def price(shift: str) -> int:
        return profile.open_shift + profile.cost_cent * substitute_cents(instance, shift)

    day_shifts: dict[Slot, set[str]] = defaultdict(set)
    for dm in instance.demand:
        day_shifts[(dm.unit, instance.day_index(dm.date))].add(dm.shift)
    by_days = 0
    for slot, (floor, total) in unavoidable_open_shifts(instance).items():
        by_days += sum(n * price(s) for s, n in floor.items())
        extra = total - sum(floor.values())
        if extra > 0:
            by_days += extra * min(price(s) for s in day_shifts[slot])
    return max(by_days, _hours_floor(instance, price))


def _hours_floor(instance: Instance, price) -> int:
    """The period's minimum demand in minutes against what the staff may plan at most (target
    + tolerance, under the period maximum: the hard period-hours rule): minutes that only
    substitutes can cover, priced at the cheapest price per minute of a shift in demand. Easter
    in the period lowers everyone's target; the demand stays."""
    if instance.rules.catalogue != "finnish":
        return 0
    minutes = {s.id: s.minutes for s in instance.shift_types}
    need = sum(dm.minimum * minutes[dm.shift] for dm in instance.demand
               if dm.competence is None)
    cap, tol = max_minutes(instance), instance.rules.hours_tolerance_min
    can = sum(min(cap, target_minutes(instance, e) + tol) for e in instance.employees)
    short = need - can
    shifts = {dm.shift for dm in instance.demand if dm.competence is None}
    if short <= 0 or not shifts:
        return 0
    return int(short * min(price(s) / minutes[s] for s in shifts))
