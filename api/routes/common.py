"""Lookups with the role checks every route shares (404 for what does not exist, 403 for what
the user may not see)."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy.orm import Session

from api.auth import User
from api.db import Job, RosterVersion, StoredInstance, StoredVariant
from api.schemas import JobOut, RosterVersionOut, VariantOut
from instances.models import Instance


def instance_row(db: Session, user: User, instance_id: int) -> StoredInstance:
    row = db.get(StoredInstance, instance_id)
    if row is None:
        raise HTTPException(404, f"Suunnittelujaksoa {instance_id} ei ole (no instance "
                                 f"{instance_id})")
    if not user.can_see_instance(row):
        raise HTTPException(403, f"Ei oikeutta: instance {instance_id} has units outside "
                                 f"yours ({', '.join(user.units) or 'none'})")
    return row


def job_row(db: Session, user: User, job_id: int) -> Job:
    job = db.get(Job, job_id)
    if job is None:
        raise HTTPException(404, f"Laskentaa {job_id} ei ole (no job {job_id})")
    instance_row(db, user, job.instance_id)
    return job


def variant_row(db: Session, user: User, variant_id: int) -> StoredVariant:
    v = db.get(StoredVariant, variant_id)
    if v is None:
        raise HTTPException(404, f"Vaihtoehtoa {variant_id} ei ole (no variant {variant_id})")
    job_row(db, user, v.job_id)
    return v


def version_row(db: Session, user: User, version_id: int) -> RosterVersion:
    r = db.get(RosterVersion, version_id)
    if r is None:
        raise HTTPException(404, f"Julkaistua listaa {version_id} ei ole (no roster "
                                 f"{version_id})")
    instance_row(db, user, r.instance_id)
    return r


def model_of(row: StoredInstance) -> Instance:
    return Instance.model_validate(row.data)


def job_out(job: Job) -> JobOut:
    return JobOut(id=job.id, instance_id=job.instance_id, kind=job.kind, state=job.state,
                  params=job.params, progress=job.progress or {}, result=_public(job.result),
                  error=job.error, has_best_roster=job.best_roster is not None,
                  cancel_requested=job.cancel_requested, resumed_from=job.resumed_from,
                  created_by=job.created_by, created_at=job.created_at,
                  started_at=job.started_at, finished_at=job.finished_at)


def _public(result: dict | None) -> dict | None:
    if result is None:
        return None
    return {k: v for k, v in result.items() if k != "trace"}  # tracebacks stay in the database


def variant_out(v: StoredVariant) -> VariantOut:
    s = v.summary or {}
    extra = {k: s[k] for k in ("changes", "affected", "hard_violations", "required_changes",
                               "short_of", "wall_time_s") if k in s}
    return VariantOut(id=v.id, job_id=v.job_id, index=v.index, rank=v.rank, profile=v.profile,
                      label=v.label, status=v.status, objective=v.objective,
                      kpis=s.get("kpis", {}), scores=s.get("scores", {}),
                      trade_offs=s.get("trade_offs", []), changes_vs=s.get("changes_vs", {}),
                      extra=extra)


def version_out(r: RosterVersion) -> RosterVersionOut:
    return RosterVersionOut(id=r.id, instance_id=r.instance_id, version=r.version,
                            variant_id=r.variant_id, note=r.note, approved_by=r.approved_by,
                            approved_at=r.approved_at, shifts=len(r.roster))
