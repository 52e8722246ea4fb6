"""Seeded generator of realistic Finnish rostering instances (DESIGN §4).

The instances are meant to be *solvable*: every employee has a hard ± 8 h band around the target
hours (§3 hard 6), so the demand is sized from the staff's capacity instead of the other way
round — the target headcount asks for about 93 % of the staff's target hours and the minimum for
about 80 %, and the scarce competences (lääkehoitolupa, night-capable permit holders) are checked
against the minimum they must cover. Elderly-care units get a client count that the staff can
meet under the staffing-ratio law (§3 hard 11) with a margin.

Same seed and arguments -> identical instance: one `random.Random(seed)`, consumed in a fixed
order, and no iteration over sets.

`PRESETS` name -> callable(seed): demo (ward of 30 + elderly unit of 17, 6 weeks), small (ward of
8, 3 weeks; for property tests), ward-30, elderly-17, mixed (all four unit kinds, float pool),
county-200 and county-1000 (wards and elderly units), region-30 … region-3000 (a resource
planner's region: wards, 24-hour care, home care, 5 % float pool; issue 4). The shipped
instances/demo/demo.json is `demo_instance()`; regenerate it with `python -m instances.generator`.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from importlib import resources
from pathlib import Path

from instances.calendar import public_holidays, target_minutes
from instances.io import instance_from_dict, write_instance
from instances.models import (
    ASSISTANT,
    LPN,
    MEDICATION_PERMIT,
    RN,
    Absence,
    AbsenceKind,
    Demand,
    Employee,
    Instance,
    RatioRule,
    RuleSet,
    ShiftType,
    Unit,
    UnitKind,
    Wish,
    WishKind,
)

DEFAULT_START = date(2027, 3, 1)  # a Monday; the 6 weeks contain Easter 2027
ECE_TEACHER = "varhaiskasvatuksen opettaja"
ECE_NURSE = "varhaiskasvatuksen lastenhoitaja"

SHIFT_A = ShiftType(id="A", name="aamu", start=time(7), end=time(15))
SHIFT_I = ShiftType(id="I", name="ilta", start=time(14), end=time(22))
SHIFT_Y = ShiftType(id="Y", name="yö", start=time(21), end=time(7))
SHIFT_P = ShiftType(id="P", name="päivä", start=time(8), end=time(16))
DEFAULT_SHIFT_TYPES = [SHIFT_A, SHIFT_I, SHIFT_Y]

# Demand sizing, as shares of the unit's total target hours (see the module docstring).
TARGET_SHARE = 0.93
MINIMUM_SHARE = 0.80
PERMIT_MARGIN = 1.3  # permit holders' hours >= 1.3 x the permit minimum they must cover
NIGHT_MARGIN = 1.5  # night-capable hours >= 1.5 x the night minimum (nights cost rest days)
RATIO_MARGIN = 0.9  # clients = 90 % of what the staff could carry under the ratio law
# Fewer staff than this cannot cover the unit's pattern under the hard rules (checked by CP-SAT).
MIN_STAFF = {UnitKind.WARD: 6, UnitKind.ELDERLY_24H: 6, UnitKind.HOME_CARE: 5,
             UnitKind.DAYCARE: 5}

FIRST_NAMES = [
    "Aino", "Anna", "Anni", "Eeva", "Elina", "Emilia", "Emma", "Hanna", "Heidi", "Helena",
    "Henna", "Iida", "Jenni", "Johanna", "Katja", "Kaisa", "Kirsi", "Laura", "Leena", "Liisa",
    "Maria", "Marika", "Marja", "Minna", "Niina", "Noora", "Outi", "Paula", "Pia", "Piia",
    "Riikka", "Sanna", "Satu", "Sari", "Suvi", "Tiina", "Tuija", "Ulla", "Veera", "Virpi",
    "Antti", "Janne", "Juha", "Jukka", "Mikko", "Matti", "Pekka", "Sami", "Timo", "Ville",
]
LAST_NAMES = [
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
    "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen",
    "Heikkilä", "Kinnunen", "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen",
    "Rantanen", "Karjalainen", "Jokinen", "Mattila", "Savolainen", "Lahtinen", "Ahonen",
    "Hiltunen", "Leppänen", "Kallio", "Miettinen", "Leinonen", "Lindholm", "Väisänen", "Aaltonen",
    "Manninen", "Rautio", "Pitkänen", "Räsänen", "Ojala", "Hirvonen", "Toivonen", "Hakala",
    "Peltonen", "Anttila", "Nurmi", "Seppälä",
]
_UNIT_NAMES = {
    UnitKind.WARD: "Osasto {k}",
    UnitKind.ELDERLY_24H: "Palvelukoti {k}",
    UnitKind.HOME_CARE: "Kotihoito {k}",
    UnitKind.DAYCARE: "Päiväkoti {k}",
}


@dataclass(frozen=True)
class UnitSpec:
    """What to generate for one unit; `clients` None on an elderly unit = sized from staff."""

    kind: UnitKind = UnitKind.WARD
    n_employees: int = 30
    clients: int | None = None
    name: str | None = None
    id: str | None = None


@dataclass(frozen=True)
class _Pattern:
    """Which shifts a unit kind staffs and how the day's hours split between them."""

    shifts: tuple[str, ...]  # day shifts (not nights), with their share of day hours
    shares: tuple[float, ...]
    night: bool  # staffs Y every night
    weekend_factor: float  # weekend/holiday demand relative to weekdays; 0 = closed
    permit_rows: bool  # lääkehoitolupa minimum 1 on every staffed shift
    night_share: float = 0.2  # share of the target hours spent on nights
    day_cap: float = 0.75  # a day's minimum headcount <= this x FTE present that day


