"""The run folder has one owner (carbonpeak/runfolder.py): what a stage writes under a name,
the reports, index and verdict read back under the same name; a file that is not there is
one error naming the file and the stage that writes it."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from carbonpeak import pipeline, runfolder
from carbonpeak.findings import Finding
from carbonpeak.paths import PIPELINES_DIR, SAMPLE_DIR
from carbonpeak.runfolder import MissingRunFile, RunFolder, UnreadableRunFile


def _quality(folder: RunFolder) -> None:
    """What stage 02 writes: the findings and verdicts, and one row per check."""
    folder.quality.path.mkdir(parents=True)
    finding = Finding("industry_annual", "energy_range", "error", "能耗超出范围",
                      "industry_annual.csv", 7, "综合能耗", "330100", "energy_consumption")
    verdicts = {"330100": {"verdict": "fail", "errors": 1, "warnings": 0, "checks": []}}
    folder.quality.results.write_text(json.dumps(
        {"verdicts": verdicts, "findings": [finding.to_dict()], "great_expectations": {}},
        ensure_ascii=False), encoding="utf-8")
    pd.DataFrame([{"table": "industry_annual", "check": "energy_range", "severity": "error",
                   "verdict": "fail", "failing_rows": 1, "regions": "330100"}]).to_csv(
        folder.quality.summary, index=False, encoding="utf-8-sig")


@pytest.fixture
def folder(tmp_path) -> RunFolder:
    """A small annual run folder: run.json, warehouse, quality, indicators, enterprises."""
    from carbonpeak.indicators import enterprise
    from carbonpeak.ingest import build_warehouse

    f = RunFolder(tmp_path / "2025")
    f.write_run({"year": 2025, "dataset": {"vintage_zh": "测试数据"}, "generated": "2026-01-15"})
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE_DIR / "industry_annual.csv", data)
    build_warehouse(data, f.warehouse.path, only=["industry_annual"])
    _quality(f)
    pd.DataFrame({"region_code": ["330000", "330100"], "indicator_id": ["x", "x"],
                  "status": ["green", "not_rated"],
                  "status_reason": ["", "failed_quality"]}).to_csv(f.indicators, index=False)
    pd.DataFrame({"region_code": [330100], "year": [2025], "value": [1.0]}).to_parquet(
        f.file(runfolder.INDICATOR_SERIES))
    firms = pd.DataFrame({"region_code": ["330100", "330200"], "credit_code": ["A1", "B2"],
                          "sector": ["chemical", "other"], "tier": ["≥5000", "<1000"],
                          "grade": [4, 1], "K": [1.4, 0.2]})
    firms = firms.reindex(columns=["region_code", *enterprise.COLUMNS])
    enterprise.write(firms, f.path)
    return f


def test_each_name_loads_what_its_stage_wrote(folder):
    assert folder.load_run()["dataset"]["vintage_zh"] == "测试数据"
    table = folder.warehouse.load_table("industry_annual")
    assert len(table) and "330100" in set(table["region_code"].astype(str))
    assert folder.warehouse.load_table("enterprises") is None  # not ingested: 未提供
    assert "industry_annual" in folder.warehouse.load_ingest_log()["headers"]
    results = folder.load_quality_results()
    assert results["verdicts"]["330100"]["verdict"] == "fail"
    assert results["findings"][0]["row"] == 7
    assert "energy_range" in folder.quality.summary.read_text(encoding="utf-8-sig")
    ind = folder.load_indicators()
    assert ind["region_code"].tolist() == ["330000", "330100"]  # codes stay text
    assert folder.load_indicator_series()["region_code"].tolist() == ["330100"]
    summary = folder.load_csv(runfolder.ENTERPRISE_SUMMARY)
    assert {"330000", "330100", "330200"} <= set(summary["region_code"])
    assert folder.load_csv(runfolder.PEAK_OUTLOOK, missing_ok=True) is None  # not produced


def test_a_municipality_loads_its_own_firms_only(folder):
    own = folder.load_enterprises("330100")
    assert own["credit_code"].tolist() == ["A1"]
    assert folder.load_enterprises("330300") is None  # a city without firms


def test_what_the_verdict_and_index_read(folder):
    """The exit-code verdict counts the indicators quality errors left 未评级 and names the
    check summary; the index shows each region's verdict from the same results.json."""
    from carbonpeak.report import index
    from carbonpeak.run import verdict

    code, why = verdict.verdict(folder.path, ["330100"], [])
    assert code == 1 and "330100 (1)" in why and str(folder.quality.summary) in why
    assert verdict.quality_verdicts(folder.path) == {"330100": "fail"}
    rows = {r["code"]: r for r in index.view(folder.path, 2025)["rows"]}
    assert rows["330100"]["verdict"] != "—" and rows["330200"]["verdict"] == "—"


