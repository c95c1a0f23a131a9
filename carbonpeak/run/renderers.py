"""Render workers: executed notebook -> report.html and report.pdf, in processes of their
own (nbconvert and WeasyPrint hold the GIL for seconds), started and warmed while the first
stages run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from carbonpeak.run import runlock
from carbonpeak.runfolder import REPORT


@dataclass
class Rendered:
    """What a render job wrote: the files, the seconds of the export (nbconvert) and of the
    PDF (WeasyPrint, or the copy of a kept one), what the PDF was laid out from
    (render.pdf_key; "" without a PDF) and whether the published PDF was kept."""
    files: list[str]
    steps: dict[str, float]
    pdf_from: str = ""
    pdf_kept: bool = False


def render_files(nb, titles: tuple[str, str, str], code: str, region_dir: Path,
                 formats: list[str], keep: tuple[str, str | None] | None = None) -> Rendered:
    """Executed notebook -> report.html and/or report.pdf in region_dir (CPU-bound). `keep`:
    the published PDF and the key it was laid out from; when the page is the same, it is
    copied instead of laid out again."""
    from carbonpeak.run import render

    t0 = time.perf_counter()
    region_dir.mkdir(parents=True, exist_ok=True)
    html = render.notebook_to_html(nb, *titles)
    out = Rendered([], {})
    if "html" in formats:
        (region_dir / REPORT["html"]).write_text(html, encoding="utf-8")
        out.files.append(f"{code}/{REPORT['html']}")
    t1 = time.perf_counter()
    if "pdf" in formats:
        out.pdf_from, pdf = render.pdf_key(html), region_dir / REPORT["pdf"]
        out.pdf_kept = bool(keep) and render.keep_pdf(Path(keep[0]), out.pdf_from, keep[1], pdf)
        if not out.pdf_kept:
            render.html_to_pdf(html, pdf)
        out.files.append(f"{code}/{REPORT['pdf']}")
    out.steps = {"export": t1 - t0, "pdf": time.perf_counter() - t1}
    return out


def render_job(nb_json: str, titles: tuple[str, str, str], code: str, region_dir: str,
               formats: list[str], keep: tuple[str, str | None] | None = None
               ) -> tuple[Rendered, float]:
    """Runs in a render process: nbconvert and WeasyPrint hold the GIL for seconds. Returns
    render_files' answer and when the job started (time.time(), the clock the driver
    shares), so the driver can tell the wait for a worker from the work."""
    started, t0 = time.time(), time.perf_counter()
    import nbformat

    nb = nbformat.reads(nb_json, as_version=4)
    read = time.perf_counter() - t0
    out = render_files(nb, titles, code, Path(region_dir), formats, keep)
    out.steps["export"] += read
    return out, started


class RenderPool(ProcessPoolExecutor):
    """The render processes; each reports its pid at start, so that an interrupted run can
    stop them at once (kill) instead of waiting for the report they are laying out."""

    def __init__(self, jobs: int, staging: Path | None):
        ctx = multiprocessing.get_context("spawn")  # no fork of a process that runs threads
        self._pids = ctx.SimpleQueue()
        pids = str(staging / runlock.PIDS_NAME) if staging else None
        super().__init__(max_workers=jobs, mp_context=ctx, initializer=_warm_renderer,
                         initargs=(os.getpid(), pids, self._pids))

    def kill(self) -> None:
        while not self._pids.empty():
            try:
                os.kill(self._pids.get(), signal.SIGKILL)
            except OSError:
                pass


def _die_with(driver: int) -> None:
    """Exit when the driver does, even after its kill -9: a watcher checks the parent twice
    a second. The driver's pid is passed in, not read here: a driver killed while this
    process was still starting is already gone, and the parent read now would be its
    adopter, which a watcher comparing against it would wait for forever."""
    if os.getppid() != driver:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == driver:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _warm_renderer(driver: int, pids_file: str | None = None, pids=None) -> None:
    """Render-process start-up: exit with the driver, note this process for the next run's
    clean-up, import and exercise nbconvert and WeasyPrint."""
    import nbformat

    _die_with(driver)

    if pids_file:
        runlock.record_pids(Path(pids_file).parent, [os.getpid()])
    if pids is not None:
        pids.put(os.getpid())

    from carbonpeak.run import render

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("预热")])
    render.html_to_pdf(render.notebook_to_html(nb, "预热", "预热"), Path(os.devnull))


def render_pool(jobs: int, staging: Path | None = None):
    """Processes for HTML/PDF, started (and warmed) while the first stages run; none when
    jobs is 1, so a single-job run renders in this process."""
    if jobs <= 1:
        return None
    ex = RenderPool(jobs, staging)
    for _ in range(jobs):
        ex.submit(int)  # start the workers now rather than at the first report
    return ex
