"""Deterministic, illustrative sample data (示例数据，非官方统计).

Magnitudes follow published Zhejiang statistics (docs/methodology.md, sample data); the stories are planted on purpose so that reports show
every case: cities ahead of the plan's pace, cities behind it, and cities whose energy
intensity rose (舟山 with a new refinery; 衢州 in 2021).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from carbonpeak import reference
from tools import sample_counties, sample_monthly, sample_monthly_counties, sample_scale
from tools import sample_detail as d
from tools import sample_firms as f
from tools.sample_cities import OUTPUT_2020

SEED = 20230221  # the plan's issue date
YEARS = range(2016, 2026)

# 2020 energy intensity, tce per 万元 (= 万tce per 亿元): 舟山/衢州 2-4x the average.
INTENSITY_2020 = {
    "330100": 0.36, "330200": 0.78, "330300": 0.36, "330400": 0.60, "330500": 0.72,
    "330600": 0.62, "330700": 0.46, "330800": 1.55, "330900": 1.85, "331000": 0.41,
    "331100": 0.50,
}
# Share of energy used as feedstock (refining, olefins, methanol, ammonia ...).
FEEDSTOCK_SHARE = {
    "330100": 0.004, "330200": 0.12, "330300": 0.003, "330400": 0.03, "330500": 0.01,
    "330600": 0.02, "330700": 0.005, "330800": 0.08, "330900": 0.35, "331000": 0.01,
    "331100": 0.003,
}
# Annual change of energy intensity 2021-2025 (fraction, negative = improvement).
INTENSITY_PATH = {
    "330100": [-0.050, -0.046, -0.044, -0.045, -0.043],  # ahead of pace
    "330200": [-0.020, -0.028, -0.025, -0.026, -0.027],  # behind
    "330300": [-0.041, -0.040, -0.039, -0.042, -0.040],  # ahead
    "330400": [-0.036, -0.037, -0.036, -0.038, -0.035],  # roughly on pace
    "330500": [-0.045, -0.040, -0.052, -0.062, -0.072],  # ahead, CO2 turning down
    "330600": [-0.036, -0.034, -0.035, -0.036, -0.035],  # just on pace
    "330700": [-0.030, -0.031, -0.029, -0.032, -0.030],  # behind
    "330800": [+0.030, -0.042, -0.050, -0.060, -0.068],  # rose in 2021, then recovered
    "330900": [+0.085, +0.050, -0.020, -0.025, -0.022],  # new refinery: intensity rose
    "331000": [-0.028, -0.030, -0.027, -0.029, -0.028],  # behind
    # well ahead, CO2 has peaked: 2021-22 the high point, then old capacity shut in 2023
    "331100": [-0.033, -0.043, -0.108, -0.051, -0.085],
}
# Comparable-price growth of value added (%), 2016-2025, before city-specific noise.
BASE_GROWTH = [6.2, 8.3, 7.3, 6.6, 5.4, 12.9, 4.2, 6.0, 6.1, 5.6]
# Value-added deflator (%): 2023 shows falling prices, so nominal value added falls in
# 舟山 while real value added rises (the trap of dividing nominal figures across years).
DEFLATOR = [1.0, 3.5, 2.8, 0.5, -0.8, 6.0, 3.0, -2.5, -1.0, 0.5]
ZHOUSHAN_DEFLATOR_2023 = -7.5


def generate() -> pd.DataFrame:
    """The `industry_annual` table for the province and its cities, 2016-2025."""
    rng = np.random.default_rng(SEED)
    scale = 16700 / (sum(OUTPUT_2020.values()) / 5)
    rows = []
    for code, output in OUTPUT_2020.items():
        growth = np.round(np.array(BASE_GROWTH) + rng.normal(0, 0.8, len(YEARS)), 1)
        deflator = np.array(DEFLATOR) + rng.normal(0, 0.5, len(YEARS))
        if code == "330900":
            growth[YEARS.index(2023)] = 3.0
            deflator[YEARS.index(2023)] = ZHOUSHAN_DEFLATOR_2023
        i2020 = YEARS.index(2020)
        va_nominal = np.empty(len(YEARS))
        va_real = np.empty(len(YEARS))  # comparable prices of 2020
        intensity = np.empty(len(YEARS))
        va_nominal[i2020] = va_real[i2020] = output / 5 * scale
        intensity[i2020] = INTENSITY_2020[code]
        for k in range(i2020 + 1, len(YEARS)):
            va_real[k] = va_real[k - 1] * (1 + growth[k] / 100)
            va_nominal[k] = va_nominal[k - 1] * (1 + growth[k] / 100) * (1 + deflator[k] / 100)
            intensity[k] = intensity[k - 1] * (1 + INTENSITY_PATH[code][k - i2020 - 1])
        for k in range(i2020 - 1, -1, -1):
            va_real[k] = va_real[k + 1] / (1 + growth[k + 1] / 100)
            va_nominal[k] = va_nominal[k + 1] / (
                (1 + growth[k + 1] / 100) * (1 + deflator[k + 1] / 100)
            )
            intensity[k] = intensity[k + 1] / (1 - 0.035 + rng.normal(0, 0.008))
        # Intensity is measured net of feedstock, so gross consumption adds it back.
        net_energy = intensity * va_real
        share = FEEDSTOCK_SHARE[code]
        for k, year in enumerate(YEARS):
            energy = net_energy[k] / (1 - share)
            rows.append({
                "region_code": code,
                "year": year,
                "value_added": round(float(va_nominal[k]), 2),
                "value_added_growth": float(growth[k]),
                "energy_consumption": round(float(energy), 2),
                "feedstock_energy": round(float(energy * share), 2),
            })
    cities = pd.DataFrame(rows)
    return pd.concat([_province(cities), cities], ignore_index=True)


def _province(cities: pd.DataFrame) -> pd.DataFrame:
    """Province = sum of cities; its real growth weights each city by last year's value added."""
    out = []
    for year, grp in cities.groupby("year"):
        prev = cities[cities["year"] == year - 1].set_index("region_code")["value_added"]
        cur = grp.set_index("region_code")
        if len(prev):
            weights = prev.reindex(cur.index)
            growth = float((weights * cur["value_added_growth"]).sum() / weights.sum())
        else:
            growth = BASE_GROWTH[0]
        out.append({
            "region_code": reference.province_code(),
            "year": int(year),
            "value_added": round(float(cur["value_added"].sum()), 2),
            "value_added_growth": round(growth, 1),
            "energy_consumption": round(float(cur["energy_consumption"].sum()), 2),
            "feedstock_energy": round(float(cur["feedstock_energy"].sum()), 2),
        })
    return pd.DataFrame(out)


