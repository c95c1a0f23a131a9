"""Reference data (regions, tables, indicator catalog, grading presets) loaded from
data/reference/, so that analysts change thresholds and add indicators without Python.

Each loader keeps its result until a file it reads changes (path, mtime_ns and size are the
key), so an edited indicators.yml reaches a JupyterLab kernel that is already running, and
pointing REFERENCE_DIR elsewhere (tests) reads the files there."""

from __future__ import annotations

import csv
import functools
import os

import yaml

from carbonpeak.errors import ConfigError
from carbonpeak.paths import REFERENCE_DIR

# The region hierarchy of regions.csv, top down: a region's parent is one level up.
LEVELS = ("province", "municipality", "county")
# The levels the chain reports on (a report, a row in indicators.csv, a quality verdict per
# region); counties join with the county level.
REPORTED_LEVELS = ("province", "municipality")
REGION_COLUMNS = ("region_code", "name", "short_name", "level", "parent_code", "name_en")


def _stamp(name: str) -> tuple:
    # os.path, not pathlib: loaders are called tens of thousands of times a run
    path = os.path.join(REFERENCE_DIR, name)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (path, None, None)
    return (path, st.st_mtime_ns, st.st_size)


def reloading(*names: str):
    """Cache a loader's result per state of the reference files it reads: called again after
    one of them was edited (or REFERENCE_DIR moved), it reads them again. `cache_clear()`
    empties the cache, as with functools.cache."""
    def decorate(load):
        memo: dict[tuple, object] = {}

        @functools.wraps(load)
        def loader():
            key = tuple(_stamp(n) for n in names)
            if key not in memo:
                value = load()
                memo.clear()
                memo[key] = value
            return memo[key]

        loader.cache_clear = memo.clear
        return loader
    return decorate



