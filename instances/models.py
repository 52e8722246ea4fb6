"""Domain model of a rostering problem (DESIGN.md §2–§3).

Everything the solver and the checker need is here, validated once at the border, so that the
downstream code can trust it. Cross-record checks (unknown ids, dates outside the period) live in
`Instance._cross_check` and name the record and the field, in the planner's terms.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MINUTES_PER_DAY = 24 * 60

# Competence codes used by the generator and the default rule set (osaaminen).
RN = "sairaanhoitaja"
LPN = "lähihoitaja"
ASSISTANT = "hoiva-avustaja"
STUDENT = "opiskelija"
MEDICATION_PERMIT = "lääkehoitolupa"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class UnitKind(StrEnum):
    WARD = "ward"  # 24/7 hospital ward (osasto)
    ELDERLY_24H = "elderly_24h"  # 24-hour elderly care unit (ympärivuorokautinen palveluasuminen)
    HOME_CARE = "home_care"  # kotihoito
    DAYCARE = "daycare"  # varhaiskasvatus


class RatioRule(Model):
    """A staffing-ratio law a unit declares (DESIGN §3 hard 11)."""

    kind: Literal["elderly_care"] = "elderly_care"
    clients: int = Field(ge=1)
    ratio: float = Field(0.6, gt=0, le=5)
    window_weeks: int = Field(3, ge=1, le=12)


class Unit(Model):
    id: str = Field(min_length=1)
    name: str
    kind: UnitKind = UnitKind.WARD
    ratio_rule: RatioRule | None = None
    # Local agreement (paikallinen sopimus) allowing 9 h daily rest; each quick return is a burden.
    short_rest_allowed: bool = False
    # Night-work trial 2026–2027: 36 h/week full time for the unit's night workers.
    night_work_trial: bool = False


class ShiftCategory(StrEnum):
    MORNING = "morning"  # A
    DAY = "day"  # P and office-like day shifts
    EVENING = "evening"  # I
    NIGHT = "night"  # Y


class ShiftType(Model):
    """A shift type; `end <= start` means the shift ends on the next calendar day."""

    id: str = Field(min_length=1)
    name: str = ""
    start: time
    end: time
    # shift types that may not be worked the next day after this one (forbidden successions)
    cannot_follow: list[str] = Field(default_factory=list)

    # cached: the checker reads these ~5 M times on a region, and shift types are not mutated
    @cached_property
    def start_min(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @cached_property
    def end_min(self) -> int:
        """End as minutes from the start day's midnight (> 1440 when crossing midnight)."""
        e = self.end.hour * 60 + self.end.minute
        return e + MINUTES_PER_DAY if e <= self.start_min else e

    @cached_property
    def minutes(self) -> int:
        return self.end_min - self.start_min

    @cached_property
    def crosses_midnight(self) -> bool:
        return self.end_min > MINUTES_PER_DAY

    @property
    def night_minutes(self) -> int:
        """Minutes inside 23:00–06:00 (the legal definition of night work)."""
        total = 0
        for lo, hi in ((-60, 360), (23 * 60, 30 * 60)):  # previous night tail, this night
            total += max(0, min(self.end_min, hi) - max(self.start_min, lo))
        return total

    @property
    def is_night(self) -> bool:
        return self.night_minutes >= 180

    @property
    def category(self) -> ShiftCategory:
        if self.is_night:
            return ShiftCategory.NIGHT
        if self.start_min >= 12 * 60:
            return ShiftCategory.EVENING
        if self.end_min > 18 * 60:
            return ShiftCategory.DAY
        return ShiftCategory.MORNING

    @property
    def rotation_rank(self) -> int:
        """Forward rotation order A → I → Y (DESIGN soft 2)."""
        return {"morning": 0, "day": 1, "evening": 2, "night": 3}[self.category.value]


class LockedShift(Model):
    date: date
    shift: str
    unit: str | None = None  # None: the employee's home unit


