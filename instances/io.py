"""Readers and writers: instance JSON, roster CSV (DESIGN §5)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from instances.models import Assignment, Instance, Roster
from instances.validation import InputError, format_validation_error


def instance_from_dict(raw: dict) -> Instance:
    try:
        return Instance.model_validate(raw)
    except ValidationError as err:
        raise InputError(format_validation_error(err, raw)) from None


def read_instance(path: str | Path) -> Instance:
    p = Path(path)
    if not p.exists():
        raise InputError([f"{p}: file not found"])
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError([f"{p}: not valid JSON (line {err.lineno}, column {err.colno}: "
                          f"{err.msg})"]) from None
    if not isinstance(raw, dict):
        raise InputError([f"{p}: expected a JSON object with the instance"])
    return instance_from_dict(raw)


def write_instance(inst: Instance, path: str | Path) -> None:
    Path(path).write_text(inst.model_dump_json(indent=1, exclude_none=True), encoding="utf-8")


ROSTER_COLUMNS = ["employee", "date", "shift", "unit"]


def write_roster_csv(roster: Roster, path: str | Path) -> None:
    rows = [a.model_dump() for a in sorted(roster.assignments,
                                           key=lambda a: (a.employee, a.date))]
    df = pd.DataFrame(rows, columns=ROSTER_COLUMNS)
    df.to_csv(path, index=False)


def read_roster_csv(path: str | Path, inst: Instance | None = None) -> Roster:
    """Read `employee,date,shift,unit`; with an instance, a missing unit means the home unit."""
    p = Path(path)
    if not p.exists():
        raise InputError([f"{p}: file not found"])
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError([f"{p}: not a readable CSV file ({err})"]) from None
    missing = [c for c in ("employee", "date", "shift") if c not in df.columns]
    if missing:
        raise InputError([f"{p}: missing column(s) {', '.join(missing)}; "
                          f"expected {','.join(ROSTER_COLUMNS)}"])
    errs: list[str] = []
    out: list[Assignment] = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, row in enumerate(df.to_dict("records"), start=2):
        key = (row["employee"].strip(), row["date"].strip(), row["shift"].strip())
        if key in seen:
            errs.append(f"{p.name} line {i} (employee '{key[0]}', {key[1]}): repeats line "
                        f"{seen[key]}; each worked shift is one row")
            continue
        seen[key] = i
        try:
            d = date.fromisoformat(row["date"].strip())
        except ValueError:
            errs.append(f"{p.name} line {i} (employee '{row['employee']}'), date: "
                        f"'{row['date']}' is not a date")
            continue
        unit = (row.get("unit") or "").strip()
        if not unit and inst is not None and row["employee"] in inst.employee_by_id:
            unit = inst.employee_by_id[row["employee"]].home_unit
        out.append(Assignment(employee=row["employee"].strip(), date=d,
                              shift=row["shift"].strip(), unit=unit))
    if errs:
        raise InputError(errs)
    return Roster(assignments=out)
