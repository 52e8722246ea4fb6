"""Repair a published roster after new absences: every hard rule kept, as few changes as possible.

A nurse calls in sick for three days: the unit manager needs the shifts covered by the float pool
or by colleagues, not a new roster. The repaired instance is the published one plus the new
absences, with the published roster as the continuity reference; the profile is the unit's own
with a change costing more than anything but an open shift (`CHANGE_WEIGHT`), so the solver
moves as few assignments as it can and prefers an open shift to a cascade of changes only where
an open shift is cheaper. Assignments before `keep_until` (already worked) are locked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from constraints.checker import check_roster
from instances.models import Absence, Assignment, Instance, Profile, Roster
from scheduler.solve import SolveOptions, SolveResult, solve
from scheduler.variants import diff

# per changed assignment: above every ergonomic or wish term, below an open shift (1 000 000)
CHANGE_WEIGHT = 200_000


@dataclass
class RepairResult:
    status: str
    roster: Roster | None
    instance: Instance
    changes: list[dict[str, Any]] = field(default_factory=list)  # employee, date, before, after
    affected: list[str] = field(default_factory=list)  # employee ids whose roster changed
    open_shifts_before: int = 0  # the published roster on the new absences, uncovered
    open_shifts_after: int | None = None
    hard_violations: int | None = None
    explanation: list[str] = field(default_factory=list)


def repaired_instance(instance: Instance, published: Roster, absences: list[Absence],
                      keep_until: date | None = None) -> Instance:
    """The instance with the new absences, the published roster as reference, and the shifts
    before `keep_until` locked."""
    data = instance.model_dump(mode="json")
    data["absences"] = [*data["absences"], *(a.model_dump(mode="json") for a in absences)]
    data["reference_roster"] = [a.model_dump(mode="json") for a in published.assignments]
    if keep_until is not None:
        by_emp: dict[str, list[dict]] = {}
        for a in published.assignments:
            if a.date < keep_until:
                by_emp.setdefault(a.employee, []).append(
                    {"date": a.date.isoformat(), "shift": a.shift, "unit": a.unit})
        for emp in data["employees"]:
            emp["locked"] = [*emp.get("locked", []), *by_emp.get(emp["id"], [])]
    return Instance.model_validate(data)


def repair(instance: Instance, published: Roster, absences: list[Absence], profile: Profile,
           options: SolveOptions, *, keep_until: date | None = None) -> RepairResult:
    inst = repaired_instance(instance, published, absences, keep_until)
    prof = profile.model_copy(update={"continuity_change": CHANGE_WEIGHT,
                                      "name": f"{profile.name}+repair"})
    absent = inst.absent_days
    # the published roster without the shifts that now fall on an absence: the start
    kept = [a for a in published.assignments
            if inst.start <= a.date <= inst.end
            and inst.day_index(a.date) not in absent.get(a.employee, set())]
    before = check_roster(inst, Roster(assignments=kept), prof)
    res: SolveResult = solve(inst, prof, SolveOptions(
        time_limit=options.time_limit, workers=options.workers, seed=options.seed,
        hint=Roster(assignments=kept), stop=options.stop, keep_best=options.keep_best,
        decompose=options.decompose))
    out = RepairResult(status=res.status, roster=res.roster, instance=inst,
                       open_shifts_before=before.kpis["open_shifts"],
                       explanation=list(res.explanation))
    if res.roster is None:
        return out
    rep = check_roster(inst, res.roster, prof)
    out.open_shifts_after = rep.kpis["open_shifts"]
    out.hard_violations = len(rep.violations)
    out.changes = [{"employee": c["employee"], "name": c["name"], "date": c["date"],
                    "before": c["a"], "after": c["b"]}
                   for c in diff(inst, published, res.roster)]
    out.affected = sorted({c["employee"] for c in out.changes})
    return out


def removed_by_absence(published: Roster, absences: list[Absence]) -> list[Assignment]:
    """The published shifts that the new absences take away (what must be covered)."""
    return [a for a in published.assignments for ab in absences
            if a.employee == ab.employee and ab.start <= a.date <= ab.end]
