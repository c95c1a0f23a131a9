"""The driver: runs the notebook chain declared in pipelines/ with papermill, in-process.

Stages that need the whole province run once; the report stage runs per region on a pool
of warm kernels (started, and pre-loaded, while the first stages run), so a region costs
its own work rather than a kernel start and a pandas import. Everything is written to a
staging folder of this run alone and moved into place only when it succeeded: a failed run
or region never replaces a good report. One run per output root at a time (runlock.py);
every report whose inputs changed is re-rendered (freshness.py); each run leaves a line in
runs.jsonl and a status.json (runlog.py). Exit codes: see EXIT_CODES.
"""

from __future__ import annotations

import asyncio
import csv
import json
import multiprocessing
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from carbonpeak import errors, freshness, reference, runlock, runlog
from carbonpeak.paths import PIPELINES_DIR, ROOT, resolve
from carbonpeak.period import Period

FORMATS = ("html", "pdf")
PACKAGES = ["carbonpeak", "papermill", "nbconvert", "nbclient", "great-expectations", "pandas",
            "numpy", "matplotlib", "seaborn", "pyarrow", "openpyxl", "weasyprint", "ipykernel"]


# What each exit code means (README, --help and docs/operations.md say the same).
EXIT_CODES = {
    0: "every requested report is current and its data passed the quality checks",
    1: "reports written, but some regions failed or quality errors left indicators 未评级",
    2: "nothing rendered: bad arguments, configuration, headline input or output folder",
    3: "another run holds the lock on the output folder",
}


class PipelineError(errors.ConfigError):
    """pipelines/*.yml is unusable."""


