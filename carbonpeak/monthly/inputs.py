"""What the scheduler needs to know of the monthly files before any kernel starts: which
periods they hold, and a fingerprint of the rows a period depends on (rows dated up to it,
revisions from later files included), so that a new month's file leaves earlier months'
reports current and a revision makes its month's reports stale (freshness.period_inputs)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from carbonpeak import ingest, reference, sources
from carbonpeak.monthly import revisions
from carbonpeak.period import Period

TABLE = "industry_monthly"


_READ: dict[tuple, object] = {}  # one parse per set of unchanged files (run_latest's loop)


def versions(data_dir: Path, table: str = TABLE) -> tuple[pd.DataFrame | None, list[str]]:
    """(every row of every file of the table, the value columns), read as ingest reads them."""
    specs = reference.tables()
    spec = specs[table]
    found = sources.match(Path(data_dir), specs, ingest.match_header)
    paths = found.files.get(table, [])
    if not paths:
        return None, []
    key = (table, *((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(paths)))
    if key not in _READ:
        _READ.clear()
        _READ[key] = ingest.read_files(paths, table, spec)
    res = _READ[key]
    frame = res.versions if res.versions is not None else res.frame
    values = [c for c, s in spec["columns"].items()
              if s["type"] in ingest.NUMERIC_TYPES and frame is not None and c in frame]
    return frame, values


def periods(data_dir: Path) -> list[Period]:
    """Every cumulative month the monthly files hold, oldest first."""
    frame, _ = versions(data_dir)
    if frame is None or frame.empty:
        return []
    out = set()
    for key in frame["period"].dropna().astype(str).unique():
        try:
            out.add(Period.parse(key))
        except ValueError:
            continue  # ingest reports a bad period cell; it is no period to run
    return sorted(out)


def period_digest(data_dir: Path, table: str, period) -> str:
    """sha256 of the rows that stand for the period's year and the year before, up to it."""
    period = Period.parse(period)
    frame, values = versions(data_dir, table)
    if frame is None or frame.empty:
        return hashlib.sha256(b"").hexdigest()
    rows, _ = revisions.resolve(frame, values, until=period.key)
    years = {str(period.year), str(period.year - 1)}
    rows = rows[rows["period"].astype(str).str[:4].isin(years)]
    keep = [*revisions.KEY, *values]
    text = rows[keep].sort_values(revisions.KEY).to_csv(index=False, float_format="%.10g")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
