"""Stage 02 as one call, so that notebook 02 stays a few lines."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.ingest.warehouse import load_findings
from carbonpeak.paths import resolve
from carbonpeak.runfolder import RunFolder


def run_quality(run_dir, year: int, period: str | None = None,
                pipeline: str = "year") -> pd.DataFrame:
    """GX suites and cross-checks of the tables the chain declares; for a monthly period
    (YYYY-MM) the monthly table is read up to the period and the annual tables up to the
    year before."""
    from carbonpeak.pipeline import of_kind
    from carbonpeak.quality.check import check

    folder = RunFolder(resolve(run_dir))
    wh = folder.warehouse.path
    verdicts = check(wh, folder.quality.path, int(year), load_findings(wh), period=period,
                     tables=of_kind(pipeline).table_names())
    return pd.DataFrame([
        {"地区": reference.region_name(code), "代码": code, **v} for code, v in verdicts.items()
    ])

