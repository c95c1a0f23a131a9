"""The 1–N月 barometer (晴雨表): cumulative data graded against the annual target.

Intensity change on the same period last year (E net of feedstock, g the 1–N月 growth of
value added at comparable prices, %):

    change = [E_ytd(t) / E_ytd(t−1y)] / (1 + g/100) − 1

Lights (NDRC 2021, 发改办环资〔2021〕629号): red = the intensity rose; yellow = fell, less
than the annual target asks; green = met. Total CO2 against the annual budget pro-rated by
last year's monthly profile: green ≤ the pro-rated budget, yellow above it by at most
`barometer.co2_total_yellow_tolerance` (grading.yml), red beyond.
"""

from __future__ import annotations

import math

import pandas as pd

from carbonpeak import reference
from carbonpeak.period import Period
from carbonpeak.status import GREEN, NOT_RATED, RED, YELLOW

INDICATORS = {  # report order
    "energy_intensity": {"name_zh": "单位工业增加值能耗", "unit": "%", "column": "energy"},
    "co2_intensity": {"name_zh": "单位工业增加值二氧化碳排放", "unit": "%", "column": "co2"},
    "co2_total": {"name_zh": "工业二氧化碳排放总量", "unit": "万吨", "column": "co2"},
}


def settings() -> dict:
    return reference.grading().get("barometer", {})


def intensity_change(e_now: float, e_last: float, growth: float) -> float:
    """% change of the 1–N月 intensity on the same period last year."""
    return 100 * ((e_now / e_last) / (1 + growth / 100) - 1)


def grade_intensity(change: float, target_reduction: float) -> str:
    """red = rose; yellow = fell by less than the target; green = fell by at least it."""
    eps = settings().get("equal_within", 1e-9)
    if change > eps:
        return RED
    return GREEN if change <= -target_reduction + eps else YELLOW


def prorated_budget(budget: float, last_ytd: float, last_full: float) -> float:
    """The annual budget × the share of last year's annual CO2 emitted in its 1–N月."""
    return budget * last_ytd / last_full


def grade_total(value: float, allowed: float) -> str:
    tol = settings().get("co2_total_yellow_tolerance", 0.03)
    if value <= allowed:
        return GREEN
    return YELLOW if value <= allowed * (1 + tol) else RED


def rest_of_year_intensity(change: float, target_reduction: float, last_ytd: float,
                           last_full: float) -> float:
    """% change on the same months of last year the remaining months must achieve so that
    the year meets the target, assuming value added of the remaining months grows at the
    1–N月 rate: with w = last year's 1–N月 share of its annual energy (or CO2),
    (1 − target) = w·(1 + change) + (1 − w)·(1 + rest). NaN for 1–12月."""
    w = last_ytd / last_full
    if w >= 1:
        return math.nan
    return 100 * (((1 - target_reduction / 100) - w * (1 + change / 100)) / (1 - w) - 1)


def rest_of_year_total(budget: float, value: float, last_ytd: float, last_full: float
                       ) -> tuple[float, float]:
    """(万吨 of the budget left for the remaining months, the % change on last year's same
    months that uses exactly that). NaN for 1–12月."""
    last_rest = last_full - last_ytd
    if last_rest <= 0:
        return math.nan, math.nan
    left = budget - value
    return left, 100 * (left / last_rest - 1)


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x)


def annual_target(region: str, year: int, indicator_id: str) -> dict | None:
    """The region's annual target (annual_targets.csv); a county-level unit without a row of
    its own takes its city's, its source saying so (采用所属设区市目标：…)."""
    own = reference.annual_targets().get((region, year, indicator_id))
    if own or reference.level(region) != "county":
        return own
    city = reference.annual_targets().get((reference.parent(region), year, indicator_id))
    if not city:
        return None
    inherited = reference.grading()["inherited_target_zh"]
    source = city["source_zh"]
    return {**city, "source_zh": f"{inherited}：{source}" if source else inherited}


def by_region(series: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """region -> period -> the series' row as a dict: split once, read by every light of
    every region and month (a grading call then touches no frame)."""
    out: dict[str, dict[str, dict]] = {}
    for r in series.to_dict("records"):
        out.setdefault(str(r["region_code"]), {})[str(r["period"])] = r
    return out


def grade_period(series: pd.DataFrame | None, period: Period, region: str,
                 blocked: bool = False, rows: dict[str, dict] | None = None) -> list[dict]:
    """The three lights of one region for one period, from the 1–N月 series (this year and
    last year, dated up to the barometer's period); `rows`: the region's part of
    by_region(series), when the caller grades many regions."""
    by = rows if rows is not None else by_region(series).get(region, {})
    now, last = period.key, period.same_period_last_year().key
    last_dec = Period(period.year - 1, 12, annual=False).key

    def get(p, col):
        return by[p].get(col) if p in by else None

    growth = get(now, "value_added_growth")
    out = []
    for ind, meta in INDICATORS.items():
        col = meta["column"]
        v_now, v_last, v_full = get(now, col), get(last, col), get(last_dec, col)
        row = {"indicator_id": ind, "value": math.nan, "required": math.nan,
               "annual_target": math.nan, "status": NOT_RATED, "status_reason": "",
               "estimated": bool(col == "co2" and any(
                   bool(get(p, "co2_estimated")) for p in (now, last) if p in by)),
               "rest_required": math.nan, "rest_change": math.nan, "target_source_zh": "",
               "illustrative": False}
        if ind == "co2_total":
            target = reference.carbon_budgets().get((region, period.year))
            if target:
                row.update(annual_target=target["co2_budget"],
                           target_source_zh=target["source_zh"],
                           illustrative=target["illustrative"])
        else:
            target = annual_target(region, period.year, ind)
            if target:
                row.update(annual_target=target["target_reduction"],
                           required=-target["target_reduction"],
                           target_source_zh=target["source_zh"],
                           illustrative=target["illustrative"])
        ok_now = not _nan(v_now) and (ind == "co2_total" or not _nan(growth))
        if ind == "co2_total":
            if ok_now:
                row["value"] = float(v_now)
            if target and not _nan(v_last) and not _nan(v_full) and v_full > 0:
                row["required"] = prorated_budget(target["co2_budget"], v_last, v_full)
                if ok_now and period.month < 12:
                    row["rest_required"], row["rest_change"] = rest_of_year_total(
                        target["co2_budget"], float(v_now), v_last, v_full)
            rateable = ok_now and not _nan(v_last) and not _nan(v_full) and v_full > 0
        else:
            rateable = ok_now and not _nan(v_last) and v_last > 0
            if rateable:
                row["value"] = intensity_change(v_now, v_last, growth)
                if target and period.month < 12 and not _nan(v_full) and v_full > 0:
                    row["rest_required"] = rest_of_year_intensity(
                        row["value"], target["target_reduction"], v_last, v_full)
        if blocked:
            row["status_reason"] = "failed_quality"
        elif not rateable:
            row["status_reason"] = "no_data"
        elif not target:
            row["status_reason"] = "no_target"
        elif ind == "co2_total":
            row["status"] = grade_total(row["value"], row["required"])
        else:
            row["status"] = grade_intensity(row["value"], target["target_reduction"])
        out.append(row)
    return out
