"""The monthly 1–N月 barometer brief (晴雨表简报), from the hand-made fixture run_dir in
tests/fixtures/monthly_run/ (1–10月 2026: 舟山 red, 衢州 yellow with estimated CO2, 杭州
green with an illustrative budget and a revised 1–8月 figure, 丽水's CO2 intensity not rated).
Golden fragments in tests/golden/brief_*.html: CARBONPEAK_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from carbonpeak import brief, reference
from carbonpeak.brief import wording
from carbonpeak.period import Period

FIXTURE = Path(__file__).parent / "fixtures" / "monthly_run"
GOLDEN = Path(__file__).parent / "golden"
P = Period.parse("2026-10")
CITIES = reference.children(reference.province_code())


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A copy of the fixture: downloads are written beside the brief, never into tests/."""
    run = tmp_path_factory.mktemp("monthly") / "2026-10"
    shutil.copytree(FIXTURE, run)
    return run


def ctx_of(run_dir, code):
    return brief.load(run_dir, code, "2026-10")


# ---- moves in the NDRC wording ------------------------------------------------------------

MOVES = {
    ("green", "green"): ("与上月持平", "与上月持平（三级预警）"),
    ("yellow", "yellow"): ("与上月持平", "与上月持平（二级预警）"),
    ("red", "red"): ("与上月持平", "与上月持平（一级预警）"),
    ("green", "yellow"): ("由绿转黄", "由绿转黄（由三级升为二级预警）"),
    ("green", "red"): ("由绿转红", "由绿转红（由三级升为一级预警）"),
    ("yellow", "red"): ("由黄转红", "由黄转红（由二级升为一级预警）"),
    ("yellow", "green"): ("由黄转绿", "由黄转绿（由二级降为三级预警）"),
    ("red", "green"): ("由红转绿", "由红转绿（由一级降为三级预警）"),
    ("red", "yellow"): ("由红转黄", "由红转黄（由一级降为二级预警）"),
    ("not_rated", "red"): ("上月未评级", "上月未评级"),
    ("not_rated", "green"): ("上月未评级", "上月未评级"),
    ("green", "not_rated"): ("本月未评级（上月为绿灯）", "本月未评级（上月为绿灯）"),
    ("red", "not_rated"): ("本月未评级（上月为红灯）", "本月未评级（上月为红灯）"),
    ("not_rated", "not_rated"): ("连续未评级", "连续未评级"),
    (None, "yellow"): ("上月无评级", "上月无评级"),
}


@pytest.mark.parametrize("pair", sorted(MOVES, key=str))
def test_move_wording_for_every_pair_of_statuses(pair):
    m = wording.move(*pair)
    assert (m["short"], m["full"]) == MOVES[pair]


def test_move_direction():
    assert wording.move("green", "red")["direction"] == "worse"
    assert wording.move("red", "yellow")["direction"] == "better"
    assert wording.move("red", "red")["direction"] == "same"


@pytest.mark.parametrize("prev", ["green", "red", None, "not_rated"])
def test_first_period_of_the_year_has_no_move(prev):
    m = wording.move(prev, "red", first=True)
    assert m["short"] == m["full"] == "本年首期"


def test_first_period_from_the_data(run_dir, tmp_path):
    """1–2月: previous_period blank -> 本年首期, and no 与上月相比 comparison."""
    run = tmp_path / "run"
    shutil.copytree(FIXTURE, run)
    bar = pd.read_csv(run / "barometer.csv", dtype=str)
    bar["period"], bar["previous_period"], bar["previous_status"] = "2026-02", "", ""
    bar.to_csv(run / "barometer.csv", index=False)
    ctx = brief.load(run, "330900", "2026-02")
    assert str(brief.lights(ctx)).count('<td class="move first" data-label="较上月">本年首期</td>') == 3
    assert "本期为本年首期（1—2月），没有上月可比。" in str(brief.moves(ctx))
    # history holds only 1–2月: nothing dated after the period reaches the brief
    assert set(ctx.history["period"]) == {"2026-02"}


# ---- the rest-of-year requirement ---------------------------------------------------------

