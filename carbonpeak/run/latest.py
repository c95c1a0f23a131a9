"""What the scheduler runs every time data may have landed: `run --period latest`.

It renders the newest cumulative month in the data, and re-runs every earlier month already
published under OUT/: each of those runs is a no-op ("up to date") unless the rows it
depends on changed since it was built, i.e. a later file revised one of its months. A new
month's file therefore produces that month's barometer and nothing else.
"""

from __future__ import annotations

from pathlib import Path

from carbonpeak import errors
from carbonpeak.period import Period


def periods_in_data(data_dir: Path) -> list[Period]:
    """Every cumulative month the monthly table of data_dir holds, oldest first."""
    from carbonpeak.run import period_inputs as inputs

    return inputs.periods(data_dir)


def published_periods(out_root: Path) -> list[Period]:
    """Monthly periods with a folder under OUT/ (reports rendered before)."""
    out = []
    for p in out_root.iterdir() if out_root.is_dir() else []:
        if p.is_dir() and not p.is_symlink() and not p.name.startswith("."):
            try:
                period = Period.parse(p.name)
            except ValueError:
                continue
            if period.is_monthly:
                out.append(period)
    return sorted(out)


def due(data_dir: Path, out_root: Path) -> list[Period]:
    """The newest month, after the published earlier months (oldest first) the run checks."""
    periods = periods_in_data(data_dir)
    if not periods:
        return []
    newest = periods[-1]
    known = set(periods)
    return [p for p in published_periods(out_root) if p in known and p != newest] + [newest]


def run_latest(data_dir, regions: str = "all", out="outputs", formats="html,pdf",
               jobs: int = 2, force: bool = False, log=print, wait: float = 0,
               notify: str | None = None) -> int:
    """Run every due period; the exit code is the worst of theirs (EXIT_CODES)."""
    from carbonpeak.run import runner

    data_dir = Path(data_dir).expanduser().resolve()
    out_root = Path(out).expanduser().resolve()
    try:
        if not data_dir.is_dir():
            raise errors.InputError(f"data directory {data_dir} does not exist (--data)")
        todo = due(data_dir, out_root)
        if not todo:
            raise errors.PeriodNotCovered(
                f"{data_dir}: no monthly data (industry_monthly): --period latest renders the "
                "newest 1–N月 barometer; give --period YYYY for an annual report")
    except errors.RunError as e:
        log(f"error: {e}")
        return e.exit_code
    log(f"periods due: {', '.join(p.key for p in todo)} (earlier months are re-rendered only "
        "when their data were revised)")
    codes = {p: runner.run(data_dir, p, regions, out_root, formats, jobs, force,
                           log=log, wait=wait, notify=notify) for p in todo}
    worst = max(codes.values())
    if worst and len(codes) > 1:
        bad = ", ".join(f"{p.key} ({c})" for p, c in codes.items() if c)
        log(f"--period latest exits {worst}: the worst of the periods run; non-zero: {bad}")
    return worst
