"""Soft — continuity: fewest changes against a reference roster (DESIGN §6 profile "continuity").

The reference (`Instance.reference_roster`) is the published roster being repaired or the
previous period's roster. Only its rows dated inside the period count. For each (employee, day):

* the reference has shift s in unit u → one change unless the roster has exactly s in u;
* the reference has nothing → one change if the roster starts a shift that day.

Each change costs `Profile.continuity_change` (0 in the default profile: then the solver ignores
it but the checker still reports every change with weight 0).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.base import Builder, CheckResult, Msg, Rule, fdate
from constraints.common import who
from constraints.evaluate import check_with
from instances.models import Assignment, Instance, Profile, Roster

RULE_ID = "continuity"


def reference_rows(inst: Instance, assignments: list[Assignment] | None = None,
                   ) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """(employee index, day) -> [(shift, unit)] of the reference (or `assignments`) inside the
    period."""
    idx = {emp.id: e for e, emp in enumerate(inst.employees)}
    out: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for a in inst.reference_roster or [] if assignments is None else assignments:
        if a.employee in idx and inst.start <= a.date <= inst.end:
            out[(idx[a.employee], inst.day_index(a.date))].append((a.shift, a.unit))
    return out


def changes(b: Builder, ref: dict[tuple[int, int], list[tuple[str, str]]],
            only: set[int] | None = None):
    """Every possible change against `ref`: (e, d, literal, what the reference had or None),
    over every employee or those in `only`.

    The one definition of "a changed assignment", shared by this rule and by the material
    difference between variants (constraints/variant_difference.py).
    """
    for e in range(len(b.employees)):
        if only is not None and e not in only:
            continue
        for d in range(b.n_days):
            rows = ref.get((e, d))
            if rows:
                for s, u in rows:
                    yield e, d, b.not_(b.shift(e, d, s, u)), (s, u)
            else:
                yield e, d, b.on(e, d), None


def apply(b: Builder) -> None:
    inst = b.instance
    if inst.reference_roster is None:
        b.metric("changes_vs_reference", None)
        return
    if not b.is_eval and b.profile.continuity_change == 0:
        return  # weight 0: nothing for the solver; the checker still counts and reports
    count = 0
    for e, d, changed, had in changes(b, reference_rows(inst)):
        emp, day, now = b.employees[e], fdate(inst.days[d]), ""
        if b.is_eval:
            if not b.value(changed):
                continue
            count += 1
            worked = [s for s in b.shift_options(e) if b.value(b.shift(e, d, s))]
            now = ", ".join(worked) or "no shift"
        if had:
            msg = Msg("{who} {day}: {s} ({u}) in the reference, now {now}", who=who(emp),
                      day=day, s=had[0], u=had[1], now=now)
        else:
            msg = Msg("{who} {day}: free in the reference, now {now}", who=who(emp), day=day,
                      now=now)
        b.penalty(RULE_ID, "continuity_change", changed, msg, e=e, d=d)
    b.metric("changes_vs_reference", count)


RULE = Rule(RULE_ID, "Muutokset julkaistuun listaan (changes vs the reference roster)", "soft",
            "DESIGN §6 continuity", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
