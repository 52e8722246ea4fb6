"""The whole model as a MIP for HiGHS, searched beside the LNS where its LP is strong.

The model is the one the rule modules built for CP-SAT; nothing is encoded twice. Its
constraints are read off the CP-SAT proto and written as linear rows: a linear constraint as it
is, a clause as "at least one literal", an enforced clause or conjunction as implications, and
the max of a minimised penalty (`EncodeContext.max_`) as "at least each part". That last row is
a relaxation (the penalty may sit above its max), so HiGHS's dual bound is a valid lower bound,
and every roster it finds is re-derived from its decisions through the CP-SAT model before the
LNS sees it (`complete_values`): the objective the LNS compares is always the exact one.

Why: on Curtois & Qu Instance12 the LNS stalled at 4064–4067 against the optimum 4040, while
HiGHS's root cuts prove 4040 within about a minute and its sub-MIP heuristic, started from a
4076 LNS roster, found 4044 after 144 s, 4042 after 285 s and 4041 after 363 s on one thread
(benchmarks/README.md). Where the root stays weak (Instance8: 1261 against 1318) HiGHS finds
nothing, so after `gate_s` it stops and gives its core back unless its bound is as strong as
the bound known from elsewhere (the column-generation LP: 1297 there) or, without one, its gap
to the incumbent is small. Past the gate, once the LNS has stalled within 1 % of HiGHS's
bound, the LNS's rounds wait (`SideLink.hold`, `HoldPolicy`) for at most two minutes without a
better roster: the two cores here slow each other down, and for the last units HiGHS's
sub-MIPs are the better bet; further from the bound, or once they have found nothing for that
long, the rounds are the better bet again (a run most likely held at 4175 for 390 s). Its dual
bound is reported (and stops the LNS at a proven optimum) as soon as it is proven.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from scheduler.model import complete_values

_BIG = 1 << 40


class NotLinear(ValueError):
    """The model holds a constraint kind the MIP translation does not read."""


@dataclass
class MipSettings:
    # after this long, HiGHS goes on only if its dual bound is within `bound_slack` of the
    # bound known from elsewhere, or (none known) its gap to the incumbent within `max_gap`.
    # On Instance12 the root cuts reach 4040 after 60 s alone, 117 s beside the LNS thread;
    # at the gate the incumbent has been 4343 (LNS alone) or 4044 (HiGHS's own), so 10 %.
    gate_s: float = 150.0
    bound_slack: float = 0.005
    max_gap: float = 0.1
    threads: int = 1
    options: dict[str, float] = field(default_factory=dict)  # HiGHS's own, by name
    # past the gate, when HiGHS has found a better roster after its root and the incumbent
    # has not moved for this long, the LNS's rounds wait (`SideLink.hold`) so HiGHS has the
    # machine to itself, until HiGHS finds a better roster (the LNS then works around it for
    # as long again) or ends. Its root took 60 s alone, 117 s beside the LNS's rounds on these
    # 2 cores. None: never.
    stall_s: float | None = 60.0
    # ... but only with the incumbent within this of HiGHS's bound (the last units, where its
    # sub-MIPs are the better bet), and for at most `hold_s` without a better roster from it:
    # then the rounds run again, until they stall as long once more. Instance12, seed 1: its
    # curve flat at ~4175 (3 % above the bound) from ~150 s to the end, one step at ~300 s,
    # against 4040–4045 in the other runs (most likely such a hold; the run kept no log).
    hold_gap: float = 0.01
    hold_s: float = 120.0


@dataclass
class HoldPolicy:
    """When the LNS's rounds wait for HiGHS (`SideLink.hold`), and when they run again."""

    settings: MipSettings
    held_at: float | None = None  # when the current hold began
    released_at: float = -np.inf  # when the last hold ran out

    def step(self, now: float, since_start: float, improved_at: float, useful: bool,
             primal: float, dual: float) -> str | None:
        """'hold', 'release' or None, asked at HiGHS's callbacks."""
        st = self.settings
        if self.held_at is not None:
            if improved_at > self.held_at:  # a better roster came: the hold did its work
                self.held_at = None
                return None
            if now - self.held_at > st.hold_s:
                self.held_at, self.released_at = None, now
                return "release"
            return None
        near = bool(np.isfinite(dual)) and primal - dual <= st.hold_gap * max(1.0, abs(primal))
        if st.stall_s is not None and useful and near and since_start > st.gate_s \
                and now - max(improved_at, self.released_at) > st.stall_s:
            self.held_at = now
            return "hold"
        return None


def _lits(refs) -> tuple[list[tuple[int, int]], int]:
    """Literals as (variable, coefficient) terms and a constant: ¬x is 1 − x."""
    terms, const = [], 0
    for r in refs:
        if r >= 0:
            terms.append((r, 1))
        else:
            terms.append((-r - 1, -1))
            const += 1
    return terms, const


