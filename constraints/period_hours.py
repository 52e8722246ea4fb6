"""Hard 6 — period hours (jaksotyö, työaikalaki 7 §; SOTE).

Planned minutes (Σ of the lengths of the employee's shifts in the period) stay ≤ the period
maximum (120 h per 3 weeks, scaled: `calendar.max_minutes`) and within ± `hours_tolerance_min` of
the employee's target (`calendar.target_minutes`: 114 h 45 min per 3 weeks × part-time %, less
arkipyhä and absence reductions). The deviation inside the band is priced by the soft hours rule.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Expr, Msg, Rule, fmin
from constraints.common import who
from constraints.evaluate import check_with
from instances.calendar import max_minutes, target_minutes
from instances.models import Instance, Profile, Roster

RULE_ID = "period_hours"


def planned_minutes(b: Builder, e: int) -> Expr:
    """The employee's planned minutes in the period (shift lengths, by start day)."""
    sb = b.instance.shift_by_id
    return sum(sb[s].minutes * b.shift(e, d, s) for d in range(b.n_days)
               for s in b.shift_options(e))


def apply(b: Builder) -> None:
    inst = b.instance
    cap = max_minutes(inst)
    tol = b.rules.hours_tolerance_min
    report: dict[str, dict[str, int]] = {}
    for e, emp in enumerate(b.employees):
        planned = planned_minutes(b, e)
        target = target_minutes(inst, emp)
        got = fmin(b.value(planned)) if b.is_eval else ""
        b.require_range(planned, None, cap, RULE_ID, f"{who(emp)}: period maximum",
                        Msg("{who}: {got} planned in the period, above the maximum {cap}",
                            who=who(emp), got=got, cap=fmin(cap)), e=e)
        b.require_range(planned, max(0, target - tol), target + tol, RULE_ID,
                        f"{who(emp)}: period target ± {fmin(tol)}",
                        Msg("{who}: {got} planned in the period, target {target} ± {tol}",
                            who=who(emp), got=got, target=fmin(target), tol=fmin(tol)), e=e)
        if b.is_eval:
            report[emp.id] = {"planned": b.value(planned), "target": target}
    b.metric("planned_minutes", report)


RULE = Rule(RULE_ID, "Jakson työaika (period hours, jaksotyö)", "hard",
            "työaikalaki 7 §; SOTE-sopimus", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
