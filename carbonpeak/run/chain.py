"""One run of a chain under the lock: decide what is stale, run the once-stages, render the
regions, publish, write the manifest, status and index. Split in steps so that each says
what it decides; `runner.run` wraps it with arguments, the lock, signals and the run log."""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from carbonpeak import errors, pipeline, reference
from carbonpeak.paths import resolve
from carbonpeak.period import Period
from carbonpeak.run import freshness, manifest, publish, runlock, verdict
from carbonpeak.run.failures import run_error, short_error
from carbonpeak.run.kernels import KernelPool, execute
from carbonpeak.run.outcome import RegionOutcome
from carbonpeak.run.preflight import FORMATS
from carbonpeak.run.renderers import render_files, render_job, render_pool
from carbonpeak.run.signals import Interrupted
from carbonpeak.runfolder import RunFolder

# the once-stages' kernel: what stage 01 needs, and Great Expectations (stage 02) imported in a
# thread while stage 01 runs
STAGE_WARMUP = ("import pandas\nimport carbonpeak.ingest\n"
                "from carbonpeak.quality.gx import preload\npreload()")


def stage_params(data_dir: Path, run_dir: Path, period: Period, spec: pipeline.Pipeline,
                 code: str | None = None) -> dict:
    """What a notebook of the chain is offered; it takes those its parameters cell names
    (kernels.execute): the data, the run folder, the period, the chain it serves (which
    tables to read) and, for a per-region stage, its region."""
    params = {"data_dir": str(data_dir), "run_dir": str(run_dir), "year": period.year,
              "pipeline": spec.period_kind}
    if not period.annual:
        params["period"] = period.key
    if code is not None:
        params["region_code"] = code
    return params


def render_region(stage: pipeline.Stage, code: str, staging: Path, period: Period,
                  data_dir: Path, formats: list[str], pool: KernelPool, renderers,
                  spec: pipeline.Pipeline, keep: tuple[str, str | None] | None = None
                  ) -> RegionOutcome:
    """One region's report; its outcome records the seconds of each step of its own work
    apart from the time it waited for a kernel and for a render worker (OWN_STEPS,
    WAIT_STEPS). `keep`: the published PDF and what it was laid out from (reused when the
    new page is the same)."""
    outcome = RegionOutcome(code)
    steps = outcome.steps
    nb_out = RunFolder(staging).notebook(stage.notebook, code)
    t0 = time.perf_counter()
    km = pool.acquire()
    t1 = time.perf_counter()
    steps["wait_kernel"], t0 = t1 - t0, t1
    broken = False
    try:
        notebook = stage.notebook
        if reference.level(code) == "province" and stage.province_notebook:
            notebook = stage.province_notebook  # the province report compares the cities
        nb = execute(resolve(notebook), nb_out,
                     stage_params(data_dir, staging, period, spec, code), km)
    except Exception as e:  # noqa: BLE001 - one region's failure is reported, others go on
        broken = True
        outcome.error = short_error(e)
        return outcome
    finally:
        steps["notebook"] = time.perf_counter() - t0
        pool.release(km, broken)
    try:
        titles = spec.report_titles(reference.region_name(code), period)
        if renderers is None:
            out = render_files(nb, titles, code, staging / code, formats, keep)
            steps["wait_render"] = 0.0  # rendered here, at once
        else:
            import nbformat

            t0 = time.perf_counter()
            nb_json = nbformat.writes(nb)
            written, submitted = time.perf_counter() - t0, time.time()
            out, started = renderers.submit(
                render_job, nb_json, titles, code, str(staging / code), formats, keep).result()
            out.steps["export"] += written
            steps["wait_render"] = max(0.0, started - submitted)
        steps.update(out.steps)
        outcome.files, outcome.pdf_from, outcome.pdf_kept = out.files, out.pdf_from, out.pdf_kept
        outcome.ok = True
    except Exception as e:  # noqa: BLE001
        outcome.error = short_error(e)
    return outcome


@dataclass
class Request:
    """What was asked for, after the preflight checks."""
    data_dir: Path
    period: Period
    wanted: list[str]
    out_root: Path
    formats: list[str]
    jobs: int
    force: bool
    spec: pipeline.Pipeline

    @property
    def year_dir(self) -> Path:
        return self.out_root / self.period.key


