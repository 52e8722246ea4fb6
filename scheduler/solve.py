"""Solving: CP-SAT with a time budget, workers, seed, progress; independent parts one by one.

The planner gives one time budget; it is shared between the independent parts (units linked by
float-pool employees) in proportion to their size. A part with no solution makes the whole
result infeasible, and `scheduler.explain` then says which rules conflict.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from constraints import RULES
from constraints.checker import check_roster
from constraints.context import EncodeContext
from instances.models import Assignment, Instance, Profile, Roster
from scheduler.model import (
    build_model,
    complete_hint,
    components,
    roster_values,
    sub_instance,
)

PHASE1_SHARE = 0.3  # of a part's budget: hard rules only, minimising open shifts
PHASE1_MIN_S = 4.0
# Soft rules phase 1 also weighs, per catalogue, below the open shifts (an open shift costs
# 1 M, an unmet wish 8–24 k): phase 1 stops as soon as its open shifts reach their floor, so these
# only decide between rosters that phase 1 finds anyway.
PHASE1_SOFT: dict[str, tuple[str, ...]] = {"finnish": ("wishes",)}
# ... and the terms of its objective that phase 1's stop rule does not wait for
PHASE1_NOT_AWAITED = ("below_target_staffing", "wish")
# Above this many decisions, phase 2 is our LNS over employees and day windows (scheduler/lns.py)
# from the complete hint: on the demo ward, 40 s on 2 workers gave 17.1 M against 18.4 M for
# CP-SAT's own LNS-only search and 20.9 M for its default search (benchmarks/README.md). Small
# models keep CP-SAT's full search, which also proves optimality.
LNS_ABOVE = 2000
# With one worker (a unit of a decomposed region) CP-SAT's full search barely moves from the hint:
# region-300's home-care team u4 (22 people, A and I only: 1848 decisions, under LNS_ABOVE) stayed
# at its first roster's 14.9 M through 24 s, while the LNS reached 10.8 M (1 strong-overload
# penalty, 90 % wishes) in 30 s.
LNS_ABOVE_ONE_WORKER = 300
LNS_ROUND_S = 1.0
# LNS round of a region's unit (one worker, light presolve): see lns_settings
UNIT_ROUND_S = 0.4
UNIT_ROUND_VARIABLES = 40_000  # a 33-person ward's model has 38 600
LIGHT_PRESOLVE = {"max_presolve_iterations": 1, "cp_model_probing_level": 0, "symmetry_level": 0}
# Phase 1's 0.1-s open-shift rounds (one worker) run one light presolve pass where phase 1 has
# less than PHASE1_LIGHT_BELOW_S per employee, and no presolve otherwise. Ten units of
# region-1000 (18–36 people), one core, to 0 open shifts: 15.1 / 17.8 / 19.2 s (sums of wall
# time, five units a run) with it against 19.4 / 21.3 / 25.2 s without; region-1000 at 60 s
# (~0.07 s per employee in round 1): 131 / 84 open shifts left against 167 / 517 / 1442 / 593.
# But at 600 s (~0.36 s per employee) two runs with it ended at 587.1 / 574.7 M against 567.8 M
# without (why is not known; benchmarks/README.md, twenty-second session).
PHASE1_LIGHT_BELOW_S = 0.15
# With the light presolve (under PHASE1_LIGHT_BELOW_S per employee) phase 1's rounds end after
# PHASE1_ROUND_DTIME of CP-SAT's deterministic time (about 0.1 s of one core here: 0.15–0.23 per
# second on region-300's units), at most PHASE1_ROUND_WALL_S of wall time. Limited by wall time
# (0.1 s), the rounds did a tenth of their work on a loaded machine (deterministic time 0.0025
# against 0.023 a round, the demo beside four busy processes). Five units of region-1000, 2.5 s
# each, open shifts left (sums): 1423 against 348 beside two busy processes, and 505 against 362
# in four unloaded runs; region-1000 at 60 s: 0 / 16 open shifts against 84 / 91 / 131 the same
# day. Without presolve (more time per employee) such rounds were slower: the same units to 0
# open shifts in 23.9 s (0.02), 26.1 s (0.015), 40.6 s (0.01) against 20.4 s, and region-1000
# at 600 s ended at 572.4 M against 567.8 M, so those rounds keep 0.1 s of wall time
# (benchmarks/README.md, twenty-third session).
PHASE1_ROUND_DTIME = 0.02
PHASE1_ROUND_WALL_S = 0.5
# A region's unit (one worker) is searched on the objective with the terms of the county's KPIs
# (unmet wishes, TTL strong-overload burdens, hours outside the ± 4 h band) weighing three times
# their profile weight; the roster reported is scored on the true objective. Ward u1 of
# region-300, one core, 30 s, medians of 6 seeds *on the true objective*: 19.98 M against
# 20.37 M, strong overload 35 against 49, wishes 73 % against 69 %, ± 4 h unchanged (97 %);
# home-care team u8 17.4–17.8 M against 18.0–18.2 M. With wishes and strong overload alone the
# hours band paid (region-1000 at 600 s: ± 4 h 90 % against 95 %). Not for a whole model on
# 2 workers: the demo at 30 s, seeds 0/1, 32.6 / 32.2 M against 31.2 / 32.2 M
# (benchmarks/README.md, sixteenth session).
# TTL strong overload weighs ten times, 200 000 in the search: more than an unmet priority-1
# wish (72 000) and an employee outside the ± 4 h band (75 000) together, so the search no
# longer keeps one to spare a wish or the band (region-1000 at 600 s showed 0–3 strong overloads
# from run to run; the county's target is none). All 38 units of region-1000 from their first
# rosters, each with its slice of a 600-s solve, seeds 1 and 2 (76 runs, 2 at a time), true
# objective: 1045.27 M against 1047.50 M with three times (49 of 76 better), strong overloads 0
# and 0 (benchmarks/README.md, twenty-ninth session).
SEARCH_FACTORS = {"wish": 3, "burden_strong": 10, "hours_outside_kpi": 3,
                  "hours_beyond_kpi_minute": 3}
# A unit's rounds run CP-SAT without its LP (linearization level 0) or with it (1, the default),
# each level drawn in proportion to the objective its rounds won lately (scheduler/lns.py). In a
# 0.4-s round from a ward's first roster, the LP at every node leaves 20–40 branches and no
# improvement; without it 8–13 k branches. Wards and 24-hour units gain, home-care teams (A and I
# only) do better with the LP, so each unit's own rounds decide. Region-300 at 180 s, three runs
# each: 168.7 M median (penalties 16.6 M, strong overload 121) against 170.9 M (19.1 M, 197)
# with the LP always (benchmarks/README.md, seventeenth session).
UNIT_LP_LEVELS = (0, 1)
# A unit's rounds also free two employees over a short window (the "pair" kind, scheduler/lns.py):
# a compact sub-model solved to optimality in ~50 ms without the LP, against ~0.35 s of presolve
# alone in a 0.4-s round on the clone. Those take UNIT_PAIR_SHARE of the rounds' time, the kinds
# above the rest. Region-300's units from their first rosters, one core, 30 s, true objective:
# ward u1 18.77 M against 20.35 M (the shipped kinds alone reach 19.13 M in 120 s), 24-hour u7
# 14.16 M against 15.08 M (wishes 89 % against 73 %), home-care u8 17.48 M against 18.05 M
# (benchmarks/README.md, twenty-fourth session). With the hot pairs (scheduler/lns.py) they
# earn more: 0.55 / 0.7 / 0.85 / 0.95 of the time gave 212.89 / 211.74 / 210.77 / 210.65 M on
# five of region-300's units (30 s, seeds 0–2, sums of 15 runs); 0.85 against the previous code
# at 0.7, each pair of runs side by side, seeds 0–3: 281.10 M against 282.19 M, 14 of 20 better
# (benchmarks/README.md, twenty-seventh session).
UNIT_KINDS = ("pair", "employees", "window", "block")
UNIT_PAIR_SHARE = 0.85
# Above this many employees in several units, the float pool is allocated and the units are
# solved in parallel processes (scheduler/decompose.py): one model of a 1000-person region finds
# no first roster in 90 s on 2 cores. Region-100 (4 units) at 60 s on 2 cores: one model 944 M
# with 852 open shifts (first roster 24 s), decomposed 56.8 M with none (first roster 4.4 s).
DECOMPOSE_ABOVE = 80
# the side searches' better rosters, by source (scheduler/mip.py, scheduler/polish.py); the
# LNS rounds' are "lns:<kind>"
SIDE_KINDS = ("highs", "polish")


@dataclass
class SolveOptions:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0
    log: bool = False
    hint: Roster | None = None
    two_phase: bool | None = None  # hard rules first, then all; None: by catalogue and size
    subsolvers: list[str] | None = None  # extra CP-SAT subsolvers; None: by catalogue
    lns_above: int | None = None  # decisions above which phase 2 is our LNS; None: default
    decompose: bool | None = None  # float pool → units in parallel processes; None: by size
    jobs: int | None = None  # processes for the unit parts; None: `workers`, at most the cores
    # decomposed solves: after the first rosters, pairs of units linked by a float employee are
    # solved as one part up to this many people (scheduler/decompose.py, PAIR_MAX_EMPLOYEES
    # suggested); 0: never — measured worse at region-300@180 s
    float_pairs: int = 0
    first_only: bool = False  # stop after phase 1: a valid roster, open shifts minimised
    # variants: (earlier variant's shifts, changes required, its label) — a hard constraint
    # (constraints/variant_difference.py); whole-instance solves only
    differ_from: list[tuple[list[Assignment], int, str]] | None = None
    stop: Callable[[], bool] | None = None  # polled during the solve: True cancels it, and the
    # best roster so far is returned
    keep_best: bool = False  # Progress.roster gives the best roster so far (costs a little)
    # plan under whole weekends first where the weekends bind (scheduler/weekends_first.py;
    # measured, not a default)
    weekends_first: bool = False
    # late in the LNS, HiGHS over half of the period and every weekend day
    # (scheduler/polish.py); None: where the catalogue asks for it (`polish_from`/`polish_up_to`)
    polish: bool | None = None
    # HiGHS on the whole model beside the LNS (scheduler/mip.py); None: where the catalogue
    # asks for it (`mip_from`/`mip_up_to`)
    mip: bool | None = None
    # where the weekends bind, the weekends picked from the converged LP's schedules and the
    # weekdays laid by HiGHS (scheduler/weekend_layout.py); None: where the catalogue asks for
    # it (`layout_from`/`layout_up_to`)
    layout: bool | None = None


def _build(inst: Instance, profile: Profile, opts: SolveOptions, **kw) -> EncodeContext:
    """build_model plus what the request adds to every model of this solve."""
    from constraints import variant_difference

    ctx = build_model(inst, profile, **kw)
    for earlier, required, label in opts.differ_from or []:
        # a part of a multi-unit instance carries its share of the required changes
        need = variant_difference.share_of(inst, earlier, required)
        variant_difference.encode(ctx, earlier, need, label)
    return ctx


# Per catalogue: (decisions up to which one CP-SAT phase with these subsolvers is used).
# Curtois & Qu instances have tight run/weekend clauses that the default LP leaves out; the
# max_lp subsolver keeps them and proves Instances 1–6 (≤ 1512 decisions) optimal within 60 s on
# 2 workers. Above that the LNS below wins once its rounds keep the LP (benchmarks/README.md):
# 60 s on 2 cores, Instance8 1345–1448 against 1553, 10 4643 vs 4943, 14 1307 vs 1389,
# 16 3443 vs 3723.
SINGLE_PHASE = {"curtois": (2000, ["max_lp"])}
# Per catalogue: how the LNS of phase 2 runs (scheduler/lns.py). Curtois & Qu: one CP-SAT worker
# per round with the full LP (linearization level 2: the cover and run rows), as many rounds at
# once as workers, neighbourhood kinds drawn by recent success. Instance8, 60 s, 2 cores: 1345
# and 1448 (two seeds) against 1554–1851 for 2-worker rounds with the default LP.
# Above `compact_above` decisions, rounds build compact sub-models (scheduler/submodel.py)
# instead of fixing a clone of the whole model. 60 s, 2 cores, one seed each, clone → compact:
# Instance8 1547 → 1357, 12 4617 → 4212, 13 4753 → 3930, 16 3437 → 3336; Instance22 (364 days)
# at 600 s 59253 → 48418. But at 600 s the small ones gained nothing (8 1344 → 1338, 12 4076 →
# 4070, 16 3243 → 3251) and Instance14 lost (1285 → 1382): a window's edges are held by the run
# counters fixed beyond it, which the clone's exact rounds do not suffer; below ~10 000 decisions
# the clone's presolve is cheap enough. On the region's wards compact rounds bought nothing
# (u1, 60 s, four seeds: median 19.0 M clone, 19.25 M compact), so the Finnish catalogue keeps
# the clones.
# "Hot" neighbourhoods (windows around the incumbent's penalties, scheduler/lns.py) are not
# drawn: from rosters stalled after 150 s they helped (Instance14 1288 vs 1298, 16 3240 vs 3338
# in 150 s more) but full 600-s runs came out worse (8 1424 vs 1344, 14 1293 vs 1285, 16 3432 vs
# 3243, 12 4072 vs 4070; benchmarks/README.md). A catalogue may still name them under "kinds".
# Guided by the column-generation LP (scheduler/bound.py): the first `guide_share` of the LNS
# budget computes the bound, which then stops the LNS at a proven optimum and weights the
# "guided" kind (employees whose schedules sit furthest above the LP's), with sideways moves
# (`plateau`). Only up to `guide_up_to` decisions: the 182- and 364-day instances' bounds do
# not converge in minutes (benchmarks/results/curtois_bounds.md). 300 s on 2 cores, seed 0:
# Instance8 1325 (guided) / 1329 (guided, sideways) vs 1332 (benchmarks/README.md, "guided
# LNS"). Rounds that grow while the search stalls were measured and left out: 1425 and 1431.
# Once that LP has converged, `dive_share` of the budget goes to price-and-dive rosters from it
# (scheduler/bound.py `dive`, one per lookahead), and the LNS starts from the best of them where
# it beats the incumbent. 600 s on 2 cores (benchmarks/README.md, fourteenth session): Instance8
# 1320 → 1304, Instance14 1292 → 1278 (proven optimal at 234 s), Instance16 3331 → 3225 (the
# best known value). The LNS waits for the dive, so only up to `dive_up_to` decisions:
# Instance12 (10 452) needs 260 s for one dive, which then ends at 4250 against the LNS's 4067,
# and with its 180 s spent on a dive that did not finish it came to 4073.
# Up to `assign_dive_up_to` decisions, where `assign_dive_share` of the budget is at least
# `assign_dive_min_s`, a dive that fixes single assignments (scarcest shift type first) instead
# of whole schedules takes their place: Instance8 (2158) 1302, 1303, 1306 (seeds 0–2) in
# 125–190 s, where the schedule dives end at 1400–1600; at 600 s 1301 against 1303–1310
# (benchmarks/README.md, forty-fourth session). It needs minutes, and one that does not finish
# gives nothing: Instance14 (3572) did not finish in its share and came to 1296 at 600 s
# against the optimum 1278 that its schedule dive proves by 215 s; Instance16 (2250) needs
# 237 s for the 3225 its schedule dive gives in ~105; Instances 9 and 10 (2912, 3484) gained
# nothing (439 and 4631, as before, later). So only Instance8's size, and not at 60 s.
# From `batch_dive_from` decisions the assignment dive fixes up to `batch_dive` at a time
# (undone where that raises the LP's rounded-up value) within `batch_dive_share`, after a
# column generation given `batch_guide_share` (only where the dive's share is at least
# `assign_dive_min_s`): Instance12 (10 452), whose LP is already its optimum 4040 but 2112
# assignments fractional; one at a time did not finish in 600 s, in batches of 8 it came to
# 4040 after 55–77 s of column generation and 346–520 s of dive (benchmarks/README.md,
# forty-fifth session), where the LNS with HiGHS beside it ends at 4041 in 16 of 17 runs. Cut
# short, the dive hands the LNS each employee's heaviest schedule: 600 s, seed 1, share 0.85
# without that: 5860 (the LNS had 20 s from the first roster); share 0.75 with it: 4950 from
# the dive at 509 s, 4040 (proven) at 523 s; seed 0: 4040 from the dive at 365 s. With the
# master LP built coefficient by coefficient (bound.py `_master`, half the time per solve),
# seeds 0–2 reach 4040 from the dive itself at 449, 469 and 427 s (forty-sixth session).
# Above `guide_up_to` decisions, where HiGHS runs beside the LNS (scheduler/mip.py), there is
# no column generation either. Instance12 (10 452) had none until the batched dive: its 60 s
# then ended unconverged at 3938 while HiGHS's root proves 4040 by itself, and without it the
# LNS and HiGHS started 60 s earlier (600 s, seed 0: 4041 at 429 s against 4041 at 530 s); at
# 60 s it still has none (the dive's share is too short). Instance17 (5304) keeps it: its guided
# rounds matter there (600 s without it: 6087 against 5772; benchmarks/README.md, twentieth
# session).
# Late in the LNS, once it stalls, one thread runs HiGHS over every employee on half of the
# period and every weekend day (scheduler/polish.py), on models of `polish_from`–`polish_up_to`
# decisions: Instance18 (4104), where the LNS stalls on half-worked weekends (600 s on 2 cores,
# seeds 0–2: 4762, 4859, 4661 against 4869, 4962, 4868 without it the same day;
# benchmarks/README.md, thirty-seventh session), and Instance17 (5304), where it runs instead
# of HiGHS on the whole model (`_mip_side`): there HiGHS found no roster in any run and held one
# of the two threads; 600 s, seeds 0–2: 5772, 5775, 5762 against 5778, 5765 (thirty-fifth
# session), 5873 (benchmarks/README.md, thirty-eighth session).
# Instances 14 (3572) and 16 (2250) reach the best known without it: not given it.
# On models of `layout_from`–`layout_up_to` decisions whose weekends bind (the cover asks for
# more weekend shifts than the staff may work), the column generation gets `layout_guide_share`
# of the budget to converge (where that is at least `layout_min_s`), and its schedules give
# the first roster instead of a dive (scheduler/weekend_layout.py: each person's weekends picked
# from the pool, the weekdays laid by HiGHS). Instance18 (4104), 600 s on 2 cores, seeds 0–2:
# 4465, 4562, 4468 against 4762, 4859, 4661 with the polish alone; Instance17 (5304), seeds
# 0–2: 5749, 5750, 5751 against 5772, 5775, 5762 (its optimum 5746; benchmarks/README.md,
# forty-seventh session). Instance18's schedule dive (under `dive_up_to`) did not finish in
# 400 s.
LNS_BY_CATALOGUE: dict[str, dict] = {
    "curtois": {"adaptive": True, "params": {"linearization_level": 2}, "per_worker": True,
                "compact": 0, "compact_above": 10_000, "guide_share": 0.1,
                "guide_up_to": 11_000, "plateau": True, "dive_share": 0.3,
                "dive_lookahead": (1, 5), "dive_up_to": 5000,
                "assign_dive_share": 0.35, "assign_dive_min_s": 90.0,
                "assign_dive_up_to": 2200,
                "batch_dive_from": 10_000, "batch_dive": 8, "batch_dive_share": 0.75,
                "batch_guide_share": 0.2,
                "kinds": ("employees", "window", "block", "guided"),
                "mip_from": 5000, "mip_up_to": 20_000,
                "polish_from": 3600, "polish_up_to": 6000,
                "layout_from": 3600, "layout_up_to": 6000, "layout_guide_share": 0.5,
                "layout_min_s": 150.0},
}
# Catalogues built one employee at a time (BY_EMPLOYEE): the share of a part's budget for that
# greedy construction; the LNS improves on it far faster than the per-person solves do.
CONSTRUCT_SHARE = 0.15
# ... and the share (with the construction's) that re-solving one person at a time against all
# the others may use (scheduler/construct.py::sweep; it stops earlier once its passes gain
# little). On the 364-day instances it gains far faster than the LNS on the whole model:
# Instance24 1 567 823 → 331 655 in 240 s, where the 600-s solve without it ended at 1.2 M.
SWEEP_SHARE = 0.6
# ... on models of at least this many decisions (Instance24: 1.04 M). At 60 s it made Instances
# 20, 21 and 22 (55 k–182 k decisions) worse than the LNS alone (15 272 / 68 954 / 386 065
# against 13 813 / 49 452 / 287 009); the LNS uses that time better there.
SWEEP_ABOVE = 500_000
# ... and, from this budget on, where one person's horizon is this many decisions or more: an
# LNS neighbourhood then holds only a slice of a person's year, and a person's re-solve all of
# it. Measured at 600 s, one run each (benchmarks/README.md, thirty-second session): Instance22
# (2 171 decisions a person) 42 441 and 44 841 with the sweeps, 47 202 without; the half-year
# instances lose: Instance20 (705) 5254 against 5121, Instance21 (907) 22 085 against 21 781.
# At 60 s they cost every one of the three too much of the LNS's time (above).
SWEEP_LONG_S = 300.0
SWEEP_PERSON_ABOVE = 1500


def sweeps_pay(decisions: int, employees: int, budget: float) -> bool:
    """Whether a part's first roster is swept one person at a time before the LNS."""
    return decisions >= SWEEP_ABOVE or (
        budget >= SWEEP_LONG_S and decisions >= SWEEP_PERSON_ABOVE * max(1, employees))


