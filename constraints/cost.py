"""Cost — personnel cost in euro cents: wages + SOTE allowances + overtime (DESIGN §3 Cost).

Every possible assignment (employee, day, shift) has a constant allowance price, so the cost is a
plain linear term over the assignment literals. The paid minutes of a shift are

    round(hourly_wage × 100 × (minutes + Σ_window pct/100 × minutes_in_window) / 60)

with the allowance windows of the rule set (% of the hourly wage), each minute judged by the
calendar day it falls on (a night shift crossing midnight into a Saturday earns the Saturday
allowance for its morning part):

* evening 18–22 (iltatyölisä) and night 22–07 (yötyölisä) stack on top of the day-type allowance;
* day type: Saturday 06–18 (lauantaityökorvaus), Saturday 18 – Sunday 24 (sunnuntaityökorvaus),
  public holidays 00–24, Christmas Eve / Midsummer Eve / Holy Saturday 00–18. A minute earns at
  most ONE day-type allowance, the highest (ties: holiday, eve, sunday, saturday) — as in the
  SOTE/KVTES agreement the Saturday allowance is paid only on an ordinary Saturday and the Sunday
  allowance is paid once for a minute that is both Sunday and a church holiday.

Wages: jaksotyö is salaried, so the target hours are paid whatever is planned (planning below the
target saves nothing); planned minutes above the target are paid at hourly_wage × (1 +
overtime_premium_pct %). Allowances come on top of the salary for every worked shift. Open shifts
(substitutes) and the ratio shortfall are priced by `staffing` and `staffing_ratio` (same term).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from constraints.base import Builder, CheckResult, Msg, Rule, fmin
from constraints.common import who
from constraints.evaluate import check_with
from constraints.hours_deviation import planned_minutes_ub
from constraints.period_hours import planned_minutes
from instances.calendar import public_holidays, special_eves, target_minutes
from instances.models import MINUTES_PER_DAY, Employee, Instance, Profile, Roster

RULE_ID = "cost"

H = 60
# Day-type windows; at most one applies to a minute, the first of the highest percentage.
DAY_TYPE_WINDOWS = ("holiday", "eve", "sunday", "saturday")
WINDOWS = ("evening", "night", *DAY_TYPE_WINDOWS)


@dataclass(frozen=True)
class AllowanceCalendar:
    """Public holidays (eves excluded) and the three eves, covering the period and the day after
    it (a night shift of the last day ends there)."""

    holidays: frozenset[date]
    eves: frozenset[date]

    @classmethod
    def of(cls, inst: Instance) -> AllowanceCalendar:
        after = inst.end + timedelta(days=2)
        eves = frozenset(special_eves(inst.start, after))
        hol = set(inst.holiday_set)
        if inst.public_holidays is None:  # the package also knows the day after the period
            hol |= set(public_holidays(inst.end + timedelta(days=1), after))
        return cls(holidays=frozenset(hol - eves), eves=eves)


def _percent(inst: Instance) -> dict[str, float]:
    r = inst.rules
    return {"evening": r.evening_allowance_pct, "night": r.night_allowance_pct,
            "saturday": r.saturday_allowance_pct, "sunday": r.sunday_allowance_pct,
            "holiday": r.holiday_allowance_pct, "eve": r.eve_allowance_pct}


def _day_windows(day: date, cal: AllowanceCalendar) -> list[tuple[str, int, int]]:
    """Day-type windows of one calendar day, as (kind, from, to) minutes after its midnight."""
    out: list[tuple[str, int, int]] = []
    if day in cal.holidays:
        out.append(("holiday", 0, MINUTES_PER_DAY))
    if day in cal.eves:
        out.append(("eve", 0, 18 * H))
    if day.weekday() == 5:
        out.append(("saturday", 6 * H, 18 * H))
        out.append(("sunday", 18 * H, MINUTES_PER_DAY))
    if day.weekday() == 6:
        out.append(("sunday", 0, MINUTES_PER_DAY))
    return out


def _overlap(a: int, b: int, lo: int, hi: int) -> int:
    return max(0, min(b, hi) - max(a, lo))


def allowance_minutes(inst: Instance, day_index: int, shift_id: str,
                      cal: AllowanceCalendar | None = None) -> dict[str, int]:
    """Minutes of shift `shift_id` starting on day `day_index` inside each allowance window."""
    cal = cal or AllowanceCalendar.of(inst)
    st = inst.shift_by_id[shift_id]
    pct = _percent(inst)
    rank = {k: (-pct[k], i) for i, k in enumerate(DAY_TYPE_WINDOWS)}
    out = dict.fromkeys(WINDOWS, 0)
    start_day = inst.start + timedelta(days=day_index)
    for k in range(st.end_min // MINUTES_PER_DAY + 1):  # each calendar day the shift touches
        base = k * MINUTES_PER_DAY
        a = max(st.start_min, base) - base
        b = min(st.end_min, base + MINUTES_PER_DAY) - base
        if b <= a:
            continue
        out["evening"] += _overlap(a, b, 18 * H, 22 * H)
        out["night"] += _overlap(a, b, 0, 7 * H) + _overlap(a, b, 22 * H, MINUTES_PER_DAY)
        wins = _day_windows(start_day + timedelta(days=k), cal)
        cuts = sorted({a, b, *(x for _, lo, hi in wins for x in (lo, hi) if a < x < b)})
        for lo, hi in zip(cuts, cuts[1:], strict=False):
            here = [kind for kind, wlo, whi in wins if wlo <= lo and hi <= whi]
            if here:
                out[min(here, key=rank.__getitem__)] += hi - lo
    return out


def weighted_minutes(inst: Instance, day_index: int, shift_id: str,
                     cal: AllowanceCalendar | None = None) -> float:
    """Shift minutes plus allowance minutes scaled by their percentages (paid minutes)."""
    pct = _percent(inst)
    mins = allowance_minutes(inst, day_index, shift_id, cal)
    return inst.shift_by_id[shift_id].minutes + sum(pct[k] * m for k, m in mins.items()) / 100


def _cents(wage: float, paid_minutes: float) -> int:
    return round(wage * 100 * paid_minutes / 60)


def shift_cost_cents(inst: Instance, emp: Employee, day_index: int, shift_id: str,
                     cal: AllowanceCalendar | None = None) -> int:
    """Wage plus allowances of one shift, in euro cents."""
    return _cents(emp.hourly_wage, weighted_minutes(inst, day_index, shift_id, cal))


def wage_cents(emp: Employee, minutes: int) -> int:
    """The plain-wage part of a shift (what is left of its cost is allowances)."""
    return _cents(emp.hourly_wage, minutes)


def overtime_cents_per_minute(inst: Instance, emp: Employee) -> int:
    """A minute above target: the wage plus the overtime premium."""
    return round(emp.hourly_wage * 100 * (1 + inst.rules.overtime_premium_pct / 100) / 60)


def apply(b: Builder) -> None:
    inst = b.instance
    cal = AllowanceCalendar.of(inst)
    sb = inst.shift_by_id
    paid: dict[tuple[int, str], float] = {}  # (day, shift) -> paid minutes, shared by everyone
    ub_planned = planned_minutes_ub(b)
    wages = allowances = overtime = 0
    for e, emp in enumerate(b.employees):
        # jaksotyö is salaried: the target hours are paid whatever is planned (a shortfall is
        # not a saving), hours above the target are paid with the overtime premium
        target = target_minutes(inst, emp)
        salary = wage_cents(emp, target)
        b.penalty(RULE_ID, "cost_cent", salary,
                  Msg("{who}: salary for the target {h}", who=who(emp), h=fmin(target)), e=e)
        terms = []
        for d in range(b.n_days):
            for s in b.shift_options(e):
                if (d, s) not in paid:
                    paid[(d, s)] = weighted_minutes(inst, d, s, cal)
                lit = b.shift(e, d, s)
                extra = _cents(emp.hourly_wage, paid[(d, s)]) - wage_cents(emp, sb[s].minutes)
                if extra:
                    terms.append(extra * lit)
                if b.is_eval and b.value(lit):
                    allowances += extra
        amount = sum(terms)
        b.penalty(RULE_ID, "cost_cent", amount,
                  Msg("{who}: allowances {eur} €", who=who(emp),
                      eur=f"{b.value(amount) / 100:.2f}" if b.is_eval else ""), e=e)
        over = b.max_([planned_minutes(b, e) - target, 0], ub=ub_planned)
        rate = overtime_cents_per_minute(inst, emp)
        b.penalty(RULE_ID, "cost_cent", over,
                  Msg("{who}: {amount} min above the target, paid as overtime {eur} €",
                      who=who(emp), eur=f"{b.value(over) * rate / 100:.2f}" if b.is_eval
                      else ""), e=e, multiplier=rate)
        if b.is_eval:
            wages += salary
            overtime += b.value(over) * rate
    b.metric("cost_breakdown", {"wages_eur": wages / 100, "allowances_eur": allowances / 100,
                                "overtime_eur": overtime / 100})


RULE = Rule(RULE_ID, "Henkilöstökustannus: palkat, lisät, ylityö (personnel cost)", "cost",
            "DESIGN §3 Cost; SOTE-sopimus", apply)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