class Interrupted(BaseException):
    """SIGINT/SIGTERM: stop the kernels and render workers, clean up, exit 128+signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def pipeline_path(period: Period) -> Path:
    """A year runs the annual chain, a cumulative month the monthly barometer chain."""
    return PIPELINES_DIR / ("annual.yml" if period.annual else "monthly.yml")


def load_pipeline(path: Path | None = None) -> dict:
    path = path or PIPELINES_DIR / "annual.yml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for i, stage in enumerate(spec.get("stages", []), 1):
        for key in ("id", "notebook", "scope"):
            if key not in stage:
                raise PipelineError(f"{path.name}: stage {i} lacks '{key}'")
        if stage["scope"] not in ("once", "per_region"):
            raise PipelineError(f"{path.name}: stage {stage['id']}: scope must be "
                                f"'once' or 'per_region', not {stage['scope']!r}")
        for key in ("notebook", "province_notebook"):
            if key in stage and not resolve(stage[key]).exists():
                raise PipelineError(f"{path.name}: stage {stage['id']}: {key} "
                                    f"{stage[key]} not found")
    return spec


class KernelPool:
    """`size` kernels, started and warmed up in the background, reused across regions.

    A kernel that ran a failing notebook is replaced by a fresh one, so one region's crash
    (or leftover state) never reaches the next region.
    """

    def __init__(self, size: int, warmup: str, on_start=None):
        self._free: queue.Queue = queue.Queue()
        self._all = []
        self._warmup = warmup
        self._on_start = on_start  # called with each kernel's pid (the run records them)
        self._threads = [threading.Thread(target=self._start, daemon=True) for _ in range(size)]
        for t in self._threads:
            t.start()

    def _start(self) -> None:
        self._free.put(self._new())

    def _new(self):
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name="python3")
        try:
            # start-up chatter (e.g. ipykernel's TCP notice) is not the run's business;
            # everything a notebook prints is captured in the notebook itself
            # the kernel exits by itself when this process dies (ipykernel polls its parent)
            asyncio.run(km.start_kernel(cwd=str(ROOT), stderr=subprocess.DEVNULL))
            if self._on_start and getattr(km.provisioner, "pid", None):
                self._on_start([km.provisioner.pid])
            if self._warmup:
                execute_code(km, self._warmup)
        except Exception as e:  # noqa: BLE001 - the region using it will report the failure
            print(f"warning: kernel warm-up failed: {e}", file=sys.stderr)
        self._all.append(km)
        return km

    def acquire(self):
        return self._free.get()

    def release(self, km, broken: bool = False) -> None:
        if broken:
            _shutdown(km)
            km = self._new()
        self._free.put(km)

    def shutdown(self, wait: bool = True) -> None:
        """Stop every kernel; wait=False (interrupted run) skips waiting for start-ups."""
        if wait:
            for t in self._threads:
                t.join()
        for km in list(self._all):
            _shutdown(km)


def _shutdown(km) -> None:
    try:
        asyncio.run(km.shutdown_kernel(now=True))
    except Exception:  # noqa: BLE001 - best effort
        pass


def execute_code(km, code: str) -> None:
    import nbformat
    import papermill as pm

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    pm.execute_notebook(nb, None, progress_bar=False, km=km, cwd=str(ROOT))


def execute(notebook: Path, out: Path, params: dict, km=None):
    """Run one notebook with papermill (in this process), fresh namespace, save it."""
    import nbformat
    import papermill as pm

    nb = nbformat.read(notebook, as_version=4)
    if km is not None:  # a reused kernel starts from an empty namespace
        reset = nbformat.v4.new_code_cell("%reset -f", metadata={"tags": ["carbonpeak-reset"]})
        nb.cells.insert(0, reset)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        # with an output path papermill saves the notebook with its error when a cell fails
        result = pm.execute_notebook(nb, str(out), parameters=params, progress_bar=False,
                                     km=km, cwd=str(ROOT), kernel_name="python3")
    except pm.PapermillExecutionError:
        if out.exists():
            nbformat.write(_tidy(nbformat.read(out, as_version=4)), out)
        raise
    result = _tidy(result)
    problems = missing_glyphs(result)
    nbformat.write(result, out)
    if problems:
        raise RuntimeError(f"{notebook.name}: missing glyphs in a chart: {problems[0]}")
    return result


def _tidy(result):
    """Drop the injected reset cell and number the cells as a reader expects."""
    result.cells = [c for c in result.cells
                    if "carbonpeak-reset" not in c.get("metadata", {}).get("tags", [])]
    for i, cell in enumerate(c for c in result.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        for o in cell.get("outputs", []):
            if "execution_count" in o:
                o["execution_count"] = i + 1
    return result


def missing_glyphs(nb) -> list[str]:
    """Matplotlib warnings about glyphs its font lacks: a chart with empty boxes is a bug."""
    return [
        line for cell in nb.cells if cell.cell_type == "code"
        for o in cell.get("outputs", []) if o.get("output_type") == "stream"
        for line in o.get("text", "").splitlines() if "missing from font" in line
    ]


@dataclass
class RegionOutcome:
    region_code: str
    ok: bool = False
    seconds: float = 0.0
    error: str = ""
    files: list[str] = field(default_factory=list)


def publish(src: Path, dst: Path) -> None:
    """Move src into dst's place, replacing it only now that src is complete."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    old = dst.with_name(f".{dst.name}.old")
    if old.exists():
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    if dst.exists():
        dst.rename(old)
    src.rename(dst)
    if old.exists():
        shutil.rmtree(old) if old.is_dir() else old.unlink()


def title_variant(pipeline: dict, period: Period) -> tuple[dict, str]:
    """(the period's plan period, "_final_zh" for its target year's annual report — the final
    evaluation, 终期评估 — when the pipeline words it, else "_zh")."""
    try:
        plan = reference.plan_period_for(period.year)
    except KeyError:
        plan = {}
    final = period.annual and plan.get("target_year") == period.year
    return plan, "_final_zh" if final and "report_title_final_zh" in pipeline else "_zh"


