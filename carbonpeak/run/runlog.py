"""What a run leaves for the people and machines watching it.

- OUT/runs.jsonl: one JSON line per run (appended, never rewritten): start, end, arguments,
  exit code, message, per-region outcome, quality verdicts, input hashes.
- OUT/PERIOD/status.json: the state of that period's reports after the last run (replaced
  atomically), what a monitoring check reads.
- OUT/latest: symlink to the newest period whose reports are all current, moved atomically.
- --notify CMD: CMD STATUS_PATH runs when a run ends with a non-zero exit code.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from carbonpeak.runfolder import RunFolder

RUNS_NAME = "runs.jsonl"
LATEST_NAME = "latest"


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def write_json(path: Path, payload: dict) -> None:
    """Replace path atomically (a reader sees the old file or the new one, never half)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def append_run(out_root: Path, record: dict) -> None:
    """One line per run; a single write in append mode, so concurrent runs never interleave."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    fd = os.open(out_root / RUNS_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def read_status(year_dir: Path) -> dict:
    return RunFolder(year_dir).load_status()


def complete(year_dir: Path) -> bool:
    """The last run ended with reports written, and every report there is current (none
    stale, none kept from before a failure)."""
    status = read_status(year_dir)
    states = [r.get("state") for r in status.get("regions", {}).values()]
    return (status.get("exit_code") in (0, 1) and "current" in states
            and not {"stale", "failed"} & set(states))


def _period(name: str):
    from carbonpeak.period import Period

    try:
        return Period.parse(name)
    except ValueError:
        return None


def point_latest(out_root: Path) -> str | None:
    """OUT/latest -> the newest complete period (relative link, swapped in one rename):
    1–10月 2026 is newer than the 2025 annual reports, which are newer than 1–12月 2025."""
    years = sorted((p for p in out_root.iterdir() if p.is_dir() and not p.is_symlink()
                    and _period(p.name) and complete(p)), key=lambda p: _period(p.name))
    if not years:
        return None
    link = out_root / LATEST_NAME
    tmp = out_root / f".{LATEST_NAME}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(years[-1].name, target_is_directory=True)
    tmp.replace(link)
    return years[-1].name


def notify(cmd: str, status_path: Path, exit_code: int, log) -> None:
    """Run the operator's command with the status file; its failure is logged, not raised."""
    env = {**os.environ, "CARBONPEAK_EXIT_CODE": str(exit_code)}
    try:
        r = subprocess.run([*shlex.split(cmd), str(status_path)], env=env, timeout=120,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode:
            log(f"warning: --notify command exited {r.returncode}: {r.stderr.strip()[-200:]}")
    except (OSError, ValueError, subprocess.TimeoutExpired) as e:
        log(f"warning: --notify command failed: {e}")


class Log:
    """Progress to stderr (only errors and warnings with --quiet), everything to --log-file
    with a timestamp. Called like print: log(message)."""

    def __init__(self, quiet: bool = False, log_file: str | None = None):
        self.quiet = quiet
        self.console = True  # False once stderr is gone (`… 2>&1 | head`, a closed terminal)
        self.path = Path(log_file).expanduser().resolve() if log_file else None
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, message: str) -> None:
        loud = message.startswith(("error", "warning"))
        if self.console and (loud or not self.quiet):
            try:
                print(message, file=sys.stderr, flush=True)
            except OSError:  # the reader went away: the run goes on, its log file too
                self.console = False
        if self.path:
            with self.path.open("a", encoding="utf-8") as f:
                f.write(f"{now()} [{os.getpid()}] {message}\n")
