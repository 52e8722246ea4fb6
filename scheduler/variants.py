"""Ranked alternative variants (DESIGN §6): k rosters under named profiles that differ materially.

A unit manager chooses between alternatives by what they trade: "wishes first" grants more
wishes and costs more, "ergonomics first" has fewer burdensome shifts and more single days off.
Variant 1 is solved under the first profile; each later one under its own profile, warm-started
from the best roster so far, with a hard constraint that it differs from every earlier variant in
at least `min_share` of that variant's shifts (constraints/variant_difference.py). The finished
variants are scored by the checker under every profile and ranked under the unit's chosen one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from constraints import variant_difference
from constraints.checker import check_roster
from instances.models import Assignment, Instance, Profile, Roster
from instances.profiles import PROFILE_LABELS, PROFILES
from scheduler.solve import Progress, SolveOptions, SolveResult, solve

DEFAULT_MIN_SHARE = 0.10
DIVERGE_SHARE = 0.4  # of a later variant's budget: its warm start (_diverge)
DIVERGE_MAX_SHARE = 1.0  # ... and up to this much while it does not differ enough yet
OWN_SOLVE_MIN_S = 4.0  # a later variant's own solve runs only with this much left after its start
DIVERGE_MIN_S = 3.0  # its rounds' least time, past the budget if need be
DIVERGE_WEIGHT = 100_000  # per missing change in that warm start: above every soft term

# KPIs compared side by side: (key, Finnish label, True when more is better)
COMPARED: list[tuple[str, str, bool]] = [
    ("personnel_cost_eur", "Henkilöstökustannus (€)", False),
    ("open_shifts", "Avoimet vuorot", False),
    ("wishes_fulfilled", "Toiveet toteutuneet", True),
    ("burdens_strong", "Erittäin kuormittavat", False),
    ("burdens_overload", "Kuormittavat", False),
    ("single_days_off", "Yksittäiset vapaat", False),
    ("hours_within_tolerance_4h", "Tunnit ±4 h tavoitteesta", True),
    ("fairness_max_spread", "Tasapuolisuus (suurin ero)", False),
    ("competence_coverage", "Osaamisen kattavuus", True),
]


@dataclass
class Variant:
    index: int  # 1-based, in the order solved
    profile: str
    label: str
    status: str
    roster: Roster | None
    objective: int | None = None  # under its own profile, by the checker
    scores: dict[str, int] = field(default_factory=dict)  # profile -> checker objective
    kpis: dict[str, Any] = field(default_factory=dict)
    hard_violations: int = 0
    changes_vs: dict[int, int] = field(default_factory=dict)  # earlier variant -> changes
    required_changes: dict[int, int] = field(default_factory=dict)
    rank: int | None = None
    trade_offs: list[dict[str, Any]] = field(default_factory=list)
    wall_time: float = 0.0

    @property
    def short_of(self) -> dict[int, int]:
        """Per earlier variant, the changes this one lacks of the required difference (empty
        when it differs enough): what the time left for on a loaded machine, told to the user
        rather than the variant dropped."""
        return {j: need - self.changes_vs.get(j, 0) for j, need in self.required_changes.items()
                if self.changes_vs.get(j, 0) < need}


def flat_kpis(kpis: dict[str, Any]) -> dict[str, Any]:
    """The compared KPIs as plain numbers (burdens split by level)."""
    out = {k: kpis.get(k) for k, _, _ in COMPARED if k in kpis}
    for level, n in (kpis.get("burdens") or {}).items():
        out[f"burdens_{level}"] = n
    return out


def _score(inst: Instance, v: Variant, profiles: dict[str, Profile]) -> None:
    assert v.roster is not None
    for name, prof in profiles.items():
        rep = check_roster(inst, v.roster, prof)
        v.scores[name] = rep.objective
        if name == v.profile:
            v.objective, v.kpis = rep.objective, rep.kpis
            v.hard_violations = len(rep.violations)


def trade_offs(variants: list[Variant]) -> None:
    """For each variant, each compared KPI against the best of the others: what it gives up
    and what it gains."""
    done = [v for v in variants if v.roster is not None]
    for v in done:
        mine = flat_kpis(v.kpis)
        v.trade_offs = []
        for key, label, more_better in COMPARED:
            others = [flat_kpis(o.kpis).get(key) for o in done if o is not v]
            others = [x for x in others if x is not None]
            if mine.get(key) is None or not others:
                continue
            best_other = max(others) if more_better else min(others)
            delta = mine[key] - best_other
            better = delta > 0 if more_better else delta < 0
            v.trade_offs.append({"kpi": key, "label": label, "value": mine[key],
                                 "best_of_others": best_other, "delta": delta,
                                 "verdict": "better" if better else
                                 ("equal" if delta == 0 else "worse")})


def solve_variants(instance: Instance, profiles: list[Profile], options: SolveOptions, *,
                   k: int | None = None, min_share: float = DEFAULT_MIN_SHARE,
                   rank_by: Profile | None = None,
                   on_variant: Callable[[Variant], None] | None = None,
                   progress: Callable[[int, Progress], None] | None = None) -> list[Variant]:
    """k variants (default: one per profile, profiles reused in turn), ranked under `rank_by`
    (default: the first profile). The time budget is shared equally."""
    k = k or len(profiles)
    t0 = time.monotonic()
    by_name = {p.name: p for p in profiles} | {n: p for n, p in PROFILES.items()}
    rank_profile = rank_by or profiles[0]
    by_name[rank_profile.name] = rank_profile
    variants: list[Variant] = []
    best: Roster | None = options.hint
    for i in range(k):
        if i > 0 and options.stop and options.stop():
            break  # cancelled: the first variant always finishes (quickly), the rest are skipped
        prof = profiles[i % len(profiles)]
        left = options.time_limit - (time.monotonic() - t0)
        budget = max(2.0, left / (k - i))
        earlier = [v for v in variants if v.roster is not None]
        required = {v.index: variant_difference.min_changes(v.roster.assignments, min_share)
                    for v in earlier}
        start = best
        diverged: Roster | None = None
        enough, left_after = False, budget
        if earlier and best is not None:
            # start from the best roster, moved just far enough from the earlier variants
            t_div = time.monotonic()
            diverged, enough = _diverge(instance, prof, best, earlier, required, budget, options)
            start = diverged if enough else best
            left_after = budget - (time.monotonic() - t_div)
            budget = max(2.0, left_after)
        t1 = time.monotonic()
        if diverged is not None and (not enough or left_after < OWN_SOLVE_MIN_S):
            # the start used the variant's time. It keeps every hard rule, so it is this
            # variant: its own solve would build the model again past the budget, and without
            # a start that differs enough it begins from nothing (on a loaded CI machine it
            # then found no roster, or one 13 s late that changed 782 shifts where 114 were
            # required). A start that does not differ enough is told as such (`short_of`)
            status, roster = "FEASIBLE", diverged
        else:
            opts = replace(options, time_limit=budget, hint=start,
                           differ_from=[(v.roster.assignments, required[v.index],
                                         f"variant {v.index}") for v in earlier] or None)
            res: SolveResult = solve(instance, prof, opts,
                                     (lambda p, _i=i: progress(_i + 1, p)) if progress else None)
            status, roster = res.status, res.roster
            if roster is None and diverged is not None:
                # the solve ran out of time before it loaded its start (a loaded machine): the
                # start keeps every hard rule and differs enough, so it is this variant
                status, roster = "FEASIBLE", diverged
        v = Variant(index=i + 1, profile=prof.name,
                    label=PROFILE_LABELS.get(prof.name, prof.name), status=status,
                    roster=roster, required_changes=required,
                    wall_time=time.monotonic() - t1)
        if v.roster is not None:
            _score(instance, v, by_name)
            for e in earlier:
                v.changes_vs[e.index] = variant_difference.count_changes(
                    instance, v.roster, e.roster.assignments)
            if best is None or v.scores[profiles[0].name] < _score_of(instance, best, profiles[0]):
                best = v.roster
        variants.append(v)
        if on_variant:
            on_variant(v)
    rank(variants, rank_profile.name)
    trade_offs(variants)
    return variants


def _diverge(instance: Instance, prof: Profile, best: Roster, earlier: list[Variant],
             required: dict[int, int], budget: float, options: SolveOptions,
             ) -> tuple[Roster | None, bool]:
    """A warm start for a later variant: the best roster so far, improved under this variant's
    profile with the missing changes against each earlier variant as a heavy penalty (so it is
    a valid start although it does not differ enough yet), until it differs enough. It takes
    `DIVERGE_SHARE` of the variant's `budget`, and up to `DIVERGE_MAX_SHARE` of it while it does
    not differ enough yet: without a start that differs enough the variant's own solve begins from
    nothing, and on a loaded machine (a CI run) it then found no roster in what was left.

    Without it, the best roster breaks the difference constraint, the variant starts from
    phase 1 and, on the demo with 20 s a variant, changed 790 of ~1130 shifts where 113 were
    required and ended worse on its own profile's KPI than the first variant.
    """
    from constraints.context import EncodeContext
    from scheduler.lns import improve
    from scheduler.model import build_model, complete_hint, components, roster_values, sub_instance
    from scheduler.solve import LIGHT_PRESOLVE

    t0 = time.monotonic()
    ctx: EncodeContext = build_model(instance, prof)
    parts = components(instance)
    short = []  # the missing changes, one variable per earlier variant and part
    for v in earlier:
        assert v.roster is not None
        for _units, emps in parts:  # each part its share, as solve() will require of it
            part = instance if len(parts) == 1 else sub_instance(instance, _units, emps)
            need = variant_difference.share_of(part, v.roster.assignments, required[v.index])
            short.append(variant_difference.encode_soft(
                ctx, v.roster.assignments, need, DIVERGE_WEIGHT, employees=emps))
    # never buy difference with open shifts: at most as many as the best roster has (the LNS
    # otherwise opened 3 shifts in its first round to gain 88 changes on the demo)
    open_now = check_roster(instance, best, prof).kpis["open_shifts"]
    ctx.model.Add(sum(ctx.term_amounts.get("open_shift", [])) <= open_now)
    ctx.model.Minimize(ctx.objective())
    if not complete_hint(ctx, roster_values(ctx, best)):
        return None, False
    start = list(ctx.model.Proto().solution_hint.values)
    enough = [False]  # the incumbent differs enough

    def on_improve(_obj: int, values: list[int]) -> None:
        enough[0] = all(values[s.index] == 0 for s in short)

    def stop() -> bool:
        if options.stop and options.stop():
            return True
        return enough[0] and time.monotonic() - t0 >= DIVERGE_SHARE * budget

    # at least DIVERGE_MIN_S of rounds: the model's build took 4.5 of a loaded machine's 7.5 s
    values, _obj, _stats = improve(ctx, start, max(DIVERGE_MIN_S, DIVERGE_MAX_SHARE * budget
                                                   - (time.monotonic() - t0)),
                                   workers=options.workers, seed=options.seed, stop=stop,
                                   on_improve=on_improve, round_limit=1.0, params=LIGHT_PRESOLVE)
    out = Roster(assignments=[
        Assignment(employee=instance.employees[e].id, date=instance.days[d], shift=s, unit=u)
        for (e, d, s, u), var in ctx.x.items() if values[var.index]])
    return out, all(variant_difference.count_changes(instance, out, v.roster.assignments)
                    >= required[v.index] for v in earlier if v.roster is not None)


def _score_of(inst: Instance, roster: Roster, prof: Profile) -> int:
    return check_roster(inst, roster, prof).objective


def rank(variants: list[Variant], by: str) -> None:
    """Rank 1 = lowest objective under profile `by` (the unit's chosen priority)."""
    done = sorted((v for v in variants if v.roster is not None and by in v.scores),
                  key=lambda v: (v.scores[by], v.index))
    for r, v in enumerate(done, start=1):
        v.rank = r


def diff(instance: Instance, a: Roster, b: Roster) -> list[dict[str, Any]]:
    """Per employee and date, the shifts of `a` and `b` where they differ (sorted by employee,
    date): what a unit manager reads to compare two variants."""
    emp = instance.employee_by_id
    cells: dict[tuple[str, Any], list[set[str]]] = {}
    for which, roster in ((0, a), (1, b)):
        for x in roster.assignments:
            cells.setdefault((x.employee, x.date), [set(), set()])[which].add(
                x.shift if x.unit == (emp[x.employee].home_unit if x.employee in emp else x.unit)
                else f"{x.shift}@{x.unit}")
    out = []
    for (e, d), (sa, sb) in sorted(cells.items()):
        if sa != sb:
            out.append({"employee": e, "name": emp[e].name if e in emp else e,
                        "date": d.isoformat(), "a": "/".join(sorted(sa)) or "V",
                        "b": "/".join(sorted(sb)) or "V"})
    return out
