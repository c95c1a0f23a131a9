"""Stage 02: the data-quality gate.

Great Expectations runs each table's suite from expectations/ (an ephemeral context, so
nothing is rewritten between runs). GX's pandas backend checks one row at a time, so the
rules that span rows or tables (completeness, province = Σ cities, unit slips and
year-over-year jumps, credit-code check digits, references to other tables) become
computed columns (prefixed `_`) that `augment()` adds. Which columns get which of these
rules is declared in the suite file's top-level `meta`, and the matching expectations are
derived from the same declaration, so a new table needs a suite file, not code.

Every failing row becomes a Finding with its file, row, region and column; error findings
decide which indicators of which regions are `not_rated` (`blocked_by`).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import os
import re
import shutil
from collections import defaultdict
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak import confidential, hierarchy_sums, reference
from carbonpeak.findings import ERROR, INFO, WARNING, Finding
from carbonpeak.ingest import INGEST_CHECKS, MONTHLY_CHECKS, SOURCE_FILE, SOURCE_ROW, ingest_check
from carbonpeak.methods.credit_code import credit_code_problem
from carbonpeak.paths import EXPECTATIONS_DIR

MAX_ROWS_PER_CHECK = 200  # findings listed per failed check; the count is always complete
DEFAULT_JUMP_FACTOR = 1.5  # year-over-year change that deserves a second look (warning)
DEFAULT_SLIP_FACTOR = 100  # a factor this large is a unit slip (万元/亿元 is ×10,000): error
DEFAULT_SUM_TOLERANCE = 0.005


# --- suite files -----------------------------------------------------------------------


@cache
def suite_file(table: str) -> dict:
    path = EXPECTATIONS_DIR / f"{table}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def settings(table: str) -> dict:
    """The suite's top-level `meta`: which cross-row rules apply to which columns."""
    return suite_file(table).get("meta", {})


def _title(table: str, column: str) -> str:
    spec = reference.tables()[table]["columns"].get(column, {})
    return spec.get("title_zh", column)


def _exp(column: str, check: str, severity: str, fields: list[str], title: str,
         kind: str = "expect_column_values_to_be_between", **kwargs) -> dict:
    return {"type": kind, "kwargs": {"column": column, **kwargs},
            "meta": {"id": check, "severity": severity, "fields": fields, "title_zh": title,
                     "derived_from": "meta"}}


def derived_expectations(table: str) -> list[dict]:
    """The expectations that the cross-row declarations in the suite's `meta` imply."""
    meta, out = settings(table), []
    ps = meta.get("province_sum") or {}
    tol, n = ps.get("tolerance", hierarchy_sums.TOLERANCE), len(hierarchy_sums.summed())
    for col in ps.get("columns", []):
        out.append(_exp(f"_province_gap__{col}", f"{col}_province_sum", ps.get("severity", ERROR),
                        [col], f"全省{_title(table, col)}应等于{n}个设区市之和（误差不超过{tol:.1%}）",
                        min_value=-tol, max_value=tol))
    yoy = meta.get("year_over_year") or {}
    slip = yoy.get("unit_slip_factor", DEFAULT_SLIP_FACTOR)
    jump = yoy.get("warning_factor", DEFAULT_JUMP_FACTOR)
    for col in yoy.get("columns", []):
        t = _title(table, col)
        out.append(_exp(f"_scale__{col}", f"{col}_unit_slip", ERROR, [col],
                        f"{t}与同一序列其他年份相差{slip:g}倍以上，疑似单位错误"
                        "（如万元/亿元、吨/万吨）", min_value=1 / slip, max_value=slip,
                        strict_min=True, strict_max=True))
        out.append(_exp(f"_yoy__{col}", f"{col}_jump", WARNING, [col],
                        f"{t}较上年变动超出{1 / jump:.2g}至{jump:g}倍，请核实",
                        min_value=1 / jump, max_value=jump))
    for col in meta.get("credit_codes", []):
        out.append(_exp(f"_valid__{col}", f"{col}_check_digit", ERROR, [],
                        f"{_title(table, col)}须为18位且校验码正确（GB 32100-2015）",
                        kind="expect_column_values_to_be_in_set", value_set=[True]))
    for ref in meta.get("references", []):
        col, other = ref["column"], ref["table"]
        out.append(_exp(f"_known__{col}", f"{col}_known_in_{other}", ref.get("severity", ERROR),
                        ref.get("fields", []), f"{_title(table, col)}须能在"
                        f"{reference.tables()[other]['title_zh']}中找到",
                        kind="expect_column_values_to_be_in_set", value_set=[True]))
    for rule in meta.get("group_totals", []):
        col, other, to = rule["column"], rule["table"], rule.get("to", rule["column"])
        tol = rule.get("tolerance", DEFAULT_SUM_TOLERANCE)
        by = "、".join(_title(table, b) for b in rule["by"])
        equal = rule.get("relation", "equal") == "equal"
        what = rule.get("title_zh") or f"同一{by}的{_title(table, col)}合计"
        out.append(_exp(_share_column(rule), _share_check(rule), rule.get("severity", ERROR),
                        rule.get("fields", [col]),
                        f"{what}{'应等于' if equal else '不应超过'}"
                        f"{reference.tables()[other]['title_zh']}中的{_title(other, to)}"
                        + (f"（误差不超过{tol:.1%}）" if equal else ""),
                        min_value=1 - tol if equal else 0, max_value=1 + tol))
    return out


