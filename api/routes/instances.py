"""Instances (planning periods): upload as JSON or as CSV/Excel tables, validate, store, list."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Form, HTTPException, Request, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import User, get_db, planner, staff
from api.db import StoredInstance
from api.routes.common import instance_row
from api.schemas import INSTANCE_EXAMPLE, InstanceOut, InstanceSummary, PathId
from instances.models import Instance
from instances.validation import InputError

router = APIRouter(prefix="/api/instances", tags=["instances"])

TABLES = ("employees", "demand", "wishes", "absences", "locked", "units", "shift_types")


def store(db: Session, inst: Instance, user: User) -> StoredInstance:
    row = StoredInstance(name=inst.name, data=inst.model_dump(mode="json"),
                         units=[u.id for u in inst.units], employees=len(inst.employees),
                         start=inst.start.isoformat(), weeks=inst.weeks, created_by=user.name)
    db.add(row)
    db.commit()
    return row


def summary(row: StoredInstance) -> InstanceSummary:
    return InstanceSummary(id=row.id, name=row.name, start=row.start, weeks=row.weeks,
                           units=row.units, employees=row.employees, created_by=row.created_by,
                           created_at=row.created_at)


@router.post("", status_code=201, response_model=InstanceSummary,
             summary="Upload a planning period as JSON (the Instance format)")
def create(inst: Annotated[Instance, Body(openapi_examples={"minimal": {
               "summary": "One ward, two nurses, three weeks", "value": INSTANCE_EXAMPLE}})],
           user: User = Depends(planner),
           db: Session = Depends(get_db)) -> InstanceSummary:
    return summary(store(db, inst, user))


@router.post("/demo", status_code=201, response_model=InstanceSummary,
             summary="Store the embedded demo period (two units, 6 weeks)")
def demo(user: User = Depends(planner), db: Session = Depends(get_db)) -> InstanceSummary:
    from instances.generator import load_demo

    return summary(store(db, load_demo(), user))


@router.post("/upload", status_code=201, response_model=InstanceSummary,
             summary="Upload a planning period as CSV or Excel tables")
async def upload(request: Request, start: str = Form(..., examples=["2027-03-01"]),
                 weeks: int = Form(6, ge=1, le=52), name: str = Form("period", max_length=200),
                 employees: UploadFile = File(...), demand: UploadFile | None = File(None),
                 wishes: UploadFile | None = File(None), absences: UploadFile | None = File(None),
                 locked: UploadFile | None = File(None), units: UploadFile | None = File(None),
                 shift_types: UploadFile | None = File(None),
                 user: User = Depends(planner), db: Session = Depends(get_db),
                 ) -> InstanceSummary:
    from instances.tabular import instance_from_tables

    limit = request.app.state.settings.max_upload_bytes
    files = {"employees": employees, "demand": demand, "wishes": wishes, "absences": absences,
             "locked": locked, "units": units, "shift_types": shift_types}
    with tempfile.TemporaryDirectory() as tmp:
        paths: dict[str, Path] = {}
        for key, f in files.items():
            if f is None:
                continue
            data = await f.read()
            if len(data) > limit:
                raise HTTPException(413, f"{key}: {f.filename} is larger than "
                                         f"{limit // (1024 * 1024)} MB")
            suffix = Path(f.filename or "").suffix.lower()
            if suffix not in (".csv", ".xlsx", ".txt"):
                raise HTTPException(422, [f"{key}: '{f.filename}' must be a .csv or .xlsx file"])
            p = Path(tmp) / f"{key}{'.csv' if suffix == '.txt' else suffix}"
            p.write_bytes(data)
            paths[key] = p
        try:
            inst = instance_from_tables(start=start, weeks=weeks, name=name, **paths)
        except InputError as err:
            raise HTTPException(422, err.messages) from None
    return summary(store(db, inst, user))


@router.post("/workbook", status_code=201, response_model=InstanceSummary,
             summary="Upload a planning period as one Excel workbook (a sheet per table)")
async def workbook(request: Request, workbook: UploadFile = File(...),
                   start: str | None = Form(None, examples=["2027-03-01"]),
                   weeks: int | None = Form(None, ge=1, le=52),
                   name: str | None = Form(None, max_length=200),
                   user: User = Depends(planner), db: Session = Depends(get_db),
                   ) -> InstanceSummary:
    from instances.tabular import read_workbook

    limit = request.app.state.settings.max_upload_bytes
    data = await workbook.read()
    if len(data) > limit:
        raise HTTPException(413, f"workbook: larger than {limit // (1024 * 1024)} MB")
    if Path(workbook.filename or "").suffix.lower() != ".xlsx":
        raise HTTPException(422, [f"workbook: '{workbook.filename}' must be an .xlsx file"])
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "period.xlsx"
        p.write_bytes(data)
        try:
            inst = read_workbook(p, start=start, weeks=weeks, name=name)
        except InputError as err:
            raise HTTPException(422, err.messages) from None
    return summary(store(db, inst, user))


@router.get("", response_model=list[InstanceSummary], summary="Planning periods you may see")
def list_all(user: User = Depends(staff), db: Session = Depends(get_db)) -> list[InstanceSummary]:
    rows = db.scalars(select(StoredInstance).order_by(StoredInstance.id.desc()))
    return [summary(r) for r in rows if user.can_see_instance(r)]


@router.get("/{instance_id}", response_model=InstanceOut, summary="One planning period in full")
def get(instance_id: PathId, user: User = Depends(staff),
        db: Session = Depends(get_db)) -> InstanceOut:
    row = instance_row(db, user, instance_id)
    return InstanceOut(**summary(row).model_dump(), data=row.data)


__all__ = ["router", "TABLES"]
