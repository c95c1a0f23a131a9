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

from carbonpeak import reference
from carbonpeak.findings import ERROR, WARNING, Finding, InputError
from carbonpeak.readers import header_key, parse_number, read_raw

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


@dataclass
class TableResult:
    name: str
    frame: pd.DataFrame | None
    source: Path | None
    findings: list[Finding] = field(default_factory=list)


def find_source(data_dir: Path, name: str, spec: dict) -> Path | None:
    candidates = [data_dir / f for f in spec.get("files", [])]
    candidates += [data_dir / f"{name}{ext}" for ext in (".csv", ".xlsx", ".xlsm")]
    return next((p for p in candidates if p.exists()), None)


def read_table(path: Path, name: str, spec: dict) -> TableResult:
    """Read one delivered file into the canonical columns, collecting findings."""
    findings: list[Finding] = []
    raw = read_raw(path, name, known_headers(spec))
    fname = path.name

    def finding(check, message, severity=ERROR, row=None, column=None, region=None, fld=None):
        findings.append(Finding(name, check, severity, message, fname, row, column, region, fld))

    mapping: dict[str, tuple[str, float]] = {}
    for header in raw.frame.columns:
        m = match_header(header, spec)
        if isinstance(m, str):
            finding("unknown_unit", m, column=header)
        elif m is None:
            finding("unknown_column", f"未识别的列「{header}」，已忽略；如为必需指标请改用标准列名",
                    severity=WARNING, column=header)
        elif m.column in {c for c, _ in mapping.values()}:
            finding("duplicate_column", f"列「{header}」与另一列同为「{m.column}」", column=header,
                    fld=m.column)
        else:
            mapping[header] = (m.column, m.factor)
    present = {c for c, _ in mapping.values()}
    for column, col_spec in spec["columns"].items():
        if col_spec.get("required") and column not in present:
            aliases = "、".join(col_spec.get("aliases", [])[:3])
            finding("missing_column",
                    f"缺少必需列「{col_spec.get('title_zh', column)}」（{column}，可用列名：{aliases}）",
                    column=col_spec.get("title_zh", column), fld=column)

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
                finding("unknown_region",
                        f"无法识别的地区「{text}」，应为行政区划代码（如330100）或地区名称（如杭州市）",
                        row=src_row, column=header_of["region_code"], fld="region_code")
                continue
        rec["region_code"] = region
        for header, (column, factor) in mapping.items():
            if column == "region_code":
                continue
            text = cells[header]
            col_type = spec["columns"][column]["type"]
            try:
                value = parse_number(text)
                if col_type == "year" and value is not None and value != int(value):
                    raise ValueError(f"年份应为整数，实际为「{text}」")
            except ValueError:
                expected = "四位年份" if col_type == "year" else "数值"
                finding("not_a_number", f"应为{expected}，实际为「{text}」",
                        row=src_row, column=header, region=region, fld=column)
                value = None
            if col_type == "year":
                rec[column] = None if value is None else int(value)
            else:
                rec[column] = None if value is None else value * factor
        records.append(rec)

    columns = [*spec["columns"], SOURCE_ROW, SOURCE_FILE]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["region_code"] = frame["region_code"].astype("string")
    frame["year"] = pd.array(frame["year"], dtype="Int64")
    for column, col_spec in spec["columns"].items():
        if col_spec["type"] == "number":
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
    if raw.dropped_total_rows:
        rows = "、".join(str(r) for r in raw.dropped_total_rows)
        finding("total_row_dropped", f"合计行（第{rows}行）已剔除，合计由各地区数据计算",
                severity=WARNING)
    return TableResult(name, frame, path, findings)


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
        if res.frame is not None:
            res.frame.to_parquet(out_dir / f"{name}.parquet", index=False)
    findings = [f.to_dict() for res in results.values() for f in res.findings]
    sources = {n: str(r.source) for n, r in results.items() if r.source}
    (out_dir / "ingest.json").write_text(
        json.dumps({"sources": sources, "findings": findings}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return results


def load_table(warehouse: Path, name: str) -> pd.DataFrame | None:
    path = warehouse / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else None


def load_findings(warehouse: Path) -> list[Finding]:
    data = json.loads((warehouse / "ingest.json").read_text(encoding="utf-8"))
    return [Finding(**f) for f in data["findings"]]
