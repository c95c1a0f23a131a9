"""Stage 03: the indicator catalog evaluated for every region.

Each catalog entry names a function in this package that returns a time series
(`region_code, year, value`, optional `level…` columns); the pace, grade, previous-year
grade, rank and projection are added here, the same way for every indicator.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from carbonpeak import grading, reference
from carbonpeak.indicators.intensity import energy_intensity_reduction

FUNCTIONS = {
    "energy_intensity_reduction": energy_intensity_reduction,
}

OUTPUT_COLUMNS = [
    "region_code", "region_name", "indicator_id", "name_zh", "year", "value", "unit",
    "baseline_year", "baseline_value", "target_year", "target_value", "stretch_target_value",
    "required_value", "stretch_required_value", "stretch_met", "status", "status_zh",
    "prev_value", "prev_status", "rank", "rank_of", "projected_value", "projection_year",
    "level", "level_baseline", "level_unit", "grading_preset", "quality_verdict",
    "not_rated_reason",
]


def targets_for(indicator_id: str, entry: dict, region_code: str) -> tuple[float, float | None]:
    """A municipality's own target where the province assigned one, else the provincial one."""
    own = reference.city_targets().get((region_code, indicator_id), {})
    return own.get("target", entry["target"]), own.get("stretch_target", entry.get("stretch_target"))


def project(series: pd.Series, to_year: int, window: int = 3) -> float:
    """Straight-line trend of the last `window` annual values, carried to `to_year`.

    A projection, labelled as such in reports; it says where the recent pace leads, not
    what will happen.
    """
    s = series.dropna().sort_index()
    if s.empty:
        return math.nan
    last = int(s.index[-1])
    if to_year <= last:
        return float(s.get(to_year, s.iloc[-1]))
    s = s.iloc[-window:]
    if len(s) < 2:
        return math.nan
    slope = np.polyfit(s.index.astype(float), s.to_numpy(dtype=float), 1)[0]
    return float(s.iloc[-1] + slope * (to_year - last))


def evaluate(indicator_id: str, entry: dict, tables: dict[str, pd.DataFrame], year: int,
             blocked: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One indicator for every region: (rows for `year`, the full series for charts).

    `blocked` maps region_code -> the reason its inputs failed the quality gate.
    """
    series = FUNCTIONS[entry["function"]](tables, entry)
    preset_name, preset = grading.preset_for(entry)
    names = {r["region_code"]: r["name"] for r in reference.regions()}
    higher = entry.get("higher_is_better", True)
    rows, full = [], []
    for region in reference.region_codes():
        target, stretch = targets_for(indicator_id, entry, region)
        s = series[series["region_code"] == region].set_index("year").sort_index()
        base_value = 0.0 if entry["kind"] == "intensity_reduction" else _at(s, "value",
                                                                           entry["baseline_year"])

        def required(y, tgt=target, base=base_value):
            return grading.required_value(entry["kind"], tgt, y, entry["baseline_year"],
                                          entry["target_year"], base)

        value, prev = _at(s, "value", year), _at(s, "value", year - 1)
        reason = blocked.get(region)
        if reason:
            value = prev = math.nan
        req = required(year)
        status = grading.grade(value, req, preset, higher, base_value)
        prev_status = (grading.grade(prev, required(year - 1), preset, higher, base_value)
                       if year - 1 > entry["baseline_year"] else grading.NOT_RATED)
        stretch_req = required(year, stretch) if stretch is not None else math.nan
        if not reason and math.isnan(value):
            reason = f"缺少{year}年数据"
        rows.append({
            "region_code": region, "region_name": names[region], "indicator_id": indicator_id,
            "name_zh": entry["name_zh"], "year": year, "value": value, "unit": entry["unit"],
            "baseline_year": entry["baseline_year"], "baseline_value": base_value,
            "target_year": entry["target_year"], "target_value": target,
            "stretch_target_value": stretch if stretch is not None else math.nan,
            "required_value": req, "stretch_required_value": stretch_req,
            "stretch_met": (bool(value >= stretch_req) if not math.isnan(value)
                            and not math.isnan(stretch_req) else pd.NA),
            "status": status, "status_zh": reference.grading()["status_zh"][status],
            "prev_value": prev, "prev_status": prev_status,
            "projected_value": math.nan if reason else project(s["value"], entry["target_year"])
            if "value" in s else math.nan,
            "projection_year": entry["target_year"],
            "level": math.nan if reason else _at(s, "level", year),
            "level_baseline": math.nan if reason else _at(s, "level_baseline", year),
            "level_unit": s["level_unit"].iloc[0] if "level_unit" in s and len(s) else "",
            "grading_preset": preset_name,
            "quality_verdict": "fail" if blocked.get(region) else "pass",
            "not_rated_reason": reason or "",
        })
        if not blocked.get(region) and len(s):
            yrs = [y for y in s.index if y <= year]
            full.append(pd.DataFrame({
                "region_code": region, "indicator_id": indicator_id, "year": yrs,
                "value": s.loc[yrs, "value"].to_numpy(),
                "required_value": [required(y) if y >= entry["baseline_year"] else math.nan
                                   for y in yrs],
                "stretch_required_value": [required(y, stretch) if stretch is not None
                                           and y >= entry["baseline_year"] else math.nan
                                           for y in yrs],
                "level": s.loc[yrs, "level"].to_numpy() if "level" in s else math.nan,
            }))
    out = pd.DataFrame(rows)
    munis = out["region_code"].isin(reference.municipality_codes()) & out["value"].notna()
    ranked = out.loc[munis, "value"].rank(ascending=not higher, method="min")
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[munis, "rank"] = ranked.astype("int64")
    out["rank_of"] = int(munis.sum())
    return out[OUTPUT_COLUMNS], (pd.concat(full, ignore_index=True) if full else pd.DataFrame())


def _at(s: pd.DataFrame, column: str, year: int) -> float:
    if column not in s or year not in s.index:
        return math.nan
    v = s.at[year, column]
    return float(v) if pd.notna(v) else math.nan


def compute_all(tables: dict[str, pd.DataFrame], year: int,
                blocked_by: dict[str, dict[str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every catalog indicator; `blocked_by[indicator_id][region]` holds not_rated reasons."""
    current, series = [], []
    for indicator_id, entry in reference.catalog().items():
        needed = entry.get("inputs", {})
        missing = [t for t in needed if tables.get(t) is None]
        if missing:
            reason = f"缺少输入表：{'、'.join(missing)}"
            blocked = dict.fromkeys(reference.region_codes(), reason)
            cur, ser = evaluate(indicator_id, entry, _empty_tables(needed), year, blocked)
        else:
            cur, ser = evaluate(indicator_id, entry, tables, year,
                                blocked_by.get(indicator_id, {}))
        current.append(cur)
        series.append(ser)
    return pd.concat(current, ignore_index=True), pd.concat(series, ignore_index=True)


def _empty_tables(needed: dict) -> dict[str, pd.DataFrame]:
    spec = reference.tables()
    return {t: pd.DataFrame(columns=list(spec[t]["columns"])) for t in needed}
