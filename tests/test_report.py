"""Report sections against a small fixture run folder (tests/test_report_fixtures.py)."""

import re

import pandas as pd
import pytest
from test_report_fixtures import MALICIOUS, make_run_dir

from carbonpeak import reference, report
from carbonpeak.run import render


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return make_run_dir(tmp_path_factory.mktemp("run") / "2025")


@pytest.fixture
def ctx(run_dir):
    return report.load(run_dir, "330100", 2025)


def _text(h: report.HTML) -> str:
    return str(h)  # the fragment as the report page carries it


class TestSummary:
    # the fixture is a 2025 run: 十四五's target year, so the report is its final evaluation
    # (终期评估) and targets due in 2025 read met / not met, not "on pace"
    def test_green_indicator_is_said_to_be_met(self, ctx):
        s = " ".join(report.summary_sentences(ctx))
        assert s.startswith("2025年是“十四五”目标年，本报告为终期评估。")
        assert "1项目标于2025年到期，已完成1项，未完成0项" in s
        assert "已完成（绿灯）的目标：单位工业增加值能耗下降（在11个设区市中居首位）" in s
        assert "序时进度" not in s

    def test_changing_a_status_changes_the_sentence(self, ctx):
        ind = ctx.indicators.copy()
        i = ind.index[ind["indicator_id"] == "energy_intensity_reduction"][0]
        ind.loc[i, ["value", "status"]] = [14.5, "yellow"]
        ctx.indicators = ind
        s = " ".join(report.summary_sentences(ctx))
        assert "已完成0项，未完成1项" in s
        assert "目标为下降16.0%，未完成目标，差1.5个百分点（黄灯）" in s
        assert "已完成目标" not in s
        ind.loc[i, ["value", "status"]] = [-2.0, "red"]
        assert "不降反升2.0%" in " ".join(report.summary_sentences(ctx))

    def test_not_rated_reason_is_shown_not_a_blank(self, ctx):
        assert "该指标仅考核全省，不分解到设区市" in " ".join(report.summary_sentences(ctx))
        assert "该指标仅考核全省，不分解到设区市" in _text(report.headline_table(ctx))

    def test_driver_and_outlook_come_from_their_tables(self, ctx):
        s = " ".join(report.summary_sentences(ctx))
        assert "主要驱动因素是行业内能效变化（强度效应）" in s
        assert "达峰展望" in s
        ctx.decomposition = ctx.decomposition.assign(
            value=ctx.decomposition["effect"].map({"structure": -0.09, "intensity": 0.01,
                                                   "total": -0.08}))
        assert "主要驱动因素是行业结构变化（结构效应）" in " ".join(report.summary_sentences(ctx))


def test_missing_tables_are_one_line_not_a_failure(tmp_path):
    d = make_run_dir(tmp_path / "2025", enterprises=False)
    for name in ("decomposition.csv", "peak_outlook.csv", "co2_series.csv", "sector_energy.csv"):
        (d / name).unlink()
    ctx = report.load(d, "330100", 2025)
    for section in (report.peak_outlook, report.enterprises, report.drivers, report.sectors):
        html = _text(section(ctx))
        body = re.sub(r'^<div class="md">.*?</div>', "", html)  # the heading stays
        assert "本次运行未生成" in body and body.count("<p") == 1
    assert "能耗强度变化因素分解" in _text(report.task_groups(ctx))
    assert report.summary_sentences(ctx)


def test_enterprise_name_with_markup_appears_as_text(ctx):
    html = _text(report.enterprises(ctx))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;有限公司" in html
    assert "<script" not in html and MALICIOUS not in html


def test_municipality_sees_only_its_own_enterprises(run_dir):
    ctx = report.load(run_dir, "330200", 2025)
    html = _text(report.enterprises(ctx))
    assert "宁波第" in html and "杭州第" not in html and "91330100" not in html


def test_province_shows_aggregates_only(run_dir):
    ctx = report.load(run_dir, "330000", 2025)
    assert ctx.enterprises is None
    html = "".join(_text(f(ctx)) for f in (report.enterprises, report.status_heatmap,
                                           report.league_tables, report.tile_map,
                                           report.peak_outlook))
    assert "测试化工有限公司" not in html and "&lt;script" not in html
    assert "各设区市企业碳效等级" in html and "舟山" in html


