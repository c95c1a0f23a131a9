"""Stage 03: every catalog indicator for every region, graded against the plan, and the
analyses the reports draw on (CO2 series, peak outlook, drivers, sectors, enterprise grades),
all from the inputs as they stood for the reporting year.

Notebook 03 calls `run_indicators`.
"""

from carbonpeak.indicators.as_of import as_of
from carbonpeak.indicators.engine import (
    FUNCTIONS,
    OUTPUT_COLUMNS,
    compute_all,
    evaluate,
    series_for,
    target_source,
    targets_for,
)
from carbonpeak.indicators.stage import run_indicators

__all__ = ["FUNCTIONS", "OUTPUT_COLUMNS", "as_of", "compute_all", "evaluate", "run_indicators",
           "series_for", "target_source", "targets_for"]
