"""Presentation helpers shared by the CLI and exports: grid codes and KPI labels (Finnish first)."""

from __future__ import annotations

from typing import Any

from instances.models import Instance, Roster

ABSENCE_CODES = {"vuosiloma": "L", "koulutus": "K", "sairausloma": "S", "muu": "P"}

KPI_LABELS: dict[str, str] = {
    "personnel_cost_eur": "Henkilöstökustannus € (personnel cost)",
    "open_shifts": "Avoimet vuorot (open shifts)",
    "open_shift_cost_eur": "Avointen vuorojen hinta € (substitute cost)",
    "burdens": "Kuormittavat vuorot TTL (burdens: elevated/overload/strong)",
    "single_days_off": "Yhden päivän vapaat (single days off)",
    "competence_coverage": "Osaamisen kattavuus (competence coverage)",
    "wishes_fulfilled": "Toiveiden toteutuminen (wishes fulfilled)",
    "hours_within_tolerance_4h": "Tunnit ±4 h tavoitteesta (hours within ±4 h)",
    "hours_deviation_mean_h": "Keskim. poikkeama tavoitetunneista h (mean hours deviation)",
    "fairness_max_spread": "Reiluus: suurin ero (fairness: max spread per FTE)",
    "hard_violations": "Ehdottomien sääntöjen rikkeet (hard violations)",
    "objective": "Tavoitefunktio (objective)",
    "planning_time_s": "Suunnitteluaika s (planning time)",
}


def day_codes(inst: Instance, roster: Roster) -> dict[str, list[str]]:
    """Per employee one code per day: shift id, V (whole day free), absence letter, or '' for
    the day a night shift ends (not a day off, DESIGN §2)."""
    by = {(a.employee, inst.day_index(a.date)): a.shift for a in roster.assignments
          if inst.start <= a.date <= inst.end}
    kinds: dict[tuple[str, int], str] = {}
    for ab in inst.absences:
        for d in inst.absent_days.get(ab.employee, set()):
            if ab.start <= inst.days[d] <= ab.end:
                kinds[(ab.employee, d)] = ABSENCE_CODES.get(ab.kind.value, "P")
    out: dict[str, list[str]] = {}
    for emp in inst.employees:
        codes = []
        for d in range(inst.n_days):
            s = by.get((emp.id, d))
            prev = by.get((emp.id, d - 1))
            if s is not None:
                codes.append(s)
            elif (emp.id, d) in kinds:
                codes.append(kinds[(emp.id, d)])
            elif prev is not None and inst.shift_by_id[prev].crosses_midnight:
                codes.append("")
            else:
                codes.append("V")
        out[emp.id] = codes
    return out


def format_kpi(key: str, value: Any) -> str:
    if key == "burdens" and isinstance(value, dict):
        return " / ".join(str(value.get(k, 0)) for k in ("elevated", "overload", "strong"))
    if key in ("competence_coverage", "wishes_fulfilled", "hours_within_tolerance_4h"):
        return f"{100 * float(value):.1f} %"
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return str(value)


def kpi_rows(kpis: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [(KPI_LABELS[k], format_kpi(k, kpis[k])) for k in KPI_LABELS if k in kpis]
    for r in kpis.get("staffing_ratio", []):
        rows.append((f"Mitoitus {r['unit']} {r['window_start']}–{r['window_end']} "
                     f"(staffing ratio, legal {r['legal_ratio']})",
                     f"{r['ratio_realised']:.3f}" + (f", vajaus {r['shortfall_hours']:.1f} h"
                                                    if r.get("shortfall_hours") else "")))
    return rows
