"""CSV / Excel import and export of an instance, for planners who keep their data in sheets.

A planning period is a set of tables: a folder of CSV files (``employees.csv`` ...), or one Excel
workbook with one sheet per table (sheet names as the table names), or pandas DataFrames. Every
table has a header row; column names are case-insensitive (Finnish aliases in brackets also
work); columns named ``note``/``notes``/``huom`` or starting with ``#`` are ignored, any other
unknown column is an error (so a misspelt ``part_tme`` is not silently dropped). Blank rows are
skipped. CSV files may be comma- or semicolon-separated (Finnish Excel), UTF-8 or Windows-1252.

``period`` (optional; function arguments override it) — one row
    name, start (the Monday the period starts), weeks
``units`` (optional; default: one ward per unit id named in employees.units)
    id, name, kind (ward | elderly_24h | home_care | daycare; also osasto, palvelukoti,
    kotihoito, päiväkoti), clients + ratio + window_weeks (staffing-ratio rule; empty = none),
    short_rest_allowed, night_work_trial
``shift_types`` (optional; default A 07–15, I 14–22, Y 21–07, and P 08–16 if "P" is used)
    id, name, start (HH:MM), end (HH:MM; end <= start means the next day)
``employees`` [työntekijät] (required)
    id [tunnus], name [nimi], units [yksiköt] (separated by ; , or |; the first is the home
    unit), competences [osaaminen] (separated likewise), part_time (0.8 or "80 %"; empty = 1),
    shift_types [vuorot] (allowed shift ids; empty = all), hourly_wage [tuntipalkka]
    (empty = 22), direct_care_share (empty = 0.9), night_worker (1/0, kyllä/ei, x)
``demand`` [tarve]
    unit, date, shift, competence (empty = any care staff), minimum, target (empty = minimum)
``wishes`` [toiveet]
    employee, kind (day_off | shift | not_shift; also vapaa, vuoro, ei_vuoro), date, shift
    (needed unless day_off), priority (1 = most important .. 3; empty = 2)
``absences`` [poissaolot]
    employee, start, end (inclusive; empty = start), kind (vuosiloma | koulutus | sairausloma |
    muu, or L/K/S/M; empty = vuosiloma)
``locked`` [lukitut] (optional, pre-assigned shifts)
    employee, date, shift, unit (empty = home unit)
``rules`` (optional) — key, value rows overriding RuleSet fields, e.g. ``wish_cap_per_period,4``

Dates are ISO (2027-03-01) or Finnish (1.3.2027), or date cells in Excel. Decimal commas work.

Bad input raises `InputError` listing every problem found, each naming the file, the line (CSV
line number counting the header as line 1; Excel row number), the record and the field, e.g.
``wishes.csv line 4 (employee 'e17'), date: '2026-02-30' is not a date``. Nothing is returned
half-built: the final assembly goes through `instance_from_dict`, so the Instance cross-checks
apply too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from instances.generator import DEFAULT_SHIFT_TYPES, SHIFT_P
from instances.io import instance_from_dict
from instances.models import (
    Absence,
    AbsenceKind,
    Demand,
    Employee,
    Instance,
    RuleSet,
    ShiftType,
    Unit,
    UnitKind,
    Wish,
    WishKind,
)
from instances.validation import STANDARD_COMPETENCES, InputError

TABLES = ("period", "units", "shift_types", "employees", "demand", "wishes", "absences",
          "locked", "rules")

COLUMNS: dict[str, tuple[str, ...]] = {
    "period": ("name", "start", "weeks"),
    "units": ("id", "name", "kind", "clients", "ratio", "window_weeks", "short_rest_allowed",
              "night_work_trial"),
    "shift_types": ("id", "name", "start", "end"),
    "employees": ("id", "name", "units", "competences", "part_time", "shift_types",
                  "hourly_wage", "direct_care_share", "night_worker"),
    "demand": ("unit", "date", "shift", "competence", "minimum", "target"),
    "wishes": ("employee", "kind", "date", "shift", "priority"),
    "absences": ("employee", "start", "end", "kind"),
    "locked": ("employee", "date", "shift", "unit"),
    "rules": ("key", "value"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "period": (), "units": ("id",), "shift_types": ("id", "start", "end"),
    "employees": ("id", "units"), "demand": ("unit", "date", "shift", "minimum"),
    "wishes": ("employee", "kind", "date"), "absences": ("employee", "start"),
    "locked": ("employee", "date", "shift"), "rules": ("key", "value"),
}
_ALIASES = {
    "tunnus": "id", "nimi": "name", "yksiköt": "units", "yksikkö": "unit", "osaaminen":
    "competences", "pätevyydet": "competences", "osa-aikaisuus": "part_time", "vuorot":
    "shift_types", "tuntipalkka": "hourly_wage", "työntekijä": "employee", "päivä": "date",
    "pvm": "date", "vuoro": "shift", "prioriteetti": "priority", "laji": "kind", "tyyppi": "kind",
    "alku": "start", "loppu": "end", "minimi": "minimum", "tavoite": "target",
    "yövuorolainen": "night_worker", "asiakkaat": "clients", "viikot": "weeks",
}
_SHEET_ALIASES = {
    "työntekijät": "employees", "tarve": "demand", "toiveet": "wishes",
    "poissaolot": "absences", "lukitut": "locked", "yksiköt": "units", "vuorot": "shift_types",
    "jakso": "period", "säännöt": "rules",
}
_IGNORED = re.compile(r"^(#.*|notes?|huom.*|lisätiedot)$")
_WISH_KINDS = {"day_off": WishKind.DAY_OFF, "vapaa": WishKind.DAY_OFF,
               "vapaatoive": WishKind.DAY_OFF, "shift": WishKind.SHIFT, "vuoro": WishKind.SHIFT,
               "toivevuoro": WishKind.SHIFT, "not_shift": WishKind.NOT_SHIFT,
               "ei_vuoro": WishKind.NOT_SHIFT, "ei vuoroa": WishKind.NOT_SHIFT}
_ABSENCE_KINDS = {k.value: k for k in AbsenceKind} | {
    "l": AbsenceKind.ANNUAL_LEAVE, "loma": AbsenceKind.ANNUAL_LEAVE,
    "annual_leave": AbsenceKind.ANNUAL_LEAVE, "k": AbsenceKind.TRAINING,
    "training": AbsenceKind.TRAINING, "s": AbsenceKind.SICK_LEAVE,
    "sick_leave": AbsenceKind.SICK_LEAVE, "m": AbsenceKind.OTHER, "other": AbsenceKind.OTHER}
_UNIT_KINDS = {k.value: k for k in UnitKind} | {
    "osasto": UnitKind.WARD, "palvelukoti": UnitKind.ELDERLY_24H,
    "ympärivuorokautinen": UnitKind.ELDERLY_24H, "kotihoito": UnitKind.HOME_CARE,
    "päiväkoti": UnitKind.DAYCARE, "varhaiskasvatus": UnitKind.DAYCARE}
_TRUE = {"1", "true", "yes", "y", "x", "kyllä", "k", "on"}
_FALSE = {"", "0", "false", "no", "n", "ei", "e", "off"}

TableSource = str | Path | pd.DataFrame


class _RowError(ValueError):
    """A cell that cannot be read; `field` names the column."""

    def __init__(self, field_: str, msg: str):
        super().__init__(msg)
        self.field = field_


class _RowErrors(Exception):
    """Several cross-reference problems in one row."""

    def __init__(self, items: list[tuple[str, str]]):
        super().__init__("; ".join(m for _, m in items))
        self.items = items


@dataclass
class _Table:
    """One table's rows as {column: cell}, with the line/row number a person sees."""

    name: str
    label: str  # "wishes.csv", "plan.xlsx sheet 'wishes'", "wishes table"
    row_word: str  # "line" (CSV) or "row" (Excel, DataFrame)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def where(self, line: int, who: str = "") -> str:
        return f"{self.label} {self.row_word} {line}{f' ({who})' if who else ''}"