def report_title(pipeline: dict, code: str, period: Period) -> tuple[str, str, str]:
    """(document title, running header, running title) from the pipeline's patterns; a plan
    period's target year has its own (the final evaluation, 终期评估)."""
    name = reference.region_name(code)
    plan, suffix = title_variant(pipeline, period)
    fill = {"region": name, "period": period.label_zh, "plan": plan.get("name_zh", "")}
    title = pipeline.get(f"report_title{suffix}", "{region}（{period}）").format(**fill)
    running = pipeline.get(f"running_title{suffix}", "").format(**fill)
    return title, f"{name} · {period.label_zh}", running


def render_files(nb, titles: tuple[str, str, str], code: str, region_dir: Path,
                 formats: list[str]) -> list[str]:
    """Executed notebook -> report.html and/or report.pdf in region_dir (CPU-bound)."""
    from carbonpeak import render

    region_dir.mkdir(parents=True, exist_ok=True)
    html = render.notebook_to_html(nb, *titles)
    files = []
    if "html" in formats:
        (region_dir / "report.html").write_text(html, encoding="utf-8")
        files.append(f"{code}/report.html")
    if "pdf" in formats:
        render.html_to_pdf(html, region_dir / "report.pdf")
        files.append(f"{code}/report.pdf")
    return files


def _render_job(nb_json: str, titles: tuple[str, str, str], code: str, region_dir: str,
                formats: list[str]):
    """Runs in a render process: nbconvert and WeasyPrint hold the GIL for seconds."""
    import nbformat

    return render_files(nbformat.reads(nb_json, as_version=4), titles, code, Path(region_dir),
                        formats)


def _warm_renderer(pids_file: str | None = None) -> None:
    """Render-process start-up: exit with the driver (even after kill -9), note this
    process for the next run's clean-up, import and exercise nbconvert and WeasyPrint."""
    import nbformat

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    if pids_file:
        runlock.record_pids(Path(pids_file).parent, [os.getpid()])

    from carbonpeak import render

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("预热")])
    render.html_to_pdf(render.notebook_to_html(nb, "预热", "预热"), Path(os.devnull))


def render_pool(jobs: int, staging: Path | None = None):
    """Processes for HTML/PDF, started (and warmed) while the first stages run; none when
    jobs is 1, so a single-job run renders in this process."""
    if jobs <= 1:
        return None
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    pids = str(staging / runlock.PIDS_NAME) if staging else None
    ex = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm_renderer,
                             initargs=(pids,))
    for _ in range(jobs):
        ex.submit(int)  # start the workers now rather than at the first report
    return ex


def render_region(stage: dict, code: str, staging: Path, period: Period, data_dir: Path,
                  formats: list[str], pool: KernelPool, renderers=None,
                  pipeline: dict | None = None) -> RegionOutcome:
    t0 = time.perf_counter()
    outcome = RegionOutcome(code)
    region_dir = staging / code
    nb_out = staging / "notebooks" / f"{Path(stage['notebook']).stem}-{code}.ipynb"
    km = pool.acquire()
    broken = False
    try:
        params = {"data_dir": str(data_dir), "run_dir": str(staging), "year": period.year,
                  "region_code": code, **({} if period.annual else {"period": period.key})}
        notebook = stage["notebook"]
        if code == reference.PROVINCE and stage.get("province_notebook"):
            notebook = stage["province_notebook"]  # the province report compares the cities
        nb = execute(resolve(notebook), nb_out, params, km)
    except Exception as e:  # noqa: BLE001 - one region's failure is reported, others go on
        broken = True
        outcome.error = _short_error(e)
        outcome.seconds = time.perf_counter() - t0
        return outcome
    finally:
        pool.release(km, broken)
    try:
        titles = report_title(pipeline or {}, code, period)
        if renderers is None:
            outcome.files = render_files(nb, titles, code, region_dir, formats)
        else:
            import nbformat

            outcome.files = renderers.submit(_render_job, nbformat.writes(nb), titles, code,
                                             str(region_dir), formats).result()
        outcome.ok = True
    except Exception as e:  # noqa: BLE001
        outcome.error = _short_error(e)
    outcome.seconds = time.perf_counter() - t0
    return outcome