@dataclass
class Plan:
    """What the run must (re)build, from the published records and today's inputs."""
    inputs: dict[str, str]
    code: dict[str, str]
    records: dict[str, dict]
    published: list[str]
    stale: list[str]
    todo: list[str]
    now: dict  # what a report built from the published run-wide files would record


def plan(req: Request) -> Plan:
    codes = reference.region_codes(reference.LEVELS)
    inputs = freshness.period_inputs(req.data_dir, req.period, req.spec)
    code = freshness.code_hashes()
    previous = manifest.read(req.year_dir)
    if "reported" in previous and manifest.same_inputs(previous, inputs):
        # the same data as last time report on the same regions: a county asked for but
        # without rows then has none now either, and is not a report to do
        req.wanted = [c for c in req.wanted if c in previous["reported"]]
    records = {c: {**r, "region_code": c} for c, r in previous.get("regions", {}).items()}
    now = built_from(req, inputs, code, req.year_dir)
    published = [c for c in codes if freshness.published_formats(req.year_dir, c)]
    stale = [c for c in published
             if not freshness.is_current(records.get(c), now, req.year_dir)]
    todo = [c for c in req.wanted
            if not freshness.is_current(records.get(c), now, req.year_dir, req.formats)]
    return Plan(inputs, code, records, published, stale, todo, now)


def built_from(req: Request, inputs: dict, code: dict, run_dir: Path) -> dict:
    return freshness.built_from(inputs, freshness.digest(code),
                                freshness.table_hashes(run_dir, req.spec.run_wide_tables))


def up_to_date(req: Request, p: Plan) -> bool:
    return (not req.force and not p.stale and not p.todo
            and RunFolder(req.year_dir).index.exists())


def run_once_stages(req: Request, staging: Path, stage_pool: KernelPool, timings: dict,
                    log) -> None:
    """Ingest, quality, indicators (or barometer): each may stop the run with a RunError
    raised in its notebook (no headline table, a period the data do not cover)."""
    params = stage_params(req.data_dir, staging, req.period, req.spec)
    for stage in req.spec.once():
        t0 = time.perf_counter()
        log(f"[{stage.id}] {stage.title_zh} …")
        km = stage_pool.acquire()
        nb_out = RunFolder(staging).notebook(stage.notebook)
        try:
            execute(resolve(stage.notebook), nb_out, params, km)
        except Exception as e:  # noqa: BLE001
            kept = publish.keep_failed_notebook(nb_out, req.year_dir)
            where = f"; executed notebook: {kept}" if kept else ""
            if err := run_error(e):
                raise type(err)(f"{err}{where}") from None
            raise errors.RunError(f"stage {stage.id} ({stage.notebook}) failed, no report was "
                                  f"changed: {short_error(e)}{where}") from None
        finally:
            stage_pool.release(km)  # the run stops on failure; no replacement needed
        timings[stage.id] = round(time.perf_counter() - t0, 3)
        log(f"[{stage.id}] {stage.title_zh} done ({timings[stage.id]:.1f}s)")


def render_all(req: Request, targets: list[str], staging: Path, pool: KernelPool, renderers,
               timings: dict, log, records: dict[str, dict] | None = None) -> list:
    """Each target's report; `records` (the published ones) say what each published PDF was
    laid out from, so that a page that comes out the same keeps its PDF."""
    outcomes, records = [], records or {}
    keep = {c: (str(RunFolder(req.year_dir).report(c, "pdf")), records[c].get("pdf_from"))
            for c in targets if records.get(c, {}).get("ok") and not req.force}
    for stage in req.spec.per_region():
        t0 = time.perf_counter()
        ex = ThreadPoolExecutor(max_workers=max(1, 2 * req.jobs))
        try:
            futures = {ex.submit(render_region, stage, c, staging, req.period, req.data_dir,
                                 _formats(req, c), pool, renderers, req.spec, keep.get(c)): c
                       for c in targets}
            for i, fut in enumerate(as_completed(futures), 1):
                o = fut.result()
                outcomes.append(o)
                status = ("ok" + (", PDF unchanged" if o.pdf_kept else "") if o.ok
                          else f"FAILED – {o.error}")
                log(f"[{i}/{len(targets)}] {o.region_code} "
                    f"{reference.region_name(o.region_code)} {status} ({o.seconds:.1f}s"
                    + (f", waited {o.waited:.1f}s)" if o.waited >= 0.05 else ")"))
        finally:
            ex.shutdown(wait=False, cancel_futures=True)
        timings[stage.id] = round(time.perf_counter() - t0, 3)
    return outcomes


