"""Excel export of a roster, laid out the way Finnish units print their työvuorolista.

One sheet per unit (employees × dates, shift codes coloured, V = a whole calendar day off, "–" =
the day a night shift ends, absences by their abbreviation, weekends and public holidays shaded),
then a "KPI" sheet and, when given, an "Avoimet vuorot" sheet. The workbook only *shows* the
roster: KPIs come in from the checker (constraints/) and are written as given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from instances.calendar import target_minutes
from instances.models import AbsenceKind, Assignment, Employee, Instance, Roster, Unit, WishKind

WEEKDAYS_FI = ["ma", "ti", "ke", "to", "pe", "la", "su"]
DAY_OFF = "V"
AFTER_NIGHT = "–"
ABSENCE_CODES = {
    AbsenceKind.ANNUAL_LEAVE: ("L", "vuosiloma"),
    AbsenceKind.TRAINING: ("K", "koulutus"),
    AbsenceKind.SICK_LEAVE: ("S", "sairausloma"),
    AbsenceKind.OTHER: ("M", "muu poissaolo"),
}
SHIFT_COLORS = {"A": "BDD7EE", "I": "F8CBAD", "Y": "B4A7D6", "P": "C6E0B4"}
_PALETTE = ["FFE699", "A9D08E", "9BC2E6", "F4B084", "D9D2E9", "C9C9C9", "FFD966", "8EA9DB"]
WEEKEND_FILL = "E7E6E6"
ABSENCE_FILL = "FFF2CC"
SHORT_FILL = "FF9999"
HEADER_FILL = "D9E1F2"
COMPETENCE_ABBR = {
    "sairaanhoitaja": "SH", "lähihoitaja": "LH", "hoiva-avustaja": "HA", "opiskelija": "OPI",
    "lääkehoitolupa": "LL", "varhaiskasvatuksen opettaja": "VO",
    "varhaiskasvatuksen lastenhoitaja": "VLH",
}
OPEN_SHIFT_HEADERS = {
    "unit": "Yksikkö", "date": "Päivä", "shift": "Vuoro", "competence": "Osaaminen",
    "missing": "Puuttuu", "count": "Puuttuu", "minimum": "Minimi", "assigned": "Vuorossa",
    "cost": "Kustannus (€)", "cost_eur": "Kustannus (€)", "hours": "Tunnit", "reason": "Syy",
}
_SUMMED = ("missing", "count", "cost", "cost_eur", "hours")
_FIRST_DAY_COL = 4  # A name, B id, C competences
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)


def shift_colors(inst: Instance) -> dict[str, str]:
    """Colour per shift type: the customary ones for A/I/Y/P, a palette for the rest."""
    out: dict[str, str] = {}
    extra = iter(_PALETTE * 4)
    for st in inst.shift_types:
        out[st.id] = SHIFT_COLORS.get(st.id) or next(extra)
    return out


def _dm(d: date) -> str:
    return f"{d.day}.{d.month}."


def _sheet_title(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name).strip() or "Yksikkö"
    base = base[:31]
    title, k = base, 2
    while title.lower() in used or title in ("KPI", "Avoimet vuorot"):
        suffix = f" ({k})"
        title = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(title.lower())
    return title


def _competences(e: Employee) -> str:
    return ", ".join(COMPETENCE_ABBR.get(c, c) for c in e.competences)


def _wish_text(kind: WishKind, shift: str | None, priority: int) -> str:
    what = {WishKind.DAY_OFF: "vapaapäivä", WishKind.SHIFT: f"vuoro {shift}",
            WishKind.NOT_SHIFT: f"ei vuoroa {shift}"}[kind]
    return f"Toive: {what} (prioriteetti {priority})"


def _unit_sheet(ws: Worksheet, inst: Instance, unit: Unit, roster: Roster,
                colors: dict[str, str]) -> None:
    days = inst.days
    holidays = inst.holiday_set
    by_emp_day: dict[tuple[str, date], Assignment] = roster.by_employee_day()
    absences: dict[tuple[str, date], AbsenceKind] = {}
    for a in inst.absences:
        d = max(a.start, inst.start)
        while d <= min(a.end, inst.end):
            absences[(a.employee, d)] = a.kind
            d += timedelta(days=1)
    wishes: dict[tuple[str, date], list[str]] = defaultdict(list)
    for w in inst.wishes:
        wishes[(w.employee, w.date)].append(_wish_text(w.kind, w.shift, w.priority))

    home = [e for e in inst.employees if e.home_unit == unit.id]
    # one pass over the roster: asked per employee, a 1000-person region's 38 sheets read its
    # 24 k assignments 38 k times
    here = {a.employee for a in roster.assignments if a.unit == unit.id}
    visitors = [e for e in inst.employees if e.home_unit != unit.id and e.id in here]
    last_col = _FIRST_DAY_COL + len(days) - 1
    sum_col = last_col + 1

    ws.cell(1, 1, f"{unit.name} — työvuorolista {_dm(inst.start)}–{_dm(inst.end)}"
                  f"{inst.end.year}").font = Font(bold=True, size=14)
    for col, label in ((1, "Nimi"), (2, "Nro"), (3, "Osaaminen")):
        c = ws.cell(2, col, label)
        c.font = Font(bold=True)
        c.fill = _fill(HEADER_FILL)
        ws.cell(3, col).fill = _fill(HEADER_FILL)
    for k, d in enumerate(days):
        col = _FIRST_DAY_COL + k
        red = d in holidays or d.weekday() == 6
        shade = _fill(WEEKEND_FILL if d.weekday() >= 5 or d in holidays else HEADER_FILL)
        for row, text in ((2, WEEKDAYS_FI[d.weekday()]), (3, _dm(d))):
            c = ws.cell(row, col, text)
            c.font = Font(bold=True, color="C00000" if red else None)
            c.alignment = Alignment(horizontal="center")
            c.fill = shade
        if d in holidays:
            ws.cell(2, col).comment = Comment("arkipyhä / juhlapyhä", "roster")
        ws.column_dimensions[get_column_letter(col)].width = 5.2
    for j, label in enumerate(("Tunnit", "Tavoite", "Ero")):
        c = ws.cell(2, sum_col + j, label)
        c.font = Font(bold=True)
        c.fill = _fill(HEADER_FILL)
        ws.cell(3, sum_col + j).fill = _fill(HEADER_FILL)
        ws.column_dimensions[get_column_letter(sum_col + j)].width = 8
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 7
    ws.column_dimensions["C"].width = 11

    row = 4
    for group, employees in (("", home), ("vara", visitors)):
        if group and employees:
            ws.cell(row, 1, "Muista yksiköistä").font = Font(italic=True, bold=True)
            row += 1
        for e in employees:
            ws.cell(row, 1, e.name)
            ws.cell(row, 2, e.id)
            ws.cell(row, 3, _competences(e))
            minutes = 0
            for k, d in enumerate(days):
                c = ws.cell(row, _FIRST_DAY_COL + k)
                c.alignment = Alignment(horizontal="center")
                c.border = _BORDER
                a = by_emp_day.get((e.id, d))
                prev = by_emp_day.get((e.id, d - timedelta(days=1)))
                weekend = d.weekday() >= 5 or d in holidays
                if a is not None:
                    st = inst.shift_by_id.get(a.shift)
                    minutes += st.minutes if st else 0
                    c.value = a.shift
                    c.fill = _fill(colors.get(a.shift, _PALETTE[-1]))
                    if a.unit != unit.id:
                        c.font = Font(italic=True)
                        other = inst.unit_by_id.get(a.unit)
                        c.comment = Comment(f"yksikössä {other.name if other else a.unit}",
                                            "roster")
                    elif group:
                        c.font = Font(bold=True)
                elif (e.id, d) in absences:
                    code, _ = ABSENCE_CODES[absences[(e.id, d)]]
                    c.value = code
                    c.fill = _fill(ABSENCE_FILL)
                elif prev is not None and (st := inst.shift_by_id.get(prev.shift)) is not None \
                        and st.crosses_midnight:
                    c.value = AFTER_NIGHT
                    if weekend:
                        c.fill = _fill(WEEKEND_FILL)
                else:
                    c.value = DAY_OFF if not group else None
                    if weekend:
                        c.fill = _fill(WEEKEND_FILL)
                if (e.id, d) in wishes and not group:
                    c.comment = Comment("\n".join(wishes[(e.id, d)]), "roster")
            target = target_minutes(inst, e) / 60
            ws.cell(row, sum_col, round(minutes / 60, 2))
            if not group:
                ws.cell(row, sum_col + 1, round(target, 2))
                diff = ws.cell(row, sum_col + 2, round(minutes / 60 - target, 2))
                if abs(minutes / 60 - target) > inst.rules.hours_tolerance_min / 60:
                    diff.fill = _fill(SHORT_FILL)
            for j in range(3):
                ws.cell(row, sum_col + j).number_format = "0.00"
            row += 1

    # staffing per shift: assigned / minimum, red where below the minimum
    row += 1
    ws.cell(row, 1, "Vahvuus (vuorossa / minimi)").font = Font(bold=True)
    row += 1
    minimum: dict[tuple[date, str], int] = {}
    for dm in inst.demand:
        if dm.unit == unit.id and dm.competence is None:
            minimum[(dm.date, dm.shift)] = dm.minimum
    staffed: dict[tuple[date, str], int] = defaultdict(int)
    for a in roster.assignments:
        if a.unit == unit.id:
            staffed[(a.date, a.shift)] += 1
    used_shifts = [s.id for s in inst.shift_types
                   if any(k[1] == s.id for k in minimum) or any(k[1] == s.id for k in staffed)]
    for sid in used_shifts:
        ws.cell(row, 1, f"{sid} yhteensä")
        ws.cell(row, 3, sid).fill = _fill(colors.get(sid, _PALETTE[-1]))
        for k, d in enumerate(days):
            have, need = staffed.get((d, sid), 0), minimum.get((d, sid), 0)
            c = ws.cell(row, _FIRST_DAY_COL + k, f"{have}/{need}" if need else have or None)
            c.alignment = Alignment(horizontal="center")
            c.font = Font(size=8)
            if have < need:
                c.fill = _fill(SHORT_FILL)
        row += 1

    # legend (selitteet)
    row += 1
    ws.cell(row, 1, "Selitteet").font = Font(bold=True)
    row += 1
    for st in inst.shift_types:
        ws.cell(row, 1, f"{st.name or st.id} {st.start:%H:%M}–{st.end:%H:%M}")
        c = ws.cell(row, 3, st.id)
        c.fill = _fill(colors[st.id])
        c.alignment = Alignment(horizontal="center")
        row += 1
    for code, text, fill in ((DAY_OFF, "vapaapäivä (koko kalenterivuorokausi)", None),
                             (AFTER_NIGHT, "yövuoron päättymispäivä (ei vapaapäivä)", None),
                             *((c, t, ABSENCE_FILL) for c, t in ABSENCE_CODES.values()),
                             ("", "viikonloppu tai arkipyhä", WEEKEND_FILL)):
        ws.cell(row, 1, text)
        c = ws.cell(row, 3, code)
        c.alignment = Alignment(horizontal="center")
        if fill:
            c.fill = _fill(fill)
        row += 1

    ws.freeze_panes = ws.cell(4, _FIRST_DAY_COL)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _flatten(kpis: dict[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for k, v in kpis.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            yield from _flatten(v, f"{key} / ")
        else:
            yield key, v


def _cell_value(v: Any) -> Any:
    """Numbers, text and dates go in as themselves; anything else as its text."""
    if isinstance(v, bool):
        return "kyllä" if v else "ei"
    if v is None or isinstance(v, int | float | str | date | datetime):
        return v
    if isinstance(v, list | tuple | set):
        return ", ".join(str(x) for x in v)
    return str(v)


def _kpi_sheet(ws: Worksheet, inst: Instance, roster: Roster,
               kpis: dict[str, object] | None) -> None:
    ws.append(["Tunnusluku", "Arvo"])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = _fill(HEADER_FILL)
    if kpis is None:  # no checker result: just say what the workbook holds
        hours = sum(inst.shift_by_id[a.shift].minutes for a in roster.assignments
                    if a.shift in inst.shift_by_id) / 60
        kpis = {"jakso": f"{inst.start:%d.%m.%Y}–{inst.end:%d.%m.%Y}",
                "työntekijöitä": len(inst.employees), "vuoroja": len(roster.assignments),
                "suunnitellut tunnit": round(hours, 2)}
    tables: list[tuple[str, list[dict]]] = []
    for key, value in _flatten(dict(kpis)):
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append((key, value))  # e.g. staffing ratio per window: a table of its own
        else:
            ws.append([key, _cell_value(value)])
    for key, rows in tables:
        ws.append([])
        ws.append([key])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        cols: list[str] = []
        for row in rows:
            cols += [c for c in row if c not in cols]
        ws.append(cols)
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)
            c.fill = _fill(HEADER_FILL)
        for row in rows:
            ws.append([_cell_value(row.get(c)) for c in cols])
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 20


def _open_shift_sheet(ws: Worksheet, open_shifts: list[dict]) -> None:
    if not open_shifts:
        ws.append(["Ei avoimia vuoroja"])
        return
    keys: list[str] = []
    for row in open_shifts:
        keys += [k for k in row if k not in keys]
    ws.append([OPEN_SHIFT_HEADERS.get(k, k) for k in keys])
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = _fill(HEADER_FILL)
    for r, row in enumerate(open_shifts, start=2):
        for j, k in enumerate(keys, start=1):
            v = row.get(k)
            if k == "date" and isinstance(v, str):
                try:
                    v = date.fromisoformat(v)
                except ValueError:
                    pass
            c = ws.cell(r, j, _cell_value(v))
            if isinstance(v, date):
                c.number_format = "d.m.yyyy"
    total = len(open_shifts) + 2
    ws.cell(total, 1, "Yhteensä").font = Font(bold=True)
    for j, k in enumerate(keys, start=1):
        vals = [row.get(k) for row in open_shifts]
        if k in _SUMMED and all(isinstance(v, int | float) for v in vals):
            ws.cell(total, j, sum(vals)).font = Font(bold=True)
    for j, k in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, len(OPEN_SHIFT_HEADERS.get(
            k, k)) + 2)
    ws.freeze_panes = "A2"


def export_xlsx(instance: Instance, roster: Roster, path: str | Path,
                kpis: dict[str, object] | None = None,
                open_shifts: list[dict] | None = None) -> Path:
    """Write the roster workbook to `path` and return the path."""
    wb = Workbook()
    wb.remove(wb.active)
    colors = shift_colors(instance)
    used: set[str] = set()
    for unit in instance.units:
        _unit_sheet(wb.create_sheet(_sheet_title(unit.name, used)), instance, unit, roster,
                    colors)
    _kpi_sheet(wb.create_sheet("KPI"), instance, roster, kpis)
    if open_shifts is not None:
        _open_shift_sheet(wb.create_sheet("Avoimet vuorot"), open_shifts)
    p = Path(path)
    wb.save(p)
    return p
