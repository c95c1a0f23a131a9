"""Kernels for the notebooks: a pool of warm ones, and papermill executing a notebook in
this process on one of them."""

from __future__ import annotations

import asyncio
import queue
import subprocess
import sys
import threading
from pathlib import Path

from carbonpeak.paths import ROOT


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
        _track_clients(km)
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


def _track_clients(km) -> None:
    """Remember each client made for `km`. nbclient leaves a client's channels open when the
    kernel manager is not its own (ours are reused across regions): each execution would
    leave a heartbeat thread and a ZeroMQ context with its threads behind — about 3 threads
    and 15 MB a report, 1.7 GB over the 102 reports of the county level."""
    made, client = [], km.client

    def tracked(**kw):
        kc = client(**kw)
        made.append(kc)
        return kc

    km.client = tracked
    km.carbonpeak_clients = made


def close_clients(km) -> None:
    """Stop the channels of the clients an execution on `km` opened."""
    made = getattr(km, "carbonpeak_clients", [])
    while made:
        try:
            made.pop().stop_channels()
        except Exception:  # noqa: BLE001 - best effort: the kernel may be gone
            pass


def execute_code(km, code: str) -> None:
    import nbformat
    import papermill as pm

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    try:
        pm.execute_notebook(nb, None, progress_bar=False, km=km, cwd=str(ROOT))
    finally:
        close_clients(km)


def execute(notebook: Path, out: Path, params: dict, km=None):
    """Run one notebook with papermill (in this process), fresh namespace, save it."""
    import nbformat
    import papermill as pm

    nb = nbformat.read(notebook, as_version=4)
    params = _declared(nb, params)
    if km is not None:  # a reused kernel starts from an empty namespace
        reset = nbformat.v4.new_code_cell("%reset -f", metadata={"tags": ["carbonpeak-reset"]})
        nb.cells.insert(0, reset)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        # with an output path papermill saves the notebook with its error when a cell fails;
        # not after every cell (each save rewrites the whole notebook, outputs included)
        result = pm.execute_notebook(nb, str(out), parameters=params, progress_bar=False,
                                     km=km, cwd=str(ROOT), kernel_name="python3",
                                     request_save_on_cell_execute=False)
    except pm.PapermillExecutionError:
        if out.exists():
            nbformat.write(_tidy(nbformat.read(out, as_version=4)), out)
        raise
    finally:
        if km is not None:
            close_clients(km)
    result = _tidy(result)
    problems = missing_glyphs(result)
    nbformat.write(result, out)
    if problems:
        raise RuntimeError(f"{notebook.name}: missing glyphs in a chart: {problems[0]}")
    return result


def _declared(nb, params: dict) -> dict:
    """The run's parameters that the notebook's parameters cell names: every stage is offered
    the same set (data, run folder, period, chain, region) and takes what it uses."""
    cell = next((c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])),
                None)
    if cell is None:
        return params
    import ast

    names = {t.id for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    return {k: v for k, v in params.items() if k in names}


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
