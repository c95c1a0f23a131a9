"""Stage 06 of the monthly chain: the 1–N月 barometer (晴雨表): the 1–N月 series with CO2,
the lights against the year's targets and budgets, and the rest-of-year requirement.

Notebook 06 calls `run_barometer`.
"""

from carbonpeak.barometer.stage import run_barometer

__all__ = ["run_barometer"]
