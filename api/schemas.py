"""Request and response bodies of the service (pydantic v2; examples feed the OpenAPI docs)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator

from instances.models import AbsenceKind, Profile, WishKind
from instances.profiles import PROFILES

MAX_ID = 2**31 - 1  # INTEGER keys in SQLite and PostgreSQL
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id (1 … 2³¹−1)")]
ProfileName = Literal["balanced", "ergonomics", "wishes", "cost", "continuity", "custom"]
WEIGHT_NAMES = sorted(set(Profile.model_fields) - {"name"})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenRequest(Strict):
    name: str = Field(min_length=1, max_length=200, examples=["Osastonhoitaja Laine"])
    role: Literal["planner", "manager", "employee"]
    units: list[str] = Field(default_factory=list, max_length=200, examples=[["u1"]])
    employee: str | None = Field(None, max_length=100, examples=[None])


class TokenOut(BaseModel):
    token: str
    name: str
    role: str
    units: list[str]
    employee: str | None


class Me(BaseModel):
    name: str
    role: str
    units: list[str]
    employee: str | None


class InstanceSummary(BaseModel):
    id: int
    name: str
    start: str
    weeks: int
    units: list[str]
    employees: int
    created_by: str
    created_at: datetime


class InstanceOut(InstanceSummary):
    data: dict[str, Any]


class SolveRequest(Strict):
    """A solve job: k ranked variants under named profiles (DESIGN §6)."""

    time_limit: float = Field(30.0, gt=0, le=3600, description="Seconds for the whole job")
    profiles: list[ProfileName] = Field(
        default_factory=lambda: ["balanced"], min_length=1, max_length=10,
        description="Profiles of the variants, reused in turn when k is larger")
    k: int | None = Field(None, ge=1, le=10, description="Variants wanted (default: one per "
                                                          "profile)")
    min_share: float = Field(0.10, ge=0, le=0.9, description="Each variant changes at least "
                             "this share of every earlier variant's shifts")
    rank_by: ProfileName | None = Field(None, description="The unit's priority used to rank "
                                        "(default: the first profile)")
    weights: dict[str, int] | None = Field(None, description="Weights of the 'custom' profile "
                                           "(any Profile field; the rest default)")
    workers: int | None = Field(None, ge=1, le=64, description="CP-SAT threads for this job")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    previous_period: int | None = Field(
        None, ge=1, description="An earlier period (instance id): its latest published roster "
        "is carried onto this one (rotation repeated by whole weeks, leave and leavers dropped) "
        "as the warm start and the reference of the 'continuity' profile")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"time_limit": 30, "profiles": ["balanced", "ergonomics", "wishes"], "k": 3,
         "min_share": 0.1, "rank_by": "balanced"}]})

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        if v is None:
            return v
        bad = [k for k in v if k not in WEIGHT_NAMES]
        if bad:
            raise ValueError(f"unknown weight(s) {', '.join(bad)}; known: "
                             f"{', '.join(WEIGHT_NAMES)}")
        neg = [k for k, w in v.items() if w < 0 or w > 10**9]
        if neg:
            raise ValueError(f"weight(s) {', '.join(neg)} must be between 0 and 1 000 000 000")
        return v


class JobOut(BaseModel):
    id: int
    instance_id: int
    kind: str
    state: str
    params: dict[str, Any]
    progress: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    has_best_roster: bool
    cancel_requested: bool
    resumed_from: int | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class VariantOut(BaseModel):
    id: int
    job_id: int
    index: int
    rank: int | None
    profile: str
    label: str
    status: str
    objective: float | None
    kpis: dict[str, Any]
    scores: dict[str, Any]
    trade_offs: list[dict[str, Any]]
    changes_vs: dict[str, Any]
    extra: dict[str, Any] = Field(default_factory=dict)


class RosterRow(BaseModel):
    employee: str
    date: date
    shift: str
    unit: str


class VariantDetail(VariantOut):
    roster: list[RosterRow]


class DiffRow(BaseModel):
    employee: str
    name: str
    date: str
    a: str
    b: str


class DiffOut(BaseModel):
    a: int
    b: int
    changed: int
    employees_affected: int
    rows: list[DiffRow]


class RosterVersionOut(BaseModel):
    id: int
    instance_id: int
    version: int
    variant_id: int | None
    note: str
    approved_by: str
    approved_at: datetime
    shifts: int


class RosterVersionDetail(RosterVersionOut):
    roster: list[RosterRow]


class ApproveRequest(Strict):
    note: str = Field("", max_length=2000)


class AbsenceIn(Strict):
    employee: str = Field(min_length=1, max_length=100)
    start: date
    end: date
    kind: AbsenceKind = AbsenceKind.SICK_LEAVE


class RepairRequest(Strict):
    absences: list[AbsenceIn] = Field(min_length=1, max_length=500)
    keep_until: date | None = Field(None, description="Shifts before this date stay as "
                                    "published (already worked)")
    time_limit: float = Field(20.0, gt=0, le=3600)
    profile: ProfileName = "balanced"

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"absences": [{"employee": "e3", "start": "2027-03-10", "end": "2027-03-12",
                       "kind": "sairausloma"}], "time_limit": 20}]})


class WishIn(Strict):
    instance_id: DbId
    kind: WishKind
    date: date
    shift: str | None = Field(None, max_length=20)
    priority: int = Field(2, ge=1, le=3)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"instance_id": 1, "kind": "day_off", "date": "2027-03-13", "priority": 1}]})


class MyPeriod(BaseModel):
    id: int
    name: str
    start: str
    weeks: int
    shifts: list[str]
    wish_cap: int


class WishOut(BaseModel):
    id: int
    instance_id: int
    employee: str
    kind: str
    date: date
    shift: str | None
    priority: int
    created_at: datetime


class ExplainItem(BaseModel):
    rule: str
    title: str
    kind: str  # violation | penalty
    term: str | None
    employee: str | None
    name: str | None
    date: date | None
    amount: int
    weight: int
    message: str


class ExplainGroup(BaseModel):
    rule: str
    title: str
    total: int
    count: int
    items: list[ExplainItem]


class ExplainOut(BaseModel):
    objective: int
    hard_violations: int
    groups: list[ExplainGroup]


class Problem(BaseModel):
    """Every 4xx answer: what went wrong, in the user's terms."""

    detail: Any


PROFILE_NAMES = list(PROFILES)

# A minimal valid period for the OpenAPI docs (tests/test_api.py uploads it)
INSTANCE_EXAMPLE: dict[str, Any] = {
    "name": "Osasto 5, kevät 2027", "start": "2027-03-01", "weeks": 3,
    "units": [{"id": "os5", "name": "Osasto 5"}],
    "shift_types": [{"id": "A", "name": "Aamu", "start": "07:00", "end": "15:00"},
                    {"id": "I", "name": "Ilta", "start": "14:00", "end": "22:00"}],
    "employees": [
        {"id": "e1", "name": "Aino Virtanen", "units": ["os5"],
         "competences": ["sairaanhoitaja", "lääkehoitolupa"]},
        {"id": "e2", "name": "Eero Korhonen", "units": ["os5"], "competences": ["lähihoitaja"],
         "part_time": 0.8}],
    "demand": [{"unit": "os5", "date": "2027-03-01", "shift": "A", "minimum": 1, "target": 2}],
    "wishes": [{"employee": "e1", "kind": "day_off", "date": "2027-03-06", "priority": 1}],
    "absences": [{"employee": "e2", "start": "2027-03-15", "end": "2027-03-19",
                  "kind": "vuosiloma"}],
}