def _short_error(e: BaseException) -> str:
    """One line: a notebook's own exception as 'Name: value', else the last lines."""
    if getattr(e, "ename", None):
        value = " | ".join(ln.strip() for ln in str(e.evalue).splitlines() if ln.strip())
        return f"{e.ename}: {value}"
    text = str(e).strip().splitlines()
    tail = [ln for ln in text if ln.strip()][-3:] if text else [type(e).__name__]
    return f"{type(e).__name__}: " + " | ".join(tail)


def _run_error(e: BaseException) -> errors.RunError | None:
    """A RunError raised inside a stage notebook, rebuilt from papermill's record of it."""
    if isinstance(e, errors.RunError):
        return e
    classes = {errors.RunError}
    while True:
        more = {s for c in classes for s in c.__subclasses__()} - classes
        if not more:
            break
        classes |= more
    cls = {c.__name__: c for c in classes}.get(getattr(e, "ename", None) or "")
    return cls(str(e.evalue).strip()) if cls else None


@dataclass
class RunState:
    """What one run did, for runs.jsonl, status.json and the exit code."""

    run_id: str
    args: dict
    started: str = field(default_factory=runlog.now)
    exit_code: int = 2
    message: str = ""
    inputs: dict = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)  # code -> rendered|failed|current
    quality: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def run(data_dir: str | Path, period: int | str | Period, regions: str = "all",
        out: str | Path = "outputs", formats: str | list[str] = "html,pdf", jobs: int = 2,
        force: bool = False, log=print, wait: float = 0, notify: str | None = None) -> int:
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
        "out": str(out_root), "formats": ",".join(formats), "jobs": jobs, "force": force,
        "wait": wait})
    year_dir = out_root / period.key
    previous_handlers = _trap_signals()
    try:
        try:
            if bad_period:
                raise errors.RunError(bad_period)
            wanted, pipeline = _preflight(data_dir, period, regions, out_root, formats, jobs)
            with runlock.RunLock(out_root, wait):
                state.exit_code = _locked_run(data_dir, period, wanted, out_root, formats,
                                              jobs, force, log, pipeline, state)
        except errors.RunError as e:
            state.exit_code, state.message = e.exit_code, str(e)
            log(f"error: {e}")
        except Interrupted as e:
            state.exit_code = 128 + e.signum
            state.message = f"interrupted by {signal.Signals(e.signum).name}"
            log(f"error: {state.message}; no report was half-written")
    finally:
        _restore_signals(previous_handlers)
    _record(state, out_root, year_dir, notify, log)
    return state.exit_code


def _preflight(data_dir: Path, period: Period, regions: str, out_root: Path,
               formats: list[str], jobs: int) -> tuple[list[str], dict]:
    """What can be checked in this process before any kernel starts, each failure an exit 2
    naming the argument or file."""
    if bad := [f for f in formats if f not in FORMATS] or not formats:
        raise errors.RunError(f"unknown format {bad[0] if bad else ''!r}; choose from "
                              f"{', '.join(FORMATS)} (--formats)")
    if jobs < 1:
        raise errors.RunError(f"--jobs must be at least 1, not {jobs}")
    loaders = {"regions.csv": reference.regions, "indicators.yml": reference.catalog,
               "grading.yml": reference.grading, "tables.yml": reference.tables,
               "task_groups.yml": reference.task_groups, "sectors.yml": reference.sectors,
               "emission_factors.yml": reference.emission_factors,
               "industry_codes.csv": reference.industry_names,
               "city_targets.csv": reference.city_targets,
               "plan_periods.yml": reference.plan_periods,
               "annual_targets.csv": reference.annual_targets,
               "carbon_budgets.csv": reference.carbon_budgets}
    for name, load in loaders.items():
        try:
            load()
        except Exception as e:  # noqa: BLE001 - any parse/shape error of a reference file
            raise errors.ConfigError(f"{reference.REFERENCE_DIR / name} cannot be loaded: "
                                     f"{_short_error(e)}") from None
    codes = reference.region_codes()
    pipeline = load_pipeline(pipeline_path(period))
    wanted = codes if regions == "all" else [c.strip() for c in regions.split(",") if c.strip()]
    if unknown := [c for c in wanted if c not in codes] or not wanted:
        raise errors.RunError(f"unknown region code {unknown[0] if unknown else regions!r}; "
                              f"known: all, {', '.join(codes)} (--regions)")
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_root, prefix=".write-test-"):
            pass
    except OSError as e:
        raise errors.RunError(f"output folder {out_root} is not writable: "
                              f"{e.strerror or e} (--out)") from None
    if not data_dir.is_dir():
        raise errors.InputError(f"data directory {data_dir} does not exist (--data)")
    _check_headline(data_dir)
    return wanted, pipeline


