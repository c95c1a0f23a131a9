"""The run's warehouse: one Parquet file per table plus ingest.json (sources, headers as
delivered, findings). Stage 01 writes it; every later stage reads it through this module."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from carbonpeak import confidential, reference
from carbonpeak.findings import ERROR, INFO, Finding, UnreadableFile
from carbonpeak.ingest import sources
from carbonpeak.ingest.headers import match_header
from carbonpeak.ingest.multifile import read_files
from carbonpeak.ingest.parts import read_parts
from carbonpeak.ingest.table import TableResult, read_table
from carbonpeak.runfolder import Warehouse


def build_warehouse(data_dir: Path, out_dir: Path, extra: list[Finding] | None = None,
                    only: list[str] | None = None) -> dict[str, TableResult]:
    """Read the tables `only` (default: every table of tables.yml) found in data_dir; write
    Parquet and findings to out_dir. A file of another table is recognised (so it is not
    reported as unknown) but not read. `extra` holds findings about the data folder itself
    (dataset.yml)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, TableResult] = {}
    specs = reference.tables()
    found = sources.match(data_dir, specs, match_header)
    for name, spec in specs.items():
        if only is not None and name not in only:
            continue
        paths = found.files.get(name, [])
        if spec.get("multi_file") and paths:
            dated = any(c["type"] == "period" for c in spec["columns"].values())
            results[name] = (read_files if dated else read_parts)(paths, name, spec)
            results[name].findings[:0] = found.notes.get(name, [])
            continue
        if len(paths) > 1:
            names = "、".join(p.name for p in paths)
            f = Finding(name, "two_files", ERROR,
                        f"「{spec.get('title_zh', name)}」有{len(paths)}个文件：{names}；"
                        "无法判断该用哪一个，请只保留一个", file=names)
            results[name] = TableResult(name, None, None, [f])
            continue
        notes = found.notes.get(name, [])
        if not paths and any(f.severity == ERROR for f in notes):  # refused: not a file
            results[name] = TableResult(name, None, None, list(notes))
            continue
        if not paths:
            files = "、".join(spec.get("files", [f"{name}.csv"]))
            if spec.get("optional"):
                f = Finding(name, "table_absent", INFO,
                            f"未提供「{spec.get('title_zh', name)}」（{files}），"
                            "依赖它的指标未评级（未提供）", file=data_dir.name)
            else:
                f = Finding(name, "missing_file", ERROR,
                            f"未找到输入文件（应为 {files} 之一）", file=str(data_dir))
            results[name] = TableResult(name, None, None, [f])
            continue
        try:
            results[name] = read_table(paths[0], name, spec)
        except UnreadableFile as e:
            results[name] = TableResult(name, None, paths[0], [confidential.redact(e.finding)])
        results[name].findings[:0] = notes
    store = Warehouse(out_dir)
    for name, res in results.items():
        for stale, frame in ((store.table(name), res.frame),
                             (store.versions(name), res.versions),
                             (store.revisions(name), res.revisions)):
            if frame is not None:
                frame.to_parquet(stale, index=False)
            elif stale.exists():  # never let a previous run's table stand in for an unread file
                stale.unlink()
    findings = [f.to_dict() for f in [*(extra or []), *found.unmatched]]
    findings += [f.to_dict() for res in results.values() for f in res.findings]
    sources_ = {n: "; ".join(str(p) for p in r.sources) if r.sources else str(r.source)
                for n, r in results.items() if r.source}
    headers = {n: r.headers for n, r in results.items()}
    store.ingest_log.write_text(
        json.dumps({"sources": sources_, "headers": headers, "findings": findings},
                   ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return results


def load_versions(warehouse: Path, name: str) -> pd.DataFrame | None:
    """Every row of every file of a multi-file table, before revisions are resolved."""
    return Warehouse(warehouse).load_versions(name)


def load_revisions(warehouse: Path, name: str) -> pd.DataFrame | None:
    """The cells of a multi-file table that a later file revised, as ingest resolved them
    over every file (revisions.REVISION_COLUMNS); None for a table of one file."""
    return Warehouse(warehouse).load_revisions(name)


def load_table(warehouse: Path, name: str) -> pd.DataFrame | None:
    return Warehouse(warehouse).load_table(name)


def load_findings(warehouse: Path) -> list[Finding]:
    data = Warehouse(warehouse).load_ingest_log()
    return [Finding(**f) for f in data["findings"]]


def load_headers(warehouse: Path) -> dict[str, dict[str, str]]:
    """table -> canonical column -> the header as written in the delivered file."""
    return Warehouse(warehouse).load_ingest_log().get("headers", {})
