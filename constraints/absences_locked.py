"""Hard 2 — absences (poissaolot) and locked (pre-assigned) shifts are respected."""

from __future__ import annotations

from constraints.base import BOTH, Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "absences_locked"


def apply(b: Builder) -> None:
    inst = b.instance
    kinds = {}
    for a in inst.absences:
        for d in range(b.n_days):
            if a.start <= inst.days[d] <= a.end:
                kinds[(a.employee, d)] = a.kind.value
    for e, emp in enumerate(b.employees):
        for d in sorted(inst.absent_days[emp.id]):
            b.forbid([b.on(e, d)], RULE_ID, f"{who(emp)}: absence",
                     Msg("{who}: works on {day} despite an absence ({kind})", who=who(emp),
                         day=fdate(inst.days[d]), kind=kinds.get((emp.id, d), "poissaolo")),
                     e=e, d=d)
        for lk in emp.locked:
            d = inst.day_index(lk.date)
            unit = lk.unit or emp.home_unit
            b.require_any([b.shift(e, d, lk.shift, unit)], RULE_ID,
                          f"{who(emp)}: locked shift {lk.shift} on {fdate(lk.date)}",
                          Msg("{who}: locked shift {s} in {u} on {day} is not kept", who=who(emp),
                              s=lk.shift, u=unit, day=fdate(lk.date)), e=e, d=d)


RULE = Rule(RULE_ID, "Poissaolot ja lukitut vuorot (absences and locked shifts)", "hard",
            "DESIGN §3 hard 2", apply, BOTH)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
