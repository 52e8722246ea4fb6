"""A proven lower bound by column generation (Dantzig–Wolfe over employees).

Where no hard rule links two employees (the Curtois & Qu catalogue: only the weighted cover does),
a roster is one schedule per employee, and the best roster's cost is at least the value of the
linear programme that picks a convex mix of schedules per employee against the cover rows. That
LP is far tighter than CP-SAT's own relaxation: on Instance8 it is 1296.6 (best known 1300)
where CP-SAT's root bound is about 1075 and its LNS sub-models prove nothing. So a planner gets a
true gap ("at most x % from the best possible"), and a solve may stop once it reaches the bound.

The master LP (GLOP) holds the schedules found so far; each employee's pricing problem is that
employee's own model (`build_model` on a one-employee instance: every rule, the employee's own
soft terms) with the cover duals as rewards, solved by CP-SAT. The bound reported is the
Lagrangian one, valid after every iteration, not only at convergence:
L(π) = Σ_r π_r·target_r + Σ_e min over e's schedules of (own cost − Σ_r π_r·works_r), for any π
with −weight_over ≤ π_r ≤ weight_under; the inner minima come from CP-SAT's proven bounds.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from constraints.context import EncodeContext
from instances.models import Assignment, Instance, Profile, Roster
from scheduler.construct import residual_instance
from scheduler.lns import Guide
from scheduler.model import build_model

COUPLING_RULE = "cover_weights"  # the only rule whose terms count several employees
DUAL_SCALE = 1000  # duals are rounded to 1/1000 in the pricing objective (CP-SAT is integral)
PRICING_S = 5.0  # per pricing solve; a timed-out one still gives a valid (weaker) bound
EPS = 1e-6
# Dual smoothing (Wentges): each pass prices at this mix of the duals of the best Lagrangian
# bound so far and the master's own, which damps the duals' swings between passes. Time to
# convergence, 2 cores, the master's duals only → smoothed (benchmarks/README.md, thirty-fourth
# session): Instance8 22 → 17 s, 12 50 → 41 s, 14 41 → 33 s, 18 163 → 129 s; 9, 10, 16 and 17
# within a second or two; the same LP and bound. 0.8 took Instance18 138 s (a prototype).
SMOOTHING = 0.5

Row = tuple[str, int, str, str | None]  # unit, day, shift, competence
Plan = tuple[tuple[int, str, str], ...]  # one employee's schedule: (day, shift, unit) worked


class NotDecomposable(ValueError):
    """The instance has rules that link employees beyond the weighted cover."""


@dataclass
class BoundResult:
    bound: int | None  # the proven lower bound on the objective (ceil of `lagrangian`); None:
    # the time ran out before every employee's first schedule
    lagrangian: float  # the best Lagrangian bound found
    lp: float  # the last master LP value (an upper limit on what more iterations could prove)
    iterations: int
    columns: int  # schedules generated
    converged: bool  # no schedule can lower the LP any more (or the bound already equals it)
    elapsed: float
    # per employee, the schedules generated: (own cost, cover rows worked)
    pool: list[list[tuple[int, frozenset[Row]]]] = field(default_factory=list, repr=False)
    duals: dict[Row, float] = field(default_factory=dict, repr=False)  # the last master's
    cg: ColumnGeneration | None = field(default=None, repr=False)  # to dive from


@dataclass
class _Cover:
    target: int
    under: int  # cost of one person short
    over: int  # cost of one person in excess


class _Pricing:
    """One employee's own model: schedules, their own cost, and the cover rows they work."""

    def __init__(self, instance: Instance, index: int, profile: Profile,
                 rows: dict[Row, _Cover]):
        one = residual_instance(instance, index, Counter())
        self.name = instance.employees[index].id
        self.ctx: EncodeContext = build_model(one, profile)
        comps = set(instance.employees[index].competences)
        self.own = [(w, a) for w, a, rule in self.ctx.objective_terms if rule != COUPLING_RULE]
        self.works: dict[Row, list] = defaultdict(list)  # cover row -> literals that count
        by_slot: dict[tuple[str, int, str], list[str | None]] = defaultdict(list)
        for uu, dd, ss, c in rows:  # one pass, not one scan of every row per decision
            by_slot[(uu, dd, ss)].append(c)
        for (_e, d, s, u), var in self.ctx.x.items():
            for c in by_slot.get((u, d, s), ()):
                if c is None or c in comps:
                    self.works[(u, d, s, c)].append(var)
        self.own_expr = sum(w * a for w, a in self.own)

    def solve(self, pi: dict[Row, int], seed: int,
              deadline: float) -> tuple[float, int, frozenset[Row], Plan] | None:
        """(proven lower bound, own cost, rows worked, shifts) of the best schedule against
        scaled duals `pi`; None if CP-SAT found no schedule in time."""
        reward = [(p, v) for r, p in pi.items() if p for v in self.works.get(r, ())]
        self.ctx.model.Minimize(DUAL_SCALE * self.own_expr - sum(p * v for p, v in reward))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        # the run and weekend rows in the LP: 0.03 s instead of 0.27 s per Instance16 employee
        solver.parameters.linearization_level = 2
        solver.parameters.max_time_in_seconds = max(0.05, min(PRICING_S,
                                                              deadline - time.monotonic()))
        solver.parameters.random_seed = seed
        code = solver.Solve(self.ctx.model)
        if code == cp_model.INFEASIBLE:
            raise NotDecomposable(f"{self.name}: no schedule meets this employee's hard rules")
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        rows = frozenset(r for r, lits in self.works.items()
                         if any(solver.BooleanValue(v) for v in lits))
        own = int(solver.Value(self.own_expr)) if self.own else 0
        plan = tuple((d, sh, u) for (_e, d, sh, u), v in self.ctx.x.items()
                     if solver.BooleanValue(v))
        return solver.BestObjectiveBound(), own, rows, plan


