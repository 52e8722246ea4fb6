"""Hard 1 — one shift per employee per day, one unit at a time, only units the employee may work in.

In the model this is structural (variables exist only for allowed units; at most one per day);
evaluating a roster, every row is checked against the instance.
"""

from __future__ import annotations

from constraints.base import BOTH, Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "assignment"


def apply(b: Builder) -> None:
    inst = b.instance
    for e, emp in enumerate(b.employees):
        for d in range(b.n_days):
            combos = [b.shift(e, d, s, u) for s in b.shift_options(e) for u in emp.units]
            b.require_range(sum(combos), None, 1, RULE_ID, f"{who(emp)}: one shift a day",
                            Msg("{who}: more than one shift on {day}", who=who(emp),
                                day=fdate(inst.days[d])), e=e, d=d)
    if not b.is_eval:
        return
    for (e, d), rows in b.rows.items():  # type: ignore[attr-defined]
        emp = b.employees[e]
        for s, u in rows:
            if u not in emp.units:
                b.forbid([True], RULE_ID, "", Msg(
                    "{who}: {s} on {day} in unit '{u}', which is not one of the employee's "
                    "units ({units})", who=who(emp), s=s, day=fdate(inst.days[d]), u=u,
                    units=", ".join(emp.units)), e=e, d=d)
    for a, why in b.stray:  # type: ignore[attr-defined]
        b.forbid([True], RULE_ID, "", Msg("roster row {emp} {day} {s}: {why}", emp=a.employee,
                                           day=a.date, s=a.shift, why=why))


RULE = Rule(RULE_ID, "Yksi vuoro päivässä, sallitut yksiköt (one shift a day, allowed units)",
            "hard", "DESIGN §3 hard 1", apply, BOTH)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