def row(ind, **kw):
    names = {"energy_intensity": "单位工业增加值能耗", "co2_total": "工业二氧化碳排放总量"}
    return {"indicator_id": ind, "name_zh": names[ind], **kw}


def test_rest_of_year_intensity_negative_requirement():
    # 1–10月 −1.5% against a 2.8% target; 11–12月 weigh 19%: (−2.8 − 0.81 × −1.5)/0.19 = −8.3
    text = wording.rest_sentence(row("energy_intensity", rest_required=-8.3), P)
    assert text == "全年完成目标，11—12月单位工业增加值能耗需较上年同期下降8.3%。"


def test_rest_of_year_intensity_positive_requirement():
    text = wording.rest_sentence(row("energy_intensity", rest_required=2.8), P)
    assert text == "全年完成目标，11—12月单位工业增加值能耗较上年同期上升不超过2.8%即可。"


def test_rest_of_year_total_co2():
    # budget 2,880, 1–10月 2,480 -> 400 left for 11–12月, 26.9% below last year's same months
    fall = wording.rest_sentence(row("co2_total", rest_required=400.0, rest_change=-26.9), P)
    assert fall == ("全年不超出碳排放预算，11—12月工业二氧化碳排放（不含国家单列项目）不能超过400.0万吨，"
                    "需较上年同期下降26.9%。")
    rise = wording.rest_sentence(row("co2_total", rest_required=1011.5, rest_change=20.7), P)
    assert rise.endswith("不能超过1,011.5万吨，较上年同期增长不超过20.7%即可。")
    over = wording.rest_sentence(row("co2_total", rest_required=-35.0, rest_change=None), P)
    assert over.startswith("1—10月排放已超出全年碳排放预算35.0万吨")


def test_rest_of_year_months():
    assert wording.months_left(Period.parse("2026-11")) == "12月"
    assert wording.rest_sentence(row("energy_intensity", rest_required=None),
                                 Period.parse("2026-12")) == "本期为全年数据，没有剩余月份。"


def test_rest_of_year_only_for_red_and_yellow(run_dir):
    html = str(brief.rest_of_year(ctx_of(run_dir, "330800")))  # two yellow, one green
    assert html.count("<li>") == 2 and "工业二氧化碳排放不能超过" not in html
    green = str(brief.rest_of_year(ctx_of(run_dir, "330100")))
    assert "本期各项指标均为绿灯，无需额外追赶。" in green


# ---- the city brief -----------------------------------------------------------------------

def test_value_wording():
    assert wording.value_text(-2.3, "energy_intensity") == "较上年同期下降2.3%"
    assert wording.value_text(1.8, "co2_intensity") == "较上年同期上升1.8%"
    assert wording.value_text(0.04, "co2_intensity") == "与上年同期持平"
    assert wording.value_text(38750, "co2_total") == "38,750.0万吨"


def test_city_title_and_cover(run_dir):
    ctx = ctx_of(run_dir, "330900")
    assert brief.title("330900", "2026-10") == "舟山市工业领域能耗双控和碳排放晴雨表（2026年1—10月）"
    html = str(brief.cover(ctx))
    assert "十五五时期（2026—2030年）第1年" in html
    assert ("2026年1—10月，舟山市三项指标：单位工业增加值能耗红灯、单位工业增加值二氧化碳排放红灯、"
            "工业二氧化碳排放总量红灯。") in html
    assert "示例数据，非官方统计" in html


def test_lights_show_shape_word_level_move(run_dir):
    html = str(brief.lights(ctx_of(run_dir, "330900")))
    assert '<span class="light red">红</span>' in html and "一级预警" in html
    assert "较上年同期上升1.8%" in html and "全年目标下降2.5%" in html
    assert "由黄转红" in html
    assert "1—10月预算2,347.2万吨（全年预算2,880.0万吨按上年各月排放分布分摊）" in html


def test_estimated_co2_is_labelled(run_dir):
    html = str(brief.lights(ctx_of(run_dir, "330800")))
    assert html.count('<span class="tag est">估算</span>') == 2  # CO2 intensity and total
    assert "按综合能源消费量和用电量、采用上年排放因子估算" in html
    assert "估算" not in str(brief.lights(ctx_of(run_dir, "330900")))


