"""Hard where `RuleSet.complete_weekends` is set — whole weekends: a shift starts on Saturday if and
only if one starts on Sunday (a weekend cut by the period's edge is not judged). Many rostering
rule sets know it (INRC's CompleteWeekends); a unit may ask for it, and a weekends-first solve
(scheduler/weekends_first.py) plans its first stage under it where the weekends' cover outruns
what the staff may work, since a half-worked weekend spends one of someone's few weekends on one
shift.
"""

from __future__ import annotations

from constraints.base import BOTH, Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "complete_weekends"


def saturdays(instance: Instance) -> list[int]:
    """Day indices of the Saturdays whose Sunday is inside the period."""
    return [d for d, day in enumerate(instance.days[:-1]) if day.weekday() == 5]


def apply(b: Builder) -> None:
    if not b.rules.complete_weekends:
        return
    for e, emp in enumerate(b.employees):
        for d in saturdays(b.instance):
            sat, sun = b.on(e, d), b.on(e, d + 1)
            b.require_range(sat - sun, 0, 0, RULE_ID,
                            f"{who(emp)}: whole weekend {fdate(b.instance.days[d])}",
                            Msg("{who}: works only one day of the weekend of {day}",
                                who=who(emp), day=fdate(b.instance.days[d])), e=e, d=d)


RULE = Rule(RULE_ID, "Kokonaiset työviikonloput (whole weekends)", "hard",
            "RuleSet.complete_weekends (a unit's choice; scheduler/weekends_first.py)", apply,
            BOTH)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
