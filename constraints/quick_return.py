"""Soft 1 — quick returns (< 11 h rest between shifts), where a local agreement allows them.

Only employees whose home unit allows the shorter daily rest can have one at all (elsewhere
`daily_rest` forbids them), so only they are encoded. A quick return is a pair s1 on day d, s2 on
d + 1 with `short_daily_rest_min` ≤ rest < `daily_rest_min`; it belongs to the 3-week period
(`Instance.windows(3)`) of the returning shift. Per employee and period, with c quick returns
(TTL, Käypä hoito: two or more raise the risk of short sick leave):
c in [quick_return_elevated, quick_return_overload) → one elevated item;
c ≥ quick_return_overload → an overload item with amount c (every quick return counts).
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Level, Msg, Rule, fdate, fmin
from constraints.common import home_unit_allows_short_rest, rest_minutes, who
from constraints.ergonomics_util import Lazy, burden, span
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "quick_return"


def apply(b: Builder) -> None:
    inst, r = b.instance, b.rules
    sb = inst.shift_by_id
    for e, emp in enumerate(b.employees):
        if not home_unit_allows_short_rest(inst, emp):
            continue
        opts = b.shift_options(e)
        pairs = [(s1, s2) for s1 in opts for s2 in opts
                 if r.short_daily_rest_min <= rest_minutes(sb[s1], sb[s2]) < r.daily_rest_min]
        if not pairs:
            continue
        for win in inst.windows(3):
            quick = [(b.and_(b.shift(e, d - 1, s1), b.shift(e, d, s2)), d)
                     for d in win if d > 0 for s1, s2 in pairs]
            count = sum(lit for lit, _ in quick)
            big = len(quick)  # no more quick returns than candidate pairs

            def dates(quick=quick) -> str:
                return ", ".join(fdate(inst.days[d]) for lit, d in quick if b.value(lit))

            fields = dict(who=who(emp), need=fmin(r.daily_rest_min), span=span(b, win[0], win[-1]),
                          dates=Lazy(dates), c=Lazy(lambda count=count: b.value(count)))
            overload = b.ge(count, r.quick_return_overload)
            if r.quick_return_elevated < r.quick_return_overload:
                elevated = b.and_(b.ge(count, r.quick_return_elevated), b.not_(overload))
                burden(b, RULE_ID, Level.ELEVATED, elevated,
                       Msg("{who}: {c} quick return(s) (< {need} rest) in {span}: {dates} "
                           "(TTL: {ttl})", **fields), e=e, d=win[0])
            # amount = count if overload else 0, exactly: max(count - big·(1 - overload), 0)
            amount = b.max_([count - big + big * overload, 0], ub=big)
            burden(b, RULE_ID, Level.OVERLOAD, amount,
                   Msg("{who}: {amount} quick returns (< {need} rest) in {span}: {dates} "
                       "(TTL: {ttl})", **fields), e=e, d=win[0])


RULE = Rule(RULE_ID, "Pikakäännökset < 11 h (quick returns)", "soft",
            "DESIGN §3 soft 1; TTL, Käypä hoito", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
