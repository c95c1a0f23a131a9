"""One run per output root at a time, and no debris from runs that died.

The lock is a `filelock` lock on OUT/.carbonpeak.lock: the OS releases it when its holder
dies, even by kill -9, so a crashed run never blocks the next one. Each run stages its work
in its own folder (OUT/.staging-YEAR-<random>) and records there the processes it started
(kernels, render workers); whoever takes the lock next removes every staging folder left
behind and stops any process recorded in it that is still alive.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from filelock import FileLock, Timeout

from carbonpeak.errors import LockHeld

LOCK_NAME = ".carbonpeak.lock"
STAGING_PREFIX = ".staging-"
PIDS_NAME = ".pids.jsonl"


class RunLock:
    """Context manager: hold OUT's lock, waiting up to `wait` seconds, else LockHeld."""

    def __init__(self, out_root: Path, wait: float = 0):
        self.out_root = out_root
        self.wait = wait
        self.path = out_root / LOCK_NAME
        self._lock = FileLock(str(self.path), timeout=wait, is_singleton=False)
        self._info = out_root / f"{LOCK_NAME}.holder"

    def __enter__(self) -> RunLock:
        try:
            self._lock.acquire(timeout=self.wait, poll_interval=0.2)
        except Timeout:
            holder = ""
            try:
                h = json.loads(self._info.read_text(encoding="utf-8"))
                holder = f" (pid {h['pid']}, started {h['started']})"
            except (OSError, ValueError, KeyError):
                pass
            waited = f" after waiting {self.wait:g}s" if self.wait else ""
            raise LockHeld(f"another run holds the lock on {self.out_root}{holder}{waited}; "
                           f"lock file {self.path} (use --wait SECONDS to wait for it)") from None
        self._info.write_text(json.dumps({"pid": os.getpid(),
                                          "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}),
                              encoding="utf-8")
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._info.unlink(missing_ok=True)
        finally:
            self._lock.release()


def new_staging(out_root: Path, year: int) -> Path:
    """A staging folder of this run alone (two runs in one second never share one)."""
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{year}-", dir=out_root))


def record_pids(staging: Path, pids: list[int]) -> None:
    """Note processes this run started, so the next run can stop them if this one dies."""
    with (staging / PIDS_NAME).open("a", encoding="utf-8") as f:
        for pid in pids:
            start = _start_time(pid)
            if start is not None:
                f.write(json.dumps({"pid": pid, "start": start}) + "\n")


def clean_leftovers(out_root: Path) -> list[str]:
    """Under the lock: stop processes of dead runs, remove their staging folders and the
    half-published leftovers (.NAME.old, .NAME.tmp) in the year folders. Returns what it did."""
    done = []
    for staging in sorted(out_root.glob(f"{STAGING_PREFIX}*")):
        if not staging.is_dir():
            continue
        for pid in _recorded(staging):
            try:
                os.kill(pid, signal.SIGKILL)
                done.append(f"stopped process {pid} of a dead run")
            except OSError:
                pass
        shutil.rmtree(staging, ignore_errors=True)
        done.append(f"removed {staging.name}")
    for year_dir in out_root.iterdir():
        if not year_dir.is_dir() or year_dir.name.startswith("."):
            continue
        for left in [*year_dir.glob(".*.old"), *year_dir.glob(".*.tmp"),
                     *year_dir.glob("*/.*.old")]:
            shutil.rmtree(left, ignore_errors=True) if left.is_dir() else left.unlink()
            done.append(f"removed {left.relative_to(out_root)}")
    return done


def _recorded(staging: Path) -> list[int]:
    """Recorded pids still alive as the same process (same start time: pids get reused)."""
    path = staging / PIDS_NAME
    if not path.exists():
        return []
    alive = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if _start_time(rec.get("pid", -1)) == rec.get("start"):
            alive.append(rec["pid"])
    return alive


def _start_time(pid: int) -> int | None:
    """Kernel start time of a process in clock ticks (Linux); None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])
