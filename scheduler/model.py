"""Instance + RuleSet + Profile → CP-SAT model (every rule of the catalogue, one objective)."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from constraints import RULES
from constraints.base import Rule
from constraints.context import EncodeContext
from instances.models import Instance, Profile, Roster


def build_model(instance: Instance, profile: Profile, *, explain: bool = False,
                hint: Roster | None = None, rules: list[Rule] | None = None) -> EncodeContext:
    """Every rule of the catalogue (or `rules`) into one model; minimise the weighted terms."""
    ctx = EncodeContext(instance, profile, explain=explain)
    for rule in RULES if rules is None else rules:
        if rule.active(instance):
            rule.apply(ctx)
    if not explain:
        ctx.model.Minimize(ctx.objective())
    if hint is not None:
        add_hint(ctx, hint)
    return ctx


def roster_values(ctx: EncodeContext, roster: Roster) -> dict:
    """The roster as decision values {(e, d, s, u): bool} of this model."""
    idx = {e.id: i for i, e in enumerate(ctx.employees)}
    on = {(idx[a.employee], ctx.instance.day_index(a.date), a.shift, a.unit)
          for a in roster.assignments if a.employee in idx}
    return {key: key in on for key in ctx.x}


def add_hint(ctx: EncodeContext, roster: Roster) -> None:
    """Warm start: hint every decision variable from a previous or published roster."""
    for key, on in roster_values(ctx, roster).items():
        ctx.model.AddHint(ctx.x[key], int(on))


def complete_hint(ctx: EncodeContext, x_values: dict, time_limit: float = 30.0) -> bool:
    """Hint every variable of the model, not only the decisions, from a decision assignment.

    CP-SAT with few workers spends its time in the LP at the root and finds no first solution on
    a model with many reified soft terms; a complete, feasible hint is taken as the first solution
    at once, and the LNS workers start improving it.
    """
    values = complete_values(ctx.model, {var.index: int(x_values.get(key, 0))
                                         for key, var in ctx.x.items()}, time_limit)
    if values is None:
        return False
    ctx.model.ClearHints()
    hint = ctx.model.Proto().solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)
    return True


def complete_values(model: cp_model.CpModel, decisions: dict[int, int],
                    time_limit: float = 30.0) -> list[int] | None:
    """Every variable's value (the derived ones at their best) with the decisions fixed to
    `decisions` {variable index: value}; None if those break a hard rule.

    The auxiliary values are found by solving a clone with the decisions fixed (pure
    propagation, a second or two). `model` is not changed.
    """
    clone = model.Clone()
    proto = clone.Proto()
    for i, v in decisions.items():
        dom = proto.variables[i].domain  # a decision's domain is [0, 1]
        dom[0] = dom[1] = v
    clone.ClearHints()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    code = solver.Solve(clone)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.ResponseProto().solution)


def components(instance: Instance) -> list[tuple[list[str], list[str]]]:
    """Independent parts: units linked by employees who may work in several (float pool).

    Every rule is local to an employee or a unit, so parts can be solved separately and their
    objectives add up.
    """
    parent = {u.id: u.id for u in instance.units}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for emp in instance.employees:
        for u in emp.units[1:]:
            parent[find(u)] = find(emp.units[0])
    groups: dict[str, list[str]] = defaultdict(list)
    for u in instance.units:
        groups[find(u.id)].append(u.id)
    out = []
    for units in groups.values():
        us = set(units)
        emps = [e.id for e in instance.employees if e.home_unit in us]
        out.append((units, emps))
    return out


def sub_instance(instance: Instance, units: list[str], employees: list[str]) -> Instance:
    return Instance.model_validate(sub_data(instance.model_dump(), sorted(instance.holiday_set),
                                            units, employees))


def sub_data(data: dict, holidays: list, units: list[str], employees: list[str]) -> dict:
    """The part of an instance's data (`Instance.model_dump()`) for these units and employees."""
    us, es = set(units), set(employees)
    data = dict(data)
    data["units"] = [u for u in data["units"] if u["id"] in us]
    data["employees"] = [e for e in data["employees"] if e["id"] in es]
    data["demand"] = [d for d in data["demand"] if d["unit"] in us]
    data["wishes"] = [w for w in data["wishes"] if w["employee"] in es]
    data["absences"] = [a for a in data["absences"] if a["employee"] in es]
    if data.get("reference_roster") is not None:
        data["reference_roster"] = [a for a in data["reference_roster"] if a["employee"] in es]
    data["public_holidays"] = holidays
    return data
