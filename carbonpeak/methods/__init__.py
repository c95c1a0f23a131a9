"""Pure calculation methods: no I/O, every factor and cut-point is passed in by the caller."""

from carbonpeak.methods.carbon_efficiency import carbon_efficiency, energy_budget_tier
from carbonpeak.methods.co2 import co2_by_row, co2_from_energy
from carbonpeak.methods.credit_code import (
    credit_code_check_char,
    credit_code_problem,
    is_valid_credit_code,
)
from carbonpeak.methods.lmdi import decompose_intensity, log_mean

__all__ = [
    "carbon_efficiency",
    "co2_by_row",
    "co2_from_energy",
    "credit_code_check_char",
    "credit_code_problem",
    "decompose_intensity",
    "energy_budget_tier",
    "is_valid_credit_code",
    "log_mean",
]
