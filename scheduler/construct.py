"""A first roster built one employee at a time, for models whose hard rules are all per person.

The Curtois & Qu hard rules (successions, per-type maxima, minutes, runs, weekends, days off) never
link two employees; only the soft cover does. CP-SAT on the whole 100-employee × 182-day model took
71 s on 2 workers to find any roster for Instance21, and none for the 364-day instances, although
each employee's own model is small. Here each employee is solved alone, with every rule and the
full objective, against the cover that the employees before them left open (demand minimum and
target reduced by those already placed). Every roster it returns meets every hard rule, so the
LNS can start from it at once; its quality is that of a good greedy. `sweep` then improves it
the same way, one person at a time against all the others, for as long as that pays.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.sat.python import cp_model

from constraints import RULES
from constraints.context import EncodeContext
from instances.models import Instance, Profile, WishKind
from scheduler.model import build_model, complete_hint

Key = tuple[int, int, str, str]  # employee index, day, shift, unit (as EncodeContext.x)


def residual_instance(instance: Instance, emp_index: int,
                      placed: Counter[tuple[str, object, str, str | None]]) -> Instance:
    """The instance of one employee, its demand reduced by what is already `placed`.

    Built from the validated records themselves (only the rows `placed` touches are copied):
    dumping and re-validating Instance24's 11 648 demand rows took 0.05–0.1 s a person, a fifth of
    the construction's time per person at short budgets."""
    emp = instance.employees[emp_index]
    one = {k: getattr(instance, k) for k in Instance.model_fields}
    one["employees"] = [emp]
    one["wishes"] = [w for w in instance.wishes if w.employee == emp.id]
    one["absences"] = [a for a in instance.absences if a.employee == emp.id]
    if instance.reference_roster is not None:
        one["reference_roster"] = [a for a in instance.reference_roster
                                   if a.employee == emp.id]
    demand = []
    for dm in instance.demand:
        n = placed.get((dm.unit, dm.date, dm.shift, dm.competence), 0)
        if n:
            dm = dm.model_copy(update={"minimum": max(0, dm.minimum - n),
                                       "target": max(0, (dm.target or 0) - n)})
        demand.append(dm)
    one["demand"] = demand
    return Instance.model_validate(one)


# the profile terms that `linear_objective` prices; with any other term weighted, the employee's
# full model is solved instead (slower: seconds a person on a 364-day horizon)
LINEAR_TERMS = {"cover", "wish"}
# seconds of a person's objective solve at least; and a first guess at the rest of a person's
# time (residual instance, hard model, first roster: 0.4–0.5 s on Instance24), so the
# construction keeps to its budget where it can
SOLVE_MIN_S = 0.1
OVERHEAD_GUESS_S = 0.5
# `sweep`: a person's solve (Instance22, 90 s of passes: 0.1 s → 93 444, 0.3 s → ~76 000,
# 1.0 s → 82 230); the passes end once one gains under this share of the first pass's gain
# (Instance22's fell 201 853, 43 554, 17 026, 10 285, …; Instance24's 620 020, 332 692, …)
SWEEP_PERSON_S = 0.3
SWEEP_STOP_GAIN = 0.02
REPORT_S = 2.0


def prices_linearly(profile: Profile) -> bool:
    """Whether `profile` weights only terms that are linear in one person's shifts."""
    weighted = {k for k, v in profile.model_dump().items()
                if isinstance(v, int) and not isinstance(v, bool) and v and k != "name"}
    return weighted <= LINEAR_TERMS


