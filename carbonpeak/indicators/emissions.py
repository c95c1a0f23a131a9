"""Industrial CO2: accounting from energy by fuel, intensity, and the 2030 peak outlook."""

from __future__ import annotations

import math

import pandas as pd

from carbonpeak import reference
from carbonpeak.indicators.intensity import comparable_value_added
from carbonpeak.indicators.registry import indicator
from carbonpeak.methods import peak
from carbonpeak.methods.co2 import co2_by_row
from carbonpeak.numtext import num, signed


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
    prov["region_code"] = reference.province_code()
    out = pd.concat([prov, city], ignore_index=True)
    out["co2_excl_state_listed"] = out["co2"] - out["co2_listed"]
    out["year"] = out["year"].astype(int)
    return out.rename(columns={"co2": "co2_total"})[
        ["region_code", "year", "co2_total", "co2_excl_state_listed"]]


@indicator
def co2_intensity_reduction(tables: dict[str, pd.DataFrame], entry: dict) -> pd.DataFrame:
    """CO2 per unit of comparable value added, without 国家单列项目, reduction vs baseline (%)."""
    base = entry["baseline_year"]
    table = co2_series(tables).set_index(["region_code", "year"])
    co2, total = table["co2_excl_state_listed"], table["co2_total"]
    parts = []
    for region, grp in tables["industry_annual"].groupby("region_code"):
        g = grp.drop_duplicates("year").set_index("year").sort_index()
        va = comparable_value_added(g, base)
        emis = pd.Series([co2.get((region, int(y)), math.nan) for y in g.index], index=g.index)
        listed = pd.Series([total.get((region, int(y)), math.nan) for y in g.index],
                           index=g.index) - emis
        level = emis / va  # 万吨 / 亿元 = tCO2 per 万元
        incl = [reduction_incl_state_listed(table, region, int(y), base, lv, level.get(base))
                for y, lv in zip(g.index, level, strict=True)]
        parts.append(pd.DataFrame({"region_code": region, "year": g.index.astype(int),
                                   "level": level.to_numpy(),
                                   "note": [_listed_note(x, x + e, base, i) for x, e, i in zip(
                                       listed, emis, incl, strict=True)]}))
    df = pd.concat(parts, ignore_index=True)
    base_level = df[df["year"] == base].set_index("region_code")["level"]
    df["level_baseline"] = df["region_code"].map(base_level)
    df["value"] = (1 - df["level"] / df["level_baseline"]) * 100
    return df.assign(level_unit="吨二氧化碳/万元")


def reduction_incl_state_listed(co2: pd.DataFrame, region: str, year: int, base: int,
                                level: float, level_base: float) -> float | None:
    """The CO2 intensity reduction (%) since `base` on the scope WITH 国家单列项目, for a
    region that has them in `year` (else None). `co2` is a co2_series table (indexed by
    region_code, year, or with those columns); `level`/`level_base` the intensity without
    them. The value added is the same on both scopes, so the intensity with them is
    level × total/excl."""
    t = co2 if isinstance(co2.index, pd.MultiIndex) else co2.assign(
        region_code=co2["region_code"].astype(str)).set_index(["region_code", "year"])
    try:
        total, excl = t.at[(region, year), "co2_total"], t.at[(region, year), "co2_excl_state_listed"]
        total_b, excl_b = (t.at[(region, base), "co2_total"],
                           t.at[(region, base), "co2_excl_state_listed"])
    except KeyError:
        return None
    values = (level, level_base, total, excl, total_b, excl_b)
    if any(v is None or pd.isna(v) for v in values) or not total > excl or not excl or not excl_b:
        return None
    return float((1 - (level * total / excl) / (level_base * total_b / excl_b)) * 100)


def scope_change(value: float) -> str:
    """'下降6.5%' / '上升6.5%': a reduction (%) in the scope words of emission_factors.yml."""
    words = reference.co2_scope()
    return (words["fell"] if value >= 0 else words["rose"]).format(v=num(abs(value), 1))


@indicator
def industrial_co2_total(tables: dict[str, pd.DataFrame], entry: dict) -> pd.DataFrame:
    """Industrial CO2 without 国家单列项目 (万吨) per region-year: what an annual carbon
    budget (碳排放预算) caps; the province is the sum of the cities, as in co2_series."""
    co2 = co2_series(tables)
    return pd.DataFrame({"region_code": co2["region_code"], "year": co2["year"],
                         "value": co2["co2_excl_state_listed"]})


def _labels() -> dict:
    return reference.grading()["peak"]["labels_zh"]


def _assess_region(grp: pd.DataFrame, column: str, year: int, deadline: int) -> dict:
    s = grp.set_index("year")[column].sort_index()
    return peak.assess(s, year, reference.grading()["peak"], deadline)


