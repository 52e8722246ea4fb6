"""Hard — forbidden shift successions: a shift type listed in `ShiftType.cannot_follow` of the
shift worked on day d may not be worked on day d+1 (Curtois & Qu: "shifts which cannot follow").

Serves both catalogues; a no-op where no shift type lists successors (the Finnish rules express
rest through `daily_rest` instead). Across the horizon edges nothing is known, so only pairs of
days inside the horizon are checked.
"""

from __future__ import annotations

from constraints.base import BOTH, Builder, CheckResult, Msg, Rule
from constraints.common import who
from constraints.curtois_util import day_label
from constraints.evaluate import check_with
from instances.models import Instance, Profile, Roster

RULE_ID = "shift_succession"


def apply(b: Builder) -> None:
    sb = b.instance.shift_by_id
    if not any(st.cannot_follow for st in b.instance.shift_types):
        return
    for e, emp in enumerate(b.employees):
        opts = set(b.shift_options(e))
        group = f"{who(emp)}: shift successions"
        if not b.is_eval:
            _encode_cliques(b, e, opts, group)
            continue
        pairs = [(s1, s2) for s1 in b.shift_options(e) for s2 in sb[s1].cannot_follow
                 if s2 in opts]
        for d in range(b.n_days - 1):
            for s1, s2 in pairs:
                b.forbid([b.shift(e, d, s1), b.shift(e, d + 1, s2)], RULE_ID, group,
                         Msg("{who}: {s1} on {d1} followed by {s2} on {d2}, a forbidden "
                             "succession", who=who(emp), s1=s1, s2=s2, d1=day_label(b, d),
                             d2=day_label(b, d + 1)), e=e, d=d + 1)


def _encode_cliques(b: Builder, e: int, opts: set[str], group: str) -> None:
    """The solver's form of the same rule: one "at most one" per day and successor set.

    For every distinct set F of forbidden successors, G = the shift types whose list contains all
    of F; then at most one of "G on day d" ∪ "F on day d+1" holds. With at most one shift a day,
    that admits exactly the rosters without a forbidden pair (every pair of G × F is forbidden,
    and every forbidden pair (s1, s2) lies in the clique of F = successors of s1). It replaces one
    clause per pair (11 M on Instance24, two minutes of model building) by ~10 rows per employee
    and day, and its LP relaxation is the clique inequality instead of pairwise ones.
    """
    sb = b.instance.shift_by_id
    cliques: dict[frozenset[str], set[str]] = {}
    for s1 in b.shift_options(e):
        succ = frozenset(s2 for s2 in sb[s1].cannot_follow if s2 in opts)
        if succ:
            cliques.setdefault(succ, set())
    for succ, firsts in cliques.items():
        firsts.update(s1 for s1 in b.shift_options(e) if succ <= set(sb[s1].cannot_follow))
    msg = Msg("{who}: a forbidden shift succession", who=who(b.employees[e]))
    for succ, firsts in cliques.items():
        for d in range(b.n_days - 1):
            lits = [b.shift(e, d, s) for s in firsts] + [b.shift(e, d + 1, s) for s in succ]
            b.require_range(sum(lits), None, 1, RULE_ID, group, msg, e=e, d=d + 1)


RULE = Rule(RULE_ID, "Kielletyt vuoroperäkkäisyydet (forbidden shift successions)", "hard",
            "Curtois & Qu: SECTION_SHIFTS cannot-follow", apply, BOTH)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
