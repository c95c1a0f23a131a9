"""What the scheduler needs to know of the monthly files before any kernel starts: which
periods they hold, and a fingerprint of the rows a period's barometer reads (its year and
the year before, dated up to it, revisions from later files applied), so that a new month's
file leaves earlier months' reports current and a revision makes its month's reports stale
(freshness.period_inputs)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from carbonpeak import ingest, reference
from carbonpeak.barometer import series
from carbonpeak.ingest import revisions, sources
from carbonpeak.period import Period

TABLE = "industry_monthly"


def reads_periods(table: str) -> bool:
    """A table read by period, as this module reads the monthly table: it or its county rows
    (tables.yml `rows_of: industry_monthly`)."""
    return reference.rows_of(table) == TABLE

_READ: dict[tuple, ingest.TableResult] = {}  # one parse per set of unchanged files


def files(data_dir: Path, table: str = TABLE) -> list[Path]:
    """The table's files in data_dir, matched as ingest matches them."""
    found = sources.match(Path(data_dir), reference.tables(), ingest.match_header)
    return found.files.get(table, [])


def _read(paths: list[Path], table: str = TABLE) -> ingest.TableResult | None:
    """The files read and their revisions resolved as ingest does, once while the files
    are unchanged: run_latest fingerprints several periods of the same files (the city
    and the county table each keep their own)."""
    if not paths:
        return None
    key = (table, *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(paths)))
    if key not in _READ:
        for old in [k for k in _READ if k[0] == table]:
            del _READ[old]
        _READ[key] = ingest.read_files(paths, table, reference.tables()[table])
    return _READ[key]


def versions(paths: list[Path]) -> pd.DataFrame | None:
    """Every row of every file, read as ingest reads them."""
    res = _read(paths)
    if res is None:
        return None
    return res.versions if res.versions is not None else res.frame


def periods(data_dir: Path) -> list[Period]:
    """Every cumulative month the monthly files hold, oldest first."""
    frame = versions(files(data_dir))
    if frame is None or frame.empty:
        return []
    out = set()
    for key in frame["period"].dropna().astype(str).unique():
        try:
            out.add(Period.parse(key))
        except ValueError:
            continue  # ingest reports a bad period cell; it is no period to run
    return sorted(out)


def period_digest(paths: list[Path], period, table: str = TABLE) -> str:
    """sha256 of the rows the period's barometer reads (series.monthly_rows, window)."""
    period = Period.parse(period)
    res = _read(paths, table)
    table, revised = (res.frame, res.revisions) if res is not None else (None, None)
    rows, _ = series.monthly_rows(table, revised, period.key)
    rows = series.window(rows, period.year, period.key)
    text = rows.sort_values(revisions.KEY).to_csv(index=False, float_format="%.10g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
