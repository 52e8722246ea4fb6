"""Small helpers shared by the ergonomics rules (DESIGN §3 soft 1–8, TTL traffic lights).

Not a rule (defines no `RULE`). Everything here either builds literals through the builder
vocabulary only, or formats message fields lazily: a `Lazy` field is computed when the message is
read, which only the evaluator does, so reading the roster inside it never touches the solver.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from constraints.base import Builder, Level, Lit, Msg, fdate

# TTL traffic-light levels as printed for a unit manager.
TTL_FI = {Level.ELEVATED: "kohonnut", Level.OVERLOAD: "ylikuormittava",
          Level.STRONG: "voimakkaasti ylikuormittava"}
_TERM = {lvl: f"burden_{lvl.value}" for lvl in TTL_FI}  # built once: 0.7 M burdens on a region


class Lazy:
    """A message field computed only when the message is formatted (evaluation only)."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], Any]):
        self.fn = fn

    def __format__(self, spec: str) -> str:
        return format(self.fn(), spec)

    def __str__(self) -> str:
        return str(self.fn())


def burden(b: Builder, rule: str, level: Level, amount: Any, msg: Msg, *, e: int,
           d: int | None) -> None:
    """A TTL burden item: term burden_<level>, the level set, `{ttl}` in the message filled."""
    msg.kw.setdefault("ttl", TTL_FI[level])
    b.penalty(rule, _TERM[level], amount, msg, level=level, e=e, d=d)


def any_shift(b: Builder, e: int, d: int, shifts: Sequence[str]) -> Lit:
    """Employee e starts one of `shifts` on day d (exact; a single shift is its own literal)."""
    return b.or_(*[b.shift(e, d, s) for s in shifts])


def span(b: Builder, d1: int, d2: int) -> str:
    """Dates of day indices d1..d2 as on a printed roster: 1.3.–7.3."""
    days = b.instance.days
    return fdate(days[d1]) if d1 == d2 else f"{fdate(days[d1])}–{fdate(days[d2])}"


def worked(b: Builder, e: int, d: int, shifts: Sequence[str]) -> Lazy:
    """The shift of `shifts` actually worked on day d (for messages; evaluation only)."""
    def pick() -> str:
        for s in shifts:
            if b.value(b.shift(e, d, s)):
                return s
        return "/".join(shifts)
    return Lazy(pick)


def run_length(b: Builder, d: int, holds: Callable[[int], Lit]) -> int:
    """Length of the run of days from d on where `holds(t)` is true (evaluation only)."""
    t = d
    while t < b.n_days and b.value(holds(t)):
        t += 1
    return t - d