# The whole model's cost (build, hint check, LNS set-up) as a multiple of the people's models'
# build time per decision (Instance24: ~57 s against 0.15 s for a person's ~7 000 decisions)
WHOLE_MODEL_COST = 2.7
# Catalogues whose hard rules never link two employees: the first roster is built one employee at
# a time against the cover still open (scheduler/construct.py), not by CP-SAT on the whole model.
BY_EMPLOYEE = {"curtois"}


def _plan(instance: Instance, opts: SolveOptions, decisions: int) -> tuple[bool, list[str], int]:
    """(two_phase, subsolvers, lns_above) for this part."""
    limit, subs = SINGLE_PHASE.get(instance.rules.catalogue, (0, []))
    single = decisions <= limit
    two_phase = opts.two_phase if opts.two_phase is not None else not single
    subsolvers = opts.subsolvers if opts.subsolvers is not None else (subs if single else [])
    default = limit or (LNS_ABOVE_ONE_WORKER if opts.workers == 1 else LNS_ABOVE)
    lns_above = opts.lns_above if opts.lns_above is not None else default
    return two_phase, subsolvers, lns_above


@dataclass
class Progress:
    part: int  # 1-based index of the part being solved
    parts: int
    objective: float | None  # best total so far (finished parts + current part)
    bound: float | None
    elapsed: float
    fraction: float  # of the time budget used
    open_shifts: int | None = None  # in the parts with a roster (decomposed solves)
    parts_done: int | None = None  # decomposed solves: units with a roster so far (then
    # `part`/`parts` count units too)
    # the best complete roster so far (SolveOptions.keep_best), built when called
    roster: Callable[[], Roster] | None = None


