"""Small shared definitions several rules use (rest between shifts, qualifications, who)."""

from __future__ import annotations

from instances.models import Employee, Instance, ShiftType


def rest_minutes(first: ShiftType, second: ShiftType, days_apart: int = 1) -> int:
    """Rest from the end of `first` to the start of `second` begun `days_apart` days later."""
    return days_apart * 24 * 60 + second.start_min - first.end_min


def qualified(emp: Employee, competence: str | None) -> bool:
    return competence is None or competence in emp.competences


def who(emp: Employee) -> str:
    return emp.name or emp.id


def home_unit_allows_short_rest(inst: Instance, emp: Employee) -> bool:
    u = inst.unit_by_id.get(emp.home_unit)
    return bool(u and u.short_rest_allowed)
