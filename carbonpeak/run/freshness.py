"""What each report was built from, and whether that is still what a run would build it from.

A report is a function of the input files, the code and reference data, and the run-wide
tables the report stage reads (indicators, quality verdicts). Each region's record in
manifest.json keeps all three; a report whose record differs from the current state is
stale and the runner re-renders it, whatever --regions asked for — unless, once the stages
have run, what the report reads from the run (`reads`, the digest of its selection:
carbonpeak/report_reads.py) and the code are as they were (`reads_current`): then it would
come out the same, and it is kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from carbonpeak.errors import ConfigError
from carbonpeak.paths import ROOT
from carbonpeak.runfolder import REPORT, RunFolder


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(data_dir: Path) -> list[Path]:
    """The files a run reads: regular files inside the data folder (ingest refuses the rest,
    and hashing a FIFO would block or a link outside the folder would read foreign data)."""
    from carbonpeak.ingest.sources import refusal

    root = data_dir.resolve()
    return sorted(p for p in data_dir.iterdir()
                  if not p.name.startswith(".") and refusal(p, root) is None)


def code_files() -> list[Path]:
    """What the outputs are a function of, besides the data: code, notebooks, reference."""
    globs = ["carbonpeak/**/*.py", "carbonpeak/templates/**/*", "notebooks/*.ipynb",
             "pipelines/*.yml", "data/reference/*", "expectations/*.json"]
    return sorted({p for g in globs for p in ROOT.glob(g) if p.is_file()})


def digest(files: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name, sha in sorted(files.items()):
        h.update(f"{name}\0{sha}\n".encode())
    return h.hexdigest()


def input_hashes(data_dir: Path) -> dict[str, str]:
    return {p.name: sha256(p) for p in input_files(data_dir)}


def period_inputs(data_dir: Path, period, spec) -> dict[str, str]:
    """The input files a period's reports are a function of, by name -> sha256.

    A pipeline lists the tables its chain reads (`tables:`, the same declaration ingest and
    quality follow): the annual chain does not read the monthly files, so a new month's file
    leaves the annual reports current. A monthly period depends on the monthly rows dated
    up to it (revisions included), not on months delivered after it: those rows go in as one
    content hash per table (`<table>@<period>`), computed by the table's own reader."""
    from carbonpeak import ingest, reference
    from carbonpeak.ingest import sources
    from carbonpeak.run import period_inputs as monthly_inputs

    hashes = input_hashes(data_dir)
    tables = reference.tables()
    found = sources.match(data_dir, tables, ingest.match_header)
    keep = set(spec.tables)
    dropped = {p.name for t, paths in found.files.items() if t not in keep for p in paths}
    scoped = {}
    for table in spec.period_scoped_tables:
        if not monthly_inputs.reads_periods(table):
            raise ConfigError(f"pipeline period_scoped_tables: no period reader for {table!r}")
        paths = found.files.get(table, [])
        dropped |= {p.name for p in paths}
        if paths:
            scoped[f"{table}@{period}"] = monthly_inputs.period_digest(paths, period, table)
    return {**{n: h for n, h in hashes.items() if n not in dropped}, **scoped}


def code_hashes() -> dict[str, str]:
    """Each file of the package, notebooks, pipeline, reference data and expectations, by
    its path relative to the repository: digest() of it is the run's code version."""
    return {str(p.relative_to(ROOT)): sha256(p) for p in code_files()}


def table_hashes(run_dir: Path, names) -> dict[str, str]:
    folder = RunFolder(run_dir)
    return {name: sha256(folder.file(name)) for name in names if folder.file(name).exists()}


def built_from(inputs: dict[str, str], code: str, tables: dict[str, str]) -> dict:
    return {"inputs": digest(inputs), "code": code, "tables": tables}


def is_current(record: dict | None, now: dict, year_dir: Path,
               formats: list[str] | None = None) -> bool:
    """The region's published report was built from `now` and its files are all there
    (those of `formats` too, when given)."""
    if not record or not record.get("built_from"):
        return False
    if not record.get("ok", True) or record["built_from"] != now:
        return False
    folder = RunFolder(year_dir)
    files = [folder.file(f) for f in record.get("files", [])]
    code = record.get("region_code", "")
    files += [folder.report(code, f) for f in formats or [] if code]
    return bool(files) and all(f.exists() for f in files)


def published_formats(year_dir: Path, code: str) -> list[str]:
    """Formats of the report that exist for a region (a run keeps them all current)."""
    return [f for f in REPORT if RunFolder(year_dir).report(code, f).exists()]


def reads_current(record: dict | None, reads: str | None, now: dict, year_dir: Path,
                  formats: list[str]) -> bool:
    """The region's published report read exactly `reads` from a run with today's code and
    reference data, and its files (those of `formats` too) are all there: built again, it
    would come out the same, whatever else in the inputs changed."""
    if not record or reads is None or record.get("reads") != reads:
        return False
    if (record.get("built_from") or {}).get("code") != now["code"]:
        return False
    return is_current({**record, "built_from": now}, now, year_dir, formats)  # ok, files
