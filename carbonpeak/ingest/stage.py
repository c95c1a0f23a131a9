"""Stage 01 as one call, so that notebook 01 stays a few lines."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from carbonpeak.ingest import coverage, warehouse
from carbonpeak.ingest.dataset_meta import load_dataset_meta
from carbonpeak.paths import resolve
from carbonpeak.period import Period
from carbonpeak.pipeline import of_kind
from carbonpeak.runfolder import RunFolder


def run_ingest(data_dir, run_dir, year: int, pipeline: str = "year") -> pd.DataFrame:
    """Read the tables the chain declares (pipelines/*.yml `tables`) into the warehouse;
    a table of another chain is neither read nor checked."""
    spec = of_kind(pipeline)
    data_dir, run_dir = resolve(data_dir), resolve(run_dir)
    folder = RunFolder(run_dir)
    meta, meta_findings = load_dataset_meta(data_dir)
    run = {"year": int(year), "data_dir": str(data_dir), "dataset": meta,
           "generated": dt.date.today().isoformat()}
    folder.write_run(run)
    results = warehouse.build_warehouse(data_dir, folder.warehouse.path, meta_findings,
                                        spec.table_names())
    return pd.DataFrame([
        {"表": name, "文件": r.source.name if r.source else "—",
         "行数": 0 if r.frame is None else len(r.frame),
         "错误": sum(f.severity == "error" for f in r.findings),
         "提示": sum(f.severity == "warning" for f in r.findings)}
        for name, r in results.items()
    ])


def check_ready(run_dir, period) -> None:
    """Stop the run here (a RunError: exit 2, one line) when the headline table could not
    be read or the data do not cover the period: nothing is checked or rendered from data
    that cannot serve."""
    coverage.check_headline(resolve(run_dir) / "warehouse")
    coverage.check_period(run_dir, Period.parse(period))
