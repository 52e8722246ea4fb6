"""Soft 5 — hours of work between two days off, TTL traffic lights (group 1, confirmed by TTL).

A block is a maximal run of days that are not whole free days (`b.free`; the morning a night
shift ends belongs to the block). Its hours are the planned minutes of the shifts starting in it.
One item per block, at its highest level: > `block_elevated_over` (40 h) elevated,
> `block_overload_over` (48 h) overload, > `block_strong_over` (55 h) strong. A block cut by a
horizon edge is judged by what lies inside.

Exact linear encoding, one integer per day instead of one literal per (start, end) pair: the
headroom h[d] = C − min(time of the block so far, C), counted in units g = gcd of the shift
lengths (exact: every total is a multiple of g), C = highest cut-off // g + 1, follows
    h[d] = max(h[d−1] − minutes[d] / g, C · free[d]),   h[−1] = C
(a free day has no shift starting, so it resets h to C; otherwise h falls by the day's time and
stops at 0 = "over the highest cut-off"). The block ending on d (free[d+1]) is over cut-off k iff
h[d] ≤ C − k // g − 1; no shift starts on a free day, so h[d] < C already implies d is in a
block.
"""

from __future__ import annotations

from functools import reduce
from math import gcd

from constraints.base import Builder, CheckResult, Expr, Level, Msg, Rule, fmin
from constraints.common import who
from constraints.ergonomics_util import Lazy, burden, span
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "work_block_hours"


def minutes(b: Builder, e: int, d: int, unit: int = 1) -> Expr:
    """Planned minutes (in `unit`s) of the shift starting on day d (a linear expression)."""
    sb = b.instance.shift_by_id
    return sum((sb[s].minutes // unit) * b.shift(e, d, s) for s in b.shift_options(e))


def time_unit(b: Builder) -> int:
    """Greatest common divisor of all shift lengths: the headroom counts in these units.

    Exact (every block total is a multiple of it) and it keeps the integers tiny (8 h and 10 h
    shifts: 2 h units, 0..28), which matters to CP-SAT's local search far more than to the
    checker: with minute-sized domains the first solution was not found within a minute.
    """
    return reduce(gcd, (s.minutes for s in b.instance.shift_types))


def block_of(b: Builder, e: int, end: int) -> tuple[int, int]:
    """(first day, minutes) of the block ending on `end` (evaluation only, for messages)."""
    start = end
    while start > 0 and not b.value(b.free(e, start - 1)):
        start -= 1
    return start, sum(b.value(minutes(b, e, t)) for t in range(start, end + 1))


def apply(b: Builder) -> None:
    r = b.rules
    cuts = sorted([(r.block_elevated_over, Level.ELEVATED),
                   (r.block_overload_over, Level.OVERLOAD),
                   (r.block_strong_over, Level.STRONG)], key=lambda c: c[0])
    g = time_unit(b)
    cap = cuts[-1][0] // g + 1  # in units of g; total > cut  <=>  total/g >= cut//g + 1
    for e, emp in enumerate(b.employees):
        head = cap
        for d in range(b.n_days):
            head = b.max_([head - minutes(b, e, d, g), cap * b.free(e, d)], ub=cap)
            over = [b.le(head, cap - cut // g - 1) for cut, _ in cuts]
            ends = b.free(e, d + 1)

            def text(e: int = e, d: int = d) -> str:
                start, total = block_of(b, e, d)
                return f"{fmin(total)} of work between days off {span(b, start, d)}"

            for k, (cut, level) in enumerate(cuts):
                higher = [b.not_(over[k + 1])] if k + 1 < len(cuts) else []
                lit = b.and_(over[k], *higher, ends)
                burden(b, RULE_ID, level, lit,
                       Msg("{who}: {what} (over {cut}; TTL: {ttl})", who=who(emp),
                           what=Lazy(text), cut=fmin(cut)), e=e, d=d)


RULE = Rule(RULE_ID, "Työtunnit kahden vapaan välillä (hours between days off, TTL)", "soft",
            "DESIGN §3 soft 5; TTL traffic lights group 1", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
