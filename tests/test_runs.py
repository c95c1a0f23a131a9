"""Runs a scheduler can trust: exit codes, the lock, exact staleness, what a run records,
no debris after kill -9, the documented cron command. Run-heavy parts share one sequence."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import alive

from carbonpeak import reference
from carbonpeak.paths import ROOT, SAMPLE_DIR
from carbonpeak.run import failures, runlock, runner

PY = sys.executable


def cli(*args, cwd=ROOT, env=None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "carbonpeak", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=600, **kw)


# --- exit codes, each one -------------------------------------------------------------


def test_help_lists_the_exit_codes_the_runner_uses():
    from carbonpeak.__main__ import EXIT_HELP

    for code, meaning in runner.EXIT_CODES.items():
        assert f"  {code}  {meaning}" in EXIT_HELP
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, meaning in runner.EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in readme


@pytest.mark.slow
@pytest.mark.parametrize("args,expected", [
    (["--regions", "339999"], "unknown region code '339999'"),
    (["--formats", "docx"], "unknown format 'docx'"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--data", "nope"], "nope does not exist (--data)"),
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, args, expected):
    r = cli("run", "--out", "out", "--formats", "html", *args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert expected in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out" / "2025" / "330100").exists()


@pytest.mark.slow
def test_argparse_errors_exit_2(tmp_path):
    r = cli("run", "--year", "next", cwd=tmp_path)
    assert r.returncode == 2 and "invalid int value" in r.stderr


def test_headline_input_missing_or_empty_exits_2_naming_the_file(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    logs = []
    assert runner.run(empty, 2025, "330100", tmp_path / "out", "html", log=logs.append) == 2
    assert "no headline table industry_annual" in logs[-1] and str(empty) in logs[-1]
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    (data / "industry_annual.csv").write_bytes(b"")
    logs = []
    assert runner.run(data, 2025, "330100", tmp_path / "out", "html", log=logs.append) == 2
    assert logs[-1] == f"error: {data / 'industry_annual.csv'}: the headline table " \
                       "industry_annual is empty"
    status = json.loads((tmp_path / "out" / "2025" / "status.json").read_text())
    assert status["exit_code"] == 2 and "is empty" in status["message"]


@pytest.mark.slow
def test_output_not_writable_exits_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = cli("run", "--data", str(SAMPLE_DIR), "--out", str(blocker / "out"), "--formats", "html")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"output folder {blocker / 'out'} is not writable" in r.stderr


def test_broken_reference_file_exits_2_naming_it(tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    (ref / "grading.yml").write_text("presets: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(reference, "REFERENCE_DIR", ref)
    for f in vars(reference).values():
        if hasattr(f, "cache_clear"):
            f.cache_clear()
    logs = []
    try:
        rc = runner.run(SAMPLE_DIR, 2025, "330100", tmp_path / "out", "html", log=logs.append)
    finally:
        monkeypatch.undo()
        for f in vars(reference).values():
            if hasattr(f, "cache_clear"):
                f.cache_clear()
    assert rc == 2
    assert logs[-1].startswith(f"error: {ref / 'grading.yml'} cannot be loaded: ")
    assert "ConfigError" not in logs[-1]


def test_run_error_inside_a_notebook_keeps_its_exit_code_and_message():
    class Fake(Exception):
        ename, evalue = "PeriodNotCovered", "industry_annual.csv: no rows for 2031\n"

    err = failures.run_error(Fake())
    assert type(err).__name__ == "PeriodNotCovered" and err.exit_code == 2
    assert str(err) == "industry_annual.csv: no rows for 2031"
    Fake.ename = "KeyError"
    assert failures.run_error(Fake()) is None
    assert failures.short_error(Fake()) == "KeyError: industry_annual.csv: no rows for 2031"


@pytest.mark.slow
def test_a_log_reader_that_goes_away_does_not_stop_the_run(tmp_path):
    """`… 2>&1 | head`, a closed terminal: every line written to stderr would raise. The run
    goes on, writes its report and its record, and exits 0."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        r = subprocess.run([PY, "-m", "carbonpeak", "run", "--data", str(SAMPLE_DIR),
                            "--period", "2025", "--regions", "330200", "--out", "out",
                            "--formats", "html"], cwd=tmp_path, stdout=subprocess.DEVNULL,
                           stderr=write, timeout=600)
    finally:
        os.close(write)
    assert r.returncode == 0
    assert (tmp_path / "out" / "2025" / "330200" / "report.html").exists()
    record = json.loads((tmp_path / "out" / "runs.jsonl").read_text(encoding="utf-8")
                        .splitlines()[-1])
    assert record["exit_code"] == 0