def test_heatmap_and_tile_map_say_status_in_words(run_dir):
    ctx = report.load(run_dir, "330000", 2025)
    heat = _text(report.status_heatmap(ctx))
    assert heat.count("<thead><tr>") == 1 and heat.count("<tr>") == 3  # header + 2 indicators
    assert heat.count("<th") - heat.count("<thead") == 15  # 指标, 12 regions, 2 row heads
    assert 'class="light red">红<' in heat and "未评级" in heat
    tiles = _text(report.tile_map(ctx))
    assert tiles.count('class="tile ') == 11


def test_charts_have_alt_text(ctx):
    html = _text(report.task_groups(ctx))
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', html)
    assert len(alts) >= 3 and all(a.strip() for a in alts)
    assert any(a.startswith("折线图：杭州市") for a in alts)
    assert any(a.startswith("瀑布图：") for a in alts)


def test_downloads_hold_this_region_only(ctx, tmp_path):
    html = _text(report.downloads(ctx, tmp_path))
    assert 'href="indicators-330100.csv"' in html and 'href="indicators-330100.xlsx"' in html
    df = pd.read_csv(tmp_path / "indicators-330100.csv", dtype={"region_code": str})
    assert set(df["region_code"]) == {"330100"}
    x = pd.read_excel(tmp_path / "indicators-330100.xlsx", sheet_name=None)
    assert set(x["指标"]["地区代码"].astype(str)) == {"330100"} and "说明" in x


def test_contents_lists_sections_with_page_targets():
    html = ('<nav aria-label="目录" class="toc"><p class="toc-title">目录</p></nav>'
            + "".join(f'<h2 id="x{i}">第{i}节<a class="anchor-link" href="#x{i}"></a></h2>'
                      for i in range(6)))
    out = render.add_contents(html)
    assert out.count('<li><a href="#sec-') == 6 and 'id="sec-6"' in out
    assert "anchor-link" not in out
    short = render.add_contents(html.replace("<h2", "<h3").replace("</h2>", "</h3>"))
    assert "目录" not in short  # short reports have no contents


def test_contents_entry_reads_as_its_heading():
    """An entry shows the heading's text as the reader sees it: an escaped & once, not
    &amp;amp;, and without nbconvert's ¶ link; the page-1 heading is not listed."""
    html = ('<nav class="toc" aria-label="目录"><p class="toc-title">目录</p>\n</nav>'
            '<h2 class="page1">摘要</h2>'
            '<h2 class="keep">能源 &amp; 排放<a class="anchor-link" href="#a">¶</a></h2>'
            + "".join(f"<h2>第{i}节</h2>" for i in range(5)))
    out = render.add_contents(html)
    assert '<li><a href="#sec-1">能源 &amp; 排放</a></li>' in out
    assert '<h2 id="sec-1" class="keep">能源 &amp; 排放</h2>' in out
    assert '<h2 class="page1">摘要</h2>' in out and "¶" not in out


def test_one_h1_and_headings_in_order(ctx):
    html = "".join(_text(f(ctx)) for f in (report.cover, report.summary,
                                           report.headline_table, report.task_groups))
    assert html.count("<h1") == 1
    levels = [int(x) for x in re.findall(r"<h([1-6])", html)]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


