"""Intensity indicators: energy (and, later, CO2) per unit of comparable-price value added."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak.indicators.registry import indicator


def comparable_value_added(df: pd.DataFrame, base_year: int) -> pd.Series:
    """Value added at `base_year` prices, chained with the comparable-price growth rates.

    VA_c(base) = VA(base); VA_c(t) = VA_c(t−1)·(1 + g(t)/100), and backwards for earlier
    years. Nominal value added is never divided across years. Expects one region's rows
    indexed by year; a gap in the chain leaves the years beyond it NaN.
    """
    df = df.sort_index()
    out = pd.Series(np.nan, index=df.index, dtype="float64")
    if base_year not in df.index:
        return out
    out[base_year] = df.at[base_year, "value_added"]
    years = list(df.index)
    for year in (y for y in years if y > base_year):
        if year - 1 in out.index:
            out[year] = out[year - 1] * (1 + df.at[year, "value_added_growth"] / 100)
    for year in sorted((y for y in years if y < base_year), reverse=True):
        if year + 1 in out.index:
            out[year] = out[year + 1] / (1 + df.at[year + 1, "value_added_growth"] / 100)
    return out


def energy_intensity(df: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Energy intensity net of feedstock (tce per 万元 at base-year prices), per region-year."""
    parts = []
    for region, grp in df.groupby("region_code", sort=True):
        g = grp.drop_duplicates("year").set_index("year").sort_index()
        va = comparable_value_added(g, base_year)
        net = g["energy_consumption"] - g["feedstock_energy"].fillna(0.0)
        parts.append(pd.DataFrame({
            "region_code": region,
            "year": g.index.astype(int),
            "value_added_comparable": va.to_numpy(),
            "energy_net": net.to_numpy(),
            # 万吨标准煤 / 亿元 = tce per 万元
            "intensity": (net / va).to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


@indicator
def energy_intensity_reduction(tables: dict[str, pd.DataFrame], entry: dict) -> pd.DataFrame:
    """Cumulative reduction of energy intensity since the baseline year, in percent."""
    base = entry["baseline_year"]
    df = energy_intensity(tables["industry_annual"], base)
    base_level = df[df["year"] == base].set_index("region_code")["intensity"]
    df["level_baseline"] = df["region_code"].map(base_level)
    df["value"] = (1 - df["intensity"] / df["level_baseline"]) * 100
    return df.rename(columns={"intensity": "level"}).assign(level_unit="吨标准煤/万元")
