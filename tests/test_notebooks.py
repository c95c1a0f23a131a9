"""Each notebook runs top to bottom with its default parameters, as an analyst opens it, in
chain order; only the run folder moves from outputs/dev/2025 to a temporary one."""

import nbformat
import papermill as pm
import pytest

from carbonpeak.paths import NOTEBOOKS_DIR, ROOT

CHAIN = ["01_ingest", "02_quality", "03_indicators", "04_report", "05_province"]


def test_notebooks_are_committed_without_outputs():
    for name in CHAIN:
        nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), name
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{name} needs exactly one parameters cell"


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """The chain executed in order, each notebook reading what the previous ones wrote to
    the run folder; a notebook that fails is kept as its exception."""
    run_dir = tmp_path_factory.mktemp("dev") / "2025"
    executed = {}
    for name in CHAIN:
        try:
            executed[name] = pm.execute_notebook(
                str(NOTEBOOKS_DIR / f"{name}.ipynb"), None, progress_bar=False, cwd=str(ROOT),
                kernel_name="python3", parameters={"run_dir": str(run_dir)})
        except pm.PapermillExecutionError as e:
            executed[name] = e
    return run_dir, executed


@pytest.mark.slow
@pytest.mark.parametrize("name", CHAIN)
def test_runs_with_defaults(chain, name):
    run_dir, executed = chain
    out = executed[name]
    assert not isinstance(out, Exception), out
    errors = [o for c in out.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors == []
    shown = [o for c in out.cells for o in c.get("outputs", [])
             if o["output_type"] in ("execute_result", "display_data")]
    assert shown, f"{name} displays nothing"
    assert (run_dir / "warehouse" / "ingest.json").exists()  # written here, not outputs/dev
