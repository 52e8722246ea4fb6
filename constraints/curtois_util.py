"""Helpers shared by the benchmark-style rule modules (Curtois & Qu): day labels and run limits.

A run rule is defined on a row of literals, one per day ("works", or "is off"). Outside the
horizon the roster is unknown, so a too-short run touching the first or last day is exempt, and a
too-long run is counted from the days inside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from constraints.base import Builder, Lit, Msg, fdate


def day_label(b: Builder, d: int) -> str:
    """'3.1. (day 2)': the calendar date and the benchmark's 0-based day index."""
    return f"{fdate(b.instance.days[d])} (day {d})"


def forbid_short_runs(b: Builder, lits: Sequence[Lit], k: int, rule: str, group: str,
                      msg: Callable[[int, int], Msg], *, e: int) -> None:
    """No run of true `lits` shorter than `k` unless it touches the first or last day.

    The definition (and the checker: one violation per short run) forbids each pattern
    ¬l[d−1] ∧ l[d..d+L−1] ∧ ¬l[d+L] with 1 ≤ d, L < k, d+L ≤ n−1. The solver posts the equivalent
    clauses ¬l[d−1] ∧ l[d] → l[d+j] (j < k, d+j ≤ n−1): each is a sub-clause of a pattern, so
    they propagate and relax strictly better, and they admit exactly the same rosters (a run
    started at d that stops at d+j < d+k inside the horizon is a short pattern, and back).
    `msg(start, length)` builds the justification of a short run.
    """
    n = len(lits)
    if k <= 1:
        return
    for d in range(1, n):
        if b.is_eval:
            for length in range(1, k):
                if d + length > n - 1:
                    break
                b.forbid([b.not_(lits[d - 1]), *lits[d:d + length], b.not_(lits[d + length])],
                         rule, group, msg(d, length), e=e, d=d)
        else:
            for j in range(1, k):
                if d + j > n - 1:
                    break
                b.forbid([b.not_(lits[d - 1]), lits[d], b.not_(lits[d + j])], rule, group,
                         msg(d, j), e=e, d=d)


def limit_long_runs(b: Builder, lits: Sequence[Lit], k: int, rule: str, group: str,
                    msg: Callable[[int], Msg], *, e: int) -> None:
    """No more than `k` true `lits` in a row: every window of k+1 days holds at most k.

    One violation per window of k+1 days fully true (a run of k+2 days breaks two windows).
    `msg(first_day_of_window)` builds the justification.
    """
    n = len(lits)
    for d in range(0, n - k):
        b.require_range(sum(lits[d:d + k + 1]), None, k, rule, group, msg(d), e=e, d=d + k)
