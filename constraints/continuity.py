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
from instances.models import Instance, Profile, Roster

RULE_ID = "continuity"


def reference_rows(inst: Instance) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """(employee index, day) -> [(shift, unit)] of the reference inside the period."""
    idx = {emp.id: e for e, emp in enumerate(inst.employees)}
    out: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for a in inst.reference_roster or []:
        if a.employee in idx and inst.start <= a.date <= inst.end:
            out[(idx[a.employee], inst.day_index(a.date))].append((a.shift, a.unit))
    return out


def apply(b: Builder) -> None:
    inst = b.instance
    if inst.reference_roster is None:
        b.metric("changes_vs_reference", None)
        return
    if not b.is_eval and b.profile.continuity_change == 0:
        return  # weight 0: nothing for the solver; the checker still counts and reports
    ref = reference_rows(inst)
    changes = 0
    for e, emp in enumerate(b.employees):
        for d in range(b.n_days):
            day = fdate(inst.days[d])
            now = ""
            if b.is_eval:
                worked = [s for s in b.shift_options(e) if b.value(b.shift(e, d, s))]
                now = ", ".join(worked) or "no shift"
            rows = ref.get((e, d))
            if rows:
                for s, u in rows:
                    changed = b.not_(b.shift(e, d, s, u))
                    b.penalty(RULE_ID, "continuity_change", changed,
                              Msg("{who} {day}: {s} ({u}) in the reference, now {now}",
                                  who=who(emp), day=day, s=s, u=u, now=now), e=e, d=d)
                    if b.is_eval:
                        changes += b.value(changed)
            else:
                changed = b.on(e, d)
                b.penalty(RULE_ID, "continuity_change", changed,
                          Msg("{who} {day}: free in the reference, now {now}", who=who(emp),
                              day=day, now=now), e=e, d=d)
                if b.is_eval:
                    changes += b.value(changed)
    b.metric("changes_vs_reference", changes)


RULE = Rule(RULE_ID, "Muutokset julkaistuun listaan (changes vs the reference roster)", "soft",
            "DESIGN §6 continuity", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