def test_illustrative_targets_and_their_source(run_dir):
    html = str(brief.lights(ctx_of(run_dir, "330100")))
    assert html.count("示例值</span>") == 3
    assert "目标来源：单位工业增加值能耗、单位工业增加值二氧化碳排放、工业二氧化碳排放总量：示例值（非正式文件）" in html
    quzhou = str(brief.lights(ctx_of(run_dir, "330800")))
    assert quzhou.count("示例值</span>") == 1  # only the carbon budget
    assert "省发展改革委2026年能耗双控目标分解（示例来源）" in quzhou


def test_revision_statement(run_dir):
    html = str(brief.revision(ctx_of(run_dir, "330100")))
    assert "1—8月综合能源消费量（扣除原料用能）由412.6万吨标准煤修订为418.9万吨标准煤" in html
    assert str(brief.revision(ctx_of(run_dir, "330900"))).strip() == ""


def test_what_moved_since_last_month(run_dir):
    html = str(brief.moves(ctx_of(run_dir, "330900")))
    # 1—9月 is −1.25: 四舍五入 prints 1.3 (the float's half-even would print 1.2)
    assert ("单位工业增加值能耗：1—10月较上年同期上升1.8%，1—9月较上年同期下降1.3%；"
            "由黄转红（由二级升为一级预警）。") in html


def test_history_strip(run_dir):
    html = str(brief.history(ctx_of(run_dir, "330900")))
    months = re.findall(r"<th>(1—\d+月)</th>", html)
    assert months == [f"1—{m}月" for m in range(2, 11)]
    energy = html.split("单位工业增加值能耗</th>")[1].split("</tr>")[0]
    assert re.findall(r'light (\w+)"', energy) == [
        "green", "green", "yellow", "yellow", "red", "red", "red", "yellow", "red"]


def test_no_sector_data_is_said_plainly(run_dir):
    assert "本期未提供分行业月度数据" in str(brief.sectors(ctx_of(run_dir, "330900")))


def test_rule_text_comes_from_the_grading_preset(run_dir):
    html = str(brief.notes(ctx_of(run_dir, "330900")))
    assert "较上年同期不降反升为红灯（一级预警）" in html


# ---- confidentiality -----------------------------------------------------------------------

def _other_city_marks(code: str) -> set[str]:
    """Names and distinctive values of every other city."""
    bar = pd.read_csv(FIXTURE / "barometer.csv", dtype={"region_code": str})
    own = bar[bar["region_code"].isin([code, reference.province_code()])]
    own_values = set(own["value"].dropna()) | set(own["required"]) | set(own["annual_target"])
    marks = set()
    for r in reference.regions():
        if r["region_code"] not in (code, reference.province_code()):
            marks |= {r["name"], r["short_name"]}
    others = bar[~bar["region_code"].isin([code, reference.province_code()])]
    for col in ("value", "required", "annual_target"):
        for v in others[col].dropna():
            if v not in own_values and abs(v) >= 100:  # 万吨 figures are distinctive
                marks.add(wording.amount(v))
    return marks


def test_city_brief_holds_no_other_city(run_dir):
    code = "330900"
    ctx = ctx_of(run_dir, code)
    assert set(ctx.barometer["region_code"]) == {code, reference.province_code()}
    assert set(ctx.history["region_code"]) <= {code, reference.province_code()}
    out = run_dir / code
    html = "".join(str(f(ctx)) for f in (
        brief.cover, brief.revision, brief.lights, brief.figures, brief.moves, brief.rest_of_year,
        brief.history, brief.sectors, brief.notes)) + str(brief.downloads(ctx, out))
    texts = [html] + [(out / n).read_text(encoding="utf-8-sig") for n, _ in
                      brief.download_files(code) if n.endswith(".csv")]
    xlsx = pd.read_excel(out / f"barometer-{code}.xlsx", sheet_name=None)
    texts += [df.to_csv() for df in xlsx.values()]
    marks = _other_city_marks(code)
    assert "杭州市" in marks and "3,398.5" in marks
    for text in texts:
        assert [m for m in marks if m in text] == []