class ContractLimits(Model):
    """Per-employee limits a contract may set (all optional; a rule applies only when set).

    The Finnish rule set derives hours from the calendar; benchmark instances (Curtois & Qu) and
    individual contracts give them explicitly.
    """

    max_shifts: dict[str, int] | None = None  # per shift type
    min_minutes: int | None = Field(None, ge=0)
    max_minutes: int | None = Field(None, ge=0)
    min_consecutive_shifts: int | None = Field(None, ge=1)
    max_consecutive_shifts: int | None = Field(None, ge=1)
    min_consecutive_days_off: int | None = Field(None, ge=1)
    max_weekends: int | None = Field(None, ge=0)


class Employee(Model):
    id: str = Field(min_length=1)
    name: str
    units: list[str] = Field(min_length=1)  # first one is the home unit
    competences: list[str] = Field(default_factory=list)
    part_time: float = Field(1.0, gt=0, le=1.0)
    shift_types: list[str] | None = None  # allowed by contract; None = all
    hourly_wage: float = Field(22.0, gt=0, le=500)
    direct_care_share: float = Field(0.9, ge=0, le=1)
    night_worker: bool = False
    locked: list[LockedShift] = Field(default_factory=list)
    limits: ContractLimits | None = None

    @property
    def home_unit(self) -> str:
        return self.units[0]


class Demand(Model):
    """Minimum and target headcount for a unit/date/shift; `competence` None = any care staff."""

    unit: str
    date: date
    shift: str
    competence: str | None = None
    minimum: int = Field(ge=0)
    target: int | None = Field(None, ge=0)
    # soft cover around the target with explicit weights (benchmark instances); None: not used
    weight_under: int | None = Field(None, ge=0)
    weight_over: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _target(self) -> Demand:
        if self.target is None:
            self.target = self.minimum
        if self.target < self.minimum:
            raise ValueError(f"target {self.target} is below minimum {self.minimum}")
        return self


class WishKind(StrEnum):
    DAY_OFF = "day_off"  # vapaatoive
    SHIFT = "shift"  # toivevuoro
    NOT_SHIFT = "not_shift"  # ei tätä vuoroa


class Wish(Model):
    employee: str
    kind: WishKind
    date: date
    shift: str | None = None
    priority: int = Field(2, ge=1, le=3)  # 1 = most important
    weight: int | None = Field(None, ge=0)  # explicit weight (benchmarks); None: 4 − priority

    @model_validator(mode="after")
    def _shift_needed(self) -> Wish:
        if self.kind != WishKind.DAY_OFF and not self.shift:
            raise ValueError(f"a '{self.kind.value}' wish needs a shift")
        return self


class AbsenceKind(StrEnum):
    ANNUAL_LEAVE = "vuosiloma"
    TRAINING = "koulutus"
    SICK_LEAVE = "sairausloma"
    OTHER = "muu"


