"""Quality checks of the monthly 1–N月 table that span rows, files and tables (the row
rules are the GX suite expectations/industry_monthly.json; its `meta.monthly` holds the
tolerances used here). Every finding names file, row, column and the expected value.

- cumulative_not_falling (error): a 1–N月 value below the 1–(N−1)月 value of the same year;
- december_equals_annual (warning): 1–12月 differs from the annual industry_annual row
  (annual data are revised later, so a gap is a warning, not an error);
- monthly_province_sum (error): the province row differs from the sum of its cities;
- monthly_region_complete (error): a period delivered without a region's row;
- the county rows (industry_monthly_county, `rows_of: industry_monthly`): cumulative values
  not falling, and every county of a city that delivered a period (Σ counties = city is a
  rule of their GX suite, `parent_sum`);
- revision (warning, reported at ingest): a later file changed an earlier month.
"""

from __future__ import annotations

import pandas as pd

from carbonpeak import hierarchy_sums, ingest, reference
from carbonpeak.findings import ERROR, WARNING, Finding
from carbonpeak.ingest import revisions
from carbonpeak.quality.suites import settings

TABLE = "industry_monthly"
COUNTY_COMPLETE = "monthly_county_complete"
CHECKS = {  # id -> (what a reader sees ({n}: the cities summed into the province), severity)
    "cumulative_not_falling": ("1—N月累计值（能耗、原料用能、用电量）在一年内不下降", ERROR),
    "december_equals_annual": ("1—12月数据与年度统计一致（年度数据修订导致的小差异为提示）",
                               WARNING),
    "monthly_province_sum": ("全省1—N月数据等于{n}个设区市之和", ERROR),
    "monthly_region_complete": ("每个统计期都有全省及{n}个设区市的数据", ERROR),
    COUNTY_COMPLETE: ("所报设区市的每个县（市、区）在每个统计期都有数据", ERROR),
}


def tables_read(tables: dict) -> list[str]:
    """The monthly table and its county rows (tables.yml `rows_of: industry_monthly`) present
    in `tables`, in tables.yml order."""
    return [t for t in reference.with_counties(TABLE) if tables.get(t) is not None]


def _settings() -> dict:
    return settings(TABLE).get("monthly", {})


def _title(column: str) -> str:
    return reference.tables()[TABLE]["columns"].get(column, {}).get("title_zh", column)


def reach(tables: dict, year: int, period: str | None = None) -> tuple[str, int]:
    """(the last monthly period the checks read, the last year the annual tables must
    cover). A monthly period YYYY-MM reads up to itself and the annual tables up to the
    year before; so does a year the annual table does not cover while the monthly table
    does, for a caller that passes only the year (`run_quality(run, 2026)`; the monthly
    chain passes the period): annual figures are published after the year's 1–12月."""
    from carbonpeak.period import Period

    year = int(year)
    if period is not None and Period.parse(period).is_monthly:
        return Period.parse(period).key, Period.parse(period).year - 1
    annual, monthly = tables.get("industry_annual"), tables.get(TABLE)
    if monthly is not None and len(monthly) and (monthly["period"].str[:4] == str(year)).any():
        years = set() if annual is None else set(pd.to_numeric(annual["year"],
                                                               errors="coerce").dropna())
        if year not in years:
            return f"{year}-12", year - 1
    return f"{year}-12", year


def as_of(warehouse, tables: dict, findings: list[Finding], until: str
          ) -> tuple[dict, list[Finding]]:
    """The monthly tables and their ingest findings for period `until`: rows dated after it
    are not read (a later file's revision of a month up to it is: ingest resolved revisions
    over every file), and a file holding nothing up to it (a later month's) is not
    reported on."""
    tables, kept = dict(tables), list(findings)
    for table in tables_read(tables):
        versions = ingest.load_versions(warehouse, table)
        if versions is None:
            continue
        tables[table] = revisions.as_of(tables[table], until)
        earliest = versions.groupby(revisions.SOURCE_FILE)["period"].min()
        later = set(earliest[earliest > until].index)
        kept = [f for f in kept if not (f.table == table and f.file in later)]
    return tables, kept