_PATTERNS = {
    UnitKind.WARD: _Pattern(("A", "I"), (0.56, 0.44), True, 0.8, True, 0.2),
    UnitKind.ELDERLY_24H: _Pattern(("A", "I"), (0.55, 0.45), True, 0.85, True, 0.17),
    UnitKind.HOME_CARE: _Pattern(("A", "I"), (0.62, 0.38), False, 0.75, True),
    UnitKind.DAYCARE: _Pattern(("A", "P"), (0.5, 0.5), False, 0.0, False, day_cap=0.8),
}


def _spread(values: list[float]) -> list[int]:
    """Round a series so the running sum follows the real one (error diffusion)."""
    out: list[int] = []
    cum, prev = 0.0, 0
    for v in values:
        cum += v
        r = math.floor(cum + 0.5)
        out.append(r - prev)
        prev = r
    return out


def _unit_name(spec: UnitSpec, k: int) -> str:
    return spec.name or _UNIT_NAMES[spec.kind].format(k=k)


def _employees_for_unit(rng: random.Random, spec: UnitSpec, unit_id: str, first_id: int,
                        shift_ids: list[str], used_names: set[str]) -> list[Employee]:
    """Staff of one unit: competence mix, part-timers, night rules and wages (see module doc)."""
    n = spec.n_employees
    night_unit = _PATTERNS[spec.kind].night
    if spec.kind == UnitKind.DAYCARE:
        n_teach = max(1, round(n / 3))
        roles = ["teacher"] * n_teach + ["ece"] * (n - n_teach)
    else:
        n_rn = max(1, round(0.35 * n))
        n_asst = round(0.10 * n)
        n_lpn = n - n_rn - n_asst
        n_lpn_permit = round(0.4 * n_lpn)
        roles = (["rn"] * n_rn + ["lpn+"] * n_lpn_permit + ["lpn"] * (n_lpn - n_lpn_permit)
                 + ["asst"] * n_asst)
    rng.shuffle(roles)
    idx = list(range(n))
    part_timers = set(rng.sample(idx, round(0.2 * n)))
    night_workers: list[int] = []
    night_excluded: list[int] = []
    if night_unit:
        permit_idx = [i for i in idx if roles[i] in ("rn", "lpn+")]
        night_workers = sorted(rng.sample(permit_idx, min(len(permit_idx), round(0.07 * n))))
        rest = [i for i in idx if i not in night_workers]
        night_excluded = sorted(rng.sample(rest, min(len(rest), round(0.08 * n))))

    if spec.kind == UnitKind.DAYCARE:
        allowed_all = ["A", "P"]
    elif spec.kind == UnitKind.HOME_CARE:
        allowed_all = ["A", "I"]
    else:
        allowed_all = ["A", "I", "Y"]
    out: list[Employee] = []
    for i in idx:
        name = ""
        for _ in range(50):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in used_names:
                break
        used_names.add(name)
        role = roles[i]
        comps, wage = {
            "rn": ([RN, MEDICATION_PERMIT], rng.uniform(21.0, 25.0)),
            "lpn+": ([LPN, MEDICATION_PERMIT], rng.uniform(18.5, 21.0)),
            "lpn": ([LPN], rng.uniform(18.0, 20.5)),
            "asst": ([ASSISTANT], rng.uniform(16.0, 17.0)),
            "teacher": ([ECE_TEACHER], rng.uniform(19.5, 22.5)),
            "ece": ([ECE_NURSE], rng.uniform(17.5, 19.5)),
        }[role]
        part_time = rng.choice([0.6, 0.7, 0.75, 0.8]) if i in part_timers else 1.0
        if i in night_workers:
            allowed = ["Y"]
        elif i in night_excluded:
            allowed = [s for s in allowed_all if s != "Y"]
        else:
            allowed = list(allowed_all)
        out.append(Employee(
            id=f"e{first_id + i:03d}", name=name, units=[unit_id], competences=comps,
            part_time=part_time, shift_types=[s for s in allowed if s in shift_ids],
            hourly_wage=round(wage, 2), night_worker=i in night_workers,
        ))
    return out


