"""`make bench`: a full sample run of carbonpeak against the naive chain, same machine,
same invocation. The naive chain is what one writes first: every notebook run per region
in its own `papermill` process, then `jupyter nbconvert` and `weasyprint` CLIs.

It also times the monthly barometer for the newest month in the sample (all 12 briefs) and a
re-run of it, and the county scale: in full, re-run unchanged, and with one county's row
changed (only the reports that read it are rebuilt), then the monthly briefs of all 102
regions and with one county's month revised. After each full run it prints, from the run's
manifest.json, each stage's share of the run and each report's split: its notebook, its HTML
export, WeasyPrint, and the time it waited for a kernel or a render worker (the other
reports' work). It also prints the CPU seconds each kind of process spends importing what
it needs. The last line is machine-readable: naive_s=<s> carbonpeak_s=<s> speedup=<x>.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from carbonpeak import pipeline, reference
from carbonpeak.paths import NOTEBOOKS_DIR, ROOT, SAMPLE_DIR, TEMPLATES_DIR
from carbonpeak.run import runner
from carbonpeak.run.chain import STAGE_WARMUP
from carbonpeak.run.outcome import WAIT_STEPS
from carbonpeak.run.render import FILTERS
from carbonpeak.runfolder import RunFolder
from tools import sample_counties, sample_monthly_counties

CHAIN = ["01_ingest", "02_quality", "03_indicators", "04_report"]


def _bin(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def nbconvert_cli(notebook: Path) -> list[str]:
    """The naive chain's HTML step: the report template through the nbconvert CLI."""
    filters = {n: f"carbonpeak.run.render.{f.__name__}" for n, f in FILTERS.items()}
    return [_bin("jupyter"), "nbconvert", "--to", "html", "--no-input", "--template", "report",
            f"--TemplateExporter.extra_template_basedirs={TEMPLATES_DIR}",
            f"--TemplateExporter.filters={filters!r}", str(notebook)]


def naive(work: Path, regions: list[str], year: int) -> float:
    t0 = time.perf_counter()
    for code in regions:
        run_dir = work / "naive" / code
        run_dir.mkdir(parents=True)
        for nb in CHAIN:
            out = run_dir / f"{nb}.ipynb"
            subprocess.run(
                [_bin("papermill"), str(NOTEBOOKS_DIR / f"{nb}.ipynb"), str(out),
                 "-r", "data_dir", str(SAMPLE_DIR), "-r", "run_dir", str(run_dir),
                 "-p", "year", str(year), "-r", "region_code", code, "--no-progress-bar",
                 "--cwd", str(ROOT)],
                check=True, capture_output=True)
        subprocess.run(nbconvert_cli(run_dir / "04_report.ipynb"), check=True,
                       capture_output=True)
        subprocess.run([_bin("weasyprint"), str(run_dir / "04_report.html"),
                        str(run_dir / "report.pdf")], check=True, capture_output=True)
    return time.perf_counter() - t0


# What each kind of process imports before its first piece of work.
PROCESSES = {
    "driver": "import carbonpeak.run.runner",
    "render worker": "import carbonpeak.run.renderers, carbonpeak.run.render, nbformat, "
                     "nbconvert, weasyprint",
    "stage kernel": STAGE_WARMUP,
    "report kernel": pipeline.of_kind("year").per_region()[0].warmup,
}
# The per-report split: a column and the steps (manifest.json steps_s) it adds up.
SPLIT = {"notebook": ("notebook",), "export": ("export",), "WeasyPrint": ("pdf",),
         "wait": WAIT_STEPS}


def import_cpu(code: str) -> float:
    """CPU seconds a fresh interpreter spends running `code` (imports)."""
    probe = f"import time\n{code}\nprint(time.process_time())"
    base = "import time\nprint(time.process_time())"
    out = [float(subprocess.run([sys.executable, "-c", c], check=True, capture_output=True,
                                text=True, cwd=ROOT).stdout) for c in (probe, base)]
    return out[0] - out[1]


def split(year_dir: Path, per_report: bool = True) -> list[str]:
    """Each stage's share of the run and each report's split, from the run's manifest."""
    m = RunFolder(year_dir).load_manifest()
    if not m:
        return [f"  (no manifest.json in {year_dir})"]
    t = m.get("timings_s", {})
    total = t.get("total") or 1.0
    lines = ["  stages: " + " · ".join(f"{k} {v:.1f}s ({v / total:.0%})"
                                       for k, v in t.items() if k != "total")]
    steps = {c: r["steps_s"] for c, r in m.get("regions", {}).items() if r.get("steps_s")}
    if not steps:
        return lines
    rows = {c: {col: sum(s.get(k, 0.0) for k in ks) for col, ks in SPLIT.items()}
            for c, s in steps.items()}
    head = "  per report (s): " + " ".join(f"{col:>10}" for col in SPLIT)
    lines.append(head)
    if per_report:
        lines += [f"  {c} {reference.region_name(c):<6}".ljust(18)
                  + " ".join(f"{r[col]:>10.2f}" for col in SPLIT) for c, r in rows.items()]
    for name, agg in (("mean", lambda v: sum(v) / len(v)), ("sum", sum)):
        lines.append(f"  {name} of {len(rows)}".ljust(18) + " ".join(
            f"{agg([r[col] for r in rows.values()]):>10.2f}" for col in SPLIT))
    return lines