def rows_read(tables: dict) -> dict[str, dict[str, list]]:
    """region -> period -> [file, row] of the monthly rows that stand, the counties' too
    (results.json `monthly_rows`): what a brief's 数据质量 line names as the data its
    lights read."""
    out: dict[str, dict[str, list]] = {}
    for table in tables_read(tables):
        df = tables[table]
        for r in df[["region_code", "period", revisions.SOURCE_FILE,
                     revisions.SOURCE_ROW]].itertuples(index=False):
            out.setdefault(str(r[0]), {})[str(r[1])] = [r[2], int(r[3])]
    return out


def run(tables: dict, headers: dict[str, dict[str, str]]) -> tuple[list[Finding], list[dict]]:
    """(findings, one summary row per check) for the monthly tables present."""
    findings, summary = [], []
    cfg, n = _settings(), len(hierarchy_sums.summed())
    for table in tables_read(tables):
        df = tables[table]
        if df.empty:
            continue
        shown = headers.get(table, {})
        if table == TABLE:
            found = {
                "cumulative_not_falling": falling(df, cfg, shown, table),
                "december_equals_annual": december_vs_annual(
                    df, tables.get("industry_annual"), cfg, shown),
                "monthly_province_sum": province_sum(df, cfg, shown),
                "monthly_region_complete": complete(df, shown),
            }
        else:
            found = {"cumulative_not_falling": falling(df, cfg, shown, table),
                     COUNTY_COMPLETE: counties_complete(df, shown, table)}
        summary += [{"table": table, "check": c, "title_zh": CHECKS[c][0].format(n=n),
                     "severity": CHECKS[c][1], "verdict": "fail" if hits else "pass",
                     "failing_rows": len({(f.file, f.row) for f in hits}),
                     "regions": " ".join(sorted({f.region_code for f in hits
                                                 if f.region_code}))}
                    for c, hits in found.items()]
        findings += [f for fs in found.values() for f in fs]
    return findings, summary


def _finding(check: str, message: str, row: pd.Series, column: str, shown: dict,
             table: str = TABLE) -> Finding:
    return Finding(table, check, CHECKS[check][1], message, file=row.get(revisions.SOURCE_FILE),
                   row=int(row[revisions.SOURCE_ROW]), column=shown.get(column, column),
                   region_code=str(row["region_code"]), field=column,
                   period=str(row["period"]))


def falling(df: pd.DataFrame, cfg: dict, shown: dict, table: str = TABLE) -> list[Finding]:
    cols = [c for c in cfg.get("cumulative_columns", ["energy_consumption", "electricity"])
            if c in df]
    d = df.assign(_year=df["period"].str[:4]).sort_values(["region_code", "period"])
    out = []
    for _, grp in d.groupby(["region_code", "_year"]):
        rows = grp.to_dict("records")
        for before, now in zip(rows, rows[1:], strict=False):
            for c in cols:
                a, b = before[c], now[c]
                if pd.isna(a) or pd.isna(b) or b >= a:
                    continue
                out.append(_finding(
                    "cumulative_not_falling",
                    f"{now['period']}的{_title(c)}（{b:g}）低于{before['period']}的累计值（{a:g}，"
                    f"{before[revisions.SOURCE_FILE]}第{before[revisions.SOURCE_ROW]}行）；"
                    f"1—N月累计值在一年内不会下降，应不低于{a:g}", pd.Series(now), c, shown,
                    table))
    return out