def cover_rows(instance: Instance, profile: Profile) -> dict[Row, _Cover]:
    rows: dict[Row, _Cover] = {}
    for dm in instance.demand:
        wu, wo = dm.weight_under or 0, dm.weight_over or 0
        if wu == 0 and wo == 0:
            continue
        d = instance.day_index(dm.date)
        if 0 <= d < instance.n_days:
            rows[(dm.unit, d, dm.shift, dm.competence)] = _Cover(
                dm.target or 0, profile.cover * wu, profile.cover * wo)
    return rows


class ColumnGeneration:
    """The master LP's schedules and every employee's pricing model, kept between calls: the
    bound's iterations and a dive (`dive`) continue from the same pool."""

    def __init__(self, instance: Instance, profile: Profile, workers: int = 2):
        from scheduler.solve import BY_EMPLOYEE

        if instance.rules.catalogue not in BY_EMPLOYEE or any(dm.minimum
                                                               for dm in instance.demand):
            raise NotDecomposable(
                f"{instance.name}: hard rules link employees (minimum staffing), so the roster "
                "is not one independent schedule per employee; no column-generation bound")
        self.rows = cover_rows(instance, profile)
        self.n = len(instance.employees)
        self.workers = max(1, workers)
        self.pricing = [_Pricing(instance, i, profile, self.rows) for i in range(self.n)]
        self.cols: list[list[tuple[int, frozenset[Row]]]] = [[] for _ in range(self.n)]
        self.plans: list[list[Plan]] = [[] for _ in range(self.n)]  # beside `cols`

    def price(self, pi: dict[Row, float], seed: int, deadline: float,
              fixed: Collection[int] = (), lp_value: float = math.inf,
              ) -> tuple[float | None, int]:
        """One pricing pass over the employees not in `fixed`, against the duals `pi`: (the
        Lagrangian bound, valid only with nobody fixed and every pricing solved, else None;
        the schedules added)."""
        rows = self.rows
        scaled = {r: round(DUAL_SCALE * min(rows[r].under, max(-rows[r].over, p)))
                  for r, p in pi.items()}
        mu = _mu(self.cols, scaled, lp_value)
        todo = [i for i in range(self.n) if i not in fixed]
        with ThreadPoolExecutor(self.workers) as pool:
            got = list(pool.map(lambda i: self.pricing[i].solve(scaled, seed + i, deadline),
                                todo))
        lag = None
        if not fixed and all(g is not None for g in got):
            lag = (sum(scaled[r] * c.target for r, c in rows.items())
                   + sum(g[0] for g in got)) / DUAL_SCALE
        added = 0
        for i, g in zip(todo, got, strict=True):
            if g is None:
                continue
            _bound, own, worked, plan = g
            reduced = DUAL_SCALE * own - sum(scaled.get(r, 0) for r in worked)
            if not self.cols[i] or (reduced < mu[i] - 1 and (own, worked) not in self.cols[i]):
                self.cols[i].append((own, worked))
                self.plans[i].append(plan)
                added += 1
        return lag, added

    def master(self, fixed: dict[int, int] | None = None
               ) -> tuple[float, dict[Row, float], list[list[float]]]:
        return _master(self.cols, self.rows, fixed)