@pytest.mark.slow
def test_lock_held_exits_3_and_notify_gets_the_status_path(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    hook = tmp_path / "hook.sh"
    hook.write_text('#!/bin/sh\necho "$CARBONPEAK_EXIT_CODE $1" > "$(dirname "$0")/notified"\n')
    hook.chmod(0o755)
    logs = []
    with runlock.RunLock(out):
        t0 = time.monotonic()
        rc = runner.run(SAMPLE_DIR, 2025, "330100", out, "html", log=logs.append, wait=1,
                        notify=str(hook))
        assert time.monotonic() - t0 >= 1
    assert rc == 3
    assert logs[-1].startswith(f"error: another run holds the lock on {out} (pid {os.getpid()}")
    assert "after waiting 1s" in logs[-1]
    assert (tmp_path / "notified").read_text().split() == ["3", str(out / "2025/status.json")]
    line = json.loads((out / "runs.jsonl").read_text().splitlines()[-1])
    assert line["exit_code"] == 3 and line["args"]["regions"] == "330100"


@pytest.mark.slow
def test_leftovers_of_a_dead_run_are_stopped_and_removed(tmp_path):
    staging = runlock.new_staging(tmp_path, 2025)
    other = runlock.new_staging(tmp_path, 2025)
    assert staging != other  # two runs in one second never share a folder
    child = subprocess.Popen(["sleep", "60"])
    runlock.record_pids(staging, [child.pid])
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / ".index.html.tmp").write_text("half")
    done = runlock.clean_leftovers(tmp_path)
    assert child.wait(timeout=5) == -signal.SIGKILL
    assert f"stopped process {child.pid} of a dead run" in done
    assert not list(tmp_path.glob(".staging-*"))
    assert not (tmp_path / "2025" / ".index.html.tmp").exists()


# --- the stale-subset sequence ----------------------------------------------------------

SUBSET = ["330000", "330100", "330200"]


def workspace(tmp_path_factory, name: str) -> tuple[Path, Path]:
    """A private copy of the sample data and an output root beside it."""
    tmp = tmp_path_factory.mktemp(name)
    shutil.copytree(SAMPLE_DIR, tmp / "data")
    return tmp / "data", tmp / "out"


def revise_vintage(data: Path, text: str) -> None:
    """A new data vintage: the bureau re-sends its tables (every report states the vintage)."""
    path = data / "dataset.yml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    meta["vintage_zh"] = text
    path.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def stale_sequence(tmp_path_factory):
    """Three reports built; an input changes; a run asks for one region only."""
    data, out = workspace(tmp_path_factory, "stale")
    steps = {}

    def step(name, regions, formats="html"):
        logs = []
        rc = runner.run(data, 2025, regions, out, formats, jobs=2, log=logs.append)
        m = json.loads((out / "2025" / "manifest.json").read_text(encoding="utf-8"))
        html = {c: (out / "2025" / c / "report.html").read_text(encoding="utf-8")
                for c in SUBSET}
        steps[name] = {"rc": rc, "logs": logs, "manifest": m, "html": html}

    step("first", ",".join(SUBSET))
    revise_vintage(data, "2026年3月修订版")
    step("subset", "330100", "pdf")
    step("again", ",".join(SUBSET))
    return out / "2025", steps


@pytest.mark.slow
def test_changed_input_rerenders_every_affected_report_whatever_regions_says(stale_sequence):
    year_dir, steps = stale_sequence
    assert steps["first"]["rc"] == 0, steps["first"]["logs"]
    subset = steps["subset"]
    assert subset["rc"] == 0, subset["logs"]
    assert ("3 report(s) built from older inputs: 330000, 330100, 330200; each is re-rendered "
            "if what it reads changed") in subset["logs"]
    assert not any(line.startswith("up to date") for line in subset["logs"])
    regions = subset["manifest"]["regions"]
    assert len({json.dumps(regions[c]["built_from"], sort_keys=True) for c in SUBSET}) == 1
    assert regions["330200"]["built_from"] != steps["first"]["manifest"]["regions"]["330200"][
        "built_from"]
    # reports not asked for show the new data too
    for code in SUBSET:
        assert "2026年3月修订版" in subset["html"][code]
        assert "2026年3月修订版" not in steps["first"]["html"][code]
    ind = pd.read_csv(year_dir / "indicators.csv", dtype={"region_code": str})
    assert set(ind["region_code"]) >= set(SUBSET)
    # then asking for all three: honest "up to date", nothing stale left behind
    assert steps["again"]["rc"] == 0 and steps["again"]["logs"][0].startswith("up to date")


