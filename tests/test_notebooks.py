"""Each notebook runs top to bottom with its default parameters, as an analyst opens it."""

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


@pytest.mark.parametrize("name", CHAIN)
def test_runs_with_defaults(name, tmp_path):
    # in chain order: each notebook's defaults read what the previous one wrote
    out = pm.execute_notebook(str(NOTEBOOKS_DIR / f"{name}.ipynb"), str(tmp_path / "out.ipynb"),
                              progress_bar=False, cwd=str(ROOT), kernel_name="python3")
    errors = [o for c in out.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors == []
    shown = [o for c in out.cells for o in c.get("outputs", [])
             if o["output_type"] in ("execute_result", "display_data")]
    assert shown, f"{name} displays nothing"
