"""Hard 9 — days off (SOTE): ≥ 6 days off and a run of ≥ 2 days off in every 3 weeks.

Windows are the period's consecutive 3-week windows (`Instance.windows(3)`). A day off is a whole
free calendar day (V; the day a night shift ends is not free); absence days count as days off.
A shorter last window needs ceil(6 × days / 21) days off; the double day off (a maximal run of
≥ 2 consecutive free days, both days inside the window) is required only in windows of ≥ 14 days.
"""

from __future__ import annotations

import math

from constraints.base import Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "days_off"
DOUBLE_MIN_WINDOW_DAYS = 14


def apply(b: Builder) -> None:
    inst = b.instance
    r = b.rules
    for e, emp in enumerate(b.employees):
        free = [b.free(e, d) for d in range(b.n_days)]
        for w in inst.windows(3):
            span = f"{fdate(inst.days[w[0]])}–{fdate(inst.days[w[-1]])}"
            need = math.ceil(r.min_days_off_per_3_weeks * len(w) / 21)
            got = sum(bool(free[d]) for d in w) if b.is_eval else 0
            b.require_range(sum(free[d] for d in w), need, None, RULE_ID,
                            f"{who(emp)}: days off {span}",
                            Msg("{who}: {got} days off in {span}, needs {need}",
                                who=who(emp), got=got, span=span, need=need), e=e, d=w[0])
            k = r.min_double_days_off_per_3_weeks
            if len(w) < DOUBLE_MIN_WINDOW_DAYS or k <= 0:
                continue
            group = f"{who(emp)}: double day off {span}"
            msg = Msg("{who}: fewer than {k} run(s) of two or more days off in {span}",
                      who=who(emp), k=k, span=span)
            pairs = range(w[0], w[-1])  # d and d+1 both inside the window
            if k == 1:
                b.require_any([b.and_(free[d], free[d + 1]) for d in pairs], RULE_ID, group,
                              msg, e=e, d=w[0])
                continue
            starts = [b.and_(free[d], free[d + 1]) if d == w[0]
                      else b.and_(b.not_(free[d - 1]), free[d], free[d + 1]) for d in pairs]
            b.require_range(sum(starts), k, None, RULE_ID, group, msg, e=e, d=w[0])


RULE = Rule(RULE_ID, "Vapaapäivät: 6 / 3 vk ja kaksoisvapaa (days off)", "hard",
            "SOTE-sopimus", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