class Absence(Model):
    employee: str
    start: date
    end: date  # inclusive
    kind: AbsenceKind = AbsenceKind.ANNUAL_LEAVE

    @model_validator(mode="after")
    def _order(self) -> Absence:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class RuleSet(Model):
    """Every number of DESIGN.md §3, with the Finnish default (minutes unless named otherwise)."""

    # which rule catalogue applies: the Finnish rules, or the Curtois & Qu benchmark's rules
    catalogue: Literal["finnish", "curtois"] = "finnish"

    # hard 4: daily rest (työaikalaki 25 §)
    daily_rest_min: int = 11 * 60
    short_daily_rest_min: int = 9 * 60  # where a unit's local agreement allows it
    # hard 5: weekly rest (27 §): a rest of this length containing a whole day off, every week
    weekly_rest_min: int = 35 * 60
    # hard 6: period hours (jaksotyö), per 3 weeks, scaled to the period length
    max_minutes_per_3_weeks: int = 120 * 60
    target_minutes_per_3_weeks: int = 114 * 60 + 45
    night_trial_target_minutes_per_3_weeks: int = 108 * 60
    holiday_reduction_min: int = 7 * 60 + 39  # per weekday public holiday and absence day
    hours_tolerance_min: int = 8 * 60
    # the county's KPI: planned hours within this of the target (soft: minutes beyond it cost
    # Profile.hours_beyond_kpi_minute on top of the plain deviation)
    hours_kpi_tolerance_min: int = Field(4 * 60, ge=0)
    # hard 7: shift length (SOTE)
    shift_min_minutes: int = 4 * 60
    shift_max_minutes: int = 10 * 60
    night_shift_max_minutes: int = 11 * 60
    allow_long_shifts: bool = False  # local agreement: up to the 13 h cap
    # hard 8: nights
    max_consecutive_nights: int = 5
    # hard 9: days off (SOTE)
    min_days_off_per_3_weeks: int = 6
    min_double_days_off_per_3_weeks: int = 1
    # hard 10: staffing composition
    assistant_competences: list[str] = Field(default_factory=lambda: [ASSISTANT, STUDENT])
    allow_open_shifts: bool = True  # False: minimum staffing is hard (explain infeasibility)
    # hard 11: staffing ratio
    standard_week_minutes: int = 38 * 60 + 15
    ratio_counting_competences: list[str] = Field(default_factory=lambda: [RN, LPN, ASSISTANT])
    # soft 1: quick returns (per employee and period)
    quick_return_elevated: int = 1
    quick_return_overload: int = 2
    # soft 3: nights
    nights_elevated: int = 4
    nights_overload: int = 5
    days_off_after_nights: int = 2
    early_start_before_min: int = 6 * 60
    max_early_starts_in_row: int = 3
    # soft 4: consecutive working days (TTL)
    work_run_ok_min: int = 3
    work_run_ok_max: int = 5
    work_run_overload: int = 7
    work_run_strong: int = 8
    # soft 5: hours of work between two days off (TTL), minutes
    block_elevated_over: int = 40 * 60
    block_overload_over: int = 48 * 60
    block_strong_over: int = 55 * 60
    # soft 7: weekends
    free_weekends_per_3_weeks: int = 1
    # hard where set: a weekend is worked whole or not at all (constraints/complete_weekends.py);
    # a unit may ask for it, and a weekends-first solve sets it for its first stage
    # (scheduler/weekends_first.py)
    complete_weekends: bool = False
    # soft 8: same shift in a row
    max_same_shift_in_row: int = 3
    # wishes
    wish_cap_per_period: int = 5
    # cost (SOTE allowances, % of the hourly wage)
    evening_allowance_pct: float = 15
    night_allowance_pct: float = 40
    saturday_allowance_pct: float = 20
    sunday_allowance_pct: float = 100
    holiday_allowance_pct: float = 100
    eve_allowance_pct: float = 100
    substitute_hourly_cost: float = 48.0  # agency substitute incl. premium, € per hour
    overtime_premium_pct: float = 50


class Profile(Model):
    """Weights of the soft terms (DESIGN §6). Units: per item unless the name says otherwise."""

    name: str = "balanced"
    open_shift: int = 1_000_000  # per open shift, on top of its substitute cost
    ratio_shortfall_minute: int = 3_000  # per direct-care minute missing from the ratio
    cost_cent: int = 1  # per euro cent of personnel cost
    below_target_staffing: int = 2_000  # per person below the target headcount
    hours_deviation_minute: int = 10  # per minute away from the employee's target
    # per minute beyond RuleSet.hours_kpi_tolerance_min (± 4 h): 1 h beyond costs about a third
    # of a TTL "strong overload" (20 000), so hours leave the KPI band only for a real reason
    hours_beyond_kpi_minute: int = 100
    # per employee outside that band at all: with 8-h shifts the band is often missed by minutes
    # (−4 h 12 min), which per-minute weights alone leave cheaper than paying one more shift
    hours_outside_kpi: int = 25_000
    wish: int = 8_000  # per unfulfilled wish, times (4 - priority)
    burden_elevated: int = 3_000
    burden_overload: int = 8_000
    burden_strong: int = 20_000
    single_day_off: int = 4_000
    missing_free_weekend: int = 6_000
    fairness: int = 15  # per 1/100 shift of the worst employee's FTE-relative load, per category
    continuity_change: int = 0  # per assignment changed against the reference roster
    cover: int = 1  # per person under/over a weighted cover row, times the row's weight


