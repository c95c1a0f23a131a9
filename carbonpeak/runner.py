"""The driver: runs the notebook chain declared in pipelines/ with papermill, in-process.

Stages that need the whole province run once; the report stage runs per region on a pool
of warm kernels (started, and pre-loaded, while the first stages run), so a region costs
its own work rather than a kernel start and a pandas import. Everything is written to a
staging folder and moved into place only when it succeeded: a failed run or region never
replaces a good report.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from carbonpeak import reference
from carbonpeak.paths import PIPELINES_DIR, ROOT, resolve

FORMATS = ("html", "pdf")
PACKAGES = ["carbonpeak", "papermill", "nbconvert", "nbclient", "great-expectations", "pandas",
            "numpy", "matplotlib", "seaborn", "pyarrow", "openpyxl", "weasyprint", "ipykernel"]


class PipelineError(Exception):
    pass


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


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def code_files() -> list[Path]:
    """What the outputs are a function of, besides the data: code, notebooks, reference."""
    globs = ["carbonpeak/**/*.py", "carbonpeak/templates/**/*", "notebooks/*.ipynb",
             "pipelines/*.yml", "data/reference/*", "expectations/*.json"]
    return sorted({p for g in globs for p in ROOT.glob(g) if p.is_file()})


def run_key(data_dir: Path, year: int, formats: list[str]) -> str:
    h = hashlib.sha256(f"{year}|{','.join(sorted(formats))}".encode())
    for p in [*input_files(data_dir), *code_files()]:
        h.update(str(p.name).encode())
        h.update(sha256(p).encode())
    return h.hexdigest()


class KernelPool:
    """`size` kernels, started and warmed up in the background, reused across regions.

    A kernel that ran a failing notebook is replaced by a fresh one, so one region's crash
    (or leftover state) never reaches the next region.
    """

    def __init__(self, size: int, warmup: str):
        self._free: queue.Queue = queue.Queue()
        self._all = []
        self._warmup = warmup
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
            asyncio.run(km.start_kernel(cwd=str(ROOT), stderr=subprocess.DEVNULL))
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

    def shutdown(self) -> None:
        for t in self._threads:
            t.join()
        for km in self._all:
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
    result = pm.execute_notebook(nb, None, parameters=params, progress_bar=False, km=km,
                                 cwd=str(ROOT), kernel_name="python3")
    result.cells = [c for c in result.cells
                    if "carbonpeak-reset" not in c.get("metadata", {}).get("tags", [])]
    for i, cell in enumerate(c for c in result.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        for o in cell.get("outputs", []):
            if "execution_count" in o:
                o["execution_count"] = i + 1
    problems = missing_glyphs(result)
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(result, out)
    if problems:
        raise RuntimeError(f"{notebook.name}: missing glyphs in a chart: {problems[0]}")
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


def render_files(nb, code: str, year: int, region_dir: Path, formats: list[str]) -> list[str]:
    """Executed notebook -> report.html and/or report.pdf in region_dir (CPU-bound)."""
    from carbonpeak import render

    region_dir.mkdir(parents=True, exist_ok=True)
    name = reference.region_name(code)
    html = render.notebook_to_html(nb, f"{name}工业领域碳达峰进度报告（{year}年）",
                                   f"{name} · {year}年")
    files = []
    if "html" in formats:
        (region_dir / "report.html").write_text(html, encoding="utf-8")
        files.append(f"{code}/report.html")
    if "pdf" in formats:
        render.html_to_pdf(html, region_dir / "report.pdf")
        files.append(f"{code}/report.pdf")
    return files


def _render_job(nb_json: str, code: str, year: int, region_dir: str, formats: list[str]):
    """Runs in a render process: nbconvert and WeasyPrint hold the GIL for seconds."""
    import nbformat

    return render_files(nbformat.reads(nb_json, as_version=4), code, year, Path(region_dir),
                        formats)


def _warm_renderer() -> None:
    """Render-process start-up: import and exercise nbconvert and WeasyPrint once."""
    import nbformat

    from carbonpeak import render

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("预热")])
    render.html_to_pdf(render.notebook_to_html(nb, "预热", "预热"), Path(os.devnull))


def render_pool(jobs: int):
    """Processes for HTML/PDF, started (and warmed) while the first stages run; none when
    jobs is 1, so a single-job run renders in this process."""
    if jobs <= 1:
        return None
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
    ex = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_warm_renderer)
    for _ in range(jobs):
        ex.submit(int)  # start the workers now rather than at the first report
    return ex


def render_region(stage: dict, code: str, staging: Path, year: int, data_dir: Path,
                  formats: list[str], pool: KernelPool, renderers=None) -> RegionOutcome:
    t0 = time.perf_counter()
    outcome = RegionOutcome(code)
    region_dir = staging / code
    nb_out = staging / "notebooks" / f"{Path(stage['notebook']).stem}-{code}.ipynb"
    km = pool.acquire()
    broken = False
    try:
        params = {"data_dir": str(data_dir), "run_dir": str(staging), "year": year,
                  "region_code": code}
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
        if renderers is None:
            outcome.files = render_files(nb, code, year, region_dir, formats)
        else:
            import nbformat

            outcome.files = renderers.submit(_render_job, nbformat.writes(nb), code, year,
                                             str(region_dir), formats).result()
        outcome.ok = True
    except Exception as e:  # noqa: BLE001
        outcome.error = _short_error(e)
    outcome.seconds = time.perf_counter() - t0
    return outcome


def _short_error(e: Exception) -> str:
    text = str(e).strip().splitlines()
    tail = [ln for ln in text if ln.strip()][-3:] if text else [type(e).__name__]
    return f"{type(e).__name__}: " + " | ".join(tail)


def run(data_dir: str | Path, year: int, regions: str = "all", out: str | Path = "outputs",
        formats: str | list[str] = "html,pdf", jobs: int = 2, force: bool = False,
        log=print) -> int:
    """Run the chain; 0 if every report was written, 1 if some region failed, 2 if the run
    could not produce any report (bad arguments, or a whole-province stage failed)."""
    t_start = time.perf_counter()
    data_dir = resolve(data_dir)
    out_root = resolve(out)
    formats = formats.split(",") if isinstance(formats, str) else list(formats)
    if bad := [f for f in formats if f not in FORMATS]:
        log(f"error: unknown format {bad[0]!r}; choose from {', '.join(FORMATS)}")
        return 2
    codes = reference.region_codes()
    wanted = codes if regions == "all" else [c.strip() for c in regions.split(",") if c.strip()]
    if unknown := [c for c in wanted if c not in codes]:
        log(f"error: unknown region code {unknown[0]!r}; known: {', '.join(codes)}")
        return 2
    if not data_dir.is_dir():
        log(f"error: data directory {data_dir} does not exist")
        return 2
    try:
        pipeline = load_pipeline()
    except PipelineError as e:
        log(f"error: {e}")
        return 2

    year_dir = out_root / str(year)
    key = run_key(data_dir, year, formats)
    previous = _read_manifest(year_dir)
    if not force and _up_to_date(previous, key, wanted, year_dir):
        log(f"up to date: {year_dir} (inputs, code and reference data unchanged; --force to redo)")
        return 0

    once = [s for s in pipeline["stages"] if s["scope"] == "once"]
    per_region = [s for s in pipeline["stages"] if s["scope"] == "per_region"]
    staging = out_root / f".staging-{year}-{time.strftime('%Y%m%d%H%M%S')}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    # One warm kernel runs the once-stages in turn; the report kernels warm up meanwhile.
    stage_pool = KernelPool(1, "import pandas\nimport carbonpeak.stages") if once else None
    warmup = "\n".join(s.get("warmup", "") for s in per_region)
    pool = KernelPool(max(1, min(jobs, len(wanted))), warmup) if per_region else None
    renderers = render_pool(min(jobs, len(wanted))) if per_region else None
    timings: dict[str, float] = {}
    outcomes: list[RegionOutcome] = []
    try:
        params = {"data_dir": str(data_dir), "run_dir": str(staging), "year": year}
        for stage in once:
            t0 = time.perf_counter()
            log(f"[{stage['id']}] {stage.get('title_zh', '')} …")
            km = stage_pool.acquire()
            try:
                execute(resolve(stage["notebook"]),
                        staging / "notebooks" / Path(stage["notebook"]).name, params, km)
            except Exception as e:  # noqa: BLE001
                log(f"error: stage {stage['id']} failed, no report was changed: {_short_error(e)}")
                log(f"       the executed notebook is in {staging / 'notebooks'}")
                return 2
            finally:
                stage_pool.release(km)  # the run stops here; no replacement needed
            timings[stage["id"]] = round(time.perf_counter() - t0, 3)
        for stage in per_region:
            t0 = time.perf_counter()
            # twice as many threads as kernels: a kernel starts the next region while the
            # previous one is still being rendered
            with ThreadPoolExecutor(max_workers=max(1, 2 * jobs)) as ex:
                futures = {ex.submit(render_region, stage, c, staging, year, data_dir,
                                     formats, pool, renderers): c for c in wanted}
                for i, fut in enumerate(as_completed(futures), 1):
                    o = fut.result()
                    outcomes.append(o)
                    state = "ok" if o.ok else f"FAILED – {o.error}"
                    log(f"[{i}/{len(wanted)}] {o.region_code} "
                        f"{reference.region_name(o.region_code)} {state} ({o.seconds:.1f}s)")
            timings[stage["id"]] = round(time.perf_counter() - t0, 3)
        _publish_all(staging, year_dir, outcomes, once)
        write_index(year_dir, year)
        timings["total"] = round(time.perf_counter() - t_start, 3)
        write_manifest(year_dir, data_dir, year, formats, key, timings, outcomes, previous)
    finally:
        for p in (stage_pool, pool):
            if p:
                p.shutdown()
        if renderers:
            renderers.shutdown(cancel_futures=True)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    failed = [o for o in outcomes if not o.ok]
    log(f"done in {timings.get('total', 0):.1f}s: {len(outcomes) - len(failed)} reports written"
        + (f", {len(failed)} failed: {', '.join(o.region_code for o in failed)}" if failed else "")
        + f" -> {year_dir}")
    return 1 if failed else 0


def _publish_all(staging: Path, year_dir: Path, outcomes: list[RegionOutcome],
                 once: list[dict]) -> None:
    """Whole-run outputs first (whatever the once-stages wrote), then each good region."""
    year_dir.mkdir(parents=True, exist_ok=True)
    regions = {o.region_code for o in outcomes} | set(reference.region_codes())
    for item in sorted(staging.iterdir()):
        if item.name not in regions and item.name != "notebooks":
            publish(item, year_dir / item.name)
    for stage in once:
        name = Path(stage["notebook"]).name
        publish(staging / "notebooks" / name, year_dir / "notebooks" / name)
    for o in outcomes:
        for nb in (staging / "notebooks").glob(f"*-{o.region_code}.ipynb"):
            publish(nb, year_dir / "notebooks" / nb.name)  # the audit trail, failed ones too
        if o.ok:
            publish(staging / o.region_code, year_dir / o.region_code)


def _read_manifest(year_dir: Path) -> dict:
    path = year_dir / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except json.JSONDecodeError:
        return {}


def _up_to_date(previous: dict, key: str, wanted: list[str], year_dir: Path) -> bool:
    if previous.get("run_key") != key:
        return False
    regions = previous.get("regions", {})
    return all(
        regions.get(c, {}).get("ok") and all((year_dir / f).exists()
                                             for f in regions[c].get("files", []))
        for c in wanted
    ) and (year_dir / "index.html").exists()


def write_manifest(year_dir: Path, data_dir: Path, year: int, formats: list[str], key: str,
                   timings: dict, outcomes: list[RegionOutcome], previous: dict) -> None:
    regions = dict(previous.get("regions", {}))
    if previous.get("run_key") != key:  # reports not redone in this run predate its inputs
        regions = {c: {**r, "stale": True} for c, r in regions.items()}
    for o in outcomes:
        regions[o.region_code] = {"ok": o.ok, "seconds": round(o.seconds, 3), "error": o.error,
                                  "files": o.files}
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = None
    manifest = {
        "year": year,
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "run_key": key,
        "formats": formats,
        "python": sys.version.split()[0],
        "inputs": [{"path": str(p), "sha256": sha256(p), "bytes": p.stat().st_size}
                   for p in input_files(data_dir)],
        "reference": [{"path": str(p.relative_to(ROOT)), "sha256": sha256(p)}
                      for p in code_files() if "data/reference" in str(p)
                      or "expectations" in str(p)],
        "packages": versions,
        "timings_s": timings,
        "regions": dict(sorted(regions.items())),
    }
    tmp = year_dir / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(year_dir / "manifest.json")


def write_index(year_dir: Path, year: int) -> None:
    from carbonpeak import index

    html = index.render(year_dir, year)
    tmp = year_dir / ".index.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(year_dir / "index.html")
