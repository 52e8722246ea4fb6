"""Hard — consecutive working days (a day with a shift starting) within
[min_consecutive_shifts, max_consecutive_shifts] (Curtois & Qu: Min/MaxConsecutiveShifts).

Max: every window of max+1 days holds at most max working days (counted inside the horizon; one
violation per window). Min: a run shorter than min is forbidden unless it touches the first or
last day of the horizon (the days beyond are unknown); one violation per short run.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule
from constraints.common import who
from constraints.curtois_util import day_label, forbid_short_runs, limit_long_runs
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "work_runs"


def apply(b: Builder) -> None:
    for e, emp in enumerate(b.employees):
        lim = emp.limits
        if lim is None:
            continue
        works = [b.on(e, d) for d in range(b.n_days)]
        if lim.max_consecutive_shifts is not None:
            k = lim.max_consecutive_shifts
            limit_long_runs(
                b, works, k, RULE_ID, f"{who(emp)}: at most {k} working days in a row",
                lambda d, k=k, emp=emp: Msg(
                    "{who}: works every day {d1}–{d2}, more than {k} days in a row",
                    who=who(emp), d1=day_label(b, d), d2=day_label(b, d + k), k=k), e=e)
        if lim.min_consecutive_shifts is not None and lim.min_consecutive_shifts > 1:
            k = lim.min_consecutive_shifts
            forbid_short_runs(
                b, works, k, RULE_ID, f"{who(emp)}: at least {k} working days in a row",
                lambda d, n, k=k, emp=emp: Msg(
                    "{who}: a run of {n} working day(s) {d1}–{d2}, at least {k} required",
                    who=who(emp), n=n, d1=day_label(b, d), d2=day_label(b, d + n - 1), k=k),
                e=e)


RULE = Rule(RULE_ID, "Peräkkäiset työpäivät min–max (consecutive working days)", "hard",
            "Curtois & Qu: Min/MaxConsecutiveShifts", apply, frozenset({"curtois"}))


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
