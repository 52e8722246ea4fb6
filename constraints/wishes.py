"""Soft — employees' wishes (toiveet): day off, shift X on a date, not shift X on a date.

An unfulfilled wish costs `Profile.wish × (4 − priority)` (priority 1 is the most important), or
`Profile.wish × weight` where the wish carries an explicit weight (benchmark requests).
A day-off wish is met only by a whole free calendar day (the morning a night shift ends is not
free). KPI: share of wishes fulfilled, overall and per employee.
"""

from __future__ import annotations

from constraints.base import BOTH, Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster, WishKind

RULE_ID = "wishes"


def fulfilled(b: Builder, e: int, d: int, kind: WishKind, shift: str | None):
    """The one definition of 'this wish is granted' (used by fairness too)."""
    if kind == WishKind.DAY_OFF:
        return b.free(e, d)
    assert shift is not None
    if kind == WishKind.SHIFT:
        return b.shift(e, d, shift)
    return b.not_(b.shift(e, d, shift))


def apply(b: Builder) -> None:
    inst = b.instance
    idx = {emp.id: e for e, emp in enumerate(b.employees)}
    per_emp: dict[str, list[int]] = {emp.id: [0, 0] for emp in b.employees}
    text = {WishKind.DAY_OFF: "vapaa (day off)", WishKind.SHIFT: "vuoro {s}",
            WishKind.NOT_SHIFT: "ei vuoroa {s}"}
    for w in inst.wishes:
        e = idx[w.employee]
        d = inst.day_index(w.date)
        ok = fulfilled(b, e, d, w.kind, w.shift)
        what = text[w.kind].format(s=w.shift)
        b.penalty(RULE_ID, "wish", b.not_(ok),
                  Msg("{who}: toive '{what}' on {day} (priority {p}) not granted",
                      who=who(b.employees[e]), what=what, day=fdate(w.date), p=w.priority),
                  e=e, d=d, multiplier=4 - w.priority if w.weight is None else w.weight)
        if b.is_eval:
            per_emp[w.employee][0] += int(bool(ok))
            per_emp[w.employee][1] += 1
    granted = sum(g for g, _ in per_emp.values())
    total = sum(n for _, n in per_emp.values())
    b.metric("wishes_fulfilled", (granted / total) if total else 1.0)
    b.metric("wishes_per_employee", {k: {"granted": g, "total": n}
                                     for k, (g, n) in per_emp.items() if n})


RULE = Rule(RULE_ID, "Työvuorotoiveet (wishes; benchmark shift on/off requests)", "soft",
            "DESIGN §3 wishes", apply, BOTH)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
