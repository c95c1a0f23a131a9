"""The 1–N月 series a barometer reads: net energy, electricity, growth and CO2 per region
and cumulative period, from the monthly rows dated up to the period (revisions applied).

CO2 is computed from fuels (万吨标准煤, used as fuel) with the factors of
emission_factors.yml where the bureau provides them for every fuel; otherwise it is
estimated (估算) from energy and electricity with last year's annual factors of the region:

    f_fuel = (CO2_annual(L) − 10·grid·EL(L)) / (E(L) − 10·k·EL(L))
    CO2_ytd = f_fuel·(E_ytd − 10·k·EL_ytd) + 10·grid·EL_ytd

with L the year before the barometer's year, E = 综合能源消费量 − 原料用能 (万tce), EL
industrial electricity (亿kWh; EL(L) its 1–12月 figure), grid the grid factor (kgCO2/kWh:
1 亿kWh emits 10·grid 万tCO2) and k the tce convention for electricity (kgce/kWh: 1 亿kWh
is 10·k 万tce). CO2_annual(L) is last year's industrial CO2 excluding 国家单列项目, the
scope of the carbon budgets. A county-level unit, which has no annual CO2 of its own, takes
its city's f_fuel (the estimate assumes the county burns the city's fuel mix). Both years of
a comparison use the same factors, so 1–12月 of last year reproduces last year's annual CO2 and the change measures activity, not factors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak import reference
from carbonpeak.ingest import revisions
from carbonpeak.period import Period

FUELS = ["coal", "oil", "natural_gas", "other_fuel"]
FUEL_FACTOR_KEY = {"coal": "coal", "oil": "oil", "natural_gas": "natural_gas",
                   "other_fuel": "other"}
VALUE_COLUMNS = ["value_added_growth", "energy_consumption", "feedstock_energy",
                 "electricity", *FUELS]
SERIES_COLUMNS = ["region_code", "period", "value_added_growth", "energy", "electricity",
                  "co2", "co2_estimated"]


def conventions() -> tuple[float, float]:
    """(grid kgCO2/kWh, electricity kgce/kWh) from emission_factors.yml."""
    from carbonpeak.indicators.emissions import grid_factor

    conv = reference.emission_factors()["electricity_kgce_per_kwh"]
    return grid_factor(), float(conv[conv["selected"]]["value"])


def monthly_rows(table: pd.DataFrame | None, revised: pd.DataFrame | None, until: str
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per region and period dated up to `until`, revisions from later files
    applied; the revised cells of these periods and columns), from the monthly table and
    its revised cells as ingest resolved them over every file (revisions.as_of says why
    that equals resolving the rows up to `until`)."""
    changed = revisions.as_of(revised, until)
    if changed is None or changed.empty:
        changed = pd.DataFrame(columns=revisions.REVISION_COLUMNS)
    else:
        changed = changed[changed["column"].isin(VALUE_COLUMNS)].reset_index(drop=True)
    if table is None or table.empty:
        empty = pd.DataFrame(columns=["region_code", "period", *VALUE_COLUMNS, "energy"])
        return empty, changed
    rows = revisions.as_of(table, until).drop_duplicates(revisions.KEY, keep="last").copy()
    for c in VALUE_COLUMNS:
        if c not in rows:
            rows[c] = np.nan
    rows["region_code"] = rows["region_code"].astype(str)
    return with_energy(rows).reset_index(drop=True), changed


def with_energy(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with E = 综合能源消费量 − 原料用能 (万tce), the energy the lights read."""
    return rows.assign(energy=rows["energy_consumption"] - rows["feedstock_energy"].fillna(0.0))


def fuel_factors(co2_annual: pd.DataFrame | None, annual: pd.DataFrame | None,
                 rows: pd.DataFrame, year: int) -> dict[str, float]:
    """region -> f_fuel (tCO2 per tce of non-electricity energy) of `year`, where last
    year's annual CO2, annual energy and 1–12月 electricity exist."""
    if co2_annual is None or annual is None:
        return {}
    grid, k = conventions()
    co2 = co2_annual[co2_annual["year"] == year].set_index("region_code")["co2_excl_state_listed"]
    a = annual[annual["year"] == year].copy()
    a["region_code"] = a["region_code"].astype(str)
    energy = (a["energy_consumption"] - a["feedstock_energy"].fillna(0.0)).groupby(
        a["region_code"]).first()
    dec = rows[rows["period"] == Period.monthly(year, 12).key].set_index("region_code")["electricity"]
    out = {}
    for region in co2.index:
        if region not in energy.index or region not in dec.index:
            continue
        el = dec[region]
        fuel_energy = energy[region] - 10 * k * el
        if pd.isna(el) or fuel_energy <= 0:
            continue
        out[region] = float((co2[region] - 10 * grid * el) / fuel_energy)
    return out


def window(rows: pd.DataFrame, year: int, until: str) -> pd.DataFrame:
    """The rows a period's barometer reads: `year` and the year before, up to `until`."""
    return rows[rows["period"].str[:4].astype(int).isin([year - 1, year])
                & (rows["period"] <= until)]


def build(rows: pd.DataFrame, year: int, until: str, co2_annual: pd.DataFrame | None,
          annual: pd.DataFrame | None) -> pd.DataFrame:
    """SERIES_COLUMNS for `year` and the year before, periods ≤ `until`; CO2 with the
    factors of year−1 (see the module's formula)."""
    grid, k = conventions()
    factors = fuel_factors(co2_annual, annual, rows, year - 1)
    ef = reference.emission_factors()["fuel_tco2_per_tce"]
    df = window(rows, year, until).copy()
    has_fuels = df[FUELS].notna().all(axis=1)
    from_fuels = sum(df[f] * ef[FUEL_FACTOR_KEY[f]]["value"] for f in FUELS) \
        + 10 * grid * df["electricity"]
    f = df["region_code"].map(factors).astype("float64")
    # a county has no annual CO2 of its own: its city's factor (counties: the module's note)
    parents = {c: reference.parent(c) for c in df["region_code"].unique()
               if c not in factors and reference.level(c) == "county"}
    f = f.fillna(df["region_code"].map(parents).map(factors).astype("float64"))
    estimate = f * (df["energy"] - 10 * k * df["electricity"]) + 10 * grid * df["electricity"]
    df["co2"] = from_fuels.where(has_fuels, estimate).astype("float64")
    df["co2_estimated"] = ~has_fuels
    return df[SERIES_COLUMNS].sort_values(["region_code", "period"]).reset_index(drop=True)