@pytest.mark.slow
def test_changing_formats_never_deletes_another_format(stale_sequence):
    year_dir, _ = stale_sequence
    for code in SUBSET:  # the html of the first run is kept, the pdf of the second added
        assert (year_dir / code / "report.html").exists()
        assert (year_dir / code / "report.pdf").exists()


@pytest.mark.slow
def test_runs_jsonl_status_and_latest(stale_sequence):
    year_dir, steps = stale_sequence
    out = year_dir.parent
    lines = [json.loads(x) for x in (out / "runs.jsonl").read_text().splitlines()]
    assert [x["exit_code"] for x in lines] == [0, 0, 0]
    first, subset, again = lines
    assert first["regions"] == dict.fromkeys(SUBSET, "rendered")
    assert subset["regions"] == dict.fromkeys(SUBSET, "rendered")
    assert again["regions"] == dict.fromkeys(SUBSET, "current")
    assert subset["args"]["regions"] == "330100" and subset["args"]["formats"] == "pdf"
    assert subset["inputs"]["dataset.yml"] != first["inputs"]["dataset.yml"]
    assert len(subset["inputs"]["industry_annual.csv"]) == 64
    assert subset["quality"]["330200"] in ("pass", "warning", "fail")
    assert first["start"] <= first["end"] <= subset["start"]
    status = json.loads((year_dir / "status.json").read_text(encoding="utf-8"))
    assert status["exit_code"] == 0 and status["run_id"] == again["run_id"]
    assert {c for c, r in status["regions"].items() if r["state"] == "current"} == set(SUBSET)
    assert {r["state"] for c, r in status["regions"].items() if c not in SUBSET} == {"missing"}
    assert (out / "latest").is_symlink() and os.readlink(out / "latest") == "2025"
    assert (out / "latest" / "330100" / "report.pdf").exists()
    assert not list(out.glob(".staging-*")) and not list(year_dir.glob(".*"))
    index = (year_dir / "index.html").read_text(encoding="utf-8")
    assert "报告基于旧数据" not in index


# --- kill -9, a clean next run (the documented cron command), a concurrent run ------------


def operations_command() -> str:
    """The cron line of docs/operations.md, command part (after the five time fields)."""
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    line = re.search(r"```cron\n(?:[A-Z_]+=.*\n)*(.+)\n```", doc).group(1)
    return line.split(None, 5)[5]


def children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def holder(out: Path) -> int | None:
    try:
        return json.loads((out / f"{runlock.LOCK_NAME}.holder").read_text())["pid"]
    except (OSError, ValueError, KeyError):
        return None


