"""Compact LNS sub-models: only the constraints that a neighbourhood's free variables touch.

Fixing the decisions outside a neighbourhood in a clone of the whole model leaves CP-SAT's
presolve to remove the rest every round: on a 33-person ward (38.6 k variables, 77 k constraints)
that took 0.18 s of a 0.2-s round, so the search itself had 0.02 s. Here every variable is fixed
to the incumbent by default — decisions *and* the auxiliary variables the rules derive from them —
and a round opens only the decisions of its free cells plus the auxiliary variables that belong
to those cells; the sub-model holds just the constraints with an open variable.

Which cells an auxiliary variable belongs to is read off the model's structure, not from the
rules: a variable that appears in constraints over one employee's variables belongs to that
employee, over the days those variables span (a night-run indicator over days 3–5, a period-hours
sum over every day); a variable tied to several employees (cover slack, a fairness maximum) is
shared, and open when a free cell is on one of its days (always, if it has none). The result is
exact whatever that heuristic decides: fixing any variable to the incumbent's value keeps the
incumbent feasible, every constraint with an open variable is in the sub-model, and every other
constraint has all its variables at values that satisfy it.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

SHARED = -2
_UNKNOWN = -1
_BIG = np.iinfo(np.int64).max


def _refs(con: cp_model_pb2.ConstraintProto) -> list[int] | None:
    """Variable references of a constraint; None for a kind not read here (always kept)."""
    kind = con.WhichOneof("constraint")
    refs = list(con.enforcement_literal)
    if kind in ("bool_or", "bool_and", "exactly_one", "at_most_one"):
        refs += getattr(con, kind).literals
    elif kind == "linear":
        refs += con.linear.vars
    elif kind == "lin_max":
        refs += con.lin_max.target.vars
        for expr in con.lin_max.exprs:
            refs += expr.vars
    else:
        return None
    return refs


def plain_proto(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """The model as a protobuf library message, to read. Field by field, OR-Tools' own proto
    objects cost ~7 µs a constraint: 0.6 s of a ward's 77 k, every unit of a region solve.
    OR-Tools serialises a model only to a file, hence the temporary one."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.pb")
        if not model.export_to_file(path):
            raise RuntimeError("CP-SAT could not write the model out")
        with open(path, "rb") as f:
            return cp_model_pb2.CpModelProto.FromString(f.read())


