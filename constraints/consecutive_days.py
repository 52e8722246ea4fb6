"""Soft 4 — consecutive working days, TTL traffic lights (group 1, confirmed by TTL).

A working day is a day on which a shift starts (`b.on`); one item per maximal run of working days,
at the run's level: OK `work_run_ok_min`..`work_run_ok_max` (3–5); a single working day between
days off → strong; other runs shorter than OK (2) → elevated; longer than OK but below
`work_run_overload` (6) → elevated; `work_run_overload` up to `work_run_strong` − 1 (7) →
overload; ≥ `work_run_strong` (8) → strong.
Horizon edges: a run touching the first or last day is never "too short" (its other part is
unknown); a too-long run is judged by its length inside the horizon.
Encoding: "run of exactly L from d" = ¬on[d−1] ∧ on[d..d+L−1] ∧ ¬on[d+L] and "run of ≥ S from d"
= ¬on[d−1] ∧ on[d..d+S−1], one literal per penalised length: O(days × S) per employee.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Level, Msg, Rule, fdate
from constraints.common import who
from constraints.ergonomics_util import Lazy, burden, run_length, span
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "consecutive_days"


def levels(b: Builder) -> dict[int, Level]:
    """Level of a run of exactly L working days, for every penalised L below work_run_strong."""
    r = b.rules
    out: dict[int, Level] = {}
    for length in range(1, r.work_run_strong):
        if length < r.work_run_ok_min:
            out[length] = Level.STRONG if length == 1 else Level.ELEVATED
        elif length > r.work_run_ok_max:
            out[length] = Level.OVERLOAD if length >= r.work_run_overload else Level.ELEVATED
    return out


def apply(b: Builder) -> None:
    r = b.rules
    n = b.n_days
    exact = levels(b)
    strong = r.work_run_strong
    for e, emp in enumerate(b.employees):
        def on(t: int, e: int = e):
            return b.on(e, t)

        for d in range(n):
            for length, level in exact.items():
                last = d + length - 1
                if last >= n:
                    continue
                if length < r.work_run_ok_min and (d == 0 or last == n - 1):
                    continue  # too short only because the horizon cuts it
                lit = b.and_(b.not_(on(d - 1)), *[on(t) for t in range(d, last + 1)],
                             b.not_(on(last + 1)))
                if length == 1:
                    msg = Msg("{who}: a single working day {day} between days off (TTL: {ttl})",
                              who=who(emp), day=fdate(b.instance.days[d]))
                else:
                    msg = Msg("{who}: {k} working days in a row {span} (TTL: {ttl})",
                              who=who(emp), k=length, span=span(b, d, last))
                burden(b, RULE_ID, level, lit, msg, e=e, d=d)
            if d + strong <= n:
                lit = b.and_(b.not_(on(d - 1)), *[on(t) for t in range(d, d + strong)])
                k = Lazy(lambda d=d, on=on: run_length(b, d, on))
                last_day = Lazy(lambda d=d, on=on: span(b, d, d + run_length(b, d, on) - 1))
                burden(b, RULE_ID, Level.STRONG, lit,
                       Msg("{who}: {k} working days in a row {span} (TTL: {ttl})",
                           who=who(emp), k=k, span=last_day), e=e, d=d)


RULE = Rule(RULE_ID, "Peräkkäiset työpäivät (consecutive working days, TTL)", "soft",
            "DESIGN §3 soft 4; TTL traffic lights group 1", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