def linear_objective(inst: Instance, profile: Profile, x: dict[Key, cp_model.IntVar], *,
                     emp_index: int = 0, placed: Counter | None = None,
                     ) -> list[tuple[int, cp_model.IntVar]] | None:
    """The objective of one employee against the residual cover, as (coefficient, decision).

    With one person, constraints/cover_weights.py's penalty is linear in their decisions: a
    shift on a row still short of its target saves `weight_under`, one on a row at its target
    costs `weight_over`; and constraints/wishes.py's are linear too (at most one shift a day). The
    objective of a roster is this sum plus a constant (tests/test_construct.py checks it against
    the checker). None where the profile weights another term.

    `x` holds one employee's decisions: those of `inst.employees[emp_index]`, against the cover
    left once `placed` ((unit, date, shift, competence) -> people) is taken from the targets."""
    if not prices_linearly(profile):
        return None
    emp = inst.employees[emp_index]
    placed = placed or Counter()
    coef: Counter[Key] = Counter()
    by_day_shift: dict[tuple[int, str], list[Key]] = {}
    by_day: dict[int, list[Key]] = {}
    for key in x:
        by_day_shift.setdefault((key[1], key[2]), []).append(key)
        by_day.setdefault(key[1], []).append(key)
    for dm in inst.demand:
        if dm.competence is not None and dm.competence not in emp.competences:
            continue
        left = (dm.target or 0) - placed.get((dm.unit, dm.date, dm.shift, dm.competence), 0)
        c = -(dm.weight_under or 0) if left >= 1 else (dm.weight_over or 0)
        for key in by_day_shift.get((inst.day_index(dm.date), dm.shift), []):
            if key[3] == dm.unit:
                coef[key] += profile.cover * c
    for w in inst.wishes:
        if w.employee != emp.id:
            continue
        weight = profile.wish * (4 - w.priority if w.weight is None else w.weight)
        d = inst.day_index(w.date)
        if w.kind == WishKind.DAY_OFF:
            keys, c = by_day.get(d, []), weight  # not granted when any shift is worked
        else:
            keys = by_day_shift.get((d, w.shift or ""), [])
            c = -weight if w.kind == WishKind.SHIFT else weight
        for key in keys:
            coef[key] += c
    return [(c, x[key]) for key, c in coef.items() if c]


@dataclass
class PersonModel:
    """One employee's hard rules as a CP-SAT model, kept to re-solve that person alone
    (`sweep`): building it again costs 0.4–0.7 s a person on Instance24."""

    model: cp_model.CpModel  # without objective or hint between solves
    x: dict[Key, cp_model.IntVar]  # the person's decisions (employee index 0)

    @classmethod
    def of(cls, ctx: EncodeContext) -> PersonModel:
        ctx.model.Proto().clear_objective()
        ctx.model.ClearHints()
        return cls(ctx.model, dict(ctx.x))


_HARD = [r for r in RULES if r.kind == "hard"]


@dataclass
class _Built:
    """One employee's residual instance and hard model, and the seconds the model took."""

    one: Instance
    hard: EncodeContext
    seconds: float


def _build_person(instance: Instance, profile: Profile, i: int, placed: Counter) -> _Built:
    one = residual_instance(instance, i, placed)
    t = time.monotonic()
    hard = build_model(one, profile, rules=_HARD)
    return _Built(one, hard, time.monotonic() - t)


def _solve_one(inst: Instance, hard: EncodeContext, profile: Profile, time_limit: float,
               workers: int, seed: int, keep: list[PersonModel] | None = None,
               placed: Counter | None = None) -> list[tuple[int, str, str]] | None:
    """(day, shift, unit) of the employee's best roster found in `time_limit`, or None. `hard`
    is their hard model, appended to `keep` where the objective is linear; `placed`: the cover
    the others already give, where `inst`'s demand is not reduced by it.

    First the hard rules alone with CP-SAT's `quick_restart_no_lp` search and no presolve, which
    found a roster for every Instance24 employee (364 days, 32 shift types) in 0.14–0.24 s
    (0.6–1.1 s with the presolve; the default search on 2 workers took up to 10 s on Instance22);
    then, from that roster as a hint, the objective: linear (`linear_objective`) on the same
    model where it can be, which got within `time_limit` what the employee's full model did not
    in 2 s (Instance24: 0.5 s, 2 235 740 against 2 239 307 for the first person), and needs no
    second model (0.4–0.7 s to build); else the full model.
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 30.0
    solver.parameters.num_workers = 1
    solver.parameters.subsolvers.append("quick_restart_no_lp")
    solver.parameters.cp_model_presolve = False
    solver.parameters.stop_after_first_solution = True
    solver.parameters.random_seed = seed
    if solver.Solve(hard.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    x_values = {k: solver.BooleanValue(v) for k, v in hard.x.items()}
    terms = linear_objective(inst, profile, hard.x, placed=placed)
    if terms is not None:
        if terms:
            for key, var in hard.x.items():
                hard.model.AddHint(var, x_values[key])
            hard.model.Minimize(sum(c * v for c, v in terms))
            solver = cp_model.CpSolver()
            solver.parameters.max_time_in_seconds = max(0.05, time_limit)
            solver.parameters.num_workers = workers
            solver.parameters.cp_model_presolve = False
            solver.parameters.random_seed = seed
            if solver.Solve(hard.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                x_values = {k: solver.BooleanValue(v) for k, v in hard.x.items()}
        if keep is not None:
            keep.append(PersonModel.of(hard))
        return [(d, s, u) for (_e, d, s, u), v in x_values.items() if v]
    full = build_model(inst, profile)
    if complete_hint(full, x_values):
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, time_limit)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        if solver.Solve(full.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            x_values = {k: solver.BooleanValue(v) for k, v in full.x.items()}
    return [(d, s, u) for (_e, d, s, u), v in x_values.items() if v]


def _place(placed: Counter, instance: Instance, comps: set[str], demand_comps: set,
           d: int, s: str, u: str, n: int = 1) -> None:
    """Count (or with n=-1 take back) one person's shift on the cover rows it counts in."""
    day = instance.days[d]
    for c in demand_comps:
        if c is None or c in comps:
            placed[(u, day, s, c)] += n