def _check_headline(data_dir: Path) -> None:
    from carbonpeak import ingest, sources

    name = "industry_annual"
    found = sources.match(data_dir, reference.tables(), ingest.match_header)
    paths = found.files.get(name, [])
    refused = [f.message for f in found.notes.get(name, []) if f.severity == "error"]
    if len(paths) > 1:
        raise errors.InputError(f"{data_dir}: two files for the headline table {name}: "
                                + ", ".join(p.name for p in paths))
    if not paths:
        expected = ", ".join(reference.tables()[name].get("files", [f"{name}.csv"]))
        why = f" ({refused[0]})" if refused else ""
        raise errors.InputError(f"{data_dir}: no headline table {name} (expected one of "
                                f"{expected}, or a file with its headers){why}")
    path = paths[0]
    try:
        with path.open("rb") as f:
            if not f.read(1):
                raise errors.InputError(f"{path}: the headline table {name} is empty")
    except OSError as e:
        raise errors.InputError(f"{path}: cannot read the headline table: "
                                f"{e.strerror or e}") from None


def _locked_run(data_dir: Path, period: Period, wanted: list[str], out_root: Path,
                formats: list[str], jobs: int, force: bool, log, pipeline: dict,
                state: RunState) -> int:
    t_start = time.perf_counter()
    for line in runlock.clean_leftovers(out_root):
        log(f"warning: a previous run died: {line}")
    year_dir = out_root / period.key
    codes = reference.region_codes()
    inputs = freshness.period_inputs(data_dir, period, pipeline)
    run_wide = pipeline.get("run_wide_tables") or freshness.RUN_WIDE_TABLES
    state.inputs = inputs
    code = freshness.code_hashes()
    code_version = freshness.digest(code)
    previous = _read_manifest(year_dir)
    records = {c: {**r, "region_code": c} for c, r in previous.get("regions", {}).items()}
    now = freshness.built_from(inputs, code_version, freshness.table_hashes(year_dir, run_wide))
    published = [c for c in codes if freshness.published_formats(year_dir, c)]
    stale = [c for c in published if not freshness.is_current(records.get(c), now, year_dir)]
    todo = [c for c in wanted if not freshness.is_current(records.get(c), now, year_dir,
                                                          formats)]
    if not force and not stale and not todo and (year_dir / "index.html").exists():
        state.outcomes = dict.fromkeys(wanted, "current")
        code, why = _verdict(year_dir, wanted, [])
        state.quality = _quality_verdicts(year_dir)
        log(f"up to date: {year_dir} (inputs, code and reference data unchanged; --force to "
            "redo)" + (f"; {why}" if why else ""))
        state.message = why or "up to date"
        _write_status(year_dir, state, records, now, codes, code)
        return code
    if stale:
        log(f"re-rendering {len(stale)} report(s) built from older inputs: {', '.join(stale)}")

    once = [s for s in pipeline["stages"] if s["scope"] == "once"]
    per_region = [s for s in pipeline["stages"] if s["scope"] == "per_region"]
    staging = runlock.new_staging(out_root, period.key)
    record = lambda pids: runlock.record_pids(staging, pids)  # noqa: E731
    candidates = sorted(set(wanted) | set(published), key=codes.index)
    size = max(1, min(jobs, len(candidates)))
    stage_pool = KernelPool(1, "import pandas\nimport carbonpeak.stages", record) if once else None
    warmup = "\n".join(s.get("warmup", "") for s in per_region)
    pool = KernelPool(size, warmup, record) if per_region else None
    renderers = render_pool(size, staging) if per_region else None
    timings: dict[str, float] = {}
    outcomes: list[RegionOutcome] = []
    interrupted = False
    try:
        params = {"data_dir": str(data_dir), "run_dir": str(staging), "year": period.year,
                  **({} if period.annual else {"period": period.key})}
        for stage in once:
            t0 = time.perf_counter()
            log(f"[{stage['id']}] {stage.get('title_zh', '')} …")
            km = stage_pool.acquire()
            nb_out = staging / "notebooks" / Path(stage["notebook"]).name
            try:
                execute(resolve(stage["notebook"]), nb_out, params, km)
            except Exception as e:  # noqa: BLE001
                kept = _keep_failed_notebook(nb_out, year_dir)
                where = f"; executed notebook: {kept}" if kept else ""
                if err := _run_error(e):
                    raise type(err)(f"{err}{where}") from None
                raise errors.RunError(f"stage {stage['id']} ({stage['notebook']}) failed, no "
                                      f"report was changed: {_short_error(e)}{where}") from None
            finally:
                stage_pool.release(km)  # the run stops on failure; no replacement needed
            timings[stage["id"]] = round(time.perf_counter() - t0, 3)
            if stage["id"] == "ingest":
                _check_ingested(staging)
                from carbonpeak import stages  # pandas/pyarrow: only once ingest has run

                stages.check_period(staging, period)  # before GX: a period the data lack: exit 2
        now = freshness.built_from(inputs, code_version, freshness.table_hashes(staging, run_wide))
        targets = [c for c in candidates
                   if c in stale or not freshness.is_current(records.get(c), now, year_dir)
                   or (c in wanted and (force or c in todo))]
        for stage in per_region:
            t0 = time.perf_counter()
            ex = ThreadPoolExecutor(max_workers=max(1, 2 * jobs))
            try:
                futures = {ex.submit(render_region, stage, c, staging, period, data_dir,
                                     sorted(set(formats) | set(
                                         freshness.published_formats(year_dir, c)),
                                         key=FORMATS.index),
                                     pool, renderers, pipeline): c for c in targets}
                for i, fut in enumerate(as_completed(futures), 1):
                    o = fut.result()
                    outcomes.append(o)
                    status = "ok" if o.ok else f"FAILED – {o.error}"
                    log(f"[{i}/{len(targets)}] {o.region_code} "
                        f"{reference.region_name(o.region_code)} {status} ({o.seconds:.1f}s)")
            finally:
                ex.shutdown(wait=False, cancel_futures=True)
            timings[stage["id"]] = round(time.perf_counter() - t0, 3)
        for o in outcomes:
            state.outcomes[o.region_code] = "rendered" if o.ok else "failed"
            if not o.ok:
                state.errors[o.region_code] = o.error
            else:
                records[o.region_code] = {"region_code": o.region_code, "ok": True,
                                          "seconds": round(o.seconds, 3), "error": "",
                                          "files": o.files, "built_from": now}
            if not o.ok:
                records[o.region_code] = {**records.get(o.region_code, {}),
                                          "region_code": o.region_code, "ok": False,
                                          "error": o.error}
        for c in wanted:
            state.outcomes.setdefault(c, "current")
        if outcomes and not any(o.ok for o in outcomes):
            _publish_notebooks(staging, year_dir, outcomes)
            raise errors.RunError(f"no report could be rendered ({len(outcomes)} failed, "
                                  f"first: {outcomes[0].region_code} {outcomes[0].error}); "
                                  f"executed notebooks in {year_dir / 'notebooks'}")
        _publish_all(staging, year_dir, outcomes, once)
        timings["total"] = round(time.perf_counter() - t_start, 3)
        write_manifest(year_dir, data_dir, inputs, code, period, formats, timings, records)
        code, why = _verdict(year_dir, sorted({*wanted, *targets}),
                             [o for o in outcomes if not o.ok])
        state.message = why or f"{sum(o.ok for o in outcomes)} reports written"
        state.quality = _quality_verdicts(year_dir)
        _write_status(year_dir, state, records, now, codes, code)
        write_index(year_dir, period)
    except Interrupted:
        interrupted = True  # stop kernels and workers now rather than wait for them
        raise
    finally:
        for p in (stage_pool, pool):
            if p:
                p.shutdown(wait=not interrupted)
        if renderers:
            if interrupted:
                for proc in list(getattr(renderers, "_processes", {}).values()):
                    proc.kill()
            renderers.shutdown(wait=not interrupted, cancel_futures=True)
        shutil.rmtree(staging, ignore_errors=True)
    failed = [o for o in outcomes if not o.ok]
    log(f"done in {timings.get('total', 0):.1f}s: {len(outcomes) - len(failed)} reports written"
        + (f", {len(failed)} failed: {', '.join(o.region_code for o in failed)}" if failed else "")
        + f" -> {year_dir}" + (f"; {state.message}" if code else ""))
    return code


