"""The CP-SAT interpretation of the rule vocabulary (the encode context).

Decision variables x[e, d, s, u] exist only where employee e may work shift s in unit u on day d
(allowed unit, contract shift type, the unit runs that shift that day, no absence), so impossible
facts are the Python constant False and every combinator folds constants away: the model only
holds what can actually vary. Derived literals are cached so a rule may ask for them freely.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from ortools.sat.python import cp_model

from constraints.base import Expr, Level, Lit, Msg
from instances.models import Instance, Profile


def _is_const(x: Any) -> bool:
    return isinstance(x, (bool, int))


def _key(lit: Any) -> int:
    return lit.index


def decision_keys(inst: Instance) -> Iterator[tuple[int, int, str, str]]:
    """(employee index, day, shift, unit) of every decision a model of `inst` has: a shift the
    employee may work on a day the unit asks for it (or one locked to them), not while absent.
    Counting them costs a twentieth of creating the variables (Instance24: 1.04 M, 0.2 s/4 s)."""
    runs: dict[tuple[str, int], set[str]] = defaultdict(set)
    for dm in inst.demand:
        runs[(dm.unit, inst.day_index(dm.date))].add(dm.shift)
    order = [s.id for s in inst.shift_types]
    for e, emp in enumerate(inst.employees):
        allowed = set(emp.shift_types) if emp.shift_types is not None else set(order)
        absent = inst.absent_days[emp.id]
        locked = {(inst.day_index(lk.date), lk.shift, lk.unit or emp.home_unit)
                  for lk in emp.locked}
        for d in range(inst.n_days):
            if d in absent:
                continue
            for u in emp.units:
                for s in order:
                    if (s in allowed and s in runs.get((u, d), ())) or (d, s, u) in locked:
                        yield (e, d, s, u)


class EncodeContext:
    is_eval = False

    def __init__(self, instance: Instance, profile: Profile | None = None, *,
                 explain: bool = False, model: cp_model.CpModel | None = None):
        self.instance = instance
        self.rules = instance.rules
        self.profile = profile or Profile()
        self.employees = instance.employees
        self.n_days = instance.n_days
        self.model = model or cp_model.CpModel()
        self.explain = explain
        self.groups: dict[str, cp_model.IntVar] = {}
        self.objective_terms: list[tuple[int, Expr, str]] = []  # (weight, amount, rule)
        # index in objective_terms -> the profile's weight name (wish, burden_strong, …)
        self.term_of: dict[int, str] = {}
        self.term_amounts: dict[str, list[Expr]] = {}  # Profile term -> its amounts
        self.x: dict[tuple[int, int, str, str], cp_model.IntVar] = {}
        self._cache: dict[Any, Any] = {}
        # shift(e, d, s) and on(e, d) answered once each: the rules ask ~300 k times for a
        # 35-person ward's ~15 k, and its unit models are built afresh in every region round
        self._lit: dict[tuple, Lit] = {}
        self._options: dict[int, list[str]] = defaultdict(list)
        self._build_variables()

    # ---------------------------------------------------------------- variables
    def _build_variables(self) -> None:
        order = [s.id for s in self.instance.shift_types]
        opts: dict[int, set[str]] = defaultdict(set)
        for key in decision_keys(self.instance):
            e, d, s, u = key
            self.x[key] = self.model.NewBoolVar(f"x{e}_{d}_{s}_{u}")
            opts[e].add(s)
        for e in range(len(self.employees)):
            self._options[e] = [s for s in order if s in opts[e]]

    def shift_options(self, e: int) -> list[str]:
        return self._options[e]

    def _sum_lit(self, key: Any, parts: list[Any]) -> Lit:
        """A literal equal to a sum of literals known to be at most 1."""
        parts = [p for p in parts if p is not False]
        if not parts:
            return False
        if len(parts) == 1:
            return parts[0]
        if key not in self._cache:
            v = self.model.NewBoolVar(str(key))
            self.model.Add(v == sum(parts))
            self._cache[key] = v
        return self._cache[key]

    def shift(self, e: int, d: int, s: str, u: str | None = None) -> Lit:
        if u is not None:
            return self.x.get((e, d, s, u), False)
        key = (e, d, s)
        got = self._lit.get(key)
        if got is None:
            if not 0 <= d < self.n_days:
                return False
            got = self._lit[key] = self._sum_lit(
                ("w", e, d, s), [self.x.get((e, d, s, uu), False)
                                 for uu in self.employees[e].units])
        return got

    def on(self, e: int, d: int) -> Lit:
        key = (e, d)
        got = self._lit.get(key)
        if got is None:
            if not 0 <= d < self.n_days:
                return False
            got = self._lit[key] = self._sum_lit(
                ("on", e, d), [self.shift(e, d, s) for s in self._options[e]])
        return got

    def _cross(self, e: int, d: int) -> Lit:
        """A shift starting on day d that runs past midnight."""
        if not 0 <= d < self.n_days:
            return False
        sb = self.instance.shift_by_id
        return self._sum_lit(("cross", e, d), [self.shift(e, d, s) for s in self._options[e]
                                               if sb[s].crosses_midnight])

    def free(self, e: int, d: int) -> Lit:
        if not 0 <= d < self.n_days:
            return True
        return self.and_(self.not_(self.on(e, d)), self.not_(self._cross(e, d - 1)))

    def ends_on(self, e: int, d: int, s: str) -> Lit:
        st = self.instance.shift_by_id[s]
        return self.shift(e, d - 1, s) if st.crosses_midnight else self.shift(e, d, s)

    # ---------------------------------------------------------------- combinators
    def not_(self, lit: Lit) -> Lit:
        return (not lit) if isinstance(lit, bool) else lit.Not()

    def and_(self, *lits: Lit) -> Lit:
        parts = []
        for lit in lits:
            if lit is False:
                return False
            if lit is not True:
                parts.append(lit)
        if not parts:
            return True
        if len(parts) == 1:
            return parts[0]
        key = ("and", tuple(sorted(_key(p) for p in parts)))
        if key not in self._cache:
            b = self.model.NewBoolVar("and")
            self.model.AddBoolAnd(parts).OnlyEnforceIf(b)
            self.model.AddBoolOr([p.Not() for p in parts]).OnlyEnforceIf(b.Not())
            self._cache[key] = b
        return self._cache[key]

    def or_(self, *lits: Lit) -> Lit:
        return self.not_(self.and_(*[self.not_(x) for x in lits]))

    def ge(self, expr: Expr, k: int) -> Lit:
        if _is_const(expr):
            return int(expr) >= k
        b = self.model.NewBoolVar("ge")
        self.model.Add(expr >= k).OnlyEnforceIf(b)
        self.model.Add(expr <= k - 1).OnlyEnforceIf(b.Not())
        return b

    def le(self, expr: Expr, k: int) -> Lit:
        return self.not_(self.ge(expr, k + 1))

    def max_(self, exprs: Sequence[Expr], ub: int, lb: int = 0) -> Expr:
        exprs = list(exprs)
        if all(_is_const(x) for x in exprs):
            return max(int(x) for x in exprs)
        v = self.model.NewIntVar(lb, ub, "max")
        self.model.AddMaxEquality(v, exprs)
        # the same facts as plain linear rows, for the LP: CP-SAT linearises a max only at
        # linearization level 2, and a minimised penalty needs just "v ≥ each part". On Curtois
        # Instance12 the 30 s bound went from 10 to 3635 (best known 4040).
        for x in exprs:
            if not _is_const(x):
                self.model.Add(v >= x)
        return v

    # ---------------------------------------------------------------- hard requirements
    def guard(self, group: str) -> list[Any]:
        if not self.explain:
            return []
        if group not in self.groups:
            self.groups[group] = self.model.NewBoolVar(f"assume:{group}")
        return [self.groups[group]]

    def _impossible(self, group: str) -> None:
        self.model.AddBoolOr([]).OnlyEnforceIf(self.guard(group))

    def forbid(self, lits: Sequence[Lit], rule: str, group: str, msg: Msg, *,
               e: int | None = None, d: int | None = None) -> None:
        parts = []
        for lit in lits:
            if lit is False:
                return
            if lit is not True:
                parts.append(lit)
        if not parts:
            self._impossible(group)
            return
        self.model.AddBoolOr([p.Not() for p in parts]).OnlyEnforceIf(self.guard(group))

    def require_any(self, lits: Sequence[Lit], rule: str, group: str, msg: Msg, *,
                    e: int | None = None, d: int | None = None) -> None:
        parts = []
        for lit in lits:
            if lit is True:
                return
            if lit is not False:
                parts.append(lit)
        if not parts:
            self._impossible(group)
            return
        self.model.AddBoolOr(parts).OnlyEnforceIf(self.guard(group))

    def require_range(self, expr: Expr, lo: int | None, hi: int | None, rule: str, group: str,
                      msg: Msg, *, e: int | None = None, d: int | None = None) -> None:
        if _is_const(expr):
            v = int(expr)
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                self._impossible(group)
            return
        g = self.guard(group)
        if lo is not None:
            self.model.Add(expr >= lo).OnlyEnforceIf(g)
        if hi is not None:
            self.model.Add(expr <= hi).OnlyEnforceIf(g)

    # ---------------------------------------------------------------- soft terms
    def penalty(self, rule: str, term: str, amount: Expr, msg: Msg, *,
                level: Level | None = None, e: int | None = None, d: int | None = None,
                multiplier: int = 1) -> None:
        w = getattr(self.profile, term) * multiplier
        if w == 0 or (_is_const(amount) and int(amount) == 0):
            return
        self.term_of[len(self.objective_terms)] = term
        self.objective_terms.append((w, amount, rule))
        self.term_amounts.setdefault(term, []).append(amount)

    def metric(self, name: str, value: Any) -> None:  # reporting happens in the checker only
        return None

    def value(self, expr: Expr) -> int:
        raise TypeError("value() is only available when evaluating a finished roster")

    # ---------------------------------------------------------------- objective
    def objective(self, factors: dict[str, int] | None = None) -> Expr:
        """The weighted sum of the soft terms; `factors` multiplies the weights of the named
        profile terms (a search objective that goes after those terms first)."""
        if not factors:
            return sum(w * a for w, a, _ in self.objective_terms)
        return sum(w * factors.get(self.term_of.get(i, ""), 1) * a
                   for i, (w, a, _) in enumerate(self.objective_terms))