def lower_bound(instance: Instance, profile: Profile, time_limit: float = 120.0, *,
                workers: int = 2, seed: int = 0, stop: Callable[[], bool] | None = None,
                smoothing: float | None = None) -> BoundResult:
    """Column generation for at most `time_limit` seconds (or until `stop()`, checked between
    iterations); the best proven bound so far. `smoothing`: the dual smoothing's weight
    (None: `SMOOTHING`; 0: price at the master's duals only)."""
    t0 = time.monotonic()
    deadline = t0 + time_limit
    cg = ColumnGeneration(instance, profile, workers)
    cols = cg.cols
    pi: dict[Row, float] = dict.fromkeys(cg.rows, 0.0)  # start: each one's own best schedule
    center: dict[Row, float] | None = None  # the duals of the best Lagrangian bound so far
    best_l, lp_value, it, converged = -math.inf, math.inf, 0, False
    smoothing = SMOOTHING if smoothing is None else smoothing
    alpha = smoothing
    while True:
        it += 1
        exact = center is None or alpha == 0  # pricing at the master's own duals
        sep = pi if exact else {r: alpha * center[r] + (1 - alpha) * p for r, p in pi.items()}
        lag, added = cg.price(sep, seed, deadline, lp_value=lp_value)
        complete = lag is not None  # else someone's pricing ran out of time
        if complete and lag > best_l:
            best_l, center = lag, sep
        out_of_time = time.monotonic() >= deadline or bool(stop and stop())
        if not all(cols):  # someone has no schedule yet: the master has no solution
            if out_of_time:
                break
            continue
        lp_value, pi, _lam = cg.master()
        if (complete and added == 0 and exact) \
                or math.ceil(best_l - EPS) >= math.ceil(lp_value - EPS):
            converged = True
            break
        if out_of_time:
            break
        # nothing entered at the smoothed duals (a mis-price): the next pass prices at the
        # master's own, where nothing entering proves the LP converged
        alpha = smoothing if added else 0.0
    bound = math.ceil(best_l - EPS) if best_l > -math.inf else None
    return BoundResult(bound, best_l, lp_value, it, sum(map(len, cols)),
                       converged, time.monotonic() - t0, cols, pi, cg)


@dataclass
class Dive:
    value: int  # the roster's objective (own costs plus the cover's); not so where not `whole`
    plans: list[Plan]  # per employee, the schedule chosen
    whole: bool = True  # False: cut short, each employee's heaviest schedule in the LP so far

    def roster(self, instance: Instance) -> Roster:
        return Roster(assignments=[
            Assignment(employee=emp.id, date=instance.days[d], shift=s, unit=u)
            for emp, plan in zip(instance.employees, self.plans, strict=True)
            for d, s, u in plan])


# A dive re-prices the employees still free after each fixing, at most this many passes (the
# pool then has the schedules that fit those already fixed).
DIVE_PASSES = 10
FIX_AT = 0.99  # schedules the LP already picks whole are fixed together, in one step


