"""CO2 from energy use, row by row, in 万吨 (10⁴ t).

Canonical units (the caller converts on ingest):
- coal, oil, natural_gas, other: 万吨标准煤 (10⁴ tce), factors in tCO2 per tce;
- electricity (purchased): 亿千瓦时 (10⁸ kWh), grid factor in kgCO2/kWh
  (10⁸ kWh × 1 kg/kWh = 10⁵ t = 10 万吨, hence the ×10);
- heat (purchased): 万GJ, factor in tCO2/GJ.
Rows flagged `feedstock` (原料用能) give 0: feedstock carbon is not burned. A missing
flag counts as not feedstock. Process emissions are out of scope here.
"""

from __future__ import annotations

import pandas as pd

FUELS = ("coal", "oil", "natural_gas", "other")
CARRIERS = ("electricity", "heat")
VALUE_COLUMNS = ("fuel", "amount", "feedstock", "co2")


def co2_by_row(
    df: pd.DataFrame, fuel_factors: dict[str, float], grid_factor: float, heat_factor: float
) -> pd.DataFrame:
    """Copy of df with a `co2` column (万吨); key columns are kept as they are."""
    unknown = sorted(set(df["fuel"].dropna()) - set(FUELS) - set(CARRIERS)) + (
        ["<missing>"] if df["fuel"].isna().any() else []
    )
    if unknown:
        raise ValueError(f"unknown fuel {unknown}; expected one of {FUELS + CARRIERS}")
    no_factor = sorted(set(df["fuel"]) & set(FUELS) - set(fuel_factors))
    if no_factor:
        raise ValueError(f"no emission factor for {no_factor}")
    factor = {**fuel_factors, "electricity": 10 * grid_factor, "heat": heat_factor}
    out = df.copy()
    co2 = pd.to_numeric(out["amount"], errors="coerce") * out["fuel"].map(factor).astype(float)
    if "feedstock" in out.columns:
        co2 = co2.mask(out["feedstock"].fillna(False).astype(bool), 0.0)
    out["co2"] = co2
    return out


def co2_from_energy(
    df: pd.DataFrame, fuel_factors: dict[str, float], grid_factor: float, heat_factor: float
) -> pd.DataFrame:
    """CO2 (万吨) summed over fuels for each combination of the remaining key columns.

    A missing amount makes its group total NaN rather than silently undercounting.
    """
    rows = co2_by_row(df, fuel_factors, grid_factor, heat_factor)
    keys = [c for c in rows.columns if c not in VALUE_COLUMNS]
    if not keys:
        return pd.DataFrame({"co2": [rows["co2"].sum(skipna=False)]})
    return rows.groupby(keys, dropna=False, sort=True)["co2"].sum(skipna=False).reset_index()
