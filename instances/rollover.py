"""The previous period's roster carried onto this one: a warm start and a continuity reference.

Many Finnish units plan by a rotating list (kiertävä työvuorolista): the next period starts from
the last one's pattern, with this period's leave and wishes worked in. A previous period's rows
are dated before this period, so neither the warm start nor the continuity rule (which only reads
rows inside the period) can use them as they are. `carry_forward` repeats the previous roster's
cycle over this period: a cycle as long as the previous roster, rounded up to whole weeks, so
every row keeps its weekday (a 6-week list lands on the same days of a 6-week period; a 3-week
list fills it twice). What cannot be carried — employees who are not in this period, shift types
or units that no longer exist or that the employee may not work, days of leave — is dropped and
counted, so the planner sees what the start is made of.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from instances.models import Assignment, Instance
from instances.validation import InputError

# Why a previous row was not carried, as the planner reads it: Finnish first (the page's
# language), English in brackets as on every other label
REASONS = {
    "employee": ("työntekijä ei ole tällä jaksolla", "employee not in this period"),
    "shift": ("vuorotyyppiä ei ole tällä jaksolla", "shift type not in this period"),
    "unit": ("yksikkö, jossa työntekijä ei voi työskennellä",
             "unit the employee may not work in"),
    "contract": ("vuorotyyppi ei kuulu työntekijän sopimukseen",
                 "shift type outside the employee's contract"),
    "absence": ("osuu työntekijän lomalle tai poissaoloon",
                "falls on the employee's leave or absence"),
    "taken": ("työntekijälle on jo siirretty vuoro sille päivälle",
              "employee already carried a shift that day"),
}


@dataclass
class Carried:
    assignments: list[Assignment]
    cycle_days: int
    source_rows: int
    dropped: Counter = field(default_factory=Counter)  # reason key -> carried rows dropped
    ignored_rows: int = 0  # rows dated on or after the period start

    def summary(self) -> str:
        """One line for the planner: what the warm start is made of."""
        weeks, n, rows = self.cycle_days // 7, len(self.assignments), self.source_rows
        text = (f"{n} vuoroa siirretty edellisestä listasta, {weeks} viikon kierto, {rows} riviä "
                f"({n} shifts carried from the previous roster, a {weeks}-week cycle, "
                f"{rows} rows)")
        if self.dropped:
            text += "; ei siirretty (not carried): " + ", ".join(
                f"{k_n} × {REASONS[k][0]} ({REASONS[k][1]})"
                for k, k_n in self.dropped.most_common())
        if self.ignored_rows:
            text += (f"; {self.ignored_rows} riviä tällä jaksolla tai sen jälkeen ohitettu "
                     f"({self.ignored_rows} rows dated in or after this period ignored)")
        return text


def carry_forward(rows: list[Assignment], inst: Instance, source: str = "previous roster",
                  ) -> Carried:
    """This period's rows made by repeating the previous roster's cycle (see module doc).

    Raises `InputError` when no row is dated before the period: then it is not a previous
    period's roster (a roster of this period is a plain warm start, a hint)."""
    before = [a for a in rows if a.date < inst.start]
    if not before:
        raise InputError([f"{source}: no row is dated before the period start {inst.start}; "
                          "a previous period's roster ends before it"])
    first = min(a.date for a in before)
    cycle = 7 * math.ceil((inst.start - first).days / 7)
    emps = inst.employee_by_id
    out: list[Assignment] = []
    taken: set[tuple[str, int]] = set()
    dropped: Counter = Counter()
    for a in sorted(before, key=lambda a: (a.employee, a.date, a.shift)):
        offset = (a.date - inst.start).days % cycle
        for d in range(offset, inst.n_days, cycle):
            emp = emps.get(a.employee)
            unit = a.unit or (emp.home_unit if emp else "")
            if emp is None:
                why = "employee"
            elif a.shift not in inst.shift_by_id:
                why = "shift"
            elif unit not in emp.units:
                why = "unit"
            elif emp.shift_types is not None and a.shift not in emp.shift_types:
                why = "contract"
            elif d in inst.absent_days[emp.id]:
                why = "absence"
            elif (emp.id, d) in taken:
                why = "taken"
            else:
                taken.add((emp.id, d))
                out.append(Assignment(employee=emp.id, date=inst.days[d], shift=a.shift,
                                      unit=unit))
                continue
            dropped[why] += 1
    return Carried(assignments=out, cycle_days=cycle, source_rows=len(rows), dropped=dropped,
                   ignored_rows=len(rows) - len(before))
