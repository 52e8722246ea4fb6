"""Hard — total minutes worked in the horizon within [min_minutes, max_minutes] per employee
(Curtois & Qu: MinTotalMinutes, MaxTotalMinutes). Each shift counts its full length on the day it
starts. Metric `total_minutes`: employee id -> minutes worked (evaluation only).
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule, fmin
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "total_minutes"


def apply(b: Builder) -> None:
    sb = b.instance.shift_by_id
    totals: dict[str, int] = {}
    for e, emp in enumerate(b.employees):
        lim = emp.limits
        if lim is None or (lim.min_minutes is None and lim.max_minutes is None):
            continue
        total = sum(sb[s].minutes * b.shift(e, d, s)
                    for d in range(b.n_days) for s in b.shift_options(e))
        lo, hi = lim.min_minutes, lim.max_minutes
        b.require_range(total, lo, hi, RULE_ID, f"{who(emp)}: total minutes",
                        Msg("{who}: {value} min worked ({h}), allowed {lo}–{hi} min", who=who(emp),
                            h=fmin(b.value(total)) if b.is_eval else "", lo=lo or 0,
                            hi=hi if hi is not None else "∞"), e=e)
        if b.is_eval:
            totals[emp.id] = b.value(total)
    b.metric("total_minutes", totals)


RULE = Rule(RULE_ID, "Työaika jakson rajoissa (total minutes within min–max)", "hard",
            "Curtois & Qu: Min/MaxTotalMinutes", apply, frozenset({"curtois"}))


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