def test_downloads_neutralise_cells_and_keep_own_rows(run_dir, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(FIXTURE, run)
    bar = pd.read_csv(run / "barometer.csv", dtype=str)
    bar.loc[bar["region_code"] == "330900", "target_source_zh"] = "=HYPERLINK(\"x\")"
    bar.to_csv(run / "barometer.csv", index=False)
    ctx = brief.load(run, "330900", "2026-10")
    html = str(brief.downloads(ctx, run / "330900"))
    assert 'href="barometer-330900.xlsx"' in html and 'href="barometer-330900-zh.csv"' in html
    en = pd.read_csv(run / "330900" / "barometer-330900.csv", dtype=str)
    assert set(en["region_code"]) == {"330900"} and len(en) == 3
    assert set(en["target_source_zh"]) == {"'=HYPERLINK(\"x\")"}
    zh = pd.read_csv(run / "330900" / "barometer-330900-zh.csv", dtype=str)
    assert {"地区", "指标", "灯号", "估算", "示例值"} <= set(zh.columns)
    wb = pd.read_excel(run / "330900" / "barometer-330900.xlsx", sheet_name=None)
    assert list(wb) == ["晴雨表", "逐月灯号", "说明"]
    assert set(wb["逐月灯号"]["地区代码"].astype(str)) == {"330900"}


# ---- the province brief --------------------------------------------------------------------

def test_province_table_has_every_city_and_indicator(run_dir):
    ctx = ctx_of(run_dir, reference.province_code())
    html = str(brief.barometer(ctx))
    body = html.split("<tbody>")[1]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', body)
    assert rows == [reference.region_name(c) for c in reference.region_codes()]
    for r in body.split("</tr>")[:-1]:
        assert len(re.findall(r'class="st"><span class="light', r)) == 3
    assert "亮红灯（一级预警）的设区市：舟山市（能耗强度、碳排放强度、碳排放总量）。" in html
    assert "亮黄灯（二级预警）的设区市：衢州市（能耗强度、碳排放强度）。" in html
    assert "衢州市能耗强度由绿转黄" in html and "舟山市能耗强度由黄转红" in html


def test_province_history_is_cities_by_months(run_dir):
    html = str(brief.province_history(ctx_of(run_dir, reference.province_code())))
    assert html.count("<table") == 3
    for table in html.split("<table")[1:]:
        assert len(re.findall(r'<th scope="row">', table)) == 12
        assert len(re.findall(r"<th>1—\d+月</th>", table)) == 9


# ---- golden fragments -----------------------------------------------------------------------

GOLDEN_SECTIONS = {
    "cover": ("330900", brief.cover), "lights": ("330800", brief.lights),
    "moves": ("330900", brief.moves), "rest": ("330900", brief.rest_of_year),
    "history": ("330900", brief.history), "revision": ("330100", brief.revision),
    "sectors": ("330900", brief.sectors), "notes": ("330900", brief.notes),
    "province_table": ("330000", brief.barometer),
}


def _norm(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", html).strip() + "\n"


@pytest.mark.parametrize("name", sorted(GOLDEN_SECTIONS))
def test_brief_section_matches_its_golden_fragment(name, run_dir):
    code, fn = GOLDEN_SECTIONS[name]
    html = _norm(str(fn(ctx_of(run_dir, code))))
    path = GOLDEN / f"brief_{name}.html"
    if os.environ.get("CARBONPEAK_UPDATE_GOLDEN"):
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8")


def test_key_figures_of_the_period(run_dir):
    """舟山 1–10月: energy 542.1 against 500.0 last year = +8.4%; value added +6.5%; so the
    intensity rose: 542.1 / 500.0 / 1.065 − 1 = +1.8%, the energy-intensity light's value."""
    html = str(brief.figures(ctx_of(run_dir, "330900")))
    energy = html.split("综合能源消费量（扣除原料用能）")[1].split("</tr>")[0]
    assert re.findall(r'class="num">([^<]+)<', energy) == ["542.1", "500.0", "+8.4%"]
    assert round((542.1 / 500.0 / 1.065 - 1) * 100, 1) == 1.8
    assert '<span class="tag est">估算</span>' in str(brief.figures(ctx_of(run_dir, "330800")))


def test_total_co2_rule_states_the_tolerance_from_grading(monkeypatch, run_dir):
    from carbonpeak.brief import front

    ctx = ctx_of(run_dir, "330900")
    cfg = dict(reference.grading(), barometer={"co2_total_yellow_tolerance": 0.03})
    monkeypatch.setattr(front.reference, "grading", lambda: cfg)
    rule = front.notes_view(ctx)["rules"][1]
    assert "不超过预算为绿灯，超出预算的3%以内为黄灯，超出更多为红灯" in rule


def test_a_run_without_barometer_says_so(tmp_path):
    run = tmp_path / "run"
    shutil.copytree(FIXTURE, run)
    (run / "barometer.csv").unlink()
    ctx = brief.load(run, "330900", "2026-10")
    assert "barometer.csv" in ctx.missing
    assert "本期没有舟山市2026年1—10月的晴雨表数据，三项指标未评级。" in str(brief.lights(ctx))
    for section in (brief.cover, brief.moves, brief.rest_of_year, brief.history, brief.notes):
        str(section(ctx))  # renders, says less


def test_revised_input_columns_are_named_in_chinese():
    from carbonpeak.brief.revised import column_label

    assert column_label("energy_consumption") == ("规上工业综合能源消费量", "万吨标准煤")
    assert column_label("feedstock_energy") == ("原料用能", "万吨标准煤")
    assert column_label("not_a_column") == ("该项数据", "")


def test_province_brief_names_each_revised_region(run_dir):
    html = str(brief.revision(ctx_of(run_dir, reference.province_code())))
    assert "杭州市1—8月综合能源消费量（扣除原料用能）由412.6万吨标准煤修订为418.9万吨标准煤" in html


def test_total_co2_says_on_which_side_of_the_budget_it_lies():
    # 1,366.44 against 1,366.42: both print as 1,366.4, the light is yellow: say it is above
    assert wording.budget_gap(1366.4365, 1366.4196, P) == "略高于1—10月预算（不足0.1万吨）"
    assert wording.budget_gap(2480.0, 2347.2, P) == "高于1—10月预算132.8万吨（5.7%）"
    assert wording.budget_gap(2611.0, 2754.7, P) == "低于1—10月预算143.7万吨"
    assert wording.budget_gap(100.0, 100.0, P) == "与1—10月预算持平"


def test_province_table_labels_a_wholly_estimated_column_once(tmp_path):
    run = tmp_path / "run"
    shutil.copytree(FIXTURE, run)
    bar = pd.read_csv(run / "barometer.csv", dtype=str)
    bar["estimated"] = bar["indicator_id"] != "energy_intensity"
    bar.to_csv(run / "barometer.csv", index=False)
    html = str(brief.barometer(brief.load(run, reference.province_code(), "2026-10")))
    head, body = html.split("<tbody>")
    # the heading row exists twice (wide screen and paper; phone): each labels the two once
    labelled = [row for row in head.split("<tr")[1:] if "估算" in row]
    assert len(labelled) == 2 and all(row.count("估算") == 2 for row in labelled)
    assert "估算" not in body
    mixed = str(brief.barometer(ctx_of(FIXTURE, reference.province_code())))
    assert mixed.split("<tbody>")[1].count("估算") == 2  # 衢州's two CO2 cells


def test_no_python_module_of_the_brief_builds_html():
    """Markup lives in templates/brief: no tag literal in carbonpeak/brief."""
    root = Path(__file__).resolve().parent.parent / "carbonpeak" / "brief"
    tag = re.compile(r"""["'f]<(?:/?)(?:p|div|span|table|tr|td|th|ul|ol|li|h[1-6]|a|section|"""
                     r"""header|br|strong)\b""")
    offenders = [f"{f.name}: {m.group(0)}" for f in sorted(root.glob("*.py"))
                 for m in tag.finditer(f.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_light_without_data_reads_as_no_data_in_the_moves(run_dir):
    html = str(brief.moves(ctx_of(run_dir, "331100")))  # 丽水: CO2 intensity not rated
    assert "单位工业增加值二氧化碳排放（不含国家单列项目）：1—10月无数据，1—9月无数据；连续未评级。" in html
