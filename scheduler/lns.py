"""Large-neighbourhood search over employees and day windows, on top of CP-SAT.

Each round frees the decisions of a neighbourhood — a few employees over the whole period, or every
employee over a window of days, or a group of employees over a window — fixes every other decision
to the incumbent, and lets CP-SAT re-optimise the rest from a complete hint. Because every hard
rule is in the model, every accepted roster is valid; the incumbent is only replaced by a
strictly better one, so the best roster so far is always at hand. Neighbourhood sizes adapt: a
sub-problem solved to optimality grows the next one, a timed-out one shrinks it.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from constraints.context import EncodeContext


@dataclass
class LnsStats:
    rounds: int = 0
    improved: int = 0
    optimal: int = 0


class ObjectiveEval:
    """The model's objective as {variable index: coefficient} + constant, to score assignments."""

    def __init__(self, ctx: EncodeContext):
        from ortools.sat.python import cp_model_helper as cmh

        flat = cmh.FlatIntExpr(ctx.objective())
        coeffs: dict[int, int] = defaultdict(int)
        for v, c in zip(flat.vars, flat.coeffs, strict=True):
            coeffs[v.index] += c
        self.items = list(coeffs.items())
        self.offset = flat.offset

    def __call__(self, values: list[int]) -> int:
        return self.offset + sum(c * values[i] for i, c in self.items)


def improve(ctx: EncodeContext, start: list[int], time_limit: float, *, workers: int = 2,
            seed: int = 0, on_improve: Callable[[int, list[int]], None] | None = None,
            round_limit: float = 3.0, params: dict | None = None,
            kinds: tuple[str, ...] = ("employees", "window", "block"),
            target: int | None = None, stop: Callable[[], bool] | None = None,
            ) -> tuple[list[int], int, LnsStats]:
    """LNS from a complete assignment `start` (values by variable index); stops early once the
    objective reaches `target` (a known lower bound, e.g. 0 open shifts)."""
    t_end = time.monotonic() + time_limit
    rng = random.Random(seed)
    stats = LnsStats()
    n_emp, n_days = len(ctx.employees), ctx.n_days
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (e, d, _s, _u), var in ctx.x.items():
        cells[(e, d)].append(var.index)
    objective = ObjectiveEval(ctx)
    best = list(start)
    best_obj = objective(best)
    size = {"employees": max(2, n_emp // 8), "window": 7, "block": 14}
    while time.monotonic() < t_end - min(0.2, round_limit) and (
            target is None or best_obj > target) and not (stop and stop()):
        kind = rng.choice(kinds)
        if kind == "employees":
            emps = set(rng.sample(range(n_emp), min(n_emp, size[kind])))
            free = {k for k in cells if k[0] in emps}
        elif kind == "window":
            w = min(n_days, size[kind])
            d0 = rng.randrange(0, n_days - w + 1)
            free = {k for k in cells if d0 <= k[1] < d0 + w}
        else:
            w = min(n_days, size[kind])
            d0 = rng.randrange(0, n_days - w + 1)
            emps = set(rng.sample(range(n_emp), min(n_emp, max(2, n_emp // 3))))
            free = {k for k in cells if k[0] in emps and d0 <= k[1] < d0 + w}
        sub = ctx.model.Clone()
        sp = sub.Proto()
        for k, idxs in cells.items():
            if k in free:
                continue
            for i in idxs:
                dom = sp.variables[i].domain  # a decision's domain is [0, 1]
                dom[0] = dom[1] = best[i]
        sub.ClearHints()
        sp.solution_hint.vars.extend(range(len(best)))
        sp.solution_hint.values.extend(best)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = min(round_limit, max(0.1, t_end - time.monotonic()))
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = rng.randrange(1 << 30)
        for k, v in (params or {}).items():
            setattr(solver.parameters, k, v)
        code = solver.Solve(sub)
        stats.rounds += 1
        if code == cp_model.OPTIMAL:
            stats.optimal += 1
            size[kind] = int(size[kind] * 1.25) + 1
        elif code == cp_model.FEASIBLE or code == cp_model.UNKNOWN:
            size[kind] = max(2, int(size[kind] * 0.8))
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            vals = list(solver.ResponseProto().solution)
            obj = objective(vals)
            if obj < best_obj:
                best, best_obj = vals, obj
                stats.improved += 1
                if on_improve:
                    on_improve(best_obj, best)
    return best, best_obj, stats
