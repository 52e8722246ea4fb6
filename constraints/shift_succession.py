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
        pairs = [(s1, s2) for s1 in b.shift_options(e) for s2 in sb[s1].cannot_follow
                 if s2 in opts]
        for d in range(b.n_days - 1):
            for s1, s2 in pairs:
                b.forbid([b.shift(e, d, s1), b.shift(e, d + 1, s2)], RULE_ID,
                         f"{who(emp)}: shift successions",
                         Msg("{who}: {s1} on {d1} followed by {s2} on {d2}, a forbidden "
                             "succession", who=who(emp), s1=s1, s2=s2, d1=day_label(b, d),
                             d2=day_label(b, d + 1)), e=e, d=d + 1)


RULE = Rule(RULE_ID, "Kielletyt vuoroperäkkäisyydet (forbidden shift successions)", "hard",
            "Curtois & Qu: SECTION_SHIFTS cannot-follow", apply, BOTH)


def encode(ctx: Builder) -> None:
    apply(ctx)


def check(instance: Instance, roster: Roster, profile: Profile | None = None) -> CheckResult:
    return check_with(apply, instance, roster, profile)
