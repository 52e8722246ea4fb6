"""Model building, solving, decomposition and infeasibility explanation."""

from scheduler.explain import explain_infeasibility
from scheduler.model import build_model
from scheduler.solve import Progress, SolveOptions, SolveResult, solve

__all__ = ["Progress", "SolveOptions", "SolveResult", "build_model", "explain_infeasibility",
           "solve"]