# ---------------------------------------------------------------------------------------------
# loading


def _column(name: object) -> str:
    c = str(name).strip().lower().replace(" ", "_")
    return _ALIASES.get(c, c)


def _clean(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, str):
        return v.strip()
    return v


def _from_frame(df: pd.DataFrame, name: str, label: str, row_word: str, first_line: int,
                errs: list[str]) -> _Table | None:
    table = _Table(name, label, row_word)
    cols = [_column(c) for c in df.columns]
    known = COLUMNS[name]
    if name == "employees":  # "units" / "unit" both fine here
        cols = ["units" if c == "unit" else c for c in cols]
    if name in ("demand", "locked"):
        cols = ["unit" if c == "units" else c for c in cols]
    if name == "demand":
        cols = ["competence" if c == "competences" else c for c in cols]
    bad = [str(orig) for orig, c in zip(df.columns, cols, strict=True)
           if c not in known and not _IGNORED.match(c) and not str(orig).startswith("Unnamed")]
    missing = [c for c in REQUIRED[name] if c not in cols]
    if bad:
        errs.append(f"{label}: unknown column(s) {', '.join(repr(b) for b in bad)}; "
                    f"expected {','.join(known)}")
    if missing:
        errs.append(f"{label}: missing column(s) {', '.join(missing)}; "
                    f"expected {','.join(known)}")
    if bad or missing:
        return None
    keep = [i for i, c in enumerate(cols) if c in known]
    for k, values in enumerate(df.itertuples(index=False, name=None)):
        row = {cols[i]: _clean(values[i]) for i in keep}
        if all(v == "" for v in row.values()):
            continue
        table.rows.append((first_line + k, row))
    return table


