"""Hard 7 — shift length (SOTE): planned shifts 4–10 h, a night shift up to 11 h.

With a local agreement (`RuleSet.allow_long_shifts`) any shift may reach the 13 h cap that the
11 h daily rest leaves. Input validation rejects such shift types already, but a roster may be
checked against another rule set, so using a shift type of the wrong length is forbidden here too.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Msg, Rule, fdate, fmin
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster, RuleSet, ShiftType

RULE_ID = "shift_length"
LONG_SHIFT_CAP_MIN = 13 * 60


def length_limits(rules: RuleSet, st: ShiftType) -> tuple[int, int]:
    """(shortest, longest) allowed length in minutes of shift type `st`."""
    if rules.allow_long_shifts:
        hi = LONG_SHIFT_CAP_MIN
    else:
        hi = rules.night_shift_max_minutes if st.is_night else rules.shift_max_minutes
    return rules.shift_min_minutes, hi


def apply(b: Builder) -> None:
    inst = b.instance
    sb = inst.shift_by_id
    for e, emp in enumerate(b.employees):
        for s in b.shift_options(e):
            lo, hi = length_limits(b.rules, sb[s])
            if lo <= sb[s].minutes <= hi:
                continue
            kind = "night shift " if sb[s].is_night and not b.rules.allow_long_shifts else ""
            for d in range(b.n_days):
                b.forbid([b.shift(e, d, s)], RULE_ID, f"shift type {s}: length",
                         Msg("{who}: {s} on {day} is {len}, outside the {kind}limits "
                             "{lo}–{hi}", who=who(emp), s=s, day=fdate(inst.days[d]),
                             len=fmin(sb[s].minutes), kind=kind, lo=fmin(lo), hi=fmin(hi)),
                         e=e, d=d)


RULE = Rule(RULE_ID, "Työvuoron pituus 4–10 h, yövuoro ≤ 11 h (shift length)", "hard",
            "SOTE-sopimus", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
