"""The driver: runs the notebook chain declared in pipelines/ with papermill, in-process.

Stages that need the whole province run once; the report stage runs per region on a pool
of warm kernels (started, and pre-loaded, while the first stages run), so a region costs
its own work rather than a kernel start and a pandas import. Everything is written to a
staging folder of this run alone and moved into place only when it succeeded (publish.py):
a failed run or region never replaces a good report. One run per output root at a time
(runlock.py); every report whose inputs changed is re-rendered (freshness.py); each run
leaves a line in runs.jsonl and a status.json (runlog.py, verdict.py). The runner does no
stage work: a stage that finds the run cannot go on raises a RunError in its notebook.
"""

from __future__ import annotations

import os
import signal
import uuid
from pathlib import Path

from carbonpeak import errors
from carbonpeak.period import Period
from carbonpeak.run import chain, runlock, runlog, signals, verdict
from carbonpeak.run.outcome import RunState
from carbonpeak.run.preflight import preflight
from carbonpeak.runfolder import RunFolder

EXIT_CODES = verdict.EXIT_CODES


def run(data_dir: str | Path, period: int | str | Period, regions: str = "all",
        out: str | Path = "outputs", formats: str | list[str] = "html,pdf", jobs: int = 2,
        force: bool = False, log=print, wait: float = 0, notify: str | None = None,
        level: str | None = None) -> int:
    """Run the chain for one reporting period (a year, 2025, or a cumulative month,
    "2026-10") and return the exit code (EXIT_CODES). Relative paths are relative to the
    current directory."""
    formats = formats.split(",") if isinstance(formats, str) else list(formats)
    formats = [f.strip() for f in formats if f.strip()]
    data_dir = Path(data_dir).expanduser().resolve()
    out_root = Path(out).expanduser().resolve()
    try:
        period = Period.parse(period)
        bad_period = ""
    except ValueError as e:
        bad_period = f"{e} (--period)"
        period = Period(0)
    state = RunState(uuid.uuid4().hex[:12], {
        "data": str(data_dir), "period": period.key, "year": period.year, "regions": regions,
        "level": level, "out": str(out_root), "formats": ",".join(formats), "jobs": jobs, "force": force,
        "wait": wait})
    year_dir = out_root / period.key
    previous_handlers = signals.trap()
    try:
        try:
            if bad_period:
                raise errors.RunError(bad_period)
            wanted, spec = preflight(data_dir, period, regions, out_root, formats, jobs, level)
            req = chain.Request(data_dir, period, wanted, out_root, formats, jobs, force, spec)
            with runlock.RunLock(out_root, wait):
                state.exit_code = chain.execute_run(req, state, log)
        except errors.RunError as e:
            state.exit_code, state.message = e.exit_code, str(e)
            log(f"error: {e}")
        except signals.Interrupted as e:
            state.exit_code = 128 + e.signum
            state.message = f"interrupted by {signal.Signals(e.signum).name}"
            log(f"error: {state.message}; no report was half-written")
    finally:
        signals.restore(previous_handlers)
    _record(state, out_root, year_dir, notify, log)
    return state.exit_code


def _record(state: RunState, out_root: Path, year_dir: Path, notify: str | None, log) -> None:
    """runs.jsonl line, status.json on an early stop, latest pointer, notify."""
    status_path = RunFolder(year_dir).status
    entry = {"run_id": state.run_id, "start": state.started, "end": runlog.now(),
             "pid": os.getpid(), "args": state.args, "exit_code": state.exit_code,
             "message": state.message, "regions": state.outcomes, "errors": state.errors,
             "quality": state.quality, "inputs": state.inputs}
    try:
        if state.exit_code not in (0, 1, 3) and out_root.is_dir():
            # stopped before writing a status: say so, keeping the regions' last known state
            year_dir.mkdir(exist_ok=True)
            runlog.write_json(status_path, {
                **runlog.read_status(year_dir), "year": state.args["year"],
                "period": state.args["period"],
                "run_id": state.run_id, "started": state.started, "finished": runlog.now(),
                "exit_code": state.exit_code, "message": state.message})
        if out_root.is_dir():
            runlog.append_run(out_root, entry)
        if state.exit_code <= 1 and out_root.is_dir():
            runlog.point_latest(out_root)
    except OSError as e:
        log(f"warning: could not record the run in {out_root}: {e}")
    if notify and state.exit_code:
        runlog.notify(notify, status_path, state.exit_code, log)