def fast(work: Path, regions: list[str], year, jobs: int, force: bool,
         data: Path = SAMPLE_DIR, logs: list[str] | None = None) -> float:
    t0 = time.perf_counter()
    rc = runner.run(data, year, ",".join(regions), work / "fast", "html,pdf", jobs,
                    force=force, log=(logs.append if logs is not None else lambda m: None))
    if rc != 0:
        raise SystemExit(f"carbonpeak run failed with exit code {rc}")
    return time.perf_counter() - t0


class PeakMemory:
    """The peak memory of this process and all its descendants (kernels, render workers),
    sampled from /proc every 0.2 s while a run goes on: `peak` sums their proportional set
    sizes (PSS: a page shared by n processes counts 1/n in each, so the sum is the memory the
    run really holds), `peak_rss` their resident sizes (shared pages counted in each)."""

    def __init__(self):
        self.peak = self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            pss, rss = _tree_memory(os.getpid())
            self.peak, self.peak_rss = max(self.peak, pss), max(self.peak_rss, rss)


def _tree_memory(root: int) -> tuple[int, int]:
    """(Σ PSS, Σ RSS) in bytes over `root` and its descendants."""
    parent = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    pss = rss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("Pss", "Rss"):
                    kib = int(value.split()[0]) * 1024
                    pss, rss = (pss + kib, rss) if key == "Pss" else (pss, rss + kib)
        except (OSError, ValueError):
            pass
        todo += [c for c, p in parent.items() if p == pid]
    return pss, rss


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--skip-naive", action="store_true", help="time carbonpeak only")
    args = ap.parse_args()
    regions = reference.region_codes()
    work = Path(tempfile.mkdtemp(prefix="carbonpeak-bench-"))
    try:
        print(f"regions={len(regions)} jobs={args.jobs} cpus={os.cpu_count()} "
              f"load={' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        print("imports (CPU s, fresh process): " + " · ".join(
            f"{name} {import_cpu(code):.2f}" for name, code in PROCESSES.items()), flush=True)
        fast_s = fast(work, regions, args.year, args.jobs, force=True)
        print(f"carbonpeak full run: {fast_s:.1f}s", flush=True)
        print("\n".join(split(work / "fast" / str(args.year))), flush=True)
        rerun_s = fast(work, regions, args.year, args.jobs, force=False)
        print(f"carbonpeak re-run, inputs unchanged: {rerun_s:.1f}s", flush=True)
        from carbonpeak.run import latest as monitor

        months = monitor.periods_in_data(SAMPLE_DIR)
        if months:
            month_s = fast(work, regions, months[-1], args.jobs, force=True)
            print(f"carbonpeak monthly barometer {months[-1]}: {month_s:.1f}s", flush=True)
            print("\n".join(split(work / "fast" / months[-1].key)), flush=True)
            again_s = fast(work, regions, months[-1], args.jobs, force=False)
            print(f"carbonpeak monthly re-run, inputs unchanged: {again_s:.1f}s", flush=True)
        counties = reference.region_codes(reference.LEVELS)
        with PeakMemory() as mem:
            county_s = fast(work / "county", counties, args.year, args.jobs, force=True)
        print(f"carbonpeak county scale ({len(counties)} reports): {county_s:.1f}s, "
              f"peak memory {mem.peak / 2**30:.2f} GiB (Σ PSS of all processes; Σ RSS "
              f"{mem.peak_rss / 2**30:.2f} GiB)", flush=True)
        print("\n".join(split(work / "county" / "fast" / str(args.year), per_report=False)),
              flush=True)
        again_s = fast(work / "county", counties, args.year, args.jobs, force=False)
        print(f"carbonpeak county scale re-run, inputs unchanged: {again_s:.1f}s", flush=True)
        data, logs = work / "county-data", []
        shutil.copytree(SAMPLE_DIR, data)
        sample_counties.raise_energy(data, "330109", args.year, 1.004)
        changed_s = fast(work / "county", counties, args.year, args.jobs, force=False,
                         data=data, logs=logs)
        reports = [line for line in logs if re.match(r"\[\d+/\d+\] ", line)]
        built = [line.split()[1] for line in reports]
        laid = [line.split()[1] for line in reports if "PDF unchanged" not in line]
        print(f"carbonpeak county scale, one county's row changed (萧山区 energy +0.4 %): "
              f"{changed_s:.1f}s, {len(built)} reports rebuilt ({', '.join(built)}), "
              f"{len(laid)} PDFs laid out, {len(counties) - len(built)} reports kept",
              flush=True)
        if months:
            month = months[-1]
            with PeakMemory() as mem:
                briefs_s = fast(work / "county", counties, month, args.jobs, force=True,
                                data=data)
            print(f"carbonpeak monthly county scale {month} ({len(counties)} briefs): "
                  f"{briefs_s:.1f}s, peak memory {mem.peak / 2**30:.2f} GiB (Σ PSS)",
                  flush=True)
            sample_monthly_counties.raise_energy(data, "330109", month.key, 1.002)
            logs = []
            revised_s = fast(work / "county", counties, month, args.jobs, force=False,
                             data=data, logs=logs)
            built = [line.split()[1] for line in logs if re.match(r"\[\d+/\d+\] ", line)]
            print(f"carbonpeak monthly county scale, one county's month revised (萧山区 "
                  f"energy +0.2 %): {revised_s:.1f}s, {len(built)} briefs rebuilt "
                  f"({', '.join(built)}), {len(counties) - len(built)} kept", flush=True)
        naive_s = float("nan")
        if not args.skip_naive:
            naive_s = naive(work, regions, args.year)
            print(f"naive chain: {naive_s:.1f}s", flush=True)
        print(f"naive_s={naive_s:.1f} carbonpeak_s={fast_s:.1f} "
              f"speedup={naive_s / fast_s:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
