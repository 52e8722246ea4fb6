"""Soft — hours: each employee's planned minutes should meet the period target (DESIGN §3 hours).

The hard rule (period hours) only keeps planned hours within ± tolerance of the target; inside
that band every minute away from the target still costs `Profile.hours_deviation_minute`, so the
roster lands as close to the contract (114 h 45 min per 3 weeks × part-time %, minus weekday
holidays and absences) as the rest of the rules allow. The deviation is an exact |x|. Minutes
beyond the county's KPI band (± 4 h, `RuleSet.hours_kpi_tolerance_min`) cost
`Profile.hours_beyond_kpi_minute` more, and ending outside it at all costs
`Profile.hours_outside_kpi` (with 8-h shifts the band is often missed by minutes). At 10 per
minute alone, 4 h off target cost less than one "elevated" burden and a 1000-person region had
only 40–53 % of its staff within ± 4 h.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule, fmin
from constraints.common import who
from constraints.evaluate import check_with
from constraints.period_hours import planned_minutes  # the one definition of planned hours
from instances.calendar import target_minutes
from instances.models import Instance, Profile, Roster

RULE_ID = "hours_deviation"


def planned_minutes_ub(b: Builder) -> int:
    """A safe upper bound of anyone's planned minutes (one shift a day, the longest type)."""
    return b.n_days * max(st.minutes for st in b.instance.shift_types)


def _signed(minutes: int) -> str:
    return ("+" if minutes >= 0 else "−") + fmin(abs(minutes))


def apply(b: Builder) -> None:
    inst = b.instance
    ub_planned = planned_minutes_ub(b)
    signed: dict[str, int] = {}
    for e, emp in enumerate(b.employees):
        target = target_minutes(inst, emp)
        x = planned_minutes(b, e) - target
        dev = b.max_([x, -x], ub=max(target, ub_planned - target))
        planned = b.value(x) + target if b.is_eval else 0
        b.penalty(RULE_ID, "hours_deviation_minute", dev,
                  Msg("{who}: planned {p}, target {t} ({diff})", who=who(emp), p=fmin(planned),
                      t=fmin(target), diff=_signed(planned - target)), e=e)
        tol = inst.rules.hours_kpi_tolerance_min
        beyond = b.max_([dev - tol, 0], ub=max(target, ub_planned - target))
        b.penalty(RULE_ID, "hours_beyond_kpi_minute", beyond,
                  Msg("{who}: planned {p} is {diff} from the target {t}, beyond the ± {tol} "
                      "the unit reports", who=who(emp), p=fmin(planned), t=fmin(target),
                      diff=_signed(planned - target), tol=fmin(tol)), e=e)
        b.penalty(RULE_ID, "hours_outside_kpi", b.ge(beyond, 1),
                  Msg("{who}: outside the ± {tol} band of the target hours", who=who(emp),
                      tol=fmin(tol)), e=e)
        if b.is_eval:
            signed[emp.id] = planned - target
    b.metric("hours_deviation", signed)


RULE = Rule(RULE_ID, "Tuntipoikkeama tavoitteesta (deviation from target hours)", "soft",
            "DESIGN §3 hours; SOTE jaksotyö", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