def by_employee(instance: Instance, profile: Profile, time_limit: float, *, workers: int = 2,
                seed: int = 0, people: list[PersonModel] | None = None,
                stats: Counter[str] | None = None) -> dict[Key, bool] | None:
    """Decision values of a roster built employee by employee; None if someone has no roster.

    `people` receives each employee's hard model where `sweep` can use them: the objective is
    linear per person and no demand row has a hard minimum (which the residual model would
    hold as it was when the person was placed). `stats` adds up the seconds spent building the
    people's hard models ("build_s") and their decisions ("decisions"): the solve judges from
    them what the whole model would cost."""
    t_end = time.monotonic() + time_limit
    comp = {e.id: set(e.competences) for e in instance.employees}
    placed: Counter[tuple[str, object, str, str | None]] = Counter()
    comps_in_demand = {dm.competence for dm in instance.demand}
    no_minimum = all(dm.minimum == 0 for dm in instance.demand)
    keep = people if no_minimum else None
    # Without hard minima a person's hard model does not depend on what the others cover (the
    # residual cover enters only the objective), so the next one is built in a thread while
    # CP-SAT solves this one: on Instance24 a build takes ~0.15 s of a person's ~0.55 s.
    ahead = no_minimum and prices_linearly(profile)
    values: dict[Key, bool] = {}
    n = len(instance.employees)
    overhead = OVERHEAD_GUESS_S  # a person's time beside their objective's solve, as measured
    with ThreadPoolExecutor(max_workers=1) as pool:
        nxt = pool.submit(_build_person, instance, profile, 0, Counter()) if ahead else None
        for i, emp in enumerate(instance.employees):
            t_emp = time.monotonic()
            left = max(0.0, t_end - t_emp)
            solve_s = max(SOLVE_MIN_S, left / (n - i) - overhead)
            if nxt is not None:
                built = nxt.result()
                nxt = pool.submit(_build_person, instance, profile, i + 1, Counter()) \
                    if i + 1 < n else None
            else:
                built = _build_person(instance, profile, i, placed)
            if stats is not None:
                stats["build_s"] += built.seconds
                stats["decisions"] += len(built.hard.x)
            got = _solve_one(built.one, built.hard, profile, solve_s, workers, seed + i, keep,
                             placed if ahead else None)
            spent = max(0.0, time.monotonic() - t_emp - solve_s)
            overhead = spent if i == 0 else 0.8 * overhead + 0.2 * spent
            if got is None:
                if nxt is not None:
                    nxt.cancel()
                return None
            for d, s, u in got:
                values[(i, d, s, u)] = True
                _place(placed, instance, comp[emp.id], comps_in_demand, d, s, u)
    if keep is not None and len(keep) != n:
        keep.clear()  # someone's objective was not linear: no sweep
    return values


def roster_objective(instance: Instance, profile: Profile, values: dict[Key, bool]) -> int:
    """The objective of a roster under a profile `linear_objective` prices (cover and wishes
    only), from head counts: the checker takes ~60 s on Instance24, this well under one."""
    comps = [set(e.competences) for e in instance.employees]
    demand_comps = {dm.competence for dm in instance.demand}
    placed: Counter = Counter()
    worked: dict[tuple[str, int], str] = {}
    for (e, d, s, u), v in values.items():
        if v:
            _place(placed, instance, comps[e], demand_comps, d, s, u)
            worked[(instance.employees[e].id, d)] = s
    total = 0
    for dm in instance.demand:
        n = placed.get((dm.unit, dm.date, dm.shift, dm.competence), 0)
        t = dm.target or 0
        total += profile.cover * ((dm.weight_under or 0) * max(0, t - n)
                                  + (dm.weight_over or 0) * max(0, n - t))
    for w in instance.wishes:
        weight = profile.wish * (4 - w.priority if w.weight is None else w.weight)
        s = worked.get((w.employee, instance.day_index(w.date)))
        if w.kind == WishKind.DAY_OFF:
            total += weight if s is not None else 0
        elif w.kind == WishKind.SHIFT:
            total += weight if s != w.shift else 0
        else:
            total += weight if s == w.shift else 0
    return total


