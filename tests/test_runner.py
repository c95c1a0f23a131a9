"""The driver's own guarantees: warm kernels start clean, a broken one is replaced."""

import nbformat
import pytest

from carbonpeak.run import kernels
from carbonpeak import pipeline
from carbonpeak.run import runner


def notebook(tmp_path, name, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_reused_kernel_starts_from_an_empty_namespace_and_crashes_are_contained(tmp_path):
    pool = kernels.KernelPool(1, "import math")
    try:
        km = pool.acquire()
        kernels.execute(notebook(tmp_path, "a", "secret = '杭州某企业'"), tmp_path / "a.out.ipynb",
                       {}, km)
        out = kernels.execute(notebook(tmp_path, "b", "print('secret' in dir())"),
                             tmp_path / "b.out.ipynb", {}, km)
        assert out.cells[-1].outputs[0]["text"].strip() == "False"
        with pytest.raises(Exception, match="boom"):
            kernels.execute(notebook(tmp_path, "c", "leftover = 1", "raise RuntimeError('boom')"),
                           tmp_path / "c.out.ipynb", {}, km)
        # the failed notebook is kept, with its error and without the injected reset cell
        failed = nbformat.read(tmp_path / "c.out.ipynb", as_version=4)
        code = [c for c in failed.cells if c.cell_type == "code"]
        assert [c.source for c in code] == ["leftover = 1", "raise RuntimeError('boom')"]
        assert code[-1].outputs[-1]["ename"] == "RuntimeError"
        pool.release(km, broken=True)
        fresh = pool.acquire()
        assert fresh is not km
        out = kernels.execute(notebook(tmp_path, "d", "print(1 + 1)"), tmp_path / "d.out.ipynb",
                             {}, fresh)
        assert out.cells[-1].outputs[0]["text"].strip() == "2"
        # the executed notebook on disk carries no trace of the injected reset cell
        saved = nbformat.read(tmp_path / "d.out.ipynb", as_version=4)
        assert [c.source for c in saved.cells] == ["print(1 + 1)"]
        pool.release(fresh)
    finally:
        pool.shutdown()


def test_pipeline_declaration_is_validated(tmp_path):
    bad = tmp_path / "p.yml"
    bad.write_text("stages:\n  - {id: x, notebook: notebooks/nope.ipynb, scope: once}\n")
    with pytest.raises(pipeline.PipelineError, match="nope.ipynb not found"):
        pipeline.load(bad)
    bad.write_text("stages:\n  - {id: x, notebook: notebooks/01_ingest.ipynb, scope: daily}\n")
    with pytest.raises(pipeline.PipelineError, match="scope must be"):
        pipeline.load(bad)


@pytest.mark.slow
def test_the_benchmarks_naive_chain_converts_with_the_report_template(tmp_path):
    """`make bench` compares against nbconvert's CLI: the report template must work there."""
    import subprocess

    import nbformat

    from tools import bench

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 测试")])
    nbformat.write(nb, tmp_path / "t.ipynb")
    subprocess.run(bench.nbconvert_cli(tmp_path / "t.ipynb"), check=True, capture_output=True)
    assert "测试" in (tmp_path / "t.html").read_text(encoding="utf-8")
