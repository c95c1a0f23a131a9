"""Stage 02: the data-quality gate, and its consequences.

`check` runs each table's suite (suites.py) through Great Expectations (gx.py) on the table
plus its computed check columns (augment.py), adds the monthly cross-row checks
(monthly.py), and writes results.json, summary.csv and the Data Docs (datadocs.py).

Every failing row becomes a Finding with its file, row, region and column; error findings
decide which indicators of which regions are `not_rated` (`blocked_by`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from carbonpeak import confidential, reference
from carbonpeak.findings import ERROR, INFO, WARNING, Finding
from carbonpeak.ingest import (
    COUNTY_CHECKS,
    INGEST_CHECKS,
    MONTHLY_CHECKS,
    ingest_check,
    load_headers,
    load_table,
)
from carbonpeak.period import Period
from carbonpeak.quality import monthly
from carbonpeak.quality.augment import augment
from carbonpeak.quality.datadocs import build_data_docs
from carbonpeak.quality.gx import _gx_context, _gx_summary, escaped, findings_from_result, run_suite
from carbonpeak.quality.suites import suite_file
from carbonpeak.runfolder import QualityFolder

# --- the stage -------------------------------------------------------------------------


def check(warehouse: Path, out_dir: Path, year: int, ingest_findings: list[Finding],
          period: str | None = None, tables: list[str] | None = None) -> dict:
    """Run the suites of `tables` (default: every table of tables.yml); write results.json, summary.csv and Data Docs; return each region's
    verdict with its error and warning counts.

    For a monthly period (`period` YYYY-MM, or a year the annual table does not cover yet
    while the monthly table does) the annual tables are checked up to the year before and
    the monthly table up to the period (revisions from later files applied)."""
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
    monthly_findings, monthly_summary = monthly.run(tables, headers)  # cross-row, cross-table
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
        table_findings = _excuse_children(
            findings_from_result(table, result, frame, headers.get(table)),
            findings + monthly_findings)
        findings += table_findings
        summary += _gx_summary(table, result, table_findings)
        scope[table] = (set(frame["region_code"].dropna().astype(str))
                        if "region_code" in frame else None)
    findings += monthly_findings
    summary += monthly_summary
    # a finding counts only when it is dated in what this run reads (Period.reads): a 2025
    # error never fails a 2023 report, nor a bad 2026-01 row the 1–10月 barometer
    run = Period.parse(period) if period else Period(int(year))
    counted = [f for f in findings if run.reads(f.period)]
    outside = [f for f in findings if not run.reads(f.period)]
    summary = _scoped(summary, counted, outside)
    counties = sorted({str(c) for t in reference.county_tables() if tables.get(t) is not None
                       for c in tables[t]["region_code"].dropna()})
    verdicts = region_verdicts(counted, summary, scope, reference.region_codes() + counties)
    _write(out_dir, gx_results, counted, outside, summary, verdicts,
           monthly.rows_read(tables))
    build_data_docs(ctx, QualityFolder(out_dir).docs, summary)
    return {code: {k: v[k] for k in ("verdict", "errors", "warnings")}
            for code, v in verdicts.items()}  # the per-check list is in results.json


def _excuse_children(found: list[Finding], before: list[Finding]) -> list[Finding]:
    """Σ counties = city cannot be judged against a city row that failed its own checks
    (`before`: the headline table is checked first, and the monthly table's cross-row checks
    run before any suite): the counties of a city whose row of the same year or period has
    an error are not blamed for the gap (the city's error is reported, and the
    city's indicators are the ones it blocks)."""
    broken = {(f.region_code, f.period) for f in before if f.severity == ERROR
              and f.region_code and f.table in {reference.rows_of(t)
                                                for t in reference.county_tables()}}
    return [f for f in found if not (f.check.endswith("_parent_sum") and f.region_code
                                        and (reference.parent(f.region_code), f.period)
                                        in broken)]


def _ingest_summary(table: str, findings: list[Finding]) -> list[dict]:
    rows = []
    spec = reference.tables().get(table, {})
    monthly = any(c.get("type") == "period" for c in spec.get("columns", {}).values())
    county = spec.get("level") == "county"
    for check, (title, severity) in INGEST_CHECKS.items():
        if (check in MONTHLY_CHECKS and not monthly) or (check in COUNTY_CHECKS and not county):
            continue
        hits = [f for f in findings if ingest_check(f.check) == check]
        rows.append({"table": table, "check": check, "title_zh": title, "severity": severity,
                     "verdict": ("note" if severity == INFO else "fail") if hits else "pass",
                     "failing_rows": len({f.row for f in hits if f.row is not None}),
                     "regions": " ".join(sorted({f.region_code for f in hits
                                                 if f.region_code}))})
    return rows


def _scoped(summary: list[dict], counted: list[Finding], outside: list[Finding]
            ) -> list[dict]:
    """A check that failed only on rows this run does not read is a note, not a failure;
    a failed check names only the regions its counted findings touch."""
    def hits(found: list[Finding], s: dict) -> list[Finding]:
        return [f for f in found if f.table == s["table"] and ingest_check(f.check) == s["check"]]

    out = []
    for s in summary:
        if s["verdict"] == "fail":
            mine = hits(counted, s)
            if mine or not hits(outside, s):
                s = {**s, "regions": " ".join(sorted({f.region_code for f in mine
                                                      if f.region_code})) or s["regions"]}
            else:
                s = {**s, "verdict": "note"}
        out.append(s)
    return out


def region_verdicts(findings: list[Finding], summary: list[dict] | None = None,
                    scope: dict[str, set[str] | None] | None = None,
                    codes: list[str] | None = None) -> dict[str, dict]:
    """pass / warning / fail per region of `codes` (default: the province and its cities),
    and the checks that touch it with their verdicts.

    A whole-table finding (no region) counts for every region the table serves (a county
    table's, for its counties only). A check touches a region when its table holds rows of
    that region (or has no region column), or when it failed for that region."""
    summary, scope = summary or [], scope or {}
    failed: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for f in findings:
        failed[(f.table, ingest_check(f.check))].add(f.region_code)
    out = {}
    serves = {t: _every_region(t) for t in {f.table for f in findings}}
    for region in reference.region_codes() if codes is None else codes:
        mine = [f for f in findings if f.region_code == region
                or f.region_code is None and region in serves[f.table]]
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


def _write(out_dir: Path, gx_results: dict, findings: list[Finding], outside: list[Finding],
           summary: list[dict], verdicts: dict, monthly_rows: dict) -> None:
    findings = [confidential.redact(f) for f in findings]
    payload = {"verdicts": verdicts, "findings": [f.to_dict() for f in findings],
               "outside_period": [confidential.redact(f).to_dict() for f in outside],
               "monthly_rows": monthly_rows, "great_expectations": gx_results}
    files = QualityFolder(out_dir)
    files.results.write_text(
        json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    fields = ["table", "check", "title_zh", "severity", "verdict", "failing_rows", "regions"]
    with files.summary.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(summary)


# --- consequences ----------------------------------------------------------------------


def load_results(quality_dir: Path) -> dict:
    return QualityFolder(quality_dir).load_results()


def _every_region(table: str) -> set[str]:
    """The regions a finding without a region stands for. A county table's: none (each of
    its rows names its county; a row that names none is dropped with an error in the quality
    summary, and the county it was meant for fails Σ counties = city). A list of firms or
    projects (placed by county too): every region. Any other table's: the province and its
    cities."""
    spec = reference.tables().get(table, {})
    if table in reference.county_tables():
        return set()
    if table not in reference.tables() or "province" not in spec:
        return set(reference.region_codes(reference.LEVELS))
    return set(reference.region_codes())


def blocked_by(findings: list[dict], catalog: dict) -> dict[str, dict[str, str]]:
    """indicator_id -> region_code -> why it cannot be graded (its inputs failed the gate)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for f in findings:
        if f["severity"] != ERROR:
            continue
        for ind, entry in catalog.items():
            fields = entry.get("inputs", {}).get(reference.rows_of(f["table"]))
            if fields is None or (f["field"] and f["field"] not in fields
                                  and f["field"] not in ("region_code", "year")):
                continue
            regions = [f["region_code"]] if f["region_code"] else _every_region(f["table"])
            for region in regions:
                # the reason is written to indicators.csv, which every region reads
                out[ind].setdefault(region, str(confidential.redact(Finding(**f), public=True)))
    return dict(out)
