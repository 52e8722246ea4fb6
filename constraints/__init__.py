"""The rule catalogue: one module per rule, each with `apply` (the definition), `encode`, `check`.

`RULES` is discovered from the modules of this package that define `RULE`, in a stable order
(hard rules first), so adding a rule is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil

from constraints.base import CheckResult, Level, Penalty, Rule, Violation

_INFRA = {"base", "context", "evaluate", "checker", "kpi", "common"}


def _discover() -> list[Rule]:
    found: list[Rule] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in _INFRA or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(mod, "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    order = {"hard": 0, "soft": 1, "cost": 2}
    return sorted(found, key=lambda r: (order.get(r.kind, 9), r.id))


RULES: list[Rule] = _discover()
RULE_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}

__all__ = ["RULES", "RULE_BY_ID", "CheckResult", "Level", "Penalty", "Rule", "Violation"]