def december_vs_annual(df: pd.DataFrame, annual: pd.DataFrame | None, cfg: dict,
                       shown: dict) -> list[Finding]:
    if annual is None or annual.empty:
        return []
    tol, pp = cfg.get("annual_tolerance", 0.005), cfg.get("growth_tolerance_pp", 0.15)
    ann = annual.assign(region_code=annual["region_code"].astype(str),
                        year=pd.to_numeric(annual["year"], errors="coerce"))
    ann = ann.drop_duplicates(["region_code", "year"]).set_index(["region_code", "year"])
    out = []
    for _, row in df[df["period"].str[5:] == "12"].iterrows():
        key = (str(row["region_code"]), int(row["period"][:4]))
        if key not in ann.index:
            continue
        a = ann.loc[key]
        where = f"{a.get(revisions.SOURCE_FILE) or 'industry_annual'}第{a.get('_source_row')}行"
        for c in cfg.get("annual_columns", ["energy_consumption"]):
            if c not in df or c not in ann or pd.isna(row[c]) or pd.isna(a[c]):
                continue
            if c == "value_added_growth":
                gap = row[c] - a[c]
                if abs(gap) <= pp:
                    continue
                said = f"相差{gap:+.2f}个百分点，超过允许误差{pp:g}个百分点"
            else:
                gap = row[c] / a[c] - 1 if a[c] else float("inf")
                if abs(gap) <= tol:
                    continue
                said = f"相差{gap:+.2%}，超过允许误差{tol:.1%}"
            out.append(_finding(
                "december_equals_annual",
                f"{key[1]}年1—12月的{_title(c)}（{row[c]:g}）与年度统计（{where}：{a[c]:g}）{said}；"
                f"年度数据在年后修订，小的差异属正常，请核实，应为{a[c]:g}", row, c, shown))
    return out


def province_sum(df: pd.DataFrame, cfg: dict, shown: dict) -> list[Finding]:
    tol = cfg.get("province_tolerance", hierarchy_sums.TOLERANCE)
    spec = reference.tables()[TABLE]["columns"]
    additive = [c for c, s in spec.items() if s.get("additive") and c in df]
    sums = hierarchy_sums.child_sums(df, additive, ["period"])
    cities = df[df["region_code"].isin(hierarchy_sums.summed())]
    given = cities.groupby("period")[additive].count()  # cities with a value, per column
    out = []
    n_cities = len(hierarchy_sums.summed())
    for _, row in df[df["region_code"] == reference.province_code()].iterrows():
        p = row["period"]
        if sums["_children"].get(p, 0) < n_cities:
            continue  # an incomplete set of cities cannot be summed (reported as missing)
        for c in additive:
            want, got = sums.at[p, c], row[c]
            if pd.isna(got) or pd.isna(want) or given.at[p, c] < n_cities:
                continue  # a city's value missing (its own error): no sum to compare
            if hierarchy_sums.off(got, want, tol):
                out.append(_finding(
                    "monthly_province_sum",
                    f"{p}全省的{_title(c)}（{got:g}）与{n_cities}个设区市之和（{want:g}）不一致"
                    f"（允许误差{tol:.1%}），应为{want:g}", row, c, shown))
    return out


def complete(df: pd.DataFrame, shown: dict) -> list[Finding]:
    """A region without a row in a period the others were delivered for: an error naming
    the file that delivered the period (the one most of its rows come from)."""
    out = []
    regions = reference.region_codes()
    for p, rows in df.groupby("period", sort=True):
        have = set(rows["region_code"].astype(str))
        file = rows[revisions.SOURCE_FILE].mode().iloc[0]
        for region in regions:
            if region not in have:
                out.append(Finding(
                    TABLE, "monthly_region_complete", ERROR,
                    f"{file}中没有{reference.region_name(region)}{p}的数据（每个统计期应有全省及"
                    f"{len(hierarchy_sums.summed())}个设区市各一行），该地区该期灯号未评级",
                    file=file, column=shown.get("region_code", "region_code"),
                    region_code=region, field="region_code", period=str(p)))
    return out


def counties_complete(df: pd.DataFrame, shown: dict, table: str) -> list[Finding]:
    """A county without a row in a period for which other counties of its city were
    delivered: an error naming the file that delivered its siblings' rows."""
    out = []
    rows = df.assign(_city=df["region_code"].astype(str).map(reference.parent))
    for (city, p), grp in rows.groupby(["_city", "period"], sort=True):
        have = set(grp["region_code"].astype(str))
        file = grp[revisions.SOURCE_FILE].mode().iloc[0]
        for county in reference.children(city):
            if county not in have:
                out.append(Finding(
                    table, COUNTY_COMPLETE, ERROR,
                    f"{file}中有{reference.region_name(city)}其他县（市、区）{p}的数据，但没有"
                    f"{reference.region_name(county)}的数据（应有{reference.region_name(city)}"
                    f"{len(reference.children(city))}个县（市、区）各一行），该县（市、区）该期灯号未评级",
                    file=file, column=shown.get("region_code", "region_code"),
                    region_code=county, field="region_code", period=str(p)))
    return out
