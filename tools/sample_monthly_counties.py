"""County rows of the monthly sample (示例数据): every county-level unit, every month the
cities' monthly files hold, one file per month (industry_monthly_county_<period>.csv), split
from its city's 1–N月 rows so that the counties add up to their city.

2024 and 2025: a county's 1–N月 energy, feedstock and electricity are its share of the
city's in that year's annual county rows (so 1–12月 equals the county's annual row, as the
city's does); its growth is its annual growth plus the city's swing of that month.
2026: the 2025 shares carried forward, each drifting as the county's intensity drifted
against its city's over 2024–25, renormalised so that Σ counties = city; the growth keeps
the county's 2025 lead or lag on its city. So 萧山区 (PLANTED_DRIFT of the annual sample:
its intensity worsens 4.5 % a year against 杭州's, and its 2026 share is planted 5 % higher:
PLANTED_2026) shows red while 杭州 is green.
Rounding leaves Σ counties = city exact to 0.01 (the largest county takes the residual).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak import reference

PREFIX = "industry_monthly_county_"
# county -> its 2026 energy share against 2025, beyond its drift (planted: 萧山区 turns red)
PLANTED_2026 = {"330109": 1.05}


def _shares(counties: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each county's share of its city's energy and feedstock in `year` (annual rows)."""
    a = counties[counties["year"] == year].copy()
    a["city"] = a["region_code"].map(reference.parent)
    for col in ("energy_consumption", "feedstock_energy"):
        a[f"s_{col}"] = a[col] / a.groupby("city")[col].transform("sum")
    return a.set_index("region_code")


def _allocate(total: float, shares: np.ndarray, digits: int = 2) -> np.ndarray:
    """total × shares, rounded, the rounding residual on the largest share: Σ = total."""
    parts = np.round(total * shares / shares.sum(), digits)
    parts[int(np.argmax(shares))] += round(total - parts.sum(), digits)
    return np.round(parts, digits)


def generate(monthly: pd.DataFrame, counties: pd.DataFrame) -> pd.DataFrame:
    """The county rows of every period of `monthly` (the cities' true 1–N月 rows)."""
    counties = counties.assign(region_code=counties["region_code"].astype(str))
    shares = {y: _shares(counties, y) for y in (2024, 2025)}
    annual = counties.set_index(["region_code", "year"])
    rows = []
    for (city, period), r in monthly.set_index(["region_code", "period"]).iterrows():
        kids = reference.children(city)
        if city == reference.province_code() or not kids:
            continue
        year = int(period[:4])
        base = shares[min(year, 2025)].reindex(kids)
        drift = np.ones(len(kids))
        if year > 2025:  # each county's intensity keeps its 2024→25 drift against its city
            before = shares[2024].reindex(kids)
            drift = (base["s_energy_consumption"] / before["s_energy_consumption"]).to_numpy(copy=True)
            drift *= np.array([PLANTED_2026.get(k, 1.0) for k in kids])
        month = int(period[5:])
        city_growth = annual_growth = float(r["value_added_growth"])
        if year <= 2025:
            dec = monthly[(monthly["region_code"] == city)
                          & (monthly["period"] == f"{year}-12")]["value_added_growth"]
            annual_growth = float(dec.iloc[0])
        energy = _allocate(float(r["energy_consumption"]),
                           base["s_energy_consumption"].to_numpy() * drift)
        feed = _allocate(float(r["feedstock_energy"]), base["s_feedstock_energy"].to_numpy()
                         * drift, 3 if float(r["feedstock_energy"]) < 100 else 2)
        power = _allocate(float(r["electricity"]), base["s_energy_consumption"].to_numpy()
                          * drift)
        for i, code in enumerate(kids):
            own = float(annual.at[(code, min(year, 2025)), "value_added_growth"])
            if year <= 2025:
                growth = own + (city_growth - annual_growth) if month < 12 else own
            else:  # the county's 2025 lead or lag on its city, carried into 2026
                city_2025 = monthly[(monthly["region_code"] == city)
                                    & (monthly["period"] == "2025-12")]["value_added_growth"]
                growth = city_growth + own - float(city_2025.iloc[0])
            rows.append({"region_code": code, "year": year, "period": period,
                         "value_added_growth": round(growth, 1),
                         "energy_consumption": float(energy[i]),
                         "feedstock_energy": float(feed[i]), "electricity": float(power[i])})
    return pd.DataFrame(rows)


def write(out_dir: Path, monthly: pd.DataFrame, counties: pd.DataFrame) -> list[Path]:
    out_dir = Path(out_dir)
    for old in out_dir.glob(f"{PREFIX}*.csv"):
        old.unlink()
    written = []
    for period, grp in generate(monthly, counties).groupby("period", sort=True):
        path = out_dir / f"{PREFIX}{period}.csv"
        grp.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written


def raise_energy(data_dir: Path, county: str, period: str, factor: float) -> None:
    """`county`'s 1–N月 energy use of `period` times `factor`, in that month's county file of
    `data_dir` (a copy of the sample): one county's delivery revised, as the bench and the
    freshness tests need it. A factor within Σ counties = city's tolerance (0.5 %) keeps the
    data clean."""
    path = Path(data_dir) / f"{PREFIX}{period}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    col = lines[0].split(",").index("energy_consumption")
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == county:
            cells[col] = f"{float(cells[col]) * factor:.2f}"
            lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