def _absences(rng: random.Random, employees: list[Employee], start: date,
              n_days: int) -> list[Absence]:
    """Annual-leave blocks for ~15 % of staff, spread over the weeks, and a few training days."""
    out: list[Absence] = []
    n = len(employees)
    n_leave = round(0.15 * n)
    n_weeks = n_days // 7
    on_leave = rng.sample(range(n), n_leave)
    weeks = list(range(n_weeks))
    rng.shuffle(weeks)
    for j, i in enumerate(on_leave):
        length = rng.randint(5, 10)
        offset = weeks[j % n_weeks] * 7 + (0 if rng.random() < 0.7 else rng.randint(1, 4))
        offset = min(offset, max(0, n_days - length))
        first = start + timedelta(days=offset)
        last = min(first + timedelta(days=length - 1), start + timedelta(days=n_days - 1))
        out.append(Absence(employee=employees[i].id, start=first, end=last,
                           kind=AbsenceKind.ANNUAL_LEAVE))
    others = [i for i in range(n) if i not in on_leave]
    hol = set(public_holidays(start, start + timedelta(days=n_days)))
    weekdays = [k for k in range(n_days) if (start + timedelta(days=k)).weekday() < 5
                and start + timedelta(days=k) not in hol]
    for i in rng.sample(others, min(len(others), max(1 if n >= 8 else 0, round(0.08 * n)))):
        d = start + timedelta(days=rng.choice(weekdays))
        out.append(Absence(employee=employees[i].id, start=d, end=d, kind=AbsenceKind.TRAINING))
    return out


def _wishes(rng: random.Random, employees: list[Employee], absences: list[Absence],
            start: date, n_days: int, cap: int) -> list[Wish]:
    """3–5 wishes each (never above the cap): days off (often weekends), shifts, not-shifts."""
    absent: dict[str, set[int]] = {e.id: set() for e in employees}
    for a in absences:
        for k in range((a.start - start).days, (a.end - start).days + 1):
            absent[a.employee].add(k)
    out: list[Wish] = []
    for e in employees:
        k = rng.randint(min(3, cap), min(5, cap))
        free = [d for d in range(n_days) if d not in absent[e.id]]
        weights = [2.0 if (start + timedelta(days=d)).weekday() >= 4 else 1.0 for d in free]
        days: list[int] = []
        while len(days) < min(k, len(free)):
            d = rng.choices(free, weights)[0]
            if d not in days:
                days.append(d)
        allowed = e.shift_types or ["A", "I", "Y"]
        for d in sorted(days):
            kind = rng.choices([WishKind.DAY_OFF, WishKind.SHIFT, WishKind.NOT_SHIFT],
                               [0.5, 0.25, 0.25])[0]
            if len(allowed) < 2:
                kind = WishKind.DAY_OFF  # a night-only worker wishes days off, not shifts
            shift = None if kind == WishKind.DAY_OFF else rng.choice(allowed)
            out.append(Wish(employee=e.id, kind=kind, date=start + timedelta(days=d),
                            shift=shift, priority=rng.choices([1, 2, 3], [2, 5, 3])[0]))
    return out


