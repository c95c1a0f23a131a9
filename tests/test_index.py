"""index.html: every region, its headline lights, quality verdict and links; offline."""

import re

from test_report_fixtures import make_run_dir

from carbonpeak import index, reference


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
