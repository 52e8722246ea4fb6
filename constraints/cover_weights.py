"""Soft — weighted cover around a target (Curtois & Qu: SECTION_COVER). For every demand row that
sets `weight_under` or `weight_over`, with count = people on that unit/date/shift:
under = max(0, target − count) costs `Profile.cover × weight_under` each, over =
max(0, count − target) costs `Profile.cover × weight_over` each.

The count is one linear sum of the decision literals (aggregated, no per-person auxiliaries);
`over` is written as count − target + under, so a row needs one max, and none where the target is
0 (under is then always 0). Metrics `cover_under` and `cover_over`: totals of people missing and
in excess over the rows (evaluation only).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.base import Builder, CheckResult, Msg, Rule
from constraints.curtois_util import day_label
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "cover_weights"


def apply(b: Builder) -> None:
    inst = b.instance
    by_unit: dict[str, list[int]] = defaultdict(list)
    for e, emp in enumerate(b.employees):
        for u in emp.units:
            by_unit[u].append(e)
    tot_under = tot_over = 0
    for dm in inst.demand:
        wu, wo = dm.weight_under or 0, dm.weight_over or 0
        if wu == 0 and wo == 0:
            continue
        d = inst.day_index(dm.date)
        if not 0 <= d < b.n_days:
            continue
        target = dm.target or 0
        staff = by_unit.get(dm.unit, [])
        if dm.competence is not None:
            staff = [e for e in staff if dm.competence in b.employees[e].competences]
        count = sum(b.shift(e, d, dm.shift, dm.unit) for e in staff)
        under = b.max_([target - count, 0], ub=target) if target > 0 else 0
        over = count - target + under
        where = dict(u=dm.unit, day=day_label(b, d), s=dm.shift, t=target)
        if wu:
            b.penalty(RULE_ID, "cover", under,
                      Msg("{u} {day} {s}: {amount} below the cover target of {t}", **where),
                      d=d, multiplier=wu)
        if wo:
            b.penalty(RULE_ID, "cover", over,
                      Msg("{u} {day} {s}: {amount} above the cover target of {t}", **where),
                      d=d, multiplier=wo)
        if b.is_eval:
            tot_under += b.value(under)
            tot_over += b.value(over)
    b.metric("cover_under", tot_under)
    b.metric("cover_over", tot_over)


RULE = Rule(RULE_ID, "Miehitystavoite painoin (weighted cover under/over target)", "soft",
            "Curtois & Qu: SECTION_COVER", apply, frozenset({"curtois"}))


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