def _closed(pattern: _Pattern, d: date, holidays: frozenset[date]) -> bool:
    return pattern.weekend_factor == 0 and (d.weekday() >= 5 or d in holidays)


def _unit_demand(inst: Instance, unit: Unit, staff: list[Employee]) -> list[Demand]:
    """Per-day/shift demand worth ~93 % (target) and ~80 % (minimum) of the staff's hours."""
    pat = _PATTERNS[unit.kind]
    capacity_h = sum(target_minutes(inst, e) for e in staff) / 60
    lengths = {s.id: s.minutes / 60 for s in inst.shift_types}
    hol = inst.holiday_set
    days = inst.days
    per_day = capacity_h / inst.n_days
    night_t = night_m = 0
    if pat.night:
        night_t = max(1, round(pat.night_share * TARGET_SHARE * per_day / lengths["Y"]))
        night_m = max(1, round(0.85 * night_t))
    weight = [0.0 if _closed(pat, d, hol) else
              (pat.weekend_factor if d.weekday() >= 5 or d in hol else 1.0) for d in days]
    wsum = sum(weight) or 1.0
    day_target_h = max(0.0, TARGET_SHARE * capacity_h - night_t * lengths.get("Y", 0) * len(days))
    day_min_h = max(0.0, MINIMUM_SHARE * capacity_h - night_m * lengths.get("Y", 0) * len(days))
    mu = min(1.0, day_min_h / day_target_h) if day_target_h else 0.0
    lo = 1 if pat.permit_rows else 0
    rows: list[Demand] = []
    table: dict[str, tuple[list[int], list[int]]] = {}
    for sid, share in zip(pat.shifts, pat.shares, strict=True):
        real = [day_target_h * share / lengths[sid] * w / wsum for w in weight]
        tgt = [max(lo, t) if w else 0 for t, w in zip(_spread(real), weight, strict=True)]
        mins = _spread([mu * r for r in real])
        table[sid] = (tgt, [min(t, max(lo if t else 0, m)) for t, m in zip(tgt, mins,
                                                                            strict=True)])
    if pat.night:
        table["Y"] = ([night_t] * len(days), [night_m] * len(days))
    order = [s for s in ("A", "P", "I", "Y") if s in table]
    # Absences cluster by chance: keep each day's minimum within the staff present that day.
    for k in range(len(days)):
        present = sum(e.part_time for e in staff if k not in inst.absent_days[e.id])
        cap = math.floor(present * pat.day_cap)
        while sum(table[s][1][k] for s in order) > cap:
            sid = max(pat.shifts, key=lambda s: table[s][1][k])
            if table[sid][1][k] <= lo:
                break
            table[sid][1][k] -= 1
    for k, d in enumerate(days):
        for sid in order:
            tgt, mins = table[sid]
            if tgt[k] == 0:
                continue
            rows.append(Demand(unit=unit.id, date=d, shift=sid, minimum=mins[k], target=tgt[k]))
            if pat.permit_rows:
                rows.append(Demand(unit=unit.id, date=d, shift=sid,
                                   competence=MEDICATION_PERMIT, minimum=1, target=1))
            elif unit.kind == UnitKind.DAYCARE:
                rows.append(Demand(unit=unit.id, date=d, shift=sid, competence=ECE_TEACHER,
                                   minimum=1, target=1))
    return rows