def sweep(instance: Instance, profile: Profile, values: dict[Key, bool],
          people: list[PersonModel], time_limit: float, *, person_s: float = SWEEP_PERSON_S,
          workers: int = 1, seed: int = 0, stop: Callable[[], bool] | None = None,
          on_improve: Callable[[dict[Key, bool], int], None] | None = None,
          ) -> tuple[dict[Key, bool], int]:
    """Improve a roster one employee at a time, each re-solved alone against everyone else's
    shifts: exact for that person (`linear_objective` against the cover the others leave), and
    cheap, because their hard model is kept from the construction. The greedy placed its first
    employees against the whole cover and its last against what was left; a pass in random
    order lets each revisit that. Returns the roster and its objective (`roster_objective`);
    passes stop at `time_limit`, at `stop()`, or once a pass gains less than `SWEEP_STOP_GAIN`
    of the first. `on_improve(values, objective)` after a person's gain, at most every
    `REPORT_S` seconds, and after each pass."""
    t_end = time.monotonic() + time_limit
    rng = random.Random(seed)
    comps_in_demand = {dm.competence for dm in instance.demand}
    comps = [set(e.competences) for e in instance.employees]
    own: list[list[tuple[int, str, str]]] = [[] for _ in instance.employees]
    for (e, d, s, u), v in values.items():
        if v:
            own[e].append((d, s, u))
    placed: Counter = Counter()
    for e, shifts in enumerate(own):
        for d, s, u in shifts:
            _place(placed, instance, comps[e], comps_in_demand, d, s, u)
    objective = roster_objective(instance, profile, values)
    first_gain: int | None = None
    reported, last_report = objective, time.monotonic()

    def over() -> bool:
        return time.monotonic() >= t_end or (stop is not None and stop())

    while not over():
        pass_gain = 0
        order = list(range(len(people)))
        rng.shuffle(order)
        for e in order:
            if over():
                break
            for d, s, u in own[e]:
                _place(placed, instance, comps[e], comps_in_demand, d, s, u, -1)
            model, x = people[e].model, people[e].x
            terms = linear_objective(instance, profile, x, emp_index=e, placed=placed)
            on = {(d, s, u) for d, s, u in own[e]}
            by_index = {v.index: k for k, v in x.items()}
            now = sum(c for c, v in terms or [] if by_index[v.index][1:] in on)
            if terms:
                for (_e, d, s, u), var in x.items():
                    model.AddHint(var, (d, s, u) in on)
                model.Minimize(sum(c * v for c, v in terms))
                solver = cp_model.CpSolver()
                solver.parameters.max_time_in_seconds = min(person_s,
                                                            max(0.05, t_end - time.monotonic()))
                solver.parameters.num_workers = workers
                solver.parameters.cp_model_presolve = False
                solver.parameters.random_seed = rng.randrange(1 << 30)
                if solver.Solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE) \
                        and solver.ObjectiveValue() < now - 0.5:
                    gain = int(round(now - solver.ObjectiveValue()))
                    pass_gain += gain
                    objective -= gain
                    own[e] = [(d, s, u) for (_e, d, s, u), v in x.items()
                              if solver.BooleanValue(v)]
                model.Proto().clear_objective()
                model.ClearHints()
            for d, s, u in own[e]:
                _place(placed, instance, comps[e], comps_in_demand, d, s, u)
            if on_improve is not None and objective < reported \
                    and time.monotonic() - last_report >= REPORT_S:
                on_improve(_values(own), objective)
                reported, last_report = objective, time.monotonic()
        if on_improve is not None and objective < reported:
            on_improve(_values(own), objective)
            reported, last_report = objective, time.monotonic()
        first_gain = pass_gain if first_gain is None else first_gain
        if pass_gain <= SWEEP_STOP_GAIN * first_gain:
            break
    return _values(own), objective


def _values(own: list[list[tuple[int, str, str]]]) -> dict[Key, bool]:
    return {(e, d, s, u): True for e, shifts in enumerate(own) for d, s, u in shifts}
