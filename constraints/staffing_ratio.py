"""Hard 11 — staffing-ratio law (henkilöstömitoitus, vanhuspalvelulaki 20 §), never hidden.

For every unit declaring an `elderly_care` ratio rule and every window of `window_weeks` weeks
(`Instance.windows(k)`; a shorter last window is scaled by days / 7): the direct-care minutes of
the counting staff (employees of the unit holding a `ratio_counting_competences` competence; each
shift counts round(minutes × direct_care_share)) must reach
ceil(ratio × clients × standard week × weeks). A shortfall the roster cannot cover is reported and
priced like open shifts: per missing minute (`ratio_shortfall_minute`) and as direct-care hours
bought from substitutes (`cost_cent`). Shifts count in the window of the day they start.
"""

from __future__ import annotations

import math

from constraints.base import Builder, CheckResult, Msg, Rule
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "staffing_ratio"


def hours_text(minutes: float) -> str:
    """Hours the Finnish way: '1 180 h', '12,5 h'."""
    h = round(minutes / 60, 1)
    txt = f"{h:,.0f}" if h == int(h) else f"{h:,.1f}"
    return txt.replace(",", " ").replace(".", ",") + " h"


def substitute_cents_per_minute(b: Builder) -> int:
    return round(b.rules.substitute_hourly_cost * 100 / 60)


def apply(b: Builder) -> None:
    inst = b.instance
    r = b.rules
    counting = set(r.ratio_counting_competences)
    sb = inst.shift_by_id
    cents = substitute_cents_per_minute(b)
    rows: list[dict] = []
    for unit in inst.units:
        rule = unit.ratio_rule
        if rule is None or rule.kind != "elderly_care":
            continue
        staff = [e for e, emp in enumerate(b.employees)
                 if unit.id in emp.units and counting & set(emp.competences)]
        for w in inst.windows(rule.window_weeks):
            weeks = len(w) / 7
            required = math.ceil(rule.ratio * rule.clients * r.standard_week_minutes * weeks
                                 - 1e-6)
            direct = sum(round(sb[s].minutes * b.employees[e].direct_care_share)
                         * b.shift(e, d, s, unit.id)
                         for e in staff for d in w for s in b.shift_options(e))
            short = b.max_([required - direct, 0], ub=required)
            w1, w2 = w[0] // 7 + 1, (w[-1]) // 7 + 1
            span = f"week {w1}" if w1 == w2 else f"weeks {w1}–{w2}"
            got = b.value(direct) if b.is_eval else 0
            text = dict(unit=unit.name or unit.id, span=span, got=hours_text(got),
                        need=hours_text(required), ratio=f"{rule.ratio:g}".replace(".", ","),
                        clients=rule.clients)
            b.penalty(RULE_ID, "ratio_shortfall_minute", short,
                      Msg("{unit} {span}: direct care {got}, needs {need} ({ratio} × {clients} "
                          "clients): {short} short", short=hours_text(required - got), **text),
                      d=w[0])
            b.penalty(RULE_ID, "cost_cent", short,
                      Msg("{unit} {span}: substitute cost of {short} direct care missing from "
                          "the staffing ratio", short=hours_text(required - got), **text),
                      d=w[0], multiplier=cents)
            if b.is_eval:
                miss = b.value(short)
                std_h = r.standard_week_minutes / 60
                rows.append({
                    "unit": unit.id, "window_start": inst.days[w[0]].isoformat(),
                    "window_end": inst.days[w[-1]].isoformat(), "clients": rule.clients,
                    "legal_ratio": rule.ratio, "direct_care_hours": got / 60,
                    "required_hours": required / 60,
                    "ratio_realised": got / 60 / (std_h * weeks) / rule.clients,
                    "shortfall_hours": miss / 60, "cost_eur": miss * cents / 100})
    b.metric("staffing_ratio", rows)


RULE = Rule(RULE_ID, "Henkilöstömitoitus (staffing ratio, elderly care)", "hard",
            "vanhuspalvelulaki 980/2012 20 §", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