def _yaml(name: str):
    with (REFERENCE_DIR / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


@reloading("regions.csv")
def hierarchy() -> dict[str, dict]:
    """Every region of regions.csv by code, in GB/T 2260 code order, checked so that each
    one has a known level and a parent one level up (the province none): the county level
    and every Σ-of-children rule rely on it. A broken row is a ConfigError naming it."""
    path = REFERENCE_DIR / "regions.csv"
    with path.open(encoding="utf-8") as f:
        numbered = [(n, line) for n, line in enumerate(f, 1) if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    if missing := [c for c in REGION_COLUMNS if c not in (reader.fieldnames or [])]:
        line = numbered[0][0] if numbered else 1
        raise ConfigError(f"regions.csv 第{line}行（表头）：缺少列 {'、'.join(missing)}")
    rows: dict[str, dict] = {}
    for r in reader:
        line = numbered[reader.line_num - 1][0]
        r = {c: (r.get(c) or "").strip() for c in REGION_COLUMNS} | {"line": line}
        code = r["region_code"]
        if not (len(code) == 6 and code.isdigit()):
            raise _bad_row(line, "region_code", f"「{code}」不是6位行政区划代码（GB/T 2260）")
        if code in rows:
            raise _bad_row(line, "region_code", f"代码 {code} 重复（第{rows[code]['line']}行已有）")
        if r["level"] not in LEVELS:
            raise _bad_row(line, "level", f"未知的层级「{r['level']}」（可用：{'、'.join(LEVELS)}）")
        if not r["name"]:
            raise _bad_row(line, "name", f"地区 {code} 缺少名称")
        r["short_name"] = r["short_name"] or r["name"]
        rows[code] = r
    for code, r in rows.items():
        depth, p = LEVELS.index(r["level"]), r["parent_code"]
        if depth == 0 and p:
            raise _bad_row(r["line"], "parent_code",
                           f"{LEVELS[0]} {code} 是最高层级，不应有上级地区（实为「{p}」）")
        if depth and p not in rows:
            raise _bad_row(r["line"], "parent_code", f"上级地区「{p}」不存在" if p
                           else f"{r['level']} {code} 缺少上级地区")
        if depth and rows[p]["level"] != LEVELS[depth - 1]:
            raise _bad_row(r["line"], "parent_code", f"{r['level']} {code} 的上级应为 "
                           f"{LEVELS[depth - 1]}，「{p}」是 {rows[p]['level']}")
    roots = [r for r in rows.values() if r["level"] == LEVELS[0]]
    if len(roots) != 1:
        where = f"第{roots[1]['line']}行，level列：" if len(roots) > 1 else ""
        raise ConfigError(f"regions.csv {where}应有且只有一个 {LEVELS[0]}（实有{len(roots)}个）")
    return dict(sorted(rows.items()))


def _bad_row(line: int, column: str, what: str) -> ConfigError:
    return ConfigError(f"regions.csv 第{line}行，{column}列：{what}")


def regions(levels=REPORTED_LEVELS) -> list[dict]:
    """The regions of `levels` (default: the province and its cities, which every run
    reports on), province first, in code order. Which counties a run reports on depends on
    its data: runfolder.RunFolder.reported_codes()."""
    return [r for r in hierarchy().values() if r["level"] in levels]


def region_codes(levels=REPORTED_LEVELS) -> list[str]:
    """The codes of the regions of `levels`, province first."""
    return [r["region_code"] for r in regions(levels)]


def with_county_rows(have) -> list[str]:
    """The province and its cities, then the county-level units among `have` (those with
    rows), in code order: the regions a run reports on, grades and lists."""
    return region_codes() + [c for c in codes_at("county") if c in have]


@reloading("tables.yml")
def county_tables() -> list[str]:
    """The tables whose rows are county-level units (tables.yml `level: county`)."""
    return [n for n, s in tables().items() if s.get("level") == "county"]


def with_counties(table: str) -> list[str]:
    """The table and the county tables that carry its rows one level down (`rows_of`), in
    tables.yml order: what a reader of `table` reads at every level."""
    return [t for t in tables() if rows_of(t) == table]


def rows_of(table: str) -> str:
    """The table whose rows a county table carries one level down (tables.yml `rows_of`),
    for matching an indicator's inputs; any other table stands for itself."""
    return tables().get(table, {}).get("rows_of", table)


def _region(code: str) -> dict:
    try:
        return hierarchy()[str(code)]
    except KeyError:
        raise KeyError(f"region {code!r} is not in regions.csv") from None


def province_code() -> str:
    """The root of the hierarchy: the one region without a parent."""
    return next(c for c, r in hierarchy().items() if not r["parent_code"])


def level(code: str) -> str:
    """The region's level in regions.csv (province, municipality, county)."""
    return _region(code)["level"]


def parent(code: str) -> str | None:
    """The region one level up; None for the province."""
    return _region(code)["parent_code"] or None


def children(code: str) -> list[str]:
    """The regions one level down whose parent is `code`, in code order."""
    _region(code)
    return [c for c, r in hierarchy().items() if r["parent_code"] == str(code)]


def peers(code: str) -> list[str]:
    """The regions a region is compared with: its parent's children (a county among its
    city's counties; the province's peers are its cities)."""
    return children(parent(code) or code)


def level_words(code: str) -> dict:
    """How the regions of a level are called (grading.yml level_words_zh): `peers`, as a
    group (县（市、区）), and `self`, as one calls itself (本县（市、区））."""
    return grading()["level_words_zh"][level(code)]


def codes_at(at: str) -> list[str]:
    """Every region of one level, in code order."""
    if at not in LEVELS:
        raise KeyError(f"unknown level {at!r} (levels: {', '.join(LEVELS)})")
    return [c for c, r in hierarchy().items() if r["level"] == at]


def region_name(code: str) -> str:
    return _region(code)["name"]


def short_name(code: str) -> str:
    return _region(code)["short_name"]


@reloading("regions.csv")
def region_lookup() -> dict[str, str]:
    """Any way an analyst writes a reported region (code, 杭州市, 杭州, Hangzhou) -> its code;
    county-level names are read by ingest.regionnames."""
    out: dict[str, str] = {}
    for r in regions():
        for key in (r["region_code"], r["name"], r["short_name"], r["name_en"]):
            if key:
                out[key.strip().lower()] = r["region_code"]
    out["全省"] = province_code()
    return out


@reloading("tables.yml")
def tables() -> dict:
    """Input tables by name; keys starting with `_` hold shared vocabularies (YAML anchors)."""
    return {k: v for k, v in _yaml("tables.yml").items() if not k.startswith("_")}


@reloading("sectors.yml")
def sectors() -> list[dict]:
    return _yaml("sectors.yml")


@reloading("industry_codes.csv")
def industry_names() -> dict[str, str]:
    """GB/T 4754 code -> Chinese name (divisions, and the classes listed)."""
    with (REFERENCE_DIR / "industry_codes.csv").open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["code"]: r["name_zh"] for r in rows}


def industry_name(code: str) -> str:
    names = industry_names()
    return names.get(str(code)) or names.get(str(code)[:2], "")


@reloading("emission_factors.yml")
def emission_factors() -> dict:
    return _yaml("emission_factors.yml")


def co2_scope() -> dict:
    """The words of the two CO2 scopes (含/不含国家单列项目), their policy basis and notes."""
    return emission_factors()["scope_zh"]


@reloading("indicators.yml", "plan_periods.yml")  # the catalog is checked against both
def catalog() -> dict:
    """indicators.yml, each entry checked to name known plan periods (plan_periods.yml)."""
    cat = _yaml("indicators.yml")
    known = {p["id"] for p in plan_periods()}
    for ind, entry in cat.items():
        periods = entry_periods(entry)
        unknown = [p for p in periods if p not in known]
        if not periods or unknown:
            what = f"未知的规划期 {', '.join(map(str, unknown))}" if unknown else "缺少 plan_period"
            raise ConfigError(f"indicators.yml：指标 {ind} {what}"
                              f"（plan_periods.yml 中的规划期：{', '.join(sorted(known))}）")
    return cat


def entry_periods(entry: dict) -> list[str]:
    """The plan period ids a catalog entry belongs to (`plan_period`: one id or a list)."""
    p = entry.get("plan_period")
    return [str(x) for x in p] if isinstance(p, list) else ([str(p)] if p else [])


def catalog_for(year: int) -> dict:
    """The catalog entries of the plan period `year` belongs to, in catalog order."""
    period = plan_period_for(year)["id"]
    return {i: e for i, e in catalog().items() if period in entry_periods(e)}


@reloading("task_groups.yml")
def task_groups() -> list[dict]:
    """The plan's task groups in report order (二、主要目标, then 三（一）…(八))."""
    return _yaml("task_groups.yml") or []


@reloading("grading.yml")
def grading() -> dict:
    return _yaml("grading.yml")


@reloading("carbon_efficiency.yml")
def carbon_efficiency() -> dict:
    """工业碳效码 cut-points and rule sentences (carbon_efficiency.yml), checked so that a
    bad edit is an error naming the key, not a wrong grade."""
    cfg = _yaml("carbon_efficiency.yml")
    for key, size in (("grade_cutpoints", None), ("level_cutpoints", 2)):
        cuts = cfg.get(key)
        numbers = isinstance(cuts, list) and bool(cuts) and all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in cuts)
        if not numbers or cuts != sorted(set(cuts)) or (size and len(cuts) != size):
            want = f"{size}个" if size else ""
            raise ConfigError(f"carbon_efficiency.yml：{key} 应为{want}由小到大、互不相同的数值，"
                              f"现为 {cuts!r}")
    if cfg.get("industry_mean") not in ("aggregate", "simple"):
        raise ConfigError("carbon_efficiency.yml：industry_mean 应为 aggregate 或 simple，"
                          f"现为 {cfg.get('industry_mean')!r}")
    return cfg


