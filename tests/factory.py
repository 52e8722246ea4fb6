"""Tiny hand-made instances and rosters for break/keep tests of single rules.

`grid(inst, {"e1": "AAI-Y--"})` turns one character per day into a roster: a shift id, or '-'/'V'
for no shift starting that day. Periods start on Monday 1.2.2027 (no public holidays in February).
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from instances.models import (
    LPN,
    MEDICATION_PERMIT,
    RN,
    Assignment,
    Demand,
    Employee,
    Instance,
    Roster,
    RuleSet,
    ShiftType,
    Unit,
)

START = date(2027, 2, 1)
SHIFTS = [
    ShiftType(id="A", name="aamu", start=time(7), end=time(15)),
    ShiftType(id="I", name="ilta", start=time(14), end=time(22)),
    ShiftType(id="Y", name="yö", start=time(21), end=time(7)),
]


def employee(i: int, **kw: Any) -> Employee:
    base: dict[str, Any] = {"id": f"e{i}", "name": f"Hoitaja{i}", "units": ["U1"],
                            "competences": [RN, MEDICATION_PERMIT] if i % 2 else [LPN],
                            "hourly_wage": 20.0}
    base.update(kw)
    return Employee(**base)


def make_instance(n_employees: int = 2, weeks: int = 1, *, employees: list[Employee] | None = None,
                  demand_min: int = 0, demand: list[Demand] | None = None,
                  rules: RuleSet | None = None, units: list[Unit] | None = None,
                  shifts: list[ShiftType] | None = None, **kw: Any) -> Instance:
    emps = employees if employees is not None else [employee(i + 1)
                                                    for i in range(n_employees)]
    shifts = shifts or SHIFTS
    units = units or [Unit(id="U1", name="Osasto 1")]
    if demand is None:
        demand = [Demand(unit=u.id, date=START + timedelta(days=d), shift=s.id,
                         minimum=demand_min)
                  for u in units for d in range(weeks * 7) for s in shifts]
    return Instance(name="tiny", start=kw.pop("start", START), weeks=weeks, units=units,
                    shift_types=shifts, employees=emps, demand=demand,
                    rules=rules or RuleSet(), public_holidays=kw.pop("public_holidays", []),
                    **kw)


def grid(inst: Instance, rows: dict[str, str], unit: str | None = None) -> Roster:
    out: list[Assignment] = []
    for emp_id, line in rows.items():
        emp = inst.employee_by_id.get(emp_id)
        u = unit or (emp.home_unit if emp else "U1")
        for d, ch in enumerate(line.replace(" ", "")):
            if ch in "-V":
                continue
            out.append(Assignment(employee=emp_id, date=inst.start + timedelta(days=d),
                                  shift=ch, unit=u))
    return Roster(assignments=out)


def rules_hit(result: Any, rule: str) -> list[str]:
    """Messages of violations and penalties of one rule."""
    return [v.message for v in result.violations if v.rule == rule] + \
        [p.message for p in result.penalties if p.rule == rule]


def objective_value(ctx: Any, solver: Any) -> int:
    """The objective of the solver's returned solution, term by term.

    CP-SAT 9.15's `ObjectiveValue()` was seen to differ from its own returned solution under a
    time limit; the scheduler and these tests score the solution itself instead.
    """
    return sum(w * (int(a) if isinstance(a, (bool, int)) else solver.Value(a))
               for w, a, _ in ctx.objective_terms)


def solve_and_check(inst: Instance, profile: Any = None,
                    seconds: float = 10.0) -> tuple[Roster, int, Any]:
    """Encode every active rule, solve briefly, read the roster back and check it.

    Returns (roster, solver objective scored by its terms, full checker result).
    """
    from ortools.sat.python import cp_model

    import constraints
    from constraints.base import CheckResult
    from constraints.context import EncodeContext
    from constraints.evaluate import check_with

    active = [r for r in constraints.RULES if r.active(inst)]
    ctx = EncodeContext(inst, profile)
    for r in active:
        r.apply(ctx)
    ctx.model.Minimize(ctx.objective())
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.Solve(ctx.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), solver.StatusName(status)
    roster = Roster(assignments=[
        Assignment(employee=inst.employees[e].id, date=inst.days[d], shift=s, unit=u)
        for (e, d, s, u), var in ctx.x.items() if solver.Value(var)])
    total = CheckResult()
    for r in active:
        total.extend(check_with(r.apply, inst, roster, profile))
    return roster, objective_value(ctx, solver), total


def model_on_roster(inst: Instance, roster: Roster, rule: Any,
                    profile: Any = None) -> tuple[bool, int | None]:
    """Encode one rule with every decision fixed to `roster`: (feasible, objective)."""
    from ortools.sat.python import cp_model

    from constraints.context import EncodeContext

    ctx = EncodeContext(inst, profile)
    rule.apply(ctx)
    idx = {emp.id: e for e, emp in enumerate(inst.employees)}
    want = {(idx[a.employee], inst.day_index(a.date), a.shift, a.unit) for a in roster.assignments}
    assert want <= set(ctx.x), "the roster uses a slot the model has no variable for"
    for key, var in ctx.x.items():
        ctx.model.Add(var == int(key in want))
    ctx.model.Minimize(ctx.objective())
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    solver.parameters.num_workers = 2
    # the LP with the run and weekend clauses in it (max_lp) proves the benchmark-style models
    # optimal in well under a second; harmless on the others
    solver.parameters.subsolvers.append("max_lp")
    status = solver.Solve(ctx.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assert status == cp_model.INFEASIBLE
        return False, None
    return True, objective_value(ctx, solver)


def check_both(inst: Instance, roster: Roster, module: Any, profile: Any = None) -> Any:
    """Checker result of one rule, asserting that the fixed-roster model agrees with it."""
    res = module.check(inst, roster, profile)
    feasible, objective = model_on_roster(inst, roster, module.RULE, profile)
    assert feasible == res.feasible
    if feasible:
        assert objective == res.objective
    return res