def _ensure_scarce_skills(inst: Instance, unit: Unit, demand: list[Demand],
                          employees: list[Employee]) -> None:
    """Qualify more staff until the competence and night minimums fit, with a margin.

    Small units need most of their nurses to hold a lääkehoitolupa: with three shifts a day,
    three of the ~4.5 shifts worked daily need a permit holder. LPNs get the permit first, then
    assistants are made permit-holding LPNs; in a daycare, childcare workers become teachers.
    """
    lengths = {s.id: s.minutes / 60 for s in inst.shift_types}
    staff = [e for e in employees if e.home_unit == unit.id]
    target_h = {e.id: target_minutes(inst, e) / 60 for e in staff}
    rows = [d for d in demand if d.unit == unit.id]
    scarce = MEDICATION_PERMIT if unit.kind != UnitKind.DAYCARE else ECE_TEACHER
    need = sum(lengths[d.shift] * d.minimum for d in rows if d.competence == scarce)
    need_night_q = sum(lengths[d.shift] * d.minimum for d in rows
                       if d.shift == "Y" and d.competence == scarce)
    need_night = sum(lengths[d.shift] * d.minimum for d in rows
                     if d.shift == "Y" and d.competence is None)

    def night_ok(e: Employee) -> bool:
        return "Y" in (e.shift_types or ["Y"])

    def qualified(e: Employee) -> bool:
        return scarce in e.competences

    def cap(pred: Callable[[Employee], bool]) -> float:
        return sum(target_h[e.id] for e in staff if pred(e))

    def upgrade(pred: Callable[[Employee], bool]) -> bool:
        for role in (LPN, ASSISTANT, ECE_NURSE):
            cands = [e for e in staff if role in e.competences and not qualified(e) and pred(e)]
            if not cands:
                continue
            e = max(cands, key=lambda x: (x.part_time, x.id))
            if role == ASSISTANT:
                e.competences = [LPN, MEDICATION_PERMIT]
                e.hourly_wage = round(e.hourly_wage + 2.0, 2)
            elif role == ECE_NURSE:
                e.competences = [ECE_TEACHER]
                e.hourly_wage = round(e.hourly_wage + 2.0, 2)
            else:
                e.competences.append(MEDICATION_PERMIT)
            return True
        return False

    while cap(qualified) < PERMIT_MARGIN * need and upgrade(lambda e: True):
        pass
    while (cap(lambda e: qualified(e) and night_ok(e)) < NIGHT_MARGIN * need_night_q
           and upgrade(night_ok)):
        pass
    while cap(night_ok) < NIGHT_MARGIN * need_night:
        excluded = [e for e in staff if not night_ok(e) and not e.night_worker]
        if not excluded:
            break
        e = excluded[0]
        e.shift_types = sorted({*(e.shift_types or []), "Y"}, key="AIPY".index)


def _ratio_clients(inst: Instance, unit: Unit, ratio: float, window_weeks: int = 3) -> int:
    """Clients the unit's staff can carry under the ratio law in its worst window, with margin."""
    staff = [e for e in inst.employees if e.home_unit == unit.id]
    rules = inst.rules
    best = math.inf
    for window in inst.windows(window_weeks):
        direct = 0.0
        for e in staff:
            absent = inst.absent_days[e.id]
            avail_all = sum(1 for k in range(inst.n_days) if k not in absent) or 1
            avail_w = sum(1 for k in window if k not in absent)
            direct += e.direct_care_share * target_minutes(inst, e) * avail_w / avail_all
        weeks = len(window) / 7
        best = min(best, direct / (rules.standard_week_minutes * weeks))
    return max(1, math.floor(best / ratio * RATIO_MARGIN))


