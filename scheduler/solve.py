"""Solving: CP-SAT with a time budget, workers, seed, progress; independent parts one by one.

The planner gives one time budget; it is shared between the independent parts (units linked by
float-pool employees) in proportion to their size. A part with no solution makes the whole
result infeasible, and `scheduler.explain` then says which rules conflict.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from instances.models import Assignment, Instance, Profile, Roster
from scheduler.model import build_model, components, sub_instance


@dataclass
class SolveOptions:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    log: bool = False
    hint: Roster | None = None


@dataclass
class Progress:
    part: int  # 1-based index of the part being solved
    parts: int
    objective: float | None  # best total so far (finished parts + current part)
    bound: float | None
    elapsed: float
    fraction: float  # of the time budget used


@dataclass
class SolveResult:
    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    roster: Roster | None
    objective: float | None
    bound: float | None
    wall_time: float
    parts: int = 1
    history: list[tuple[float, float, float]] = field(default_factory=list)  # t, obj, bound
    explanation: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_solution: Callable[[float, float], None]):
        super().__init__()
        self._on = on_solution

    def on_solution_callback(self) -> None:
        self._on(self.ObjectiveValue(), self.BestObjectiveBound())


def _status_name(code: int) -> str:
    return {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
            cp_model.INFEASIBLE: "INFEASIBLE", cp_model.MODEL_INVALID: "MODEL_INVALID"}.get(
        code, "UNKNOWN")


def solve(instance: Instance, profile: Profile, options: SolveOptions | None = None,
          progress: Callable[[Progress], None] | None = None) -> SolveResult:
    opts = options or SolveOptions()
    t0 = time.monotonic()
    parts = components(instance)
    sizes = [max(1, len(emps)) for _, emps in parts]
    assignments: list[Assignment] = []
    done_obj = done_bound = 0.0
    history: list[tuple[float, float, float]] = []
    status_all = "OPTIMAL"

    for i, ((units, emps), size) in enumerate(zip(parts, sizes, strict=True), start=1):
        sub = instance if len(parts) == 1 else sub_instance(instance, units, emps)
        remaining = max(1.0, opts.time_limit - (time.monotonic() - t0))
        share = sum(sizes[i - 1:])
        budget = remaining * size / share
        hint = opts.hint
        if hint is None and sub.reference_roster:
            hint = Roster(assignments=sub.reference_roster)
        ctx = build_model(sub, profile, hint=hint)
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = budget
        p.num_workers = max(1, opts.workers)
        p.random_seed = opts.seed
        p.log_search_progress = opts.log

        def on_solution(obj: float, bound: float, _i: int = i) -> None:
            el = time.monotonic() - t0
            history.append((el, done_obj + obj, done_bound + bound))
            if progress:
                progress(Progress(_i, len(parts), done_obj + obj, done_bound + bound, el,
                                  min(1.0, el / max(opts.time_limit, 1e-9))))

        code = solver.Solve(ctx.model, _Callback(on_solution))
        st = _status_name(code)
        if st not in ("OPTIMAL", "FEASIBLE"):
            return SolveResult(status=st, roster=None, objective=None, bound=None,
                               wall_time=time.monotonic() - t0, parts=len(parts),
                               history=history)
        if st == "FEASIBLE":
            status_all = "FEASIBLE"
        done_obj += solver.ObjectiveValue()
        done_bound += solver.BestObjectiveBound()
        for (e, d, s, u), var in ctx.x.items():
            if solver.BooleanValue(var):
                assignments.append(Assignment(employee=sub.employees[e].id, date=sub.days[d],
                                              shift=s, unit=u))
        if progress:
            el = time.monotonic() - t0
            progress(Progress(i, len(parts), done_obj, done_bound, el,
                              min(1.0, el / max(opts.time_limit, 1e-9))))

    return SolveResult(status=status_all, roster=Roster(assignments=assignments),
                       objective=done_obj, bound=done_bound, wall_time=time.monotonic() - t0,
                       parts=len(parts), history=history)
