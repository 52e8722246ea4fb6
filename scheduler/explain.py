"""Explaining infeasibility in human terms (CP-SAT assumptions).

Each hard requirement carries a `group` label ("Virtanen: daily rest", "Osasto 3 4.3. Y: needs
2 × sairaanhoitaja, 1 of 3 qualified are not on leave"). With `explain=True` every group is
guarded by an assumption literal; CP-SAT returns a sufficient subset of assumptions for
infeasibility, which is then shrunk by deletion so the planner sees only rules that truly conflict.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from instances.models import Instance, Profile
from scheduler.model import build_model


def _infeasible(ctx, groups: list[str], budget: float, workers: int) -> tuple[bool, list[str]]:
    ctx.model.ClearAssumptions()
    ctx.model.AddAssumptions([ctx.groups[g] for g in groups])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = budget
    solver.parameters.num_workers = 1 if workers < 8 else workers  # core extraction: 1 worker
    code = solver.Solve(ctx.model)
    if code != cp_model.INFEASIBLE:
        return False, []
    idx = {ctx.groups[g].index: g for g in groups}
    core = [idx[i] for i in solver.SufficientAssumptionsForInfeasibility() if i in idx]
    return True, core


def explain_infeasibility(instance: Instance, profile: Profile | None = None, *,
                          time_limit: float = 30.0, workers: int = 2) -> list[str]:
    """Labels of a small set of hard-rule groups that cannot all hold together."""
    t0 = time.monotonic()
    ctx = build_model(instance, profile or Profile(), explain=True)
    groups = list(ctx.groups)
    ok, core = _infeasible(ctx, groups, time_limit / 2, workers)
    if not ok:
        return []
    if not core:
        return ["the hard rules cannot all hold, but no smaller conflict was isolated"]
    # shrink: drop every group whose removal keeps the rest infeasible
    i = 0
    while i < len(core) and time.monotonic() - t0 < time_limit:
        trial = core[:i] + core[i + 1:]
        left = max(0.5, (time_limit - (time.monotonic() - t0)) / max(1, len(core)))
        still, sub = _infeasible(ctx, trial, left, workers)
        if still:
            core = [g for g in trial if g in set(sub)] or trial
        else:
            i += 1
    return sorted(core)
