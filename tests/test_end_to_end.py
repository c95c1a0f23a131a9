"""The whole chain on the sample data, as the scheduler runs it.

The run is the session's `rendered_run` (conftest.py): every region, HTML and PDF, through
the runner, on a copy of the sample whose confidential cells carry planted markers (the
confidentiality tests read the same run); REGIONS are the reports looked at closely."""

import json
import re
import shutil
import subprocess

import pandas as pd
import pytest
from helpers import RENDERED_REGIONS, pdf_text

from carbonpeak import reference
from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.run import kernels, render, runner
from carbonpeak.run.outcome import OWN_STEPS, WAIT_STEPS

REGIONS = ["330000", "330100", "330900"]
CONTRACT = ["region_code", "indicator_id", "year", "value", "unit", "baseline_value",
            "target_value", "required_value", "status"]


@pytest.fixture(scope="module")
def run_out(rendered_run):
    return rendered_run.year_dir, rendered_run.rc, rendered_run.logs


@pytest.mark.slow
def test_run_succeeds_and_writes_the_contract(run_out):
    year_dir, rc, logs = run_out
    assert rc == 0, logs
    for name in ("index.html", "indicators.csv", "manifest.json", "quality/results.json",
                 "quality/summary.csv", "notebooks/01_ingest.ipynb",
                 "notebooks/04_report-330100.ipynb"):
        assert (year_dir / name).exists(), name
    for code in REGIONS:
        assert (year_dir / code / "report.html").exists()
        assert (year_dir / code / "report.pdf").stat().st_size > 10_000
    ind = pd.read_csv(year_dir / "indicators.csv", dtype={"region_code": str})
    assert set(CONTRACT) <= set(ind.columns)
    # every indicator of the plan, for every region, even when only three are rendered
    # (2025 belongs to 十四五: its indicators, not 十五五's)
    assert set(ind["indicator_id"]) == set(reference.catalog_for(2025))
    # the province, its 11 cities and the sample's 90 county-level units
    n = len(reference.region_codes(reference.LEVELS))
    assert ind.groupby("indicator_id")["region_code"].nunique().eq(n).all()
    assert len(ind) == n * len(reference.catalog_for(2025))
    assert set(ind["status"]) <= {"green", "yellow", "red", "not_rated"}
    assert set(ind.loc[ind["region_code"].isin(reference.codes_at("county")),
                       "status_reason"].dropna()) <= {"not_provided", "no_local_target",
                                                      "failed_quality", "no_data"}
    prov = ind[ind["region_code"] == "330000"]
    assert (prov["status"] != "not_rated").all(), prov[prov.status == "not_rated"]
    assert (ind["not_rated_reason"].isna() == (ind["status"] != "not_rated")).all()
    energy = ind[ind["indicator_id"] == "energy_intensity_reduction"].set_index("region_code")
    assert energy.at["330900", "status"] == "red" and energy.at["330900", "value"] < 0
    assert set(energy["status"]) == {"green", "yellow", "red"}  # the planted stories
    for name in ("decomposition.csv", "peak_outlook.csv", "co2_series.csv", "sector_energy.csv",
                 "enterprise_summary.csv", "enterprise/330100.parquet"):
        assert (year_dir / name).exists(), name
    d = pd.read_csv(year_dir / "decomposition.csv", dtype={"region_code": str})
    d = d.pivot(index="region_code", columns="effect", values="value")
    assert len(d) == 12
    assert ((d["structure"] + d["intensity"] - d["total"]).abs() < 1e-9).all()


