"""Indicators read from region_metrics and the project lists: one small function per
shape of calculation, parametrised from the catalog (`params`), so most new indicators
need a catalog entry and no code."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.indicators.registry import indicator


def _metric(tables: dict[str, pd.DataFrame], metric: str) -> pd.DataFrame:
    m = tables["region_metrics"]
    m = m[m["metric"] == metric][["region_code", "year", "value"]].dropna()
    return m.assign(year=m["year"].astype(int)).sort_values(["region_code", "year"])


@indicator
def metric_level(tables, entry) -> pd.DataFrame:
    """The metric's value in each year (a stock, a rate, an annual amount)."""
    return _metric(tables, entry["params"]["metric"])


@indicator
def metric_cumulative(tables, entry) -> pd.DataFrame:
    """Σ of an annual flow over the plan period (baseline year excluded)."""
    m = _metric(tables, entry["params"]["metric"])
    m = m[m["year"] > entry["baseline_year"]]
    m["value"] = m.groupby("region_code")["value"].cumsum()
    return m


@indicator
def metric_reduction(tables, entry) -> pd.DataFrame:
    """Reduction of a per-unit metric vs the baseline year, in percent."""
    m = _metric(tables, entry["params"]["metric"])
    base = m[m["year"] == entry["baseline_year"]].set_index("region_code")["value"]
    m["level"] = m["value"]
    m["level_baseline"] = m["region_code"].map(base)
    m["value"] = (1 - m["level"] / m["level_baseline"]) * 100
    return m.dropna(subset=["value"]).assign(level_unit=entry["params"].get("level_unit", ""))


@indicator
def metric_ratio(tables, entry) -> pd.DataFrame:
    """numerator ÷ denominator × 100 (e.g. relocations done of those listed)."""
    p = entry["params"]
    num = _metric(tables, p["numerator"]).set_index(["region_code", "year"])["value"]
    den = _metric(tables, p["denominator"]).set_index(["region_code", "year"])["value"]
    ratio = (num / den.where(den > 0) * 100).dropna()
    return ratio.rename("value").reset_index()


@indicator
def metric_average_growth(tables, entry) -> pd.DataFrame:
    """Average annual growth since the baseline: geometric mean of the yearly rates (%)."""
    m = _metric(tables, entry["params"]["metric"])
    m = m[m["year"] > entry["baseline_year"]].copy()
    factor = (1 + m["value"] / 100).groupby(m["region_code"]).cumprod()
    n = m.groupby("region_code").cumcount() + 1
    m["value"] = (factor ** (1 / n) - 1) * 100
    return m


@indicator
def list_count(tables, entry) -> pd.DataFrame:
    """Rows of a list (green factories, retrofit projects …) with their year in the plan
    period, cumulative per region; `filter` selects rows by column values."""
    p = entry["params"]
    df = tables[p["table"]]
    # the regions counted (a list placed by county carries its counties; none counted is 0)
    regions = df.attrs.get("regions") or reference.children(reference.province_code())
    for column, value in (p.get("filter") or {}).items():
        df = df[df[column] == value]
    year_col = p.get("year_column", "year")
    years = list(range(entry["baseline_year"] + 1, max(entry["target_year"], _last(df, year_col))
                       + 1))
    counts = (df[df[year_col] > entry["baseline_year"]]
              .groupby(["region_code", year_col]).size().rename("n").reset_index())
    grid = pd.MultiIndex.from_product([regions, years], names=["region_code", "year"])
    n = counts.set_index(["region_code", year_col])["n"].reindex(grid, fill_value=0)
    out = n.groupby(level="region_code").cumsum().rename("value").reset_index()
    return out.astype({"value": float})


def _last(df: pd.DataFrame, column: str) -> int:
    years = pd.to_numeric(df[column], errors="coerce").dropna()
    return int(years.max()) if len(years) else 0


@indicator
def benchmark_share(tables, entry) -> pd.DataFrame:
    """Capacity at or better than the 能效标杆水平 ÷ total capacity of the key segments, %.

    Summed over segments within the scope (all key sectors, or one); capacities are in
    万吨/年 of product, so a sector-wide share weights segments by their tonnage.
    """
    cap = tables["capacity"]
    sector = (entry.get("params") or {}).get("sector")
    if sector:
        cap = cap[cap["sector"] == sector]
    cap = pd.concat([cap, cap.assign(region_code=reference.province_code())], ignore_index=True)
    g = cap.groupby(["region_code", "year"])[["capacity_benchmark", "capacity_total"]].sum()
    out = (g["capacity_benchmark"] / g["capacity_total"].where(g["capacity_total"] > 0) * 100)
    return out.rename("value").dropna().reset_index().astype({"year": int})


def province_sum(series: pd.DataFrame) -> pd.DataFrame:
    """Add province rows as the sum of the cities, for additive indicators."""
    cities = series[series["region_code"] != reference.province_code()]
    prov = cities.groupby("year", as_index=False)["value"].sum()
    prov["region_code"] = reference.province_code()
    return pd.concat([prov, cities], ignore_index=True)


def province_weighted(series: pd.DataFrame, tables: dict[str, pd.DataFrame],
                      weight: dict) -> pd.DataFrame:
    """Province rows as the cities' mean weighted by `weight` (a table, optional sector and a
    column summed per region-year, e.g. steel capacity); a delivered province row is replaced.
    Without the weight table the series is left as delivered."""
    w = tables.get(weight["table"])
    if w is None:
        return series
    if weight.get("sector"):
        w = w[w["sector"] == weight["sector"]]
    w = w.groupby(["region_code", "year"], as_index=False)[weight["column"]].sum()
    cities = series[series["region_code"] != reference.province_code()]
    m = cities.merge(w.astype({"year": int}), on=["region_code", "year"], how="inner")
    m = m[m[weight["column"]] > 0]
    m["wv"] = m["value"] * m[weight["column"]]
    g = m.groupby("year")[["wv", weight["column"]]].sum()
    prov = (g["wv"] / g[weight["column"]]).rename("value").reset_index()
    prov["region_code"] = reference.province_code()
    return pd.concat([prov, cities], ignore_index=True)