def generate(seed: int = 0, units: list[UnitSpec] | None = None, weeks: int = 6,
             start: date | None = None, name: str = "generated", float_pool: int = 0,
             rules: RuleSet | None = None) -> Instance:
    """A realistic, solvable instance; `float_pool` employees may also work in every other unit.

    Default: one ward of 30 for 6 weeks from 2027-03-01 (Easter 2027 inside the period).
    """
    start = start or DEFAULT_START
    if start.weekday() != 0:
        raise ValueError(f"the period must start on a Monday, {start} is not")
    specs = units or [UnitSpec()]
    rules = rules or RuleSet()
    rng = random.Random(seed)
    n_days = weeks * 7
    kinds = {s.kind for s in specs}
    shift_types = list(DEFAULT_SHIFT_TYPES)
    if kinds & {UnitKind.HOME_CARE, UnitKind.DAYCARE}:
        shift_types.append(SHIFT_P)
    shift_ids = [s.id for s in shift_types]

    unit_models: list[Unit] = []
    employees: list[Employee] = []
    absences: list[Absence] = []
    used_names: set[str] = set()
    for k, spec in enumerate(specs, 1):
        least = MIN_STAFF[spec.kind]
        if spec.n_employees < least:
            raise ValueError(f"unit {k} ({spec.kind.value}): {spec.n_employees} employees cannot "
                             f"staff it within the working-time rules; use at least {least}")
        uid = spec.id or f"u{k}"
        unit_models.append(Unit(id=uid, name=_unit_name(spec, k), kind=spec.kind))
        staff = _employees_for_unit(rng, spec, uid, len(employees) + 1, shift_ids, used_names)
        absences += _absences(rng, staff, start, n_days)
        employees += staff
    if float_pool and len(unit_models) > 1:
        # Float pool (varahenkilöstö): nurses float between nursing units, ECE staff between
        # daycares; shift rights stay as in the contract.
        group = {u.id: u.kind == UnitKind.DAYCARE for u in unit_models}
        for e in rng.sample(employees, min(float_pool, len(employees))):
            e.units = [e.home_unit] + [u.id for u in unit_models
                                       if u.id != e.home_unit and group[u.id] == group[e.home_unit]]
    wishes = _wishes(rng, employees, absences, start, n_days, rules.wish_cap_per_period)

    base = Instance(name=name, start=start, weeks=weeks, units=unit_models,
                    shift_types=shift_types, employees=employees, absences=absences,
                    wishes=wishes, rules=rules)
    demand: list[Demand] = []
    for unit, spec in zip(unit_models, specs, strict=True):
        staff = [e for e in employees if e.home_unit == unit.id]
        rows = _unit_demand(base, unit, staff)
        _ensure_scarce_skills(base, unit, rows, employees)
        demand += rows
        if spec.kind == UnitKind.ELDERLY_24H:
            clients = spec.clients or _ratio_clients(base, unit, 0.6)
            unit.ratio_rule = RatioRule(clients=clients, ratio=0.6)
    # Rebuild through the validating path so the result is exactly what a JSON round trip gives.
    raw = Instance.model_construct(
        name=name, start=start, weeks=weeks, units=unit_models, shift_types=shift_types,
        employees=employees, demand=demand, wishes=wishes, absences=absences, rules=rules,
        public_holidays=None, reference_roster=None,
    )
    return instance_from_dict(json.loads(raw.model_dump_json()))


# ---------------------------------------------------------------------------------------------
# Presets and the demo

DEMO_SEED = 0
DEMO_UNITS = [
    UnitSpec(kind=UnitKind.WARD, n_employees=30, name="Osasto 3", id="os3"),
    UnitSpec(kind=UnitKind.ELDERLY_24H, n_employees=17, name="Palvelukoti Koivula", id="koivula"),
]


def demo_instance(seed: int = DEMO_SEED) -> Instance:
    """The default demo: ward of 30 + 24-hour elderly care unit of 17, 6 weeks from 2027-03-01."""
    return generate(seed=seed, units=DEMO_UNITS, weeks=6, start=DEFAULT_START,
                    name="demo: Osasto 3 + Palvelukoti Koivula, kevät 2027")


def load_demo() -> Instance:
    """The demo as shipped in instances/demo/demo.json (works from an installed package)."""
    text = resources.files("instances").joinpath("demo/demo.json").read_text(encoding="utf-8")
    return instance_from_dict(json.loads(text))


def write_demo(path: str | Path | None = None) -> Path:
    """Regenerate instances/demo/demo.json (run `python -m instances.generator`)."""
    p = Path(path) if path else Path(__file__).parent / "demo" / "demo.json"
    p.parent.mkdir(parents=True, exist_ok=True)
    write_instance(demo_instance(), p)
    return p