def dive(cg: ColumnGeneration, time_limit: float, *, lookahead: int = 1, seed: int = 0,
         stop: Callable[[], bool] | None = None) -> Dive | None:
    """A roster from the LP (price and dive): fix the schedules the LP picks whole; else the
    one of the `lookahead` largest fractional ones whose fixing raises the master LP least;
    re-price the others; repeat until everyone has a schedule. None if time runs out first.

    Where the LP is tight this lands near the optimum fast. Curtois & Qu Instance16 (LP 3223.5)
    came to 3225, the best known value, in 105 s after the bound, with lookahead 5, where the
    LNS had stopped at 3331 after 600 s; Instance8 came to 1305 with lookahead 1 (best known
    1300, LNS 1320). Which lookahead wins differs by instance, so a solve tries both.
    """
    deadline = time.monotonic() + time_limit
    fixed: dict[int, int] = {}
    value, pi, lam = cg.master(fixed)
    while len(fixed) < cg.n:
        for k in range(DIVE_PASSES):
            if time.monotonic() >= deadline or (stop and stop()):
                return None
            if cg.price(pi, seed + 7919 * k, deadline, fixed, value)[1] == 0:
                break
            value, pi, lam = cg.master(fixed)
        free = sorted(((lam[i][k], i, k) for i in range(cg.n) if i not in fixed
                       for k in range(len(cg.cols[i]))), reverse=True)
        whole = {i: k for v, i, k in free if v >= FIX_AT}
        if not whole:
            trials = [(cg.master({**fixed, i: k})[0], -v, i, k) for v, i, k in free[:lookahead]]
            _val, _v, i, k = min(trials)
            whole = {i: k}
        for i, k in whole.items():
            fixed.setdefault(i, k)
        value, pi, lam = cg.master(fixed)
    return Dive(round(value), [cg.plans[i][fixed[i]] for i in range(cg.n)])


Cell = tuple[int, int, str, str]  # employee, day, shift, unit: one assignment