def _share_column(rule: dict) -> str:
    return f"_share_of__{rule['column']}__{rule['table']}__{rule.get('to', rule['column'])}"


def _share_check(rule: dict) -> str:
    relation = "sums_to" if rule.get("relation", "equal") == "equal" else "not_above"
    return rule.get("id") or f"{rule['column']}_{relation}_{rule['table']}"


def expectations_for(table: str) -> list[dict]:
    return [*suite_file(table).get("expectations", []), *derived_expectations(table)]


# --- computed check columns ------------------------------------------------------------


def augment(df: pd.DataFrame, table: str, year: int, first_year: int,
            tables: dict[str, pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """The table plus the computed check columns its suite's `meta` declares, and a
    placeholder row (`_row_present` False) for each region-year the report needs but the
    file lacks. `tables` holds the other tables, for cross-table rules."""
    meta, tables = settings(table), tables or {}
    key = meta.get("key") or reference.tables()[table].get("key", [])
    df = df.copy()
    df["_row_present"] = True
    if meta.get("complete") and {"region_code", "year"} <= set(df.columns):
        df = _add_missing_rows(df, meta["complete"], year, first_year)
    series = [k for k in key if k != "year"]  # what identifies one series across years
    if "year" in key and series:
        ordered = df[df["_row_present"]].sort_values([*series, "year"])
        groups = ordered.groupby(series, dropna=False, sort=False)
        df["_year_step"] = groups["year"].diff().reindex(df.index).astype("float64")
        yoy = meta.get("year_over_year") or {}
        slip = yoy.get("unit_slip_factor", DEFAULT_SLIP_FACTOR)
        for col in yoy.get("columns", []):
            _add_jump_columns(df, ordered, series, col, slip)
            for name in (f"_scale__{col}", f"_yoy__{col}"):
                df[name] = df[name].where(_where(df, yoy.get("where")))
    ps = meta.get("province_sum") or {}
    for col in ps.get("columns", []):
        gap = _province_gap(df, col, [k for k in key if k != "region_code"])
        df[f"_province_gap__{col}"] = gap.where(_where(df, ps.get("where")))
    for name, expr in (meta.get("computed") or {}).items():
        with np.errstate(divide="ignore", invalid="ignore"):
            df[name] = pd.to_numeric(df.eval(expr, engine="python"), errors="coerce")
    for col in meta.get("credit_codes", []):
        problem = df[col].map(lambda c: credit_code_problem(c) if pd.notna(c) else None)
        df[f"_problem__{col}"] = problem.astype("object")
        df[f"_valid__{col}"] = problem.isna().where(df[col].notna()).astype("object")
    for ref in meta.get("references", []):
        other = tables.get(ref["table"])
        col = ref["column"]
        known = None if other is None else set(other[ref.get("to", col)].dropna())
        df[f"_known__{col}"] = (df[col].isin(known or set()).where(df[col].notna())
                                if known is not None else None)
        df[f"_known__{col}"] = df[f"_known__{col}"].astype("object")
    for rule in meta.get("group_totals", []):
        df[_share_column(rule)] = _share_of(df, rule, tables.get(rule["table"]))
    return df.replace([np.inf, -np.inf], np.nan)


def _add_missing_rows(df: pd.DataFrame, complete: dict, year: int, first_year: int):
    regions = (reference.codes_at("municipality") if complete.get("regions") == "municipalities"
               else reference.region_codes())
    start = first_year if complete.get("from", "baseline") == "baseline" else int(complete["from"])
    present = set(zip(df["region_code"].astype(str), df["year"].astype("Int64"), strict=True))
    files = df[SOURCE_FILE].dropna() if SOURCE_FILE in df else pd.Series(dtype=object)
    file = files.iloc[0] if len(files) else None  # a missing row is missing from this file
    missing = [{"region_code": r, "year": y, "_row_present": False, SOURCE_FILE: file}
               for r in regions for y in range(start, year + 1) if (r, y) not in present]
    if missing:
        df = pd.concat([df, pd.DataFrame(missing)], ignore_index=True)
        df["region_code"] = df["region_code"].astype("string")
        df["year"] = df["year"].astype("Int64")
    return df


def _add_jump_columns(df, ordered, series, col, slip) -> None:
    """`_scale__col`: the value ÷ its series' median, so a unit slip marks the one wrong row
    (a ratio to the previous year would also mark the correct year after it).
    `_yoy__col`: the ratio to the previous year, for rows where neither is a slip."""
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = ordered[col].where(ordered[col] > 0)
        median = positive.groupby([ordered[s] for s in series], dropna=False).transform("median")
        scale = positive / median
        is_slip = (scale >= slip) | (scale <= 1 / slip)
        prev = positive.groupby([ordered[s] for s in series], dropna=False).shift(1)
        prev_slip = is_slip.groupby([ordered[s] for s in series], dropna=False).shift(1)
        ratio = (positive / prev).where((df["_year_step"].reindex(ordered.index) == 1)
                                        & ~is_slip & (prev_slip == False))  # noqa: E712
    df[f"_scale__{col}"] = scale.reindex(df.index).astype("float64")
    df[f"_yoy__{col}"] = ratio.reindex(df.index).astype("float64")


def _province_gap(df: pd.DataFrame, col: str, group: list[str]) -> pd.Series:
    """Province ÷ Σ municipalities − 1 on the province's rows (same year, same other keys)."""
    return hierarchy_sums.parent_gap(df, col, group, rows=df["_row_present"])


def _share_of(df: pd.DataFrame, rule: dict, other: pd.DataFrame | None) -> pd.Series:
    """Σ column over a group (e.g. a city's enterprises in a year; with `where`, only the
    rows it selects) ÷ the other table's value for the same group; each summed row carries
    its group's ratio, so a failure points at the rows that make up the total."""
    if other is None:
        return pd.Series(np.nan, index=df.index)
    by, to = rule["by"], rule.get("to", rule["column"])
    rows = df["_row_present"] & _where(df, rule.get("where"))
    sums = df[rows].groupby(by, dropna=True)[rule["column"]].transform("sum")
    sums = sums * rule.get("factor", 1)  # this table's unit -> the other table's
    ref = other.dropna(subset=by).drop_duplicates(by).set_index(by)[to]
    keys = df.loc[sums.index, by]
    keys = pd.MultiIndex.from_frame(keys.astype(object)) if len(by) > 1 else keys[by[0]]
    limit = pd.Series(ref.reindex(keys).to_numpy(), index=sums.index, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return (sums / limit).reindex(df.index).astype("float64")


def _where(df: pd.DataFrame, expr: str | None) -> pd.Series:
    """The rows a rule applies to: a pandas expression from the suite, or every row."""
    if not expr:
        return pd.Series(True, index=df.index)
    return df.eval(expr, engine="python").fillna(False).astype(bool)


# --- Great Expectations ----------------------------------------------------------------


def _gx_context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # offline: never phone home
    import great_expectations as gx  # heavy (≈3 s): imported in this stage only

    ctx = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # noqa: BLE001 - cosmetic only
        pass
    return gx, ctx


def load_suite(gx, table: str, skip_fields: set[str] = frozenset()):
    """The suite with its derived expectations; expectations on a column that is missing
    from the file are left out (the missing column is already the finding)."""
    data = suite_file(table)
    exps = [e for e in expectations_for(table)
            if not skip_fields & {e["kwargs"].get("column"), *e["meta"].get("fields", [])}]
    return gx.ExpectationSuite(name=data.get("name", table), expectations=exps,
                               meta=data.get("meta", {}))


def run_suite(gx, ctx, table: str, frame: pd.DataFrame, parameters: dict,
              skip_fields: set[str] = frozenset()):
    suite = ctx.suites.add(load_suite(gx, table, skip_fields))
    asset = ctx.data_sources.add_pandas(f"src_{table}").add_dataframe_asset(table)
    batch = asset.add_batch_definition_whole_dataframe("all_rows")
    vd = ctx.validation_definitions.add(
        gx.ValidationDefinition(name=f"validate_{table}", data=batch, suite=suite))
    return vd.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters,
                  result_format={"result_format": "COMPLETE"})


# --- findings --------------------------------------------------------------------------


def _check_meta(cfg) -> tuple[str, str, str, list]:
    meta = cfg.meta or {}
    return (meta.get("id", cfg.type), meta.get("severity", ERROR),
            meta.get("title_zh", cfg.type), meta.get("fields") or [None])


def findings_from_result(table: str, result, frame: pd.DataFrame,
                         headers: dict[str, str] | None = None) -> list[Finding]:
    """Turn each failed expectation into findings, one per failing row (with its region).

    `headers` maps canonical columns to the header as written in the file, so that the
    message names the column the analyst sees."""
    headers = headers or {}
    out: list[Finding] = []
    for r in result.results:
        if r.success:
            continue
        check, severity, title, fields = _check_meta(r.expectation_config)
        kwargs = r.expectation_config.kwargs
        column = kwargs.get("column") or kwargs.get("column_A")
        if r.exception_info and r.exception_info.get("raised_exception"):
            msg = f"{title}（检查未能执行：{r.exception_info.get('exception_message')}）"
            out += [Finding(table, check, severity, msg, field=f) for f in fields]
            continue
        index = r.result.get("unexpected_index_list")
        if index is None:
            observed = r.result.get("observed_value")
            msg = title + (f"（实际：{observed}）" if observed is not None else "")
            out += [Finding(table, check, severity, msg, field=f) for f in fields]
            continue
        if isinstance(index[0] if index else None, dict):  # multi-column results
            index = [i.get("pk_index", i.get("index")) for i in index]
        rows = frame.loc[[i for i in index if i in frame.index]]
        if column != "_row_present":
            rows = rows[rows["_row_present"]]  # a missing row is reported once, as missing
        for _, row in rows.head(MAX_ROWS_PER_CHECK).iterrows():
            region = row.get("region_code")
            region = region if isinstance(region, str) else None
            src = row.get(SOURCE_ROW)
            detail = (_detail(row, column, kwargs) if region is not None
                      or not confidential.is_confidential(table) else confidential.HIDDEN)
            for f in fields:
                shown = f or _shown_column(column, frame)
                out.append(Finding(
                    table, check, severity, title + detail,
                    file=row.get(SOURCE_FILE) if pd.notna(row.get(SOURCE_FILE)) else None,
                    row=int(src) if pd.notna(src) else None,
                    column=headers.get(shown) or (_title(table, shown) if shown else None),
                    region_code=region, field=f,
                ))
    return out


def _shown_column(column: str | None, frame: pd.DataFrame) -> str | None:
    """The file's column a check is about: `_valid__credit_code` is about credit_code."""
    if not column or not column.startswith("_"):
        return column
    source = column.partition("__")[2].split("__")[0]
    return source if source in frame.columns else None


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _detail(row: pd.Series, column: str | None, kwargs: dict) -> str:
    """What was found, in words: the value, or what the computed column means."""
    if column == "_row_present":
        return f"（缺少{reference.region_name(row['region_code'])} {int(row['year'])}年的数据）"
    if column and "column_B" in kwargs:
        return f"（{_fmt(row[kwargs['column_A']])} 与 {_fmt(row[kwargs['column_B']])}）"
    if not column:
        return ""
    value = row.get(column)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "（实际为空）" if not column.startswith("_") else ""
    if not column.startswith("_"):
        return f"（实际值：{_fmt(value)}）"
    name, _, col = column.partition("__")
    if name == "_province_gap":
        return f"（全省比各市合计{'高' if value > 0 else '低'}{abs(value):.1%}）"
    if name == "_scale":
        return f"（实际值：{_fmt(row[col])}，为同一序列各年中位数的{value:.4g}倍）"
    if name == "_yoy":
        return f"（实际值：{_fmt(row[col])}，为上年的{value:.3g}倍）"
    if name == "_valid":
        return f"（{row.get(f'_problem__{col}')}；实际为「{row[col]}」）"
    if name == "_known":
        return f"（实际为「{row[col]}」）"
    if name == "_share_of":
        return f"（合计为对应值的{value:.1%}）"
    if column == "_year_step":
        return f"（与上一年份相隔{int(value)}年）"
    return f"（{value:.3g}）"


# --- the stage -------------------------------------------------------------------------


def check(warehouse: Path, out_dir: Path, year: int, ingest_findings: list[Finding],
          period: str | None = None, tables: list[str] | None = None) -> dict:
    """Run the suites of `tables` (default: every table of tables.yml); write results.json, summary.csv and Data Docs; return each region's
    verdict with its error and warning counts.

    For a monthly period (`period` YYYY-MM, or a year the annual table does not cover yet
    while the monthly table does) the annual tables are checked up to the year before and
    the monthly table up to the period (revisions from later files applied)."""
    from carbonpeak.ingest import load_headers, load_table
    from carbonpeak.quality import monthly

    out_dir.mkdir(parents=True, exist_ok=True)
    first_year = min(e["baseline_year"] for e in reference.catalog().values())
    gx, ctx = _gx_context()
    params = {"current_year": max(year, dt.date.today().year),
              "region_codes": reference.region_codes(),
              **{f"{at}_codes": reference.codes_at(at) for at in reference.LEVELS}}
    headers = load_headers(warehouse)
    names = list(reference.tables()) if tables is None else tables
    ingest_findings = [f for f in ingest_findings if f.table in names or f.table not in
                       reference.tables()]  # another chain's table is not this one's business
    tables = {t: load_table(warehouse, t) for t in names}
    until, annual_year = monthly.reach(tables, year, period)
    # monthly rows dated after the period are not read (a later file's revisions are)
    tables, ingest_findings = monthly.as_of(warehouse, tables, ingest_findings, until)
    findings = list(ingest_findings)
    gx_results, summary = {}, []
    scope: dict[str, set[str] | None] = {}  # table -> regions its checks touch (None: all)
    for table in names:
        mine = [f for f in ingest_findings if f.table == table]
        summary += _ingest_summary(table, mine)
        df = tables[table]
        if df is None or not suite_file(table):
            scope[table] = None
            continue
        skip = {f.field for f in mine if f.check in ("missing_column", "unknown_unit")
                and f.field} - {"region_code", "year"}
        frame = augment(df, table, annual_year, first_year, tables)
        result = run_suite(gx, ctx, table, escaped(frame), params, skip)
        gx_results[table] = result.to_json_dict()
        table_findings = findings_from_result(table, result, frame, headers.get(table))
        findings += table_findings
        summary += _gx_summary(table, result, table_findings)
        scope[table] = (set(frame["region_code"].dropna().astype(str))
                        if "region_code" in frame else None)
    monthly_findings, monthly_summary = monthly.run(tables, headers)  # cross-row, cross-table
    findings += monthly_findings
    summary += monthly_summary
    verdicts = region_verdicts(findings, summary, scope)
    _write(out_dir, gx_results, findings, summary, verdicts)
    build_data_docs(ctx, out_dir / "docs", summary)
    return {code: {k: v[k] for k in ("verdict", "errors", "warnings")}
            for code, v in verdicts.items()}  # the per-check list is in results.json


def escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame GX sees, with markup in text cells escaped: GX writes unexpected values
    into its Data Docs pages without escaping them. Escaping is one-to-one, so uniqueness,
    nulls and set membership check the same; findings read values from the real frame."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == "string" or out[col].dtype == object:
            text = out[col].map(lambda v: html.escape(v) if isinstance(v, str) else v)
            out[col] = text.astype(out[col].dtype)
    return out


def _ingest_summary(table: str, findings: list[Finding]) -> list[dict]:
    rows = []
    monthly = reference.tables().get(table, {}).get("multi_file")
    for check, (title, severity) in INGEST_CHECKS.items():
        if check in MONTHLY_CHECKS and not monthly:
            continue
        hits = [f for f in findings if ingest_check(f.check) == check]
        rows.append({"table": table, "check": check, "title_zh": title, "severity": severity,
                     "verdict": ("note" if severity == INFO else "fail") if hits else "pass",
                     "failing_rows": len({f.row for f in hits if f.row is not None}),
                     "regions": " ".join(sorted({f.region_code for f in hits
                                                 if f.region_code}))})
    return rows


def _gx_summary(table: str, result, findings: list[Finding]) -> list[dict]:
    rows = []
    for r in result.results:
        check, severity, title, _ = _check_meta(r.expectation_config)
        hits = [f for f in findings if f.check == check]
        rows.append({"table": table, "check": check, "title_zh": title, "severity": severity,
                     "verdict": "pass" if r.success else "fail",
                     "failing_rows": 0 if r.success
                     else r.result.get("unexpected_count", len({f.row for f in hits})),
                     "regions": " ".join(sorted({f.region_code for f in hits
                                                 if f.region_code}))})
    return rows


def region_verdicts(findings: list[Finding], summary: list[dict] | None = None,
                    scope: dict[str, set[str] | None] | None = None) -> dict[str, dict]:
    """pass / warning / fail per region, and the checks that touch it with their verdicts.

    A whole-table finding (no region) counts for every region. A check touches a region
    when its table holds rows of that region (or has no region column), or when it failed
    for that region."""
    summary, scope = summary or [], scope or {}
    failed: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for f in findings:
        failed[(f.table, ingest_check(f.check))].add(f.region_code)
    out = {}
    for region in reference.region_codes():
        mine = [f for f in findings if f.region_code in (None, region)]
        errors = [f for f in mine if f.severity == ERROR]
        warnings = [f for f in mine if f.severity == WARNING]
        checks = []
        for s in summary:
            hit = failed.get((s["table"], s["check"]), set())
            regions = scope.get(s["table"])
            if regions is not None and region not in regions and region not in hit:
                continue
            verdict = "pass"
            if hit & {None, region}:
                verdict = "note" if s["severity"] == INFO else "fail"
            checks.append({"table": s["table"], "check": s["check"], "title_zh": s["title_zh"],
                           "severity": s["severity"], "verdict": verdict})
        out[region] = {"verdict": "fail" if errors else "warning" if warnings else "pass",
                       "errors": len(errors), "warnings": len(warnings), "checks": checks}
    return out


def _write(out_dir: Path, gx_results: dict, findings: list[Finding], summary: list[dict],
           verdicts: dict) -> None:
    findings = [confidential.redact(f) for f in findings]
    payload = {"verdicts": verdicts, "findings": [f.to_dict() for f in findings],
               "great_expectations": gx_results}
    (out_dir / "results.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    fields = ["table", "check", "title_zh", "severity", "verdict", "failing_rows", "regions"]
    with (out_dir / "summary.csv").open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(summary)


# --- Data Docs -------------------------------------------------------------------------

# What GX's pages pull from the network (Bootstrap, jQuery, Vega, Font Awesome from CDNs,
# a logo from S3). The docs must open offline, so these tags go and a small stylesheet
# takes Bootstrap's place.
_EXTERNAL_TAG = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*/?>"
    r"|<img\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*/?>"
    r"|<(?:link|img)\b[^>]*\b(?:href|src)=[\"']?(?:\.\.?/)*static/[^>]*/?>",
    re.IGNORECASE | re.DOTALL)
_EXTERNAL_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*", re.IGNORECASE)
OFFLINE_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC",system-ui,sans-serif;margin:0;color:#222;
line-height:1.45;font-size:14px}
.container-fluid,.container{padding:0 1.5rem}
nav,.navbar{background:#f4f4f4;border-bottom:1px solid #ddd;padding:.5rem 1.5rem}
.row{display:flex;flex-wrap:wrap;gap:1rem}.col-md-2,.col-md-3{flex:0 0 16rem}
.col-md-9,.col-md-10,.col-12,.col{flex:1 1 30rem;min-width:0}
table{border-collapse:collapse;margin:.5rem 0;max-width:100%}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.card{border:1px solid #ddd;border-radius:4px;margin:.75rem 0;padding:.5rem}
.card-header{font-weight:bold;border-bottom:1px solid #eee;margin-bottom:.5rem}
.badge,.badge-success,.badge-danger{padding:0 .3rem;border-radius:3px}
.text-success,.badge-success{color:#1a7f37}.text-danger,.badge-danger{color:#c62828}
.fa,.fas,.far,.d-none,.sticky{display:none}a{color:#0b5cad}
ul.list-group{padding-left:1rem}code,pre{background:#f6f6f6;white-space:pre-wrap}
""".strip()


def make_offline(html: str) -> str:
    """GX's Data Docs page without anything fetched from the network."""
    html = _EXTERNAL_TAG.sub("", html)
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.IGNORECASE | re.DOTALL)
    html = _EXTERNAL_URL.sub("#", html)
    style = f'<meta charset="utf-8"><style>{OFFLINE_CSS}</style>'
    if re.search(r"<head[^>]*>", html, re.IGNORECASE):
        return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + style, html, count=1,
                      flags=re.IGNORECASE)
    return style + html


def build_data_docs(ctx, docs_dir: Path, summary: list[dict] | None = None) -> None:
    """GX's pages for each suite and validation, made readable offline, under an index of
    our own (GX's index draws its table with JavaScript from a CDN)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "show_how_to_buttons": False,
    }
    try:
        ctx.add_data_docs_site(site_name="carbonpeak", site_config=site)
        ctx.build_data_docs(site_names=["carbonpeak"])
    except Exception as e:  # noqa: BLE001 - docs are a courtesy; results.json is the record
        (docs_dir / "ERROR.txt").write_text(f"Data Docs could not be built: {e}\n")
        return
    shutil.rmtree(docs_dir / "static", ignore_errors=True)  # CDN-bound scripts, fonts, logos
    for page in docs_dir.rglob("*.html"):
        page.write_text(make_offline(page.read_text(encoding="utf-8")), encoding="utf-8")
    (docs_dir / "index.html").write_text(docs_index(docs_dir, summary or []), encoding="utf-8")


def docs_index(docs_dir: Path, summary: list[dict]) -> str:
    """A plain page linking each table's validation result and suite, with its counts."""
    esc = html.escape
    rows = []
    for table, spec in reference.tables().items():
        mine = [s for s in summary if s["table"] == table]
        failed = [s for s in mine if s["verdict"] == "fail"]
        errors = sum(s["severity"] == ERROR for s in failed)
        links = [f'<a href="{p.relative_to(docs_dir).as_posix()}">{label}</a>'
                 for label, pattern in (("检查结果", f"validations/{table}/**/*.html"),
                                        ("检查规则", f"expectations/{table}.html"))
                 for p in sorted(docs_dir.glob(pattern))[-1:]]
        rows.append(f"<tr><td>{esc(spec.get('title_zh', table))}</td><td>{esc(table)}</td>"
                    f"<td>{len(mine)}</td><td>{errors}</td><td>{len(failed) - errors}</td>"
                    f"<td>{' '.join(links) or '未运行（文件未能读取）'}</td></tr>")
    return ("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>数据质量检查（Great Expectations Data Docs）</title><style>{OFFLINE_CSS}"
            "</style></head><body><div class=container><h1>数据质量检查</h1>"
            "<p>每张输入表一套检查规则（expectations/目录）。错误使受影响地区的相关指标未评级；"
            "提示仅供核实。逐条结果见 summary.csv 与 results.json。</p><table><thead><tr>"
            "<th>表</th><th>代码</th><th>检查项</th><th>未通过（错误）</th><th>未通过（提示）</th>"
            f"<th>详情</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></body></html>")


# --- consequences ----------------------------------------------------------------------


def load_results(quality_dir: Path) -> dict:
    return json.loads((quality_dir / "results.json").read_text(encoding="utf-8"))


def blocked_by(findings: list[dict], catalog: dict) -> dict[str, dict[str, str]]:
    """indicator_id -> region_code -> why it cannot be graded (its inputs failed the gate)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for f in findings:
        if f["severity"] != ERROR:
            continue
        for ind, entry in catalog.items():
            fields = entry.get("inputs", {}).get(f["table"])
            if fields is None or (f["field"] and f["field"] not in fields
                                  and f["field"] not in ("region_code", "year")):
                continue
            regions = [f["region_code"]] if f["region_code"] else reference.region_codes()
            for region in regions:
                # the reason is written to indicators.csv, which every region reads
                out[ind].setdefault(region, str(confidential.redact(Finding(**f), public=True)))
    return dict(out)
