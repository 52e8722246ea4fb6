"""Curtois & Qu shift-scheduling benchmark (schedulingbenchmarks.org): reader and solution CSV.

The text format is mapped onto the project's own model so that the same `constraints/` modules
encode and check it (no second solver): one ward "U"; day i is 2024-01-01 (a Monday) + i; shifts
start at 00:00 and last their length (none crosses midnight); staff limits become
`ContractLimits`; days off become absences; shift on/off requests become weighted wishes; cover
rows become `Demand` rows with under/over weights (one row for every day × shift type, so a
decision variable exists wherever somebody may work). `curtois_profile()` zeroes every weight but
`wish` and `cover`, so the objective is exactly the benchmark's.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path

from pydantic import ValidationError

from instances.models import (
    Absence,
    AbsenceKind,
    Assignment,
    ContractLimits,
    Demand,
    Employee,
    Instance,
    Profile,
    Roster,
    RuleSet,
    ShiftType,
    Unit,
    UnitKind,
    Wish,
    WishKind,
)
from instances.validation import InputError, format_validation_error

START = date(2024, 1, 1)  # a Monday: the benchmark's day 0
UNIT = "U"
SECTIONS = ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_DAYS_OFF",
            "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS", "SECTION_COVER")
SOLUTION_COLUMNS = ["employee", "day", "shift"]


def curtois_profile() -> Profile:
    """Every weight 0 except wishes and weighted cover: the benchmark objective, unscaled."""
    zero = {k: 0 for k, v in Profile.model_fields.items() if v.annotation is int}
    return Profile(**{**zero, "name": "curtois", "wish": 1, "cover": 1})


@dataclass
class _Line:
    no: int  # 1-based line number in the file
    fields: list[str]


@dataclass
class _Parse:
    name: str
    errs: list[str] = field(default_factory=list)

    def err(self, section: str, ln: _Line | None, text: str) -> None:
        where = f"{self.name} line {ln.no}" if ln is not None else self.name
        self.errs.append(f"{where} ({section}): {text}")

    def int_(self, section: str, ln: _Line, what: str, raw: str, lo: int = 0) -> int | None:
        try:
            v = int(raw.strip())
        except ValueError:
            self.err(section, ln, f"{what} '{raw.strip()}' is not a whole number")
            return None
        if v < lo:
            self.err(section, ln, f"{what} {v} is below {lo}")
            return None
        return v


def _sections(text: str, p: _Parse) -> dict[str, list[_Line]]:
    """Split into sections: a `SECTION_*` header, data lines up to a blank line; `#` comments."""
    out: dict[str, list[_Line]] = {}
    current: str | None = None
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            current = None
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                p.errs.append(f"{p.name} line {no}: unknown section '{line}'")
                current = None
                continue
            if line in out:
                p.errs.append(f"{p.name} line {no}: section {line} appears twice")
            current = line
            out[line] = []
            continue
        if current is None:
            p.errs.append(f"{p.name} line {no}: data outside a section: '{line[:40]}'")
            continue
        out[current].append(_Line(no, [f.strip() for f in line.split(",")]))
    return out


def _rows(sec: dict[str, list[_Line]], name: str, p: _Parse, n_min: int,
          n_max: int | None = None) -> Iterator[_Line]:
    for ln in sec.get(name, []):
        n = len(ln.fields)
        if n < n_min or (n_max is not None and n > n_max):
            want = f"{n_min}" if n_max == n_min else f"{n_min}–{n_max or 'many'}"
            p.err(name, ln, f"expected {want} comma-separated fields, found {n}")
            continue
        yield ln


def parse_curtois(text: str, name: str = "instance", source: str | None = None) -> Instance:
    """Parse the benchmark text format; every problem found is reported with its line.

    `name` becomes the instance name, `source` (default: the name) starts every error message.
    """
    p = _Parse(source or name)
    sec = _sections(text, p)
    for required in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF"):
        if required not in sec:
            p.errs.append(f"{p.name}: section {required} is missing")
    if p.errs:
        raise InputError(p.errs)

    # horizon
    horizon = 0
    hz = sec["SECTION_HORIZON"]
    if len(hz) != 1 or len(hz[0].fields) != 1:
        p.err("SECTION_HORIZON", hz[0] if hz else None, "expected one line with the number of days")
    else:
        horizon = p.int_("SECTION_HORIZON", hz[0], "horizon", hz[0].fields[0], lo=1) or 0
        if horizon and (horizon % 7 or horizon > 52 * 7):
            p.err("SECTION_HORIZON", hz[0], f"horizon {horizon} must be a multiple of 7 days, "
                  "at most 364")
            horizon = 0

    # shifts
    lengths: dict[str, int] = {}
    follow: dict[str, list[str]] = {}
    shift_lines: dict[str, _Line] = {}
    for ln in _rows(sec, "SECTION_SHIFTS", p, 2, 3):
        sid = ln.fields[0]
        if not sid:
            p.err("SECTION_SHIFTS", ln, "empty shift id")
            continue
        if sid in lengths:
            p.err("SECTION_SHIFTS", ln, f"shift '{sid}' is defined twice")
            continue
        m = p.int_("SECTION_SHIFTS", ln, f"shift '{sid}' length", ln.fields[1], lo=1)
        if m is not None and m > 24 * 60:
            p.err("SECTION_SHIFTS", ln, f"shift '{sid}' length {m} min exceeds 24 h")
            m = None
        lengths[sid] = m or 0
        shift_lines[sid] = ln
        follow[sid] = [s.strip() for s in (ln.fields[2] if len(ln.fields) > 2 else "").split("|")
                       if s.strip()]
    for sid, others in follow.items():
        for o in others:
            if o not in lengths:
                p.err("SECTION_SHIFTS", shift_lines[sid],
                      f"shift '{sid}' cannot-follow list names unknown shift '{o}'")
    if not lengths:
        p.errs.append(f"{p.name}: section SECTION_SHIFTS defines no shift")

    def day(section: str, ln: _Line, raw: str) -> int | None:
        d = p.int_(section, ln, "day", raw)
        if d is not None and horizon and d >= horizon:
            p.err(section, ln, f"day {d} is outside the horizon 0–{horizon - 1}")
            return None
        return d

    def shift(section: str, ln: _Line, raw: str) -> str | None:
        if raw not in lengths:
            p.err(section, ln, f"unknown shift '{raw}'")
            return None
        return raw

    # staff
    employees: list[Employee] = []
    staff_ids: set[str] = set()
    for ln in _rows(sec, "SECTION_STAFF", p, 8, 8):
        eid, max_raw, *nums = ln.fields
        if not eid or eid in staff_ids:
            p.err("SECTION_STAFF", ln, f"employee id '{eid}' is empty or defined twice")
            continue
        staff_ids.add(eid)
        max_shifts: dict[str, int] = {}
        for part in (x.strip() for x in max_raw.split("|") if x.strip()):
            sid, eq, n_raw = part.partition("=")
            if not eq:
                p.err("SECTION_STAFF", ln, f"employee '{eid}' MaxShifts '{part}' is not S=n")
                continue
            if shift("SECTION_STAFF", ln, sid.strip()) is None:
                continue
            n = p.int_("SECTION_STAFF", ln, f"employee '{eid}' MaxShifts of {sid.strip()}",
                       n_raw)
            if n is not None:
                max_shifts[sid.strip()] = n
        labels = ("MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts",
                  "MinConsecutiveShifts", "MinConsecutiveDaysOff", "MaxWeekends")
        vals = [p.int_("SECTION_STAFF", ln, f"employee '{eid}' {lab}", raw)
                for lab, raw in zip(labels, nums, strict=True)]
        if any(v is None for v in vals):
            continue
        max_min, min_min, max_cons, min_cons, min_off, max_we = (int(v) for v in vals)
        if min_min > max_min:
            p.err("SECTION_STAFF", ln, f"employee '{eid}' MinTotalMinutes {min_min} exceeds "
                  f"MaxTotalMinutes {max_min}")
            continue
        if max_cons < 1:
            p.err("SECTION_STAFF", ln, f"employee '{eid}' MaxConsecutiveShifts must be ≥ 1")
            continue
        # a shift type missing from MaxShifts is not limited; MaxShifts 0 = may not work it
        allowed = [s for s in lengths if max_shifts.get(s, 1) > 0]
        employees.append(Employee(
            id=eid, name=eid, units=[UNIT], competences=[], shift_types=allowed,
            limits=ContractLimits(max_shifts=max_shifts, min_minutes=min_min,
                                  max_minutes=max_min, min_consecutive_shifts=max(1, min_cons),
                                  max_consecutive_shifts=max_cons,
                                  min_consecutive_days_off=max(1, min_off),
                                  max_weekends=max_we)))

    def emp(section: str, ln: _Line, raw: str) -> str | None:
        if raw not in staff_ids:
            p.err(section, ln, f"unknown employee '{raw}'")
            return None
        return raw

    days = [START + timedelta(days=i) for i in range(max(horizon, 0))]

    # days off
    absences: list[Absence] = []
    for ln in _rows(sec, "SECTION_DAYS_OFF", p, 1):
        eid = emp("SECTION_DAYS_OFF", ln, ln.fields[0])
        for raw in ln.fields[1:]:
            if not raw:
                continue
            d = day("SECTION_DAYS_OFF", ln, raw)
            if eid is not None and d is not None and horizon:
                absences.append(Absence(employee=eid, start=days[d], end=days[d],
                                        kind=AbsenceKind.OTHER))

    # requests
    wishes: list[Wish] = []
    for section, kind in (("SECTION_SHIFT_ON_REQUESTS", WishKind.SHIFT),
                          ("SECTION_SHIFT_OFF_REQUESTS", WishKind.NOT_SHIFT)):
        for ln in _rows(sec, section, p, 4, 4):
            eid = emp(section, ln, ln.fields[0])
            d = day(section, ln, ln.fields[1])
            s = shift(section, ln, ln.fields[2])
            w = p.int_(section, ln, "weight", ln.fields[3])
            if None not in (eid, d, s, w) and horizon:
                assert eid is not None and d is not None
                wishes.append(Wish(employee=eid, kind=kind, date=days[d], shift=s, weight=w))

    # cover
    cover: dict[tuple[int, str], tuple[int, int, int]] = {}
    for ln in _rows(sec, "SECTION_COVER", p, 5, 5):
        d = day("SECTION_COVER", ln, ln.fields[0])
        s = shift("SECTION_COVER", ln, ln.fields[1])
        nums3 = [p.int_("SECTION_COVER", ln, lab, raw) for lab, raw in
                 zip(("requirement", "weight for under", "weight for over"), ln.fields[2:],
                     strict=True)]
        if d is None or s is None or any(v is None for v in nums3):
            continue
        if (d, s) in cover:
            p.err("SECTION_COVER", ln, f"a second cover row for day {d} shift {s}")
            continue
        cover[(d, s)] = tuple(int(v) for v in nums3)  # type: ignore[assignment]

    if not employees and not p.errs:
        p.errs.append(f"{p.name}: section SECTION_STAFF lists no employee")
    if p.errs:
        raise InputError(p.errs)

    demand = []
    for d in range(horizon):
        for s in lengths:
            req, wu, wo = cover.get((d, s), (0, 0, 0))
            demand.append(Demand(unit=UNIT, date=days[d], shift=s, minimum=0, target=req,
                                 weight_under=wu, weight_over=wo))
    shift_types = [ShiftType(id=s, name=s, start=time(0), end=_end(m), cannot_follow=follow[s])
                   for s, m in lengths.items()]
    raw = {"name": name, "start": START, "weeks": horizon // 7,
           "units": [Unit(id=UNIT, name="Curtois & Qu", kind=UnitKind.WARD)],
           "shift_types": shift_types, "employees": employees, "demand": demand,
           "wishes": wishes, "absences": absences, "public_holidays": [],
           "rules": RuleSet(catalogue="curtois", wish_cap_per_period=100_000)}
    try:
        return Instance.model_validate(raw)
    except ValidationError as err:
        raise InputError(format_validation_error(err, raw)) from None


def _end(minutes: int) -> time:
    m = minutes % (24 * 60)  # 24 h wraps to 00:00, i.e. start == end: a full day
    return time(m // 60, m % 60)


def read_curtois(path: str | Path) -> Instance:
    """Read `InstanceN.txt` (CRLF or LF line endings)."""
    p = Path(path)
    if not p.is_file():
        raise InputError([f"{p}: file not found"])
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError([f"{p}: not a text file ({err.reason})"]) from None
    return parse_curtois(text, p.stem, p.name)


# ------------------------------------------------------------------ solutions
def write_solution_csv(instance: Instance, roster: Roster, path: str | Path) -> None:
    """`employee,day,shift` with a 0-based day, one row per worked shift, in staff order."""
    order = {e.id: i for i, e in enumerate(instance.employees)}
    rows = sorted(roster.assignments, key=lambda a: (order.get(a.employee, len(order)),
                                                     a.employee, a.date, a.shift))
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(SOLUTION_COLUMNS)
        for a in rows:
            w.writerow([a.employee, instance.day_index(a.date), a.shift])


def read_solution_csv(instance: Instance, path: str | Path) -> Roster:
    """Read `employee,day,shift`; unknown ids and days outside the horizon reach the checker."""
    p = Path(path)
    if not p.is_file():
        raise InputError([f"{p}: file not found"])
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except UnicodeDecodeError as err:
        raise InputError([f"{p}: not a text file ({err.reason})"]) from None
    if not rows or [c.strip().lower() for c in rows[0]] != SOLUTION_COLUMNS:
        raise InputError([f"{p.name} line 1: expected the header {','.join(SOLUTION_COLUMNS)}"])
    errs: list[str] = []
    out: list[Assignment] = []
    for no, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 3:
            errs.append(f"{p.name} line {no}: expected 3 fields, found {len(row)}")
            continue
        e, d, s = (c.strip() for c in row)
        try:
            di = int(d)
        except ValueError:
            errs.append(f"{p.name} line {no} (employee '{e}'): day '{d}' is not a whole number")
            continue
        if not -10_000 < di < 10_000:
            errs.append(f"{p.name} line {no} (employee '{e}'): day {di} is far outside the "
                        f"horizon 0–{instance.n_days - 1}")
            continue
        out.append(Assignment(employee=e, date=instance.start + timedelta(days=di), shift=s,
                              unit=UNIT))
    if errs:
        raise InputError(errs)
    return Roster(assignments=out)