def _read_csv(path: Path, name: str, errs: list[str]) -> _Table | None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:  # Excel's "CSV (semicolon)" on Finnish Windows
        text = raw.decode("cp1252", errors="replace")
    header = text.splitlines()[0] if text.strip() else ""
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        df = pd.read_csv(StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                         skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        errs.append(f"{path.name}: not a readable CSV file ({str(err).strip()})")
        return None
    return _from_frame(df, name, path.name, "line", 2, errs)


def _read_excel_sheet(path: Path, sheet: str | int, name: str, errs: list[str]) -> _Table | None:
    df = pd.read_excel(path, sheet_name=sheet, dtype=object)
    label = f"{path.name} sheet '{sheet}'" if isinstance(sheet, str) else path.name
    return _from_frame(df, name, label, "row", 2, errs)


def _load(src: TableSource | None, name: str, errs: list[str]) -> _Table | None:
    if src is None:
        return None
    if isinstance(src, pd.DataFrame):
        return _from_frame(src, name, f"{name} table", "row", 2, errs)
    p = Path(src)
    if not p.exists():
        errs.append(f"{p}: file not found")
        return None
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            sheets = pd.ExcelFile(p).sheet_names
        except (ValueError, OSError) as err:
            errs.append(f"{p.name}: not a readable Excel workbook ({err})")
            return None
        match = [s for s in sheets if _SHEET_ALIASES.get(s.strip().lower(), s.strip().lower())
                 == name]
        return _read_excel_sheet(p, match[0] if match else 0, name, errs)
    return _read_csv(p, name, errs)


# ---------------------------------------------------------------------------------------------
# cell parsers (raise _RowError naming the column)


def _text(row: dict[str, Any], col: str, required: bool = False) -> str:
    v = row.get(col, "")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = "" if v is None else str(v).strip()
    if required and not s:
        raise _RowError(col, "this field is required")
    return s


def _opt(row: dict[str, Any], col: str) -> str | None:
    return _text(row, col) or None


def _date(row: dict[str, Any], col: str, required: bool = True) -> date | None:
    v = row.get(col, "")
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = str(v).strip()
    if not s:
        if required:
            raise _RowError(col, "this field is required")
        return None
    try:
        if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", s):
            d, m, y = (int(x) for x in s.split("."))
            return date(y, m, d)
        return date.fromisoformat(s[:10] if re.fullmatch(r"\d{4}-\d\d-\d\d[ T]00:00(:00)?", s)
                                  else s)
    except ValueError:
        raise _RowError(col, f"'{s}' is not a date") from None


def _time(row: dict[str, Any], col: str) -> time:
    v = row.get(col, "")
    if isinstance(v, time):
        return v
    if isinstance(v, datetime):
        return v.time()
    s = str(v).strip()
    m = re.fullmatch(r"(\d{1,2})[:.](\d\d)(?::00)?", s) or re.fullmatch(r"(\d{1,2})()", s)
    if m and int(m.group(1)) < 24 and int(m.group(2) or 0) < 60:
        return time(int(m.group(1)), int(m.group(2) or 0))
    raise _RowError(col, f"'{s}' is not a time of day (HH:MM)")


def _number(row: dict[str, Any], col: str, default: float | None = None,
            integer: bool = False) -> float | None:
    v = row.get(col, "")
    if isinstance(v, bool):
        raise _RowError(col, f"'{v}' is not a number")
    if isinstance(v, int | float):
        x = float(v)
    else:
        s = str(v).strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
        if not s:
            if default is None:
                raise _RowError(col, "this field is required")
            return default
        try:
            x = float(s.rstrip("%")) / (100 if s.endswith("%") else 1)
        except ValueError:
            raise _RowError(col, f"'{v}' is not a number") from None
    if integer and not x.is_integer():
        raise _RowError(col, f"'{v}' is not a whole number")
    return x


def _bool(row: dict[str, Any], col: str) -> bool:
    v = row.get(col, "")
    if isinstance(v, bool):
        return v
    s = _text(row, col).lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise _RowError(col, f"'{s}' is not yes/no (use 1/0, kyllä/ei)")


def _list(row: dict[str, Any], col: str) -> list[str]:
    return [x.strip() for x in re.split(r"[;,|]", _text(row, col)) if x.strip()]


def _choice(row: dict[str, Any], col: str, options: dict[str, Any], default: Any = None) -> Any:
    s = _text(row, col).lower()
    if not s and default is not None:
        return default
    if s not in options:
        raise _RowError(col, f"'{_text(row, col)}' is not one of "
                             f"{', '.join(sorted({str(o.value) for o in options.values()}))}")
    return options[s]


def _pydantic_msgs(err: ValidationError) -> list[tuple[str, str]]:
    out = []
    for e in err.errors():
        msg = e["msg"].removeprefix("Value error, ")
        out.append((str(e["loc"][0]) if e["loc"] else "", msg))
    return out


# ---------------------------------------------------------------------------------------------
# assembly


@dataclass
class _Ctx:
    """What row checks need to know about the other tables."""

    start: date
    end: date
    units: set[str]
    shifts: set[str]
    employees: dict[str, str]  # id -> where it was defined
    competences: set[str]


def _rows(table: _Table | None, errs: list[str], who: Callable[[dict[str, Any]], str],
          build: Callable[[_Row], Any]) -> list[Any]:
    """Parse every row; collect errors as '<file> line N (who), field: message'."""
    if table is None:
        return []
    out = []
    for line, cells in table.rows:
        row = _Row(cells)
        try:
            value = build(row)
            row.done()
            out.append(value)
        except _RowErrors as many:
            errs += [f"{table.where(line, who(cells))}, {f}: {m}" for f, m in many.items]
        except ValidationError as err:
            errs += [f"{table.where(line, who(cells))}{', ' + f if f else ''}: {m}"
                     for f, m in _pydantic_msgs(err)]
    return out


class _Row:
    """A row being parsed: every bad cell is recorded, so one pass reports them all."""

    def __init__(self, cells: dict[str, Any]):
        self.cells = cells
        self.errs: list[tuple[str, str]] = []

    def get(self, fn: Callable[..., Any], col: str, *args: Any, **kw: Any) -> Any:
        try:
            return fn(self.cells, col, *args, **kw)
        except _RowError as err:
            self.errs.append((err.field, str(err)))
            return None

    def check(self, ok: bool, col: str, msg: str) -> None:
        if not ok:
            self.errs.append((col, msg))

    def done(self) -> None:
        """Raise the recorded problems before any model is built from half-read cells."""
        if self.errs:
            raise _RowErrors(self.errs)


def who_emp(r: dict[str, Any]) -> str:
    return f"employee '{_text(r, 'employee')}'"


def _default_shift_types(tables: list[_Table | None]) -> list[ShiftType]:
    uses_p = any(t is not None and any(
        "P" in _list(r, c) for _, r in t.rows for c in ("shift", "shift_types")) for t in tables)
    return list(DEFAULT_SHIFT_TYPES) + ([SHIFT_P] if uses_p else [])


def _build(tables: dict[str, _Table | None], *, name: str | None, start: date | str | None,
           weeks: int | None, units: list[Unit] | None, shift_types: list[ShiftType] | None,
           rules: RuleSet | dict | None, public_holidays: list[date] | None,
           errs: list[str]) -> Instance:
    # ---- period
    period = tables.get("period")
    if period is not None and period.rows:
        line, prow = period.rows[0]
        try:
            name = name or _text(prow, "name") or None
            start = start or _date(prow, "start", required=False)
            if weeks is None and _text(prow, "weeks"):
                weeks = int(_number(prow, "weeks", integer=True) or 0)
        except _RowError as err:
            errs.append(f"{period.where(line)}, {err.field}: {err}")
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError:
            errs.append(f"period, start: '{start}' is not a date")
            start = None
    if start is None:
        errs.append("period, start: the start date of the period is required")
    elif start.weekday() != 0:
        errs.append(f"period, start: the period must start on a Monday, {start} is a "
                    f"{start.strftime('%A')}")
    if weeks is None:
        errs.append("period, weeks: the length of the period in weeks is required")
    if errs:
        raise InputError(errs)
    assert isinstance(start, date) and weeks is not None
    end = start + timedelta(days=7 * weeks - 1)

    # ---- rules
    rule_values: dict[str, Any] = dict(rules.model_dump() if isinstance(rules, RuleSet)
                                       else rules or {})
    rt = tables.get("rules")
    if rt is not None:
        for line, row in rt.rows:
            key = _text(row, "key")
            if key not in RuleSet.model_fields:
                errs.append(f"{rt.where(line)}, key: unknown rule '{key}'")
                continue
            val: Any = _text(row, "value")
            if getattr(RuleSet.model_fields[key].annotation, "__origin__", None) is list:
                val = _list(row, "value")
            else:
                val = str(val).replace(",", ".")
            rule_values[key] = val
    try:
        ruleset = RuleSet.model_validate(rule_values)
    except ValidationError as err:
        errs += [f"rules, {f}: {m}" for f, m in _pydantic_msgs(err)]
        ruleset = RuleSet()

    # ---- shift types and units
    if shift_types is None:
        st = tables.get("shift_types")
        if st is not None:
            shift_types = _rows(st, errs, lambda c: f"shift type '{_text(c, 'id')}'", _shift_row)
        else:
            shift_types = _default_shift_types(list(tables.values()))
    shift_ids = {s.id for s in shift_types}

    emp_t = tables.get("employees")
    if units is None:
        ut = tables.get("units")
        if ut is not None:
            units = _rows(ut, errs, lambda r: f"unit '{_text(r, 'id')}'", _unit_row)
        else:
            seen: dict[str, None] = {}
            for _, r in emp_t.rows if emp_t else []:
                for u in _list(r, "units"):
                    seen.setdefault(u, None)
            units = [Unit(id=u, name=u) for u in seen]
    ctx = _Ctx(start, end, {u.id for u in units}, shift_ids, {}, set(STANDARD_COMPETENCES))

    # ---- employees
    if emp_t is not None:
        for line, r in emp_t.rows:
            eid = _text(r, "id")
            if eid and eid in ctx.employees:
                errs.append(f"{emp_t.where(line, f'employee {eid!r}')}, id: '{eid}' is already "
                            f"used on {ctx.employees[eid]}")
            elif eid:
                ctx.employees[eid] = f"{emp_t.row_word} {line}"
            ctx.competences |= set(_list(r, "competences"))
    employees = _rows(emp_t, errs, lambda r: f"employee '{_text(r, 'id')}'",
                      lambda r: _employee_row(r, ctx))
    if emp_t is None:
        errs.append("employees: the employees table is required")

    demand = _rows(tables.get("demand"), errs,
                   lambda r: f"{_text(r, 'unit')} {_text(r, 'date')} {_text(r, 'shift')}",
                   lambda r: _demand_row(r, ctx))
    wishes = _rows(tables.get("wishes"), errs, who_emp, lambda r: _wish_row(r, ctx))
    absences = _rows(tables.get("absences"), errs, who_emp, lambda r: _absence_row(r, ctx))
    locked = _rows(tables.get("locked"), errs, who_emp, lambda r: _locked_row(r, ctx))
    if errs:
        raise InputError(errs)

    emp_dicts = [e.model_dump(mode="json", exclude_none=True) for e in employees]
    by_id = {e["id"]: e for e in emp_dicts}
    for emp_id, lk in locked:
        by_id[emp_id].setdefault("locked", []).append(lk)
    raw = {
        "name": name or "instance", "start": start.isoformat(), "weeks": weeks,
        "units": [u.model_dump(mode="json") for u in units],
        "shift_types": [s.model_dump(mode="json") for s in shift_types],
        "employees": emp_dicts,
        "demand": [d.model_dump(mode="json") for d in demand],
        "wishes": [w.model_dump(mode="json") for w in wishes],
        "absences": [a.model_dump(mode="json") for a in absences],
        "rules": ruleset.model_dump(mode="json"),
    }
    if public_holidays is not None:
        raw["public_holidays"] = [d.isoformat() for d in public_holidays]
    return instance_from_dict(raw)


def _shift_row(r: _Row) -> ShiftType:
    data = {"id": r.get(_text, "id", True), "name": _text(r.cells, "name"),
            "start": r.get(_time, "start"), "end": r.get(_time, "end")}
    r.done()
    return ShiftType.model_validate(data)


def _unit_row(r: _Row) -> Unit:
    ratio: dict[str, Any] | None = None
    if _text(r.cells, "clients"):
        ratio = {"clients": r.get(_number, "clients", integer=True),
                 "ratio": r.get(_number, "ratio", 0.6),
                 "window_weeks": r.get(_number, "window_weeks", 3, integer=True)}
    data = {"id": r.get(_text, "id", True), "name": _text(r.cells, "name") or _text(r.cells, "id"),
            "kind": r.get(_choice, "kind", _UNIT_KINDS, UnitKind.WARD), "ratio_rule": ratio,
            "short_rest_allowed": r.get(_bool, "short_rest_allowed"),
            "night_work_trial": r.get(_bool, "night_work_trial")}
    r.done()
    return Unit.model_validate(data)


def _employee_row(r: _Row, ctx: _Ctx) -> Employee:
    units, shifts = _list(r.cells, "units"), _list(r.cells, "shift_types")
    part = r.get(_number, "part_time", 1.0)
    r.check(part is None or not 1 < part <= 100, "part_time",
            f"{_text(r.cells, 'part_time')} is not a fraction (write 0.8 or 80 %)")
    for u in units:
        r.check(u in ctx.units, "units", f"unknown unit '{u}'")
    for s in shifts:
        r.check(s in ctx.shifts, "shift_types", f"unknown shift type '{s}'")
    data: dict[str, Any] = {
        "id": r.get(_text, "id", True), "name": _text(r.cells, "name") or _text(r.cells, "id"),
        "units": units, "competences": _list(r.cells, "competences"), "part_time": part,
        "shift_types": shifts or None, "hourly_wage": r.get(_number, "hourly_wage", 22.0),
        "direct_care_share": r.get(_number, "direct_care_share", 0.9),
        "night_worker": r.get(_bool, "night_worker")}
    r.done()
    return Employee.model_validate(data)


def _check_date(r: _Row, d: date | None, ctx: _Ctx, col: str = "date") -> None:
    if d is not None:
        r.check(ctx.start <= d <= ctx.end, col,
                f"{d} is outside the period {ctx.start}–{ctx.end}")


def _demand_row(r: _Row, ctx: _Ctx) -> Demand:
    d = r.get(_date, "date")
    unit, shift = r.get(_text, "unit", True), r.get(_text, "shift", True)
    comp = _opt(r.cells, "competence")
    r.check(not unit or unit in ctx.units, "unit", f"unknown unit '{unit}'")
    _check_date(r, d, ctx)
    r.check(not shift or shift in ctx.shifts, "shift", f"unknown shift type '{shift}'")
    r.check(comp is None or comp in ctx.competences, "competence", f"unknown competence '{comp}'")
    minimum = r.get(_number, "minimum", integer=True)
    target = r.get(_number, "target", integer=True) if _text(r.cells, "target") else None
    r.check(minimum is None or minimum >= 0, "minimum", f"{minimum:g} is negative"
            if minimum is not None else "")
    r.check(minimum is None or target is None or target >= minimum, "target",
            f"{target:g} is below the minimum {minimum:g}" if target is not None and
            minimum is not None else "")
    r.done()
    return Demand.model_validate({"unit": unit, "date": d, "shift": shift, "competence": comp,
                                  "minimum": minimum, "target": target})


def _wish_row(r: _Row, ctx: _Ctx) -> Wish:
    emp = r.get(_text, "employee", True)
    kind = r.get(_choice, "kind", _WISH_KINDS)
    d = r.get(_date, "date")
    shift = _opt(r.cells, "shift") if kind != WishKind.DAY_OFF else None
    prio = r.get(_number, "priority", 2, integer=True)
    r.check(not emp or emp in ctx.employees, "employee", f"unknown employee '{emp}'")
    _check_date(r, d, ctx)
    r.check(shift is None or shift in ctx.shifts, "shift", f"unknown shift type '{shift}'")
    r.check(kind in (None, WishKind.DAY_OFF) or shift is not None, "shift",
            f"a '{kind}' wish needs a shift")
    r.check(prio is None or 1 <= prio <= 3, "priority",
            f"'{_text(r.cells, 'priority')}' is not a priority (1 = most important .. 3)")
    r.done()
    return Wish.model_validate({"employee": emp, "kind": kind, "date": d, "shift": shift,
                                "priority": prio})


def _absence_row(r: _Row, ctx: _Ctx) -> Absence:
    emp = r.get(_text, "employee", True)
    first = r.get(_date, "start")
    last = r.get(_date, "end", required=False) or first
    kind = r.get(_choice, "kind", _ABSENCE_KINDS, AbsenceKind.ANNUAL_LEAVE)
    r.check(not emp or emp in ctx.employees, "employee", f"unknown employee '{emp}'")
    r.check(first is None or last is None or last >= first, "end",
            f"{last} is before the start {first}")
    r.done()
    return Absence.model_validate({"employee": emp, "start": first, "end": last, "kind": kind})


def _locked_row(r: _Row, ctx: _Ctx) -> tuple[str, dict[str, Any]]:
    emp = r.get(_text, "employee", True)
    d = r.get(_date, "date")
    shift, unit = r.get(_text, "shift", True), _opt(r.cells, "unit")
    r.check(not emp or emp in ctx.employees, "employee", f"unknown employee '{emp}'")
    _check_date(r, d, ctx)
    r.check(not shift or shift in ctx.shifts, "shift", f"unknown shift type '{shift}'")
    r.check(unit is None or unit in ctx.units, "unit", f"unknown unit '{unit}'")
    r.done()
    assert d is not None
    lk: dict[str, Any] = {"date": d.isoformat(), "shift": shift}
    if unit:
        lk["unit"] = unit
    return emp, lk


# ---------------------------------------------------------------------------------------------
# public API


def instance_from_tables(
    *,
    employees: TableSource,
    demand: TableSource | None = None,
    wishes: TableSource | None = None,
    absences: TableSource | None = None,
    locked: TableSource | None = None,
    units: TableSource | list[Unit] | None = None,
    shift_types: TableSource | list[ShiftType] | None = None,
    period: TableSource | None = None,
    rules: TableSource | RuleSet | dict | None = None,
    start: date | str | None = None,
    weeks: int | None = None,
    name: str | None = None,
    public_holidays: list[date] | None = None,
) -> Instance:
    """Build an Instance from tables (CSV/Excel paths or DataFrames); see the module docstring.

    `units`, `shift_types` and `rules` may also be given as model objects. Raises InputError
    with every problem found; returns nothing partial.
    """
    errs: list[str] = []
    tables: dict[str, _Table | None] = {
        "employees": _load(employees, "employees", errs),
        "demand": _load(demand, "demand", errs),
        "wishes": _load(wishes, "wishes", errs),
        "absences": _load(absences, "absences", errs),
        "locked": _load(locked, "locked", errs),
        "period": _load(period, "period", errs),
    }
    unit_models = units if isinstance(units, list) else None
    shift_models = shift_types if isinstance(shift_types, list) else None
    if not isinstance(units, list):
        tables["units"] = _load(units, "units", errs)
    if not isinstance(shift_types, list):
        tables["shift_types"] = _load(shift_types, "shift_types", errs)
    rule_obj: RuleSet | dict | None = None
    if isinstance(rules, RuleSet | dict):
        rule_obj = rules
    else:
        tables["rules"] = _load(rules, "rules", errs)
    if tables["employees"] is None and not errs:
        errs.append("employees: the employees table is required")
    if errs:
        raise InputError(errs)
    return _build(tables, name=name, start=start, weeks=weeks, units=unit_models,
                  shift_types=shift_models, rules=rule_obj, public_holidays=public_holidays,
                  errs=errs)


def read_csv_dir(directory: str | Path, *, start: date | str | None = None,
                 weeks: int | None = None, name: str | None = None,
                 rules: RuleSet | dict | None = None) -> Instance:
    """Read `<table>.csv` files from a folder (employees.csv required, the rest optional)."""
    d = Path(directory)
    if not d.is_dir():
        raise InputError([f"{d}: folder not found"])
    files = {t: d / f"{t}.csv" for t in TABLES}
    if not files["employees"].exists():
        raise InputError([f"{d}: employees.csv is missing (expected "
                          f"{', '.join(t + '.csv' for t in TABLES)})"])
    found: dict[str, Any] = {t: p for t, p in files.items() if p.exists()}
    if rules is not None:
        found["rules"] = rules
    return instance_from_tables(**found, start=start, weeks=weeks, name=name or
                                (None if "period" in found else d.name))


def read_workbook(path: str | Path, *, start: date | str | None = None,
                  weeks: int | None = None, name: str | None = None,
                  rules: RuleSet | dict | None = None) -> Instance:
    """Read an Excel workbook with sheets employees/demand/wishes/absences (+ optional ones)."""
    p = Path(path)
    if not p.exists():
        raise InputError([f"{p}: file not found"])
    try:
        book = pd.ExcelFile(p)
    except (ValueError, OSError) as err:
        raise InputError([f"{p.name}: not a readable Excel workbook ({err})"]) from None
    errs: list[str] = []
    tables: dict[str, _Table | None] = {}
    for sheet in book.sheet_names:
        key = _SHEET_ALIASES.get(sheet.strip().lower(), sheet.strip().lower())
        if key in TABLES:
            tables[key] = _read_excel_sheet(p, sheet, key, errs)
    if "employees" not in tables:
        errs.append(f"{p.name}: no sheet named 'employees' (sheets: {', '.join(book.sheet_names)})")
    if errs:
        raise InputError(errs)
    if rules is not None:
        tables.pop("rules", None)
    return _build(tables, name=name or (None if "period" in tables else p.stem), start=start,
                  weeks=weeks, units=None, shift_types=None, rules=rules, public_holidays=None,
                  errs=errs)


def instance_to_frames(inst: Instance) -> dict[str, pd.DataFrame]:
    """The instance as the tables above (a template for planners, and a round trip)."""
    def j(xs: Iterable[str] | None) -> str:
        return ";".join(xs or [])

    frames = {
        "period": pd.DataFrame([{"name": inst.name, "start": inst.start.isoformat(),
                                 "weeks": inst.weeks}]),
        "units": pd.DataFrame([{
            "id": u.id, "name": u.name, "kind": u.kind.value,
            "clients": u.ratio_rule.clients if u.ratio_rule else "",
            "ratio": u.ratio_rule.ratio if u.ratio_rule else "",
            "window_weeks": u.ratio_rule.window_weeks if u.ratio_rule else "",
            "short_rest_allowed": int(u.short_rest_allowed),
            "night_work_trial": int(u.night_work_trial)} for u in inst.units],
            columns=COLUMNS["units"]),
        "shift_types": pd.DataFrame([{"id": s.id, "name": s.name,
                                      "start": s.start.strftime("%H:%M"),
                                      "end": s.end.strftime("%H:%M")} for s in inst.shift_types],
                                    columns=COLUMNS["shift_types"]),
        "employees": pd.DataFrame([{
            "id": e.id, "name": e.name, "units": j(e.units), "competences": j(e.competences),
            "part_time": e.part_time, "shift_types": j(e.shift_types),
            "hourly_wage": e.hourly_wage, "direct_care_share": e.direct_care_share,
            "night_worker": int(e.night_worker)} for e in inst.employees],
            columns=COLUMNS["employees"]),
        "demand": pd.DataFrame([{
            "unit": d.unit, "date": d.date.isoformat(), "shift": d.shift,
            "competence": d.competence or "", "minimum": d.minimum, "target": d.target}
            for d in inst.demand], columns=COLUMNS["demand"]),
        "wishes": pd.DataFrame([{
            "employee": w.employee, "kind": w.kind.value, "date": w.date.isoformat(),
            "shift": w.shift or "", "priority": w.priority} for w in inst.wishes],
            columns=COLUMNS["wishes"]),
        "absences": pd.DataFrame([{
            "employee": a.employee, "start": a.start.isoformat(), "end": a.end.isoformat(),
            "kind": a.kind.value} for a in inst.absences], columns=COLUMNS["absences"]),
        "locked": pd.DataFrame([{
            "employee": e.id, "date": lk.date.isoformat(), "shift": lk.shift,
            "unit": lk.unit or ""} for e in inst.employees for lk in e.locked],
            columns=COLUMNS["locked"]),
    }
    default = RuleSet().model_dump()
    changed = [{"key": k, "value": j(v) if isinstance(v, list) else v}
               for k, v in inst.rules.model_dump().items() if v != default[k]]
    frames["rules"] = pd.DataFrame(changed, columns=COLUMNS["rules"])
    return frames


def write_csv_dir(inst: Instance, directory: str | Path) -> Path:
    """Write the instance as `<table>.csv` files (UTF-8, comma-separated)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    for t, df in instance_to_frames(inst).items():
        df.to_csv(d / f"{t}.csv", index=False)
    return d


def write_workbook(inst: Instance, path: str | Path) -> Path:
    """Write the instance as an Excel workbook with one sheet per table."""
    p = Path(path)
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        for t, df in instance_to_frames(inst).items():
            df.to_excel(xw, sheet_name=t, index=False)
    return p