@pytest.mark.slow
def test_html_is_self_contained_chinese_and_has_no_code(run_out):
    year_dir = run_out[0]
    html = (year_dir / "330100" / "report.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in html
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower()
    assert "from carbonpeak" not in html and "report.cover(" not in html
    assert "In&nbsp;[" not in html and "In [" not in html
    assert "data:image/svg+xml;base64," in html  # charts are vector
    assert re.search(r'<img [^>]*alt="折线图：杭州市', html)
    # 2025 is 十四五's target year: the report is its final evaluation
    assert "杭州市工业领域碳达峰“十四五”终期评估报告（2025年）" in html
    index = (year_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="330100/report.pdf"' in index and "https://" not in index


@pytest.mark.slow
@pytest.mark.parametrize("code,name", [("330100", "杭州市"), ("330900", "舟山市")])
def test_pdf_text_has_region_and_banner(run_out, code, name):
    text = pdf_text(run_out[0] / code / "report.pdf", layout=True)
    assert name in text
    assert "示例数据，非官方统计" in text
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", text)  # page numbers


@pytest.mark.slow
def test_pdf_fonts_are_embedded_cjk(run_out):
    fonts = subprocess.run(["pdffonts", str(run_out[0] / "330100" / "report.pdf")],
                           capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts and " no " not in fonts.split("\n", 2)[2]  # embedded


@pytest.mark.slow
def test_no_missing_glyphs_in_executed_notebooks(run_out):
    import nbformat

    for nb_path in (run_out[0] / "notebooks").glob("04_report-*.ipynb"):
        assert kernels.missing_glyphs(nbformat.read(nb_path, as_version=4)) == []


def test_missing_glyph_warning_is_detected():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "stream", name="stderr", text="UserWarning: Glyph 27809 (\\N{CJK}) missing from font(s) "
                                      "DejaVu Sans.")]
    assert len(kernels.missing_glyphs(nb)) == 1


@pytest.mark.slow
def test_manifest_traces_inputs_and_outcomes(run_out):
    m = json.loads((run_out[0] / "manifest.json").read_text(encoding="utf-8"))
    names = {i["path"].split("/")[-1]: i for i in m["inputs"]}
    assert len(names["industry_annual.csv"]["sha256"]) == 64
    assert m["packages"]["great-expectations"] == "1.24.1"
    assert {c: r["ok"] for c, r in m["regions"].items()} == dict.fromkeys(
        RENDERED_REGIONS, True)
    assert sorted(m["reported"]) == reference.region_codes(reference.LEVELS)
    assert {"ingest", "quality", "indicators", "report", "total"} <= set(m["timings_s"])
    # each report's own work (notebook, export, PDF) apart from its waits for a kernel and
    # a render worker; its seconds are its own work only
    for r in m["regions"].values():
        steps = r["steps_s"]
        assert set(steps) == {*OWN_STEPS, *WAIT_STEPS} and min(steps.values()) >= 0
        assert r["seconds"] == pytest.approx(sum(steps[k] for k in OWN_STEPS), abs=0.002)
        assert steps["notebook"] > 0 and steps["pdf"] > 0


@pytest.mark.slow
def test_rerun_with_unchanged_inputs_is_a_no_op(rendered_run, tmp_path):
    out = tmp_path / "out"  # the shared run stays as it was
    shutil.copytree(rendered_run.out, out, symlinks=True)
    logs = []
    rc = runner.run(rendered_run.data, 2025, ",".join(REGIONS), out, "html,pdf", jobs=2,
                    log=logs.append)
    assert rc == 0 and logs[0].startswith("up to date")


@pytest.mark.slow
def test_failed_region_keeps_its_previous_report(rendered_run, monkeypatch, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(rendered_run.out, out, symlinks=True)
    good = (out / "2025" / "330900" / "report.pdf").read_bytes()
    real = render.html_to_pdf

    def flaky(html, path, base_url=None):
        if "<title>舟山市" in html:  # other reports name 舟山 too (comparisons)
            raise OSError("disk full")
        return real(html, path, base_url)

    monkeypatch.setattr(render, "html_to_pdf", flaky)
    logs = []
    # jobs=1 renders in this process, where the patch applies
    rc = runner.run(rendered_run.data, 2025, "330100,330900", out, "html,pdf", jobs=1,
                    force=True, log=logs.append)
    assert rc == 1
    assert any("330900" in line and "FAILED" in line and "disk full" in line for line in logs)
    assert (out / "2025" / "330900" / "report.pdf").read_bytes() == good
    m = json.loads((out / "2025" / "manifest.json").read_text(encoding="utf-8"))
    assert m["regions"]["330900"]["ok"] is False and m["regions"]["330100"]["ok"] is True
    status = json.loads((out / "2025" / "status.json").read_text(encoding="utf-8"))
    assert status["regions"]["330900"]["state"] == "failed"
    assert "disk full" in status["regions"]["330900"]["error"]
    assert status["regions"]["330100"]["state"] == "current" and status["exit_code"] == 1
    # the index says which report is an old one
    index = (out / "2025" / "index.html").read_text(encoding="utf-8")
    row = re.search(r"<tr>\s*<th scope=\"row\" class=\"name\"><strong>舟山市.*?</tr>", index, re.S).group(0)
    assert "报告基于旧数据" in row and index.count("报告基于旧数据") == 1
    assert not list(out.glob(".staging-*"))


def test_bad_arguments_exit_2_without_touching_outputs(tmp_path):
    logs = []
    assert runner.run(SAMPLE_DIR, 2025, "339999", tmp_path, "html", log=logs.append) == 2
    assert "unknown region code" in logs[0]
    assert runner.run(tmp_path / "nope", 2025, "all", tmp_path, "html", log=logs.append) == 2
    # the refusal is recorded (runs.jsonl, status.json); no report folder appears
    assert sorted(p.name for p in tmp_path.rglob("*") if not p.name.startswith(".")) == [
        "2025", "runs.jsonl", "status.json"]


@pytest.mark.slow
def test_peak_notes_print_a_true_minus_sign(run_out):
    """The peak judgement a reader sees in the report and in the downloads writes
    '−1.5%' like every other number, never a hyphen '-1.5%'."""
    year_dir, _, _ = run_out
    notes = pd.read_csv(year_dir / "peak_outlook.csv")["note_zh"].dropna().tolist()
    ind = pd.read_csv(year_dir / "indicators.csv")
    notes += ind.loc[ind["indicator_id"] == "industrial_co2_peak", "note"].dropna().tolist()
    assert notes
    assert [n for n in notes if re.search(r"-\d", n)] == []