def start_run_until_workers(data: Path, out: Path):
    """A run started and caught once its kernels and render workers are up."""
    proc = subprocess.Popen([PY, "-m", "carbonpeak", "run", "--data", str(data), "--out",
                             str(out), "--regions", "330000,330100", "--formats", "html",
                             "--jobs", "2"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    pids: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:
        files = list(out.glob(".staging-*/.pids.jsonl"))
        pids = [json.loads(x)["pid"] for f in files for x in f.read_text().splitlines()]
        if len(pids) >= 5:  # 1 stage kernel, 2 report kernels, 2 render workers
            break
        time.sleep(0.2)
    return proc, sorted(set(pids) | set(children(proc.pid)))


@pytest.fixture(scope="module")
def kill_sequence(tmp_path_factory):
    data, out = workspace(tmp_path_factory, "kill")
    tmp = data.parent
    env = {"CARBONPEAK_HOME": str(ROOT), "CARBONPEAK_DATA": str(data),
           "CARBONPEAK_OUT": str(out), "CARBONPEAK_YEAR": "2025",
           "CARBONPEAK_REGIONS": "330100"}
    res = {}
    # SIGTERM (systemctl stop): kernels and render workers stop, staging removed, exit 143
    victim, started = start_run_until_workers(data, out)
    os.kill(victim.pid, signal.SIGTERM)
    _, err = victim.communicate(timeout=120)
    time.sleep(2)
    res["term"] = {"rc": victim.returncode, "stderr": err, "pids": started,
                   "alive": [p for p in started if alive(p)],
                   "staging": [p.name for p in out.glob(".staging-*")]}
    # kill -9 mid-run
    victim, started = start_run_until_workers(data, out)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    res["killed"] = {"pids": started, "staging": [p.name for p in out.glob(".staging-*")]}
    time.sleep(3)
    res["orphans_after_3s"] = [p for p in started if alive(p)]
    cmd = operations_command()
    t0 = time.monotonic()
    nxt = subprocess.Popen(["bash", "-c", cmd], cwd=tmp, env={**os.environ, **env},
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while nxt.poll() is None and holder(out) in (None, victim.pid):  # kill -9 left its own
        time.sleep(0.1)
    rival = cli("run", "--data", str(data), "--out", str(out), "--regions", "330100",
                "--formats", "html")
    waiter = cli("run", "--data", str(data), "--out", str(out), "--regions", "330100",
                 "--formats", "html,pdf", "--wait", "600")
    o, e = nxt.communicate(timeout=600)
    res.update(cmd=cmd, next=(nxt.returncode, o, e, time.monotonic() - t0), rival=rival,
               waiter=waiter, out=out, data=data)
    return res


@pytest.mark.slow
def test_sigterm_stops_kernels_and_render_workers(kill_sequence):
    term = kill_sequence["term"]
    assert term["rc"] == 143, term["stderr"]
    assert "error: interrupted by SIGTERM; no report was half-written" in term["stderr"]
    assert len(term["pids"]) >= 5 and term["alive"] == [] and term["staging"] == []


@pytest.mark.slow
def test_kill_9_leaves_no_orphan_and_the_next_run_cleans_up(kill_sequence):
    k = kill_sequence
    assert len(k["killed"]["pids"]) >= 5 and k["killed"]["staging"]
    assert k["orphans_after_3s"] == []
    rc, stdout, stderr, _ = k["next"]
    assert rc == 0, stderr
    assert stdout == ""  # --quiet: nothing but errors/warnings; the previous run's debris:
    assert f"warning: a previous run died: removed {k['killed']['staging'][0]}" in stderr
    out = k["out"]
    assert not list(out.glob(".staging-*"))
    log = (out / "carbonpeak.log").read_text(encoding="utf-8")
    assert re.search(r"\d{4}-\d\d-\d\dT[\d:]+\+\d{4} \[\d+\] done in .*330100", log) or \
        "reports written" in log


@pytest.mark.slow
def test_concurrent_run_exits_3_or_waits_and_nothing_is_lost(kill_sequence):
    k = kill_sequence
    assert k["rival"].returncode == 3, k["rival"].stderr
    assert "another run holds the lock" in k["rival"].stderr
    assert k["waiter"].returncode == 0, k["waiter"].stderr
    assert k["waiter"].stderr.startswith("up to date")
    year_dir = k["out"] / "2025"
    for name in ("notebooks/01_ingest.ipynb", "notebooks/02_quality.ipynb",
                 "notebooks/04_report-330100.ipynb", "330100/report.html",
                 "330100/report.pdf", "index.html", "status.json"):
        assert (year_dir / name).exists(), name
    assert not list(year_dir.rglob(".*.old"))
    lines = [json.loads(x) for x in (k["out"] / "runs.jsonl").read_text().splitlines()]
    assert sorted(x["exit_code"] for x in lines) == [0, 0, 3, 143]


def test_make_help_prints_real_values():
    r = subprocess.run(["make", "-s", "help", "YEAR=2031"], cwd=ROOT, capture_output=True,
                       text=True, check=True)
    assert "$(" not in r.stdout
    assert "into outputs/2031/" in r.stdout


def test_cron_and_systemd_run_the_same_one_command():
    doc = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    exec_start = re.search(r"^ExecStart=/bin/sh -c '(.+)'$", doc, re.M).group(1)
    assert exec_start == operations_command()
    assert "--wait" in exec_start and "--log-file" in exec_start and "--quiet" in exec_start
    for code in runner.EXIT_CODES:
        assert f"\n| {code} | {runner.EXIT_CODES[code]} |" in doc
