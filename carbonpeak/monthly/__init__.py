"""The monthly 1–N月 barometer (晴雨表): cumulative periods, revisions between monthly
files, the 1–N月 series with CO2, the lights and the rest-of-year requirement."""

from carbonpeak.monthly.stage import run_barometer

__all__ = ["run_barometer"]
