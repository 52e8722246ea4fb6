"""Soft 6 — single days off (yhden päivän vapaat), a county KPI.

A whole free day (`b.free`; absence days are free days too) with a non-free day on both sides.
Days at the horizon edges are exempt: the neighbour outside is unknown. Each one costs
`Profile.single_day_off`; the total is reported as the metric `single_days_off`.
"""

from __future__ import annotations

from constraints.base import FI_WEEKDAYS, Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "single_days_off"


def apply(b: Builder) -> None:
    inst = b.instance
    found = []
    for e, emp in enumerate(b.employees):
        for d in range(1, b.n_days - 1):
            lit = b.and_(b.not_(b.free(e, d - 1)), b.free(e, d), b.not_(b.free(e, d + 1)))
            found.append(lit)
            b.penalty(RULE_ID, "single_day_off", lit,
                      Msg("{who}: a single day off on {day} ({wd}) between working days",
                          who=who(emp), day=fdate(inst.days[d]),
                          wd=FI_WEEKDAYS[inst.days[d].weekday()]), e=e, d=d)
    b.metric("single_days_off", lambda: sum(b.value(lit) for lit in found))


RULE = Rule(RULE_ID, "Yksittäiset vapaapäivät (single days off)", "soft",
            "DESIGN §3 soft 6; county KPI", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
