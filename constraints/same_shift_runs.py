"""Soft 8 — more than `max_same_shift_in_row` (3) mornings or evenings in a row.

Mornings are shift types of category morning (A), evenings of category evening (I); day shifts
(P) and nights are not counted here (nights: `night_runs`). Every window of max + 1 consecutive
days all of the same category is one elevated item, so a run of 5 mornings is 2 items.
"""

from __future__ import annotations

from constraints.base import Builder, CheckResult, Level, Msg, Rule
from constraints.common import who
from constraints.ergonomics_util import any_shift, burden, span
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster, ShiftCategory

RULE_ID = "same_shift_runs"

LABELS = {ShiftCategory.MORNING: "aamuvuoroa (mornings)", ShiftCategory.EVENING:
          "iltavuoroa (evenings)"}


def apply(b: Builder) -> None:
    sb = b.instance.shift_by_id
    m = b.rules.max_same_shift_in_row + 1
    for e, emp in enumerate(b.employees):
        for cat, label in LABELS.items():
            shifts = [s for s in b.shift_options(e) if sb[s].category == cat]
            if not shifts:
                continue
            for d in range(b.n_days - m + 1):
                lit = b.and_(*[any_shift(b, e, t, shifts) for t in range(d, d + m)])
                burden(b, RULE_ID, Level.ELEVATED, lit,
                       Msg("{who}: {m} {label} in a row {span} (TTL: {ttl})", who=who(emp),
                           m=m, label=label, span=span(b, d, d + m - 1)), e=e, d=d)


RULE = Rule(RULE_ID, "Samat vuorot peräkkäin (same shift in a row)", "soft", "DESIGN §3 soft 8",
            apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