class Assignment(Model):
    employee: str
    date: date
    shift: str
    unit: str


class Instance(Model):
    name: str = "instance"
    start: date
    weeks: int = Field(6, ge=1, le=52)
    units: list[Unit] = Field(min_length=1)
    shift_types: list[ShiftType] = Field(min_length=1)
    employees: list[Employee] = Field(min_length=1)
    demand: list[Demand] = Field(default_factory=list)
    wishes: list[Wish] = Field(default_factory=list)
    absences: list[Absence] = Field(default_factory=list)
    rules: RuleSet = Field(default_factory=RuleSet)
    # Public holidays; None = Finnish holidays from the `holidays` package.
    public_holidays: list[date] | None = None
    reference_roster: list[Assignment] | None = None  # previous/published, for continuity

    @field_validator("start")
    @classmethod
    def _monday(cls, v: date) -> date:
        if v.weekday() != 0:
            raise ValueError(f"the period must start on a Monday, {v} is a {v.strftime('%A')}")
        return v

    @model_validator(mode="after")
    def _cross_check(self) -> Instance:
        from instances.validation import cross_check

        cross_check(self)
        return self

    # ---- derived views (cached: instances are not mutated after validation) ----
    @property
    def n_days(self) -> int:
        return self.weeks * 7

    @cached_property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.n_days)]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.n_days - 1)

    def day_index(self, d: date) -> int:
        return (d - self.start).days

    @cached_property
    def shift_by_id(self) -> dict[str, ShiftType]:
        return {s.id: s for s in self.shift_types}

    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def employee_by_id(self) -> dict[str, Employee]:
        return {e.id: e for e in self.employees}

    @cached_property
    def holiday_set(self) -> frozenset[date]:
        from instances.calendar import public_holidays

        if self.public_holidays is not None:
            return frozenset(self.public_holidays)
        return frozenset(public_holidays(self.start, self.end + timedelta(days=1)))

    @cached_property
    def absent_days(self) -> dict[str, set[int]]:
        """Employee id -> day indices with an absence (poissaolo)."""
        out: dict[str, set[int]] = {e.id: set() for e in self.employees}
        for a in self.absences:
            if a.employee not in out:  # reported by the cross-check as an unknown employee
                continue
            d = max(a.start, self.start)
            while d <= min(a.end, self.end):
                out[a.employee].add(self.day_index(d))
                d += timedelta(days=1)
        return out

    def shift_interval(self, day: int, shift: str) -> tuple[datetime, datetime]:
        st = self.shift_by_id[shift]
        base = datetime.combine(self.days[0], time()) + timedelta(days=day)
        return base + timedelta(minutes=st.start_min), base + timedelta(minutes=st.end_min)

    def windows(self, weeks: int = 3) -> list[range]:
        """Day-index ranges of consecutive `weeks`-week windows (the last may be shorter)."""
        step = weeks * 7
        return [range(s, min(s + step, self.n_days)) for s in range(0, self.n_days, step)]


class Roster(Model):
    """A finished roster: one row per worked shift (DESIGN §5)."""

    assignments: list[Assignment] = Field(default_factory=list)

    def by_employee_day(self) -> dict[tuple[str, date], Assignment]:
        return {(a.employee, a.date): a for a in self.assignments}