def detail_tables(headline: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables behind the plan's other targets, consistent with the headline table."""
    rng = np.random.default_rng(SEED + 1)
    # its own stream, so that the tables drawn after it do not shift when it changes
    sector_va, energy = d.sector_tables(headline, np.random.default_rng(SEED + 2))
    firms = f.enterprises(rng)
    return {
        "sector_value_added": sector_va,
        "energy_by_fuel": energy,
        "capacity": d.capacity(rng),
        "green_manufacturing": f.green_manufacturing(rng),
        "enterprises": firms,
        "retrofit_projects": f.retrofit_projects(rng, firms),
        "region_metrics": d.region_metrics(rng, headline),
    }


def write(out_dir: Path, enterprises: int | None = None) -> list[Path]:
    """The sample data set; `enterprises`: about that many rows of firms (sample_scale)
    instead of the regular list, every other table unchanged."""
    out_dir.mkdir(parents=True, exist_ok=True)
    headline = generate()
    written = []
    counties = sample_counties.split(headline)
    tables = {"industry_annual": headline, "industry_annual_county": counties,
              **detail_tables(headline)}
    if enterprises is not None:
        tables["enterprises"] = sample_scale.enterprises(counties, enterprises)
        tables["retrofit_projects"] = sample_scale.repoint(tables["retrofit_projects"],
                                                           tables["enterprises"])
    for name, df in tables.items():
        path = out_dir / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    monthly = sample_monthly.generate(headline, out_dir)
    written += sample_monthly.write(out_dir, monthly)
    written += sample_monthly_counties.write(out_dir, monthly, counties)
    meta = out_dir / "dataset.yml"
    meta.write_text(
        yaml.safe_dump(
            {
                "title_zh": "浙江省工业碳达峰进度示例数据",
                "illustrative": True,
                "banner_zh": "示例数据，非官方统计",
                "vintage_zh": "示例数据（随程序提供，仅供演示）",
                "generator": "tools.sample",
                "seed": SEED,
            },
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    return [*written, meta]