def assignment_dive(cg: ColumnGeneration, time_limit: float, *, seed: int = 0,
                    batch: int = 1, partial: bool = False,
                    stop: Callable[[], bool] | None = None) -> Dive | None:
    """A roster from the LP by fixing single assignments, not whole schedules (after
    Strandmark, Qu & Curtois 2020): re-converge the column generation with the fixings as
    domains of the pricing models, then fix to 1 the fractional assignment of the scarcest
    shift type (the largest summed cover duals) that the LP takes most; repeat until the LP is
    integral. A fixing no schedule can meet is turned to 0. None if time runs out first.

    Fixing a schedule whole decides all of an employee's days on the strength of one; the LP
    then moves little per step and the scarce shifts (Instance8's nights, where every 12th
    night stays open) are laid first, around which the rest re-prices. Instance8, 2 cores:
    1302, 1303, 1306 (seeds 0–2) 125–190 s after the converged LP, where the schedule dives
    end at 1400–1600 and the 600-s LNS at 1303–1310 (benchmarks/README.md, forty-fourth
    session); with each LNS roster's nights held, the LP is within one of that roster's value.

    `batch` > 1 fixes up to that many at once (the next ones in the same order, one a day per
    employee) while that keeps the LP's rounded-up value; a batch that raises it, or that no
    roster meets, is undone down to its first fixing and the next batch is half as large
    (doubling again after a whole batch holds), and each step re-prices only until the
    Lagrangian bound proves the LP's rounded-up value. Instance12 starts with 2112 fractional
    assignments where its LP is already the optimum (4040): one at a time did not finish in
    600 s; in batches of 8, 4040 in 491 s, and 346 s with the rounded stop (benchmarks/README.md,
    forty-fifth session). `partial`: out of time after a first step, not None but each
    employee's heaviest schedule in the latest LP (`whole` False; its value is that LP's), so
    that a search after it does not start from nothing (Instance12, seed 1: the dive needed
    520 s, and the LNS left 20 s from the first roster ended at 5860).
    """
    deadline = time.monotonic() + time_limit
    heaviest: Dive | None = None
    pool, domains = _pool(cg), _domains(cg)
    fixed: dict[Cell, int] = {}
    pi = dict.fromkeys(cg.rows, 0.0)
    rank: dict[str, int] | None = None
    last: list[Cell] = []  # the latest batch of fixings, in the order chosen
    size, ceiling = max(1, batch), math.inf
    try:
        while True:
            got = _reconverge(cg, pool, domains, fixed, pi, seed, deadline, stop,
                              ceiling=ceiling if len(last) > 1 else math.inf,
                              rounded=batch > 1)
            if got is None:
                return heaviest if partial else None
            if isinstance(got, str) and len(last) > 1:  # undo the batch but its first
                for cell in last[1:]:
                    del fixed[cell]
                size, last = max(1, len(last) // 2), last[:1]
                continue
            if got == "infeasible":
                if not last or fixed[last[0]] == 0:
                    return None
                fixed[last[0]] = 0
                continue
            value, pi, lam = got
            if partial:
                heaviest = Dive(round(value), [max(zip(lam[i], cg.plans[i], strict=False))[1]
                                               for i in range(cg.n)], whole=False)
            if len(last) == size < batch:
                size = min(batch, 2 * size)
            ceiling = math.ceil(value - EPS)
            if rank is None:
                rank = _scarcest_first(pi)
            worked: dict[Cell, float] = defaultdict(float)
            for i in range(cg.n):
                for weight, plan in zip(lam[i], cg.plans[i], strict=True):
                    if weight > EPS:
                        for d, s, u in plan:
                            worked[(i, d, s, u)] += weight
            frac = [(c, v) for c, v in worked.items() if EPS < v < 1 - EPS]
            if not frac:  # every assignment whole: one schedule per employee
                plans = [next(p for w, p in zip(lam[i], cg.plans[i], strict=True) if w > 0.5)
                         for i in range(cg.n)]
                return Dive(round(value), plans)
            frac.sort(key=lambda cv: (rank.get(cv[0][2], len(rank)), -cv[1]))
            days: set[tuple[int, int]] = set()
            last = []
            for c, _v in frac:
                if (c[0], c[1]) not in days and len(last) < size:
                    days.add((c[0], c[1]))
                    last.append(c)
                    fixed[c] = 1
    finally:  # the pool and the pricing models as they were, with what was priced on the way
        for dom, (lo, hi) in domains.values():
            dom[0], dom[1] = lo, hi
        cg.cols = [[c for c, _p in pool[i]] for i in range(cg.n)]
        cg.plans = [[p for _c, p in pool[i]] for i in range(cg.n)]


def _pool(cg: ColumnGeneration) -> list[list[tuple[tuple[int, frozenset[Row]], Plan]]]:
    """Every schedule priced so far, per employee, with its plan."""
    return [list(zip(cg.cols[i], cg.plans[i], strict=True)) for i in range(cg.n)]


def _domains(cg: ColumnGeneration) -> dict:
    """Every pricing decision's domain in its model, with its bounds as built: a fixing is a
    domain, so it can be undone (CP-SAT constraints cannot be taken out of a model)."""
    out = {}
    for i, p in enumerate(cg.pricing):
        for (_e, d, s, u), var in p.ctx.x.items():
            dom = p.ctx.model.Proto().variables[var.Index()].domain
            out[(i, d, s, u)] = (dom, (dom[0], dom[1]))
    return out


def _scarcest_first(pi: dict[Row, float]) -> dict[str, int]:
    """Shift types ranked by the summed positive duals of their cover rows, scarcest first."""
    total: dict[str, float] = defaultdict(float)
    for (_u, _d, s, _c), p in pi.items():
        total[s] += max(p, 0.0)
    return {s: k for k, s in enumerate(sorted(total, key=lambda s: -total[s]))}


def _reconverge(cg: ColumnGeneration, pool: list[list[tuple[tuple[int, frozenset[Row]], Plan]]],
                domains: dict, fixed: dict[Cell, int], pi: dict[Row, float], seed: int,
                deadline: float, stop: Callable[[], bool] | None, ceiling: float = math.inf,
                rounded: bool = False):
    """The master over the pooled schedules that meet `fixed`, priced to convergence with the
    fixings as pricing domains: (LP value, duals, weights); "infeasible" where some employee has
    no schedule that meets them; "raised" as soon as the Lagrangian bound (valid under the
    fixings) or the converged LP is above `ceiling`; None out of time. New schedules join
    `pool`. `rounded`: done once the Lagrangian bound proves the LP's rounded-up value (the
    weights are then those of the master over what was priced so far)."""
    want: dict[int, dict[tuple[int, str, str], int]] = defaultdict(dict)
    for (i, d, s, u), v in fixed.items():
        want[i][(d, s, u)] = v
    for cell, (dom, (lo, hi)) in domains.items():
        v = fixed.get(cell)
        dom[0], dom[1] = (lo, hi) if v is None else (max(lo, v), min(hi, v))
    fits = [[(c, p) for c, p in pool[i]
             if all((cell in p) == bool(v) for cell, v in want[i].items())]
            for i in range(cg.n)]
    cg.cols = [[c for c, _p in f] for f in fits]
    cg.plans = [[p for _c, p in f] for f in fits]
    value = math.inf
    lam: list[list[float]] = []
    while True:
        if time.monotonic() >= deadline or (stop and stop()):
            return None
        if all(cg.cols):
            value, pi, lam = cg.master()
        before = [len(c) for c in cg.cols]
        try:
            lag, added = cg.price(pi, seed, deadline, lp_value=value)
        except NotDecomposable:
            return "infeasible"
        for i in range(cg.n):
            pool[i].extend(zip(cg.cols[i][before[i]:], cg.plans[i][before[i]:], strict=True))
        if lag is not None and lag > ceiling + EPS:
            return "raised"
        if lag is not None and lam and (added == 0 or (
                rounded and math.ceil(lag - EPS) >= math.ceil(value - EPS))):
            if added:
                value, pi, lam = cg.master()
            return (value, pi, lam) if value <= ceiling + EPS else "raised"


def guide(ctx: EncodeContext, instance: Instance, result: BoundResult) -> Guide:
    """The LP's cover duals on the whole model's decisions, for the LNS's guided kind."""
    by_slot: dict[tuple[str, int, str], list[tuple[str | None, float]]] = defaultdict(list)
    for (u, d, s, c), p in result.duals.items():
        if abs(p) > EPS:
            by_slot[(u, d, s)].append((c, p))
    comps = [set(e.competences) for e in instance.employees]
    reward: dict[int, float] = {}
    for (e, d, s, u), var in ctx.x.items():
        r = sum(p for c, p in by_slot.get((u, d, s), ()) if c is None or c in comps[e])
        if r:
            reward[var.index] = r
    sigma = [min((own - sum(result.duals.get(r, 0.0) for r in worked) for own, worked in cols),
                 default=0.0) for cols in result.pool]
    return Guide(reward, sigma)


def _mu(cols: list[list[tuple[int, frozenset[Row]]]], scaled: dict[Row, int],
        lp_value: float) -> list[float]:
    """Per employee, the scaled reduced cost of its best schedule so far under `scaled`: a new
    schedule enters only if it beats that (so a converged master adds nothing)."""
    if math.isinf(lp_value):
        return [math.inf] * len(cols)
    return [min(DUAL_SCALE * own - sum(scaled.get(r, 0) for r in worked)
                for own, worked in c) if c else math.inf for c in cols]


def _master(cols: list[list[tuple[int, frozenset[Row]]]], rows: dict[Row, _Cover],
            fixed: dict[int, int] | None = None
            ) -> tuple[float, dict[Row, float], list[list[float]]]:
    """The master LP over the schedules so far, with the employees in `fixed` held to one of
    theirs: its value, the cover rows' duals and each schedule's weight.

    Built coefficient by coefficient, not from expression sums: on Instance12's dive the
    expression API took more time than GLOP's solve (47 s against 36 s of a 150-s dive); the
    model, and so the vertex GLOP returns, is the same (variables: the schedules, then each
    row's shortfall and excess; rows: one per employee, then the cover rows)."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    fixed = fixed or {}
    convex = [lp.Constraint(1, 1) for _ in cols]
    cover = {r: lp.Constraint(cv.target, cv.target) for r, cv in rows.items()}
    objective = lp.Objective()
    lam = []
    for i, c in enumerate(cols):
        k = fixed.get(i)
        ls = []
        for j, (own, worked) in enumerate(c):
            v = lp.NumVar(0, 1, "") if k is None else lp.NumVar(float(j == k), float(j == k), "")
            convex[i].SetCoefficient(v, 1)
            for r in worked:
                row = cover.get(r)
                if row is not None:
                    row.SetCoefficient(v, 1)
            objective.SetCoefficient(v, own)
            ls.append(v)
        lam.append(ls)
    for r, cv in rows.items():
        under, over = lp.NumVar(0, lp.infinity(), ""), lp.NumVar(0, lp.infinity(), "")
        cover[r].SetCoefficient(under, 1)
        cover[r].SetCoefficient(over, -1)
        objective.SetCoefficient(under, cv.under)
        objective.SetCoefficient(over, cv.over)
    objective.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the master LP has no optimum (it always should: slack rows)")
    return (objective.Value(), {r: c.dual_value() for r, c in cover.items()},
            [[v.solution_value() for v in ls] for ls in lam])
