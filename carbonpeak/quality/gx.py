"""Great Expectations: an ephemeral context (nothing is rewritten between runs), a
table's suite run on the frame with its computed check columns, and the result turned into
findings (one per failing row, with file, row, region and column) and summary rows."""

from __future__ import annotations

import html
import os

import pandas as pd

from carbonpeak import confidential, reference
from carbonpeak.findings import ERROR, Finding
from carbonpeak.ingest import SOURCE_FILE, SOURCE_ROW
from carbonpeak.period import Period
from carbonpeak.quality.suites import _title, expectations_for, suite_file

MAX_ROWS_PER_CHECK = 200  # findings listed per failed check; the count is always complete


def _import_gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # offline: never phone home
    import great_expectations as gx  # heavy (≈3 s): imported in this stage only

    return gx


def preload() -> None:
    """Import Great Expectations in a thread of this process, so that the import overlaps
    stage 01 instead of starting stage 02 (the once-stages' kernel calls it at warm-up; the
    quality stage's own import then waits for it, under Python's import lock)."""
    import threading

    threading.Thread(target=_import_gx, name="gx-preload", daemon=True).start()


def _gx_context():
    gx = _import_gx()

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


# --- from a result ----------------------------------------------------------------------


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
                    region_code=region, field=f, period=_date(row, column),
                ))
    return out


def _date(row: pd.Series, checked: str | None) -> str | None:
    """The row's cumulative month or year (Finding.period); None when the check is about
    the date itself (a year of 2099 dates nothing: it counts for every period)."""
    for column in ("period", "year"):
        if checked == column:
            return None
        value = row.get(column)
        if value is not None and not pd.isna(value):
            return str(value) if column == "period" else str(int(value))
    return None


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
    if name == "_parent_gap":
        city, _, kids = str(row.get(f"_siblings__{col}") or "|").partition("|")
        names = "、".join(reference.short_name(k) for k in kids.split(",") if k)
        when = (Period.parse(str(row["period"])).label_zh if "period" in row
                and not pd.isna(row["period"]) else f"{int(row['year'])}年")
        return (f"（{when}{reference.region_name(city)}所报{len(kids.split(','))}个"
                f"县（市、区）（{names}）合计比市级数据{'高' if value > 0 else '低'}{abs(value):.1%}）")
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
