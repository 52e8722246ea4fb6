"""The rule interface: one definition of a rule, two interpretations.

A rule module defines `apply(b: Builder)` once, in terms of the small vocabulary below
(literals for "employee e works shift s on day d", and/or/not, comparisons, hard requirements and
weighted penalties). `encode(ctx)` runs it with the CP-SAT builder (`constraints.context`), and
`check(instance, roster)` runs it with the evaluating builder (`constraints.evaluate`), which
reads a finished roster and never touches the solver. The solver's objective therefore equals the
checker's total by construction, and tests with hand-made rosters pin each definition to what a
person expects.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from instances.models import Employee, Instance, Profile, RuleSet

# A literal is a CP-SAT boolean (solver) or a Python bool (evaluation); an expression is a linear
# expression or an int. Rules never look inside; they only combine them through the builder.
Lit = Any
Expr = Any


class Level(StrEnum):
    """TTL traffic-light level of a burden (kuormittavuus)."""

    ELEVATED = "elevated"  # kohonnut
    OVERLOAD = "overload"  # ylikuormittava
    STRONG = "strong"  # voimakkaasti ylikuormittava


FI_WEEKDAYS = ["ma", "ti", "ke", "to", "pe", "la", "su"]


@functools.cache  # a period has few dates and a checker run formats 1.6 M of them
def fdate(d: date) -> str:
    """Finnish short date, as on a printed roster: 3.3."""
    return f"{d.day}.{d.month}."


@functools.cache
def fmin(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    return f"{h} h" if m == 0 else f"{h} h {m} min"


class Msg:
    """A justification formatted only when somebody reads it (the solver builds many)."""

    __slots__ = ("template", "kw")

    def __init__(self, template: str, **kw: Any):
        self.template = template
        self.kw = kw

    def __str__(self) -> str:
        return self.template.format(**self.kw)


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    employee: str | None = None
    date: date | None = None


@dataclass(frozen=True)
class Penalty:
    rule: str
    term: str  # a Profile weight name
    amount: int
    weight: int
    message: str
    level: Level | None = None
    employee: str | None = None
    date: date | None = None
    multiplier: int = 1  # units of the term per unit of amount (e.g. cents per open shift)

    @property
    def total(self) -> int:
        return self.amount * self.weight


@dataclass
class CheckResult:
    violations: list[Violation] = field(default_factory=list)
    penalties: list[Penalty] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def objective(self) -> int:
        return sum(p.total for p in self.penalties)

    @property
    def feasible(self) -> bool:
        return not self.violations

    def extend(self, other: CheckResult) -> None:
        self.violations.extend(other.violations)
        self.penalties.extend(other.penalties)
        for k, v in other.metrics.items():
            if isinstance(v, list) and isinstance(self.metrics.get(k), list):
                self.metrics[k].extend(v)
            else:
                self.metrics[k] = v


class Builder(Protocol):
    """What a rule may use. Employees are indices into `employees`, days indices 0..n_days-1."""

    instance: Instance
    rules: RuleSet
    profile: Profile
    employees: Sequence[Employee]
    n_days: int
    is_eval: bool

    # --- facts about the roster (literals) ---
    def shift(self, e: int, d: int, s: str, u: str | None = None) -> Lit: ...
    def on(self, e: int, d: int) -> Lit: ...  # some shift starts on day d
    def free(self, e: int, d: int) -> Lit: ...  # whole calendar day without work (V)
    def ends_on(self, e: int, d: int, s: str) -> Lit: ...  # shift s ends on day d
    def shift_options(self, e: int) -> list[str]: ...  # shift types e may work at all

    # --- combinators ---
    def and_(self, *lits: Lit) -> Lit: ...
    def or_(self, *lits: Lit) -> Lit: ...
    def not_(self, lit: Lit) -> Lit: ...
    def ge(self, expr: Expr, k: int) -> Lit: ...
    def le(self, expr: Expr, k: int) -> Lit: ...
    def max_(self, exprs: Sequence[Expr], ub: int) -> Expr: ...

    # --- hard requirements (group: a human label used to explain infeasibility) ---
    def forbid(self, lits: Sequence[Lit], rule: str, group: str, msg: Msg, *, e: int | None = ...,
               d: int | None = ...) -> None: ...
    def require_any(self, lits: Sequence[Lit], rule: str, group: str, msg: Msg, *,
                    e: int | None = ..., d: int | None = ...) -> None: ...
    def require_range(self, expr: Expr, lo: int | None, hi: int | None, rule: str, group: str,
                      msg: Msg, *, e: int | None = ..., d: int | None = ...) -> None: ...

    # --- soft terms and reporting ---
    def penalty(self, rule: str, term: str, amount: Expr, msg: Msg, *, level: Level | None = ...,
                e: int | None = ..., d: int | None = ..., multiplier: int = ...) -> None: ...
    def metric(self, name: str, value: Callable[[], Any]) -> None: ...
    def value(self, expr: Expr) -> int: ...  # evaluation only


@dataclass(frozen=True)
class Rule:
    """Catalogue entry: id, the person-readable title and where the rule comes from."""

    id: str
    title: str
    kind: str  # "hard" | "soft" | "cost"
    source: str
    apply: Callable[[Builder], None]
    catalogues: frozenset[str] = frozenset({"finnish"})  # RuleSet.catalogue values it serves

    def active(self, instance: Instance) -> bool:
        return instance.rules.catalogue in self.catalogues


BOTH = frozenset({"finnish", "curtois"})


def iter_pairs(seq: Iterable[Any]) -> Iterable[tuple[Any, Any]]:
    items = list(seq)
    return zip(items, items[1:], strict=False)