def highs_model(proto):
    """The proto as a HiGHS MIP (a `highspy.HighsLp`), every variable integer."""
    import highspy

    inf = highspy.kHighsInf
    n = len(proto.variables)
    lo, hi = np.empty(n), np.empty(n)
    for i, v in enumerate(proto.variables):
        dom = list(v.domain)
        lo[i], hi[i] = dom[0], dom[-1]
    starts, index, value, row_lo, row_hi = [0], [], [], [], []

    def row(terms: list[tuple[int, int]], const: int, a: float, b: float) -> None:
        """a ≤ Σ terms + const ≤ b."""
        acc: dict[int, int] = {}
        for v, c in terms:
            acc[v] = acc.get(v, 0) + c
        for v, c in acc.items():
            if c:
                index.append(v)
                value.append(c)
        starts.append(len(index))
        row_lo.append(a - const if a > -inf else -inf)
        row_hi.append(b - const if b < inf else inf)

    for con in proto.constraints:
        enf = list(con.enforcement_literal)
        if con.has_linear() and not enf:
            ln = con.linear
            dom = list(ln.domain)
            if len(dom) != 2:
                raise NotLinear("a linear constraint with holes in its domain")
            row(list(zip(ln.vars, ln.coeffs, strict=True)), 0,
                dom[0] if dom[0] > -_BIG else -inf, dom[1] if dom[1] < _BIG else inf)
        elif con.has_bool_or() and len(enf) <= 1:
            terms, const = _lits(con.bool_or.literals)
            if enf:  # e → at least one: Σ lits − e ≥ 0
                te, ce = _lits(enf)
                row(terms + [(v, -c) for v, c in te], const - ce, 0, inf)
            else:
                row(terms, const, 1, inf)
        elif con.has_bool_and() and len(enf) == 1:
            te, ce = _lits(enf)
            for r in con.bool_and.literals:  # e → lit: lit − e ≥ 0
                terms, const = _lits([r])
                row(terms + [(v, -c) for v, c in te], const - ce, 0, inf)
        elif con.has_lin_max() and not enf:
            lm = con.lin_max
            target = list(zip(lm.target.vars, lm.target.coeffs, strict=True))
            for ex in lm.exprs:
                row(target + [(v, -c) for v, c in zip(ex.vars, ex.coeffs, strict=True)],
                    lm.target.offset - ex.offset, 0, inf)
        elif (con.has_exactly_one() or con.has_at_most_one()) and not enf:
            refs = con.exactly_one.literals if con.has_exactly_one() else \
                con.at_most_one.literals
            terms, const = _lits(refs)
            row(terms, const, 1 if con.has_exactly_one() else -inf, 1)
        else:
            raise NotLinear("a constraint kind the MIP translation does not read")
    cost = np.zeros(n)
    obj = proto.objective
    for v, c in zip(obj.vars, obj.coeffs, strict=True):
        cost[v] += c
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(row_lo)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lo, hi
    lp.row_lower_, lp.row_upper_ = np.asarray(row_lo), np.asarray(row_hi)
    lp.offset_ = obj.offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    return lp


_QUIET = threading.Lock()
_quieted = [False]


def _flush_c_stdout() -> None:
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, TypeError, AttributeError):  # no C library to ask (not Linux)
        pass


def new_highs(threads: int = 1):
    """A `highspy.Highs` with its log off, on `threads` threads. HiGHS prints its banner
    ("Running HiGHS …") from C when a process makes its first one, before any option can be
    set; in `roster curtois solve` that line broke into the progress bar. So the first is made
    with stdout (fd 1) on /dev/null for that moment. The thread count is set on every one:
    HiGHS starts one thread pool per process, and a later `run` asking for another count fails
    at once ("Not Set"), which a test run met after a default-threaded solve in its process."""
    import highspy

    with _QUIET:
        if _quieted[0]:
            h = highspy.Highs()
        else:
            _quieted[0] = True
            with contextlib.ExitStack() as stack:
                try:
                    if sys.stdout is not None:
                        sys.stdout.flush()
                    saved = os.dup(1)
                    stack.callback(os.close, saved)
                    null = os.open(os.devnull, os.O_WRONLY)
                    stack.callback(os.close, null)
                    os.dup2(null, 1)
                    stack.callback(os.dup2, saved, 1)
                    stack.callback(_flush_c_stdout)  # C's buffer first, then fd 1 back
                except (OSError, ValueError):  # no fd 1 to point away: let it print
                    pass
                h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    return h


class SideLink:
    """What a search beside the LNS may do: read the incumbent and when it last improved,
    offer a roster, ask whether the LNS still runs, report a proven bound, and ask the LNS's
    rounds to wait (`hold`, set and cleared by the side) while it has the better chance
    (scheduler/lns.py makes one); `deadline` (time.monotonic()) is when the LNS ends.
    `rounds(until)` runs the LNS's rounds in the side's own thread until `until()` is true
    (a side that starts late); `day_costs()`: per day, what the incumbent pays there."""

    def __init__(self, best: Callable[[], tuple[int, list[int]]],
                 offer: Callable[..., bool], running: Callable[[], bool],
                 prove: Callable[[int], None], clone: Callable[[], cp_model.CpModel],
                 decisions: list[int], deadline: float,
                 improved_at: Callable[[], float] = time.monotonic,
                 rounds: Callable[[Callable[[], bool]], None] | None = None,
                 day_costs: Callable[[], list[float]] | None = None):
        self.best, self.offer, self.running, self.prove = best, offer, running, prove
        self.clone, self.decisions, self.deadline = clone, decisions, deadline
        self.improved_at = improved_at  # time.monotonic() of the incumbent's last improvement
        self.rounds, self.day_costs = rounds, day_costs
        self.hold = threading.Event()


