"""Who am I; tokens (planner); an employee's own wishes and published roster — nobody else's."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import User, anyone, get_db, new_token, planner, require
from api.db import RosterVersion, StoredInstance, StoredWish
from api.schemas import Me, MyPeriod, PathId, RosterRow, TokenOut, TokenRequest, WishIn, WishOut
from instances.models import Wish

router = APIRouter(prefix="/api", tags=["people"])
employee_only = require("employee")


@router.get("/me", response_model=Me, summary="The signed-in user and their role")
def me(user: User = Depends(anyone)) -> Me:
    return Me(name=user.name, role=user.role, units=user.units, employee=user.employee)


@router.post("/tokens", status_code=201, response_model=TokenOut,
             summary="Create a token for a planner, unit manager or employee (shown once)")
def create_token(req: TokenRequest, user: User = Depends(planner),
                 db: Session = Depends(get_db)) -> TokenOut:
    try:
        plain = new_token(db, req.name, req.role, units=req.units, employee=req.employee)
    except ValueError as err:
        raise HTTPException(422, [str(err)]) from None
    return TokenOut(token=plain, name=req.name, role=req.role, units=req.units,
                    employee=req.employee)


def _periods_of(db: Session, employee: str) -> list[StoredInstance]:
    rows = db.scalars(select(StoredInstance).order_by(StoredInstance.id))
    return [r for r in rows if any(e["id"] == employee for e in r.data.get("employees", []))]


def _wish_out(w: StoredWish) -> WishOut:
    d = w.data
    return WishOut(id=w.id, instance_id=w.instance_id, employee=w.employee, kind=d["kind"],
                   date=date.fromisoformat(d["date"]), shift=d.get("shift"),
                   priority=d.get("priority", 2), created_at=w.created_at)


@router.get("/me/periods", response_model=list[MyPeriod],
            summary="Planning periods I am rostered in (for my wishes)")
def my_periods(user: User = Depends(employee_only),
               db: Session = Depends(get_db)) -> list[MyPeriod]:
    return [MyPeriod(id=r.id, name=r.name, start=r.start, weeks=r.weeks,
                     shifts=[s["id"] for s in r.data.get("shift_types", [])],
                     wish_cap=int(r.data.get("rules", {}).get("wish_cap_per_period", 5)))
            for r in _periods_of(db, user.employee or "")]


@router.get("/me/wishes", response_model=list[WishOut], summary="My wishes (toiveet)")
def my_wishes(user: User = Depends(employee_only),
              db: Session = Depends(get_db)) -> list[WishOut]:
    rows = db.scalars(select(StoredWish).where(StoredWish.employee == user.employee)
                      .order_by(StoredWish.id))
    return [_wish_out(w) for w in rows]


@router.post("/me/wishes", status_code=201, response_model=WishOut,
             summary="Submit a wish for a period (within the per-period cap)")
def add_wish(req: WishIn, user: User = Depends(employee_only),
             db: Session = Depends(get_db)) -> WishOut:
    row = db.get(StoredInstance, req.instance_id)
    if row is None or not any(e["id"] == user.employee for e in row.data.get("employees", [])):
        raise HTTPException(404, f"instance_id: no planning period {req.instance_id} of yours")
    start = date.fromisoformat(row.start)
    end = date.fromordinal(start.toordinal() + 7 * row.weeks - 1)
    if not start <= req.date <= end:
        raise HTTPException(422, [f"date: {req.date} is outside the period {start}–{end}"])
    shifts = {s["id"] for s in row.data.get("shift_types", [])}
    if req.kind != "day_off" and req.shift not in shifts:
        raise HTTPException(422, [f"shift: a '{req.kind.value}' wish needs one of the shifts "
                                  f"{', '.join(sorted(shifts))}"])
    cap = int(row.data.get("rules", {}).get("wish_cap_per_period", 5))
    own = [w for w in row.data.get("wishes", []) if w["employee"] == user.employee]
    mine = list(db.scalars(select(StoredWish).where(StoredWish.instance_id == row.id,
                                                    StoredWish.employee == user.employee)))
    if len(own) + len(mine) >= cap:
        raise HTTPException(409, f"Toivekatto täynnä: at most {cap} wishes per period; withdraw "
                                 "one first")
    wish = Wish(employee=user.employee or "", kind=req.kind, date=req.date,
                shift=req.shift if req.kind != "day_off" else None, priority=req.priority)
    w = StoredWish(instance_id=row.id, employee=user.employee or "",
                   data=wish.model_dump(mode="json", exclude_none=True))
    db.add(w)
    db.commit()
    return _wish_out(w)


@router.delete("/me/wishes/{wish_id}", status_code=204, response_class=Response,
               summary="Withdraw one of my wishes")
def withdraw(wish_id: PathId, user: User = Depends(employee_only),
             db: Session = Depends(get_db)) -> Response:
    w = db.get(StoredWish, wish_id)
    if w is None or w.employee != user.employee:  # another's wish looks the same as none
        raise HTTPException(404, f"no wish {wish_id} of yours")
    db.delete(w)
    db.commit()
    return Response(status_code=204)


@router.get("/me/roster", response_model=list[RosterRow],
            summary="My shifts in the newest published roster of each period")
def my_roster(user: User = Depends(employee_only),
              db: Session = Depends(get_db)) -> list[RosterRow]:
    out: list[RosterRow] = []
    for row in _periods_of(db, user.employee or ""):
        latest = db.scalar(select(RosterVersion).where(RosterVersion.instance_id == row.id)
                           .order_by(RosterVersion.version.desc()).limit(1))
        if latest is not None:
            out += [RosterRow(**a) for a in latest.roster if a["employee"] == user.employee]
    return out