@dataclass
class SolveResult:
    status: str  # OPTIMAL | FEASIBLE | INFEASIBLE | UNKNOWN
    roster: Roster | None
    objective: float | None
    bound: float | None
    wall_time: float
    parts: int = 1
    history: list[tuple[float, float, float]] = field(default_factory=list)  # t, obj, bound
    # where each better roster came from, and the side search's turns: (t, event, objective);
    # events "construction", "phase 1", "start", "dive", "layout", "sweep", "cp-sat", "lns:<kind>",
    # "highs" (a roster of HiGHS's), "highs:gate|hold|release|bound" (scheduler/mip.py)
    events: list[tuple[float, str, float]] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    # per unit, open shifts no roster can avoid (decomposed solves; scheduler.decompose)
    open_shift_lower_bound: dict[str, int] | None = None
    # open shifts of the roster where the solve checked it anyway (first-only solves), so a
    # caller need not run the checker again (0.75 s for a 30-person unit over 6 weeks)
    open_shifts: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_solution: Callable[[float, float, list | None], None],
                 keep: dict | None = None):
        super().__init__()
        self._on = on_solution
        self._keep = keep  # decision key -> variable; its values are read at each solution

    def on_solution_callback(self) -> None:
        keys = None
        if self._keep is not None:
            keys = [k for k, v in self._keep.items() if self.BooleanValue(v)]
        self._on(self.ObjectiveValue(), self.BestObjectiveBound(), keys)


