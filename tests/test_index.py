"""index.html: every region, its headline lights, quality verdict and links; offline."""

import re

from test_report_fixtures import make_run_dir

from carbonpeak import reference
from carbonpeak.report import index


def test_index_lists_every_region_with_lights_verdict_and_links(tmp_path):
    d = make_run_dir(tmp_path / "2025")
    for code in ("330000", "330100"):
        (d / code).mkdir()
        for name in ("report.html", "report.pdf", f"indicators-{code}.csv",
                     f"indicators-{code}.xlsx"):
            (d / code / name).write_text("x", encoding="utf-8")
    html = index.render(d, 2025)
    assert 'lang="zh-CN"' in html and html.count("<h1") == 1
    for r in reference.regions():
        assert r["name"] in html
    for name in ("report.html", "report.pdf", "indicators-330100.csv", "indicators-330100.xlsx"):
        assert f'href="330100/{name}"' in html
    assert 'href="330200/report.html"' not in html and "报告未生成" in html
    assert 'class="light red">红<' in html  # 舟山's planted rise
    assert "通过（有提示）" in html  # 舟山's quality verdict
    assert "示例数据，非官方统计" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html)
    assert "<script" not in html.lower()


def test_peak_column_says_the_judgement_and_marks_a_forecast():
    import pandas as pd

    row = pd.Series({"unit": "年", "value": float("nan"), "note": "平台期，按近年趋势2030年前不能达峰"})
    assert index.headline_value(row, 2025) == "平台期"
    row = pd.Series({"unit": "年", "value": 2026.0, "note": "仍在上升，按近年增速变化趋势推算2026年达峰"})
    assert index.headline_value(row, 2025) == "仍在上升，预计2026年达峰"
    row = pd.Series({"unit": "年", "value": 2021.0, "note": "已于2021年达峰（615万吨），此后下降"})
    assert index.headline_value(row, 2025) == "已于2021年达峰"
