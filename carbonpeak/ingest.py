"""Stage 01: read the statistics as delivered (CSV/XLSX, Chinese or English headers, any
accepted unit) into typed tables in canonical units, one Parquet file per table.

Problems that affect single rows or columns become findings and the rest of the table is
kept, so that one bad cell never takes a whole province down; only a file that cannot be
read at all stops its table.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonpeak import coerce, reference
from carbonpeak.findings import ERROR, WARNING, Finding, InputError
from carbonpeak.readers import header_key, read_raw

_UNIT_IN_HEADER = re.compile(r"^(?P<name>.+?)\s*[(（\[【](?P<unit>[^)）\]】]+)[)）\]】]\s*$")
SOURCE_ROW = "_source_row"
SOURCE_FILE = "_source_file"


_norm = header_key


@dataclass
class HeaderMatch:
    column: str
    factor: float


def match_header(header: str, spec: dict) -> HeaderMatch | None | str:
    """Map one header to its canonical column and unit factor.

    Returns None for an unknown header, or a message (str) for a known column with a unit
    it cannot convert.
    """
    h = _norm(header)
    for column, col_spec in spec["columns"].items():
        names = {_norm(a) for a in [column, *col_spec.get("aliases", [])]}
        units = col_spec.get("units") or {}
        if h in names:
            return HeaderMatch(column, 1.0)
        m = _UNIT_IN_HEADER.match(header.strip())
        if m and _norm(m.group("name")) in names:
            unit = m.group("unit").strip()
            if unit in units:
                return HeaderMatch(column, float(units[unit]))
            if _norm(m.group("name") + "(" + unit + ")") in names:
                return HeaderMatch(column, 1.0)
            accepted = "、".join(units) or "无单位"
            return f"列「{header}」的单位「{unit}」无法识别，应为：{accepted}"
    return None


def known_headers(spec: dict) -> set[str]:
    return {
        name for column, c in spec["columns"].items() for name in [column, *c.get("aliases", [])]
    }


# Every check ingest itself makes, so that a clean table can list them as passed too.
# check id -> (what a reader sees, severity)
INGEST_CHECKS = {
    "file_readable": ("文件存在且可读取（CSV 为 UTF-8/GBK 编码，或 Excel）", ERROR),
    "missing_column": ("必需列齐全", ERROR),
    "unknown_unit": ("列名中的单位可识别、可换算", ERROR),
    "duplicate_column": ("同一指标只有一列", ERROR),
    "unknown_column": ("没有未识别的列（未识别的列会被忽略）", WARNING),
    "not_a_number": ("数值列中只有数字（可带千分位、全角数字或空值标记“—”）", ERROR),
    "unknown_region": ("地区可识别（行政区划代码或地区名称）", WARNING),
    "total_row_dropped": ("合计行已剔除（合计由各地区数据计算）", WARNING),
    "repeated_header_dropped": ("数据中间重复的表头行已剔除", WARNING),
}
# Reasons a file could not be read at all; they are reported under `file_readable`.
UNREADABLE = {"missing_file", "empty_file", "unreadable_file", "unknown_encoding"}

NUMERIC_TYPES = {"number"}


def ingest_check(check: str) -> str:
    """The INGEST_CHECKS entry a finding's check id is listed under."""
    return "file_readable" if check in UNREADABLE else check


@dataclass
class TableResult:
    name: str
    frame: pd.DataFrame | None
    source: Path | None
    findings: list[Finding] = field(default_factory=list)
    # canonical column -> the header as written in the file, for messages about that column
    headers: dict[str, str] = field(default_factory=dict)


def find_source(data_dir: Path, name: str, spec: dict) -> Path | None:
    candidates = [data_dir / f for f in spec.get("files", [])]
    candidates += [data_dir / f"{name}{ext}" for ext in (".csv", ".xlsx", ".xlsm")]
    return next((p for p in candidates if p.exists()), None)


