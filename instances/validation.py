"""Cross-record checks of an Instance and readable error messages for bad input.

Every message names the record and the field in the planner's terms, e.g.
"employee 'e17', wish 3: date 2026-02-30 is not a date".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

if TYPE_CHECKING:
    from instances.models import Instance

STANDARD_COMPETENCES = {
    "sairaanhoitaja",
    "lähihoitaja",
    "hoiva-avustaja",
    "opiskelija",
    "lääkehoitolupa",
    "varhaiskasvatuksen opettaja",
    "varhaiskasvatuksen lastenhoitaja",
}


class InputError(ValueError):
    """Bad input: a list of messages, each naming a record and a field."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def _fmt_h(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h" if m == 0 else f"{h} h {m} min"


def cross_check(inst: Instance) -> None:
    """Raise ValueError listing every cross-record problem found (not just the first)."""
    errs: list[str] = []
    r = inst.rules
    for kind, items in (("unit", inst.units), ("shift type", inst.shift_types),
                        ("employee", inst.employees)):
        for ident, n in Counter(x.id for x in items).items():
            if n > 1:
                errs.append(f"{kind} '{ident}': id appears {n} times")

    # hard 7: shift length limits
    cap = 13 * 60 if r.allow_long_shifts else None
    for st in inst.shift_types if r.catalogue == "finnish" else ():
        limit = r.night_shift_max_minutes if st.is_night else r.shift_max_minutes
        if cap is not None:
            limit = cap
        if st.minutes > limit:
            errs.append(f"shift type '{st.id}': {_fmt_h(st.minutes)} exceeds the "
                        f"{_fmt_h(limit)} {'night ' if st.is_night else ''}planned-shift limit")
        if st.minutes < r.shift_min_minutes:
            errs.append(f"shift type '{st.id}': {_fmt_h(st.minutes)} is shorter than the "
                        f"{_fmt_h(r.shift_min_minutes)} minimum shift")

    units, shifts = inst.unit_by_id, inst.shift_by_id
    for st in inst.shift_types:
        for other in st.cannot_follow:
            if other not in shifts:
                errs.append(f"shift type '{st.id}', cannot_follow: unknown shift type '{other}'")
    first, last = inst.start, inst.end
    known_comp = set(STANDARD_COMPETENCES)
    staffed_units: set[str] = set()
    for e in inst.employees:
        known_comp |= set(e.competences)
        staffed_units |= set(e.units)
    absent = inst.absent_days

    for e in inst.employees:
        who = f"employee '{e.id}'"
        for u in e.units:
            if u not in units:
                errs.append(f"{who}, units: unknown unit '{u}'")
        for s in e.shift_types or []:
            if s not in shifts:
                errs.append(f"{who}, shift_types: unknown shift type '{s}'")
        seen_days: set = set()
        for k, lk in enumerate(e.locked, 1):
            where = f"{who}, locked shift {k}"
            if not first <= lk.date <= last:
                errs.append(f"{where}: date {lk.date} is outside the period {first}–{last}")
                continue
            if lk.shift not in shifts:
                errs.append(f"{where}: unknown shift type '{lk.shift}'")
            elif e.shift_types is not None and lk.shift not in e.shift_types:
                errs.append(f"{where}: shift '{lk.shift}' is not allowed by the contract")
            if lk.unit is not None and lk.unit not in e.units:
                errs.append(f"{where}: unit '{lk.unit}' is not one of the employee's units")
            if lk.date in seen_days:
                errs.append(f"{where}: a second locked shift on {lk.date}")
            seen_days.add(lk.date)
            if inst.day_index(lk.date) in absent.get(e.id, set()):
                errs.append(f"{where}: {lk.date} is also an absence day")

    for k, d in enumerate(inst.demand, 1):
        where = f"demand row {k} ({d.unit} {d.date} {d.shift})"
        if d.unit not in units:
            errs.append(f"{where}, unit: unknown unit '{d.unit}'")
        elif d.unit not in staffed_units:
            errs.append(f"{where}, unit: no employee may work in unit '{d.unit}'")
        if d.shift not in shifts:
            errs.append(f"{where}, shift: unknown shift type '{d.shift}'")
        if not first <= d.date <= last:
            errs.append(f"{where}, date: {d.date} is outside the period {first}–{last}")
        if d.competence is not None and d.competence not in known_comp:
            errs.append(f"{where}, competence: unknown competence '{d.competence}'")
    dup = Counter((d.unit, d.date, d.shift, d.competence) for d in inst.demand)
    for (u, dt, s, c), n in dup.items():
        if n > 1:
            errs.append(f"demand {u} {dt} {s} {c or 'any'}: {n} rows for the same slot")

    per_emp: dict[str, int] = defaultdict(int)
    for w in inst.wishes:
        per_emp[w.employee] += 1
        where = f"employee '{w.employee}', wish {per_emp[w.employee]}"
        if w.employee not in inst.employee_by_id:
            errs.append(f"{where}: unknown employee")
            continue
        if not first <= w.date <= last:
            errs.append(f"{where}, date: {w.date} is outside the period {first}–{last}")
        if w.shift is not None and w.shift not in shifts:
            errs.append(f"{where}, shift: unknown shift type '{w.shift}'")
    for emp, n in per_emp.items():
        if n > r.wish_cap_per_period and emp in inst.employee_by_id:
            errs.append(f"employee '{emp}', wishes: {n} wishes exceed the cap of "
                        f"{r.wish_cap_per_period} per period")

    for k, a in enumerate(inst.absences, 1):
        if a.employee not in inst.employee_by_id:
            errs.append(f"absence {k}, employee: unknown employee '{a.employee}'")

    for u in inst.units:
        if u.ratio_rule is not None and u.id not in staffed_units:
            errs.append(f"unit '{u.id}', ratio_rule: no employee may work in the unit")
    if errs:
        raise InputError(errs)


