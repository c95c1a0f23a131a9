"""Illustrative lists of firms behind the plan's firm-level targets (示例数据，非官方统计):
key energy-using enterprises with valid credit codes, green factories and parks, retrofit
projects. The city totals and sector shares they follow are sample_detail's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak.methods.credit_code import credit_code_check_char
from tools.sample_detail import CITIES, ENERGY_SHARE, FUEL_MIX, SECTORS, SHORT, propensity


def _credit_code(rng, county_code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + county_code + "".join(rng.choice(list(alphabet), 9))
    return body + credit_code_check_char(body)


COUNTIES = {  # a few county-level units per city (GB/T 2260 codes), for addresses and codes
    "330100": [("330109", "萧山区"), ("330111", "富阳区"), ("330110", "余杭区")],
    "330200": [("330211", "镇海区"), ("330206", "北仑区"), ("330282", "慈溪市")],
    "330300": [("330302", "鹿城区"), ("330381", "瑞安市"), ("330382", "乐清市")],
    "330400": [("330483", "桐乡市"), ("330482", "平湖市"), ("330481", "海宁市")],
    "330500": [("330522", "长兴县"), ("330521", "德清县"), ("330502", "吴兴区")],
    "330600": [("330603", "柯桥区"), ("330604", "上虞区"), ("330681", "诸暨市")],
    "330700": [("330782", "义乌市"), ("330784", "永康市"), ("330702", "婺城区")],
    "330800": [("330802", "柯城区"), ("330881", "江山市"), ("330822", "常山县")],
    "330900": [("330902", "定海区"), ("330921", "岱山县"), ("330903", "普陀区")],
    "331000": [("331081", "温岭市"), ("331002", "椒江区"), ("331082", "临海市")],
    "331100": [("331102", "莲都区"), ("331181", "龙泉市"), ("331121", "青田县")],
}
BRANDS = ["恒达", "华腾", "永盛", "新宇", "东方", "天成", "金源", "宏泰", "瑞丰", "中鼎", "明阳",
          "鸿运", "嘉禾", "兴业", "正泰", "海纳", "青山", "长虹", "广源", "振华", "万丰", "卓越"]
INDUSTRIES = {  # sector -> (GB/T 4754 class, product word, typical tce per 万元 value added)
    "steel": [("3120", "钢铁", 1.8)], "building_materials": [("3011", "水泥", 2.2),
                                                             ("3041", "玻璃", 1.2)],
    "petrochemical": [("2511", "石化", 1.5)], "chemical": [("2614", "化工", 1.1),
                                                          ("2619", "新材料", 0.8)],
    "paper": [("2221", "纸业", 0.9)], "chemical_fibre": [("2822", "化纤", 0.7)],
    "textile": [("1713", "印染", 0.6)],
    "other": [("3670", "汽车部件", 0.12), ("3989", "电子", 0.08), ("3831", "电线电缆", 0.1),
              ("3490", "机械", 0.1)],
}


def enterprises(rng: np.random.Generator, years=(2024, 2025)) -> pd.DataFrame:
    rows = []
    used = set()
    for code in CITIES:
        n = int(40 + 60 * sum(ENERGY_SHARE[code][:7]))
        sectors = [s for i, s in enumerate(SECTORS) if ENERGY_SHARE[code][i] > 0]
        weights = np.array([ENERGY_SHARE[code][SECTORS.index(s)] for s in sectors])
        for _ in range(n):
            sector = rng.choice(sectors, p=weights / weights.sum())
            ind_code, word, typical = INDUSTRIES[sector][rng.integers(len(INDUSTRIES[sector]))]
            county_code, county = COUNTIES[code][rng.integers(3)]
            name = f"{SHORT[code]}{rng.choice(BRANDS)}{word}有限公司"
            while name in used:
                name = f"{SHORT[code]}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{word}有限公司"
            used.add(name)
            rows += firm_rows(rng, code, county_code, county, name, sector,
                              (ind_code, word, typical), years)
    return pd.DataFrame(rows)


def firm_rows(rng, code, county_code, county, name, sector, industry, years) -> list[dict]:
    """One firm's rows (one per year): a valid credit code registered in its county, its
    energy use by fuel and its value added."""
    ind_code, _, typical = industry
    credit = _credit_code(rng, county_code)
    energy = float(np.exp(rng.normal(7.6, 1.0)))  # tce; median ≈ 2000
    k = float(np.exp(rng.normal(0, 0.45)))  # firm's efficiency vs its industry
    mix = np.array(FUEL_MIX[sector], float)
    rows = []
    for year in years:
        e = energy * (1 + rng.normal(0.02, 0.05)) ** (year - years[0])
        va = e / (typical * k)  # 万元
        zero_carbon = e * mix[3] / 1.229 * rng.uniform(0, 0.15)  # 万kWh own PV
        rows.append({
            "credit_code": credit, "name": name, "region_code": code, "county": county,
            "industry_code": ind_code, "year": year, "energy": round(e, 1),
            "coal": round(e * mix[0], 1), "oil": round(e * mix[1], 1),
            "natural_gas": round(e * mix[2], 1),
            "electricity": round(e * mix[3] / 1.229, 1),  # tce -> 万kWh at 当量
            "heat": round(e * mix[4] * 29.3076, 1),
            "zero_carbon_electricity": round(zero_carbon, 1),
            "value_added": round(va, 1),
        })
    return rows



def green_manufacturing(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    per_year = {"factory": [80, 100, 120, 130, 130], "park": [7, 9, 10, 10, 10]}
    names = set()
    for kind, counts in per_year.items():
        share = np.array(list(propensity(rng).values()))
        for year, total in zip(range(2021, 2026), counts, strict=True):
            picks = rng.multinomial(total, share)
            for code, k in zip(CITIES, picks, strict=True):
                for _ in range(k):
                    county_code, county = COUNTIES[code][rng.integers(3)]
                    if kind == "factory":
                        name = f"{SHORT[code]}{rng.choice(BRANDS)}{rng.choice(BRANDS)}科技有限公司"
                        credit = _credit_code(rng, county_code)
                    else:
                        name = f"{county}{rng.choice(['经济技术开发区', '高新技术产业园区', '绿色化工园区', '智造产业园'])}"
                        credit = ""
                    if name in names:
                        continue
                    names.add(name)
                    rows.append({"name": name, "kind": kind,
                                 "level": "national" if rng.random() < 0.3 else "provincial",
                                 "region_code": code, "county": county, "credit_code": credit,
                                 "year": year})
    return pd.DataFrame(rows)


def retrofit_projects(rng: np.random.Generator, firms: pd.DataFrame) -> pd.DataFrame:
    rows = []
    starts = [900, 1200, 1300, 1300, 1210]
    by_city = firms.drop_duplicates("credit_code").groupby("region_code")["credit_code"].apply(list)
    n = 0
    share = np.array(list(propensity(rng).values()))
    key_rate = {c: 0.055 * float(np.exp(rng.normal(0, .35))) for c in CITIES}
    for year, total in zip(range(2021, 2026), starts, strict=True):
        picks = rng.multinomial(total, share)
        for code, k in zip(CITIES, picks, strict=True):
            for _ in range(k):
                n += 1
                duration = int(rng.integers(1, 3))
                done = year + duration <= 2025
                key = rng.random() < key_rate[code]
                rows.append({
                    "project_id": f"JG{year}{n:05d}",
                    "name": rng.choice(["电机系统节能改造", "余热余压利用", "屋顶分布式光伏",
                                        "窑炉节能改造", "空压机系统优化", "能源管控中心建设",
                                        "煤改电", "集中供热替代燃煤锅炉"]),
                    "credit_code": rng.choice(by_city[code]),
                    "region_code": code,
                    "level": "provincial_key" if key else "general",
                    "status": "completed" if done else "in_progress",
                    "start_year": year,
                    "completion_year": year + duration if done else None,
                    "energy_saved": round(float(np.exp(rng.normal(6.5 if key else 5, 0.6))), 0),
                })
    df = pd.DataFrame(rows)
    df["completion_year"] = df["completion_year"].astype("Int64")
    return df
