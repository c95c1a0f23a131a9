"""Section templates rendered from small, hand-written view models: the HTML a reader gets
is reviewed here like code (golden fragments in tests/golden/). Run with
CARBONPEAK_UPDATE_GOLDEN=1 to rewrite a fragment after an intended change, then review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from carbonpeak import status
from carbonpeak.report import view

GOLDEN = Path(__file__).parent / "golden"

CHART = {"src": "data:image/svg+xml;base64,PHN2Zy8+", "alt": "折线图：示例", "caption": "",
         "cls": "chart", "width_mm": 177.8}

FIXTURES = {
    "cover": {"banner": "示例数据，非官方统计", "title": "杭州市工业领域碳达峰进度报告（2025年）",
              "region": "杭州市", "code": "330100", "year": 2025, "vintage": "2025年快报",
              "verdict": "通过", "generated": "2026-03-01", "period": "",
              "kicker": "浙江省工业领域碳达峰年度进度报告",
              "basis": "依据《浙江省工业领域碳达峰实施方案》（2023年2月）"},
    "summary": {"messages": ["2025年共评价3项指标：绿灯1项、黄灯1项、红灯1项。",
                             "落后于序时进度的目标：A差1.5个百分点，黄灯。"],
                "tallies": [{"status": "green", "n": 1}, {"status": "yellow", "n": 1},
                            {"status": "red", "n": 1}, {"status": "not_rated", "n": 0}],
                "not_applicable": 2},
    "overview": {"main_year": 2025, "words": view.words(False), "peers": "设区市",
                 "not_provided": "", "notes": [
        {"id": "fn-330100-1", "mark": "①", "name": "绿色工厂", "reason": "未分解到市"}],
        "rows": [{"group": "二　主要目标"},
                 {"name": "规上单位工业增加值能耗较2020年下降", "ref": "", "judged": "",
                  "value": "20.8%", "value_note": "", "target": "16.0%", "stretch": "力争18.0%",
                  "target_note": "", "required": "16.0%", "status": "green", "word": "达到进度",
                  "na": False, "fn": None, "prev": "yellow", "delta": "+3.6", "rank": "3/11",
                  "stretch_target": False},
                 {"name": "绿色工厂", "ref": "三（四）1", "judged": "", "value": "111家",
                  "value_note": "2021年起认定的累计数", "target": "—", "stretch": "", "target_note": "",
                  "required": "—", "status": "not_rated", "word": "", "na": False,
                  "fn": {"href": "#fn-330100-1", "mark": "①"}, "prev": None, "delta": "—",
                  "rank": "—", "stretch_target": False},
                 {"name": "印染水重复利用率", "ref": "", "judged": "", "value": "—",
                  "value_note": "", "target": "50.0%", "stretch": "", "target_note": "",
                  "required": "50.0%", "status": "not_rated", "word": "不适用", "na": True,
                  "fn": None, "prev": None, "delta": "—", "rank": "—",
                  "stretch_target": False}],
        "legend": status.legend_text({"no_local_target", "not_applicable"}, "表下编号注释")},
    "next_steps": {"region": "杭州市", "here": "本市", "items": [
        {"name": "印染水重复利用率", "status": "red", "gap": "4.0个百分点",
         "pace": "目标年（2025年）已到，距50.0%的目标尚差4.0个百分点",
         "lead": "市经信局（省级牵头：省经信厅）",
         "actors": ["碳效4—5级能耗最大的企业：<b>甲</b>印染（5级）"], "higher": True}]},
    "barometer": {"year": 2025, "n_cities": 11,
                  "text": "主要目标落后于序时进度的设区市（1个）：舟山市2项。",
                  "heads": [{"name": "单位工业增加值能耗下降", "unit": "%", "target": "16.0%"}],
                  "rows": [{"name": "浙江", "total": True, "cells": [
                      {"value": "14.9", "completion": "93%", "status": "yellow", "delta": "+3.3"}]},
                      {"name": "舟山", "total": False, "cells": [
                          {"value": "−6.5", "completion": "−40%", "status": "red",
                           "delta": "+2.4"}]}]},
    "sectors": {"s": {"year": 2025, "base": 2020, "chart": CHART, "has_other": True, "rows": [
        {"name": "化工", "energy": "118.3", "share": "40.0%", "intensity": "1.234",
         "change": "−20.5%", "other": False},
        {"name": "其他工业", "energy": "300.0", "share": "—", "intensity": "0.400",
         "change": "+1.0%", "other": True}]}},
    "downloads": {"scope": "杭州市", "holds": view.words(False)["downloads"], "files": [
        {"name": "indicators-330100.xlsx", "label": "Excel工作簿"},
        {"name": "indicators-330100.csv", "label": "CSV"}]},
}


def _norm(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", html).strip() + "\n"


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_section_matches_its_golden_fragment(name):
    html = _norm(str(view.section(name, **FIXTURES[name])))
    path = GOLDEN / f"{name}.html"
    if os.environ.get("CARBONPEAK_UPDATE_GOLDEN"):
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8")


def test_data_is_escaped_by_the_template():
    html = str(view.section("next_steps", **FIXTURES["next_steps"]))
    assert "&lt;b&gt;甲&lt;/b&gt;印染" in html and "<b>" not in html


def test_not_applicable_is_said_and_not_counted_as_unrated():
    html = str(view.section("overview", **FIXTURES["overview"]))
    assert '<span class="light na">不适用</span>' in html
    assert html.count('class="fn"') == 1  # only the genuinely unrated row has a note
    summary = str(view.section("summary", **FIXTURES["summary"]))
    assert "不适用</span><strong>2</strong>" in summary
    assert 'class="light not_rated">未评级</span><strong>0</strong>' in summary


def test_numbers_and_units_do_not_break_across_lines():
    html = str(view.section("overview", **FIXTURES["overview"]))
    assert '<span class="nb">20.8%</span>' in html and '<span class="nb">（力争18.0%）</span>' in html


def test_notebook_display_carries_the_report_stylesheet_scoped():
    h = view.section("cover", **FIXTURES["cover"])
    shown = h._repr_html_()
    assert shown.startswith("<style data-carbonpeak-notebook>@scope (.cp-report)")
    assert ".light.green::before" in shown and '<div class="cp-report">' in shown
    from carbonpeak.run import render

    assert render.without_notebook_style(shown) == f'<div class="cp-report">{h}</div>'


def test_no_python_module_of_the_report_builds_html():
    """Markup lives in templates: no tag literal in the report package (charts and index
    included) or the quality package (the Data Docs index). run/contents.py only writes
    an id attribute into headings the template made."""
    root = Path(__file__).resolve().parent.parent / "carbonpeak"
    files = [*sorted((root / "report").glob("*.py")), *sorted((root / "quality").glob("*.py"))]
    tag = re.compile(r"""["'f]<(?:/?)(?:p|div|span|table|tr|td|th|ul|ol|li|h[1-6]|a|figure|img|br|section|nav|strong)\b""")
    offenders = [f"{f.name}: {m.group(0)}" for f in files for m in tag.finditer(f.read_text())]
    assert offenders == []