class TestCompactOverview:
    def test_not_rated_reason_is_a_numbered_note_under_the_table(self, ctx):
        html = _text(report.headline_table(ctx))
        table, _, below = html.partition("</table>")
        assert '<ol class="footnotes"' in below
        assert "①" in table and 'href="#fn-330100-1"' in table
        assert 'id="fn-330100-1"' in below and "该指标仅考核全省，不分解到设区市" in below
        assert "该指标仅考核全省" not in table  # the status cell stays one line: light + mark

    def test_rows_are_grouped_by_the_plans_sections_with_light_and_word(self, ctx):
        html = _text(report.headline_table(ctx))
        assert html.count('<tr class="group">') == 2  # 主要目标, 绿色制造
        assert "二　主要目标" in html
        assert 'class="light green">绿</span> <span class="word">已完成</span>' in html

    def test_milestone_shows_its_judgement_not_a_year_as_a_number(self, ctx):
        ind = ctx.indicators.copy()
        row = ind.iloc[0].copy()
        row[["indicator_id", "value", "unit", "target_value", "required_value", "status",
             "rank", "grading_preset"]] = ["industrial_co2_peak", None, "年", 2030.0, 2030.0,
                                           "yellow", None, "peak_outlook"]
        row["note"] = "平台期，按近年趋势2030年前不能达峰"
        ctx.indicators = pd.concat([ind, row.to_frame().T], ignore_index=True)
        html = _text(report.headline_table(ctx))
        assert '<span class="nb">平台期</span></td>' in html and "2030年前" in html and "2030.0" not in html
        assert "按近年趋势2030年前不能达峰" in html
        s = report.indicator_sentence(ctx, next(ctx.indicators.tail(1).itertuples()))
        assert s.startswith("工业碳排放达峰研判：平台期，") and "（黄灯）" in s

    def test_sections_point_to_the_notes_instead_of_repeating_them(self, ctx):
        html = _text(report.task_groups(ctx))
        assert 'href="#fn-330100-1"' in html and "原因见“指标总览”表下注释" in html
        assert "该指标仅考核全省" not in html


def test_methodology_is_one_table_row_per_indicator_and_each_rule_once(ctx):
    html = _text(report.methodology(ctx))
    assert html.count('<table class="method">') == 1
    assert html.split("<tbody>")[1].count("<tr>") == len(ctx.indicators)
    assert html.count("较基期不降反升为红灯") == 1  # the ndrc_2021 rule, written out once
    assert "<dt>能耗双控晴雨表</dt>" in html and "<dt>因素分解</dt>" in html


def test_contents_are_two_short_lists():
    html = ('<nav aria-label="目录" class="toc"><p class="toc-title">目录</p></nav>'
            + "".join(f"<h2>第{i}节</h2>" for i in range(7)))
    out = render.add_contents(html)
    assert out.count("<ol") == 2 and '<ol start="5">' in out


def test_chart_png_passes_through_the_template_unchanged():
    import base64

    import nbformat

    png = base64.b64encode(b"\x89PNG fake").decode()  # a PNG from an analyst's own cell
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": png, "text/plain": "x"}, metadata={"alt": "图"})]))
    html = render.notebook_to_html(nb, "标题", "页眉")
    assert f'src="data:image/png;base64,{png}"' in html and 'alt="图"' in html


def test_every_rated_indicator_gets_its_trajectory_panel(ctx):
    """No silent cap: seven rated indicators with series give seven panels (3 + 3 + 1)."""
    from carbonpeak.report import groups

    base = ctx.indicators.iloc[0]
    ids = [f"extra_{i}" for i in range(7)]
    ctx.indicators = pd.DataFrame([{**base.to_dict(), "indicator_id": i} for i in ids])
    s = ctx.series[ctx.series["indicator_id"] == base["indicator_id"]]
    ctx.series = pd.concat([s.assign(indicator_id=i) for i in ids], ignore_index=True)
    view = groups.groups_view(ctx)
    charts_ = [c for g in view["groups"] for c in g["charts"]]
    assert len(charts_) == 3
    assert sum(c["alt"].count("折线图：") for c in charts_) == 7
    assert all(c["width_mm"] == 177.8 for c in charts_)  # the last row keeps the grid's size


def test_not_applicable_is_left_out_of_unrated_counts(ctx):
    ind = ctx.indicators.copy()
    ind["status_reason"] = ind["status"].map({"not_rated": "not_applicable"})
    ctx.indicators = ind
    s = report.summary_sentences(ctx)[0]
    assert "未评级" not in s and "1项对本地区不适用，不计入" in s
    assert "共评价1项指标" in s
    html = _text(report.headline_table(ctx))
    assert '<span class="light na">不适用</span>' in html and 'class="footnotes"' not in html
    tallies = _text(report.summary(ctx))
    assert 'class="light not_rated">未评级</span><strong>0</strong>' in tallies


