"""Illustrative monthly 1–N月 sample (示例数据), 2024-02 … 2026-10, one file per month.

Derived from the annual sample at generation time: 1–12月 of 2024 and 2025 equal the
annual industry_annual rows (energy, feedstock, growth) and the province is the sum of the
cities. Seasonality: the Spring Festival dip in 1–2月, a flatter middle of the year, a rise
towards December (electricity peaks in July–August). 2026 has no annual data: it continues
from 2025 with plausible growth and a planted 1–N月 intensity change per city:

- 金华 (330700) turns red in 1–5月 (intensity up on 2025) through 1–7月, then recovers
  (yellow from 1–8月);
- 嘉兴 (330400) slides from green (to 1–6月) to yellow (from 1–7月);
- 宁波 (330200) stays yellow; the other cities are green;
- 台州 (331000): the 2026-07 file reports a preliminary 1–7月 energy consumption that the
  2026-08 file revises (with the province row), so the sample holds one revised month.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak import reference

SEED = 20261025
FIRST, LAST = (2024, 2), (2026, 10)
# Share of a year's energy (and electricity) used in each month: the Spring Festival dip,
# a flat middle, the year-end rise; electricity peaks with summer cooling.
ENERGY_PROFILE = [0.078, 0.066, 0.083, 0.083, 0.085, 0.084, 0.086, 0.086, 0.083, 0.085,
                  0.087, 0.094]
POWER_PROFILE = [0.077, 0.063, 0.083, 0.082, 0.084, 0.086, 0.093, 0.093, 0.084, 0.083,
                 0.084, 0.088]
GROWTH_2026 = 5.2  # 1–N月 growth of value added in 2026 before city noise (%)
# Planted 1–N月 intensity change on 2025 (%), by month 2..10.
RED_THEN_RECOVER = "330700"
GREEN_TO_YELLOW = "330400"
STORIES = {
    RED_THEN_RECOVER: [-3.4, -2.6, -1.2, 0.3, 0.5, 0.2, -0.9, -1.9, -2.8],
    GREEN_TO_YELLOW: [-4.4, -4.1, -3.9, -3.6, -3.3, -2.9, -2.6, -2.4, -2.3],
    "330200": [-2.0, -2.1, -2.3, -2.2, -2.1, -2.2, -2.3, -2.2, -2.2],
}
TARGETS_2026 = {"330100": 3.2, "330300": 3.0, "330500": 3.0, "330600": 2.9, "330800": 2.7,
                "330900": 2.6, "331000": 3.0, "331100": 3.2}
ELECTRIFICATION = 1.0  # % electricity grows faster than energy in 2026
REVISED = ("331000", "2026-07", "2026-08")  # region, revised period, the file revising it
PRELIMINARY_FACTOR = 0.985  # the first delivery of the revised month was 1.5% low
KGCE_PER_KWH = 0.1229  # electricity 当量值: 1 亿kWh = 1.229 万tce
DEFAULT_POWER_SHARE = 0.30


def _profile(base: list[float], rng) -> np.ndarray:
    p = np.array(base) * (1 + rng.normal(0, 0.01, 12))
    return np.cumsum(p / p.sum())


def _annual_power(out_dir: Path, headline: pd.DataFrame) -> dict[tuple[str, int], float]:
    """Industrial electricity (亿kWh) per city and year from the sample's energy by fuel,
    else a fixed share of energy."""
    path = Path(out_dir) / "energy_by_fuel.csv"
    if path.exists():
        fuel = pd.read_csv(path, dtype={"region_code": str})
        el = fuel[fuel["fuel"] == "electricity"].groupby(["region_code", "year"])["energy"].sum()
        return {k: v / (10 * KGCE_PER_KWH) for k, v in el.items()}
    return {(r.region_code, r.year): r.energy_consumption * DEFAULT_POWER_SHARE
            / (10 * KGCE_PER_KWH) for r in headline.itertuples()}


def generate(headline: pd.DataFrame, out_dir: Path | None = None) -> pd.DataFrame:
    """Every region's 1–N月 rows, 2024-02 … 2026-10 (true values, revisions not applied)."""
    rng = np.random.default_rng(SEED)
    annual = headline.assign(region_code=headline["region_code"].astype(str)).set_index(
        ["region_code", "year"])
    power = _annual_power(out_dir or Path("."), headline)
    cities = sorted(c for c in annual.index.get_level_values(0).unique() if c != reference.province_code())
    rows = []
    for code in cities:
        for year in (2024, 2025):
            a = annual.loc[(code, year)]
            e_cum, p_cum = _profile(ENERGY_PROFILE, rng), _profile(POWER_PROFILE, rng)
            swing = rng.normal(0, 1.2)
            for m in range(2, 13):
                last = m == 12
                rows.append({
                    "region_code": code, "period": f"{year}-{m:02d}",
                    "value_added_growth": float(a["value_added_growth"]) if last else
                    round(float(a["value_added_growth"]) + swing * (12 - m) / 10, 1),
                    "energy_consumption": float(a["energy_consumption"]) if last else
                    round(float(a["energy_consumption"]) * e_cum[m - 1], 2),
                    "feedstock_energy": float(a["feedstock_energy"]) if last else
                    round(float(a["feedstock_energy"]) * e_cum[m - 1], 2),
                    "electricity": round(power[(code, year)] * (1 if last else p_cum[m - 1]), 2),
                })
        base = {r["period"]: r for r in rows if r["region_code"] == code
                and r["period"].startswith("2025")}
        growth = GROWTH_2026 + rng.normal(0, 0.8)
        swing = rng.normal(0, 1.0)
        path = STORIES.get(code)
        margin = abs(rng.normal(0.8, 0.3)) + 0.3
        for m in range(2, LAST[1] + 1):
            b = base[f"2025-{m:02d}"]
            g = round(growth + swing * (12 - m) / 10, 1)
            change = path[m - 2] if path else round(
                -(TARGETS_2026[code] + margin) + rng.normal(0, 0.3) * (12 - m) / 10, 2)
            ratio = (1 + g / 100) * (1 + change / 100)
            share = b["feedstock_energy"] / b["energy_consumption"]
            net = (b["energy_consumption"] - b["feedstock_energy"]) * ratio
            gross = net / (1 - share)
            rows.append({
                "region_code": code, "period": f"2026-{m:02d}", "value_added_growth": g,
                "energy_consumption": round(gross, 2), "feedstock_energy": round(gross - net, 2),
                "electricity": round(b["electricity"] * ratio * (1 + ELECTRIFICATION / 100), 2),
            })
    df = pd.DataFrame(rows)
    return pd.concat([_province(df, annual), df], ignore_index=True)


