"""Instance validation: bad input is refused with messages that name the record and the field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from instances.io import instance_from_dict, read_instance
from instances.validation import InputError

BASE: dict[str, Any] = {
    "name": "t",
    "start": "2027-03-01",
    "weeks": 3,
    "units": [{"id": "os3", "name": "Osasto 3"}],
    "shift_types": [
        {"id": "A", "start": "07:00", "end": "15:00"},
        {"id": "I", "start": "14:00", "end": "22:00"},
        {"id": "Y", "start": "21:00", "end": "07:00"},
    ],
    "employees": [
        {"id": "e1", "name": "Aino Virtanen", "units": ["os3"],
         "competences": ["sairaanhoitaja", "lääkehoitolupa"]},
        {"id": "e2", "name": "Mikko Korhonen", "units": ["os3"], "competences": ["lähihoitaja"]},
    ],
    "demand": [{"unit": "os3", "date": "2027-03-01", "shift": "A", "minimum": 1, "target": 2}],
    "wishes": [
        {"employee": "e1", "kind": "day_off", "date": "2027-03-05"},
        {"employee": "e2", "kind": "shift", "date": "2027-03-06", "shift": "A"},
    ],
}


def raw(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(BASE)
    out.update(copy.deepcopy(changes))
    return out


def messages(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as info:
        instance_from_dict(data)
    return info.value.messages


def test_the_base_instance_is_valid() -> None:
    inst = instance_from_dict(raw())
    assert len(inst.employees) == 2 and inst.end.isoformat() == "2027-03-21"


def test_bad_date_in_a_wish_names_employee_and_wish() -> None:
    wishes = BASE["wishes"] + [{"employee": "e1", "kind": "day_off", "date": "2026-02-30"}]
    msgs = messages(raw(wishes=wishes))
    assert len(msgs) == 1
    assert "employee 'e1', wish 2" in msgs[0]  # e1's second wish (numbered per employee)
    assert "2026-02-30 is not a date" in msgs[0]


def test_thirteen_hour_shift_exceeds_the_planned_shift_limit() -> None:
    shifts = BASE["shift_types"] + [{"id": "PV", "start": "07:00", "end": "20:00"}]
    msgs = messages(raw(shift_types=shifts))
    assert msgs == ["shift type 'PV': 13 h exceeds the 10 h planned-shift limit"]


def test_night_shift_limit_is_eleven_hours_and_short_shifts_are_refused() -> None:
    shifts = BASE["shift_types"] + [
        {"id": "YY", "start": "19:00", "end": "07:00"},
        {"id": "Y11", "start": "20:00", "end": "07:00"},
        {"id": "X", "start": "10:00", "end": "13:00"},
    ]
    msgs = messages(raw(shift_types=shifts))
    assert "shift type 'YY': 12 h exceeds the 11 h night planned-shift limit" in msgs
    assert not any("'Y11'" in m for m in msgs)
    assert any("'X'" in m and "shorter than the 4 h minimum" in m for m in msgs)


def test_long_shifts_allowed_by_local_agreement_up_to_thirteen_hours() -> None:
    shifts = BASE["shift_types"] + [{"id": "PV", "start": "07:00", "end": "20:00"}]
    inst = instance_from_dict(raw(shift_types=shifts, rules={"allow_long_shifts": True}))
    assert inst.shift_by_id["PV"].minutes == 13 * 60


def test_unknown_competence_in_demand() -> None:
    demand = [{"unit": "os3", "date": "2027-03-02", "shift": "I", "competence": "kirurgi",
               "minimum": 1}]
    msgs = messages(raw(demand=demand))
    assert len(msgs) == 1
    assert "demand row 1" in msgs[0] and "competence" in msgs[0]
    assert "unknown competence 'kirurgi'" in msgs[0]


def test_wish_outside_the_period() -> None:
    wishes = [{"employee": "e2", "kind": "day_off", "date": "2027-04-01"}]
    msgs = messages(raw(wishes=wishes))
    assert msgs == ["employee 'e2', wish 1, date: 2027-04-01 is outside the period "
                    "2027-03-01–2027-03-21"]


def test_demand_for_a_unit_without_staff() -> None:
    units = BASE["units"] + [{"id": "koivula", "name": "Palvelukoti Koivula"}]
    demand = [{"unit": "koivula", "date": "2027-03-02", "shift": "A", "minimum": 2}]
    msgs = messages(raw(units=units, demand=demand))
    assert len(msgs) == 1 and "no employee may work in unit 'koivula'" in msgs[0]


def test_ratio_rule_on_a_unit_without_staff() -> None:
    units = BASE["units"] + [{"id": "koivula", "name": "K", "kind": "elderly_24h",
                              "ratio_rule": {"clients": 20}}]
    msgs = messages(raw(units=units))
    assert msgs == ["unit 'koivula', ratio_rule: no employee may work in the unit"]


def test_unknown_unit_of_an_employee_and_of_demand() -> None:
    employees = copy.deepcopy(BASE["employees"])
    employees[1]["units"] = ["os3", "os9"]
    demand = [{"unit": "os7", "date": "2027-03-02", "shift": "A", "minimum": 1}]
    msgs = messages(raw(employees=employees, demand=demand))
    assert "employee 'e2', units: unknown unit 'os9'" in msgs
    assert any(m.startswith("demand row 1") and "unknown unit 'os7'" in m for m in msgs)


def test_period_must_start_on_a_monday() -> None:
    msgs = messages(raw(start="2027-03-03"))
    assert len(msgs) == 1
    assert "start" in msgs[0] and "must start on a Monday" in msgs[0] and "Wednesday" in msgs[0]


def test_unknown_employee_shift_and_duplicate_ids_are_all_reported_together() -> None:
    employees = copy.deepcopy(BASE["employees"]) + [
        {"id": "e1", "name": "Toinen", "units": ["os3"], "shift_types": ["A", "Q"]}]
    wishes = [{"employee": "e9", "kind": "day_off", "date": "2027-03-05"},
              {"employee": "e2", "kind": "not_shift", "date": "2027-03-05", "shift": "Z"}]
    msgs = messages(raw(employees=employees, wishes=wishes))
    assert "employee 'e1': id appears 2 times" in msgs
    assert "employee 'e1', shift_types: unknown shift type 'Q'" in msgs
    assert "employee 'e9', wish 1: unknown employee" in msgs
    assert "employee 'e2', wish 1, shift: unknown shift type 'Z'" in msgs


def test_absence_of_an_unknown_employee() -> None:
    absences = [{"employee": "e8", "start": "2027-03-01", "end": "2027-03-02"}]
    assert messages(raw(absences=absences)) == ["absence 1, employee: unknown employee 'e8'"]


def test_wish_cap_per_period() -> None:
    wishes = [{"employee": "e1", "kind": "day_off", "date": f"2027-03-0{d}"} for d in range(1, 8)]
    msgs = messages(raw(wishes=wishes))
    assert msgs == ["employee 'e1', wishes: 7 wishes exceed the cap of 5 per period"]


def test_field_level_problems_name_record_and_field() -> None:
    employees = copy.deepcopy(BASE["employees"])
    employees[0]["part_time"] = 1.5
    del employees[1]["units"]
    employees[1]["salary"] = 20
    demand = [{"unit": "os3", "date": "2027-03-01", "shift": "A", "minimum": 3, "target": 2}]
    msgs = messages(raw(employees=employees, demand=demand))
    assert any(m.startswith("employee 'e1', part_time:") for m in msgs)
    assert "employee 'e2', units: this field is required" in msgs
    assert "employee 'e2', salary: unknown field" in msgs
    assert any(m.startswith("demand row 1") and "target 2 is below minimum 3" in m for m in msgs)


def test_wish_of_kind_shift_needs_a_shift() -> None:
    wishes = [{"employee": "e2", "kind": "shift", "date": "2027-03-06"}]
    msgs = messages(raw(wishes=wishes))
    assert len(msgs) == 1 and "employee 'e2', wish 1" in msgs[0] and "needs a shift" in msgs[0]


def test_locked_shift_problems() -> None:
    employees = copy.deepcopy(BASE["employees"])
    employees[0]["shift_types"] = ["A", "I"]
    employees[0]["locked"] = [{"date": "2027-03-02", "shift": "Y"},
                              {"date": "2027-03-30", "shift": "A"}]
    msgs = messages(raw(employees=employees))
    assert "employee 'e1', locked shift 1: shift 'Y' is not allowed by the contract" in msgs
    assert any(m.startswith("employee 'e1', locked shift 2: date 2027-03-30 is outside")
               for m in msgs)


def test_bad_json_file(tmp_path: Path) -> None:
    p = tmp_path / "broken.json"
    p.write_text('{"name": "x",\n "start": }', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_instance(p)
    (msg,) = info.value.messages
    assert "broken.json" in msg and "not valid JSON" in msg and "line 2" in msg


def test_json_that_is_not_an_object_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "list.json"
    p.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="expected a JSON object"):
        read_instance(p)
    with pytest.raises(InputError, match="file not found"):
        read_instance(tmp_path / "nope.json")


def test_valid_json_file_with_a_bad_record(tmp_path: Path) -> None:
    p = tmp_path / "inst.json"
    p.write_text(json.dumps(raw(start="2027-03-02")), encoding="utf-8")
    with pytest.raises(InputError, match="Monday"):
        read_instance(p)


def test_wish_numbering_is_the_same_in_both_kinds_of_message() -> None:
    # e1's wishes: the list's 1st and 3rd entries. A bad date in the 3rd entry is "wish 3" (list
    # position) while an out-of-period date in the same entry is "wish 2" (e1's 2nd wish).
    bad_date = raw(wishes=BASE["wishes"] + [{"employee": "e1", "kind": "day_off",
                                             "date": "2027-02-30"}])
    outside = raw(wishes=BASE["wishes"] + [{"employee": "e1", "kind": "day_off",
                                            "date": "2027-04-30"}])
    first = messages(bad_date)[0].split(":")[0].split(",")[:2]
    second = messages(outside)[0].split(":")[0].split(",")[:2]
    assert first == second