def test_stretch_target_is_labelled_力争(ctx):
    ind = ctx.indicators.copy()
    ind["target_type"] = "stretch"
    ctx.indicators = ind
    summary = " ".join(report.summary_sentences(ctx))
    assert "单位工业增加值能耗下降（力争目标" in summary and "）（" not in summary
    groups = _text(report.task_groups(ctx))
    assert "灯，力争目标）" in groups and "）（力争目标）" not in groups


def test_peak_chart_draws_the_projection_range_when_the_run_has_one(run_dir, tmp_path):
    import base64
    import shutil

    d = tmp_path / "2025"
    shutil.copytree(run_dir, d)
    rows = [("330100", y, sc, v) for y in range(2026, 2031) for sc, v in
            (("trend", 1000 + y - 2026), ("trend_low", 950.0), ("trend_high", 1100.0),
             ("required", 990.0))]
    pd.DataFrame(rows, columns=["region_code", "year", "scenario", "co2"]).to_csv(
        d / "peak_projection.csv", index=False)
    with_range = report.load(d, "330100", 2025)
    html = _text(report.peak_outlook(with_range))
    svg = base64.b64decode(re.search(r'base64,([^"]+)"', html).group(1)).decode()
    assert "趋势区间（预测）" in svg and "2030年前达峰所需路径" in svg
    assert "趋势区间" in html  # the note says the range is a projection
    plain = _text(report.peak_outlook(report.load(run_dir, "330100", 2025)))
    assert "趋势区间" not in base64.b64decode(re.search(r'base64,([^"]+)"', plain).group(1)).decode()


def test_render_guard_rejects_what_the_template_loads_not_urls_in_data():
    import nbformat

    nb = nbformat.v4.new_notebook()
    fragment = str(report.HTML("<p>https://example.com/a 与 //cdn.example/x.js 只是文字</p>"))
    nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": fragment, "text/plain": "x"})]))
    assert "https://example.com/a" in render.notebook_to_html(nb, "标题", "页眉")
    for bad in ('<img src="https://cdn.example/x.png">', "<script>1</script>",
                '<link rel="stylesheet" href="//cdn.example/x.css">'):
        nb.cells[0].outputs[0]["data"]["text/html"] = bad
        with pytest.raises(ValueError):
            render.notebook_to_html(nb, "标题", "页眉")


def test_a_note_is_not_listed_as_a_failed_check():
    # an optional table not delivered is recorded as a note: it passed, and reads as 说明
    from types import SimpleNamespace

    from carbonpeak.report.appendix import quality_view

    ctx = SimpleNamespace(
        verdict={"verdict": "pass", "checks": [
            {"table": "capacity", "check": "table_present", "verdict": "note",
             "severity": "info", "title_zh": "是否提供"},
            {"table": "industry_annual", "check": "growth_range", "verdict": "pass",
             "severity": "error"}]},
        findings=[{"severity": "info", "table": "capacity", "message": "未提供"}])
    v = quality_view(ctx)
    assert v["failed"] == []
    assert {t["name"]: (t["ok"], t["failed"]) for t in v["tables"]}[
        reference.tables()["capacity"]["title_zh"]] == (1, 0)
    assert v["findings"][0]["level"] == "说明"


def test_barometer_completion_counts_progress_from_the_baseline():
    # a share 40 → 46.2 against 50: 6.2 of the 10 points asked for = 62 %, not 46.2/50 = 92 %
    from types import SimpleNamespace

    from carbonpeak.report.province import completion

    share = SimpleNamespace(value=46.2, target_value=50.0, baseline_value=40.0)
    assert completion(share, {"kind": "share"}) == "62%"
    cut = SimpleNamespace(value=12.0, target_value=16.0, baseline_value=float("nan"))
    assert completion(cut, {"kind": "intensity_reduction"}) == "75%"