class Structure:
    """Which constraints hold which variables, and which cells each variable belongs to."""

    def __init__(self, model: cp_model.CpModel, cells: dict[tuple[int, int], list[int]],
                 n_emp: int, n_days: int):
        proto = model.Proto()
        self.n_vars, self.n_emp, self.n_days = len(proto.variables), n_emp, n_days
        self.constraints = list(proto.constraints)
        lengths, flat, always = [], [], []
        for ci, con in enumerate(plain_proto(model).constraints):
            refs = _refs(con)
            if refs is None:
                always.append(ci)
                refs = []
            lengths.append(len(refs))
            flat += refs
        idx = np.asarray(flat, dtype=np.int64)
        self.var = np.where(idx < 0, -idx - 1, idx)  # entry -> variable
        self.con = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)  # entry -> con
        self.always = np.zeros(len(lengths), dtype=bool)
        self.always[always] = True
        # read when a round opens a variable: all ~40 k of a ward's up front took 0.3 s of a
        # unit's ~30 s in a region solve (the model's variables are not changed after this)
        self._variables = proto.variables
        self._domains: dict[int, list[int]] = {}
        obj = proto.objective
        self.obj_vars = np.asarray(list(obj.vars), dtype=np.int64)
        self.obj_coeffs = np.asarray(list(obj.coeffs), dtype=np.int64)
        self._owners(cells)

    def domain(self, i: int) -> list[int]:
        """Variable i's domain in the model (intervals: lo, hi, lo, hi, …); kept once read, as
        the rounds open the same variables again and again (7 µs a read, ~1 k reads a round)."""
        got = self._domains.get(i)
        if got is None:
            got = self._domains[i] = list(self._variables[i].domain)
        return got

    def _owners(self, cells: dict[tuple[int, int], list[int]]) -> None:
        """Employee and day span of every variable, level by level out from the decisions."""
        n, nc = self.n_vars, len(self.always)
        owner = np.full(n, _UNKNOWN, dtype=np.int64)
        lo = np.full(n, _BIG, dtype=np.int64)
        hi = np.full(n, -1, dtype=np.int64)
        self.decision = np.zeros(n, dtype=bool)
        for (e, d), idxs in cells.items():
            owner[idxs], lo[idxs], hi[idxs] = e, d, d
            self.decision[idxs] = True
        var, con = self.var, self.con
        while True:
            known = owner[var] >= 0
            ow = owner[var]
            cmin = np.full(nc, _BIG, dtype=np.int64)
            cmax = np.full(nc, -1, dtype=np.int64)
            np.minimum.at(cmin, con[known], ow[known])
            np.maximum.at(cmax, con[known], ow[known])
            clo = np.full(nc, _BIG, dtype=np.int64)
            chi = np.full(nc, -1, dtype=np.int64)
            np.minimum.at(clo, con[known], lo[var[known]])
            np.maximum.at(chi, con[known], hi[var[known]])
            local = (cmin == cmax) & (cmax >= 0)  # a constraint over one employee's variables
            # ... with no more unknown variables than known ones: a unit-wide rule over every
            # employee's indicators and one employee's decisions is not that employee's
            n_known = np.bincount(con[known], minlength=nc)
            n_unknown = np.bincount(con[ow == _UNKNOWN], minlength=nc)
            local &= n_unknown <= n_known
            sel = (ow == _UNKNOWN) & local[con]
            if not sel.any():
                break
            v, c = var[sel], con[sel]
            vmin = np.full(n, _BIG, dtype=np.int64)
            vmax = np.full(n, -1, dtype=np.int64)
            np.minimum.at(vmin, v, cmin[c])
            np.maximum.at(vmax, v, cmin[c])
            np.minimum.at(lo, v, clo[c])
            np.maximum.at(hi, v, chi[c])
            got = vmax >= 0
            owner[got & (vmin == vmax)] = vmin[got & (vmin == vmax)]
            owner[got & (vmin != vmax)] = SHARED
        # a shared variable's days: those of the decisions and owned variables it sits with
        # (a cover slack: its day), for neighbourhoods anchored on a penalty (scheduler/lns.py)
        rest = owner[var] == _UNKNOWN
        placed = ~rest & (hi[var] >= 0)
        clo = np.full(nc, _BIG, dtype=np.int64)
        chi = np.full(nc, -1, dtype=np.int64)
        np.minimum.at(clo, con[placed], lo[var[placed]])
        np.maximum.at(chi, con[placed], hi[var[placed]])
        np.minimum.at(lo, var[rest], clo[con[rest]])
        np.maximum.at(hi, var[rest], chi[con[rest]])
        owner[owner == _UNKNOWN] = SHARED
        self.owner, self.lo, self.hi = owner, lo, hi

    def open_mask(self, free: set[tuple[int, int]], margin: int = 0) -> np.ndarray:
        """The variables a neighbourhood opens: its cells' decisions, the derived variables of
        the same employee within `margin` days of them, and the shared variables within
        `margin` days of a free cell's day (or tied to no day)."""
        grid = np.zeros((self.n_emp, self.n_days + 1), dtype=np.int64)
        for e, d in free:
            grid[e, d + 1] = 1
        cum = np.cumsum(grid, axis=1)  # cum[e, d + 1] - cum[e, lo]: free cells of e in [lo, d]
        mask = self.owner == SHARED
        # a shared variable over days none of the free cells is on keeps its value: every
        # decision in its constraints is fixed (a cover slack of another day); one tied to no
        # day (a fairness maximum) is always open
        shared = np.nonzero(mask)[0]
        placed = self.hi[shared] >= 0
        on_day = np.concatenate(([0], np.cumsum(grid[:, 1:].sum(axis=0) > 0)))
        a = np.clip(self.lo[shared] - margin, 0, self.n_days - 1)
        b = np.clip(self.hi[shared] + margin, 0, self.n_days - 1)
        mask[shared] = ~placed | (on_day[b + 1] - on_day[a] > 0)
        loc = np.nonzero(self.owner >= 0)[0]
        e, a, b = self.owner[loc], self.lo[loc], self.hi[loc]
        derived = ~self.decision[loc]
        a = np.clip(np.where(derived, a - margin, a), 0, self.n_days - 1)
        b = np.clip(np.where(derived, b + margin, b), 0, self.n_days - 1)
        mask[loc] = cum[e, b + 1] - cum[e, a] > 0
        return mask

    def kept(self, mask: np.ndarray) -> np.ndarray:
        """Indices of the constraints with an open variable (and those of unread kinds)."""
        keep = self.always.copy()
        keep[self.con[mask[self.var]]] = True
        return np.nonzero(keep)[0]


