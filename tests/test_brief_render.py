"""The briefs render through the annual report's path: papermill executes notebooks 07/08 on
the fixture run_dir, carbonpeak.render turns each into HTML and an A4 PDF. A city brief is two
to four pages; the province's 11 cities × 3 indicators barometer fits on one page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import papermill as pm
import pytest

from carbonpeak import brief, reference
from carbonpeak.paths import NOTEBOOKS_DIR, ROOT
from carbonpeak.run import render

FIXTURE = Path(__file__).parent / "fixtures" / "monthly_run"
NOTEBOOKS = {"330900": "07_brief", reference.province_code(): "08_province_brief"}


def test_notebooks_are_thin_and_committed_without_outputs():
    import nbformat

    for name in NOTEBOOKS.values():
        nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.get("outputs") for c in code), name
        params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1
        for key in ("data_dir", "run_dir", "year", "period", "region_code"):
            assert f"{key} = " in params[0].source, (name, key)
        assert all(len(c.source.splitlines()) <= 4 for c in code[1:])  # one call per cell


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict]:
    run = tmp_path_factory.mktemp("monthly") / "2026-10"
    shutil.copytree(FIXTURE, run)
    out = {}
    for code, name in NOTEBOOKS.items():
        nb = pm.execute_notebook(
            str(NOTEBOOKS_DIR / f"{name}.ipynb"), None, progress_bar=False, cwd=str(ROOT),
            kernel_name="python3",
            parameters={"run_dir": str(run), "region_code": code, "period": "2026-10",
                        "year": 2026})
        html = render.notebook_to_html(nb, brief.title(code, "2026-10"),
                                       brief.running_header(code, "2026-10"))
        folder = run / code
        (folder / "report.html").write_text(html, encoding="utf-8")
        render.html_to_pdf(html, folder / "report.pdf")
        out[code] = {"html": html, "pdf": folder / "report.pdf", "dir": folder,
                     "nb": nb}
    return out


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.slow  # notebooks through papermill
def test_city_brief_renders_html_and_a_short_pdf(rendered):
    r = rendered["330900"]
    errors = [o for c in r["nb"].cells for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert errors == []
    html = r["html"]
    assert "<title>舟山市工业领域能耗双控和碳排放晴雨表（2026年1—10月）</title>" in html
    assert "<script" not in html and "data-carbonpeak-notebook" not in html
    for h in ("三项指标灯号", "与上月相比", "全年目标对11—12月的要求", "本年逐月灯号",
              "拖累进度的重点行业", "数据下载"):
        assert h in html
    text = pages(r["pdf"])
    assert 2 <= len(text) <= 4
    for page in text:  # the running title of every page is the brief's, not the annual one
        assert "工业领域能耗双控和碳排放晴雨表" in page.splitlines()[0]
    for name, _ in brief.download_files("330900"):
        assert (r["dir"] / name).exists() and f'href="{name}"' in html


@pytest.mark.slow  # notebooks through papermill
def test_pdf_links_to_downloads_are_relative_and_resolve(rendered):
    r = rendered["330900"]
    out = subprocess.run(["pdfinfo", "-url", str(r["pdf"])], capture_output=True, text=True,
                         check=True).stdout
    urls = {line.split()[-1] for line in out.splitlines()[1:] if line.strip()}
    assert {n for n, _ in brief.download_files("330900")} <= urls
    for url in urls:
        assert url.startswith("#") or ("://" not in url and (r["dir"] / url).is_file()), url


@pytest.mark.slow  # notebooks through papermill
def test_province_barometer_fits_one_page(rendered):
    r = rendered[reference.province_code()]
    text = pages(r["pdf"])
    assert len(text) <= 4
    page = next(t for t in text if "设区市晴雨表" in t)
    table = page.split("设区市晴雨表")[1]
    for code in reference.region_codes():
        assert reference.region_name(code) in table, code
    assert "强度指标为1—10月累计强度较上年同期的变化" in table  # the note below the table
    assert "各设区市本年逐月灯号" in "".join(text)
    assert all("工业领域能耗双控和碳排放晴雨表" in p.splitlines()[0] for p in text)
