"""Excel export: the roster grid, colours, day-off semantics, KPI and open-shift sheets."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from api.excel import SHIFT_COLORS, WEEKEND_FILL, export_xlsx
from instances.io import instance_from_dict
from instances.models import Assignment, Instance, Roster

START = date(2027, 3, 22)  # week with Good Friday 26.3. and Easter Sunday 28.3.


@pytest.fixture(scope="module")
def inst() -> Instance:
    return instance_from_dict({
        "name": "excel", "start": START.isoformat(), "weeks": 2,
        "units": [{"id": "os3", "name": "Osasto 3"},
                  {"id": "k", "name": "Palvelukoti Koivula / siipi [B]: hyvin pitkä nimi"}],
        "shift_types": [
            {"id": "A", "name": "aamu", "start": "07:00", "end": "15:00"},
            {"id": "I", "name": "ilta", "start": "14:00", "end": "22:00"},
            {"id": "Y", "name": "yö", "start": "21:00", "end": "07:00"},
        ],
        "employees": [
            {"id": "e1", "name": "Aino Virtanen", "units": ["os3", "k"],
             "competences": ["sairaanhoitaja", "lääkehoitolupa"]},
            {"id": "e2", "name": "Mikko Korhonen", "units": ["os3"],
             "competences": ["lähihoitaja"]},
            {"id": "e3", "name": "Sari Mäkinen", "units": ["k"], "competences": ["lähihoitaja"]},
        ],
        "demand": [{"unit": "os3", "date": START.isoformat(), "shift": "A", "minimum": 2}],
        "absences": [
            {"employee": "e2", "start": "2027-03-24", "end": "2027-03-25", "kind": "vuosiloma"},
            {"employee": "e2", "start": "2027-03-30", "end": "2027-03-30", "kind": "koulutus"},
            {"employee": "e3", "start": "2027-03-23", "end": "2027-03-23", "kind": "sairausloma"},
        ],
        "wishes": [{"employee": "e1", "kind": "day_off", "date": "2027-03-27", "priority": 1}],
    })


def day(k: int) -> date:
    return START + timedelta(days=k)


@pytest.fixture(scope="module")
def roster() -> Roster:
    rows = [("e1", 0, "A", "os3"), ("e1", 1, "Y", "os3"), ("e1", 4, "I", "k"),
            ("e2", 0, "I", "os3"), ("e3", 0, "A", "k")]
    return Roster(assignments=[Assignment(employee=e, date=day(k), shift=s, unit=u)
                               for e, k, s, u in rows])


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, inst: Instance,
         roster: Roster) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("x") / "lista.xlsx"
    kpis = {"avoimet vuorot": 1, "kustannus €": 1234.5, "toiveet": {"toteutui": 0.8},
            "ok": True, "mitoitus": [{"unit": "k", "ratio": 0.62}, {"unit": "k", "ratio": 0.7}]}
    out = export_xlsx(inst, roster, path, kpis=kpis,
                      open_shifts=[{"unit": "os3", "date": START.isoformat(), "shift": "A",
                                    "missing": 1, "cost": 384.0}])
    assert out == path and path.exists()
    return openpyxl.load_workbook(path)


def find_row(ws: Worksheet, emp_id: str) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 2).value == emp_id:
            return r
    raise AssertionError(f"{emp_id} not on sheet {ws.title}")


def rgb(cell: object) -> str:
    return str(cell.fill.start_color.rgb)[-6:]  # type: ignore[attr-defined]


def test_sheets(book: openpyxl.Workbook) -> None:
    names = book.sheetnames
    assert names[0] == "Osasto 3" and names[-2:] == ["KPI", "Avoimet vuorot"]
    assert len(names) == 4 and len(names[1]) <= 31
    assert not set("[]:*?/\\") & set(names[1])


def test_header_dates_weekdays_and_freeze(book: openpyxl.Workbook) -> None:
    ws = book["Osasto 3"]
    assert ws.cell(2, 1).value == "Nimi"
    assert [ws.cell(2, 4 + k).value for k in range(7)] == ["ma", "ti", "ke", "to", "pe", "la",
                                                           "su"]
    assert ws.cell(3, 4).value == "22.3." and ws.cell(3, 4 + 13).value == "4.4."
    assert ws.freeze_panes == "D4"
    # weekend (Saturday) and public holiday (Good Friday, Easter Monday) columns are shaded
    assert rgb(ws.cell(2, 4 + 5)) == WEEKEND_FILL
    assert rgb(ws.cell(2, 4 + 4)) == WEEKEND_FILL and rgb(ws.cell(2, 4 + 7)) == WEEKEND_FILL
    assert rgb(ws.cell(2, 4 + 1)) != WEEKEND_FILL


def test_grid_codes_and_colours(book: openpyxl.Workbook) -> None:
    ws = book["Osasto 3"]
    r1, r2 = find_row(ws, "e1"), find_row(ws, "e2")
    assert ws.cell(r1, 1).value == "Aino Virtanen" and ws.cell(r1, 3).value == "SH, LL"
    cells = [ws.cell(r1, 4 + k).value for k in range(6)]
    # A, Y, the night's end day (not a day off), a whole day off, I worked in the other unit, V
    assert cells == ["A", "Y", "–", "V", "I", "V"]
    assert rgb(ws.cell(r1, 4)) == SHIFT_COLORS["A"]
    assert rgb(ws.cell(r1, 5)) == SHIFT_COLORS["Y"]
    assert ws.cell(r1, 8).font.i  # italic: worked in another unit
    assert [ws.cell(r2, 4 + k).value for k in (0, 2, 3, 8)] == ["I", "L", "L", "K"]
    assert rgb(ws.cell(r2, 4)) == SHIFT_COLORS["I"]
    assert rgb(ws.cell(r1, 4 + 6)) == WEEKEND_FILL  # Easter Sunday off, shaded
    assert ws.cell(r1, 4 + 5).comment is not None  # the day-off wish is shown
    # hours column: 8 + 10 + 8 h worked
    assert ws.cell(r1, 4 + 14).value == 26


def test_other_unit_sheet_lists_its_staff_and_visitors(book: openpyxl.Workbook) -> None:
    ws = book[book.sheetnames[1]]
    r3 = find_row(ws, "e3")
    assert [ws.cell(r3, 4 + k).value for k in range(2)] == ["A", "S"]
    assert find_row(ws, "e1") > r3  # e1's home is Osasto 3, shown below as a visitor


def test_staffing_row_flags_shortfall(book: openpyxl.Workbook) -> None:
    ws = book["Osasto 3"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "A yhteensä")
    assert ws.cell(row, 4).value == "1/2" and rgb(ws.cell(row, 4)) == "FF9999"


def test_legend(book: openpyxl.Workbook) -> None:
    ws = book["Osasto 3"]
    texts = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert "Selitteet" in texts
    assert "yö 21:00–07:00" in texts
    legend = {ws.cell(r, 3).value for r in range(texts.index("Selitteet"), ws.max_row + 1)}
    assert {"A", "I", "Y", "V", "–", "L", "K", "S"} <= legend


def test_kpi_sheet(book: openpyxl.Workbook) -> None:
    ws = book["KPI"]
    rows = [r[:2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert ws.cell(1, 1).value == "Tunnusluku"
    assert rows[:4] == [("avoimet vuorot", 1), ("kustannus €", 1234.5),
                        ("toiveet / toteutui", 0.8), ("ok", "kyllä")]
    # a list of records becomes a table of its own below
    assert rows[5:] == [("mitoitus", None), ("unit", "ratio"), ("k", 0.62), ("k", 0.7)]


def test_open_shift_sheet(book: openpyxl.Workbook) -> None:
    ws = book["Avoimet vuorot"]
    assert [c.value for c in ws[1]] == ["Yksikkö", "Päivä", "Vuoro", "Puuttuu",
                                        "Kustannus (€)"]
    row = [c.value for c in ws[2]]
    assert row[0] == "os3" and row[1].date() == START and row[2:] == ["A", 1, 384.0]
    assert [c.value for c in ws[3]] == ["Yhteensä", None, None, 1, 384.0]


def test_without_kpis_or_open_shifts(tmp_path: Path, inst: Instance, roster: Roster) -> None:
    path = export_xlsx(inst, roster, tmp_path / "b.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "Avoimet vuorot" not in wb.sheetnames
    rows = {r[0]: r[1] for r in wb["KPI"].iter_rows(min_row=2, values_only=True)}
    assert rows["vuoroja"] == 5
