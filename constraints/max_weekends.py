"""Hard — at most `max_weekends` worked weekends (Curtois & Qu: MaxWeekends). Weekend w is worked
when a shift starts on day 7w+5 (Saturday) or 7w+6 (Sunday); the horizon starts on a Monday.
Metric `weekends_worked`: employee id -> number of worked weekends (evaluation only).
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "max_weekends"


def apply(b: Builder) -> None:
    counts: dict[str, int] = {}
    for e, emp in enumerate(b.employees):
        if emp.limits is None or emp.limits.max_weekends is None:
            continue
        cap = emp.limits.max_weekends
        worked = [b.or_(b.on(e, 7 * w + 5), b.on(e, 7 * w + 6)) for w in range(b.n_days // 7)]
        total = sum(worked)
        b.require_range(total, None, cap, RULE_ID, f"{who(emp)}: at most {cap} weekends",
                        Msg("{who}: works {value} weekends ({which}), at most {cap} allowed",
                            who=who(emp), cap=cap,
                            which=", ".join(f"week {w + 1}" for w, x in enumerate(worked) if x)
                            if b.is_eval else ""), e=e)
        if b.is_eval:
            counts[emp.id] = b.value(total)
    b.metric("weekends_worked", counts)


RULE = Rule(RULE_ID, "Työviikonloppujen enimmäismäärä (max worked weekends)", "hard",
            "Curtois & Qu: MaxWeekends", apply, frozenset({"curtois"}))


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
