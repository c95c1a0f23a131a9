"""Industrial CO2: accounting from energy by fuel, intensity, and the 2030 peak outlook."""

from __future__ import annotations

import math

import pandas as pd

from carbonpeak import reference
from carbonpeak.indicators.intensity import comparable_value_added
from carbonpeak.methods.co2 import co2_by_row
from carbonpeak.methods.peak import classify_peak, project_peak, required_annual_change

PEAK_LABELS = {"peaked": "已达峰", "plateau": "平台期", "rising": "仍在上升",
               "insufficient_data": "数据不足"}


def grid_factor(year: int | None = None) -> float:
    """kgCO2/kWh: one fixed factor for every year by default (see emission_factors.yml)."""
    ef = reference.emission_factors()
    grid = ef["grid"]
    series = ef["grid_kgco2_per_kwh"][grid["region"]]
    pick = grid["year"] if grid["mode"] == "fixed" or year is None else year
    nearest = min(series, key=lambda y: (abs(y - pick), -y))
    return float(series[nearest])


def physical_amounts(energy: pd.DataFrame) -> pd.DataFrame:
    """energy_by_fuel rows (万吨标准煤) with `amount` in the units co2_by_row expects:
    electricity 亿千瓦时 (via the tce convention the data use), heat 万GJ, fuels 万tce."""
    ef = reference.emission_factors()
    conv = ef["electricity_kgce_per_kwh"]
    kgce_per_kwh = conv[conv["selected"]]["value"]
    gj_per_tce = ef["gj_per_tce"]["value"]
    amount = energy["energy"].astype(float)
    # 万tce = 1e7 kgce -> kWh = 1e7 / kgce_per_kwh -> 亿kWh = 0.1 / kgce_per_kwh per 万tce
    amount = amount.where(energy["fuel"] != "electricity", amount * 0.1 / kgce_per_kwh)
    amount = amount.where(energy["fuel"] != "heat", amount * gj_per_tce)
    return energy.assign(amount=amount)


def co2_series(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """CO2 (万吨) per region-year, total and without 国家单列项目; province = Σ cities."""
    energy = tables["energy_by_fuel"]
    ef = reference.emission_factors()
    factors = {k: v["value"] for k, v in ef["fuel_tco2_per_tce"].items()}
    rows = co2_by_row(physical_amounts(energy), factors, grid_factor(),
                      ef["heat_tco2_per_gj"]["value"])
    rows["co2_listed"] = rows["co2"].where(rows["state_listed"].fillna(False).astype(bool), 0.0)
    city = rows.groupby(["region_code", "year"], as_index=False)[["co2", "co2_listed"]].sum()
    prov = city.groupby("year", as_index=False)[["co2", "co2_listed"]].sum()
    prov["region_code"] = reference.PROVINCE
    out = pd.concat([prov, city], ignore_index=True)
    out["co2_excl_state_listed"] = out["co2"] - out["co2_listed"]
    out["year"] = out["year"].astype(int)
    return out.rename(columns={"co2": "co2_total"})[
        ["region_code", "year", "co2_total", "co2_excl_state_listed"]]


def co2_intensity_reduction(tables: dict[str, pd.DataFrame], entry: dict) -> pd.DataFrame:
    """CO2 per unit of comparable value added, without 国家单列项目, reduction vs baseline (%)."""
    base = entry["baseline_year"]
    co2 = co2_series(tables).set_index(["region_code", "year"])["co2_excl_state_listed"]
    parts = []
    for region, grp in tables["industry_annual"].groupby("region_code"):
        g = grp.drop_duplicates("year").set_index("year").sort_index()
        va = comparable_value_added(g, base)
        emis = pd.Series([co2.get((region, int(y)), math.nan) for y in g.index], index=g.index)
        level = emis / va  # 万吨 / 亿元 = tCO2 per 万元
        parts.append(pd.DataFrame({"region_code": region, "year": g.index.astype(int),
                                   "level": level.to_numpy()}))
    df = pd.concat(parts, ignore_index=True)
    base_level = df[df["year"] == base].set_index("region_code")["level"]
    df["level_baseline"] = df["region_code"].map(base_level)
    df["value"] = (1 - df["level"] / df["level_baseline"]) * 100
    return df.assign(level_unit="吨二氧化碳/万元")


def peak_outlook(co2: pd.DataFrame, deadline: int = 2030) -> pd.DataFrame:
    """Per region of a `co2_series` table: is industrial CO2 (all of it, 国家单列项目
    included) peaked, on a plateau or rising; projected peak; and the deceleration needed
    to peak by the deadline."""
    rows = []
    for region, grp in co2.groupby("region_code"):
        s = grp.set_index("year")["co2_total"].sort_index()
        cls = classify_peak(s)
        proj = project_peak(s, deadline=deadline)
        need = required_annual_change(s, deadline=deadline) if len(s) >= 2 else {}
        peak_year = proj.get("peak_year")
        if cls == "insufficient_data":
            status = "not_rated"
        elif cls == "peaked" or (peak_year is not None and peak_year <= deadline):
            status = "green"
        elif cls == "plateau":
            status = "yellow"
        else:
            status = "red"
        rows.append({
            "region_code": region, "classification": cls, "label_zh": PEAK_LABELS[cls],
            "note_zh": _peak_note(cls, s, peak_year, need.get("required_change_pp"), deadline),
            "last_year": int(s.index[-1]), "last_value": float(s.iloc[-1]),
            "max_year": int(s.idxmax()), "max_value": float(s.max()),
            "projected_peak_year": peak_year, "projected_peak_level": proj.get("peak_level"),
            "projection_status": proj["status"], "growth_pct": proj.get("growth_pct"),
            "growth_change_pp": proj.get("growth_change_pp"),
            "required_change_pp": need.get("required_change_pp"),
            "on_track": status == "green", "status": status,
        })
    return pd.DataFrame(rows)


def _peak_note(cls: str, s: pd.Series, peak_year, required_pp, deadline: int) -> str:
    """One sentence a reader can act on."""
    if cls == "insufficient_data":
        return "数据不足五年，无法研判"
    if cls == "peaked":
        return f"已于{int(s.idxmax())}年达峰（{s.max():.0f}万吨），此后下降"
    if peak_year is not None and peak_year <= deadline:
        return f"{PEAK_LABELS[cls]}，按近年增速变化趋势推算{int(peak_year)}年达峰"
    need = f"，需使排放增速每年回落{-required_pp:.2f}个百分点" if required_pp else ""
    return f"{PEAK_LABELS[cls]}，按近年趋势{deadline}年前不能达峰{need}"


def industrial_co2_peak(tables: dict[str, pd.DataFrame], entry: dict) -> pd.DataFrame:
    """The peak milestone as an indicator: value = (projected) peak year, graded by outlook."""
    out = peak_outlook(co2_series(tables), entry["target"])
    year = int(out["last_year"].max())
    value = out["projected_peak_year"].where(out["classification"] != "peaked", out["max_year"])
    return pd.DataFrame({"region_code": out["region_code"], "year": year,
                         "value": pd.to_numeric(value, errors="coerce"),
                         "status": out["status"], "level": out["last_value"],
                         "level_unit": "万吨二氧化碳", "note": out["note_zh"]})
