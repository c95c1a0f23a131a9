"""Every file of a run folder (OUT/<period>/), named once, and how each is read.

The stages write into a run folder (the runner's staging folder, then moved into place) and
the reports, briefs, index, verdict, manifest and status read it: all of them ask here for a
file's path and its reader, so that a name is spelled in one place. This is the single list
of the files; README "What a run produces" says what each holds. A file a caller needs that
the run did not write is a MissingRunFile naming the file and the stage that writes it.

Outside the run folder, in OUT itself: runs.jsonl, latest, the lock and the staging folders
(carbonpeak/run/runlog.py and runlock.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from carbonpeak import reference
from carbonpeak.errors import RunError

if TYPE_CHECKING:  # pandas only where a frame is read: render workers import this module
    import pandas as pd

# --- the files, relative to the run folder, with the stage that writes each ------------

RUN = "run.json"  # 01 ingest: year, data folder, dataset.yml, date
WAREHOUSE = "warehouse"  # 01 ingest, internal: Warehouse below
QUALITY = "quality"  # 02 quality, internal: QualityFolder below
INDICATORS = "indicators.csv"  # 03 indicators: one row per region and indicator
INDICATOR_SERIES = "indicator_series.parquet"
CO2_SERIES = "co2_series.csv"
PEAK_OUTLOOK = "peak_outlook.csv"
PEAK_PROJECTION = "peak_projection.csv"
SECTOR_ENERGY = "sector_energy.csv"
DECOMPOSITION = "decomposition.csv"
ENTERPRISE = "enterprise"  # confidential: enterprise/<code>.parquet, one per municipality
ENTERPRISE_SUMMARY = "enterprise_summary.csv"  # public counts
BAROMETER = "barometer.csv"  # 06 barometer (monthly)
BAROMETER_HISTORY = "barometer_history.csv"
MONTHLY_SERIES = "monthly_series.csv"
REVISIONS = "revisions.csv"
NOTEBOOKS = "notebooks"  # runner: <stage>.ipynb, <stage>-<code>.ipynb, failed-<stage>.ipynb
MANIFEST = "manifest.json"  # runner
STATUS = "status.json"  # runner
INDEX = "index.html"  # runner
REPORT = {"html": "report.html", "pdf": "report.pdf"}  # <code>/, by format
# <code>/<stem>-<code>.xlsx|.csv|-zh.csv beside each report (report and brief downloads)
DOWNLOAD_SUFFIXES = (".xlsx", ".csv", "-zh.csv")

# inside warehouse/
TABLE_SUFFIX = ".parquet"  # <table>.parquet: the table as ingested
VERSIONS_SUFFIX = ".versions.parquet"  # every row of every file of a multi-file table
REVISIONS_SUFFIX = ".revisions.parquet"  # the cells a later file revised (multi-file tables)
INGEST_LOG = "ingest.json"  # sources, headers as delivered, findings
# inside quality/
QUALITY_RESULTS = "results.json"  # findings, verdicts, raw GX results
QUALITY_SUMMARY = "summary.csv"  # one row per check
QUALITY_DOCS = "docs"  # GX Data Docs

WRITTEN_BY = {
    RUN: "01_ingest", WAREHOUSE: "01_ingest", QUALITY: "02_quality",
    INDICATORS: "03_indicators", INDICATOR_SERIES: "03_indicators", CO2_SERIES: "03_indicators",
    PEAK_OUTLOOK: "03_indicators", PEAK_PROJECTION: "03_indicators",
    SECTOR_ENERGY: "03_indicators", DECOMPOSITION: "03_indicators",
    ENTERPRISE: "03_indicators", ENTERPRISE_SUMMARY: "03_indicators",
    BAROMETER: "06_barometer", BAROMETER_HISTORY: "06_barometer",
    MONTHLY_SERIES: "06_barometer", REVISIONS: "06_barometer",
}
# What a pipeline may declare as `run_wide_tables` (files each report reads, hashed into
# its record): every file a stage writes at the top of the folder, and the check summary.
RUN_WIDE = (INDICATORS, INDICATOR_SERIES, CO2_SERIES, PEAK_OUTLOOK, PEAK_PROJECTION,
            SECTOR_ENERGY, DECOMPOSITION, ENTERPRISE_SUMMARY, BAROMETER, BAROMETER_HISTORY,
            MONTHLY_SERIES, REVISIONS, f"{QUALITY}/{QUALITY_SUMMARY}")


def downloads(code: str, stem: str) -> list[str]:
    """The downloads beside a region's report (<code>/), by name: xlsx, csv, csv with
    Chinese headers; `stem` is the report's (indicators) or the brief's (barometer)."""
    return [f"{stem}-{code}{suffix}" for suffix in DOWNLOAD_SUFFIXES]


class MissingRunFile(RunError, FileNotFoundError):
    """A file the caller needs is not in the run folder (its stage did not run or failed)."""


class UnreadableRunFile(RunError, ValueError):
    """A run-folder file is there but cannot be parsed (written by hand, or truncated)."""


def _missing(path: Path, top: str) -> MissingRunFile:
    stage = WRITTEN_BY.get(top)
    by = f"; stage {stage} writes it (run the chain up to there first)" if stage else ""
    return MissingRunFile(f"{path}: not found in the run folder{by}")


def _read_json(path: Path, top: str, missing_ok: bool) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return {}
        raise _missing(path, top) from None
    try:
        return json.loads(text)
    except ValueError as e:
        raise UnreadableRunFile(f"{path}: not valid JSON ({e})") from None


def _read_csv(path: Path, top: str, missing_ok: bool, dtype: dict | None
              ) -> pd.DataFrame | None:
    """Region codes are text (330100, never 330100.0), as every reader wants them."""
    if not path.exists():
        if missing_ok:
            return None
        raise _missing(path, top)
    import pandas as pd

    return pd.read_csv(path, dtype={"region_code": str} if dtype is None else dtype)


def _parquet(path: Path) -> pd.DataFrame | None:
    """A Parquet file of the folder, None when absent."""
    import pandas as pd

    return pd.read_parquet(path) if path.exists() else None


@dataclass(frozen=True)
class Warehouse:
    """warehouse/ (internal): the typed input tables as ingested, and ingest.json."""
    path: Path

    def table(self, name: str) -> Path:
        return self.path / f"{name}{TABLE_SUFFIX}"

    def versions(self, name: str) -> Path:
        return self.path / f"{name}{VERSIONS_SUFFIX}"

    def revisions(self, name: str) -> Path:
        return self.path / f"{name}{REVISIONS_SUFFIX}"

    @property
    def ingest_log(self) -> Path:
        return self.path / INGEST_LOG

    def load_table(self, name: str) -> pd.DataFrame | None:
        """None when the table was not read (absent, refused): its indicators say 未提供."""
        path = self.table(name)
        return _parquet(path)

    def load_versions(self, name: str) -> pd.DataFrame | None:
        path = self.versions(name)
        return _parquet(path)

    def load_revisions(self, name: str) -> pd.DataFrame | None:
        """The cells a later file revised (multi-file tables), as ingest resolved them."""
        path = self.revisions(name)
        return _parquet(path)

    def load_ingest_log(self) -> dict:
        return _read_json(self.ingest_log, WAREHOUSE, missing_ok=False)


@dataclass(frozen=True)
class QualityFolder:
    """quality/ (internal): results.json, summary.csv, docs/."""
    path: Path

    @property
    def results(self) -> Path:
        return self.path / QUALITY_RESULTS

    @property
    def summary(self) -> Path:
        return self.path / QUALITY_SUMMARY

    @property
    def docs(self) -> Path:
        return self.path / QUALITY_DOCS

    def load_results(self, missing_ok: bool = False) -> dict:
        """The one reader of results.json; {} when absent and `missing_ok` (a folder whose
        quality stage has not run yet)."""
        return _read_json(self.results, QUALITY, missing_ok)


class RunFolder:
    """One run folder: OUT/<period>/ or the runner's staging folder for it."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"

    def file(self, name: str) -> Path:
        """A file named above (INDICATORS, BAROMETER, …) in this folder."""
        return self.path / name

    @property
    def warehouse(self) -> Warehouse:
        return Warehouse(self.path / WAREHOUSE)

    @property
    def quality(self) -> QualityFolder:
        return QualityFolder(self.path / QUALITY)

    @property
    def run(self) -> Path:
        return self.path / RUN

    @property
    def indicators(self) -> Path:
        return self.path / INDICATORS

    @property
    def manifest(self) -> Path:
        return self.path / MANIFEST

    @property
    def status(self) -> Path:
        return self.path / STATUS

    @property
    def index(self) -> Path:
        return self.path / INDEX

    @property
    def notebooks(self) -> Path:
        return self.path / NOTEBOOKS

    def notebook(self, notebook: str | Path, code: str | None = None) -> Path:
        """The executed copy of a chain notebook: once-stages by name, regions suffixed."""
        stem = Path(notebook).stem
        return self.notebooks / (f"{stem}-{code}.ipynb" if code else f"{stem}.ipynb")

    def failed_notebook(self, notebook: str | Path) -> Path:
        """Where a failed whole-province stage's notebook is kept."""
        return self.notebooks / f"failed-{Path(notebook).name}"

    def region_notebooks(self, code: str) -> list[Path]:
        return sorted(self.notebooks.glob(f"*-{code}.ipynb"))

    def region(self, code: str) -> Path:
        """<code>/: one region's report and downloads."""
        return self.path / str(code)

    def report(self, code: str, fmt: str) -> Path:
        return self.region(code) / REPORT[fmt]

    def enterprise(self, code: str) -> Path:
        """CONFIDENTIAL: one municipality's firms."""
        return self.path / ENTERPRISE / f"{code}.parquet"

    # --- readers -----------------------------------------------------------------------

    def load_run(self, missing_ok: bool = False) -> dict:
        """run.json: what the run read (dataset.yml's title and vintage) and when."""
        return _read_json(self.run, RUN, missing_ok)

    def write_run(self, run: dict) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.run.write_text(json.dumps(run, ensure_ascii=False, indent=1), encoding="utf-8")

    def load_quality_results(self, missing_ok: bool = False) -> dict:
        return self.quality.load_results(missing_ok)

    def load_csv(self, name: str, missing_ok: bool = False, dtype: dict | None = None
                 ) -> pd.DataFrame | None:
        """A CSV of the folder (INDICATORS, PEAK_OUTLOOK, BAROMETER, …), region codes as
        text; None when absent and `missing_ok` (a table the run did not produce)."""
        return _read_csv(self.file(name), name, missing_ok, dtype)

    def load_indicators(self, missing_ok: bool = False) -> pd.DataFrame | None:
        return self.load_csv(INDICATORS, missing_ok)

    def load_indicator_series(self) -> pd.DataFrame:
        path = self.file(INDICATOR_SERIES)
        if not path.exists():
            raise _missing(path, INDICATOR_SERIES)
        series = _parquet(path)
        series["region_code"] = series["region_code"].astype(str)
        return series

    def load_enterprises(self, code: str) -> pd.DataFrame | None:
        """This municipality's firms only; there is no call that returns another's."""
        path = self.enterprise(code)
        return _parquet(path)

    def load_status(self) -> dict:
        """status.json, {} when absent or unreadable: the next run writes it anew."""
        try:
            return json.loads(self.status.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def reported_codes(self, period: str | None = None) -> list[str]:
        """The regions this run reports on: the province and its cities, and the county-level
        units the county tables of its warehouse hold rows for (none without county data);
        of a table dated by month, rows of the run's `period` (YYYY-MM) only: a county that
        delivers months from 2026 on gets no empty brief for 2025."""
        counties: set[str] = set()
        for table in reference.county_tables():
            df = self.warehouse.load_table(table)
            if df is None:
                continue
            if period is not None and "period" in df:
                df = df[df["period"].astype(str) == str(period)]
            counties |= set(df["region_code"].dropna().astype(str))
        return reference.with_county_rows(counties)

    def load_manifest(self) -> dict:
        """manifest.json, {} when absent or not JSON: every report is then rebuilt."""
        try:
            return json.loads(self.manifest.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