def _formats(req: Request, code: str) -> list[str]:
    """The requested formats and those already published for the region (kept in step)."""
    have = freshness.published_formats(req.year_dir, code)
    return sorted(set(req.formats) | set(have), key=FORMATS.index)


def region_reads(spec: pipeline.Pipeline, run_dir: Path, codes: list[str], period: Period,
                 log) -> dict[str, str]:
    """Each region's digest of what its report reads (the per-region stage's `reads`); empty
    when the stage declares none, or when they could not be taken (every report rebuilt,
    none kept next time): a digest is an economy, never a reason for a run to fail."""
    found = {}
    try:
        for stage in spec.per_region():
            if (reads := stage.reads_function()) is not None:
                found.update(reads(run_dir, codes, period))
    except Exception as e:  # noqa: BLE001
        log(f"warning: what each report reads could not be digested ({short_error(e)}); "
            "every report is rebuilt")
        return {}
    return found


def keep_unchanged(req: Request, p: Plan, targets: list[str], reads: dict[str, str],
                   now: dict, state, log) -> list[str]:
    """The targets less the published reports whose reads (and code) did not change: built
    again they would come out the same, so they are recorded as built from this run."""
    same = [c for c in targets if freshness.reads_current(
        p.records.get(c), reads.get(c), now, req.year_dir, _formats(req, c))]
    for c in same:
        p.records[c] = {**p.records[c], "built_from": now}
        state.outcomes[c] = "current"
    if same:
        log(f"{len(same)} report(s) read nothing that changed and are kept")
    return [c for c in targets if c not in same]


def record_outcomes(state, records: dict, outcomes: list, now: dict,
                    reads: dict[str, str] | None = None) -> None:
    for o in outcomes:
        state.outcomes[o.region_code] = "rendered" if o.ok else "failed"
        if o.ok:
            records[o.region_code] = {"region_code": o.region_code, "ok": True,
                                      "seconds": round(o.seconds, 3),
                                      "steps_s": {k: round(v, 3) for k, v in o.steps.items()},
                                      "error": "", "files": o.files, "built_from": now,
                                      **({"reads": reads[o.region_code]}
                                         if reads and o.region_code in reads else {}),
                                      **({"pdf_from": o.pdf_from, "pdf_kept": o.pdf_kept}
                                         if o.pdf_from else {})}
        else:
            state.errors[o.region_code] = o.error
            records[o.region_code] = {**records.get(o.region_code, {}),
                                      "region_code": o.region_code, "ok": False,
                                      "error": o.error}


def _listed(codes: list[str], *groups: list[str]) -> list[str]:
    """The regions status.json lists: the province and its cities always, a county when it
    has a report or the run reports on it."""
    keep = set(reference.region_codes()).union(*groups)
    return [c for c in codes if c in keep]


