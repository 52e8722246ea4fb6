"""The independent checker: every rule's definition evaluated on a finished roster, plus KPIs.

The checker is the source of truth for every figure a user sees (DESIGN §4): the solver's
objective is asserted equal to `CheckReport.objective` in the tests.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from constraints import RULES
from constraints.base import CheckResult, Level, Penalty, Violation
from constraints.evaluate import Evaluator
from instances.models import Instance, Profile, Roster


@dataclass
class CheckReport:
    violations: list[Violation] = field(default_factory=list)
    penalties: list[Penalty] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    kpis: dict[str, Any] = field(default_factory=dict)

    @property
    def objective(self) -> int:
        return sum(p.total for p in self.penalties)

    @property
    def feasible(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, int]:
        return dict(Counter(p.rule for p in self.penalties))


def check_roster(instance: Instance, roster: Roster, profile: Profile | None = None,
                 only: list[str] | None = None) -> CheckReport:
    """Evaluate every rule (or those in `only`) on the roster; compute the KPIs."""
    ev = Evaluator(instance, roster, profile)
    for rule in RULES:
        if (only is None or rule.id in only) and rule.active(instance):
            rule.apply(ev)
    res: CheckResult = ev.result
    rep = CheckReport(res.violations, res.penalties, res.metrics)
    rep.kpis = compute_kpis(instance, roster, rep)
    return rep


def compute_kpis(instance: Instance, roster: Roster, rep: CheckReport) -> dict[str, Any]:
    """The county's goal metrics (DESIGN §1) from the checker's penalties and metrics."""
    m = rep.metrics
    cents: dict[str, int] = defaultdict(int)
    for p in rep.penalties:
        if p.term == "cost_cent":
            cents[p.rule] += p.amount * p.multiplier
    burdens = Counter()
    for p in rep.penalties:
        if p.level is not None:
            burdens[p.level.value] += p.amount
    open_rows = m.get("open_shifts", [])
    planned = m.get("planned_minutes", {})
    dev = [abs(v["planned"] - v["target"]) for v in planned.values()]
    tol = instance.rules.hours_kpi_tolerance_min
    fairness = m.get("fairness", {})
    spreads = [u["spread"] for cat in fairness.values() for u in cat.values()]
    total_cents = sum(cents.values())
    return {
        "personnel_cost_eur": round(total_cents / 100, 2),
        "cost_by_part_eur": {k: round(v / 100, 2) for k, v in sorted(cents.items())},
        "open_shifts": sum(r["count"] for r in open_rows),
        "open_shift_cost_eur": round(sum(r["cost_eur"] for r in open_rows), 2),
        "staffing_ratio": m.get("staffing_ratio", []),
        "burdens": {lvl.value: burdens.get(lvl.value, 0) for lvl in Level},
        "single_days_off": sum(p.amount for p in rep.penalties if p.term == "single_day_off"),
        "competence_coverage": m.get("competence_coverage", 1.0),
        "wishes_fulfilled": m.get("wishes_fulfilled", 1.0),
        "hours_within_tolerance_4h": (sum(1 for x in dev if x <= tol) / len(dev)) if dev else 1.0,
        "hours_deviation_mean_h": (sum(dev) / len(dev) / 60) if dev else 0.0,
        "fairness_max_spread": max(spreads) if spreads else 0.0,
        "hard_violations": len(rep.violations),
        "objective": rep.objective,
        "assignments": len(roster.assignments),
    }


def kpis_by_unit(instance: Instance, rep: CheckReport) -> list[dict[str, Any]]:
    """The issue-4 KPIs per unit, so a resource planner sees which unit holds a region back.

    Employees count in their home unit (float-pool staff too); open shifts in the unit that asked
    for them. Sums over the rows equal the region's figures.
    """
    m = rep.metrics
    home = {e.id: e.home_unit for e in instance.employees}
    rows: dict[str, dict[str, Any]] = {
        u.id: {"unit": u.id, "name": u.name, "kind": u.kind.value, "employees": 0,
               "open_shifts": 0, "wishes_granted": 0, "wishes_total": 0, "strong_overload": 0,
               "hours_within_4h": 0}
        for u in instance.units}
    for e in instance.employees:
        rows[e.home_unit]["employees"] += 1
    for r in m.get("open_shifts", []):
        rows[r["unit"]]["open_shifts"] += r["count"]
    for emp, w in m.get("wishes_per_employee", {}).items():
        rows[home[emp]]["wishes_granted"] += w["granted"]
        rows[home[emp]]["wishes_total"] += w["total"]
    for p in rep.penalties:
        if p.level is Level.STRONG and p.employee in home:
            rows[home[p.employee]]["strong_overload"] += p.amount
    tol = instance.rules.hours_kpi_tolerance_min
    for emp, v in m.get("planned_minutes", {}).items():
        if abs(v["planned"] - v["target"]) <= tol:
            rows[home[emp]]["hours_within_4h"] += 1
    out = []
    for r in rows.values():
        n, wt = r["employees"], r["wishes_total"]
        r["wishes_fulfilled_pct"] = round(100 * r["wishes_granted"] / wt, 1) if wt else 100.0
        r["hours_within_4h_pct"] = round(100 * r["hours_within_4h"] / n, 1) if n else 100.0
        out.append(r)
    return out
