"""Illustrative detail tables behind the plan's other targets (示例数据，非官方统计).

Built on the headline table from carbonpeak.sample so that everything adds up: sector
value added sums to each city's value added, energy by sector and fuel sums to its energy
use (feedstock included), and the province is the sum of its cities. Magnitudes follow
published sector locations and CEADs shares; the stories are planted on purpose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak import reference
from tools.sample_cities import OUTPUT_2020

CITIES = ["330100", "330200", "330300", "330400", "330500", "330600", "330700", "330800",
          "330900", "331000", "331100"]
SECTORS = ["steel", "building_materials", "petrochemical", "chemical", "paper",
           "chemical_fibre", "textile", "other"]
SHORT = {"330100": "杭州", "330200": "宁波", "330300": "温州", "330400": "嘉兴", "330500": "湖州",
         "330600": "绍兴", "330700": "金华", "330800": "衢州", "330900": "舟山", "331000": "台州",
         "331100": "丽水"}
# 2020 shares of net energy use (e) and of value added (v) by sector, in SECTORS order.
ENERGY_SHARE = {
    "330100": [0, .10, 0, .10, .08, .15, .10, .47], "330200": [.12, .05, .30, .15, .03, .02, .03, .30],
    "330300": [0, .05, 0, .05, 0, 0, .08, .82], "330400": [0, .05, 0, .18, .10, .20, .10, .37],
    "330500": [.08, .35, 0, .05, 0, .04, .08, .40], "330600": [0, .04, 0, .15, 0, .15, .35, .31],
    "330700": [0, .15, 0, .05, 0, 0, .08, .72], "330800": [.15, .25, 0, .35, .05, 0, 0, .20],
    "330900": [0, .02, .75, .05, 0, 0, 0, .18], "331000": [0, .06, 0, .12, 0, 0, .04, .78],
    "331100": [0, .06, 0, .06, .08, 0, .04, .76],
}
VA_SHARE = {
    "330100": [0, .03, 0, .05, .02, .04, .05, .81], "330200": [.04, .02, .08, .07, .01, .01, .03, .74],
    "330300": [0, .02, 0, .03, 0, 0, .06, .89], "330400": [0, .02, 0, .08, .03, .07, .06, .74],
    "330500": [.03, .08, 0, .03, 0, .02, .06, .78], "330600": [0, .02, 0, .07, 0, .05, .15, .71],
    "330700": [0, .04, 0, .03, 0, 0, .06, .87], "330800": [.08, .10, 0, .20, .03, 0, 0, .59],
    "330900": [0, .01, .30, .04, 0, 0, 0, .65], "331000": [0, .02, 0, .06, 0, 0, .03, .89],
    "331100": [0, .03, 0, .03, .04, 0, .03, .87],
}
# 2020 fuel mix of each sector (coal, oil, natural_gas, electricity, heat, other).
FUELS = ["coal", "oil", "natural_gas", "electricity", "heat", "other"]
FUEL_MIX = {
    "steel": [.70, .01, .05, .22, .02, 0], "building_materials": [.65, .03, .07, .25, 0, 0],
    "petrochemical": [.15, .55, .15, .10, .05, 0], "chemical": [.35, .05, .20, .25, .15, 0],
    "paper": [.30, 0, .10, .30, .30, 0], "chemical_fibre": [.20, 0, .10, .45, .25, 0],
    "textile": [.10, 0, .15, .40, .35, 0], "other": [.08, .08, .12, .65, .07, 0],
}
COAL_SHIFT = 0.09  # share of coal moved to electricity and gas each year from 2021


def _shares(base: list[float], year: int, drift: list[float]) -> np.ndarray:
    w = np.array(base, float) * (1 + np.array(drift)) ** max(0, year - 2020)
    return w / w.sum()


def _jitter(base: list[float], rng: np.random.Generator, sd: float) -> list[float]:
    """The key sectors' shares each scaled by its own seeded factor, their sum (and so 其他工业)
    kept. Without it two sectors given the same round share would show identical figures."""
    out = [b * float(np.exp(rng.normal(0, sd))) if b and s != "other" else b
           for s, b in zip(SECTORS, base, strict=True)]
    scale = sum(base[:-1]) / sum(out[:-1]) if sum(out[:-1]) else 1.0
    return [b * scale for b in out[:-1]] + [base[-1]]


def _drifts(code: str, rng: np.random.Generator) -> tuple[list[float], list[float]]:
    """Yearly drift of each sector's share of value added and of energy from 2021: the key
    sectors shrink, each at its own pace, and save energy at their own pace too."""
    va_drift, e_drift = [], []
    for sector in SECTORS:
        if sector == "other":
            va_drift.append(.004)
            e_drift.append(.01)
            continue
        va = rng.normal(-.015, .012)
        va_drift.append(va)
        e_drift.append(va + rng.normal(-.006, .02))
    if code == "330900":  # new refinery: petrochemicals grow their share
        va_drift[2], e_drift[2] = .03, .04
    return va_drift, e_drift


def sector_tables(headline: pd.DataFrame, rng: np.random.Generator):
    """sector_value_added and energy_by_fuel for every city-year of the headline table."""
    va_rows, energy_rows = [], []
    cities = headline[headline.region_code != reference.province_code()].sort_values(["region_code", "year"])
    for code, grp in cities.groupby("region_code"):
        grp = grp.set_index("year")
        real_index, real = {}, 1.0  # comparable-price index of the city's value added
        for year in grp.index:
            if real_index:
                real *= 1 + grp.at[year, "value_added_growth"] / 100
            real_index[year] = real
        va_base = _jitter(VA_SHARE[code], rng, .15)
        e_base = _jitter(ENERGY_SHARE[code], rng, .15)
        va_drift, e_drift = _drifts(code, rng)
        prev_real = None
        for year in grp.index:
            s = _shares(va_base, year, va_drift)
            real_sector = s * real_index[year]
            for i, sector in enumerate(SECTORS):
                if VA_SHARE[code][i] == 0:
                    continue
                if prev_real is None:
                    growth = grp.at[year, "value_added_growth"]
                else:
                    growth = (real_sector[i] / prev_real[i] - 1) * 100
                va_rows.append({"region_code": code, "year": int(year), "sector": sector,
                                "value_added": round(float(grp.at[year, "value_added"] * s[i]), 3),
                                "value_added_growth": round(float(growth), 2)})
            prev_real = real_sector
            net = grp.at[year, "energy_consumption"] - grp.at[year, "feedstock_energy"]
            w = _shares(e_base, year, e_drift)
            listed = {2021: .35, 2022: .45}.get(year, .45 if year > 2022 else 0.0)
            for i, sector in enumerate(SECTORS):
                if ENERGY_SHARE[code][i] == 0:
                    continue
                mix = np.array(FUEL_MIX[sector], float)
                shift = min(0.6, COAL_SHIFT * max(0, year - 2020)) * mix[0]
                mix[0] -= shift
                mix[3] += shift * 0.25  # coal to electricity (煤改电) and to gas (煤改气)
                mix[2] += shift * 0.75
                for j, fuel in enumerate(FUELS):
                    amount = net * w[i] * mix[j]
                    if amount <= 0:
                        continue
                    parts = [(False, amount)]
                    if code == "330900" and sector == "petrochemical" and listed:
                        parts = [(False, amount * (1 - listed)), (True, amount * listed)]
                    for state_listed, a in parts:
                        energy_rows.append({"region_code": code, "year": int(year),
                                            "sector": sector, "fuel": fuel,
                                            "energy": round(float(a), 3), "feedstock": False,
                                            "state_listed": state_listed})
            feed = grp.at[year, "feedstock_energy"]
            petro = ENERGY_SHARE[code][2] > 0
            split = ([("petrochemical", "oil", .8), ("chemical", "natural_gas", .2)] if petro
                     else [("chemical", "coal", .6), ("chemical", "natural_gas", .4)])
            for sector, fuel, share in split:
                energy_rows.append({"region_code": code, "year": int(year), "sector": sector,
                                    "fuel": fuel, "energy": round(float(feed * share), 3),
                                    "feedstock": True, "state_listed": False})
    return pd.DataFrame(va_rows), pd.DataFrame(energy_rows)


# Key segments (万吨/年 in 2020) by city; the plan's 标杆 share targets apply to these.
SEGMENTS = {
    "steel": {"粗钢（长流程）": {"330200": 700, "330800": 220, "330500": 150},
              "电炉钢": {"330200": 200, "330800": 80, "330500": 100}},
    "building_materials": {"水泥熟料": {"330500": 2000, "330700": 1200, "330800": 1000,
                                    "330100": 900, "331100": 300, "330600": 400, "330300": 300,
                                    "331000": 400, "330200": 300, "330400": 100,
                                    "330900": 150},
                           "平板玻璃": {"330400": 300, "330100": 150}},
    "petrochemical": {"炼油": {"330900": 4000, "330200": 4300},
                      "乙烯": {"330900": 420, "330200": 220},
                      "对二甲苯": {"330900": 880, "330200": 160}},
    "chemical": {"烧碱": {"330800": 62, "330200": 95, "330400": 42, "330600": 38, "331000": 36,
                         "330100": 45, "330900": 15, "330300": 28, "330500": 19, "330700": 33,
                         "331100": 16},
                 "合成氨": {"330800": 30, "330200": 20, "330600": 12}},
}
# Benchmark share each city reaches by 2025 (the plan wants 50 %).
BENCH_2025 = {"330100": .55, "330200": .49, "330300": .52, "330400": .50, "330500": .58,
              "330600": .47, "330700": .44, "330800": .46, "330900": .62, "331000": .51,
              "331100": .40}


def capacity(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for sector, segs in SEGMENTS.items():
        for segment, by_city in segs.items():
            for code, total in by_city.items():
                s0 = rng.uniform(.15, .35)
                s1 = BENCH_2025[code] + rng.normal(0, .06)  # segments of a city differ
                b0 = rng.uniform(.08, .15)
                for year in range(2020, 2026):
                    k = (year - 2020) / 5
                    cap = total * (1 - 0.01 * (year - 2020)) if segment == "粗钢（长流程）" else total
                    rows.append({
                        "region_code": code, "year": year, "sector": sector, "segment": segment,
                        "capacity_total": round(cap, 1),
                        "capacity_benchmark": round(cap * (s0 + (s1 - s0) * k), 1),
                        "capacity_below_baseline": round(cap * b0 * (1 - 0.85 * k), 1),
                    })
    return pd.DataFrame(rows)


def city_size(code: str) -> float:
    return OUTPUT_2020[code] / sum(OUTPUT_2020.values())


def propensity(rng: np.random.Generator, sd: float = .35) -> dict[str, float]:
    """Each city's share of a provincial programme: its size times its own seeded keenness
    (summing to 1), so that no two programmes give a city the same share of the province."""
    w = {c: city_size(c) * float(np.exp(rng.normal(0, sd))) for c in CITIES}
    total = sum(w.values())
    return {c: v / total for c, v in w.items()}


def region_metrics(rng: np.random.Generator, headline: pd.DataFrame) -> pd.DataFrame:
    rows = []

    def add(code, year, metric, value):
        rows.append({"region_code": code, "year": year, "metric": metric,
                     "value": round(float(value), 2)})

    years = range(2020, 2026)
    pv = [0, 100, 130, 160, 150, 140]  # province, 万千瓦 added per year (645 needed)
    nev = {"330100": 4, "330200": 5, "330700": 2, "331000": 1.5, "330500": 0.5, "330300": 0.3}
    nev_growth = [1, 2.0, 3.6, 5.0, 6.2, 7.0]
    long_cut = {"330200": [0, 20, 25, 20, 15, 10], "330800": [0, 5, 10, 10, 5, 5],
                "330500": [0, 0, 5, 5, 3, 2]}
    scrap = {"330200": (20, 36), "330800": (24, 45), "330500": (30, 55)}
    clinker = {c: (108 + rng.normal(0, 2), rng.uniform(0.035, 0.07)) for c in CITIES
               if c in SEGMENTS["building_materials"]["水泥熟料"]}
    paper = {"330100": (20, 0), "330400": (15, 2), "330800": (10, 0), "331100": (8, 2),
             "330600": (4, 0)}
    fibre = {"330100": (12, 0), "330400": (18, 1), "330600": (10, 0)}
    hazchem = {c: int(3 + 20 * city_size(c) + rng.integers(0, 5)) for c in CITIES}
    hazchem_pace = {c: min(1.0, rng.uniform(0.7, 1.15)) for c in CITIES}
    pv_share, bm_pv_share = propensity(rng), propensity(rng)
    nev_pace = {c: rng.normal(0, .04, len(years)).cumsum() for c in nev}
    dyeing = {"330600": (38, 52), "330100": (35, 46), "330400": (36, 50), "330300": (30, 42),
              "331000": (33, 47), "330500": (34, 50), "330700": (32, 45), "331100": (31, 44)}
    plans = {c: 2023 for c in CITIES} | {"330900": 2024, "331100": 9999}
    for year in years:
        k = (year - 2020) / 5
        for code in CITIES:
            add(code, year, "distributed_pv_added",
                pv[year - 2020] * pv_share[code] * np.exp(rng.normal(0, .1)))
            va = headline.query("region_code == @code and year == @year")["value_added"].iloc[0]
            sei_share = 0.30 + 0.02 * (year - 2020) + (0.04 if code in ("330100", "330200")
                                                        else 0)
            add(code, year, "sei_value_added", va * sei_share)
            g_total = headline.query("region_code == @code and year == @year")[
                "value_added_growth"].iloc[0]
            add(code, year, "sei_value_added_growth", g_total + 3 + rng.normal(0, 1.5))
            if code in nev:
                add(code, year, "nev_output",
                    nev[code] * nev_growth[year - 2020] * np.exp(nev_pace[code][year - 2020]))
            if code in long_cut:
                add(code, year, "steel_long_process_cut", long_cut[code][year - 2020])
                a, b = scrap[code]
                add(code, year, "steel_scrap_ratio", a + (b - a) * k + (year > 2020)
                    * rng.normal(0, .8))
            if code in clinker:
                base, cut = clinker[code]
                add(code, year, "cement_clinker_energy", base * (1 - cut * k))
            if code in SEGMENTS["building_materials"]["水泥熟料"]:
                add(code, year, "building_materials_pv", (0.2 + 1.3 * k) * bm_pv_share[code] * 11)
            if code in paper:
                a, b = paper[code]
                add(code, year, "paper_small_coal_boilers", round(a + (b - a) * k))
            if code in fibre:
                a, b = fibre[code]
                add(code, year, "fibre_small_coal_boilers", round(a + (b - a) * k))
            listed = hazchem[code]
            add(code, year, "hazchem_relocation_listed", listed)
            add(code, year, "hazchem_relocation_done", min(listed, round(listed * hazchem_pace[code] * k)))
            if code in dyeing:
                a, b = dyeing[code]
                add(code, year, "dyeing_water_reuse_rate", a + (b - a) * k + (year > 2020)
                    * rng.normal(0, .6))
            add(code, year, "city_plan_issued", 1 if year >= plans[code] else 0)
    df = pd.DataFrame(rows)
    return pd.concat([_province_metrics(df, headline), df], ignore_index=True)


def _province_metrics(df: pd.DataFrame, headline: pd.DataFrame) -> pd.DataFrame:
    """Province rows: sums for additive metrics, weighted means for ratios (as published)."""
    from carbonpeak.reference import tables

    spec = tables()["region_metrics"]["metrics"]
    weights = {"steel_scrap_ratio": "steel", "cement_clinker_energy": "clinker",
               "dyeing_water_reuse_rate": "equal", "sei_value_added_growth": "sei"}
    out = []
    for (year, metric), grp in df.groupby(["year", "metric"]):
        if metric == "city_plan_issued":
            continue  # a municipal milestone; the province counts cities instead
        if spec[metric]["additive"]:
            value = grp["value"].sum()
        elif weights.get(metric) == "sei":
            sei = df[(df.metric == "sei_value_added") & (df.year == year)].set_index(
                "region_code")["value"]
            g = grp.set_index("region_code")["value"]
            value = (g * sei.reindex(g.index)).sum() / sei.reindex(g.index).sum()
        else:
            value = grp["value"].mean()
        out.append({"region_code": reference.province_code(), "year": year, "metric": metric,
                    "value": round(float(value), 2)})
    return pd.DataFrame(out)
