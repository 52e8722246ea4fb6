"""Finnish calendar facts the rules need: public holidays, the three eves, target hours."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import holidays

if TYPE_CHECKING:
    from instances.models import Employee, Instance

# Eves with the 100 % allowance 00–18 (SOTE): Christmas Eve, Midsummer Eve, Holy Saturday.
_EVE_NAMES = ("Christmas Eve", "Midsummer Eve")


def public_holidays(start: date, end: date) -> list[date]:
    """Finnish public holidays in [start, end), from the `holidays` package."""
    years = list(range(start.year, end.year + 1))
    fi = holidays.Finland(years=years, language="en_US")
    return sorted(d for d in fi if start <= d < end)


def special_eves(start: date, end: date) -> list[date]:
    """Christmas Eve, Midsummer Eve and Holy Saturday in [start, end)."""
    years = list(range(start.year, end.year + 1))
    fi = holidays.Finland(years=years, language="en_US")
    out = {d for d, name in fi.items() if any(n in name for n in _EVE_NAMES)}
    out |= {d - timedelta(days=1) for d, name in fi.items() if name == "Easter Sunday"}
    return sorted(d for d in out if start <= d < end)


def target_minutes(instance: Instance, employee: Employee) -> int:
    """Planned-hours target for the period (DESIGN §3 hard 6).

    114 h 45 min per 3 weeks × part-time %, minus 7 h 39 min × part-time % for every weekday
    public holiday and every weekday absence day (arkipyhälyhennys, poissaolo). Night workers of a
    unit in the night-work trial have 108 h per 3 weeks.
    """
    rules = instance.rules
    unit = instance.unit_by_id.get(employee.home_unit)
    base = rules.target_minutes_per_3_weeks
    if unit is not None and unit.night_work_trial and employee.night_worker:
        base = rules.night_trial_target_minutes_per_3_weeks
    full = base * instance.n_days / 21
    absent = instance.absent_days[employee.id]
    reductions = 0
    for i, d in enumerate(instance.days):
        if d.weekday() < 5 and (d in instance.holiday_set or i in absent):
            reductions += 1
    return max(0, round((full - reductions * rules.holiday_reduction_min) * employee.part_time))


def max_minutes(instance: Instance) -> int:
    """Upper limit of planned minutes in the period (120 h per 3 weeks, scaled)."""
    return round(instance.rules.max_minutes_per_3_weeks * instance.n_days / 21)