class CompactModels:
    """One thread's sub-model, reused round after round: every variable fixed to the incumbent
    except the open ones, and only the constraints they touch. Re-fixing only what changed since
    the last round keeps a round's Python work to its own neighbourhood."""

    def __init__(self, model: cp_model.CpModel, structure: Structure, start: list[int],
                 margin: int = 0):
        self.s, self.margin = structure, margin
        self.model = model.Clone()
        proto = self.model.Proto()
        proto.constraints.clear()
        proto.clear_solution_hint()
        proto.objective.vars.clear()  # a round's objective: its open terms (the rest is fixed)
        proto.objective.coeffs.clear()
        self.vals = np.asarray(start, dtype=np.int64).copy()
        # each variable's domain field, fetched once: through `proto.variables[i]` every set
        # costs two more calls into OR-Tools (1.5 against 0.6 µs, ~2 k sets a round)
        self.domains = [var.domain for var in proto.variables]
        for i, v in enumerate(self.vals.tolist()):
            self._set(i, v, v)
        self._opened = np.zeros(0, dtype=np.int64)
        self._base: list[int] = list(start)  # the incumbent the last model was built on

    def _set(self, i: int, *bounds: int) -> None:
        """Variable i's domain to `bounds` ([lo, hi], or intervals with holes)."""
        dom = self.domains[i]
        if len(dom) == len(bounds) == 2:
            dom[0], dom[1] = bounds
        else:
            dom.clear()
            dom.extend(bounds)

    def build(self, free: set[tuple[int, int]], best: list[int]) -> cp_model.CpModel:
        s, proto = self.s, self.model.Proto()
        target = np.asarray(best, dtype=np.int64)
        mask = s.open_mask(free, self.margin)
        opened = np.nonzero(mask)[0]
        # fixed to the incumbent: what changed or was open last round, unless open again (a
        # variable open in both keeps its domain)
        stale = np.union1d(np.nonzero(self.vals != target)[0], self._opened)
        stale = stale[~mask[stale]]
        for i, v in zip(stale.tolist(), target[stale].tolist(), strict=True):
            self._set(i, v, v)
        self.vals = target  # a fresh array: `best` is the caller's list
        self._base = best
        for i in np.setdiff1d(opened, self._opened, assume_unique=True).tolist():
            self._set(i, *s.domain(i))
        self._opened = opened
        proto.constraints.clear()
        # one call for the whole list: a copy each through `add().copy_from` took 1.3 µs, 0.4 here
        constraints = s.constraints
        proto.constraints.extend([constraints[ci] for ci in s.kept(mask).tolist()])
        live = mask[s.obj_vars]
        obj = proto.objective
        obj.vars.clear()
        obj.coeffs.clear()
        obj.vars.extend(s.obj_vars[live].tolist())
        obj.coeffs.extend(s.obj_coeffs[live].tolist())
        proto.clear_solution_hint()
        proto.solution_hint.vars.extend(opened.tolist())
        proto.solution_hint.values.extend(target[opened].tolist())
        return self.model

    def solution(self, response) -> list[int]:
        """Every variable's value in the last model's solution: the incumbent it was built on,
        with its open variables read from `response`. Reading all ~40 k values of a ward's
        response took 14 ms, a pair round's whole search about 50."""
        got = response.solution
        vals = list(self._base)
        for i in self._opened.tolist():
            vals[i] = got[i]
        return vals