def _check_ingested(staging: Path) -> None:
    """No headline table after ingest: nothing can be rendered; say why, naming the file."""
    warehouse = staging / "warehouse"
    if (warehouse / "industry_annual.parquet").exists():
        return
    try:
        found = json.loads((warehouse / "ingest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = {}
    why = [f"{f.get('file') or found.get('sources', {}).get('industry_annual', '')}: "
           f"{f.get('message', '')}"
           for f in found.get("findings", []) if f.get("table") == "industry_annual"]
    raise errors.InputError("the headline table industry_annual could not be read: "
                            + ("; ".join(why[:3]) or "no usable file"))


def _keep_failed_notebook(nb: Path, year_dir: Path) -> Path | None:
    """A failed whole-province stage publishes nothing but its executed notebook."""
    if not nb.exists():
        return None
    dst = year_dir / "notebooks" / f"failed-{nb.name}"
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(nb, dst)
    return dst


def _verdict(year_dir: Path, wanted: list[str], failed: list[RegionOutcome]) -> tuple[int, str]:
    """1 when a region failed or quality errors left indicators 未评级 in a wanted region."""
    why = []
    if failed:
        why.append(f"{len(failed)} region(s) failed: {', '.join(o.region_code for o in failed)}")
    unrated = _unrated_by_quality(year_dir / "indicators.csv", set(wanted))
    if unrated:
        listed = ", ".join(f"{c} ({n})" for c, n in sorted(unrated.items()))
        why.append(f"quality errors left indicators 未评级 in {listed}; see "
                   f"{year_dir / 'quality' / 'summary.csv'}")
    return (1 if why else 0), "; ".join(why)


def _unrated_by_quality(path: Path, regions: set[str]) -> dict[str, int]:
    """Per region, indicators 未评级 because their data failed a quality check."""
    counts: dict[str, int] = {}
    if not path.exists():
        return counts
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row.get("region_code") not in regions or row.get("status") != "not_rated":
                continue
            reason = row.get("status_reason")
            if reason == "failed_quality" or (not reason and row.get("quality_verdict") == "fail"):
                counts[row["region_code"]] = counts.get(row["region_code"], 0) + 1
    return counts


def _quality_verdicts(year_dir: Path) -> dict:
    try:
        results = json.loads((year_dir / "quality" / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {c: v.get("verdict") for c, v in results.get("verdicts", {}).items()}


def _write_status(year_dir: Path, state: RunState, records: dict, now: dict,
                  codes: list[str], exit_code: int) -> None:
    regions = {}
    for c in codes:
        rec = records.get(c)
        if freshness.is_current(rec, now, year_dir):
            s = "current"
        elif rec and not rec.get("ok", True):
            s = "failed"
        elif freshness.published_formats(year_dir, c):
            s = "stale"
        else:
            s = "missing"
        regions[c] = {"state": s, "files": (rec or {}).get("files", []),
                      "error": (rec or {}).get("error", "")}
        if s == "failed" and freshness.published_formats(year_dir, c):
            regions[c]["note"] = "the previous report is kept; it was built from older inputs"
    year_dir.mkdir(parents=True, exist_ok=True)
    runlog.write_json(year_dir / runlog.STATUS_NAME, {
        "year": int(year_dir.name[:4]) if year_dir.name[:4].isdigit() else year_dir.name,
        "period": year_dir.name,
        "run_id": state.run_id, "started": state.started, "finished": runlog.now(),
        "exit_code": exit_code, "message": state.message,
        "regions": regions, "quality": state.quality,
    })


def _record(state: RunState, out_root: Path, year_dir: Path, notify: str | None, log) -> None:
    """runs.jsonl line, status.json on an early stop, latest pointer, notify."""
    status_path = year_dir / runlog.STATUS_NAME
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


def _trap_signals():
    """SIGTERM (systemd stop, kill) and SIGINT (Ctrl-C) unwind the run like an error."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, _frame):
        raise Interrupted(signum)

    return {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}


def _restore_signals(previous) -> None:
    for s, h in (previous or {}).items():
        signal.signal(s, h)


def _publish_notebooks(staging: Path, year_dir: Path, outcomes: list[RegionOutcome]) -> None:
    for o in outcomes:
        for nb in (staging / "notebooks").glob(f"*-{o.region_code}.ipynb"):
            publish(nb, year_dir / "notebooks" / nb.name)  # the audit trail, failed ones too


def _publish_all(staging: Path, year_dir: Path, outcomes: list[RegionOutcome],
                 once: list[dict]) -> None:
    """Whole-run outputs first (whatever the once-stages wrote), then each good region."""
    year_dir.mkdir(parents=True, exist_ok=True)
    regions = {o.region_code for o in outcomes} | set(reference.region_codes())
    for item in sorted(staging.iterdir()):
        if item.name not in regions and item.name != "notebooks" \
                and not item.name.startswith("."):  # the run's own bookkeeping stays
            publish(item, year_dir / item.name)
    for stage in once:
        name = Path(stage["notebook"]).name
        publish(staging / "notebooks" / name, year_dir / "notebooks" / name)
    _publish_notebooks(staging, year_dir, outcomes)
    for o in outcomes:
        if o.ok:
            publish(staging / o.region_code, year_dir / o.region_code)


def _read_manifest(year_dir: Path) -> dict:
    path = year_dir / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except json.JSONDecodeError:
        return {}


def write_manifest(year_dir: Path, data_dir: Path, inputs: dict[str, str], code: dict[str, str],
                   period: Period, formats: list[str], timings: dict, records: dict) -> None:
    """Inputs, versions, timings and, per region, what its report was built from. `inputs`
    and `code` are the hashes the run took at its start, not taken again."""
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = None
    manifest = {
        "year": period.year,
        "period": period.key,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "code_version": freshness.digest(code),
        "formats": formats,
        "python": sys.version.split()[0],
        "inputs": [{"path": str(data_dir / name), "sha256": sha,
                    "bytes": (data_dir / name).stat().st_size} if (data_dir / name).is_file()
                   else {"rows": name, "sha256": sha}  # a table's rows up to the period
                   for name, sha in sorted(inputs.items())],
        "reference": [{"path": path, "sha256": sha} for path, sha in code.items()
                      if path.startswith(("data/reference/", "expectations/"))],
        "packages": versions,
        "timings_s": timings,
        "regions": {c: {k: v for k, v in r.items() if k != "region_code"}
                    for c, r in sorted(records.items())},
    }
    runlog.write_json(year_dir / "manifest.json", manifest)


def write_index(year_dir: Path, period: Period) -> None:
    from carbonpeak import index

    html = index.render(year_dir, period)
    tmp = year_dir / ".index.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(year_dir / "index.html")
