"""A table delivered one file per month (tables.yml `multi_file`): every file read, the rows
that stand resolved once for the whole run (revisions.py), and what that resolution found —
revised cells, duplicate and conflicting deliveries of one month — as findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonpeak import reference
from carbonpeak.findings import ERROR, WARNING, Finding
from carbonpeak.ingest import revisions
from carbonpeak.ingest.table import NUMERIC_TYPES, TableResult, read_each


def read_files(paths: list[Path], name: str, spec: dict) -> TableResult:
    """A table delivered one file per month: every file read and concatenated, each row
    keeping its file; a (region, period) in two files with different values is a revision
    (the file whose latest period is later wins), each revised cell a warning naming both
    files; two deliveries of the same month that differ are an error naming both files and
    every differing cell, and neither stands (revisions.py)."""
    frames, headers, findings = read_each(paths, name, spec)
    if not frames:
        return TableResult(name, None, paths[0], findings, headers, sources=list(paths))
    versions = pd.concat(frames, ignore_index=True)
    values = [c for c, s in spec["columns"].items() if s["type"] in NUMERIC_TYPES]
    frame, revised, clashes = revisions.resolve(versions, values)

    def title(column: str) -> str:
        return spec["columns"][column].get("title_zh", column)

    for r in revised.itertuples(index=False):
        findings.append(Finding(
            name, "revision", WARNING,
            f"{r.period}的{title(r.column)}被修订：{r.old_file}第{r.old_row}行为{_g(r.old_value)}，"
            f"{r.new_file}第{r.new_row}行为{_g(r.new_value)}；采用较新的文件（{r.new_file}）",
            r.new_file, int(r.new_row), headers.get(r.column, r.column), r.region_code,
            r.column, r.period))
    findings += _clash_findings(clashes, name, title, headers)
    return TableResult(name, frame.reset_index(drop=True), paths[0], findings, headers,
                       sources=list(paths), versions=versions, revisions=revised)


def _clash_findings(clashes: pd.DataFrame, name: str, title, headers: dict) -> list[Finding]:
    """Two deliveries of one month: each differing cell an error (the key's row is not
    used), an identical duplicate a warning."""
    out = []
    for r in clashes.itertuples(index=False):
        region = reference.region_name(r.region_code)
        if isinstance(r.column, str) and r.column:
            out.append(Finding(
                name, "conflicting_delivery", ERROR,
                f"{region}{r.period}的{title(r.column)}在同一月份的两份报送中不一致："
                f"{r.file_a}第{r.row_a}行为{_g(r.value_a)}，{r.file_b}第{r.row_b}行为"
                f"{_g(r.value_b)}；无法判断以哪份为准，{region}{r.period}的数据两份都不采用"
                f"（相关灯号未评级）；请只保留正确的一份",
                r.file_b, int(r.row_b), headers.get(r.column, r.column), r.region_code,
                r.column, r.period))
        else:
            out.append(Finding(
                name, "duplicate_delivery", WARNING,
                f"{region}{r.period}的数据在{r.file_a}第{r.row_a}行和{r.file_b}第{r.row_b}行"
                f"重复报送，数值完全一致，按一份使用；请删除重复的文件",
                r.file_b, int(r.row_b), None, r.region_code, None, r.period))
    return out


def _g(value) -> str:
    return "空" if pd.isna(value) else f"{value:g}"


