"""Each fact once: the document titles (pipelines/*.yml), the final-evaluation rule
(pipeline.is_final), the status words (grading.yml) and the 碳效码 cut-points
(carbon_efficiency.yml) each have one source, and an edit there reaches every place that
prints them."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml
from helpers import edit_text
from test_report_fixtures import make_run_dir

from carbonpeak import brief, pipeline, reference, status
from carbonpeak.errors import ConfigError
from carbonpeak.indicators import enterprise, grading
from carbonpeak.period import Period
from carbonpeak.report import charts, front, load, narrative, overview, province, view
from carbonpeak.report.appendix import methodology_view
from carbonpeak.report.downloads import chinese
from carbonpeak.report.enterprises import own_view
from carbonpeak.report.next_steps import next_view

HANGZHOU = "330100"


# --- titles: pipelines/*.yml ------------------------------------------------------------------

def test_no_phrase_file_holds_a_document_title():
    report_words = yaml.safe_load((view.REPORT_TEMPLATES / "phrases.yml").read_text("utf-8"))
    assert not {"title", "title_final", "kicker", "kicker_final"} & set(report_words["cover"])
    brief_words = brief.view.phrases()
    assert not {"title", "kicker", "heading", "running"} & set(brief_words)


@pytest.mark.parametrize("year", [2024, 2025])
def test_the_cover_prints_the_pipelines_titles(tmp_path, year):
    ctx = load(make_run_dir(tmp_path / str(year), year), HANGZHOU, year)
    spec, period = pipeline.for_period(Period(year)), Period(year)
    cover = front.cover_view(ctx)
    assert cover["title"] == front.title(ctx) == spec.report_titles("杭州市", period)[0]
    assert cover["kicker"] == spec.kicker(period)


def test_the_brief_prints_the_pipelines_titles():
    period = Period.parse("2026-10")
    spec = pipeline.for_period(period)
    doc, header, _ = spec.report_titles("舟山市", period)
    assert brief.title("330900", period) == doc and brief.running_header("330900", period) == header
    head, tail = brief.front.heading("330900", period)
    assert head + tail == doc and tail == "（2026年1—10月）"
    assert spec.kicker(period) == spec.title_zh  # a chain without its own kicker: its title


def test_an_edited_pipeline_title_reaches_the_cover(tmp_path, monkeypatch):
    pipes = tmp_path / "pipelines"
    shutil.copytree(pipeline.PIPELINES_DIR, pipes)
    edit_text(pipes / "annual.yml", 'report: "{region}工业领域碳达峰进度报告（{period}）"',
          'report: "{region}工业碳达峰年度报告（{period}）"')
    edit_text(pipes / "annual.yml", "kicker: 浙江省工业领域碳达峰年度进度报告", "kicker: 年度报告")
    monkeypatch.setattr(pipeline, "PIPELINES_DIR", pipes)
    ctx = load(make_run_dir(tmp_path / "2024", 2024), HANGZHOU, 2024)
    assert front.title(ctx) == "杭州市工业碳达峰年度报告（2024年）"
    assert front.cover_view(ctx)["kicker"] == "年度报告"
    assert pipeline.for_period(Period(2024)).report_titles("杭州市", Period(2024))[0] == \
        "杭州市工业碳达峰年度报告（2024年）"  # what the runner prints on the page


# --- the final evaluation: one rule -----------------------------------------------------------

@pytest.mark.parametrize("year", [2024, 2025, 2030])
def test_every_page_takes_the_final_evaluation_from_one_rule(tmp_path, year):
    run = make_run_dir(tmp_path / str(year), year)
    if year == 2030:  # the 十五五 targets fall due in 2030
        ind = pd.read_csv(run / "indicators.csv", dtype={"region_code": str})
        ind.assign(target_year=2030).to_csv(run / "indicators.csv", index=False)
    period = Period(year)
    spec = pipeline.for_period(period)
    final = reference.plan_period_for(year)["target_year"] == year  # 2025, 2030
    assert spec.is_final(period) is final
    assert ("终期评估" in spec.chain_title(period)) is final  # the index page
    for code in (HANGZHOU, reference.province_code()):
        ctx = load(run, code, year)
        assert narrative.is_final(ctx) is final
        assert ("终期评估" in front.title(ctx)) is final
        cover = front.cover_view(ctx)
        assert ("终期评估" in cover["kicker"]) is final and ("终期评估" in cover["period"]) is final
        assert ("本报告为终期评估" in narrative.key_messages(ctx)[0]) is final
        assert overview.overview_view(ctx)["final"] is final
        assert next_view(ctx)["final"] is final
    text = province.barometer_view(load(run, reference.province_code(), year))["text"]
    assert ("序时进度" not in text) is final  # the lagging cities: behind pace, or unmet


# --- status words: grading.yml ----------------------------------------------------------------

def test_status_keys_are_the_tables_keys():
    assert tuple(reference.grading()["status_zh"]) == status.KEYS
    assert "status_zh" not in view.phrases()  # the report's phrase file has no copy


def test_an_edited_status_word_reaches_every_place(ref_dir, tmp_path):
    edit_text(ref_dir / "grading.yml", "status_zh: {green: 绿,", "status_zh: {green: 達,")
    edit_text(ref_dir / "grading.yml", "not_applicable: 不适用,", "not_applicable: 不考核,")
    edit_text(ref_dir / "grading.yml", "no_data: 未提供,", "no_data: 缺数,")
    tally = str(view.section("summary", messages=[], not_applicable=2,
                             tallies=[{"status": "green", "n": 1}]))
    assert '<span class="light green">達</span>' in tally and "不考核" in tally
    assert "不适用" not in tally
    assert narrative.light_word("green") == charts.STATUS_ZH["green"] == "達"
    assert brief.wording.move("yellow", "green")["short"] == "由黄转達"
    ctx = load(make_run_dir(tmp_path / "2024", 2024), HANGZHOU, 2024)
    zh = chinese(ctx.indicators, view.words(False))
    assert "達" in set(zh["状态"]) and "绿" not in set(zh["状态"])
    legend = str(overview.headline_table(ctx))
    assert "達＝达到序时进度" in legend
    # the legend lists the classes present: the fixture's one unrated row names no reason
    # (未提供, here 缺数), and no row is 不适用 (here 不考核)
    assert "未评级（原因见表下编号注释）：缺数＝" in legend and "不考核" not in legend


# --- 碳效码 cut-points: carbon_efficiency.yml ----------------------------------------------------

FIRMS = pd.DataFrame({
    "credit_code": ["X", "Y"], "name": ["甲", "乙"], "region_code": [HANGZHOU] * 2,
    "county": ["萧山区"] * 2, "industry_code": ["2614"] * 2, "year": [2025] * 2,
    "energy": [1300.0, 700.0], "coal": [1300.0, 700.0], "oil": [0.0] * 2,
    "natural_gas": [0.0] * 2, "electricity": [0.0] * 2, "heat": [0.0] * 2,
    "zero_carbon_electricity": [0.0] * 2, "value_added": [1000.0, 1000.0]})
# coal only, one factor: K(X) = (1300/1000) ÷ (2000/2000) = 1.3, K(Y) = 0.7, whatever the factor


def test_an_edited_cut_point_changes_the_grade_and_the_rule_text(ref_dir):
    before = enterprise.evaluate(FIRMS, 2025).set_index("credit_code")
    assert before["K"].tolist() == pytest.approx([1.3, 0.7])
    assert before["grade"].tolist() == [4, 2]  # 1.2 < 1.3 ≤ 2.0; 0.6 < 0.7 ≤ 0.8
    assert "1.2＜K≤2为4级" in enterprise.rule_text()[0]
    edit_text(ref_dir / "carbon_efficiency.yml", "grade_cutpoints: [0.6, 0.8, 1.2, 2.0]",
          "grade_cutpoints: [0.6, 0.8, 1.5, 2.0]")
    after = enterprise.evaluate(FIRMS, 2025).set_index("credit_code")
    assert after["grade"].tolist() == [3, 2]  # 0.8 < 1.3 ≤ 1.5
    rule = enterprise.rule_text()[0]
    assert "0.8＜K≤1.5为3级" in rule and "1.2" not in rule
    assert rule in grading.doc_markdown()  # docs/grading.md states the edited rule


def test_the_report_states_the_files_cut_points(ref_dir, tmp_path):
    ctx = load(make_run_dir(tmp_path / "2025"), HANGZHOU, 2025)
    other = {m["name"]: m["text"] for m in methodology_view(ctx)["other"]}
    assert "分为1—5级" in other["企业碳效"] and own_view(ctx)["level_cuts"] == ["0.6", "2.0"]
    edit_text(ref_dir / "carbon_efficiency.yml", "grade_cutpoints: [0.6, 0.8, 1.2, 2.0]",
          "grade_cutpoints: [0.6, 0.8, 1.2, 2.0, 3.0]")
    edit_text(ref_dir / "carbon_efficiency.yml", "level_cutpoints: [0.6, 2.0]",
          "level_cutpoints: [0.5, 4.0]")
    other = {m["name"]: m["text"] for m in methodology_view(ctx)["other"]}
    assert "分为1—6级" in other["企业碳效"] and own_view(ctx)["level_cuts"] == ["0.5", "4.0"]
    graded = enterprise.evaluate(FIRMS, 2025).set_index("credit_code")
    assert graded["level"].tolist() == ["中碳", "中碳"]  # L(X) = 3.458 ≤ 4.0


def test_a_bad_cut_point_names_the_file_and_key(ref_dir):
    edit_text(ref_dir / "carbon_efficiency.yml", "grade_cutpoints: [0.6, 0.8, 1.2, 2.0]",
          "grade_cutpoints: [0.6, 1.2, 0.8, 2.0]")
    with pytest.raises(ConfigError, match="carbon_efficiency.yml.*grade_cutpoints"):
        reference.carbon_efficiency()
    assert reference.LOADERS["carbon_efficiency.yml"] is reference.carbon_efficiency