@reloading("city_targets.csv")
def city_targets() -> dict[tuple[str, str], dict]:
    """(region_code, indicator_id) -> {target, stretch_target} where the province set one."""
    path = REFERENCE_DIR / "city_targets.csv"
    out: dict[tuple[str, str], dict] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            out[(row["region_code"], row["indicator_id"])] = {
                k: float(row[k]) for k in ("target", "stretch_target") if row.get(k)
            }
    return out


@reloading("county_targets.csv")
def county_targets() -> dict[tuple[str, str], dict]:
    """(county code, indicator_id) -> {target, stretch_target, source_zh, illustrative} where
    a city decomposed its target among its counties; a county without a row takes its
    city's target (engine.targets_for)."""
    out: dict[tuple[str, str], dict] = {}
    for row in _csv_rows("county_targets.csv"):
        out[(row["region_code"], row["indicator_id"])] = {
            **{k: float(row[k]) for k in ("target", "stretch_target") if row.get(k)},
            "source_zh": (row.get("source_zh") or "").strip(),
            "illustrative": (row.get("illustrative") or "0").strip() in ("1", "true", "True")}
    return out


def _csv_rows(name: str) -> list[dict]:
    path = REFERENCE_DIR / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


@reloading("plan_periods.yml")
def plan_periods() -> list[dict]:
    """Five-year plan periods in order (十四五, 十五五), from plan_periods.yml."""
    return sorted(_yaml("plan_periods.yml") or [], key=lambda p: p["first_year"])