def _province(cities: pd.DataFrame, annual: pd.DataFrame) -> pd.DataFrame:
    """Province = Σ cities; its growth weights each city by last year's value added (the
    annual table's rule), so 1–12月 equals the annual province growth."""
    out, province = [], reference.province_code()
    for period, grp in cities.groupby("period"):
        year = int(period[:4])
        weights = pd.Series({c: float(annual.loc[(c, year - 1), "value_added"])
                             for c in grp["region_code"]})
        g = grp.set_index("region_code")["value_added_growth"]
        out.append({"region_code": province, "period": period,
                    "value_added_growth": round(float((weights * g).sum() / weights.sum()), 1),
                    **{c: round(float(grp[c].sum()), 2)
                       for c in ("energy_consumption", "feedstock_energy", "electricity")}})
    prov = pd.DataFrame(out)
    for year in (2024, 2025):  # 1–12月 is the annual figure
        dec = prov["period"] == f"{year}-12"
        prov.loc[dec, "value_added_growth"] = float(annual.loc[(province, year),
                                                                "value_added_growth"])
    return prov


def files(monthly: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """file name -> its rows: each month's file holds that month; the revised month's first
    delivery is preliminary and the next month's file re-delivers it corrected."""
    region, revised, by = REVISED
    out, province = {}, reference.province_code()
    for period, grp in monthly.groupby("period", sort=True):
        grp = grp.reset_index(drop=True)
        if period == revised:
            low = grp["region_code"] == region
            delta = grp.loc[low, "energy_consumption"].iloc[0] * (1 - PRELIMINARY_FACTOR)
            grp.loc[low | (grp["region_code"] == province), "energy_consumption"] -= delta
            grp["energy_consumption"] = grp["energy_consumption"].round(2)
        if period == by:
            again = monthly[(monthly["period"] == revised)
                            & monthly["region_code"].isin([region, province])]
            grp = pd.concat([grp, again], ignore_index=True)
        grp.insert(1, "year", grp["period"].str[:4].astype(int))  # as bureaus add it
        out[f"industry_monthly_{period}.csv"] = grp
    return out


def write(out_dir: Path, monthly: pd.DataFrame) -> list[Path]:
    """The monthly files of `monthly` (generate's rows) in out_dir, replacing older ones."""
    out_dir = Path(out_dir)
    for old in out_dir.glob("industry_monthly_2*.csv"):
        old.unlink()
    written = []
    for name, df in files(monthly).items():
        path = out_dir / name
        df.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written
