"""A driver killed with kill -9 at any moment leaves no process of its run behind: in its
first second (ingest), while kernels and render workers start, and while rendering. Every
descendant seen before the kill must be gone a few seconds after it, and the next run
cleans up and succeeds."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import alive

from carbonpeak.paths import ROOT, SAMPLE_DIR

pytestmark = pytest.mark.slow
PY = sys.executable
GRACE = 5.0  # seconds a survivor is allowed (a watcher polls its parent twice a second)


def _parents() -> dict[int, int]:
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            out[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return out


def descendants(pid: int) -> set[int]:
    parents, found, todo = _parents(), set(), [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, pp in parents.items() if pp == p} - found
        found |= kids
        todo.extend(kids)
    return found


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("early") / "data"
    shutil.copytree(SAMPLE_DIR, d)
    return d


def _start(data: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([PY, "-m", "carbonpeak", "run", "--data", str(data), "--out",
                             str(out), "--period", "2025", "--regions", "330000,330100",
                             "--formats", "html,pdf", "--jobs", "2"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _kill_after(data: Path, out: Path, seconds: float | None) -> tuple[set[int], list[int]]:
    """Start a run, watch its process tree, kill -9 the driver after `seconds` (None: the
    moment its first child process appears); return every descendant seen and those still
    alive GRACE seconds later."""
    proc = _start(data, out)
    seen: set[int] = set()
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < (seconds or 120):
        seen |= descendants(proc.pid)
        if seconds is None and seen:
            break
        time.sleep(0.02)
    seen |= descendants(proc.pid)
    assert proc.poll() is None, "the run ended before the moment of the kill"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)
    deadline = time.monotonic() + GRACE
    while time.monotonic() < deadline and any(alive(p) for p in seen):
        time.sleep(0.2)
    survivors = [p for p in seen if alive(p)]
    for p in survivors:  # do not leak into the rest of the session
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    return seen, survivors


@pytest.mark.parametrize("seconds", [None, 3.0, 12.0],
                         ids=["first-child", "kernels-and-workers-start", "rendering"])
def test_kill_9_at_any_moment_leaves_no_survivor(data, tmp_path, seconds):
    out = tmp_path / "out"
    seen, survivors = _kill_after(data, out, seconds)
    assert seen, "no child process was seen: the moment is too early to mean anything"
    assert survivors == [], f"alive {GRACE}s after kill -9 at {seconds}s: {survivors}"
    nxt = subprocess.run([PY, "-m", "carbonpeak", "run", "--data", str(data), "--out",
                          str(out), "--period", "2025", "--regions", "330100", "--formats",
                          "html", "--jobs", "1"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    assert nxt.returncode == 0, nxt.stderr
    assert not list(out.glob(".staging-*"))
