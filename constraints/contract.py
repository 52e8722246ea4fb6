"""Hard 3 — an employee works only shift types allowed by the contract (e.g. no nights).

The competence side of hard 3 (a slot needing a competence is filled only by someone who has it)
is part of the staffing count in `staffing`: only qualified employees count toward a row.
"""

from __future__ import annotations

from constraints.base import BOTH, Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "contract_shift_types"


def apply(b: Builder) -> None:
    inst = b.instance
    for e, emp in enumerate(b.employees):
        if emp.shift_types is None:
            continue
        allowed = set(emp.shift_types)
        locked = {(inst.day_index(lk.date), lk.shift) for lk in emp.locked}
        for s in b.shift_options(e):
            if s in allowed:
                continue
            for d in range(b.n_days):
                if (d, s) in locked:
                    continue
                b.forbid([b.shift(e, d, s)], RULE_ID, f"{who(emp)}: contract",
                         Msg("{who}: {s} on {day} is not allowed by the contract "
                             "(allowed: {allowed})", who=who(emp), s=s, day=fdate(inst.days[d]),
                             allowed=", ".join(emp.shift_types)), e=e, d=d)


RULE = Rule(RULE_ID, "Sopimuksen mukaiset vuorotyypit (contract shift types)", "hard",
            "DESIGN §3 hard 3", apply, BOTH)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