class _Watch:
    """Stops a running CP-SAT search when `stop()` turns True (polled from a thread)."""

    def __init__(self, solver: cp_model.CpSolver, stop: Callable[[], bool] | None):
        self.solver, self.stop = solver, stop
        self.done = threading.Event()

    def __enter__(self) -> _Watch:
        if self.stop is not None:
            threading.Thread(target=self._run, daemon=True).start()
        return self

    def _run(self) -> None:
        while not self.done.wait(0.2):
            if self.stop and self.stop():
                self.solver.StopSearch()
                return

    def __exit__(self, *_exc: object) -> None:
        self.done.set()


def _stopped(opts: SolveOptions) -> bool:
    return bool(opts.stop and opts.stop())


def _status_name(code: int) -> str:
    return {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE",
            cp_model.INFEASIBLE: "INFEASIBLE", cp_model.MODEL_INVALID: "MODEL_INVALID"}.get(
        code, "UNKNOWN")


def _solver(opts: SolveOptions, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = time_limit
    p.num_workers = max(1, opts.workers)
    p.random_seed = opts.seed
    p.log_search_progress = opts.log
    return solver


def _count_decisions(inst: Instance) -> int:
    """Decision variables the model will have (as EncodeContext creates them), cheaply."""
    from constraints.context import decision_keys

    return sum(1 for _ in decision_keys(inst))


def phase1_rules(inst: Instance) -> list:
    """Phase 1's rules: the hard ones and the catalogue's PHASE1_SOFT."""
    soft = PHASE1_SOFT.get(inst.rules.catalogue, ())
    return [r for r in RULES if r.kind == "hard" or r.id in soft]


def phase1_awaited(ctx: EncodeContext):
    """The part of phase 1's objective its stop rule waits for (ObjectiveEval): the open
    shifts and ratio shortfall, not PHASE1_NOT_AWAITED."""
    from scheduler.lns import ObjectiveEval

    return ObjectiveEval(ctx, sum(
        w * a for i, (w, a, _rule) in enumerate(ctx.objective_terms)
        if ctx.term_of.get(i) not in PHASE1_NOT_AWAITED))


def _phase1(inst: Instance, profile: Profile, opts: SolveOptions, time_limit: float,
            hint: Roster | None) -> tuple[str, dict | None]:
    """Hard rules (and PHASE1_SOFT), minimising open shifts and the ratio shortfall: a valid
    roster fast."""
    t0 = time.monotonic()
    ctx = _build(inst, profile, opts, hint=hint, rules=phase1_rules(inst))
    solver = _solver(opts, max(1.0, time_limit))
    if opts.workers == 1 or inst.rules.catalogue == "finnish":
        solver.parameters.num_workers = 1
        return _phase1_one_worker(ctx, solver, max(1.0, time_limit) - (time.monotonic() - t0),
                                  opts.seed, opts.stop, floor=_phase1_floor(ctx, inst, profile))
    with _Watch(solver, opts.stop):
        st = _status_name(solver.Solve(ctx.model))
    if st not in ("OPTIMAL", "FEASIBLE"):
        return st, None
    return st, {k: solver.BooleanValue(v) for k, v in ctx.x.items()}


def _phase1_floor(ctx: EncodeContext, inst: Instance, profile: Profile) -> int:
    """What phase 1's objective cannot go below: the open shifts no roster avoids, priced
    (scheduler/open_shifts.py); 0 where a term could pay back (a negative weight)."""
    from scheduler.open_shifts import phase1_target

    if any(w < 0 for w, _a, _rule in ctx.objective_terms):
        return 0
    return phase1_target(inst, profile)


def phase1_rounds(time_limit: float, employees: int) -> tuple[float, float | None, dict]:
    """(wall limit, deterministic-time limit, CP-SAT parameters) of phase 1's LNS rounds: with
    less than PHASE1_LIGHT_BELOW_S per employee, one light presolve pass and rounds that end on
    CP-SAT's work (PHASE1_ROUND_DTIME); otherwise 0.1-s rounds without presolve."""
    if time_limit < PHASE1_LIGHT_BELOW_S * employees:
        return PHASE1_ROUND_WALL_S, PHASE1_ROUND_DTIME, LIGHT_PRESOLVE
    return 0.1, None, {"cp_model_presolve": False}


def _phase1_one_worker(ctx: EncodeContext, solver: cp_model.CpSolver, time_limit: float,
                       seed: int, stop: Callable[[], bool] | None = None, floor: int = 0,
                       ) -> tuple[str, dict | None]:
    """One worker (a unit of a decomposed region): first roster, then LNS on the open shifts.

    Measured on the units of region-1000 (21–34 people, 6 weeks, benchmarks/README.md): CP-SAT's
    default search found no roster in 10 s; quick restarts without the LP found one in 0.3–0.6 s
    once presolve is off (0.6–2.5 s with it: the presolve alone took 2 s on elderly-care units);
    but then improved slowly (≈ 300 open shifts left after 6 s on a 34-person ward), while short
    LNS rounds (~0.1 s, without presolve; see PHASE1_LIGHT_BELOW_S and PHASE1_ROUND_DTIME) that
    free a few employees over the whole period brought the same ward to 0–8 in 2 s (day
    windows: 75–200): an open
    shift is filled by moving someone's hours there from a day that has enough people, which a
    day window cannot do.
    The LNS stops once the objective less its staffing-below-target terms reaches `floor`, the
    open shifts no roster avoids. It used to stop at objective 0 only, which the below-target
    terms rarely allow, so it ran out its whole share (4 s of a 6-s solve on the small preset
    with Easter, 0 open shifts after 0.2 s). The below-target terms stay in the objective: they
    guide the search to 0 open shifts (region-1000 at 60 s without them: 771 open shifts against
    175; benchmarks/README.md).
    """
    from scheduler.lns import improve

    t0 = time.monotonic()
    open_part = phase1_awaited(ctx)
    start = _hinted_start(ctx)
    st = "FEASIBLE"
    if start is None:
        p = solver.parameters
        p.subsolvers.append("quick_restart_no_lp")
        p.stop_after_first_solution = True
        p.cp_model_presolve = False
        with _Watch(solver, stop):
            st = _status_name(solver.Solve(ctx.model))
        if st not in ("OPTIMAL", "FEASIBLE"):
            return st, None
        start = list(solver.ResponseProto().solution)
    left = time_limit - (time.monotonic() - t0)
    if st == "FEASIBLE" and left > 0.3:
        round_limit, dtime, params = phase1_rounds(time_limit, len(ctx.employees))
        start, _obj, _stats = improve(ctx, start, left, workers=1, seed=seed,
                                      round_limit=round_limit, dtime=dtime, params=params,
                                      kinds=("employees",), stop=stop,
                                      done=lambda values: open_part(values) <= floor)
    return "FEASIBLE", {k: bool(start[v.index]) for k, v in ctx.x.items()}


def lns_settings(catalogue: str, workers: int, decisions: int, variables: int,
                 ) -> tuple[float, dict | None, dict]:
    """(round length, CP-SAT parameters, other `improve` arguments) of phase 2's LNS."""
    tuned = LNS_BY_CATALOGUE.get(catalogue, {})
    compact = tuned.get("compact") if decisions > tuned.get("compact_above", 0) else None
    # CP-SAT presolves the whole clone every round, fixed variables included: on Curtois
    # Instance24 (1.1 M variables) that alone takes seconds, so rounds grow with the model
    round_s = LNS_ROUND_S if compact is not None else max(LNS_ROUND_S, variables / 100_000)
    params = dict(tuned["params"]) if tuned.get("params") else None
    extra = {"adaptive": tuned.get("adaptive", False), "compact": compact,
             "threads": workers if tuned.get("per_worker") else 1}
    for key in ("kinds", "plateau"):  # guide_share: _lns_phase
        if key in tuned:
            extra[key] = tuned[key]
    if workers == 1 and not tuned:
        # a unit of a decomposed region: on region-1000's wards, 8 s of 0.2-s rounds with one
        # presolve pass (no probing, no symmetry) beat 1-s rounds with the full presolve
        # (e.g. 29.6 M → 23.6 M against 25.8 M; benchmarks/README.md). With the ~30 s a unit
        # gets in a 10-min region solve, 0.4-s rounds win: that presolve pass alone takes
        # 0.1–0.2 s of a round on a 33-person ward (benchmarks/README.md, "round length"), and
        # grows with the model (two units solved as one, scheduler/decompose.py)
        round_s = UNIT_ROUND_S * max(1.0, variables / UNIT_ROUND_VARIABLES)
        params = LIGHT_PRESOLVE
        if catalogue == "finnish":
            extra["factors"] = SEARCH_FACTORS
            extra["lp_levels"] = UNIT_LP_LEVELS
            extra["kinds"] = UNIT_KINDS
            extra["pair_share"] = UNIT_PAIR_SHARE
    return round_s, params, extra


def _lns_phase(ctx, sub: Instance, profile: Profile, opts: SolveOptions, t0: float,
               budget: float, part: int, parts: int, done_obj: float, done_bound: float,
               history: list, progress, done: list[Assignment], events: list
               ) -> tuple[int, list, int | None]:
    """Phase 2 by LNS from the complete hint; returns (objective, assignments, proven lower
    bound or None) of the part."""
    from scheduler.lns import ObjectiveEval, improve

    start = list(ctx.model.Proto().solution_hint.values)
    proven: list[int] = []  # the part's lower bound, once the guide has proven one

    latest: list = []  # the part's incumbent: (objective, values)

    def on_improve(obj: int, values: list[int]) -> None:
        latest[:] = [obj, values]
        el = time.monotonic() - t0
        bound = done_bound + proven[0] if proven and done_bound == done_bound else None
        history.append((el, done_obj + obj, float("nan") if bound is None else bound))
        if progress:
            roster = None
            if opts.keep_best:
                keys = [k for k, v in ctx.x.items() if values[v.index]]
                roster = _roster_fn(sub, done, keys)
            progress(Progress(part, parts, done_obj + obj, bound, el,
                              min(1.0, el / max(opts.time_limit, 1e-9)), roster=roster))

    def on_bound(bound: int) -> None:
        """A bound the side search proved while the LNS runs: out with the incumbent."""
        proven[:] = [max(proven + [bound])]
        if latest:
            on_improve(*latest)

    score = ObjectiveEval(ctx)
    first = score(start)
    on_improve(first, start)  # the first roster is out before the bound is worked on
    events.append((time.monotonic() - t0, "start", done_obj + first))
    t1 = time.monotonic()
    guide = _guide(ctx, sub, profile, opts, budget)
    if guide is not None:
        proven.append(guide[1])
        on_improve(first, start)  # now with its bound
        laid = _lays_weekends(ctx, sub, opts, budget)
        got = _layout(ctx, guide[2], opts) if laid else _dive(ctx, guide[2], opts, budget)
        if got is not None and score(got) < first:
            start, first = got, score(got)
            on_improve(first, start)
            events.append((time.monotonic() - t0, "layout" if laid else "dive",
                           done_obj + first))
    budget = max(1.0, budget - (time.monotonic() - t1))
    round_s, params, extra = lns_settings(sub.rules.catalogue, opts.workers, len(ctx.x),
                                          len(start))
    polish = _polish_side(ctx, opts, budget)
    mip = _mip_side(ctx, opts, guide and guide[1], polish_runs=bool(polish and polish.runs))
    sides = [s for s in (mip, polish) if s is not None]
    side = _in_turn(sides) if sides else None
    best, obj, stats = improve(ctx, start, budget, workers=opts.workers, seed=opts.seed,
                               on_improve=on_improve, round_limit=round_s, params=params,
                               stop=opts.stop, guide=guide and guide[0],
                               target=guide and guide[1], side=side, on_bound=on_bound,
                               **extra)
    events.extend((t - t0, kind if kind in SIDE_KINDS else f"lns:{kind}", done_obj + o)
                  for t, kind, o in stats.events)
    for sd in sides:  # their rosters are "highs" or "polish" above
        if sd.started is not None:
            events.extend((sd.started - t0 + el, f"highs:{ev}", v)
                          for el, ev, v in sd.log if ev != "offered")
    if stats.bound is not None:
        proven[:] = [max(proven + [stats.bound])]
    out = [Assignment(employee=sub.employees[e].id, date=sub.days[d], shift=s, unit=u)
           for (e, d, s, u), var in ctx.x.items() if best[var.index]]
    return obj, out, proven[0] if proven else None


def _sized_for(ctx, side: str) -> bool:
    """Whether the model's size is in the catalogue's range for a side search
    (`<side>_from` < decisions ≤ `<side>_up_to`)."""
    tuned = LNS_BY_CATALOGUE.get(ctx.instance.rules.catalogue, {})
    return tuned.get(f"{side}_from", 0) < len(ctx.x) <= tuned.get(f"{side}_up_to", -1)


def _mip_side(ctx, opts: SolveOptions, known_bound: int | None, polish_runs: bool = False):
    """HiGHS on the whole model beside the LNS (scheduler/mip.py), where asked for or, by
    default, where the catalogue asks for it (more than `mip_from` and up to `mip_up_to`
    decisions), and there are two workers to share; else None. `known_bound`: the column
    generation's, if it ran, against which HiGHS's own bound is judged (else its gap to the
    incumbent is). Not where the dive runs (up to 5000 decisions): Instance8 (2158) came to
    1308 at 600 s with HiGHS holding a worker for its first 150 s, against 1304 and 1305
    without. Nor, unless asked for, where the polish will run (`polish_runs`): on Instance17
    (5304) at 600 s HiGHS found no roster in any run and held one of the two threads; at
    60 s, where the polish does not run, it stays for its bound (5727 against the column
    generation's 19 then)."""
    wanted = opts.mip if opts.mip is not None else \
        not polish_runs and _sized_for(ctx, "mip")
    if opts.workers < 2 or not wanted:
        return None
    from scheduler.mip import MipSide

    return MipSide(known_bound=known_bound)


def _polish_side(ctx, opts: SolveOptions, budget: float):
    """The half-period polish (scheduler/polish.py) late in the LNS, where asked for or, by
    default, where the catalogue asks for it (`polish_from` < decisions ≤ `polish_up_to`) and
    there are two workers to share; else None."""
    wanted = opts.polish if opts.polish is not None else _sized_for(ctx, "polish")
    if opts.workers < 2 or not wanted:
        return None
    from scheduler.polish import PolishSide
    from scheduler.weekend_layout import weekend_days

    by_day: list[list[int]] = [[] for _ in range(ctx.n_days)]
    for (_e, d, _s, _u), var in ctx.x.items():
        by_day[d].append(var.index)
    return PolishSide(by_day, weekend_days(ctx.instance), budget)


def _in_turn(sides: list) -> Callable:
    """One side search for the LNS that runs `sides` one after the other."""
    def run(link) -> None:
        for sd in sides:
            if not link.running():
                return
            sd(link)
            link.hold.clear()  # a side's hold ends with it: the next one's rounds must run
    return run


def _guide(ctx, sub: Instance, profile: Profile, opts: SolveOptions, budget: float):
    """(the LNS's guide, the proven lower bound, the column generation's result) from column
    generation on `guide_share` of the budget, where the catalogue asks for it and the part
    decomposes by employee; else None."""
    tuned = LNS_BY_CATALOGUE.get(sub.rules.catalogue, {})
    share = tuned.get("guide_share")
    if _lays_weekends(ctx, sub, opts, budget):  # the layout needs the LP converged
        share = tuned.get("layout_guide_share")
    elif _batched(tuned, len(ctx.x)):  # only with time for the dive the bound is there for
        dive_s = budget * tuned.get("batch_dive_share", 0.0)
        share = tuned.get("batch_guide_share") \
            if dive_s >= tuned.get("assign_dive_min_s", math.inf) else None
    if not share or sub.rules.catalogue not in BY_EMPLOYEE \
            or len(ctx.x) > tuned.get("guide_up_to", len(ctx.x)):
        return None
    from scheduler.bound import NotDecomposable, guide, lower_bound

    try:
        res = lower_bound(sub, profile, budget * share, workers=opts.workers, seed=opts.seed,
                          stop=opts.stop)
    except NotDecomposable:
        return None
    if res.bound is None or not all(res.pool):
        return None
    return guide(ctx, sub, res), res.bound, res


def _lays_weekends(ctx, sub: Instance, opts: SolveOptions, budget: float) -> bool:
    """Whether this part's first roster after the column generation comes from the weekend
    layout (scheduler/weekend_layout.py) instead of a dive: where asked for or, by default,
    where the catalogue asks for it (`layout_from` < decisions ≤ `layout_up_to`, and
    `layout_guide_share` of the budget is at least `layout_min_s`: Instance18's column
    generation converges in 160–280 s on 2 cores), and the weekends' cover outruns what the
    staff may work at weekends."""
    from scheduler.weekends_first import weekend_shortage

    tuned = LNS_BY_CATALOGUE.get(sub.rules.catalogue, {})
    if opts.layout is False or not tuned.get("layout_guide_share"):
        return False
    if opts.layout is None and not (
            _sized_for(ctx, "layout")
            and budget * tuned["layout_guide_share"] >= tuned.get("layout_min_s", 0.0)):
        return False
    return weekend_shortage(sub) > 0


def _layout(ctx, res, opts: SolveOptions) -> list[int] | None:
    """A start for the LNS from the weekend layout, where the column generation left a
    schedule for everyone (converged or not: the pick needs the pool and the duals)."""
    from scheduler.weekend_layout import weekend_layout

    if res.cg is None or not all(res.pool) or _stopped(opts):
        return None
    return weekend_layout(ctx, res.cg, seed=opts.seed, workers=opts.workers, stop=opts.stop)


def _dive(ctx, res, opts: SolveOptions, budget: float) -> list[int] | None:
    """A start for the LNS from the converged LP: the dive on single assignments
    (scheduler/bound.py `assignment_dive`) within `assign_dive_share` of the budget where that
    is at least `assign_dive_min_s` seconds, on models of up to `assign_dive_up_to` decisions,
    or batched within `batch_dive_share` from `batch_dive_from` decisions (cut short, its
    heaviest schedules so far); else, or where it did not finish, the schedule dives (`dive`)
    within `dive_share` on models of up to `dive_up_to`, one per lookahead of the catalogue's,
    the best kept; every variable's value, or None (no converged LP, or no dive finished in
    time)."""
    from scheduler.bound import assignment_dive, dive

    tuned = LNS_BY_CATALOGUE.get(ctx.instance.rules.catalogue, {})
    if not res.converged or res.cg is None:
        return None
    n, best = len(ctx.x), None
    batched = _batched(tuned, n)
    left = budget * tuned.get("batch_dive_share" if batched else "assign_dive_share", 0.0)
    if left >= tuned.get("assign_dive_min_s", 0.0) > 0 \
            and (batched or n <= tuned.get("assign_dive_up_to", 0)):
        best = assignment_dive(res.cg, left, seed=opts.seed, stop=opts.stop,
                               batch=tuned.get("batch_dive", 1) if batched else 1,
                               partial=batched)
    t_end = time.monotonic() + budget * tuned.get("dive_share", 0.0)
    schedule_dives = n <= tuned.get("dive_up_to", n) and best is None
    for look in tuned.get("dive_lookahead", (1,)) if schedule_dives else ():
        left = t_end - time.monotonic()
        if left < 1.0 or _stopped(opts):
            break
        got = dive(res.cg, left, lookahead=look, seed=opts.seed, stop=opts.stop)
        if got is not None and (best is None or got.value < best.value):
            best = got
    if best is None:
        return None
    values = {(e, d, s, u): True for e, plan in enumerate(best.plans) for d, s, u in plan}
    if not complete_hint(ctx, values):
        return None
    return list(ctx.model.Proto().solution_hint.values)


def _batched(tuned: dict, n: int) -> bool:
    """Whether a model of `n` decisions gets the batched assignment dive."""
    return n >= tuned.get("batch_dive_from", math.inf)


def _assignments(sub: Instance, x_values: dict) -> list[Assignment]:
    """The roster rows of decision values {(e, d, s, u): bool}."""
    return [Assignment(employee=sub.employees[e].id, date=sub.days[d], shift=s, unit=u)
            for (e, d, s, u), v in x_values.items() if v]


def _roster_fn(sub: Instance, done: list[Assignment], keys: list) -> Callable[[], Roster]:
    """The roster of the finished parts plus these decisions of the current part, on demand."""
    def make() -> Roster:
        return Roster(assignments=[*done, *(
            Assignment(employee=sub.employees[e].id, date=sub.days[d], shift=s, unit=u)
            for e, d, s, u in keys)])
    return make


def _on_solution(opts: SolveOptions, progress, history: list, t0: float, part: int, parts: int,
                 done_obj: float, done_bound: float, sub: Instance, done: list[Assignment],
                 events: list):
    """CP-SAT's solution callback for one part: history, progress, best roster so far."""
    def on_solution(obj: float, bound: float, keys: list | None) -> None:
        el = time.monotonic() - t0
        history.append((el, done_obj + obj, done_bound + bound))
        events.append((el, "cp-sat", done_obj + obj))
        if progress:
            roster = _roster_fn(sub, done, keys) if keys is not None else None
            progress(Progress(part, parts, done_obj + obj, done_bound + bound, el,
                              min(1.0, el / max(opts.time_limit, 1e-9)), roster=roster))
    return on_solution


def _on_sweep(opts: SolveOptions, progress, history: list, t0: float, part: int, parts: int,
              done_obj: float, sub: Instance, done: list[Assignment], events: list):
    """The sweep's rosters into the solve's history and progress, as the LNS's are."""
    def on_improve(values: dict, obj: int) -> None:
        el = time.monotonic() - t0
        history.append((el, done_obj + obj, float("nan")))
        events.append((el, "sweep", done_obj + obj))
        if progress:
            roster = _roster_fn(sub, done, [k for k, v in values.items() if v]) \
                if opts.keep_best else None
            progress(Progress(part, parts, done_obj + obj, None, el,
                              min(1.0, el / max(opts.time_limit, 1e-9)), roster=roster))
    return on_improve


def _hinted_start(ctx: EncodeContext) -> list[int] | None:
    """Every variable's value from the model's hint of the decisions, if that roster meets the
    hard rules: a unit's own earlier roster (a repair round) is taken as it is. CP-SAT's quick
    first-solution search drops it: region-1000's 24-hour unit u31, 137 open shifts after 2.7 s,
    got a new roster and 118 after 5 s more, against 0 in 5 s from the start."""
    hint = ctx.model.Proto().solution_hint
    if not len(hint.vars):
        return None
    given = dict(zip(hint.vars, hint.values, strict=True))
    values = {k: given.get(v.index, 0) for k, v in ctx.x.items()}
    if not any(values.values()) or not complete_hint(ctx, values, time_limit=5.0):
        return None
    return list(ctx.model.Proto().solution_hint.values)


def solve(instance: Instance, profile: Profile, options: SolveOptions | None = None,
          progress: Callable[[Progress], None] | None = None) -> SolveResult:
    opts = options or SolveOptions()
    decompose = opts.decompose if opts.decompose is not None else (
        len(instance.employees) > DECOMPOSE_ABOVE and len(instance.units) > 1
        and not opts.differ_from)
    if decompose:
        from scheduler.decompose import solve_decomposed

        return solve_decomposed(instance, profile, opts, progress, jobs=opts.jobs)
    from scheduler import weekends_first

    if weekends_first.applies(instance, opts):
        return weekends_first.solve_weekends_first(instance, profile, opts, progress, solve)
    t0 = time.monotonic()
    parts = components(instance)
    sizes = [max(1, len(emps)) for _, emps in parts]
    assignments: list[Assignment] = []
    done_obj = done_bound = 0.0
    history: list[tuple[float, float, float]] = []
    events: list[tuple[float, str, float]] = []
    status_all = "OPTIMAL"
    open_total: int | None = 0  # None once a part's roster was not checked here

    all_opts = opts
    for i, ((units, emps), size) in enumerate(zip(parts, sizes, strict=True), start=1):
        if _stopped(all_opts):
            # cancelled: the parts still to come get their first valid roster only, quickly,
            # so the roster handed back is complete
            opts = replace(all_opts, stop=None, first_only=True,
                           time_limit=time.monotonic() - t0 + 5.0 * len(parts))
        t_part = time.monotonic()
        sub = instance if len(parts) == 1 else sub_instance(instance, units, emps)
        remaining = max(1.0, opts.time_limit - (time.monotonic() - t0))
        share = sum(sizes[i - 1:])
        budget = remaining * size / share
        hint = opts.hint
        if hint is None and sub.reference_roster:
            hint = Roster(assignments=sub.reference_roster)
        phase2_budget = budget
        x_values: dict | None = None
        decisions = _count_decisions(sub)
        two_phase, subsolvers, lns_above = _plan(sub, opts, decisions)
        warm: EncodeContext | None = None
        if two_phase and hint is not None and not opts.first_only:
            # a valid previous roster is the start itself: no phase 1, the LNS improves it
            # (asked for a first roster only, phase 1 takes the hint as its start instead)
            probe = _build(sub, profile, opts)
            values = roster_values(probe, hint)
            if complete_hint(probe, values):
                warm, x_values = probe, values
        if two_phase and x_values is None and sub.rules.catalogue in BY_EMPLOYEE:
            from scheduler.construct import by_employee, prices_linearly, roster_objective, sweep

            t1 = time.monotonic()
            p1 = min(budget * 0.8, max(PHASE1_MIN_S, budget * CONSTRUCT_SHARE))
            people: list = []  # each person's hard model, for the sweeps
            built: Counter[str] = Counter()
            x_values = by_employee(sub, profile, p1, workers=opts.workers, seed=opts.seed,
                                   people=None if opts.first_only else people, stats=built)
            # the whole model (built, its hint checked, the LNS set up) costs about this much;
            # where the part's budget no longer covers it, the roster is finished one person at
            # a time and handed back as it is (Instance24 at 60 s: construction ~85 s, then 31 s
            # to build and 26 s to start the LNS, for 0.2 % gain)
            left = budget - (time.monotonic() - t_part)
            whole_s = WHOLE_MODEL_COST * decisions * built["build_s"] / max(1, built["decisions"])
            no_whole = x_values is not None and (opts.first_only or left < whole_s)
            if x_values is not None and people and (
                    no_whole or sweeps_pay(decisions, len(sub.employees), budget)):
                swept = _on_sweep(opts, progress, history, t0, i, len(parts), done_obj, sub,
                                  list(assignments), events)
                sweep_s = left if no_whole else budget * SWEEP_SHARE - (time.monotonic() - t1)
                x_values, _ = sweep(sub, profile, x_values, people, max(0.0, sweep_s),
                                    workers=opts.workers, seed=opts.seed, stop=opts.stop,
                                    on_improve=swept)
            people.clear()  # the people's models are large on a 364-day instance
            if no_whole:
                part = _assignments(sub, x_values)
                assignments.extend(part)
                # the checker takes ~60 s on Instance24; head counts price a linear objective
                done_obj += (roster_objective(sub, profile, x_values)
                             if prices_linearly(profile)
                             else check_roster(sub, Roster(assignments=part), profile).objective)
                done_bound = float("nan")
                open_total = None
                status_all = "FEASIBLE"
                history.append((time.monotonic() - t0, done_obj, float("nan")))
                events.append((time.monotonic() - t0, "construction", done_obj))
                if progress:
                    el = time.monotonic() - t0
                    progress(Progress(i, len(parts), done_obj, None, el,
                                      min(1.0, el / max(opts.time_limit, 1e-9))))
                continue
            phase2_budget = max(1.0, budget - (time.monotonic() - t1))
        if two_phase and x_values is None:  # whole hard model (also if a person had no roster)
            t1 = time.monotonic()
            p1 = min(budget * 0.8, max(PHASE1_MIN_S, budget * PHASE1_SHARE))
            if opts.first_only:
                p1 = budget
            st1, x_values = _phase1(sub, profile, opts, p1, hint)
            if st1 == "INFEASIBLE":
                return SolveResult(status=st1, roster=None, objective=None, bound=None,
                                   wall_time=time.monotonic() - t0, parts=len(parts))
            if opts.first_only and x_values is not None:
                part = _assignments(sub, x_values)
                assignments.extend(part)
                rep = check_roster(sub, Roster(assignments=part), profile)
                done_obj += rep.objective
                if open_total is not None:
                    open_total += rep.kpis.get("open_shifts", 0)
                history.append((time.monotonic() - t0, done_obj, float("nan")))
                events.append((time.monotonic() - t0, "phase 1", done_obj))
                status_all = "FEASIBLE"
                continue
            phase2_budget = max(1.0, budget - (time.monotonic() - t1))
        open_total = None  # this part's roster comes from phase 2, unchecked here
        ctx = warm or _build(sub, profile, opts, hint=hint if x_values is None else None)
        # what is left of the part's budget once its models are built (seconds for a 35-person
        # unit's full model in Python)
        phase2_budget = min(phase2_budget, max(1.0, budget - (time.monotonic() - t_part)))
        solver = _solver(opts, phase2_budget)
        for name in subsolvers:
            solver.parameters.subsolvers.append(name)
        hinted = warm is not None or (x_values is not None and complete_hint(ctx, x_values))
        if hinted and len(ctx.x) > lns_above:
            obj, part, lns_bound = _lns_phase(ctx, sub, profile, opts, t0, phase2_budget, i,
                                              len(parts), done_obj, done_bound, history,
                                              progress, list(assignments), events)
            assignments.extend(part)
            done_obj += obj
            status_all = "OPTIMAL" if status_all == "OPTIMAL" and obj == lns_bound \
                else "FEASIBLE"
            done_bound += float("nan") if lns_bound is None else lns_bound
            continue

        on_solution = _on_solution(opts, progress, history, t0, i, len(parts), done_obj,
                                   done_bound, sub, list(assignments), events)
        with _Watch(solver, opts.stop):
            code = solver.Solve(ctx.model,
                                _Callback(on_solution, ctx.x if opts.keep_best else None))
        st = _status_name(code)
        if st not in ("OPTIMAL", "FEASIBLE") and x_values is not None:
            # phase 2 found nothing better in time: the phase-1 roster is valid, keep it
            part = _assignments(sub, x_values)
            assignments.extend(part)
            done_obj += check_roster(sub, Roster(assignments=part), profile).objective
            # the roster handed back has a point in the history like any other
            history.append((time.monotonic() - t0, done_obj, float("nan")))
            events.append((time.monotonic() - t0, "phase 1", done_obj))
            status_all = "FEASIBLE"
            continue
        if st not in ("OPTIMAL", "FEASIBLE"):
            return SolveResult(status=st, roster=None, objective=None, bound=None,
                               wall_time=time.monotonic() - t0, parts=len(parts),
                               history=history, events=sorted(events))
        if st == "FEASIBLE":
            status_all = "FEASIBLE"
        # the objective of the returned solution, term by term (CP-SAT's ObjectiveValue() was seen
        # to differ from its own solution's terms under a time limit; the checker is the truth)
        done_obj += sum(w * (int(a) if isinstance(a, (bool, int)) else solver.Value(a))
                        for w, a, _ in ctx.objective_terms)
        done_bound += solver.BestObjectiveBound()
        for (e, d, s, u), var in ctx.x.items():
            if solver.BooleanValue(var):
                assignments.append(Assignment(employee=sub.employees[e].id, date=sub.days[d],
                                              shift=s, unit=u))
        if progress:
            el = time.monotonic() - t0
            progress(Progress(i, len(parts), done_obj, done_bound, el,
                              min(1.0, el / max(opts.time_limit, 1e-9))))

    bound = None if done_bound != done_bound else done_bound  # NaN: a part had no bound (LNS)
    return SolveResult(status=status_all, roster=Roster(assignments=assignments),
                       objective=done_obj, bound=bound, wall_time=time.monotonic() - t0,
                       parts=len(parts), history=history, events=sorted(events),
                       open_shifts=open_total)
