"""Soft 2 — backward rotation (I→A, Y→I, Y→A); forward rotation A → I → Y is preferred.

A shift is "earlier in the rotation" when its `ShiftType.rotation_rank` is lower. Counted, one
elevated item per occurrence:
* s1 on day d and s2 on d + 1 with rank(s2) < rank(s1);
* a night shift on day d, no shift starting on d + 1 (the sleep day, not a day off) and a shift
  of lower rank than the night on d + 2 (e.g. Y, sleep day, A).
Shifts are grouped by rank, so the number of literals grows with the number of ranks (≤ 4), not
with the number of shift types.
"""

from __future__ import annotations

from collections import defaultdict

from constraints.base import Builder, CheckResult, Level, Msg, Rule, fdate
from constraints.common import who
from constraints.ergonomics_util import any_shift, burden, worked
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "backward_rotation"


def apply(b: Builder) -> None:
    inst = b.instance
    sb = inst.shift_by_id
    days = inst.days
    for e, emp in enumerate(b.employees):
        by_rank: dict[int, list[str]] = defaultdict(list)
        for s in b.shift_options(e):
            by_rank[sb[s].rotation_rank].append(s)
        ranks = sorted(by_rank)
        backward = [(r1, r2) for r1 in ranks for r2 in ranks if r2 < r1]
        nights = [s for s in b.shift_options(e) if sb[s].is_night]
        night_rank = max((sb[s].rotation_rank for s in nights), default=None)
        after_night = [s for s in b.shift_options(e)
                       if night_rank is not None and sb[s].rotation_rank < night_rank]
        for d in range(b.n_days - 1):
            for r1, r2 in backward:
                s1, s2 = by_rank[r1], by_rank[r2]
                lit = b.and_(any_shift(b, e, d, s1), any_shift(b, e, d + 1, s2))
                burden(b, RULE_ID, Level.ELEVATED, lit,
                       Msg("{who}: {s1} on {d1} followed by {s2} on {d2} (backward rotation; "
                           "TTL: {ttl})", who=who(emp), s1=worked(b, e, d, s1),
                           s2=worked(b, e, d + 1, s2), d1=fdate(days[d]), d2=fdate(days[d + 1])),
                       e=e, d=d + 1)
            if d + 2 < b.n_days and nights and after_night:
                lit = b.and_(any_shift(b, e, d, nights), b.not_(b.on(e, d + 1)),
                             any_shift(b, e, d + 2, after_night))
                burden(b, RULE_ID, Level.ELEVATED, lit,
                       Msg("{who}: {s1} on {d1}, sleep day {d2}, then {s2} on {d3} (backward "
                           "rotation; TTL: {ttl})", who=who(emp), s1=worked(b, e, d, nights),
                           s2=worked(b, e, d + 2, after_night), d1=fdate(days[d]),
                           d2=fdate(days[d + 1]), d3=fdate(days[d + 2])), e=e, d=d + 2)


RULE = Rule(RULE_ID, "Taaksepäin kiertävä vuorojärjestys (backward rotation)", "soft",
            "DESIGN §3 soft 2; TTL, Käypä hoito", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