class TestLightArithmetic:
    """A yellow or red light carries a numbered note with the sum a reader can check."""

    def _make(self, ctx, value, status):
        ind = ctx.indicators.copy()
        i = ind.index[ind["indicator_id"] == "energy_intensity_reduction"][0]
        ind.loc[i, ["value", "status"]] = [value, status]
        ctx.indicators = ind
        table, _, below = _text(report.headline_table(ctx)).partition("</table>")
        return table, below

    def test_a_red_rise_shows_the_due_fall_and_the_rise_with_a_true_minus(self, ctx):
        table, below = self._make(ctx, -2.0, "red")
        assert 'href="#fn-330100-' in table.split("规上单位工业增加值能耗")[1].split("</tr>")[0]
        # 2025 is the target year: the note states the target, not a pace
        note = next(li for li in below.split("<li") if "2025年目标为较2020年下降16.00%" in li)
        note = note.split("</span>", 1)[1].split("</li>")[0]  # the words, not the anchor id
        assert "实际上升2.00%" in note and "不降反升为红灯" in note
        assert "完成目标的−" in note  # a negative completion, true minus
        assert not re.search(r"-\d", note)

    def test_a_green_light_has_no_sum(self, ctx):
        _, below = self._make(ctx, 99.0, "green")
        assert "目标为较2020年下降" not in below


class TestPeakSection:
    """The peak page says what its projection rests on and treats 国家单列项目 from data."""

    def _with(self, ctx, code, **cols):
        peak = ctx.peak.copy()
        for k, v in cols.items():
            if k not in peak:
                peak[k] = None
            peak[k] = peak[k].astype(object)
            peak.loc[peak["region_code"].astype(str) == code, k] = v
        ctx.peak = peak
        return _text(report.peak_outlook(ctx))

    def test_states_the_trend_its_range_and_the_required_path(self, ctx):
        html = self._with(ctx, "330100", growth_pct=2.1, growth_low_pct=-0.4,
                          growth_high_pct=3.0, required_change_pp=-0.35, data_end_year=2025,
                          classification="rising", on_track=False)
        assert "趋势增速为+2.1%/年（估计区间−0.4%至+3.0%）" in html
        # not on track: the required path, drawn in the chart, with its numbers
        assert "增速自+2.1%/年起每年等量回落0.35个百分点，至2030年降为零" in html
        assert "国家单列项目占" not in html
        on_track = self._with(ctx, "330100", classification="rising", on_track=True)
        assert "所需路径（" not in on_track  # no sentence about a path nobody needs

    def test_state_listed_paragraph_when_they_dominate(self, ctx):
        html = self._with(ctx, "330100", state_listed_dominant=True, state_listed_share_pct=62.4,
                          state_listed_share_of_change_pct=85.0, label_zh="仍在上升",
                          projected_peak_year=2034, excl_label_zh="已达峰",
                          excl_projected_peak_year=None)
        assert "杭州市2025年工业二氧化碳排放中，国家单列项目占62%" in html
        assert "2020年以来排放增量的85%来自国家单列项目" in html
        assert "计入国家单列项目，研判为仍在上升（推算约2034年达峰）" in html
        assert "不计国家单列项目，研判为已达峰。" in html
        html = self._with(ctx, "330100", state_listed_dominant=True,
                          state_listed_share_of_change_pct=111.0, excl_projected_peak_year=2020)
        assert "增加全部来自国家单列项目，其余工业排放有所下降" in html and "111%" not in html
        assert "推算约2020年" not in html  # a year already past is not a projection
        html = self._with(ctx, "330100", state_listed_dominant=False)
        assert "国家单列项目占" not in html


def test_province_peak_table_shows_each_citys_own_light(run_dir):
    ctx = report.load(run_dir, "330000", 2025)
    peak = ctx.peak.copy()
    peak["status"] = peak["classification"].map(
        {"peaked": "green", "plateau": "yellow", "rising": "red"})
    ctx.peak = peak
    table = _text(report.peak_outlook(ctx)).split('class="peak-cities"')[1]
    row = next(r for r in table.split("<tr>") if "平台期" in r)
    assert 'class="light yellow"' in row and "尚未确认达峰" in row
    assert 'class="light red"' in table and 'class="light green"' in table
