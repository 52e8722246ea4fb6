"""Hard 10 — minimum staffing per unit, day and shift, by competence; open shifts, never hidden.

Each demand row counts the employees on that unit/date/shift who hold its competence (None = any
care staff). A shortfall below the minimum is an **open shift** (avoin vuoro): priced at the
substitute's cost and weighted so the solver minimises it first. Substitutes hired for a
competence row also count toward the slot's total row. Below the target headcount (but above the
minimum) is a soft term. Composition: an assistant (hoiva-avustaja, student) is never the only kind
of staff on a shift — someone who is not an assistant works beside them.
With `RuleSet.allow_open_shifts = False` the minimum is hard (used to explain infeasibility).
"""

from __future__ import annotations

from collections import defaultdict

from constraints.base import Builder, CheckResult, Msg, Rule, fdate
from constraints.common import qualified, who
from constraints.evaluate import check_with
from instances.models import Demand, Instance, Profile, Roster

RULE_ID = "staffing"


def substitute_cents(instance: Instance, shift: str) -> int:
    """Substitute (agency) cost of one open shift, in cents."""
    minutes = instance.shift_by_id[shift].minutes
    return round(minutes * instance.rules.substitute_hourly_cost * 100 / 60)


def apply(b: Builder) -> None:
    inst = b.instance
    by_unit: dict[str, list[int]] = defaultdict(list)
    for e, emp in enumerate(b.employees):
        for u in emp.units:
            by_unit[u].append(e)
    slots: dict[tuple[str, int, str], list[Demand]] = defaultdict(list)
    for dm in inst.demand:
        slots[(dm.unit, inst.day_index(dm.date), dm.shift)].append(dm)
    assistants = set(b.rules.assistant_competences)
    open_rows: list[dict] = []
    covered = required = 0

    for (u, d, s), rows in sorted(slots.items()):
        staff = by_unit.get(u, [])
        day = fdate(inst.days[d])
        open_for_comp = 0
        rows = sorted(rows, key=lambda r: r.competence is None)  # competence rows first
        for dm in rows:
            qual = [e for e in staff if qualified(b.employees[e], dm.competence)]
            count = sum(b.shift(e, d, s, u) for e in qual)
            label = dm.competence or "henkilö"
            if not b.rules.allow_open_shifts:
                absent = [e for e in qual if d in inst.absent_days[b.employees[e].id]]
                group = (f"{inst.unit_by_id[u].name} {day} {s}: needs {dm.minimum} × {label}, "
                         f"{len(qual) - len(absent)} of {len(qual)} qualified are not on leave")
                b.require_range(count, dm.minimum, None, RULE_ID, group,
                                Msg("{u} {day} {s}: {value} × {c} on duty, needs {need}",
                                    u=u, day=day, s=s, c=label, need=dm.minimum), d=d)
            extra = open_for_comp if dm.competence is None else 0
            short = b.max_([dm.minimum - count - extra, 0], ub=dm.minimum)
            if dm.competence is not None:
                open_for_comp = open_for_comp + short
            b.penalty(RULE_ID, "open_shift", short,
                      Msg("{u} {day} {s}: {amount} open shift(s) for {c} (needs {need})",
                          u=u, day=day, s=s, c=label, need=dm.minimum), d=d)
            b.penalty(RULE_ID, "cost_cent", short,
                      Msg("{u} {day} {s}: substitute cost of {amount} open shift(s)",
                          u=u, day=day, s=s), d=d, multiplier=substitute_cents(b.instance, s))
            assert dm.target is not None
            if dm.target > dm.minimum:
                under = b.max_([dm.target - count - short - extra, 0], ub=dm.target)
                b.penalty(RULE_ID, "below_target_staffing", under,
                          Msg("{u} {day} {s}: {amount} below the target of {t} × {c}",
                              u=u, day=day, s=s, t=dm.target, c=label), d=d)
            if b.is_eval:
                n, o = b.value(count), b.value(short)
                if dm.competence is not None:
                    covered += min(n, dm.minimum)
                    required += dm.minimum
                if o:
                    open_rows.append({"unit": u, "date": inst.days[d].isoformat(), "shift": s,
                                      "competence": dm.competence, "count": o,
                                      "cost_eur": o * substitute_cents(b.instance, s) / 100})

        # composition: an assistant is never the only kind of staff on the shift
        assist = [e for e in staff if set(b.employees[e].competences) & assistants]
        others = [e for e in staff if not set(b.employees[e].competences) <= assistants]
        if not assist:
            continue
        anyone_else = b.or_(*[b.shift(e, d, s, u) for e in others])
        for e in assist:
            emp = b.employees[e]
            b.forbid([b.shift(e, d, s, u), b.not_(anyone_else)], RULE_ID,
                     f"{u} {day} {s}: assistant not alone",
                     Msg("{u} {day} {s}: {who} ({comp}) is on the shift without a nurse",
                         u=u, day=day, s=s, who=who(emp), comp=", ".join(emp.competences)),
                     e=e, d=d)

    b.metric("open_shifts", open_rows)
    b.metric("competence_coverage", (covered / required) if required else 1.0)


RULE = Rule(RULE_ID, "Vähimmäismiehitys ja osaaminen; avoimet vuorot (minimum staffing)",
            "hard", "DESIGN §3 hard 10", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
