"""The driver's own guarantees: warm kernels start clean, a broken one is replaced."""

import copy

import nbformat
import pytest
import yaml

from carbonpeak import pipeline
from carbonpeak.paths import PIPELINES_DIR
from carbonpeak.run import kernels


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
    """A broken pipeline file is refused with its file name, the key and what is wrong."""
    good = yaml.safe_load((PIPELINES_DIR / "annual.yml").read_text(encoding="utf-8"))
    bad = tmp_path / "p.yml"

    def refused(edit, *fragments):
        spec = copy.deepcopy(good)
        edit(spec)
        bad.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        with pytest.raises(pipeline.PipelineError) as e:
            pipeline.load(bad)
        for fragment in ("p.yml", *fragments):
            assert fragment in str(e.value)

    refused(lambda s: s["stages"][1].update(notebook="notebooks/nope.ipynb"),
            "stage 'quality'", "notebook", "nope.ipynb not found")
    refused(lambda s: s["stages"][0].update(scope="daily"), "stage 'ingest'", "scope",
            "'once' or 'per_region'")
    refused(lambda s: s.pop("tables"), "tables", "Field required")
    refused(lambda s: s.update(exclude_tables=["industry_monthly"]), "exclude_tables",
            "Extra inputs are not permitted")
    refused(lambda s: s.update(tables=["industry_anual"]), "industry_anual",
            "not in data/reference/tables.yml")
    refused(lambda s: s.update(period_kind="week"), "period_kind")
    assert pipeline.load(PIPELINES_DIR / "annual.yml").period_kind == "year"


def test_chains_read_only_what_they_declare():
    """The annual chain does not read the monthly table; the monthly chain reads it."""
    annual = pipeline.load(PIPELINES_DIR / "annual.yml")
    monthly = pipeline.load(PIPELINES_DIR / "monthly.yml")
    assert "industry_monthly" not in annual.table_names()
    assert "industry_monthly" in monthly.table_names()
    assert "enterprises" not in monthly.table_names()


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


@pytest.mark.slow
def test_render_workers_import_only_what_rendering_needs():
    """A warmed render worker has nbconvert and WeasyPrint, but not pandas (the report
    package) nor the IRI grammar JupyterLab's extras would bring (rfc3987-syntax, ~1 CPU-s
    built at every process start): neither is needed to turn a notebook into a PDF."""
    from carbonpeak.run.renderers import render_pool

    pool = render_pool(2)
    try:
        loaded = pool.submit(eval, "sorted({m.split('.')[0] for m in __import__('sys').modules})"
                             ).result(timeout=300)
    finally:
        pool.shutdown()
    assert {"nbconvert", "weasyprint", "nbformat"} <= set(loaded)
    assert not {"pandas", "rfc3987_syntax", "lark"} & set(loaded)