def execute_run(req: Request, state, log) -> int:
    """The whole locked run; returns the exit code."""
    t_start = time.perf_counter()
    for line in runlock.clean_leftovers(req.out_root):
        log(f"warning: a previous run died: {line}")
    year_dir, codes = req.year_dir, reference.region_codes(reference.LEVELS)
    p = plan(req)
    state.inputs = p.inputs
    now = p.now
    if up_to_date(req, p):
        state.outcomes = dict.fromkeys(req.wanted, "current")
        code, why = verdict.verdict(year_dir, req.wanted, [])
        state.quality = verdict.quality_verdicts(year_dir)
        log(f"up to date: {year_dir} (inputs, code and reference data unchanged; --force to "
            "redo)" + (f"; {why}" if why else ""))
        state.message = why or "up to date"
        verdict.write_status(year_dir, state, p.records, now,
                             _listed(codes, p.published, req.wanted), code)
        return code
    if p.stale:
        kept = any(s.reads for s in req.spec.per_region())  # reads decide after the stages
        shown = ", ".join(p.stale[:12]) + (f" and {len(p.stale) - 12} more"
                                           if len(p.stale) > 12 else "")
        log(f"{len(p.stale)} report(s) built from older inputs: {shown}"
            + ("; each is re-rendered if what it reads changed" if kept and not req.force
               else "; re-rendering them"))

    once, per_region = req.spec.once(), req.spec.per_region()
    staging = runlock.new_staging(req.out_root, req.period.key)
    record = lambda pids: runlock.record_pids(staging, pids)  # noqa: E731
    candidates = sorted(set(req.wanted) | set(p.published), key=codes.index)
    size = max(1, min(req.jobs, len(candidates)))
    stage_pool = KernelPool(1, STAGE_WARMUP, record) if once else None
    pool = renderers = None
    timings: dict[str, float] = {}
    outcomes: list = []
    interrupted = False
    code = 0
    try:
        if stage_pool:  # the critical path starts first and alone: the once-stages' kernel;
            stage_pool.release(stage_pool.acquire())  # the rest warm up while ingest runs
        warmup = "\n".join(s.warmup for s in per_region)
        pool = KernelPool(size, warmup, record) if per_region else None
        renderers = render_pool(size, staging) if per_region else None
        run_once_stages(req, staging, stage_pool, timings, log)
        if stage_pool:  # its kernel's memory is the render stage's now
            stage_pool.shutdown()
            stage_pool = None
        reported = RunFolder(staging).reported_codes(
            req.period.key if req.period.is_monthly else None)
        if missing := [c for c in req.wanted if c not in reported]:
            if reference.level(missing[0]) == "county" and len(missing) > 3:
                log(f"{len(missing)} county-level units have no rows in the county tables "
                    "and get no report")
            else:
                log(f"no data for {', '.join(missing)}: no report")
        req.wanted = [c for c in req.wanted if c in reported]
        candidates = [c for c in candidates if c in reported or c in p.published]
        now = built_from(req, p.inputs, p.code, staging)
        targets = [c for c in candidates
                   if c in p.stale or not freshness.is_current(p.records.get(c), now, year_dir)
                   or (c in req.wanted and (req.force or c in p.todo))]
        reads = ThreadPoolExecutor(max_workers=1)  # the digests, beside the first reports
        digests = reads.submit(region_reads, req.spec, staging, candidates, req.period, log)
        if not req.force and any(p.records.get(c, {}).get("ok") for c in targets):
            targets = keep_unchanged(req, p, targets, digests.result(), now, state, log)
        outcomes = render_all(req, targets, staging, pool, renderers, timings, log, p.records)
        record_outcomes(state, p.records, outcomes, now, digests.result())
        reads.shutdown()
        for c in req.wanted:
            state.outcomes.setdefault(c, "current")
        if outcomes and not any(o.ok for o in outcomes):
            publish.publish_notebooks(staging, year_dir, outcomes)
            raise errors.RunError(f"no report could be rendered ({len(outcomes)} failed, "
                                  f"first: {outcomes[0].region_code} {outcomes[0].error}); "
                                  f"executed notebooks in {RunFolder(year_dir).notebooks}")
        publish.publish_all(staging, year_dir, outcomes, once)
        timings["total"] = round(time.perf_counter() - t_start, 3)
        manifest.write(year_dir, req.data_dir, p.inputs, p.code, req.period, req.formats,
                       timings, p.records, reported)
        code, why = verdict.verdict(year_dir, sorted({*req.wanted, *targets}),
                                    [o for o in outcomes if not o.ok])
        state.message = why or f"{sum(o.ok for o in outcomes)} reports written"
        state.quality = verdict.quality_verdicts(year_dir)
        verdict.write_status(year_dir, state, p.records, now,
                             _listed(codes, p.published, reported), code)
        publish.write_index(year_dir, req.period)
    except Interrupted:
        interrupted = True  # stop kernels and workers now rather than wait for them
        raise
    finally:
        for pl in (stage_pool, pool):
            if pl:
                pl.shutdown(wait=not interrupted)
        if renderers:
            if interrupted:
                renderers.kill()
            renderers.shutdown(wait=not interrupted, cancel_futures=True)
        shutil.rmtree(staging, ignore_errors=True)
    failed = [o for o in outcomes if not o.ok]
    log(f"done in {timings.get('total', 0):.1f}s: {len(outcomes) - len(failed)} reports written"
        + (f", {len(failed)} failed: {', '.join(o.region_code for o in failed)}" if failed else "")
        + f" -> {year_dir}" + (f"; {state.message}" if code else ""))
    return code