def plan_period_for(year: int) -> dict:
    """The plan period a reporting year belongs to (the baseline year belongs to the
    period before: 2025 is 十四五's target year, 2026 the first year of 十五五)."""
    found = [p for p in plan_periods() if p["first_year"] <= year <= p["target_year"]]
    if not found:
        known = ", ".join(f"{p['name_zh']} {p['first_year']}–{p['target_year']}"
                          for p in plan_periods())
        raise KeyError(f"{year} is in no plan period of plan_periods.yml ({known})")
    return found[0]


@reloading("annual_targets.csv")
def annual_targets() -> dict[tuple[str, int, str], dict]:
    """(region_code, year, indicator) -> {target_reduction (% on the previous year),
    source_zh, illustrative}; indicator is energy_intensity or co2_intensity."""
    return {(r["region_code"], int(r["year"]), r["indicator_id"]): {
        "target_reduction": float(r["target_reduction"]), "source_zh": r["source_zh"],
        "illustrative": r.get("illustrative", "0").strip() in ("1", "true", "True")}
        for r in _csv_rows("annual_targets.csv")}


@reloading("carbon_budgets.csv")
def carbon_budgets() -> dict[tuple[str, int], dict]:
    """(region_code, year) -> {co2_budget (万吨CO2, excl. 国家单列项目), source_zh,
    illustrative}."""
    return {(r["region_code"], int(r["year"])): {
        "co2_budget": float(r["co2_budget"]), "source_zh": r["source_zh"],
        "illustrative": r.get("illustrative", "0").strip() in ("1", "true", "True")}
        for r in _csv_rows("carbon_budgets.csv")}


@reloading("plan_targets.csv")
def plan_targets() -> dict[tuple[str, str, str], dict]:
    """(plan_period, region_code, indicator_id) -> {target, stretch_target (or None),
    source_zh, illustrative}: numeric targets of entries with `targets_from: plan_targets`."""
    out = {}
    for r in _csv_rows("plan_targets.csv"):
        out[(r["plan_period"], r["region_code"], r["indicator_id"])] = {
            "target": float(r["target"]),
            "stretch_target": float(r["stretch_target"]) if r.get("stretch_target") else None,
            "source_zh": r["source_zh"],
            "illustrative": r.get("illustrative", "0").strip() in ("1", "true", "True")}
    return out


# Every reference file a run reads, by its path under data/reference/, and its loader: the
# runner loads them all before any kernel starts, so a broken file is an exit 2 naming it.
LOADERS = {
    "regions.csv": hierarchy, "indicators.yml": catalog, "grading.yml": grading,
    "tables.yml": tables, "task_groups.yml": task_groups, "sectors.yml": sectors,
    "emission_factors.yml": emission_factors, "industry_codes.csv": industry_names,
    "city_targets.csv": city_targets, "county_targets.csv": county_targets,
    "plan_periods.yml": plan_periods,
    "annual_targets.csv": annual_targets, "carbon_budgets.csv": carbon_budgets,
    "plan_targets.csv": plan_targets, "carbon_efficiency.yml": carbon_efficiency,
}
