"""Soft 3 — night-shift runs, rest after nights and early starts (TTL, Käypä hoito).

* A maximal run of consecutive night shifts (Y on consecutive days): length in
  [nights_elevated, nights_overload) → one elevated item; ≥ nights_overload → one overload item.
  Runs cut by the horizon are judged by their length inside it.
* After the last night of a run (night on d, none on d + 1; d + 1 is the morning the night ends,
  never a day off): fewer than `days_off_after_nights` whole free days from d + 2 on → elevated.
  Days beyond the horizon are unknown and count as free, so a run ending at the edge is exempt.
* Shifts starting before `early_start_before_min` more than `max_early_starts_in_row` days in a
  row → one elevated item per window of max + 1 consecutive early starts.
Encoded with run-start literals (¬night[d−1] ∧ night[d..d+L−1] ∧ ¬night[d+L]): O(days × L).
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Level, Msg, Rule, fdate
from constraints.common import who
from constraints.ergonomics_util import Lazy, any_shift, burden, run_length, span, worked
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "night_runs"


def apply(b: Builder) -> None:
    inst, r = b.instance, b.rules
    sb = inst.shift_by_id
    n = b.n_days
    for e, emp in enumerate(b.employees):
        opts = b.shift_options(e)
        nights = [s for s in opts if sb[s].is_night]
        early = [s for s in opts if sb[s].start_min < r.early_start_before_min]
        if nights:
            def night(t: int, e: int = e, nights: list[str] = nights):
                return any_shift(b, e, t, nights)

            for d in range(n):
                # runs of exactly L nights, r.nights_elevated <= L < r.nights_overload
                for length in range(r.nights_elevated, r.nights_overload):
                    if d + length > n:
                        break
                    lit = b.and_(b.not_(night(d - 1)), *[night(t) for t in range(d, d + length)],
                                 b.not_(night(d + length)))
                    burden(b, RULE_ID, Level.ELEVATED, lit,
                           Msg("{who}: {k} night shifts in a row {span} (TTL: {ttl})",
                               who=who(emp), k=length, span=span(b, d, d + length - 1)),
                           e=e, d=d)
                if d + r.nights_overload <= n:
                    lit = b.and_(b.not_(night(d - 1)),
                                 *[night(t) for t in range(d, d + r.nights_overload)])
                    k = Lazy(lambda d=d, night=night: run_length(b, d, night))
                    burden(b, RULE_ID, Level.OVERLOAD, lit,
                           Msg("{who}: {k} night shifts in a row from {day} (TTL: {ttl})",
                               who=who(emp), k=k, day=fdate(inst.days[d])), e=e, d=d)
                # days off after the last night of a run
                after = range(d + 2, min(d + 2 + r.days_off_after_nights, n))
                if r.days_off_after_nights > 0 and len(after) > 0:
                    rested = b.and_(*[b.free(e, t) for t in after])
                    lit = b.and_(night(d), b.not_(night(d + 1)), b.not_(rested))
                    burden(b, RULE_ID, Level.ELEVATED, lit,
                           Msg("{who}: fewer than {k} days off after the last night shift "
                               "({s} on {day}) (TTL: {ttl})", who=who(emp),
                               k=r.days_off_after_nights, s=worked(b, e, d, nights),
                               day=fdate(inst.days[d])), e=e, d=d)
        if early and r.max_early_starts_in_row >= 0:
            m = r.max_early_starts_in_row + 1
            for d in range(n - m + 1):
                lit = b.and_(*[any_shift(b, e, t, early) for t in range(d, d + m)])
                burden(b, RULE_ID, Level.ELEVATED, lit,
                       Msg("{who}: {m} shifts starting before {h:02d}:{mm:02d} in a row {span} "
                           "(TTL: {ttl})", who=who(emp), m=m, h=r.early_start_before_min // 60,
                           mm=r.early_start_before_min % 60, span=span(b, d, d + m - 1)),
                       e=e, d=d)


RULE = Rule(RULE_ID, "Yövuoroputket, vapaat yövuorojen jälkeen, aikaiset aloitukset "
            "(night runs)", "soft", "DESIGN §3 soft 3; TTL, Käypä hoito", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
