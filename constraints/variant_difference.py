"""Hard while producing variants — a variant differs materially from each earlier one (DESIGN §6).

A unit manager who is shown three "alternatives" that differ in two shifts has no choice to make.
So when variant k is solved, for every earlier variant j: the number of changed assignments
against j (the continuity rule's definition: a shift of j not kept, or a shift started on a day
j had free) must be at least `min_changes` — `ceil(share × shifts in j)`, share 10 % by default.
Not part of the catalogue: `scheduler.variants` applies it to the model of one variant, and the
same definition checks the finished variants.
"""

from __future__ import annotations

import math

from constraints.base import Builder, CheckResult, Msg
from constraints.continuity import changes, reference_rows
from constraints.evaluate import check_with
from instances.models import Assignment, Instance, Profile, Roster

RULE_ID = "variant_difference"


def min_changes(earlier: list[Assignment], share: float) -> int:
    """Changes required against a variant with these shifts."""
    return math.ceil(share * len(earlier) - 1e-9)


def apply(b: Builder, earlier: list[Assignment], required: int, label: str) -> None:
    ref = reference_rows(b.instance, earlier)
    count = sum(lit for _e, _d, lit, _had in changes(b, ref))
    b.require_range(count, required, None, RULE_ID, f"differs from {label}",
                    Msg("{value} assignments differ from {label}; at least {need} are required "
                        "for a material alternative", label=label, need=required))


def encode(ctx: Builder, earlier: list[Assignment], required: int, label: str) -> None:
    apply(ctx, earlier, required, label)


def encode_soft(ctx, earlier: list[Assignment], required: int, weight: int,  # noqa: ANN001
                employees: list[str] | None = None):  # noqa: ANN201 (an IntVar)
    """The same count as a penalty on the missing changes (weight per change), for a warm start
    from a roster that does not differ enough yet; the caller re-sets the objective. With
    `employees`, only their changes count (a part's share, see `share_of`). Returns the variable
    of the missing changes (0 once the roster differs enough)."""
    ref = reference_rows(ctx.instance, earlier)
    only = None
    if employees is not None:
        ids = set(employees)
        only = {e for e, emp in enumerate(ctx.employees) if emp.id in ids}
    count = sum(lit for _e, _d, lit, _had in changes(ctx, ref, only))
    short = ctx.max_([required - count, 0], ub=required)
    ctx.objective_terms.append((weight, short, RULE_ID))
    return short


def share_of(instance: Instance, earlier: list[Assignment], required: int) -> int:
    """A part's share of the required changes: in proportion to the earlier variant's shifts
    among the part's employees (rounded up, so the parts together require at least `required`).
    """
    ids = {e.id for e in instance.employees}
    mine = sum(1 for a in earlier if a.employee in ids)
    return math.ceil(required * mine / len(earlier) - 1e-9) if earlier else 0


def count_changes(instance: Instance, roster: Roster, earlier: list[Assignment]) -> int:
    """Changed assignments of `roster` against `earlier`, by the checker alone."""
    from constraints.evaluate import Evaluator

    ev = Evaluator(instance, roster)
    return sum(int(lit) for _e, _d, lit, _had in changes(ev, reference_rows(instance, earlier)))


def check(instance: Instance, roster: Roster, earlier: list[Assignment], required: int,
          label: str = "the earlier variant", profile: Profile | None = None) -> CheckResult:
    return check_with(lambda b: apply(b, earlier, required, label), instance, roster, profile)
