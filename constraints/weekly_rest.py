"""Hard 5 — weekly rest (työaikalaki 27 §): ≥ 35 h uninterrupted rest in every calendar week.

Our product's definition: in every calendar week (Mon–Sun) of the period there is at least one
uninterrupted rest of ≥ `RuleSet.weekly_rest_min` that CONTAINS a whole free calendar day (V) of
that week; the rest itself may run over the week boundary. A free day d carries such a rest unless
a shift ending on day d-1 and a shift starting on day d+1 leave less than the minimum between them
(2880 − end time of day + start). If d-1 or d+1 holds no shift end/start the rest is ≥ 48 h, so the
encoding is exact for minimums up to 48 h (the law says 35 h). Outside the horizon nothing is known
and counts as rest. The averaged option (24 h each week, 70 h per 14 days) is not offered.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Lit, Msg, Rule, fdate, fmin
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import MINUTES_PER_DAY, Instance, Profile, Roster, ShiftType

RULE_ID = "weekly_rest"


def _end_of_day(st: ShiftType) -> int:
    """Minute of its end day at which the shift ends (1440 for a shift ending at midnight)."""
    return st.end_min - MINUTES_PER_DAY if st.crosses_midnight else st.end_min


def rest_day(b: Builder, e: int, d: int, bad: list[tuple[str, list[str]]]) -> Lit:
    """Day d is free and lies inside a long enough rest (`bad`: next shift -> too-late ends)."""
    parts = [b.free(e, d)]
    for n, ps in bad:
        late_end = b.or_(*[b.ends_on(e, d - 1, p) for p in ps])
        parts.append(b.not_(b.and_(late_end, b.shift(e, d + 1, n))))
    return b.and_(*parts)


def apply(b: Builder) -> None:
    inst = b.instance
    sb = inst.shift_by_id
    need = b.rules.weekly_rest_min
    for e, emp in enumerate(b.employees):
        opts = b.shift_options(e)
        bad = []  # (next shift n, shifts p whose end on day d-1 leaves too short a rest before n)
        for n in opts:
            ps = [p for p in opts
                  if 2 * MINUTES_PER_DAY - _end_of_day(sb[p]) + sb[n].start_min < need]
            if ps:
                bad.append((n, ps))
        ok = [rest_day(b, e, d, bad) for d in range(b.n_days)]
        for w0 in range(0, b.n_days, 7):
            week = range(w0, min(w0 + 7, b.n_days))
            first, last = inst.days[week[0]], inst.days[week[-1]]
            wk = first.isocalendar().week
            b.require_any([ok[d] for d in week], RULE_ID, f"{who(emp)}: weekly rest week {wk}",
                          Msg("{who}: no {need} rest with a day off in week {wk} "
                              "({d1}–{d2})", who=who(emp), need=fmin(need), wk=wk,
                              d1=fdate(first), d2=fdate(last)), e=e, d=week[0])


RULE = Rule(RULE_ID, "Viikkolepo ≥ 35 h ja vapaapäivä viikossa (weekly rest)", "hard",
            "työaikalaki 27 §", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
