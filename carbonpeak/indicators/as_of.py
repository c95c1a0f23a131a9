"""The inputs as they stood for a reporting year: nothing dated later reaches an indicator."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.ingest.coverage import HEADLINE, check_covered


def as_of(tables: dict[str, pd.DataFrame | None], year: int) -> dict[str, pd.DataFrame | None]:
    """The inputs as they stood for reporting year `year`: rows dated after it are dropped
    (each table's first required year column dates its rows), and later dates in optional
    year columns (e.g. a completion year) are blanked, since they had not happened yet.

    Raises PeriodNotCovered when the headline table has no row for `year`."""
    specs = reference.tables()
    out: dict[str, pd.DataFrame | None] = {}
    for name, df in tables.items():
        if df is None:
            out[name] = None
            continue
        cols = specs.get(name, {}).get("columns", {})
        year_cols = [c for c, spec in cols.items() if spec.get("type") == "year" and c in df]
        dating = next((c for c in year_cols if cols[c].get("required")), None)
        if dating:
            df = df[pd.to_numeric(df[dating], errors="coerce") <= year]
        later = [c for c in year_cols if c != dating]
        if later:
            df = df.copy()
            for c in later:
                after = pd.to_numeric(df[c], errors="coerce") > year
                df.loc[after, c] = pd.NA
                if (name, c) in NOT_YET:  # e.g. completed in a later year: in progress in Y
                    status, done, then = NOT_YET[(name, c)]
                    df.loc[after & (df[status] == done), status] = then
        out[name] = df.reset_index(drop=True)
    check_covered(tables.get(HEADLINE), year)
    return out


NOT_YET = {("retrofit_projects", "completion_year"): ("status", "completed", "in_progress")}

