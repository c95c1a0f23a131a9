"""Stage 02: the data-quality gate. Great Expectations suites from expectations/ (one per
table, plus the checks derived from the table specs), the monthly cross-row checks, and the
verdict per region; findings at error level leave the indicators they feed 未评级.

Notebook 02 calls `run_quality`; stage 03 reads the results through `load_results`.
"""

from carbonpeak.quality.check import blocked_by, check, load_results, region_verdicts
from carbonpeak.quality.stage import run_quality
from carbonpeak.quality.suites import settings

__all__ = ["blocked_by", "check", "load_results", "region_verdicts", "run_quality", "settings"]
