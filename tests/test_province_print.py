"""On paper: the 示例数据 banner heads every page, not only page 1; the tile map puts each city
roughly where it lies."""

import shutil
import subprocess

import pytest

from carbonpeak.run import render
from carbonpeak.report import province, view

BANNER = "示例数据，非官方统计"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler not installed")
def test_banner_runs_on_every_pdf_page(tmp_path):
    cover = view.render("sections/cover.html.j2", banner=BANNER, title="杭州市工业领域碳达峰进度报告（2025年）",
                        region="杭州市", code="330100", year=2025, vintage="示例", verdict="通过",
                        generated="2026-03-01")
    filler = "".join(f"<h2>第{i}节</h2>" + "<p>正文。</p>" * 30 for i in range(6))
    html = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{view.css()}'
            f'</style></head><body><main class="report cp-report">{cover}{filler}</main></body></html>')
    pdf = tmp_path / "report.pdf"
    render.html_to_pdf(html, pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    assert all(BANNER in p for p in pages), [i + 1 for i, p in enumerate(pages) if BANNER not in p]


def test_tile_map_is_geographically_right():
    at = {code: rc for code, rc in province.TILE_GRID.items()}  # (row from north, column from west)

    def south_of(a, b):
        return at[a][0] > at[b][0] and abs(at[a][1] - at[b][1]) <= 1

    def east_of(a, b):
        return at[a][1] > at[b][1] and abs(at[a][0] - at[b][0]) <= 1

    assert south_of("330300", "331000") and at["330300"][1] == at["331000"][1]  # 温州 under 台州
    assert south_of("331000", "330200")  # 台州 south of 宁波
    assert east_of("330900", "330200")  # 舟山 off 宁波
    assert south_of("330100", "330500") and east_of("330400", "330500")  # 湖州 north, 嘉兴 east
    assert east_of("330700", "330800") and south_of("331100", "330700")  # 衢州 → 金华 → 丽水
    assert len(set(at.values())) == len(at) == 11
