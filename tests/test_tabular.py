"""CSV/Excel import: good tables become an Instance; bad rows are named by file, line and field."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pandas as pd
import pytest

from instances.generator import PRESETS
from instances.models import AbsenceKind, Instance, UnitKind, WishKind
from instances.tabular import (
    instance_from_tables,
    instance_to_frames,
    read_csv_dir,
    read_workbook,
    write_csv_dir,
    write_workbook,
)
from instances.validation import InputError

EMPLOYEES = """id,name,units,competences,part_time,shift_types,hourly_wage
e1,Aino Virtanen,os3,sairaanhoitaja;lääkehoitolupa,1,,23.5
e2,Mikko Korhonen,os3,lähihoitaja,"0,8",A;I,19
e3,Sari Mäkinen,os3;koivula,lähihoitaja|lääkehoitolupa,80 %,,
"""
DEMAND = """unit,date,shift,competence,minimum,target
os3,2027-03-01,A,,1,2
os3,2027-03-01,A,lääkehoitolupa,1,
os3,2.3.2027,Y,,1,1
"""
WISHES = """employee,kind,date,shift,priority
e1,day_off,2027-03-05,,1
e2,vapaa,6.3.2027,,
e3,not_shift,2027-03-07,Y,3
"""
# Finnish Excel writes semicolon-separated CSV
ABSENCES = "employee;start;end;kind\ne1;8.3.2027;12.3.2027;L\ne2;2027-03-10;;koulutus\n"


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    return write(tmp_path / "plan", employees=EMPLOYEES, demand=DEMAND, wishes=WISHES,
                 absences=ABSENCES)


def errors(**kw: object) -> list[str]:
    with pytest.raises(InputError) as info:
        instance_from_tables(start="2027-03-01", weeks=3, **kw)  # type: ignore[arg-type]
    return info.value.messages


def test_good_csv_folder(good: Path) -> None:
    inst = read_csv_dir(good, start="2027-03-01", weeks=3)
    assert inst.name == "plan" and inst.start == date(2027, 3, 1) and inst.weeks == 3
    assert [u.id for u in inst.units] == ["os3", "koivula"]
    assert all(u.kind == UnitKind.WARD for u in inst.units)
    assert [s.id for s in inst.shift_types] == ["A", "I", "Y"]
    e1, e2, e3 = inst.employees
    assert e1.competences == ["sairaanhoitaja", "lääkehoitolupa"] and e1.shift_types is None
    assert e2.part_time == 0.8 and e2.shift_types == ["A", "I"] and e2.hourly_wage == 19
    assert e3.part_time == 0.8 and e3.units == ["os3", "koivula"] and e3.hourly_wage == 22.0
    assert e3.competences == ["lähihoitaja", "lääkehoitolupa"]
    d1, d2, d3 = inst.demand
    assert (d1.minimum, d1.target, d2.competence, d2.target) == (1, 2, "lääkehoitolupa", 1)
    assert d3.date == date(2027, 3, 2) and d3.shift == "Y"
    w1, w2, w3 = inst.wishes
    assert w2.kind == WishKind.DAY_OFF and w2.date == date(2027, 3, 6) and w2.priority == 2
    assert w3.kind == WishKind.NOT_SHIFT and w3.shift == "Y" and w3.priority == 3
    a1, a2 = inst.absences
    assert a1.kind == AbsenceKind.ANNUAL_LEAVE and (a1.start, a1.end) == (date(2027, 3, 8),
                                                                          date(2027, 3, 12))
    assert a2.kind == AbsenceKind.TRAINING and a2.start == a2.end == date(2027, 3, 10)


def test_optional_tables_units_shift_types_period_locked_rules(good: Path) -> None:
    write(good,
          period="name,start,weeks\nkevät,2027-03-01,3\n",
          units="id,name,kind,clients,ratio\nos3,Osasto 3,osasto,,\n"
                "koivula,Palvelukoti Koivula,elderly_24h,20,\"0,6\"\n",
          shift_types="id,name,start,end\nA,aamu,07:00,15:00\nI,ilta,14:00,22:00\n"
                      "Y,yö,21:00,07:00\nP,päivä,8.00,16\n",
          locked="employee,date,shift,unit\ne1,2027-03-03,A,\n",
          rules="key,value\nwish_cap_per_period,4\nhours_tolerance_min,360\n")
    inst = read_csv_dir(good)
    assert inst.name == "kevät" and inst.weeks == 3
    koivula = inst.unit_by_id["koivula"]
    assert koivula.kind == UnitKind.ELDERLY_24H and koivula.ratio_rule is not None
    assert koivula.ratio_rule.clients == 20 and koivula.ratio_rule.ratio == 0.6
    assert inst.shift_by_id["P"].start == time(8) and inst.shift_by_id["P"].end == time(16)
    assert inst.employee_by_id["e1"].locked[0].date == date(2027, 3, 3)
    assert inst.rules.wish_cap_per_period == 4 and inst.rules.hours_tolerance_min == 360


def test_round_trip_through_csv_and_excel(tmp_path: Path) -> None:
    inst = PRESETS["mixed"](0)
    assert read_csv_dir(write_csv_dir(inst, tmp_path / "csv")) == inst
    assert read_workbook(write_workbook(inst, tmp_path / "plan.xlsx")) == inst


def test_bad_rows_name_file_line_and_field(good: Path) -> None:
    write(good, wishes=WISHES + "e2,day_off,2026-02-30,,2\ne17,day_off,2027-03-05,,2\n"
                                "e1,shift,2027-03-09,,2\ne1,day_off,2027-03-10,,7\n")
    with pytest.raises(InputError) as info:
        read_csv_dir(good, start="2027-03-01", weeks=3)
    assert info.value.messages == [
        "wishes.csv line 5 (employee 'e2'), date: '2026-02-30' is not a date",
        "wishes.csv line 6 (employee 'e17'), employee: unknown employee 'e17'",
        "wishes.csv line 7 (employee 'e1'), shift: a 'shift' wish needs a shift",
        "wishes.csv line 8 (employee 'e1'), priority: '7' is not a priority "
        "(1 = most important .. 3)",
    ]


def test_every_bad_cell_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "bad",
        employees=EMPLOYEES + "e4,Väärä,os3,,1.5,A;X,abc\ne1,Tupla,os3,,,,\n",
        demand=DEMAND + "os3,2027-04-30,I,kirurgi,2,1\nos3,2027-03-03,A,,kaksi,\n",
        wishes=WISHES,
        absences=ABSENCES + "e9;2027-03-10;;loma\ne1;2027-03-20;2027-03-12;vuosiloma\n"
                            "e2;2027-03-11;;lomps\n",
    )
    with pytest.raises(InputError) as info:
        read_csv_dir(folder, start="2027-03-01", weeks=3)
    msgs = info.value.messages
    expected = [
        "employees.csv line 6 (employee 'e1'), id: 'e1' is already used on line 2",
        "employees.csv line 5 (employee 'e4'), shift_types: unknown shift type 'X'",
        "employees.csv line 5 (employee 'e4'), hourly_wage: 'abc' is not a number",
        "demand.csv line 5 (os3 2027-04-30 I), date: 2027-04-30 is outside the period "
        "2027-03-01–2027-03-21",
        "demand.csv line 5 (os3 2027-04-30 I), competence: unknown competence 'kirurgi'",
        "demand.csv line 5 (os3 2027-04-30 I), target: 1 is below the minimum 2",
        "demand.csv line 6 (os3 2027-03-03 A), minimum: 'kaksi' is not a number",
        "absences.csv line 4 (employee 'e9'), employee: unknown employee 'e9'",
        "absences.csv line 5 (employee 'e1'), end: 2027-03-12 is before the start 2027-03-20",
    ]
    for m in expected:
        assert m in msgs
    assert any(m.startswith("employees.csv line 5 (employee 'e4'), part_time:") for m in msgs)
    assert any(m.startswith("absences.csv line 6 (employee 'e2'), kind: 'lomps' is not one of")
               for m in msgs)


def test_nothing_half_built_cross_checks_still_apply(good: Path) -> None:
    # each row is fine on its own; the Instance cross-check (wish cap) still refuses the whole
    extra = "".join(f"e1,day_off,2027-03-{d:02d},,2\n" for d in range(10, 16))
    write(good, wishes=WISHES + extra)
    with pytest.raises(InputError) as info:
        read_csv_dir(good, start="2027-03-01", weeks=3)
    assert info.value.messages == ["employee 'e1', wishes: 7 wishes exceed the cap of 5 per "
                                   "period"]


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    folder = write(tmp_path / "cols",
                   employees="id,name,units,part_tme,notes\ne1,A,os3,1,hi\n",
                   demand="unit,date,minimum\nos3,2027-03-01,1\n")
    with pytest.raises(InputError) as info:
        read_csv_dir(folder, start="2027-03-01", weeks=3)
    msgs = info.value.messages
    assert any(m.startswith("employees.csv: unknown column(s) 'part_tme'") for m in msgs)
    assert any(m.startswith("demand.csv: missing column(s) shift") for m in msgs)
    assert not any("notes" in m for m in msgs)


def test_period_and_files_are_required(tmp_path: Path) -> None:
    folder = write(tmp_path / "p", employees=EMPLOYEES)
    with pytest.raises(InputError, match="start date of the period is required"):
        read_csv_dir(folder)
    with pytest.raises(InputError, match="employees.csv is missing"):
        read_csv_dir(write(tmp_path / "q", demand=DEMAND), start="2027-03-01", weeks=3)
    assert errors(employees=tmp_path / "nope.csv") == [f"{tmp_path / 'nope.csv'}: file not found"]


def test_period_start_must_be_a_monday(good: Path) -> None:
    with pytest.raises(InputError, match="must start on a Monday"):
        read_csv_dir(good, start="2027-03-02", weeks=3)


def test_windows_1252_csv(tmp_path: Path) -> None:
    folder = tmp_path / "ansi"
    folder.mkdir()
    (folder / "employees.csv").write_bytes(
        "id;name;units;competences\ne1;Äijälä Ööpiä;os3;lähihoitaja\n".encode("cp1252"))
    inst = read_csv_dir(folder, start="2027-03-01", weeks=3)
    assert inst.employees[0].name == "Äijälä Ööpiä"


def test_dataframes_and_workbook_sheets(tmp_path: Path) -> None:
    emp = pd.DataFrame({"id": ["e1", "e2"], "name": ["Aino", "Mikko"], "units": ["os3", "os3"],
                        "competences": ["sairaanhoitaja", "lähihoitaja"]})
    wishes = pd.DataFrame({"employee": ["e1"], "kind": ["day_off"],
                           "date": [pd.Timestamp("2027-03-05")]})
    inst = instance_from_tables(employees=emp, wishes=wishes, start=date(2027, 3, 1), weeks=3)
    assert inst.wishes[0].date == date(2027, 3, 5)

    book = tmp_path / "suunnitelma.xlsx"
    bad_wishes = pd.DataFrame({"employee": ["e1", "e2"], "kind": ["day_off", "day_off"],
                               "date": ["2027-03-05", "2027-02-30"]})
    with pd.ExcelWriter(book) as xw:
        emp.to_excel(xw, sheet_name="employees", index=False)
        bad_wishes.to_excel(xw, sheet_name="toiveet", index=False)
    with pytest.raises(InputError) as info:
        read_workbook(book, start="2027-03-01", weeks=3)
    assert info.value.messages == ["suunnitelma.xlsx sheet 'toiveet' row 3 (employee 'e2'), "
                                   "date: '2027-02-30' is not a date"]


def test_workbook_without_employees_sheet(tmp_path: Path) -> None:
    book = tmp_path / "x.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(book, sheet_name="muuta", index=False)
    with pytest.raises(InputError, match="no sheet named 'employees'"):
        read_workbook(book, start="2027-03-01", weeks=3)


def test_frames_are_the_documented_columns() -> None:
    inst: Instance = PRESETS["small"](0)
    frames = instance_to_frames(inst)
    assert list(frames["employees"].columns)[:4] == ["id", "name", "units", "competences"]
    assert list(frames["wishes"].columns) == ["employee", "kind", "date", "shift", "priority"]
    assert len(frames["demand"]) == len(inst.demand)
