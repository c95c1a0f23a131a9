"""Enterprise-level evaluation: 用能预算 tiers and 工业碳效码 grades.

Enterprise names and figures are confidential to their own municipality: results go to
one file per municipality (enterprise/<code>.parquet), and only counts leave that file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonpeak import reference, runfolder
from carbonpeak.indicators.emissions import grid_factor
from carbonpeak.methods.carbon_efficiency import carbon_efficiency, energy_budget_tier


def worst_grade() -> int:
    """The number of 碳效码 grades: one more than the cut-points of K."""
    return len(reference.carbon_efficiency()["grade_cutpoints"]) + 1


def rule_text() -> list[str]:
    """The grading rule in sentences, filled from carbon_efficiency.yml's own cut-points, so
    an edited cut-point changes the text that states it (docs/grading.md)."""
    cfg = reference.carbon_efficiency()
    words, cuts = cfg["rule_templates_zh"], cfg["grade_cutpoints"]
    bands = [words["grade_first"].format(high=cuts[0], grade=1)]
    bands += [words["grade_middle"].format(low=lo, high=hi, grade=i + 2)
              for i, (lo, hi) in enumerate(zip(cuts, cuts[1:], strict=False))]
    bands.append(words["grade_last"].format(low=cuts[-1], grade=len(cuts) + 1))
    low, high = cfg["level_cutpoints"]
    return [words["grade"].format(worst=len(cuts) + 1, bands="，".join(bands)),
            words["level"].format(low=low, high=high),
            words["industry_mean"][cfg["industry_mean"]]]


def sector_of(industry_code: str) -> str:
    """The key sector of a GB/T 4754 class code (longest matching prefix), else 'other'."""
    best, best_len = "other", 0
    for s in reference.sectors():
        for prefix in s["industry_codes"]:
            if str(industry_code).startswith(prefix) and len(prefix) > best_len:
                best, best_len = s["id"], len(prefix)
    return best


def enterprise_co2(df: pd.DataFrame) -> pd.Series:
    """tCO2 per enterprise: fuels × factors + (purchased − own zero-carbon) electricity ×
    grid factor + heat × heat factor."""
    ef = reference.emission_factors()
    f = {k: v["value"] for k, v in ef["fuel_tco2_per_tce"].items()}
    electricity = (df["electricity"] - df["zero_carbon_electricity"].fillna(0)).clip(lower=0)
    return (df["coal"] * f["coal"] + df["oil"] * f["oil"]
            + df["natural_gas"] * f["natural_gas"]
            + electricity * 10 * grid_factor()  # 万kWh × kg/kWh = 10 t
            + df["heat"] * ef["heat_tco2_per_gj"]["value"])


def evaluate(enterprises: pd.DataFrame, year: int) -> pd.DataFrame:
    """Grades for the reporting year; K compares each firm with its industry province-wide."""
    df = enterprises[enterprises["year"] == year].drop_duplicates("credit_code").copy()
    df["co2_t"] = enterprise_co2(df)
    cfg = reference.carbon_efficiency()
    graded = carbon_efficiency(
        df.rename(columns={"value_added": "value_added_10k_yuan"}),
        grade_cutpoints=tuple(cfg["grade_cutpoints"]),
        level_cutpoints=tuple(cfg["level_cutpoints"]), industry_mean=cfg["industry_mean"])
    graded["tier"] = graded["energy"].map(energy_budget_tier)
    graded["sector"] = graded["industry_code"].map(sector_of)
    names = {s["id"]: s["name_zh"] for s in reference.sectors()}
    graded["sector_zh"] = graded["sector"].map(names)
    graded["industry_zh"] = graded["industry_code"].map(reference.industry_name)
    return graded.rename(columns={"value_added_10k_yuan": "value_added", "energy": "energy_tce"})


COLUMNS = ["credit_code", "name", "county", "industry_code", "industry_zh", "sector", "sector_zh",
           "energy_tce", "value_added", "co2_t", "tier", "L", "K", "grade", "level"]


def write(graded: pd.DataFrame, out_dir: Path,
          counties: pd.DataFrame | None = None) -> pd.DataFrame:
    """One confidential file per municipality, and per county from `counties` (the same
    firms placed by county); returns the public counts."""
    folder = runfolder.RunFolder(out_dir)
    folder.file(runfolder.ENTERPRISE).mkdir(parents=True, exist_ok=True)
    summary = []
    for frame in (graded, counties if counties is not None else graded.iloc[0:0]):
        for region, grp in frame.groupby("region_code"):
            grp[COLUMNS].sort_values(["grade", "K"], ascending=[False, False]).to_parquet(
                folder.enterprise(region), index=False)
            summary.append(_counts(grp, region))
    summary.append(_counts(graded, reference.province_code()))
    out = pd.concat(summary, ignore_index=True)
    out.to_csv(folder.file(runfolder.ENTERPRISE_SUMMARY), index=False, encoding="utf-8")
    return out


def _counts(df: pd.DataFrame, region: str) -> pd.DataFrame:
    parts = [
        df.groupby("tier").size().rename("count").reset_index().rename(columns={"tier": "key"})
        .assign(dimension="tier"),
        df.groupby("grade").size().rename("count").reset_index().rename(columns={"grade": "key"})
        .assign(dimension="grade"),
        df.assign(key=df["sector"] + ":" + df["grade"].astype("string"))
        .groupby("key").size().rename("count").reset_index().assign(dimension="sector_grade"),
    ]
    out = pd.concat(parts, ignore_index=True).assign(region_code=region)
    out["key"] = out["key"].astype(str)
    return out[["region_code", "dimension", "key", "count"]]


def load(run_dir: Path, region_code: str) -> pd.DataFrame | None:
    """This municipality's enterprises only; there is no call that returns another's."""
    return runfolder.RunFolder(run_dir).load_enterprises(region_code)
