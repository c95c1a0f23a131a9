"""Stage 02: the data-quality gate.

Great Expectations runs each table's suite from expectations/ (an ephemeral context, so
nothing is rewritten between runs) on the table plus a few computed columns that turn
cross-row rules (completeness, province = Σ cities, year-over-year jumps) into row
checks. Every failing row becomes a Finding with its file, row, region and column; the
verdicts decide which indicators of which regions are `not_rated`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak import reference
from carbonpeak.findings import ERROR, WARNING, Finding
from carbonpeak.ingest import SOURCE_FILE, SOURCE_ROW
from carbonpeak.paths import EXPECTATIONS_DIR

MAX_ROWS_PER_CHECK = 200  # findings listed per failed check; the count is always complete


def augment(df: pd.DataFrame, table: str, year: int, first_year: int) -> pd.DataFrame:
    """The table plus computed check columns (prefixed `_`) and a placeholder row for each
    region-year the report needs but the file lacks (`_row_present` False)."""
    spec = reference.tables()[table]
    df = df.copy()
    df["_row_present"] = True
    present = set(zip(df["region_code"].astype(str), df["year"].astype("Int64"), strict=True))
    missing = [
        {"region_code": r, "year": y, "_row_present": False}
        for r in reference.region_codes() for y in range(first_year, year + 1)
        if (r, y) not in present
    ]
    if missing:
        df = pd.concat([df, pd.DataFrame(missing)], ignore_index=True)
    df["region_code"] = df["region_code"].astype("string")
    df["year"] = df["year"].astype("Int64")
    ordered = df.sort_values(["region_code", "year"])
    df["_year_step"] = ordered.groupby("region_code")["year"].diff().reindex(df.index)

    additive = [c for c, s in spec["columns"].items() if s.get("additive")]
    is_prov = df["region_code"] == reference.PROVINCE
    cities = df[df["region_code"].isin(reference.municipality_codes())]
    for col in additive:
        sums = cities.groupby("year")[col].sum(min_count=1)
        gap = df[col] / df["year"].map(sums) - 1
        df[f"_province_gap__{col}"] = gap.where(is_prov).astype("float64")
        prev = ordered.groupby("region_code")[col].shift(1).reindex(df.index)
        step_ok = df["_year_step"] == 1
        df[f"_yoy__{col}"] = (df[col] / prev).where(step_ok).astype("float64")
    if {"energy_consumption", "feedstock_energy", "value_added"} <= set(df.columns):
        with np.errstate(divide="ignore", invalid="ignore"):
            df["_feedstock_share"] = df["feedstock_energy"] / df["energy_consumption"]
            df["_intensity_raw"] = (df["energy_consumption"] - df["feedstock_energy"].fillna(0)
                                    ) / df["value_added"]
    return df.replace([np.inf, -np.inf], np.nan)


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


def load_suite(gx, table: str):
    data = json.loads((EXPECTATIONS_DIR / f"{table}.json").read_text(encoding="utf-8"))
    return gx.ExpectationSuite(name=data["name"], expectations=data["expectations"],
                               meta=data.get("meta", {}))


def run_suite(gx, ctx, table: str, frame: pd.DataFrame, parameters: dict):
    suite = ctx.suites.add(load_suite(gx, table))
    asset = ctx.data_sources.add_pandas(f"src_{table}").add_dataframe_asset(table)
    batch = asset.add_batch_definition_whole_dataframe("all_rows")
    vd = ctx.validation_definitions.add(
        gx.ValidationDefinition(name=f"validate_{table}", data=batch, suite=suite))
    return vd.run(batch_parameters={"dataframe": frame}, expectation_parameters=parameters,
                  result_format={"result_format": "COMPLETE"})


def findings_from_result(table: str, result, frame: pd.DataFrame) -> list[Finding]:
    """Turn each failed expectation into findings, one per failing row (with its region)."""
    spec = reference.tables()[table]
    out: list[Finding] = []
    for r in result.results:
        if r.success:
            continue
        cfg = r.expectation_config
        meta = cfg.meta or {}
        severity = meta.get("severity", ERROR)
        check = meta.get("id", cfg.type)
        title = meta.get("title_zh", cfg.type)
        fields = meta.get("fields") or [None]
        column = cfg.kwargs.get("column")
        col_title = spec["columns"].get(column, {}).get("title_zh") if column else None
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
        if check != "region_year_complete":
            rows = rows[rows["_row_present"]]  # a missing row is reported once, as missing
        for _, row in rows.head(MAX_ROWS_PER_CHECK).iterrows():
            region = row["region_code"] if pd.notna(row["region_code"]) else None
            src = row.get(SOURCE_ROW)
            value = row.get(column) if column else None
            detail = ""
            if check == "region_year_complete":
                detail = f"（缺少{reference.region_name(region)} {int(row['year'])}年的数据）"
            elif column and pd.notna(value) and not column.startswith("_"):
                detail = f"（实际值：{value:g}）" if isinstance(value, float) else f"（实际值：{value}）"
            elif column and column.startswith("_") and pd.notna(value):
                detail = f"（{_describe_computed(column, value)}）"
            for f in fields:
                out.append(Finding(
                    table, check, severity, title + detail,
                    file=row.get(SOURCE_FILE) if pd.notna(row.get(SOURCE_FILE)) else None,
                    row=int(src) if pd.notna(src) else None,
                    column=col_title if not (column or "").startswith("_") else
                    (spec["columns"].get(f, {}).get("title_zh") if f else None),
                    region_code=region, field=f,
                ))
    return out


def _describe_computed(column: str, value: float) -> str:
    if column.startswith("_province_gap__"):
        return f"全省比各市合计{'高' if value > 0 else '低'}{abs(value):.1%}"
    if column.startswith("_yoy__"):
        return f"为上年的{value:.3g}倍"
    if column == "_year_step":
        return f"与上一年份相隔{int(value)}年"
    return f"{value:.3g}"


def check(warehouse: Path, out_dir: Path, year: int,
          ingest_findings: list[Finding]) -> dict:
    """Run every suite; write results.json, summary.csv and Data Docs; return verdicts."""
    from carbonpeak.ingest import load_table

    out_dir.mkdir(parents=True, exist_ok=True)
    first_year = min(e["baseline_year"] for e in reference.catalog().values())
    gx, ctx = _gx_context()
    params = {"current_year": max(year, dt.date.today().year),
              "region_codes": reference.region_codes()}
    findings = list(ingest_findings)
    gx_results, summary = {}, []
    for table in reference.tables():
        df = load_table(warehouse, table)
        if df is None:
            continue
        frame = augment(df, table, year, first_year)
        result = run_suite(gx, ctx, table, frame, params)
        gx_results[table] = result.to_json_dict()
        table_findings = findings_from_result(table, result, frame)
        findings += table_findings
        for r in result.results:
            meta = r.expectation_config.meta or {}
            cid = meta.get("id", r.expectation_config.type)
            hits = [f for f in table_findings if f.check == cid]
            summary.append({
                "table": table, "check": cid, "title_zh": meta.get("title_zh", ""),
                "severity": meta.get("severity", ERROR),
                "verdict": "pass" if r.success else "fail",
                "failing_rows": r.result.get("unexpected_count", len(hits)) if not r.success
                else 0,
                "regions": " ".join(sorted({f.region_code for f in hits if f.region_code})),
            })
    for f in ingest_findings:
        summary.append({"table": f.table, "check": f.check, "title_zh": f.message,
                        "severity": f.severity, "verdict": "fail", "failing_rows":
                        1 if f.row else 0, "regions": f.region_code or ""})
    verdicts = region_verdicts(findings)
    _write(out_dir, gx_results, findings, summary, verdicts)
    build_data_docs(ctx, out_dir / "docs")
    return verdicts


def region_verdicts(findings: list[Finding]) -> dict[str, dict]:
    """pass / warning / fail per region; a whole-table finding counts for every region."""
    out = {}
    for region in reference.region_codes():
        mine = [f for f in findings if f.region_code in (None, region)]
        errors = [f for f in mine if f.severity == ERROR]
        warnings = [f for f in mine if f.severity == WARNING]
        verdict = "fail" if errors else "warning" if warnings else "pass"
        out[region] = {"verdict": verdict, "errors": len(errors), "warnings": len(warnings)}
    return out


def _write(out_dir: Path, gx_results: dict, findings: list[Finding], summary: list[dict],
           verdicts: dict) -> None:
    payload = {"verdicts": verdicts, "findings": [f.to_dict() for f in findings],
               "great_expectations": gx_results}
    (out_dir / "results.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    fields = ["table", "check", "title_zh", "severity", "verdict", "failing_rows", "regions"]
    with (out_dir / "summary.csv").open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(summary)


def build_data_docs(ctx, docs_dir: Path) -> None:
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
                out[ind].setdefault(region, str(Finding(**f)))
    return dict(out)