def read_table(path: Path, name: str, spec: dict) -> TableResult:
    """Read one delivered file into the canonical columns, collecting findings."""
    findings: list[Finding] = []
    raw = read_raw(path, name, known_headers(spec), sheet=spec.get("sheet"))
    fname = path.name

    def finding(check, message, severity=ERROR, row=None, column=None, region=None, fld=None):
        findings.append(Finding(name, check, severity, message, fname, row, column, region, fld))

    mapping: dict[str, tuple[str, float]] = {}
    for header in raw.frame.columns:
        m = match_header(header, spec)
        if isinstance(m, str):
            finding("unknown_unit", m, row=raw.header_row, column=header)
        elif m is None:
            finding("unknown_column", f"未识别的列「{header}」，已忽略；如为必需指标请改用标准列名",
                    severity=WARNING, row=raw.header_row, column=header)
        elif m.column in {c for c, _ in mapping.values()}:
            finding("duplicate_column", f"列「{header}」与另一列同为「{m.column}」，已忽略后者",
                    row=raw.header_row, column=header, fld=m.column)
        else:
            mapping[header] = (m.column, m.factor)
    present = {c for c, _ in mapping.values()}
    for column, col_spec in spec["columns"].items():
        if col_spec.get("required") and column not in present:
            aliases = "、".join(col_spec.get("aliases", [])[:3])
            finding("missing_column",
                    f"缺少必需列「{col_spec.get('title_zh', column)}」（{column}，可用列名：{aliases}）",
                    row=raw.header_row, column=col_spec.get("title_zh", column), fld=column)

    lookup = reference.region_lookup()
    records = []
    header_of = {c: h for h, (c, _) in mapping.items()}
    for i, src_row in enumerate(raw.source_rows):
        cells = raw.frame.iloc[i]
        rec: dict = {SOURCE_ROW: src_row, SOURCE_FILE: fname}
        region = None
        if "region_code" in header_of:
            text = cells[header_of["region_code"]]
            region = lookup.get(str(text).strip().lower()) if text is not None else None
            if region is None:
                # A warning: the row cannot be attributed to a region, so it cannot block
                # one; the region it was meant for is caught as missing by the suite.
                finding("unknown_region",
                        f"无法识别的地区「{text}」，应为行政区划代码（如330100）或地区名称"
                        "（如杭州市），该行已忽略",
                        severity=WARNING, row=src_row, column=header_of["region_code"],
                        fld="region_code")
                continue
        rec["region_code"] = region
        for header, (column, factor) in mapping.items():
            if column == "region_code":
                continue
            text = cells[header]
            col_type = spec["columns"][column]["type"]
            try:
                value = coerce.cell(text, spec["columns"][column])
            except ValueError as e:
                message = str(e) if col_type != "number" else f"应为数值，实际为「{text}」"
                finding("not_a_number", message,
                        row=src_row, column=header, region=region, fld=column)
                value = None
            if col_type in NUMERIC_TYPES and value is not None:
                value *= factor
            rec[column] = value
        records.append(rec)

    columns = [*spec["columns"], SOURCE_ROW, SOURCE_FILE]
    frame = _typed(pd.DataFrame.from_records(records, columns=columns), spec)
    if raw.dropped_total_rows:
        rows = "、".join(str(r) for r in raw.dropped_total_rows)
        finding("total_row_dropped", f"合计行（第{rows}行）已剔除，合计由各地区数据计算",
                severity=WARNING, row=raw.dropped_total_rows[0])
    if raw.repeated_header_rows:
        rows = "、".join(str(r) for r in raw.repeated_header_rows)
        finding("repeated_header_dropped", f"第{rows}行与表头相同（疑似两份表格拼接），已剔除",
                severity=WARNING, row=raw.repeated_header_rows[0])
    return TableResult(name, frame, path, findings, header_of)


def _typed(frame: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Stable dtypes whatever the file held, so the suites' type checks mean something."""
    for column, col_spec in spec["columns"].items():
        col_type = col_spec["type"]
        if col_type == "year":
            frame[column] = pd.array(frame[column], dtype="Int64")
        elif col_type in NUMERIC_TYPES:
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
        elif col_type == "bool":
            frame[column] = pd.array(frame[column], dtype="boolean")
        else:
            frame[column] = frame[column].astype("string")
    return frame


def ingest(data_dir: Path, out_dir: Path) -> dict[str, TableResult]:
    """Read every declared table found in data_dir; write Parquet and findings to out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, TableResult] = {}
    for name, spec in reference.tables().items():
        path = find_source(data_dir, name, spec)
        if path is None:
            files = "、".join(spec.get("files", [f"{name}.csv"]))
            f = Finding(name, "missing_file",
                        ERROR, f"未找到输入文件（应为 {files} 之一）", file=str(data_dir))
            results[name] = TableResult(name, None, None, [f])
            continue
        try:
            results[name] = read_table(path, name, spec)
        except InputError as e:
            results[name] = TableResult(name, None, path, [e.finding])
    for name, res in results.items():
        stale = out_dir / f"{name}.parquet"
        if res.frame is not None:
            res.frame.to_parquet(stale, index=False)
        elif stale.exists():  # never let a previous run's table stand in for an unread file
            stale.unlink()
    findings = [f.to_dict() for res in results.values() for f in res.findings]
    sources = {n: str(r.source) for n, r in results.items() if r.source}
    headers = {n: r.headers for n, r in results.items()}
    (out_dir / "ingest.json").write_text(
        json.dumps({"sources": sources, "headers": headers, "findings": findings},
                   ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return results


def load_table(warehouse: Path, name: str) -> pd.DataFrame | None:
    path = warehouse / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else None


def load_findings(warehouse: Path) -> list[Finding]:
    data = json.loads((warehouse / "ingest.json").read_text(encoding="utf-8"))
    return [Finding(**f) for f in data["findings"]]


def load_headers(warehouse: Path) -> dict[str, dict[str, str]]:
    """table -> canonical column -> the header as written in the delivered file."""
    data = json.loads((warehouse / "ingest.json").read_text(encoding="utf-8"))
    return data.get("headers", {})
