"""Per-unit KPIs (constraints.checker.kpis_by_unit): the rows add up to the region's figures and
a burden planted in one unit shows up in that unit alone."""

from __future__ import annotations

from constraints.checker import check_roster, kpis_by_unit
from instances.generator import PRESETS
from instances.models import Assignment, Profile, Roster


def _rows(inst, roster):
    rep = check_roster(inst, roster, Profile())
    return rep, {r["unit"]: r for r in kpis_by_unit(inst, rep)}


def test_unit_rows_add_up_to_the_region():
    inst = PRESETS["mixed"](0)
    rep, rows = _rows(inst, Roster(assignments=[]))
    k = rep.kpis
    assert set(rows) == {u.id for u in inst.units}
    assert sum(r["employees"] for r in rows.values()) == len(inst.employees)
    assert sum(r["open_shifts"] for r in rows.values()) == k["open_shifts"] > 0
    assert sum(r["wishes_total"] for r in rows.values()) == len(inst.wishes)
    granted = sum(r["wishes_granted"] for r in rows.values())
    assert abs(granted / len(inst.wishes) - k["wishes_fulfilled"]) < 1e-9
    assert sum(r["strong_overload"] for r in rows.values()) == k["burdens"]["strong"]
    within = sum(r["hours_within_4h"] for r in rows.values())
    assert abs(within / len(inst.employees) - k["hours_within_tolerance_4h"]) < 1e-9


def test_a_single_working_day_counts_in_its_home_unit_only():
    inst = PRESETS["mixed"](0)
    _, before = _rows(inst, Roster(assignments=[]))
    emp = next(e for e in inst.employees if len(e.units) == 1)
    absent = inst.absent_days[emp.id]
    d = next(d for d in range(3, inst.n_days - 3) if not {d - 1, d, d + 1} & absent)
    shift = (emp.shift_types or [s.id for s in inst.shift_types])[0]
    one = Roster(assignments=[Assignment(employee=emp.id, date=inst.days[d], shift=shift,
                                         unit=emp.home_unit)])
    rep, after = _rows(inst, one)
    assert any(p.employee == emp.id and p.level and p.level.value == "strong"
               for p in rep.penalties), "a lone working day is a TTL strong overload"
    for unit, row in after.items():
        gained = row["strong_overload"] - before[unit]["strong_overload"]
        assert gained == (1 if unit == emp.home_unit else 0), unit
