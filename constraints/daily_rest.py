"""Hard 4 — daily rest (työaikalaki 25 §): ≥ 11 h between the end of one shift and the next start.

Where the employee's unit has a local agreement, 9 h is the hard floor instead; every rest below
11 h is then a quick return, counted as a burden by `quick_return` (soft 1).
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule, fdate, fmin
from constraints.common import home_unit_allows_short_rest, rest_minutes, who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "daily_rest"


def min_rest(b: Builder, e: int) -> int:
    emp = b.employees[e]
    r = b.rules
    return r.short_daily_rest_min if home_unit_allows_short_rest(b.instance, emp) \
        else r.daily_rest_min


def apply(b: Builder) -> None:
    inst = b.instance
    sb = inst.shift_by_id
    for e, emp in enumerate(b.employees):
        limit = min_rest(b, e)
        opts = b.shift_options(e)
        bad = [(s1, s2, rest_minutes(sb[s1], sb[s2])) for s1 in opts for s2 in opts
               if rest_minutes(sb[s1], sb[s2]) < limit]
        for d in range(b.n_days - 1):
            for s1, s2, rest in bad:
                b.forbid([b.shift(e, d, s1), b.shift(e, d + 1, s2)], RULE_ID,
                         f"{who(emp)}: daily rest",
                         Msg("{who}: {s1} on {d1} followed by {s2} on {d2}, {rest} rest "
                             "(needs {need})", who=who(emp), s1=s1, s2=s2,
                             d1=fdate(inst.days[d]), d2=fdate(inst.days[d + 1]),
                             rest=fmin(rest), need=fmin(limit)), e=e, d=d + 1)


RULE = Rule(RULE_ID, "Vuorokausilepo ≥ 11 h (daily rest)", "hard", "työaikalaki 25 §", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
