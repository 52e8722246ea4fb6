"""Weekends first: plan under whole weekends, then lift the restriction and go on from there.

Where the weekends' cover asks for more shifts than the staff may work at weekends (each
employee at most `max_weekends` weekends, two shifts each), every half-worked weekend spends one
of someone's few weekends on a single shift, and the cover pays for it at the weight of a
shortfall. Curtois & Qu Instance18 (22 staff, 12 weeks) needs 305 weekend shifts and may have at
most 264: the plain solve stalls with three half-worked weekends (46 shortfalls, best known 43),
a local optimum that no neighbourhood of the LNS leaves (benchmarks/README.md, thirty-fourth
session). So the first stage solves with whole weekends required (constraints/
complete_weekends.py), which the LNS cannot leave either, and the second stage solves the real
instance from that roster, free to break a weekend where that pays. Stage one's rosters are
valid for the real instance at the same objective; its bounds are not (they bound the
restricted problem) and are not reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from constraints.complete_weekends import saturdays
from instances.models import Instance, Profile

if TYPE_CHECKING:
    from scheduler.solve import Progress, SolveOptions, SolveResult

# The first stage's share of the time budget. Off by default (SolveOptions.weekends_first):
# Curtois Instance18 at 600 s on 2 cores, seeds 0-2, gave 4776, 4766 and 4871 against 4775, 4779
# and 4878 without it (inside the runs' spread), Instances 16 and 17 the same as without
# (benchmarks/README.md, thirty-fifth session).
SHARE = 0.5
PREFIX = "weekends:"  # stage one's events, so the gains table tells them apart


def weekend_shortage(instance: Instance) -> int:
    """Weekend shifts the cover asks for beyond what the staff may work at weekends (0 where
    someone has no weekend limit: then nothing caps them)."""
    sats = saturdays(instance)
    if not sats:
        return 0
    caps = [e.limits.max_weekends if e.limits else None for e in instance.employees]
    if any(c is None for c in caps):
        return 0
    weekend = {instance.days[d] for s in sats for d in (s, s + 1)}
    need = sum(x.target for x in instance.demand if x.date in weekend)
    return max(0, need - sum(2 * min(c, len(sats)) for c in caps if c is not None))


def applies(instance: Instance, opts: SolveOptions) -> bool:
    """Whether this solve goes weekends first: asked for, the weekends bind, no roster to start
    from, a full solve."""
    return opts.weekends_first and not instance.rules.complete_weekends \
        and opts.hint is None and not opts.first_only and not opts.differ_from \
        and not instance.reference_roster and weekend_shortage(instance) > 0


def solve_weekends_first(instance: Instance, profile: Profile, opts: SolveOptions,
                         progress: Callable[[Progress], None] | None,
                         solve: Callable[..., SolveResult]) -> SolveResult:
    """Stage one under whole weekends for SHARE of the budget, stage two on the instance
    from its roster; the stages' histories and events on one clock."""
    t0 = time.monotonic()
    total = opts.time_limit
    strict = instance.model_copy(
        update={"rules": instance.rules.model_copy(update={"complete_weekends": True})})

    def relay(offset: float, keep_bound: bool) -> Callable[[Progress], None] | None:
        if progress is None:
            return None

        def on(p: Progress) -> None:
            el = offset + p.elapsed
            progress(replace(p, elapsed=el, fraction=min(1.0, el / max(total, 1e-9)),
                             bound=p.bound if keep_bound else None))
        return on

    opts = replace(opts, weekends_first=False)  # neither stage goes weekends first again
    first = solve(strict, profile, replace(opts, time_limit=total * SHARE),
                  relay(0.0, False))
    offset = time.monotonic() - t0
    if not first.ok or first.roster is None:
        # no roster under whole weekends: the real instance, in the time left
        rest = solve(instance, profile, replace(opts, time_limit=max(1.0, total - offset)),
                     relay(offset, True))
        return _shifted(rest, offset, t0)
    if opts.stop and opts.stop():  # cancelled: stage one's roster is the answer
        return _joined(first, None, offset, t0)
    rest = solve(instance, profile, replace(opts, time_limit=max(1.0, total - offset),
                                            hint=first.roster), relay(offset, True))
    return _joined(first, rest, offset, t0)


def _shifted(res: SolveResult, offset: float, t0: float) -> SolveResult:
    return replace(res, wall_time=time.monotonic() - t0,
                   history=[(t + offset, o, b) for t, o, b in res.history],
                   events=[(t + offset, ev, o) for t, ev, o in res.events])


def _joined(first: SolveResult, rest: SolveResult | None, offset: float,
            t0: float) -> SolveResult:
    """Stage two's result, with stage one's rosters before it (their bounds dropped, HiGHS's
    too: they bound the restricted problem only) and the better roster of the two."""
    history = [(t, o, float("nan")) for t, o, _b in first.history]
    events = [(t, ev if ev.startswith("highs:") else PREFIX + ev, o)
              for t, ev, o in first.events if ev != "highs:bound"]
    if rest is not None:
        history += [(t + offset, o, b) for t, o, b in rest.history]
        events += [(t + offset, ev, o) for t, ev, o in rest.events]
    out = replace(rest or first, wall_time=time.monotonic() - t0, history=history,
                  events=sorted(events))
    if rest is None or not rest.ok or (first.objective is not None and rest.objective is not None
                                       and first.objective < rest.objective):
        out = replace(out, status="FEASIBLE", roster=first.roster, objective=first.objective,
                      bound=None)
    return out
