"""Soft — fairness: burdensome shifts and unfulfilled wishes spread evenly relative to FTE.

Per unit (employees grouped by home unit) and per category — nights (Y), evenings (I), weekend
days worked (a shift starting on Saturday or Sunday), public-holiday shifts (starting on a public
holiday) and unfulfilled wishes — each employee's load is `count × round(100 / part_time)`, so a
60 % part-timer's 3 nights weigh like a full-timer's 5. Unfulfilled wishes are weighted by
(4 − priority) and not scaled by FTE (a wish is a wish). The penalty is the load of the WORST
employee of the unit (min-max, not only the sum), weighted by `Profile.fairness`.

Only employees who could get a shift of the category at all are compared (for nights: the
contract allows a night type and a night shift runs in one of their units on a day they are not
absent; for wishes: they made a wish); a unit/category with fewer than two of them is skipped.
Eligibility is read from the instance, never from the roster, so the solver and the checker
compare the same people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from constraints.base import Builder, CheckResult, Expr, Msg, Rule
from constraints.common import who
from constraints.evaluate import check_with
from constraints.wishes import fulfilled
from instances.models import (
    Employee,
    Instance,
    Profile,
    Roster,
    ShiftCategory,
    ShiftType,
    Wish,
)

RULE_ID = "fairness"

# Metric key -> message wording.
CATEGORIES: dict[str, str] = {
    "nights": "most nights relative to FTE",
    "evenings": "most evening shifts relative to FTE",
    "weekends": "most weekend days worked relative to FTE",
    "holidays": "most public-holiday shifts relative to FTE",
    "unfulfilled_wishes": "most unfulfilled wishes (weighted by priority)",
}


def fte_factor(emp: Employee) -> int:
    """Integer scale of one shift for this employee: 100 for full time, 125 for 80 %."""
    return round(100 / emp.part_time)


def _possible(inst: Instance) -> Callable[[Employee], set[tuple[int, str]]]:
    """(day, shift) pairs an employee could work at all, from demand, contract, absences, locks
    — mirrors where the model has variables."""
    runs: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for dm in inst.demand:
        runs[dm.unit].add((inst.day_index(dm.date), dm.shift))

    def of(emp: Employee) -> set[tuple[int, str]]:
        allowed = set(emp.shift_types) if emp.shift_types is not None else set(inst.shift_by_id)
        absent = inst.absent_days[emp.id]
        out = {(d, s) for u in emp.units for d, s in runs.get(u, ())
               if s in allowed and d not in absent}
        out |= {(inst.day_index(lk.date), lk.shift) for lk in emp.locked}
        return out

    return of


@dataclass(frozen=True)
class _Category:
    count: Callable[[int], Expr]  # employee index -> raw (weighted) count, roster-dependent
    eligible: Callable[[int], bool]  # from instance data only
    most: Callable[[int], int]  # upper bound of count
    per_fte: bool


def _categories(b: Builder) -> dict[str, _Category]:
    inst = b.instance
    possible_of = _possible(inst)
    possible = {e: possible_of(emp) for e, emp in enumerate(b.employees)}
    idx = {emp.id: e for e, emp in enumerate(b.employees)}
    wishes_of: dict[int, list[Wish]] = defaultdict(list)
    for w in inst.wishes:
        if w.employee in idx and inst.start <= w.date <= inst.end:
            wishes_of[idx[w.employee]].append(w)

    def by_shift(pred: Callable[[ShiftType], bool]) -> _Category:
        types = [s.id for s in inst.shift_types if pred(s)]
        chosen = set(types)
        return _Category(
            count=lambda e: sum(b.shift(e, d, s) for d in range(b.n_days) for s in types),
            eligible=lambda e: any(s in chosen for _, s in possible[e]),
            most=lambda e: b.n_days * len(types), per_fte=True)

    def by_day(pred: Callable[[date], bool]) -> _Category:
        ds = [d for d, day in enumerate(inst.days) if pred(day)]
        chosen = set(ds)
        return _Category(count=lambda e: sum(b.on(e, d) for d in ds),
                         eligible=lambda e: any(d in chosen for d, _ in possible[e]),
                         most=lambda e: len(ds), per_fte=True)

    def unfulfilled(e: int) -> Expr:
        return sum((4 - w.priority)
                   * b.not_(fulfilled(b, e, inst.day_index(w.date), w.kind, w.shift))
                   for w in wishes_of[e])

    return {
        "nights": by_shift(lambda s: s.is_night),
        "evenings": by_shift(lambda s: s.category == ShiftCategory.EVENING),
        "weekends": by_day(lambda day: day.weekday() >= 5),
        "holidays": by_day(lambda day: day in inst.holiday_set),
        "unfulfilled_wishes": _Category(count=unfulfilled, eligible=lambda e: bool(wishes_of[e]),
                                        most=lambda e: 3 * len(wishes_of[e]), per_fte=False),
    }


def apply(b: Builder) -> None:
    inst = b.instance
    groups: dict[str, list[int]] = defaultdict(list)
    for e, emp in enumerate(b.employees):
        groups[emp.home_unit].append(e)

    metric: dict[str, dict[str, dict[str, float]]] = {}
    for cat, spec in _categories(b).items():
        for unit, members in sorted(groups.items()):
            elig = [e for e in members if spec.eligible(e)]
            if len(elig) < 2:
                continue
            scale = {e: fte_factor(b.employees[e]) if spec.per_fte else 100 for e in elig}
            loads = [spec.count(e) * scale[e] for e in elig]
            worst = b.max_(loads, ub=max(spec.most(e) * scale[e] for e in elig))
            name = inst.unit_by_id[unit].name if unit in inst.unit_by_id else unit
            kw: dict = {"unit": name, "what": CATEGORIES[cat], "who": "", "hi": 0.0, "lo": 0.0}
            worst_e = None
            if b.is_eval:
                vals = [b.value(x) for x in loads]
                hi, lo = max(vals), min(vals)
                worst_e = elig[vals.index(hi)]
                kw.update(who=who(b.employees[worst_e]), hi=hi / 100, lo=lo / 100)
                metric.setdefault(cat, {})[unit] = {"max": hi / 100, "min": lo / 100,
                                                    "spread": (hi - lo) / 100}
            b.penalty(RULE_ID, "fairness", worst,
                      Msg("{unit}: {what}: {who} {hi:.1f} (unit range {lo:.1f}–{hi:.1f})", **kw),
                      e=worst_e)
    b.metric("fairness", metric)


RULE = Rule(RULE_ID, "Tasapuolisuus: yöt, illat, viikonloput, pyhät, toiveet (fairness)", "soft",
            "DESIGN §3 fairness", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
