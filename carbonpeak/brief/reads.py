"""What each brief reads from a monthly run folder, as a digest per region: the runner keeps a
published brief whose digest (and code) did not change, so that a revised county rebuilds its
own brief, its city's and the province's, and leaves the others as published. The digest is
taken over the very fields a brief's context is built from (context.select)."""

from __future__ import annotations

from pathlib import Path

from carbonpeak.brief.context import run_tables, select
from carbonpeak.period import Period
from carbonpeak.report_reads import digest


def reads(run_dir: Path, codes: list[str], period: Period | str) -> dict[str, str]:
    """Each region's digest of what its brief of `period` reads from the run folder."""
    tables = run_tables(run_dir, period)
    return {code: digest(select(tables, code)) for code in codes}
