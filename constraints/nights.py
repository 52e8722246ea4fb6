"""Hard 8 — at most 5 consecutive night shifts (työaikalaki 26 §).

A night shift has ≥ 3 h inside 23–06 (`ShiftType.is_night`). Consecutive means night shifts
starting on consecutive calendar days. Every window of max+1 days inside the horizon holds at most
`max_consecutive_nights` nights, so a run that is one too long is one violation, and each further
night adds one more (too-long patterns count only what lies inside the horizon).
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "nights"


def apply(b: Builder) -> None:
    inst = b.instance
    sb = inst.shift_by_id
    k = b.rules.max_consecutive_nights
    for e, emp in enumerate(b.employees):
        nights = [s for s in b.shift_options(e) if sb[s].is_night]
        if not nights:
            continue
        night = [sum(b.shift(e, d, s) for s in nights) for d in range(b.n_days)]
        for d0 in range(b.n_days - k):
            b.require_range(sum(night[d0:d0 + k + 1]), None, k, RULE_ID,
                            f"{who(emp)}: consecutive nights",
                            Msg("{who}: {n} night shifts in a row {d1}–{d2} (max {k})",
                                who=who(emp), n=k + 1, d1=fdate(inst.days[d0]),
                                d2=fdate(inst.days[d0 + k]), k=k), e=e, d=d0 + k)


RULE = Rule(RULE_ID, "Enintään 5 peräkkäistä yövuoroa (consecutive nights)", "hard",
            "työaikalaki 26 §", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