class MipSide:
    """HiGHS on the whole model, started from the LNS incumbent, in the thread that calls it
    (HiGHS releases the GIL while it works). Its improving rosters go to the LNS; the LNS's
    newer incumbents are handed to HiGHS as user solutions; it stops when the LNS stops, when
    it proves optimality, or at the gate when its gap is still wide."""

    def __init__(self, settings: MipSettings | None = None, known_bound: int | None = None):
        self.settings = settings or MipSettings()
        self.known_bound = known_bound
        self.log: list[tuple[float, str, float]] = []  # (elapsed, event, value)
        self.started: float | None = None  # time.monotonic() the log's times count from

    def __call__(self, link: SideLink) -> None:
        import highspy

        st = self.settings
        model = link.clone()
        try:
            lp = highs_model(model.Proto())
        except NotLinear:
            return
        h = new_highs(st.threads)
        # HiGHS's own clock as well: its root cut loop (a minute or two) asks no callback
        h.setOptionValue("time_limit", max(1.0, link.deadline - time.monotonic()))
        for name, value in st.options.items():
            h.setOptionValue(name, value)
        h.passModel(lp)
        obj0, start = link.best()
        sol = highspy.HighsSolution()
        sol.col_value = [float(v) for v in start]
        sol.value_valid = True
        h.setSolution(sol)
        t0 = self.started = time.monotonic()
        given = [obj0]  # the objective of the last LNS roster handed to HiGHS
        decisions = link.decisions

        def improving(e) -> None:
            x = e.data_out.mip_solution
            fixed = {i: int(round(x[i])) for i in decisions}
            values = complete_values(model, fixed, time_limit=10.0)
            if values is not None and link.offer(values):
                link.hold.clear()
                out = e.data_out
                useful[0] = useful[0] or close(out.objective_function_value, out.mip_dual_bound)
                self.log.append((time.monotonic() - t0, "offered",
                                 float(e.data_out.objective_function_value)))

        def weak(out) -> bool:
            """Past the gate with a bound not worth the core."""
            if time.monotonic() - t0 <= st.gate_s:
                return False
            dual, primal = out.mip_dual_bound, out.mip_primal_bound
            if self.known_bound is not None:
                return dual < self.known_bound - st.bound_slack * max(1.0, abs(self.known_bound))
            return not close(primal, dual)

        def close(primal: float, dual: float) -> bool:
            """HiGHS's gap within `max_gap`."""
            return bool(np.isfinite(dual)) and primal - dual <= st.max_gap * max(1.0, abs(primal))

        # HiGHS found a roster the LNS took, with its own gap already within `max_gap` (its
        # root cuts done, not its first quick heuristics): only then is holding the LNS a bet
        # worth making (on Instance17 HiGHS found nothing past its root, and an LNS held from
        # 376 s on ended at 6087 against 5772)
        useful = [False]

        proved = [-np.inf]
        policy = HoldPolicy(st)

        def interrupt(e) -> None:
            dual = e.data_out.mip_dual_bound
            if np.isfinite(dual) and dual > proved[0]:  # out as soon as it is proven
                proved[0] = dual  # (and the LNS stops at it); asked at every node, so only
                link.prove(int(np.ceil(dual - 1e-6)))  # when it rose
            stop = not link.running()
            if not stop and weak(e.data_out):
                stop = True
                self.log.append((time.monotonic() - t0, "gate", float(e.data_out.mip_dual_bound)))
            if stop:
                e.data_in.user_interrupt = True
            else:  # past the gate, so HiGHS's bound is a strong one
                now = time.monotonic()
                if not link.hold.is_set():
                    policy.held_at = None  # cleared by a roster of HiGHS's or the LNS's end
                act = policy.step(now, now - t0, link.improved_at(), useful[0],
                                  e.data_out.mip_primal_bound, dual)
                if act == "hold":
                    link.hold.set()
                elif act == "release":
                    link.hold.clear()
                if act:
                    self.log.append((now - t0, act, float(e.data_out.mip_primal_bound)))

        def user_solution(e) -> None:
            obj, values = link.best()
            if obj < given[0] and obj < e.data_out.mip_primal_bound - 0.5:
                given[0] = obj
                e.data_in.setSolution(np.asarray(values, dtype=float))

        h.cbMipImprovingSolution.subscribe(improving)
        h.cbMipInterrupt.subscribe(interrupt)
        h.cbMipUserSolution.subscribe(user_solution)
        h.run()  # the LNS clears any hold once this returns
        info = h.getInfo()
        bound = info.mip_dual_bound
        if np.isfinite(bound):
            link.prove(int(np.ceil(bound - 1e-6)))
            self.log.append((time.monotonic() - t0, "bound", float(bound)))