def _listed_note(listed: float, total: float, base: int, incl: float | None) -> str:
    """Where a region has 国家单列项目: what the CO2 intensity leaves out, and the
    intensity's change on the scope with them (emission_factors.yml `scope_zh`)."""
    if not listed or math.isnan(listed) or listed <= 0 or incl is None:
        return ""
    return reference.co2_scope()["intensity_note"].format(
        listed=num(listed, 0), share=f"{num(100 * listed / total, 1)}%", base=base,
        change=scope_change(incl))


def peak_outlook(co2: pd.DataFrame, year: int | None = None, deadline: int = 2030,
                 base_year: int = 2020) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per region of a `co2_series` table: the peak verdict of industrial CO2 (国家单列项目
    included, as the plan's peak goal counts all industrial CO2) as of `year` (default: the
    last year in the table) and as of the year before; the same without 国家单列项目 where
    a region has them; and how much of the change since `base_year` those projects make.

    Returns (one row per region, the projection in long format: region_code, year,
    scenario ∈ trend|trend_low|trend_high|required, co2)."""
    year = int(co2["year"].max()) if year is None else int(year)
    labels = _labels()
    dominant = reference.grading()["peak"]["state_listed_dominant_pct"]
    rows, paths = [], []
    for region, grp in co2.groupby("region_code"):
        grp = grp[grp["year"] <= year].sort_values("year")
        a = _assess_region(grp, "co2_total", year, deadline)
        prev = _assess_region(grp, "co2_total", year - 1, deadline)
        listed = (grp["co2_total"] - grp["co2_excl_state_listed"]).to_numpy()
        row = _outlook_row(region, a, labels)
        row.update({"prev_classification": prev["classification"],
                    "prev_status": prev["status"]})
        row.update(_state_listed(grp, listed, base_year, year, deadline, dominant, labels))
        rows.append(row)
        proj = peak.projection(a)
        if len(proj):
            paths.append(proj.assign(region_code=region))
    cols = ["region_code", "year", "scenario", "co2"]
    projection = (pd.concat(paths, ignore_index=True)[cols] if paths
                  else pd.DataFrame(columns=cols))
    return pd.DataFrame(rows), projection


def _outlook_row(region: str, a: dict, labels: dict) -> dict:
    cls = a["classification"]
    label = labels[cls]
    if cls == "data_ended":
        label = f"数据截至{a['data_end_year']}年"
    if cls == "peaked":
        proj_status = "already_peaked"
    elif a["status"] == "not_rated":
        proj_status = cls
    elif a.get("projected_peak_year") is not None and a["projected_peak_year"] <= a["deadline"]:
        proj_status = "peaks_by_deadline"
    else:
        proj_status = "no_peak_by_deadline"
    steps = "；".join(f"{st['year']}年{signed(st['pct'], 0)}%" for st in a.get("steps", []))
    return {
        "region_code": region, "classification": cls, "label_zh": label,
        "note_zh": peak_note(a, labels),
        "reporting_year": a["reporting_year"], "last_year": a.get("data_end_year"),
        "last_value": a.get("last_value"), "data_end_year": a.get("data_end_year"),
        "class_at_data_end": a.get("class_at_data_end", ""),
        "max_year": a.get("max_year"), "max_value": a.get("max_value"),
        "years_since_max": a.get("years_since_max"), "below_max_pct": a.get("below_max_pct"),
        "last_below_max_pct": a.get("last_below_max_pct"),
        "projected_peak_year": a.get("projected_peak_year"),
        "projected_peak_year_low": a.get("projected_peak_year_low"),
        "projected_peak_year_high": a.get("projected_peak_year_high"),
        "projected_peak_level": a.get("projected_peak_level"),
        "projection_status": proj_status,
        "growth_pct": a.get("growth_pct"), "growth_low_pct": a.get("growth_low_pct"),
        "growth_high_pct": a.get("growth_high_pct"),
        "growth_early_pct": a.get("growth_early_pct"), "growth_late_pct": a.get("growth_late_pct"),
        "sustained_slowdown": a.get("sustained_slowdown"), "stalled": a.get("stalled"),
        "growth_change_pp": a.get("deceleration_pp"),
        "required_change_pp": a.get("required_change_pp"),
        "level_trend_pct": a.get("level_trend_pct"),
        "trend_tau": a.get("trend_tau"), "trend_p": a.get("trend_p"),
        "window_start": a.get("window_start"), "steps": steps,
        "anchor_level": a.get("anchor_level"),
        "on_track": bool(a.get("on_track", False)), "status": a["status"],
        "status_reason": a.get("status_reason", ""),
    }


def _state_listed(grp: pd.DataFrame, listed, base_year: int, year: int, deadline: int,
                  dominant_pct: float, labels: dict) -> dict:
    """国家单列项目: their CO2, share, share of the change since the baseline, and the
    outlook without them (only where a region has any)."""
    out = dict.fromkeys(("state_listed_co2", "state_listed_share_pct", "state_listed_first_year",
                         "co2_change_since_base", "state_listed_change_since_base",
                         "state_listed_share_of_change_pct", "excl_classification",
                         "excl_label_zh", "excl_status", "excl_growth_pct",
                         "excl_projected_peak_year", "excl_note_zh"))
    out["state_listed_dominant"] = False
    years = grp["year"].to_numpy()
    if not (listed > 0).any():
        return out
    total = grp["co2_total"].to_numpy()
    out["state_listed_co2"] = float(listed[-1])
    out["state_listed_share_pct"] = 100 * float(listed[-1] / total[-1])
    out["state_listed_first_year"] = int(years[listed > 0][0])
    if base_year in years:
        i0 = list(years).index(base_year)
        change, change_listed = float(total[-1] - total[i0]), float(listed[-1] - listed[i0])
        out["co2_change_since_base"] = change
        out["state_listed_change_since_base"] = change_listed
        if change > 0:
            out["state_listed_share_of_change_pct"] = 100 * change_listed / change
            out["state_listed_dominant"] = bool(100 * change_listed / change >= dominant_pct)
    a = _assess_region(grp, "co2_excl_state_listed", year, deadline)
    out.update({"excl_classification": a["classification"],
                "excl_label_zh": labels[a["classification"]], "excl_status": a["status"],
                "excl_growth_pct": a.get("growth_pct"),
                "excl_projected_peak_year": a.get("projected_peak_year"),
                "excl_note_zh": peak_note(a, labels)})
    return out


def peak_note(a: dict, labels: dict) -> str:
    """One sentence a reader can act on, with the numbers it rests on (grading.yml
    `peak.notes_zh`): the one growth measure g, its yearly change d, the projected peak."""
    cfg = reference.grading()["peak"]
    words = cfg["notes_zh"]
    cls = a["classification"]
    if cls == "insufficient_data":
        return words["insufficient"].format(window=cfg["window"], min_obs=cfg["min_obs"])
    if cls == "data_ended":
        end = a["data_end_year"]
        return words["data_ended"].format(end=end, next=end + 1, year=a["reporting_year"],
                                          was=labels[a["class_at_data_end"]])
    steps = "、".join(f"{st['year']}年{signed(st['pct'], 0)}%" for st in a["steps"])
    trend = words["trend"].format(
        steps=words["steps"].format(steps=steps) if steps else "", g=signed(a["growth_pct"]),
        low=signed(a["growth_low_pct"]), high=signed(a["growth_high_pct"]))
    if cls == "peaked":
        return words["peaked"].format(max_year=a["max_year"], max_value=num(a["max_value"], 0),
                                      k=cfg["confirm_years"], below=num(a["below_max_pct"], 0),
                                      trend=trend)
    if a.get("stalled"):
        return words["stalled"].format(last=a["data_end_year"],
                                       drop=num(a["last_below_max_pct"], 0), trend=trend,
                                       max_year=a["max_year"])
    if cls == "plateau":
        return words["plateau"].format(trend=trend, max_year=a["max_year"])
    py, d = a.get("projected_peak_year"), a["deceleration_pp"]
    slowing = words["slowing"].format(d=num(-d, 2)) if d < 0 else ""
    need = words["need"].format(pp=num(-a["required_change_pp"], 2), deadline=a["deadline"])
    if a["on_track"]:
        return words["on_track"].format(trend=trend, slowing=slowing, py=py)
    if py is not None:
        return words["late"].format(trend=trend, slowing=slowing, py=py,
                                    deadline=a["deadline"], need=need)
    return words["rising"].format(trend=trend, deadline=a["deadline"], need=need)


@indicator
def industrial_co2_peak(tables: dict[str, pd.DataFrame], entry: dict) -> pd.DataFrame:
    """The peak milestone as an indicator for the last year of the data and the year before:
    value = (projected) peak year, status from the outlook."""
    co2 = co2_series(tables)
    last = int(co2["year"].max())
    parts = []
    for y in (last - 1, last):
        out, _ = peak_outlook(co2, y, entry["target"], entry["baseline_year"])
        parts.append(pd.DataFrame({
            "region_code": out["region_code"], "year": y,
            "value": pd.to_numeric(out["projected_peak_year"], errors="coerce"),
            "status": out["status"], "level": out["last_value"],
            "level_unit": "万吨二氧化碳", "note": out["note_zh"]}))
    return pd.concat(parts, ignore_index=True)
