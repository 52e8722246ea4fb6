"""Variants and published rosters: detail, diff, explanation, export, approval, repair."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import User, get_db, staff
from api.db import Job, RosterVersion, StoredInstance, StoredVariant
from api.routes.common import (
    instance_row,
    job_row,
    model_of,
    variant_out,
    variant_row,
    version_out,
    version_row,
)
from api.schemas import (
    ApproveRequest,
    DiffOut,
    ExplainGroup,
    ExplainItem,
    ExplainOut,
    JobOut,
    PathId,
    RepairRequest,
    RosterVersionDetail,
    RosterVersionOut,
    VariantDetail,
)
from instances.models import Instance, Roster

router = APIRouter(prefix="/api", tags=["rosters"])


def _roster(rows: list | None) -> Roster:
    return Roster.model_validate({"assignments": rows or []})


def _instance_of_variant(db: Session, v: StoredVariant) -> Instance:
    job = db.get(Job, v.job_id)
    inst = model_of(db.get(StoredInstance, job.instance_id))
    if job.kind == "repair":  # the repaired roster is checked with the new absences
        data = inst.model_dump(mode="json")
        data["absences"] += (job.result or {}).get("absences", [])
        inst = Instance.model_validate(data)
    return inst


@router.get("/variants/{variant_id}", response_model=VariantDetail,
            summary="One variant with its roster")
def get_variant(variant_id: PathId, user: User = Depends(staff),
                db: Session = Depends(get_db)) -> VariantDetail:
    v = variant_row(db, user, variant_id)
    return VariantDetail(**variant_out(v).model_dump(), roster=v.roster or [])


@router.get("/variants/{variant_id}/diff/{other_id}", response_model=DiffOut,
            summary="Per-employee differences between two variants")
def diff(variant_id: PathId, other_id: PathId, user: User = Depends(staff),
         db: Session = Depends(get_db)) -> DiffOut:
    from scheduler.variants import diff as roster_diff

    a, b = variant_row(db, user, variant_id), variant_row(db, user, other_id)
    rows = roster_diff(_instance_of_variant(db, a), _roster(a.roster), _roster(b.roster))
    return DiffOut(a=a.id, b=b.id, changed=len(rows),
                   employees_affected=len({r["employee"] for r in rows}), rows=rows)


@router.get("/variants/{variant_id}/explain", response_model=ExplainOut,
            summary="Why the variant scores as it does: the checker's findings by rule")
def explain(variant_id: PathId, employee: str | None = None, rule: str | None = None,
            user: User = Depends(staff), db: Session = Depends(get_db)) -> ExplainOut:
    from constraints import RULES
    from constraints.checker import check_roster
    from instances.profiles import PROFILES

    v = variant_row(db, user, variant_id)
    inst = _instance_of_variant(db, v)
    prof = PROFILES.get(v.profile.split("+")[0], PROFILES["balanced"])
    rep = check_roster(inst, _roster(v.roster), prof)
    titles = {r.id: r.title for r in RULES}
    names = {e.id: e.name for e in inst.employees}
    items: dict[str, list[ExplainItem]] = defaultdict(list)
    for x in rep.violations:
        items[x.rule].append(ExplainItem(rule=x.rule, title=titles.get(x.rule, x.rule),
                                         kind="violation", term=None, employee=x.employee,
                                         name=names.get(x.employee or ""), date=x.date,
                                         amount=1, weight=0, message=x.message))
    for p in rep.penalties:
        items[p.rule].append(ExplainItem(rule=p.rule, title=titles.get(p.rule, p.rule),
                                         kind="penalty", term=p.term, employee=p.employee,
                                         name=names.get(p.employee or ""), date=p.date,
                                         amount=p.amount, weight=p.weight, message=p.message))
    groups = []
    for r, its in items.items():
        if rule and r != rule:
            continue
        if employee:
            its = [i for i in its if i.employee == employee]
        if its:
            groups.append(ExplainGroup(rule=r, title=titles.get(r, r), count=len(its),
                                       total=sum(i.amount * i.weight for i in its), items=its))
    groups.sort(key=lambda g: -g.total)
    return ExplainOut(objective=rep.objective, hard_violations=len(rep.violations), groups=groups)


def _export(inst: Instance, rows: list, fmt: str, name: str) -> Response:
    roster = _roster(rows)
    if fmt == "csv":
        lines = ["employee,date,shift,unit", *(f"{a.employee},{a.date.isoformat()},{a.shift},"
                                               f"{a.unit}" for a in roster.assignments)]
        return Response("\n".join(lines) + "\n", media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "xlsx":
        from api.excel import export_xlsx

        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / f"{name}.xlsx"
            export_xlsx(inst, roster, p)
            data = p.read_bytes()
        return Response(data, media_type="application/vnd.openxmlformats-officedocument."
                                          "spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    raise HTTPException(422, [f"format: '{fmt}' is not csv or xlsx"])


@router.get("/variants/{variant_id}/export", summary="The variant as roster CSV or Excel",
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-"
                                         "officedocument.spreadsheetml.sheet": {}}}})
def export_variant(variant_id: PathId, format: str = "csv", user: User = Depends(staff),
                   db: Session = Depends(get_db)) -> Response:
    v = variant_row(db, user, variant_id)
    return _export(_instance_of_variant(db, v), v.roster or [], format, f"variant-{v.id}")


@router.post("/variants/{variant_id}/approve", status_code=201, response_model=RosterVersionOut,
             summary="Approve a variant: it becomes the next published, immutable version")
def approve(variant_id: PathId, req: ApproveRequest | None = None, user: User = Depends(staff),
            db: Session = Depends(get_db)) -> RosterVersionOut:
    v = variant_row(db, user, variant_id)
    if not v.roster:
        raise HTTPException(409, f"variant {variant_id} has no roster to approve")
    summary = v.summary or {}
    if summary.get("hard_violations"):
        raise HTTPException(409, f"variant {variant_id} breaks hard rules; it cannot be approved")
    job = db.get(Job, v.job_id)
    row = db.get(StoredInstance, job.instance_id)
    if job.kind == "repair":  # the absences behind a repair become part of the period
        data = dict(row.data)
        data["absences"] = [*data.get("absences", []), *(job.result or {}).get("absences", [])]
        row.data = data
    last = db.scalar(select(func.max(RosterVersion.version))
                     .where(RosterVersion.instance_id == row.id)) or 0
    r = RosterVersion(instance_id=row.id, version=last + 1, variant_id=v.id, roster=v.roster,
                      note=(req.note if req else ""), approved_by=user.name)
    db.add(r)
    db.commit()
    return version_out(r)


@router.get("/instances/{instance_id}/rosters", response_model=list[RosterVersionOut],
            summary="Published roster versions of a period, newest first")
def versions(instance_id: PathId, user: User = Depends(staff),
             db: Session = Depends(get_db)) -> list[RosterVersionOut]:
    instance_row(db, user, instance_id)
    rows = db.scalars(select(RosterVersion).where(RosterVersion.instance_id == instance_id)
                      .order_by(RosterVersion.version.desc()))
    return [version_out(r) for r in rows]


@router.get("/rosters/{version_id}", response_model=RosterVersionDetail,
            summary="A published roster version")
def get_version(version_id: PathId, user: User = Depends(staff),
                db: Session = Depends(get_db)) -> RosterVersionDetail:
    r = version_row(db, user, version_id)
    return RosterVersionDetail(**version_out(r).model_dump(), roster=r.roster)


@router.get("/rosters/{version_id}/export", summary="A published roster as CSV or Excel",
            responses={200: {"content": {"text/csv": {}}}})
def export_version(version_id: PathId, format: str = "csv", user: User = Depends(staff),
                   db: Session = Depends(get_db)) -> Response:
    r = version_row(db, user, version_id)
    inst = model_of(db.get(StoredInstance, r.instance_id))
    return _export(inst, r.roster, format, f"roster-v{r.version}")


@router.post("/rosters/{version_id}/repair", status_code=202, response_model=JobOut,
             summary="Repair a published roster after new absences (fewest changes)")
def repair(version_id: PathId, req: RepairRequest, request: Request, user: User = Depends(staff),
           db: Session = Depends(get_db)) -> JobOut:
    from api.routes.common import job_out

    r = version_row(db, user, version_id)
    inst = model_of(db.get(StoredInstance, r.instance_id))
    errs = []
    for i, a in enumerate(req.absences):
        if a.employee not in inst.employee_by_id:
            errs.append(f"absences[{i}].employee: '{a.employee}' is not an employee of this "
                        "period")
        if a.end < a.start:
            errs.append(f"absences[{i}].end: {a.end} is before start {a.start}")
        elif a.end < inst.start or a.start > inst.end:
            errs.append(f"absences[{i}]: {a.start}–{a.end} is outside the period "
                        f"{inst.start}–{inst.end}")
    if errs:
        raise HTTPException(422, errs)
    params = req.model_dump(mode="json")
    params["roster_version"] = r.id
    params["workers"] = request.app.state.settings.solve_workers
    job = Job(instance_id=r.instance_id, kind="repair", params=params, progress={},
              created_by=user.name)
    db.add(job)
    db.commit()
    return job_out(job)


__all__ = ["router", "job_row"]
