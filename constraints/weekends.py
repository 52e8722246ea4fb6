"""Soft 7 — free weekends: at least `free_weekends_per_3_weeks` whole free weekends per 3 weeks.

A free weekend is Saturday and Sunday both whole free days (`b.free`: a night shift from Friday
or one starting on Sunday evening spoils it). Every 3-week window of the period
(`Instance.windows(3)`) is judged on the weekends inside it; a window shorter than 14 days (the
tail of a period that is not a multiple of 3 weeks) is skipped. Amount: how many are missing.
Fair sharing of weekend work is the `fairness` rule's business.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule
from constraints.common import who
from constraints.ergonomics_util import span
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "weekends"


def apply(b: Builder) -> None:
    inst = b.instance
    need = b.rules.free_weekends_per_3_weeks
    if need <= 0:
        return
    for win in inst.windows(3):
        if len(win) < 14:
            continue
        saturdays = [d for d in win if inst.days[d].weekday() == 5 and d + 1 in win]
        for e, emp in enumerate(b.employees):
            free_weekends = sum(b.and_(b.free(e, d), b.free(e, d + 1)) for d in saturdays)
            missing = b.max_([need - free_weekends, 0], ub=need)
            b.penalty(RULE_ID, "missing_free_weekend", missing,
                      Msg("{who}: {amount} free weekend(s) missing in {span} (needs {need} "
                          "whole free Sat+Sun)", who=who(emp), span=span(b, win[0], win[-1]),
                          need=need), e=e, d=win[0])


RULE = Rule(RULE_ID, "Vapaat viikonloput (free weekends)", "soft", "DESIGN §3 soft 7", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
