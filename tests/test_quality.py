"""The GX gate catches planted defects, and exactly the affected regions become not_rated."""

import json
import shutil

import pandas as pd
import pytest

from carbonpeak import quality
from carbonpeak.paths import SAMPLE_DIR
from tests.conftest import write_table


def run_chain(tmp_path, run_planted, df: pd.DataFrame, year: int = 2025):
    """Ingest, gate and grade a copy of the sample data with `df` as industry_annual (the
    other tables come from the session's clean warehouse: conftest.py `run_planted`)."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    write_table(data, df)
    run = tmp_path / "run"
    run_planted(data, run, year)
    ind = pd.read_csv(run / "indicators.csv", dtype={"region_code": str})
    # the headline indicator: it reads industry_annual only, the table these tests break
    ind = ind[ind["indicator_id"] == "energy_intensity_reduction"].set_index("region_code")
    results = json.loads((run / "quality" / "results.json").read_text(encoding="utf-8"))
    return ind, results


def failing(results, check):
    return [f for f in results["findings"] if f["check"] == check]


def test_clean_sample_passes_everywhere(tmp_path, run_planted, sample_frame):
    ind, results = run_chain(tmp_path, run_planted, sample_frame)
    assert {v["verdict"] for v in results["verdicts"].values()} == {"pass"}
    assert (ind["status"] != "not_rated").all()
    summary = pd.read_csv(tmp_path / "run" / "quality" / "summary.csv")
    assert len(summary) >= 20 and set(summary["verdict"]) == {"pass"}
    assert (tmp_path / "run" / "quality" / "docs" / "index.html").exists()


def test_duplicate_region_year(tmp_path, run_planted, sample_frame):
    dup = sample_frame[(sample_frame.region_code == "330300") & (sample_frame.year == 2023)]
    df = pd.concat([sample_frame, dup], ignore_index=True)
    ind, results = run_chain(tmp_path, run_planted, df)
    hits = failing(results, "unique_region_year")
    assert {f["region_code"] for f in hits} == {"330300"}
    assert {f["row"] for f in hits} == {int(dup.index[0]) + 2, len(df) + 1}
    assert ind.at["330300", "status"] == "not_rated"
    assert "每个地区每年只能有一行" in ind.at["330300", "not_rated_reason"]
    # the duplicate also breaks the province total; every other city is still graded
    assert ind.at["330000", "status"] == "not_rated"
    others = ind.drop(index=["330300", "330000"])
    assert (others["status"] != "not_rated").all()


def test_missing_region(tmp_path, run_planted, sample_frame):
    df = sample_frame[sample_frame.region_code != "331100"]
    ind, results = run_chain(tmp_path, run_planted, df)
    hits = failing(results, "region_year_complete")
    assert {f["region_code"] for f in hits} == {"331100"}
    assert len(hits) == 6  # 2020..2025
    assert ind.at["331100", "status"] == "not_rated"
    assert ind.at["330000", "status"] == "not_rated"  # province no longer equals Σ cities
    assert ind.at["330100", "status"] != "not_rated"


def test_province_not_equal_to_sum_of_cities(tmp_path, run_planted, sample_frame):
    df = sample_frame.copy()
    mask = (df.region_code == "330000") & (df.year == 2024)
    df.loc[mask, "energy_consumption"] *= 1.02
    ind, results = run_chain(tmp_path, run_planted, df)
    hits = failing(results, "energy_consumption_province_sum")
    assert [(f["region_code"], f["row"]) for f in hits] == [("330000", int(df[mask].index[0]) + 2)]
    assert "全省比各市合计高2.0%" in hits[0]["message"]
    assert ind.at["330000", "status"] == "not_rated"
    cities = ind.drop(index="330000")
    assert (cities["status"] != "not_rated").all()


def test_unit_slip_is_an_error_and_a_jump_a_warning(tmp_path, run_planted, sample_frame):
    df = sample_frame.copy()
    slip = (df.region_code == "330500") & (df.year == 2022)
    df.loc[slip, "value_added"] *= 10000  # 亿元 typed as 万元
    jump = (df.region_code == "330700") & (df.year == 2018)
    df.loc[jump, "energy_consumption"] *= 1.8  # suspicious, before the baseline
    ind, results = run_chain(tmp_path, run_planted, df)
    assert {f["region_code"] for f in failing(results, "value_added_unit_slip")} == {"330500"}
    assert ind.at["330500", "status"] == "not_rated"
    assert {f["region_code"] for f in failing(results, "energy_consumption_jump")} == {"330700"}
    # in industry_annual only a warning (energy_by_fuel no longer adds up to it: that
    # cross-table error is energy_by_fuel's, and the headline grade does not read it)
    assert not [f for f in results["findings"] if f["region_code"] == "330700"
                and f["table"] == "industry_annual" and f["severity"] == "error"]
    assert ind.at["330700", "status"] != "not_rated"


@pytest.mark.parametrize("column,bad", [("energy_consumption", -5.0), ("year", 2099)])
def test_out_of_range_values(tmp_path, run_planted, sample_frame, column, bad):
    df = sample_frame.copy()
    df.loc[(df.region_code == "330800") & (df.year == 2021), column] = bad
    ind, results = run_chain(tmp_path, run_planted, df)
    assert results["verdicts"]["330800"]["verdict"] == "fail"
    assert ind.at["330800", "status"] == "not_rated"
    assert ind.at["330100", "status"] != "not_rated"


@pytest.mark.slow  # three whole runs of stages 02–03, two of them for 2023
def test_a_2025_error_leaves_a_2023_run_unaffected(tmp_path, run_planted, sample_frame):
    """Findings carry their year: errors in 2025 rows (a negative energy figure for 衢州,
    text in 杭州's value added) fail the 2025 report's regions, and leave the 2023 run —
    its verdicts, every indicator — exactly as on the clean sample."""
    df = sample_frame.astype({"value_added": object})
    df.loc[(df.region_code == "330800") & (df.year == 2025), "energy_consumption"] = -5.0
    hz = (df.region_code == "330100") & (df.year == 2025)
    df.loc[hz, "value_added"] = "abc"
    _, bad_2025 = run_chain(tmp_path / "a", run_planted, df, 2025)
    assert {c: v["verdict"] for c, v in bad_2025["verdicts"].items()
            if v["verdict"] == "fail"}.keys() >= {"330800", "330100"}
    _, bad = run_chain(tmp_path / "b", run_planted, df, 2023)
    _, clean = run_chain(tmp_path / "c", run_planted, sample_frame, 2023)
    assert bad["verdicts"] == clean["verdicts"]
    assert {v["verdict"] for v in bad["verdicts"].values()} == {"pass"}
    outside = {(f["check"], f["region_code"], f["period"], f["row"])
               for f in bad["outside_period"] if f["severity"] == "error"}
    assert ("not_a_number", "330100", "2025", int(df[hz].index[0]) + 2) in outside
    assert ("energy_range", "330800", "2025") in {o[:3] for o in outside}
    indicators = [pd.read_csv(tmp_path / d / "run" / "indicators.csv", dtype=str)
                  for d in ("b", "c")]
    pd.testing.assert_frame_equal(*indicators)


def test_confidential_cells_stay_out_of_public_text():
    """A region's finding may quote its own firm in its own report, but not in the reason
    written to indicators.csv (every region reads it), nor anywhere without a region."""
    from carbonpeak import confidential, reference
    from carbonpeak.findings import Finding

    code = "91330500MA2QXK7D1X"
    own = Finding("enterprises", "credit_code_check_digit", "error",
                  f"统一社会信用代码须为18位且校验码正确（校验码错误；实际为「{code}」）",
                  "enterprises.csv", 7, "credit_code", "330500", None)
    assert confidential.redact(own) == own
    nowhere = Finding(**{**own.to_dict(), "region_code": None})
    assert code not in confidential.redact(nowhere).message
    assert confidential.redact(nowhere).row == 7
    catalog = {"x": {"inputs": {"enterprises": ["energy"]}}}
    reason = quality.blocked_by([own.to_dict()], catalog)["x"]["330500"]
    assert code not in reason and "enterprises.csv" in reason and "第7行" in reason
    public = Finding("industry_annual", "energy_range", "error", "能耗超出范围（实际值：-5）",
                     "industry_annual.csv", 3, "energy", None, "energy")
    assert confidential.redact(public) == public
    assert not confidential.columns("industry_annual")
    assert {"name", "credit_code"} <= confidential.columns("enterprises")
    assert reference.tables()["enterprises"]["columns"]["name"]["confidential"]


def test_data_docs_index_lists_each_table_with_counts_and_links(tmp_path, monkeypatch):
    """The Data Docs index: one row per input table with its checks and failures, links to
    the newest validation page and to the suite, 未运行 where no page was built; a table
    title is shown as text, never as markup; nothing is fetched from the network."""
    from html.parser import HTMLParser

    from carbonpeak import reference
    from carbonpeak.quality import datadocs

    docs = tmp_path / "docs"
    for page in ("validations/industry_annual/a/1.html", "validations/industry_annual/b/2.html",
                 "expectations/industry_annual.html"):
        (docs / page).parent.mkdir(parents=True, exist_ok=True)
        (docs / page).write_text("", encoding="utf-8")
    monkeypatch.setattr(reference, "tables", lambda: {
        "industry_annual": {"title_zh": "年度<script>alert(1)</script>"},
        "enterprises": {"title_zh": "企业名单"}})
    summary = [{"table": "industry_annual", "severity": s, "verdict": v}
               for s, v in (("error", "fail"), ("warning", "fail"), ("error", "pass"))]

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows = []

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag == "td":
                self.rows[-1].append("")
            elif tag == "a":
                self.rows[-1][-1] += f"[{dict(attrs)['href']}]"
            assert tag not in ("script", "link", "img")

        def handle_data(self, data):
            if self.rows and self.rows[-1]:
                self.rows[-1][-1] += data

    page = datadocs.docs_index(docs, summary)
    parser = Rows()
    parser.feed(page)
    assert [[c.strip() for c in row] for row in parser.rows[1:]] == [
        ["年度<script>alert(1)</script>", "industry_annual", "3", "1", "1",
         "[validations/industry_annual/b/2.html]检查结果 [expectations/industry_annual.html]检查规则"],
        ["企业名单", "enterprises", "0", "0", "0", "未运行（文件未能读取）"]]
    assert "http" not in page and "font-family" in page  # the offline stylesheet, inline


def _check(table: str, frame: pd.DataFrame, check: str) -> tuple[bool, list[int]]:
    """One check of `table`'s suite run alone through GX on `frame`: whether it passed, and
    the rows that did not meet it."""
    import warnings

    from carbonpeak import reference
    from carbonpeak.quality import gx as gx_stage

    gx, ctx = gx_stage._gx_context()
    params = {"current_year": 2025, "region_codes": reference.region_codes(),
              "municipality_codes": reference.codes_at("municipality")}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # no string row_condition left
        suite = gx_stage.load_suite(gx, table)
    keep = [e for e in suite.expectations if e.meta["id"] == check]
    assert len(keep) == 1 and keep[0].row_condition is not None, check
    suite.expectations = keep
    ctx.suites.add(suite)
    asset = ctx.data_sources.add_pandas(f"src_{table}").add_dataframe_asset(table)
    batch = asset.add_batch_definition_whole_dataframe("all_rows")
    vd = ctx.validation_definitions.add(
        gx.ValidationDefinition(name=f"validate_{table}", data=batch, suite=suite))
    [r] = vd.run(batch_parameters={"dataframe": frame}, expectation_parameters=params,
                 result_format={"result_format": "COMPLETE"}).results
    assert not (r.exception_info or {}).get("raised_exception"), r.exception_info
    return r.success, sorted(r.result.get("unexpected_index_list") or [])


def test_conditional_checks_apply_to_the_rows_their_condition_selects():
    """The suites' row conditions (GX Condition objects in expectations/*.json): each check
    fails exactly the rows it is about, and rows outside its condition never."""
    metrics = pd.DataFrame({
        "region_code": ["330100"] * 8, "year": [2025] * 8,
        "metric": ["steel_scrap_ratio", "dyeing_water_reuse_rate", "sei_value_added_growth",
                   "sei_value_added_growth", "distributed_pv_added", "city_plan_issued",
                   "cement_clinker_energy", "nev_output"],
        "value": [150.0, 50.0, -20.0, -60.0, -1.0, 2.0, 250.0, 250.0]})
    metrics["metric"] = metrics["metric"].astype("string")
    assert _check("region_metrics", metrics, "value_not_negative") == (False, [4])  # not growth
    assert _check("region_metrics", metrics, "rate_within_0_100") == (False, [0])
    assert _check("region_metrics", metrics, "growth_range") == (False, [3])
    assert _check("region_metrics", metrics, "plan_issued_is_0_or_1") == (False, [5])
    assert _check("region_metrics", metrics, "clinker_energy_range") == (False, [6])
    assert _check("region_metrics", metrics.drop(index=[0, 3, 4, 5, 6]),
                  "value_not_negative") == (True, [])

    projects = pd.DataFrame({
        "status": pd.array(["completed", "in_progress", "completed", "planned"], dtype="string"),
        "completion_year": pd.array([None, None, 2023, None], dtype="Int64")})
    assert _check("retrofit_projects", projects, "completed_has_year") == (False, [0])

    # factories only, and `mostly` 0.9: one factory in ten without a code passes, although
    # the parks (no codes at all) would bring the share under 90 % if they were counted
    kind = ["factory"] * 10 + ["park"] * 5
    codes = [None] + [f"9133010000000000{i:02d}" for i in range(9)] + [None] * 5
    green = pd.DataFrame({"kind": pd.array(kind, dtype="string"),
                          "credit_code": pd.array(codes, dtype="string")})
    assert _check("green_manufacturing", green, "factory_credit_code_present") == (True, [0])
    green.loc[1, "credit_code"] = None  # two factories in ten: under 90 %
    assert _check("green_manufacturing", green, "factory_credit_code_present") == (False, [0, 1])
