"""The indicator catalog evaluated for every region.

Each catalog entry names a function in this package that returns a time series
(`region_code, year, value`, optional `level…` columns); the pace, grade, previous-year
grade, rank and projection are added here, the same way for every indicator.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from carbonpeak import reference

# the modules whose @indicator functions fill the registry
from carbonpeak.indicators import emissions, grading, intensity, metrics  # noqa: F401
from carbonpeak.indicators.metrics import province_sum, province_weighted
from carbonpeak.indicators.registry import FUNCTIONS
from carbonpeak.numtext import digits, num

NO_SERIES = pd.DataFrame({"region_code": pd.Series(dtype="string"),
                          "year": pd.Series(dtype="int64"), "value": pd.Series(dtype="float64")})

# an indicator's series for the charts: every year up to the run's, with the path required
SERIES_COLUMNS = ["region_code", "indicator_id", "year", "value", "required_value",
                  "stretch_required_value", "level"]

OUTPUT_COLUMNS = [
    "region_code", "region_name", "indicator_id", "name_zh", "task_group", "year", "value",
    "unit", "baseline_year", "baseline_value", "target_year", "target_value",
    "stretch_target_value", "required_value", "stretch_required_value", "stretch_met",
    "status", "status_zh", "prev_value", "prev_status", "rank", "rank_of", "projected_value",
    "projection_year", "level", "level_baseline", "level_unit", "grading_preset",
    "quality_verdict", "not_rated_reason", "status_reason", "target_type", "note",
    "plan_period", "target_source_zh", "target_illustrative",
]


def _target_row(indicator_id: str, entry: dict, region_code: str,
                year: int | None) -> dict | None:
    """The reference-file row a target comes from, for entries with `targets_from`:
    plan_targets.csv (the region's five-year target, else the province's) or
    carbon_budgets.csv (the region's budget for `year`); None when there is none."""
    source = entry.get("targets_from")
    if source == "plan_targets":
        found = reference.plan_targets()
        period = reference.entry_periods(entry)[0]
        code: str | None = region_code  # the region's own, else the nearest one above
        while code is not None:
            if row := found.get((period, code, indicator_id)):
                return row
            code = reference.parent(code)
        return None
    if source == "carbon_budgets":
        budget = reference.carbon_budgets().get((region_code, year))
        return None if budget is None else {**budget, "target": budget["co2_budget"],
                                             "stretch_target": None}
    return None


def targets_for(indicator_id: str, entry: dict, region_code: str,
                year: int | None = None) -> tuple[float | None, ...]:
    """A municipality's own target where the province assigned one; else the provincial one,
    unless the target is a provincial total (`target_scope: province`), which is not
    divided among cities by this tool. Entries with `targets_from` take theirs from the
    reference file it names (a budget is the one for `year`)."""
    if entry.get("targets_from"):
        row = _target_row(indicator_id, entry, region_code, year)
        return (None, None) if row is None else (row["target"], row["stretch_target"])
    if reference.level(region_code) == "county":
        own = reference.county_targets().get((region_code, indicator_id))
        if own and "target" in own:
            return own["target"], own.get("stretch_target")
        return targets_for(indicator_id, entry, reference.parent(region_code), year)
    own = reference.city_targets().get((region_code, indicator_id), {})
    if own:
        return own.get("target", entry["target"]), own.get("stretch_target")
    if entry.get("target_scope") == "province" and region_code != reference.province_code():
        return None, None
    return entry["target"], entry.get("stretch_target")


def target_source(indicator_id: str, entry: dict, region_code: str,
                  year: int) -> tuple[str, bool]:
    """Where a region's target comes from, in words, and whether it is an illustrative
    sample value (示例值): the reference-file row, else the plan period's document."""
    if reference.level(region_code) == "county" and not entry.get("targets_from"):
        own = reference.county_targets().get((region_code, indicator_id))
        if own and "target" in own:
            return own["source_zh"], own["illustrative"]
        source, illustrative = target_source(indicator_id, entry, reference.parent(region_code),
                                             year)
        inherited = reference.grading()["inherited_target_zh"]
        # 采用所属设区市目标：《…》（2023）, not a bracket around a title that ends in one
        return (f"{inherited}：{source}" if source else inherited), illustrative
    row = _target_row(indicator_id, entry, region_code, year)
    if row is not None:
        return row["source_zh"], bool(row["illustrative"])
    if entry.get("targets_from"):
        return "", False
    period = reference.entry_periods(entry)[0]
    doc = next(p for p in reference.plan_periods() if p["id"] == period)["source_zh"]
    return str(doc).split("：")[0], False


def project(series: pd.Series, to_year: int, window: int = 3) -> float:
    """Straight-line trend of the last `window` annual values, carried to `to_year`.

    A projection, labelled as such in reports; it says where the recent pace leads, not
    what will happen.
    """
    s = series.dropna().sort_index()
    if s.empty:
        return math.nan
    last = int(s.index[-1])
    if to_year <= last:
        return float(s.get(to_year, s.iloc[-1]))
    s = s.iloc[-window:]
    if len(s) < 2:
        return math.nan
    slope = np.polyfit(s.index.astype(float), s.to_numpy(dtype=float), 1)[0]
    return float(s.iloc[-1] + slope * (to_year - last))


def series_for(entry: dict, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    series = FUNCTIONS[entry["function"]](tables, entry)
    if entry.get("province") == "sum":
        series = province_sum(series)
    elif entry.get("province") == "weighted":
        series = province_weighted(series, tables, entry["params"]["weight"])
    return series


def sector_presence(tables: dict[str, pd.DataFrame], year: int) -> dict[str, set[str]] | None:
    """sector id -> regions with value added or energy in it in `year` (the province has a
    sector when any city has it); None when neither table was delivered."""
    found: dict[str, set[str]] = {}
    seen = False
    for name, column in (("sector_value_added", "value_added"), ("energy_by_fuel", "energy")):
        df = tables.get(name)
        if df is None or "sector" not in df:
            continue
        seen = True
        df = df[(pd.to_numeric(df["year"], errors="coerce") == year)
                & (pd.to_numeric(df[column], errors="coerce") > 0)]
        for sector, grp in df.groupby("sector"):
            found.setdefault(str(sector), set()).update(map(str, grp["region_code"]))
    if not seen:
        return None
    for regions in found.values():
        regions.add(reference.province_code())
    return found


def evaluate(indicator_id: str, entry: dict, tables: dict[str, pd.DataFrame], year: int,
             blocked: dict[str, str], series: pd.DataFrame | None = None,
             present: dict[str, set[str]] | None = None,
             regions: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One indicator for every region of `regions` (default: the province and its cities):
    (rows for `year`, the full series for charts).

    `blocked` maps region_code -> the reason its inputs failed the quality gate; `present`
    (sector_presence) decides where an indicator tied to a sector does not apply.
    """
    if series is None:
        series = series_for(entry, tables)
    preset_name, preset = grading.preset_for(entry)
    regions = reference.region_codes() if regions is None else regions
    higher = entry.get("higher_is_better", True)
    kind, base_year = entry["kind"], entry["baseline_year"]
    province = reference.province_code()
    # each region's rows, indexed by year, split once (not filtered once a region)
    empty = series.iloc[0:0].set_index("year")
    by_region = {str(code): rows.set_index("year").sort_index()
                 for code, rows in series.groupby("region_code", sort=False)}
    province_value = _at(by_region.get(province, empty), "value", year)
    rows: list[dict] = []
    full: dict[str, list] = {c: [] for c in SERIES_COLUMNS if c != "indicator_id"}
    budget = kind == "budget"  # an annual cap: the year's own budget, no five-year path
    period = reference.plan_period_for(year)["id"]
    for region in regions:
        target, stretch = targets_for(indicator_id, entry, region, year)
        source_zh, illustrative = target_source(indicator_id, entry, region, year)
        s = by_region.get(region, empty)
        if kind in ("level", "share"):
            base_value = _at(s, "value", base_year)
        elif kind == "milestone":
            base_value = math.nan
        else:
            base_value = 0.0

        def required(y, tgt=target, base=base_value, region=region):
            if budget:
                tgt = targets_for(indicator_id, entry, region, y)[0]
            if tgt is None:
                return math.nan
            try:
                return grading.required_value(kind, tgt, y, base_year, entry["target_year"], base)
            except ValueError:
                return math.nan

        value, prev = _at(s, "value", year), _at(s, "value", year - 1)
        reason = blocked.get(region, "")
        if reason:
            value = prev = math.nan
        req = required(year)
        if preset["method"] == "precomputed":
            status = str(s.at[year, "status"]) if not reason and year in s.index else "not_rated"
            prev_status = (str(s.at[year - 1, "status"]) if not reason and year - 1 in s.index
                           else grading.NOT_RATED)
        else:
            status = grading.grade(value, req, preset, higher, base_value)
            prev_status = (grading.grade(prev, required(year - 1), preset, higher, base_value)
                           if year - 1 > base_year else grading.NOT_RATED)
        why = "failed_quality" if reason else ""
        sector = entry.get("applies_to_sector")
        if not reason and not (preset["method"] == "precomputed" and status != "not_rated"):
            lacks = (sector is not None and present is not None
                     and region not in present.get(sector, set()))
            if (s.empty or math.isnan(value)) and lacks:
                why = "not_applicable"
                reason = entry.get("absent_zh", "本地区无相关行业，不适用")
            elif s.empty:
                why = ("not_applicable" if entry.get("absent_means") == "not_applicable"
                       else "no_data")
                reason = entry.get("absent_zh", "无相关数据") if why == "not_applicable" \
                    else "无相关数据"
            elif math.isnan(value):
                why, reason = "no_data", f"缺少{year}年数据"
            elif target is None and entry.get("targets_from"):
                why = "no_data"
                reason = (f"尚未设定{year}年碳排放预算" if budget
                          else f"尚未设定本地区{reference.plan_period_for(year)['name_zh']}目标值")
            elif target is None:
                share = (f"，占全省{num(value / province_value * 100, 1)}%"
                         if province_value and not math.isnan(province_value) else "")
                done = "累计" if kind in ("count", "amount") else f"{year}年为"
                why = "no_local_target"
                words = reference.grading()["level_words_zh"][reference.level(region)]
                down, here = words["peers"], words["self"]
                reason = (f"全省目标（{entry['target']:g}{entry['unit']}）为全省总量，未分解到{down}；"
                          f"{here}{done}{num(value, digits(entry['unit']))}{entry['unit']}{share}")
            elif math.isnan(req):
                why, reason = "no_data", f"缺少基期（{base_year}年）数据，无法计算序时进度"
            elif preset["method"] == "precomputed":
                why = "no_data"
                reason = str(s.at[year, "note"]) if "note" in s and year in s.index else "无数据"
        if reason and status != "not_rated":
            status = grading.NOT_RATED
        if status != grading.NOT_RATED:
            why = ""
        elif not why:
            why = "no_data"
        target_type = entry.get("target_type", "binding")
        if target_type == "stretch":
            status = grading.cap_stretch(status)
            prev_status = grading.cap_stretch(prev_status)
        stretch_req = required(year, stretch) if stretch is not None else math.nan
        rows.append({
            "region_code": region, "region_name": reference.region_name(region), "indicator_id": indicator_id,
            "name_zh": entry["name_zh"], "task_group": entry.get("task_group", ""),
            "year": year, "value": value, "unit": entry["unit"],
            "baseline_year": base_year, "baseline_value": base_value,
            "target_year": entry["target_year"],
            "target_value": target if target is not None else math.nan,
            "stretch_target_value": stretch if stretch is not None else math.nan,
            "required_value": req, "stretch_required_value": stretch_req,
            "stretch_met": (grading.meets(value, stretch_req, higher)
                            if not math.isnan(value) and not math.isnan(stretch_req) else pd.NA),
            "status": status, "status_zh": reference.grading()["status_zh"][status],
            "prev_value": prev, "prev_status": prev_status,
            "projected_value": (project(s["value"], entry["target_year"])
                                if "value" in s and not blocked.get(region)
                                and kind not in ("milestone", "budget") else math.nan),
            "projection_year": entry["target_year"],
            "level": math.nan if blocked.get(region) else _at(s, "level", year),
            "level_baseline": math.nan if blocked.get(region) else _at(s, "level_baseline", year),
            "level_unit": s["level_unit"].iloc[0] if "level_unit" in s and len(s) else "",
            "grading_preset": preset_name,
            "quality_verdict": "fail" if blocked.get(region) else "pass",
            "not_rated_reason": reason, "status_reason": why, "target_type": target_type,
            "note": str(s.at[year, "note"]) if "note" in s and year in s.index else "",
            "plan_period": period, "target_source_zh": source_zh,
            "target_illustrative": illustrative,
        })
        if not blocked.get(region) and len(s):
            past = s[s.index <= year]
            yrs = past.index.tolist()
            full["region_code"] += [region] * len(yrs)
            full["year"] += yrs
            full["value"] += _floats(past, "value")
            full["required_value"] += [required(y) if y >= base_year else math.nan
                                       for y in yrs]
            full["stretch_required_value"] += [required(y, stretch) if stretch is not None
                                               and y >= base_year else math.nan for y in yrs]
            full["level"] += _floats(past, "level")
    out = pd.DataFrame(rows)
    # a city is ranked among the cities, a county among its city's counties; the province's
    # rank_of is the number of cities ranked
    parent = out["region_code"].map(reference.parent).fillna(province)
    ranked = (out["region_code"] != province) & out["value"].notna()
    if kind in ("milestone", "budget"):
        ranked &= False  # a year, or tonnes against a city's own budget, is not a score to rank
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    by = parent[ranked]
    out.loc[ranked, "rank"] = (out.loc[ranked, "value"].groupby(by)
                               .rank(ascending=not higher, method="min").astype("int64"))
    out["rank_of"] = parent.map(ranked.groupby(parent).sum()).fillna(0).astype("int64")
    if not full["year"]:
        return out[OUTPUT_COLUMNS], pd.DataFrame()
    return out[OUTPUT_COLUMNS], pd.DataFrame({"indicator_id": indicator_id, **full},
                                             columns=SERIES_COLUMNS)


def _floats(s: pd.DataFrame, column: str) -> list[float]:
    if column not in s:
        return [math.nan] * len(s)
    return s[column].to_numpy(dtype=float, na_value=np.nan).tolist()


def _at(s: pd.DataFrame, column: str, year: int) -> float:
    if column not in s or year not in s.index:
        return math.nan
    v = s.at[year, column]
    return float(v) if pd.notna(v) else math.nan


def compute_all(tables: dict[str, pd.DataFrame], year: int,
                blocked_by: dict[str, dict[str, str]], regions: list[str] | None = None,
                absent: str = "no_data") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The catalog indicators of the plan period `year` belongs to (十四五 for 2021–2025,
    十五五 for 2026–2030) for `regions` (default: the province and its cities);
    `blocked_by[indicator_id][region]` holds not_rated reasons. An indicator whose input
    table is absent is `absent` (no_data; not_provided at county level, where most tables
    are not delivered at all)."""
    regions = reference.region_codes() if regions is None else regions
    current, series = [], []
    present = sector_presence(tables, year)
    for indicator_id, entry in reference.catalog_for(year).items():
        needed = entry.get("inputs", {})
        missing = [t for t in needed if tables.get(t) is None]
        if missing:
            # the table's title and the file a bureau would deliver it in: a clerk knows what to send
            titles = "、".join(
                f"{reference.tables()[t].get('title_zh', t)}"
                f"（{(reference.tables()[t].get('files') or [t + '.csv'])[0]}）" for t in missing)
            known = blocked_by.get(indicator_id, {})  # e.g. the file was empty: say so
            blocked = {r: known.get(r) or f"未提供{titles}数据" for r in regions}
            cur, ser = evaluate(indicator_id, entry, {}, year, blocked, series=NO_SERIES,
                                regions=regions)
            # a table never delivered is missing data, not data that failed the quality gate
            fresh = ~cur["region_code"].isin(list(known))
            cur.loc[fresh, "status_reason"] = absent
            if absent == "not_provided":  # nothing was checked, so nothing failed
                cur.loc[fresh, "quality_verdict"] = "pass"
        else:
            cur, ser = evaluate(indicator_id, entry, tables, year,
                                blocked_by.get(indicator_id, {}), present=present,
                                regions=regions)
        current.append(cur)
        series.append(ser)
    return pd.concat(current, ignore_index=True), pd.concat(series, ignore_index=True)

