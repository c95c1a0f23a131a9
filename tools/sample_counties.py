"""County rows of the sample (示例数据): every county-level unit of regions.csv, split from
its city's `industry_annual` rows so that the counties add up to their city.

Each county gets a share of its city's value added (drifting a little year by year) and an
energy intensity relative to its city's, with a yearly drift of its own; the energy shares are
then scaled so that Σ counties = city, year by year, for value added (at current and at
comparable prices), energy and feedstock. Comparable growth is derived from the comparable
value added, so a county's chained series reproduces its share of the city's.

Planted stories: 萧山区 falls behind while 杭州 is ahead of the plan's pace; 镇海区 (a refinery)
uses several times its city's energy per unit of value added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak import reference

SEED = 20230221
BASE_YEAR = 2020
# county -> yearly change of its intensity relative to its city's after 2020 (+: worse)
PLANTED_DRIFT = {"330109": 0.045}  # 萧山区
# county -> its energy intensity relative to its city's, where planted
PLANTED_INTENSITY = {"330211": 4.0}  # 镇海区


def split(headline: pd.DataFrame) -> pd.DataFrame:
    """The county rows for every city of `headline` (the sample's industry_annual)."""
    rng = np.random.default_rng(SEED)
    rows = []
    for city in reference.codes_at("municipality"):
        counties = reference.children(city)
        city_rows = headline[headline["region_code"] == city].sort_values("year")
        if city_rows.empty or not counties:
            continue
        rows += _city(city_rows, counties, rng)
    return pd.DataFrame(rows)


def _city(city_rows: pd.DataFrame, counties: list[str], rng) -> list[dict]:
    n = len(counties)
    years = [int(y) for y in city_rows["year"]]
    c = city_rows.set_index("year")
    share0 = rng.dirichlet(np.full(n, 4.0))
    share_trend = rng.normal(0, 0.015, n)
    rel_intensity = np.exp(rng.normal(0, 0.35, n))
    rel_intensity = np.array([PLANTED_INTENSITY.get(k, r) for k, r in zip(counties, rel_intensity,
                                                                         strict=True)])
    drift = np.array([PLANTED_DRIFT.get(k, rng.normal(0, 0.012)) for k in counties])
    # comparable value added of the city, chained from its base-year current-price value
    comp = {}
    for y in years:
        if y <= BASE_YEAR:
            comp[y] = float(c.at[y, "value_added"])
    for y in years:
        if y > BASE_YEAR:
            comp[y] = comp[y - 1] * (1 + float(c.at[y, "value_added_growth"]) / 100)
    out, prev_comp = [], None
    for y in years:
        share = share0 * np.exp(share_trend * (y - years[0]))
        share /= share.sum()
        after = max(0, y - BASE_YEAR)
        weight = share * rel_intensity * np.exp(drift * after)
        energy_share = weight / weight.sum()
        va, energy = float(c.at[y, "value_added"]), float(c.at[y, "energy_consumption"])
        feed = float(c.at[y, "feedstock_energy"])
        county_comp = share * comp.get(y, va)
        for i, code in enumerate(counties):
            if prev_comp is not None and y > BASE_YEAR:
                growth = (county_comp[i] / prev_comp[i] - 1) * 100
            else:
                growth = float(c.at[y, "value_added_growth"]) + rng.normal(0, 0.8)
            out.append({"region_code": code, "year": y,
                        "value_added": round(va * share[i], 2),
                        "value_added_growth": round(growth, 2),
                        "energy_consumption": round(energy * energy_share[i], 2),
                        "feedstock_energy": round(feed * energy_share[i], 3)})
        prev_comp = county_comp
    return out



def raise_energy(data_dir, county: str, year: int, factor: float) -> None:
    """`county`'s energy use in `year` times `factor`, in the county file of `data_dir` (a
    copy of the sample): one county's delivery changed, as the bench and the freshness tests
    need it. A factor within Σ counties = city's tolerance (0.5 %) keeps the data clean."""
    path = data_dir / "industry_annual_county.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    col = lines[0].split(",").index("energy_consumption")
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[:2] == [county, str(year)]:
            cells[col] = f"{float(cells[col]) * factor:.2f}"
            lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
