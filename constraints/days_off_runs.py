"""Hard — at least `min_consecutive_days_off` days off in a row (Curtois & Qu:
MinConsecutiveDaysOff). A day off is a day on which no shift starts (days off and absences
included); a shorter run of days off is exempt where it touches the first or last day of the
horizon. One violation per short run.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule
from constraints.common import who
from constraints.curtois_util import day_label, forbid_short_runs
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "days_off_runs"


def apply(b: Builder) -> None:
    for e, emp in enumerate(b.employees):
        lim = emp.limits
        if lim is None or lim.min_consecutive_days_off is None or \
                lim.min_consecutive_days_off <= 1:
            continue
        k = lim.min_consecutive_days_off
        off = [b.not_(b.on(e, d)) for d in range(b.n_days)]
        forbid_short_runs(
            b, off, k, RULE_ID, f"{who(emp)}: at least {k} days off in a row",
            lambda d, n, k=k, emp=emp: Msg(
                "{who}: {n} day(s) off (V) {d1}–{d2} between working days, at least {k} "
                "required", who=who(emp), n=n, d1=day_label(b, d), d2=day_label(b, d + n - 1),
                k=k), e=e)


RULE = Rule(RULE_ID, "Vähimmäismäärä peräkkäisiä vapaapäiviä (min consecutive days off)", "hard",
            "Curtois & Qu: MinConsecutiveDaysOff", apply, frozenset({"curtois"}))


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
