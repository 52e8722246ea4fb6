"""Named priority profiles (DESIGN §6): weight vectors over the soft terms."""

from __future__ import annotations

from instances.models import Profile

_BASE = Profile()


def _scaled(name: str, **factors: float) -> Profile:
    data = _BASE.model_dump()
    data["name"] = name
    for key, f in factors.items():
        data[key] = int(round(data[key] * f))
    return Profile(**data)


PROFILES: dict[str, Profile] = {
    "balanced": _BASE.model_copy(update={"name": "balanced"}),
    # units with many sick leaves: burdens and single days off weigh three times as much
    "ergonomics": _scaled("ergonomics", burden_elevated=3, burden_overload=3, burden_strong=3,
                          single_day_off=3, missing_free_weekend=2),
    "wishes": _scaled("wishes", wish=4, fairness=2),
    "cost": _scaled("cost", cost_cent=3, hours_deviation_minute=0.5),
    "continuity": _BASE.model_copy(update={"name": "continuity", "continuity_change": 30_000}),
}

PROFILE_LABELS = {
    "balanced": "Tasapainoinen (balanced)",
    "ergonomics": "Ergonomia ensin (ergonomics first)",
    "wishes": "Toiveet ensin (wishes first)",
    "cost": "Edullisin (lowest cost)",
    "continuity": "Pysyvyys (fewest changes)",
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown profile '{name}'; choose one of {', '.join(PROFILES)}") from None