def test_section_headings_live_in_the_phrase_file_not_in_the_notebooks():
    """The report notebooks hold code only; each section call brings its heading (h2, so the
    contents list it; the tile map's h3 is not listed) and its introduction."""
    import json

    from carbonpeak.paths import NOTEBOOKS_DIR
    from carbonpeak.run import render

    for name in ("04_report", "05_province"):
        cells = json.loads((NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        assert {c["cell_type"] for c in cells} == {"code"}, name
    words = view.phrases()["sections"]
    page = "".join(str(view.headed(k, view.HTML(""))) for k in words)
    listed = re.findall(r'<li><a href="#sec-\d+">([^<]*)</a>', render.add_contents(
        '<nav class="toc"><p class="toc-title">目录</p></nav>' + page))
    assert listed == [w["heading"] for w in words.values()
                      if w.get("heading") and w.get("level", 2) == 2]
    progress = str(view.headed("overview", view.HTML(""), mode=view.words(False)))
    final = str(view.headed("overview", view.HTML(""), province=True, mode=view.words(True)))
    assert "全部指标的实际值、目标、序时进度要求、状态" in progress
    assert "全部指标的实际值、目标、目标要求、状态" in final and "序时进度" not in final
    for name in ("groups", "enterprises"):  # the province's own introduction
        assert words[name]["intro_province"] in str(view.headed(name, view.HTML(""), True))
    # 下一步工作 in each mode's words: pace in a progress year, the end result in a final one
    progress = str(view.headed("next_steps", view.HTML(""), mode=view.words(False)))
    final = str(view.headed("next_steps", view.HTML(""), mode=view.words(True)))
    assert "落后（黄灯）和明显落后（红灯）的指标：差距有多大、到目标年每年需要达到的进度" in progress
    assert "未完成（黄灯、红灯）的指标：终期差距" in final
    assert "每年需要达到的进度" not in final and "落后" not in final
