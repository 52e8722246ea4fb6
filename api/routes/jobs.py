"""Solve jobs: start (k ranked variants), follow (poll or server-sent events), cancel, resume."""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import User, get_db, staff, user_from_query
from api.db import Job, RosterVersion, StoredInstance, StoredVariant
from api.jobs import TERMINAL
from api.routes.common import instance_row, job_out, job_row, model_of, variant_out
from api.schemas import JobOut, PathId, SolveRequest, VariantOut
from instances.models import Assignment

router = APIRouter(prefix="/api", tags=["jobs"])


@router.post("/instances/{instance_id}/jobs", status_code=202, response_model=JobOut,
             summary="Start a solve job: k ranked variants under the chosen profiles")
def start(instance_id: PathId, req: SolveRequest, request: Request, user: User = Depends(staff),
          db: Session = Depends(get_db)) -> JobOut:
    row = instance_row(db, user, instance_id)
    if "custom" in req.profiles + [req.rank_by] and not req.weights:
        raise HTTPException(422, ["profiles: the 'custom' profile needs 'weights'"])
    params = req.model_dump(mode="json")
    params["workers"] = req.workers or request.app.state.settings.solve_workers
    progress: dict = {}
    if req.previous_period is not None:
        version, carried = _previous_roster(db, user, row, req.previous_period)
        params["previous_roster_version"] = version.id
        progress["carried"] = carried.summary()
    job = Job(instance_id=instance_id, kind="variants", params=params, progress=progress,
              created_by=user.name)
    db.add(job)
    db.commit()
    return job_out(job)


def _previous_roster(db: Session, user: User, row: StoredInstance, previous: int):
    """The previous period's latest published roster and what of it carries onto `row`'s
    period; a 422 naming `previous_period` when there is nothing to carry."""
    from instances.rollover import carry_forward
    from instances.validation import InputError

    prev = db.get(StoredInstance, previous)
    if prev is None:
        raise HTTPException(422, [f"previous_period: no period {previous}"])
    instance_row(db, user, previous)  # 403 outside the user's units
    version = db.scalars(select(RosterVersion).where(RosterVersion.instance_id == previous)
                         .order_by(RosterVersion.version.desc()).limit(1)).first()
    if version is None:
        raise HTTPException(422, [f"previous_period: period {previous} ({prev.name}) has no "
                                  "published roster"])
    try:
        carried = carry_forward([Assignment.model_validate(a) for a in version.roster],
                                model_of(row), source=f"period {previous} ({prev.name})")
    except InputError as err:
        raise HTTPException(422, [f"previous_period: {m}" for m in err.messages]) from None
    return version, carried


@router.get("/jobs", response_model=list[JobOut], summary="Solve jobs you may see, newest first")
def list_jobs(user: User = Depends(staff), db: Session = Depends(get_db),
              limit: int = 100) -> list[JobOut]:
    limit = max(1, min(limit, 1000))
    out = []
    for job in db.scalars(select(Job).order_by(Job.id.desc()).limit(limit)):
        row = db.get(StoredInstance, job.instance_id)
        if row is not None and user.can_see_instance(row):
            out.append(job_out(job))
    return out


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's state and progress")
def get_job(job_id: PathId, user: User = Depends(staff), db: Session = Depends(get_db)) -> JobOut:
    return job_out(job_row(db, user, job_id))


@router.get("/jobs/{job_id}/events", summary="Progress as server-sent events until the job ends",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
async def events(job_id: PathId, request: Request, user: User = Depends(user_from_query),
                 db: Session = Depends(get_db)) -> StreamingResponse:
    job_row(db, user, job_id)
    S = request.app.state.sessions

    async def stream():
        last = None
        while True:
            with S() as s:
                job = s.get(Job, job_id)
                payload = job_out(job).model_dump(mode="json")
            text = json.dumps(payload, ensure_ascii=False)
            if text != last:
                last = text
                yield f"event: progress\ndata: {text}\n\n"
            if payload["state"] in TERMINAL or await request.is_disconnected():
                yield f"event: end\ndata: {json.dumps({'state': payload['state']})}\n\n"
                return
            await asyncio.sleep(0.5)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})


@router.post("/jobs/{job_id}/cancel", response_model=JobOut,
             summary="Cancel: the job stops and keeps the best roster so far")
def cancel(job_id: PathId, user: User = Depends(staff), db: Session = Depends(get_db)) -> JobOut:
    job = job_row(db, user, job_id)
    if job.state == "queued":
        job.state = "cancelled"
    elif job.state not in TERMINAL:
        job.cancel_requested = True
    db.commit()
    return job_out(job)


@router.post("/jobs/{job_id}/resume", status_code=202, response_model=JobOut,
             summary="Continue an interrupted or cancelled job from its best roster so far")
def resume(job_id: PathId, user: User = Depends(staff), db: Session = Depends(get_db)) -> JobOut:
    job = job_row(db, user, job_id)
    if job.state not in ("interrupted", "cancelled", "failed"):
        raise HTTPException(409, f"job {job_id} is {job.state}; only an interrupted, cancelled "
                                 "or failed job can be resumed")
    params = dict(job.params)
    if job.best_roster is not None:
        params["resume_from"] = job.id
    new = Job(instance_id=job.instance_id, kind=job.kind, params=params, progress={},
              created_by=user.name, resumed_from=job.id)
    db.add(new)
    db.commit()
    return job_out(new)


@router.get("/jobs/{job_id}/variants", response_model=list[VariantOut],
            summary="The job's variants, ranked, with KPIs and trade-offs side by side")
def variants(job_id: PathId, user: User = Depends(staff),
             db: Session = Depends(get_db)) -> list[VariantOut]:
    job_row(db, user, job_id)
    rows = db.scalars(select(StoredVariant).where(StoredVariant.job_id == job_id))
    return sorted((variant_out(v) for v in rows),
                  key=lambda v: (v.rank is None, v.rank or 0, v.index))
