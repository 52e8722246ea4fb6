"""Large-neighbourhood search over employees and day windows, on top of CP-SAT.

Each round frees the decisions of a neighbourhood — a few employees over the whole period, or every
employee over a window of days, or a group of employees over a window — fixes every other decision
to the incumbent, and lets CP-SAT re-optimise the rest from a complete hint. Because every hard
rule is in the model, every accepted roster is valid; the incumbent is only replaced by a
strictly better one, so the best roster so far is always at hand. Neighbourhood sizes adapt: a
sub-problem solved to optimality grows the next one, a timed-out one shrinks it.

With `threads` > 1 several rounds run at once, each on its own neighbourhood with one CP-SAT
worker (CP-SAT releases the GIL while it searches): on Curtois & Qu Instance8 two one-worker
rounds in parallel did twice the rounds of one two-worker round in the same time. A round that
started from an older incumbent is kept only if it beats the newest one. With `adaptive`, the
kind of neighbourhood is drawn in proportion to how often it improved lately.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from constraints.context import EncodeContext
from scheduler.mip import SideLink
from scheduler.submodel import SHARED, CompactModels, Structure

KINDS = ("employees", "window", "block")
# "hot": a window around one of the incumbent's penalties (an unmet wish, a cover shortfall),
# over its employee and a third of the others, or over everyone when the penalty is shared
# "guided": employees drawn in proportion to how far the incumbent's schedule is from the best
# one under the cover duals of the column-generation LP (scheduler/bound.py), full period
# "pair": PAIR_EMPLOYEES employees over a short window, as a compact sub-model solved to
# optimality in tens of milliseconds without the LP; the window grows while rounds stay that
# fast and shrinks when they do not
ALL_KINDS = (*KINDS, "hot", "guided", "pair")
PAIR_EMPLOYEES = 2
PAIR_WINDOW = 10  # days, the first pair round's window
PAIR_WINDOW_MIN = 3
PAIR_ROUND_S = 0.3  # a pair round's wall-time cap
PAIR_GROW_BELOW_S = 0.06  # an optimal pair round faster than this widens the window by a day
PAIR_SHRINK_ABOVE_S = 0.12  # a slower one, or one not solved to optimality, narrows it
EVEN_WINDOWS = True  # every day as often in a round's window (see `_Search.span`)
# Share of pair rounds that free an employee whose wish, strong overload or hours term is paid,
# over that term's days (`_Search.hot_pair`). Region-300's units, 30 s, one core, 3 seeds:
# 211.12 M against 212.55 M (15 runs of 15 better), strong overloads 1 against 21, wishes 95.6 %
# against 91.8 %; 0.3 of the rounds: 212.17 M, 11 (benchmarks/README.md, twenty-fifth session).
PAIR_HOT = 0.6
PAIR_HOT_TERMS = frozenset({"wish", "burden_strong", "hours_outside_kpi"})
# A paid term of these frees its employee over the whole period, with a colleague who works one
# of the same shift types over all of the term's days: a strong overload left late in a region's
# search is a single working day between a leave and a day-off wish, or a night worker's 70-h
# block, and undoing it moves the owner's hours to another week. Region-300's u11 after 180 s:
# 12 pair rounds over an 11-day window (2–6 people, solved to optimality) and a 60-s round over
# the whole unit kept it; the owner over the period with one colleague undid it in 0.5 s. Over
# every KPI term this costs rounds: 211.98 M against 211.26 M on region-300's units (30 s, 15
# runs; benchmarks/README.md, twenty-sixth session).
PAIR_WHOLE_TERMS = frozenset({"burden_strong"})
# Share of hot pair rounds that go to such a term while the incumbent pays one (the others draw
# among all paid terms): a unit has one or two strong overloads beside tens of unmet wishes, and
# the county's target is none. Five of region-300's units, 30 s, seeds 0–3, each pair of runs
# side by side: strong overloads 0 against 4 in 20 runs, 281.99 M against 282.12 M (twenty-
# seventh session).
PAIR_WHOLE_FIRST = 0.5


@dataclass
class Guide:
    """Cover duals in the model's terms: per decision, the dual value of the cover rows it
    counts in; per employee, the best (own cost − duals) over the schedules the LP knows."""

    reward: dict[int, float]  # decision's variable index -> Σ duals of its rows
    sigma: list[float]  # per employee


@dataclass
class LnsStats:
    rounds: int = 0
    improved: int = 0
    optimal: int = 0
    sideways: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [rounds, improved]
    by_lp: dict[int, list[int]] = field(default_factory=dict)  # LP level -> [rounds, gained]
    seconds: dict[str, float] = field(default_factory=dict)  # kind -> wall time of its rounds
    bound: int | None = None  # a lower bound the side search proved (scheduler/mip.py)
    side: int = 0  # incumbents that came from the side search
    # every better incumbent: (time.monotonic(), where from, its true objective); where from is
    # the round's kind, or "highs" for the side search's: what each technique bought
    events: list[tuple[float, str, int]] = field(default_factory=list)


class ObjectiveEval:
    """The model's objective (or `expr`) as {variable index: coefficient} + constant, to score
    assignments."""

    def __init__(self, ctx: EncodeContext, expr=None):
        from ortools.sat.python import cp_model_helper as cmh

        flat = cmh.FlatIntExpr(ctx.objective() if expr is None else expr)
        coeffs: dict[int, int] = defaultdict(int)
        for v, c in zip(flat.vars, flat.coeffs, strict=True):
            coeffs[v.index] += c
        self.offset = flat.offset
        # a C-level gather and a dot product: pair rounds score ~20 rosters a second, and the
        # Python sum over a ward's ~20 k terms took 6 ms of each
        self._idx = list(coeffs)
        self._coeffs = np.fromiter(coeffs.values(), dtype=np.int64, count=len(coeffs))

    def __call__(self, values: list[int]) -> int:
        got = np.fromiter(map(values.__getitem__, self._idx), dtype=np.int64,
                          count=len(self._idx))
        return self.offset + int(self._coeffs @ got)


def _draw(weights: dict, rng: random.Random):
    """A key of `weights`, drawn in proportion to its weight."""
    r = rng.random() * sum(weights.values())
    for key, w in weights.items():
        r -= w
        if r <= 0:
            return key
    return key


class _Search:
    """The shared state of one LNS run: incumbent, neighbourhood sizes and kind scores."""

    def __init__(self, ctx: EncodeContext, start: list[int], kinds: tuple[str, ...],
                 adaptive: bool, compact: int | None = None, plateau: bool = False,
                 guide: Guide | None = None, factors: dict[str, int] | None = None,
                 lp_levels: tuple[int, ...] | None = None, pair_share: float | None = None):
        self.ctx = ctx
        self.pair_share = pair_share
        self.guide = guide
        self._gaps: tuple[list[int], list[float]] | None = None
        self.plateau = plateau
        self.n_emp, self.n_days = len(ctx.employees), ctx.n_days
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for (e, d, _s, _u), var in ctx.x.items():
            self.cells[(e, d)].append(var.index)
        self.objective = ObjectiveEval(ctx, ctx.objective(factors) if factors else None)
        # what callers are told: the true objective, also while the search runs on `factors`
        self.truth = ObjectiveEval(ctx) if factors else self.objective
        self.best = list(start)
        self.best_obj = self.objective(self.best)
        self.improved_at = time.monotonic()  # when the incumbent last got better
        self.kinds, self.adaptive = kinds, adaptive
        self.size = {"employees": max(2, self.n_emp // 8), "window": 7, "block": 14, "hot": 10,
                     "guided": max(2, self.n_emp // 8), "pair": min(PAIR_WINDOW, self.n_days)}
        self.score = dict.fromkeys(kinds, 1.0)
        self.stats = LnsStats(by_kind={k: [0, 0] for k in kinds},
                              seconds=dict.fromkeys(kinds, 0.0))
        self.lock = threading.Lock()
        self.margin = compact or 0
        self._hot: tuple[list[int], list] | None = None  # (incumbent, its paid terms' anchors)
        self._kpi_hot: tuple[list[int], list] | None = None
        self._terms: dict | None = None
        # per LP level of CP-SAT (`linearization_level`) the rounds may use: the mean objective
        # won per round lately; None until each level has had a round
        self.lp_gain: dict[int, float | None] = dict.fromkeys(lp_levels or (), None)
        self.structure = Structure(ctx.model, self.cells, self.n_emp, self.n_days) \
            if compact is not None or "hot" in kinds or "pair" in kinds or guide is not None \
            else None
        self.compact = compact is not None
        self._mates: list[list[int]] | None = None  # see `mates`

    def builder(self) -> CompactModels | None:
        """One thread's compact sub-models, or None where rounds clone the whole model
        (`sub_model`)."""
        if not self.compact:
            return None
        return CompactModels(self.ctx.model, self.structure, self.best, self.margin)

    def pair_builder(self) -> CompactModels | None:
        """One thread's pair-round sub-models: always compact (a clone's presolve alone would
        take ten times the round)."""
        if "pair" not in self.kinds:
            return None
        return CompactModels(self.ctx.model, self.structure, self.best, 0)

    def pick(self, rng: random.Random) -> str:
        others = [k for k in self.kinds if k != "pair"]
        if "pair" in self.kinds and others and self.pair_share is not None:
            # pair rounds take `pair_share` of the rounds' wall time, the other kinds the rest
            sec = self.stats.seconds
            spent = sum(sec.values())
            if spent <= 0 or sec["pair"] < self.pair_share * spent:
                return "pair"
            return rng.choice(others) if not self.adaptive else _draw(
                {k: self.score[k] for k in others}, rng)
        if not self.adaptive:
            return rng.choice(self.kinds)
        return _draw(self.score, rng)

    def pick_lp(self, rng: random.Random) -> int | None:
        """The LP level of the next round: each level once, then in proportion to what its
        rounds won lately (each keeps at least a tenth of the best one's share)."""
        if not self.lp_gain:
            return None
        untried = [lv for lv, g in self.lp_gain.items() if g is None]
        if untried:
            return untried[0]
        top = max(self.lp_gain.values()) or 1.0
        return _draw({lv: max(g, 0.1 * top) for lv, g in self.lp_gain.items()}, rng)

    def free_cells(self, kind: str, rng: random.Random) -> set[tuple[int, int]]:
        """The cells a round of `kind` frees (`neighbourhood` without its window's wholeness)."""
        return self.neighbourhood(kind, rng)[0]

    def span(self, w: int, rng: random.Random) -> tuple[int, int, bool]:
        """A window of `w` days, [first, end), and whether it is whole. Every day is in a window
        equally often: windows run off either end of the period and are cut there. Drawn whole
        inside the period, the first and last day were in 1 of 33 windows of 10 days over 6
        weeks, a middle day in 10, and a region's strong overloads gathered there."""
        n_days = self.n_days
        if w >= n_days:
            return 0, n_days, True
        if not EVEN_WINDOWS:
            d0 = rng.randrange(0, n_days - w + 1)
            return d0, d0 + w, True
        d0 = rng.randrange(1 - w, n_days)
        lo, hi = max(0, d0), min(n_days, d0 + w)
        return lo, hi, hi - lo == w

    def neighbourhood(self, kind: str, rng: random.Random) -> tuple[set[tuple[int, int]], bool]:
        """The cells a round of `kind` frees, and whether its window is whole (a window cut at
        the period's end says nothing about how large a window the rounds can solve)."""
        n_emp, n_days, size = self.n_emp, self.n_days, self.size[kind]
        if kind == "pair":
            if PAIR_HOT and self.structure is not None and rng.random() < PAIR_HOT:
                got = self.hot_pair(size, rng)
                if got is not None:
                    return got
            emps = set(rng.sample(range(n_emp), min(n_emp, PAIR_EMPLOYEES)))
            lo, hi, whole = self.span(size, rng)
            return {k for k in self.cells if k[0] in emps and lo <= k[1] < hi}, whole
        if kind == "employees" or (kind == "guided" and self.guide is None):
            emps = set(rng.sample(range(n_emp), min(n_emp, size)))
            return {k for k in self.cells if k[0] in emps}, True
        if kind == "guided":
            gaps = self.gaps()
            # weighted sampling without replacement (keys u^(1/w)); a floor keeps everyone drawable
            floor = 0.05 * max(1.0, sum(gaps) / len(gaps))
            keyed = sorted(range(n_emp), key=lambda e: -rng.random() ** (1.0 / (gaps[e] + floor)))
            emps = set(keyed[:min(n_emp, size)])
            return {k for k in self.cells if k[0] in emps}, True
        w = min(n_days, size)
        if kind == "hot" and self.structure is not None:
            hot = self.hot_terms()
            if hot:
                return self.around(rng.choice(hot), w, rng), True
        lo, hi, whole = self.span(w, rng)
        if kind == "window":
            return {k for k in self.cells if lo <= k[1] < hi}, whole
        emps = set(rng.sample(range(n_emp), min(n_emp, max(2, n_emp // 3))))
        return {k for k in self.cells if k[0] in emps and lo <= k[1] < hi}, whole

    def gaps(self) -> list[float]:
        """Per employee, the reduced cost of the incumbent's schedule under the guide's duals
        (≥ 0 up to the LP's tolerance): how much this schedule keeps the roster above the LP."""
        if self._gaps is None or self._gaps[0] is not self.best:
            g = self.guide
            own = [0.0] * self.n_emp
            costs = self.term_costs(self.best)
            for (owner, _lo, _hi), c in zip(self._terms["anchor"], costs.tolist(), strict=True):
                if owner >= 0:
                    own[owner] += c
            for (e, _d), idxs in self.cells.items():
                own[e] -= sum(g.reward.get(i, 0.0) * self.best[i] for i in idxs)
            self._gaps = (self.best, [max(0.0, own[e] - g.sigma[e]) for e in range(self.n_emp)])
        return self._gaps[1]

    def hot_pair(self, size: int, rng: random.Random
                 ) -> tuple[set[tuple[int, int]], bool] | None:
        """A pair round over a paid KPI term's employee and days, with one other employee."""
        if self.n_emp < 2:
            return None
        hot = self.kpi_hot()
        if not hot:
            return None
        flags = self._kpi_hot[2]  # per hot term: in PAIR_WHOLE_TERMS
        wholes = [j for j, f in enumerate(flags) if f]
        i = rng.choice(wholes) if wholes and rng.random() < PAIR_WHOLE_FIRST \
            else rng.randrange(len(hot))
        owner, lo, hi = hot[i]
        spread = flags[i]
        mates = self.mates()[owner] if spread else []
        if mates:
            emps = {owner, rng.choice(mates)}
        else:
            other = rng.randrange(self.n_emp - 1)
            emps = {owner, other + (other >= owner)}
        if spread and 0 <= lo <= hi < self.n_days and hi - lo + 1 >= size:
            a, b, whole = lo, hi + 1, False  # a long run or block: all of its days
        elif hi - lo + 1 >= size or lo < 0 or hi >= self.n_days:
            a, b, whole = self.span(size, rng)
        else:
            d0 = rng.randrange(hi - size + 1, lo + 1)
            a, b = max(0, d0), min(self.n_days, d0 + size)
            whole = b - a == size
        if spread:
            return {k for k in self.cells if k[0] == owner or (k[0] in emps and a <= k[1] < b)
                    }, False
        return {k for k in self.cells if k[0] in emps and a <= k[1] < b}, whole

    def mates(self) -> list[list[int]]:
        """Per employee, the others who may work one of the same shift types (built on the
        first strong overload's round: a pass over every decision)."""
        if self._mates is None:
            shifts: list[set[str]] = [set() for _ in range(self.n_emp)]
            for (e, _d, sh, _u) in self.ctx.x:
                shifts[e].add(sh)
            self._mates = [[o for o in range(self.n_emp) if o != e and shifts[o] & shifts[e]]
                           for e in range(self.n_emp)]
        return self._mates

    def kpi_hot(self) -> list[tuple[int, int, int]]:
        """(employee, first day, last day) of each paid term in PAIR_HOT_TERMS that one
        employee owns (recomputed when the incumbent changes)."""
        if self._kpi_hot is None or self._kpi_hot[0] is not self.best:
            t = self._terms or self._term_table()
            paid = [i for i in np.nonzero((self.term_costs(self.best) > 0) & t["kpi"])[0].tolist()
                    if t["anchor"][i][0] >= 0]
            self._kpi_hot = (self.best, [t["anchor"][i] for i in paid],
                             [bool(t["whole"][i]) for i in paid])
        return self._kpi_hot[1]

    def hot_terms(self) -> list[tuple[int, int, int]]:
        """(employee or SHARED, first day, last day) of each objective term that the incumbent
        pays for: an unmet wish, a cover shortfall (recomputed when the incumbent changes)."""
        if self._hot is None or self._hot[0] is not self.best:
            paid = np.nonzero(self.term_costs(self.best) > 0)[0]
            self._hot = (self.best, [self._terms["anchor"][i] for i in paid.tolist()])
        return self._hot[1]

    def term_costs(self, values: list[int]) -> np.ndarray:
        """Weight × amount of each objective term (as in `_term_table`) for `values`."""
        t = self._terms or self._term_table()
        vals = np.asarray(values, dtype=np.int64)
        amounts = t["offset"] + np.add.reduceat(t["coeff"] * vals[t["var"]], t["start"]) \
            if len(t["var"]) else t["offset"]
        return t["weight"] * amounts

    def _term_table(self) -> dict:
        """The objective terms as flat arrays, with each term's employee and days."""
        from ortools.sat.python import cp_model_helper as cmh

        s = self.structure
        weight, offset, start, var, coeff, anchor, kpi, whole = [], [], [], [], [], [], [], []
        for term, (w, amount, _rule) in enumerate(self.ctx.objective_terms):
            if isinstance(amount, int | bool):
                continue
            flat = cmh.FlatIntExpr(amount)
            idx = [v.index for v in flat.vars]
            if not idx:
                continue
            weight.append(w)
            offset.append(flat.offset)
            start.append(len(var))
            var += idx
            coeff += list(flat.coeffs)
            owners = {int(s.owner[i]) for i in idx}
            lo = min(int(s.lo[i]) for i in idx)
            hi = max(int(s.hi[i]) for i in idx)
            anchor.append((owners.pop() if len(owners) == 1 else SHARED, lo, hi))
            kpi.append(self.ctx.term_of.get(term, "") in PAIR_HOT_TERMS)
            whole.append(self.ctx.term_of.get(term, "") in PAIR_WHOLE_TERMS)
        self._terms = {"weight": np.asarray(weight, dtype=np.int64),
                       "offset": np.asarray(offset, dtype=np.int64),
                       "start": np.asarray(start, dtype=np.int64),
                       "var": np.asarray(var, dtype=np.int64),
                       "coeff": np.asarray(coeff, dtype=np.int64), "anchor": anchor,
                       "kpi": np.asarray(kpi, dtype=bool),
                       "whole": np.asarray(whole, dtype=bool)}
        return self._terms

    def around(self, anchor: tuple[int, int, int], w: int,
               rng: random.Random) -> set[tuple[int, int]]:
        """A window of `w` days over a penalty's days, over its employee and a third of the
        others, or over everyone when no one employee owns it."""
        owner, lo, hi = anchor
        n_days = self.n_days
        if hi < 0 or lo >= n_days:  # tied to no day: anywhere in the period
            lo = hi = rng.randrange(n_days)
        d0 = rng.randrange(max(0, hi - w + 1), min(lo, n_days - w) + 1) \
            if hi - lo + 1 < w else lo
        days = range(d0, min(n_days, max(d0 + w, hi + 1)))
        if owner < 0:
            return {(e, d) for e in range(self.n_emp) for d in days if (e, d) in self.cells}
        emps = set(rng.sample(range(self.n_emp), min(self.n_emp, max(2, self.n_emp // 3))))
        emps.add(owner)
        return {(e, d) for e in emps for d in days if (e, d) in self.cells}

    def sub_model(self, free: set[tuple[int, int]], best: list[int]) -> cp_model.CpModel:
        """A clone with every decision outside `free` fixed to `best`, hinted with `best`."""
        sub = self.ctx.model.Clone()
        sp = sub.Proto()
        for k, idxs in self.cells.items():
            if k in free:
                continue
            for i in idxs:
                dom = sp.variables[i].domain  # a decision's domain is [0, 1]
                dom[0] = dom[1] = best[i]
        sub.ClearHints()
        sp.solution_hint.vars.extend(range(len(best)))
        sp.solution_hint.values.extend(best)
        return sub

    def day_costs(self) -> list[float]:
        """Per day, what the incumbent pays there: each paid term's cost spread evenly over its
        days (terms tied to no day left out)."""
        if self.structure is None:
            self.structure = Structure(self.ctx.model, self.cells, self.n_emp, self.n_days)
        out = [0.0] * self.n_days
        costs = self.term_costs(self.best)
        for (_owner, lo, hi), c in zip(self._terms["anchor"], costs.tolist(), strict=True):
            lo, hi = max(0, lo), min(self.n_days - 1, hi)
            if c > 0 and lo <= hi:
                for d in range(lo, hi + 1):
                    out[d] += c / (hi - lo + 1)
        return out

    def adopt(self, vals: list[int], on_improve: Callable[[int, list[int]], None] | None,
              kind: str = "highs") -> bool:
        """A complete assignment from a side search (`kind`: which): the incumbent if it is
        better."""
        if self.objective(vals) >= self.best_obj:
            return False
        self.best, self.best_obj = vals, self.objective(vals)
        self.improved_at = time.monotonic()
        self.stats.improved += 1
        self.stats.side += 1
        truth = self.truth(vals)
        self.stats.events.append((self.improved_at, kind, truth))
        if on_improve:
            on_improve(truth, vals)
        return True

    def record(self, kind: str, code: int, vals: list[int] | None, start_obj: int,
               on_improve: Callable[[int, list[int]], None] | None,
               lp: int | None = None, wall: float = 0.0, whole: bool = True) -> None:
        """One round's outcome: sizes (only after a whole window), scores, and the incumbent if
        the round beat it."""
        st = self.stats
        st.rounds += 1
        st.by_kind[kind][0] += 1
        st.seconds[kind] = st.seconds.get(kind, 0.0) + wall
        if code == cp_model.OPTIMAL:
            st.optimal += 1
        if not whole:  # a window cut at the period's end: no measure of the size
            pass
        elif kind == "pair":
            if code == cp_model.OPTIMAL and wall < PAIR_GROW_BELOW_S:
                self.size[kind] = min(self.size[kind] + 1, self.n_days)
            elif code != cp_model.OPTIMAL or wall > PAIR_SHRINK_ABOVE_S:
                self.size[kind] = max(PAIR_WINDOW_MIN, self.size[kind] - 1)
        elif code == cp_model.OPTIMAL:
            # capped: on a model small enough that every round is solved to optimality the
            # size would otherwise grow until it overflows
            self.size[kind] = min(int(self.size[kind] * 1.25) + 1,
                                  max(self.n_emp, self.n_days))
        elif code in (cp_model.FEASIBLE, cp_model.UNKNOWN):
            self.size[kind] = max(2, int(self.size[kind] * 0.8))
        gained, won = False, 0
        if vals is not None:
            obj = self.objective(vals)
            gained, won = obj < start_obj, max(0, start_obj - obj)
            if obj < self.best_obj:
                self.best, self.best_obj = vals, obj
                self.improved_at = time.monotonic()
                st.improved += 1
                st.by_kind[kind][1] += 1
                truth = self.truth(vals)
                st.events.append((self.improved_at, kind, truth))
                if on_improve:
                    on_improve(truth, vals)
            elif self.plateau and obj == self.best_obj == start_obj and vals != self.best:
                self.best = vals  # a sideways move: same objective, another roster
                st.sideways += 1
        self.score[kind] = 0.8 * self.score[kind] + 0.2 * (1.0 if gained else 0.05)
        if lp is not None:
            last = self.lp_gain[lp]
            self.lp_gain[lp] = float(won) if last is None else 0.8 * last + 0.2 * won
            st.by_lp.setdefault(lp, [0, 0])[0] += 1
            st.by_lp[lp][1] += gained


def improve(ctx: EncodeContext, start: list[int], time_limit: float, *, workers: int = 2,
            seed: int = 0, on_improve: Callable[[int, list[int]], None] | None = None,
            round_limit: float = 3.0, params: dict | None = None,
            kinds: tuple[str, ...] = KINDS, target: int | None = None,
            stop: Callable[[], bool] | None = None, threads: int = 1, adaptive: bool = False,
            compact: int | None = None, plateau: bool = False, guide: Guide | None = None,
            done: Callable[[list[int]], bool] | None = None,
            factors: dict[str, int] | None = None, lp_levels: tuple[int, ...] | None = None,
            side: Callable[[SideLink], None] | None = None,
            on_bound: Callable[[int], None] | None = None,
            dtime: float | None = None, pair_share: float | None = None,
            ) -> tuple[list[int], int, LnsStats]:
    """LNS from a complete assignment `start` (values by variable index); stops early once the
    objective reaches `target` (a known lower bound, e.g. 0 open shifts), or once `done` says so
    of the incumbent (a part of the objective at its own floor). `workers` CP-SAT
    workers in all, shared by `threads` rounds running at once. `compact`: rounds build compact
    sub-models (scheduler/submodel.py) opening derived variables within that many days of the
    free cells; None: clones of the whole model. `factors`: the search runs on the objective with
    those profile terms' weights multiplied (`EncodeContext.objective`); the objective returned
    and told to `on_improve` is the true one. `lp_levels`: CP-SAT linearization levels the
    rounds choose between, each in proportion to the objective its rounds won lately (None:
    `params` decide). `side`: another search (scheduler/mip.py) that takes the first of the
    `threads` (with 2 or more) until it returns, reading and offering incumbents through a
    `SideLink`; a bound it proves stops the LNS like `target`, and is told to `on_bound` as
    soon as it is proven. `dtime`: each round ends after this much of CP-SAT's deterministic
    time (its measure of work done), `round_limit` then caps its wall time: a round does the
    same work on a loaded machine, where a wall-time round spends itself on start-up (phase 1's
    0.1-s rounds did a tenth of their work beside four busy processes). `pair_share`: with
    "pair" among `kinds`, the share of the rounds' wall time its rounds take (the other kinds
    share the rest); None: drawn like any kind."""
    with _searching_on(ctx, factors):
        t_end = time.monotonic() + time_limit
        search = _Search(ctx, start, kinds, adaptive, compact, plateau, guide, factors,
                         lp_levels, pair_share)
        threads = max(1, min(threads, workers))
        per_round = max(1, workers // threads)
        halt = threading.Event()  # a round failed in another thread

        judged: list = [None, False]  # the incumbent `done` last saw, and its answer

        def finished() -> bool:
            """`done` of the incumbent, asked again only when the incumbent changed (it is a pass
            over the objective's terms, and this runs before every round)."""
            if done is None:
                return False
            if judged[0] is not search.best:
                judged[:] = [search.best, done(search.best)]
            return judged[1]

        floor = [target]  # the best lower bound known: `target`, or the side search's

        def running() -> bool:
            return (time.monotonic() < t_end - min(0.2, round_limit) and not halt.is_set()
                    and (floor[0] is None or search.best_obj > floor[0])
                    and not (stop and stop()) and not finished())

        def offer(values: list[int], kind: str = "highs") -> bool:
            with search.lock:
                return search.adopt(values, on_improve, kind)

        def day_costs() -> list[float]:
            with search.lock:
                return search.day_costs()

        def prove(bound: int) -> None:
            with search.lock:
                if search.stats.bound is not None and bound <= search.stats.bound:
                    return
                search.stats.bound = bound
                floor[0] = bound if floor[0] is None else max(floor[0], bound)
            if on_bound is not None and not factors:  # else a bound on the shaped objective
                on_bound(bound)

        def improved_at() -> float:
            return search.improved_at

        def incumbent() -> tuple[int, list[int]]:
            with search.lock:
                return search.best_obj, list(search.best)

        def clone() -> cp_model.CpModel:
            with search.lock:
                return ctx.model.Clone()

        def loop(rng: random.Random, until: Callable[[], bool] | None = None) -> None:
            """Rounds until the LNS ends (or, for the side's thread, until `until()` says)."""
            with search.lock:
                models = search.builder()
                pair_models = search.pair_builder()
            while running() and not (until is not None and until()):
                if link is not None and link.hold.is_set():
                    # the side search has the better chance: the machine to itself (on these
                    # 2 cores HiGHS's root took 60 s alone, 117 s beside the rounds)
                    time.sleep(min(0.5, max(0.0, t_end - time.monotonic())))
                    continue
                with search.lock:
                    kind = search.pick(rng)
                    pair = kind == "pair"
                    lp = None if pair else search.pick_lp(rng)
                    free, whole = search.neighbourhood(kind, rng)
                    start_obj = search.best_obj
                    maker = pair_models if pair else models
                    sub = maker.build(free, search.best) if maker else \
                        search.sub_model(free, search.best)
                solver = cp_model.CpSolver()
                limit = min(round_limit, PAIR_ROUND_S) if pair else round_limit
                solver.parameters.max_time_in_seconds = min(limit,
                                                            max(0.1, t_end - time.monotonic()))
                solver.parameters.num_workers = per_round
                solver.parameters.random_seed = rng.randrange(1 << 30)
                if dtime is not None:
                    solver.parameters.max_deterministic_time = dtime
                for k, v in (params or {}).items():
                    setattr(solver.parameters, k, v)
                if lp is not None:
                    solver.parameters.linearization_level = lp
                if pair:  # a few hundred decisions: the LP only slows each node
                    solver.parameters.linearization_level = 0
                began = time.monotonic()
                code = solver.Solve(sub)
                wall = time.monotonic() - began
                vals = None
                if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    resp = solver.ResponseProto()
                    vals = maker.solution(resp) if maker else list(resp.solution)
                with search.lock:
                    search.record(kind, code, vals, start_obj, on_improve, lp, wall, whole)

        rngs = [random.Random(seed * 7919 + t) for t in range(threads)]
        link = SideLink(incumbent, offer, running, prove, clone,
                        [var.index for var in ctx.x.values()], t_end, improved_at,
                        rounds=lambda until: loop(rngs[0], until), day_costs=day_costs) \
            if side and threads > 1 else None
        if threads == 1:
            loop(rngs[0])
            return search.best, search.truth(search.best), search.stats
        errors: list[BaseException] = []

        def guarded(rng: random.Random, first: bool = False) -> None:
            try:
                if first and link is not None:
                    try:
                        side(link)
                    finally:
                        link.hold.clear()  # the side is done: every round may run
                loop(rng)
            except BaseException as exc:  # re-raised in the caller's thread below
                errors.append(exc)
                halt.set()

        pool = [threading.Thread(target=guarded, args=(r, t == 0), daemon=True)
                for t, r in enumerate(rngs)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        if errors:
            raise errors[0]
        return search.best, search.truth(search.best), search.stats


@contextmanager
def _searching_on(ctx: EncodeContext, factors: dict[str, int] | None):
    """The model's objective shaped by `factors` while the rounds clone it, restored after."""
    if not factors:
        yield
        return
    ctx.model.Minimize(ctx.objective(factors))
    try:
        yield
    finally:
        ctx.model.Minimize(ctx.objective())
