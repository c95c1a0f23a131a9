"""Drivers of change: LMDI split of each region's change in aggregate industrial energy
intensity (2020 → reporting year) into structure and within-sector intensity effects."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.indicators.intensity import comparable_value_added
from carbonpeak.methods.lmdi import decompose_intensity


def sector_energy(tables: dict[str, pd.DataFrame], base_year: int) -> pd.DataFrame:
    """Per region, year and sector: energy net of feedstock (万tce), value added at base-year
    prices (亿元, chained with each sector's growth), intensity; province = Σ cities."""
    energy = tables["energy_by_fuel"]
    energy = energy[~energy["feedstock"].fillna(False).astype(bool)]
    e = energy.groupby(["region_code", "year", "sector"], as_index=False)["energy"].sum()
    parts = []
    for (region, sector), grp in tables["sector_value_added"].groupby(["region_code", "sector"]):
        g = grp.drop_duplicates("year").set_index("year").sort_index()
        va = comparable_value_added(g, base_year)
        parts.append(pd.DataFrame({"region_code": region, "sector": sector,
                                   "year": g.index.astype(int), "value_added_comparable": va}))
    va = pd.concat(parts, ignore_index=True)
    df = e.astype({"year": int}).merge(va, on=["region_code", "year", "sector"], how="outer")
    prov = df.groupby(["year", "sector"], as_index=False)[
        ["energy", "value_added_comparable"]].sum(min_count=1)
    prov["region_code"] = reference.province_code()
    df = pd.concat([prov, df], ignore_index=True)
    df["intensity"] = df["energy"] / df["value_added_comparable"]
    names = {s["id"]: s["name_zh"] for s in reference.sectors()}
    df["sector_zh"] = df["sector"].map(names)
    return df[["region_code", "year", "sector", "sector_zh", "energy", "value_added_comparable",
               "intensity"]].sort_values(["region_code", "year", "sector"], ignore_index=True)


def decomposition(sectors: pd.DataFrame, base_year: int, year: int) -> pd.DataFrame:
    """`region_code, effect, value, base_year, year` with effects structure, intensity and
    their total (tce per 万元), for every region whose sectors are complete in both years."""
    rows = []
    for region, grp in sectors.groupby("region_code"):
        base = grp[grp["year"] == base_year].rename(columns={"value_added_comparable":
                                                             "value_added"})
        cur = grp[grp["year"] == year].rename(columns={"value_added_comparable": "value_added"})
        try:
            effects = decompose_intensity(base[["sector", "energy", "value_added"]],
                                          cur[["sector", "energy", "value_added"]])
        except ValueError as e:
            rows.append({"region_code": region, "effect": "error", "value": float("nan"),
                         "base_year": base_year, "year": year, "note": str(e)})
            continue
        for effect in ("structure", "intensity", "total"):
            rows.append({"region_code": region, "effect": effect, "value": effects[effect],
                         "base_year": base_year, "year": year, "note": ""})
    return pd.DataFrame(rows)
