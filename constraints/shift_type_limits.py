"""Hard — at most `ContractLimits.max_shifts[s]` shifts of type s in the horizon, per employee
(Curtois & Qu: MaxShifts). A limit of 0 also removes the type from the employee's contract types,
so no variable exists for it; the checker still counts it here.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "shift_type_limits"


def apply(b: Builder) -> None:
    for e, emp in enumerate(b.employees):
        if emp.limits is None or not emp.limits.max_shifts:
            continue
        for s, cap in emp.limits.max_shifts.items():
            if s not in b.instance.shift_by_id:
                continue
            count = sum(b.shift(e, d, s) for d in range(b.n_days))
            b.require_range(count, None, cap, RULE_ID, f"{who(emp)}: at most {cap} × {s}",
                            Msg("{who}: {value} shifts of type {s}, at most {cap} allowed",
                                who=who(emp), s=s, cap=cap), e=e)


RULE = Rule(RULE_ID, "Vuorotyyppien enimmäismäärät (max shifts per type)", "hard",
            "Curtois & Qu: MaxShifts", apply, frozenset({"curtois"}))


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
