"""Domain models, readers/writers and the instance generator. Imports nothing downstream."""

from instances.models import (
    Absence,
    Assignment,
    Demand,
    Employee,
    Instance,
    Profile,
    Roster,
    RuleSet,
    ShiftType,
    Unit,
    Wish,
)
from instances.validation import InputError

__all__ = ["Absence", "Assignment", "Demand", "Employee", "InputError", "Instance", "Profile",
           "Roster", "RuleSet", "ShiftType", "Unit", "Wish"]