def _record_name(raw: Any, loc: tuple) -> str:
    """Turn a pydantic location into 'employee 'e17', wish 3' style text using the raw input."""
    parts: list[str] = []
    node = raw
    i = 0
    while i < len(loc):
        key = loc[i]
        if isinstance(key, str) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            idx = loc[i + 1]
            item = None
            if isinstance(node, dict) and isinstance(node.get(key), list):
                lst = node[key]
                item = lst[idx] if idx < len(lst) else None
            label = {"employees": "employee", "units": "unit", "shift_types": "shift type",
                     "wishes": "wish", "absences": "absence", "demand": "demand row",
                     "locked": "locked shift"}.get(key, key)
            if isinstance(item, dict) and "id" in item:
                parts.append(f"{label} '{item['id']}'")
            elif key == "wishes" and isinstance(item, dict) and "employee" in item:
                # numbered per employee, as in the cross-check messages
                n = sum(1 for w in node[key][:idx + 1]
                        if isinstance(w, dict) and w.get("employee") == item["employee"])
                parts.append(f"employee '{item['employee']}', wish {n}")
            else:
                parts.append(f"{label} {idx + 1}")
            node = item
            i += 2
            continue
        parts.append(str(key))
        node = node.get(key) if isinstance(node, dict) else None
        i += 1
    return ", ".join(parts) if parts else "instance"


def format_validation_error(err: ValidationError, raw: Any) -> list[str]:
    """Readable messages from a pydantic ValidationError, naming record and field."""
    out: list[str] = []
    for e in err.errors():
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        loc = tuple(e["loc"])
        if not loc:  # model-level cross-check: messages already name their records
            out.extend(msg.split("\n"))
            continue
        inp = e.get("input")
        typ = e.get("type", "")
        if typ.startswith("date") and isinstance(inp, str):
            msg = f"{loc[-1]} {inp} is not a date" if isinstance(loc[-1], str) else msg
        elif typ == "missing":
            msg = "this field is required"
        elif typ == "extra_forbidden":
            msg = "unknown field"
        head = _record_name(raw, loc[:-1]) if isinstance(loc[-1], str) else _record_name(raw, loc)
        field = loc[-1] if isinstance(loc[-1], str) else ""
        if typ.startswith("date") and isinstance(inp, str):
            out.append(f"{head}: {msg}")
        else:
            out.append(f"{head}{', ' + field if field else ''}: {msg}")
    return out