def _region(seed: int, n_total: int, name: str, *, home_care: bool = True,
            float_share: float = 0.05, floats_per_unit: int | None = None) -> Instance:
    """A resource planner's region: units of 18–36 staff summing to `n_total` and a float pool.

    Units cycle ward, ward, 24-hour elderly care (ratio rule) and, with `home_care`, a home-care
    team; `float_share` of the staff (varahenkilöstö; or `floats_per_unit` per unit) may also
    work in every other unit of their group. 1000 employees make 30–40 units.
    """
    rng = random.Random(10_000 + seed)
    cycle = [UnitKind.WARD, UnitKind.WARD, UnitKind.ELDERLY_24H]
    if home_care:
        cycle.append(UnitKind.HOME_CARE)
    specs: list[UnitSpec] = []
    left = n_total
    while left > 0:
        size = min(left, rng.randint(18, 36))
        if left - size < 12:
            size = left
        specs.append(UnitSpec(kind=cycle[len(specs) % len(cycle)], n_employees=size))
        left -= size
    floats = (len(specs) * floats_per_unit if floats_per_unit is not None
              else max(len(specs), round(n_total * float_share)))
    return generate(seed=seed, units=specs, weeks=6, name=name, float_pool=floats)


def _county(seed: int, n_total: int, name: str) -> Instance:
    """Wards and elderly units only, two float-pool employees per unit (the earlier preset)."""
    return _region(seed, n_total, name, home_care=False, floats_per_unit=2)


PRESETS: dict[str, Callable[[int], Instance]] = {
    "demo": lambda seed=DEMO_SEED: demo_instance(seed),
    "small": lambda seed=0: generate(seed, [UnitSpec(UnitKind.WARD, 8, name="Pieni osasto")],
                                     weeks=3, name="small"),
    "ward-30": lambda seed=0: generate(seed, [UnitSpec(UnitKind.WARD, 30, name="Osasto 3")],
                                       weeks=6, name="ward-30"),
    "elderly-17": lambda seed=0: generate(
        seed, [UnitSpec(UnitKind.ELDERLY_24H, 17, name="Palvelukoti Koivula")], weeks=6,
        name="elderly-17"),
    "mixed": lambda seed=0: generate(seed, [
        UnitSpec(UnitKind.WARD, 20), UnitSpec(UnitKind.ELDERLY_24H, 15),
        UnitSpec(UnitKind.HOME_CARE, 15), UnitSpec(UnitKind.DAYCARE, 10)],
        weeks=3, name="mixed", float_pool=3),
    "county-200": lambda seed=0: _county(seed, 200, "county-200"),
    "county-1000": lambda seed=0: _county(seed, 1000, "county-1000"),
    # a resource planner's region (issue 4): wards, 24-hour care, home care, 5 % float pool
    "region-30": lambda seed=0: _region(seed, 30, "region-30"),
    "region-100": lambda seed=0: _region(seed, 100, "region-100"),
    "region-300": lambda seed=0: _region(seed, 300, "region-300"),
    "region-1000": lambda seed=0: _region(seed, 1000, "region-1000"),
    "region-3000": lambda seed=0: _region(seed, 3000, "region-3000"),
}


def demand_summary(inst: Instance) -> dict[str, dict[str, float]]:
    """Per unit: staff, FTE, target hours and the hours the demand asks for (sizing sanity)."""
    lengths = {s.id: s.minutes / 60 for s in inst.shift_types}
    out: dict[str, dict[str, float]] = {}
    for u in inst.units:
        staff = [e for e in inst.employees if e.home_unit == u.id]
        rows = [d for d in inst.demand if d.unit == u.id and d.competence is None]
        out[u.id] = {
            "employees": len(staff),
            "fte": round(sum(e.part_time for e in staff), 2),
            "target_hours": round(sum(target_minutes(inst, e) for e in staff) / 60, 1),
            "demand_target_hours": sum(lengths[d.shift] * (d.target or 0) for d in rows),
            "demand_minimum_hours": sum(lengths[d.shift] * d.minimum for d in rows),
            "demand_rows": sum(1 for d in inst.demand if d.unit == u.id),
            "clients": u.ratio_rule.clients if u.ratio_rule else 0,
        }
    return out


if __name__ == "__main__":
    print(write_demo())
    for uid, row in demand_summary(load_demo()).items():
        print(uid, row)