@pytest.mark.parametrize("load, name, stage", [
    (RunFolder.load_indicators, "indicators.csv", "03_indicators"),
    (RunFolder.load_indicator_series, "indicator_series.parquet", "03_indicators"),
    (RunFolder.load_quality_results, "results.json", "02_quality"),
    (RunFolder.load_run, "run.json", "01_ingest"),
])
def test_a_missing_file_is_one_error_naming_it_and_its_stage(tmp_path, load, name, stage):
    with pytest.raises(MissingRunFile) as e:
        load(RunFolder(tmp_path))
    assert name in str(e.value) and stage in str(e.value)
    assert isinstance(e.value, FileNotFoundError)


def test_a_report_on_an_empty_folder_says_which_file_is_missing(tmp_path):
    from carbonpeak import report
    from carbonpeak.run.failures import run_error

    with pytest.raises(MissingRunFile, match="indicators.csv"):
        report.load(tmp_path, "330100", 2025)

    class NotebookError(Exception):  # what papermill raises for an error in a notebook
        ename, evalue = "MissingRunFile", f"{tmp_path}/indicators.csv: not found"

    err = run_error(NotebookError())  # raised in a stage notebook: exit 2, one line
    assert isinstance(err, MissingRunFile) and err.exit_code == 2
    assert "indicators.csv" in str(err)


def test_what_may_be_absent_reads_as_empty(tmp_path):
    f = RunFolder(tmp_path)
    assert f.load_quality_results(missing_ok=True) == {}
    assert f.load_run(missing_ok=True) == {}
    assert f.load_indicators(missing_ok=True) is None
    assert f.load_status() == {} and f.load_manifest() == {}
    f.manifest.write_text("{half", encoding="utf-8")  # a broken record: rebuild everything
    assert f.load_manifest() == {}


def test_a_broken_results_file_names_the_file(folder):
    from carbonpeak.run import verdict

    folder.quality.results.write_text('{"verdicts": ', encoding="utf-8")
    with pytest.raises(UnreadableRunFile, match="results.json"):
        folder.load_quality_results()
    assert verdict.quality_verdicts(folder.path) == {}  # status.json is still written


def test_a_pipeline_declares_only_files_of_the_run_folder(tmp_path):
    raw = (PIPELINES_DIR / "annual.yml").read_text(encoding="utf-8")
    assert "run_wide_tables: [indicators.csv" in raw
    path = tmp_path / "annual.yml"
    path.write_text(raw.replace("run_wide_tables: [indicators.csv",
                                "run_wide_tables: [indicator.csv"), encoding="utf-8")
    with pytest.raises(pipeline.PipelineError) as e:
        pipeline.load(path)
    assert "annual.yml" in str(e.value) and "run_wide_tables" in str(e.value)
    assert "indicator.csv" in str(e.value)
    for kind in ("annual.yml", "monthly.yml"):  # the shipped ones name real files
        spec = pipeline.load(PIPELINES_DIR / kind)
        assert set(spec.run_wide_tables) <= set(runfolder.RUN_WIDE)


def test_downloads_and_reports_are_listed_by_the_index(folder):
    """A region's report and downloads, written under the names the owner gives, are the
    links the index shows."""
    from carbonpeak.report import download_files, index

    region = folder.region("330100")
    region.mkdir()
    folder.report("330100", "html").write_text("<html></html>", encoding="utf-8")
    for name, _ in download_files("330100"):
        (region / name).write_text("x", encoding="utf-8")
    rows = {r["code"]: r for r in index.view(folder.path, 2025)["rows"]}
    assert [link["href"] for link in rows["330100"]["links"]] == [
        "330100/report.html", "330100/indicators-330100.xlsx", "330100/indicators-330100.csv",
        "330100/indicators-330100-zh.csv"]
    assert rows["330200"]["links"] == []
