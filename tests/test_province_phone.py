"""The province's 晴雨表 and league tables on a 390 px phone: columns are prioritised (a
figure that steps back is carried by another cell), so the tables never scroll sideways;
on paper and on a wide screen they keep every column."""

import re

from carbonpeak.report import view

CELL = {"value": "14.9", "completion": "93%", "status": "yellow", "delta": "+3.3"}
HEADS = [{"name": n, "unit": "%", "target": "16.0%"} for n in ("能耗下降", "碳排放下降", "标杆比例")]


def _rows(html, part):
    body = html[html.index(f"<{part}>"):html.index(f"</{part}>")]
    return re.findall(r"<tr([^>]*)>(.*?)</tr>", body, flags=re.S)


def _phone_cells(row_html):
    cells = re.findall(r"<t[hd]([^>]*)>", row_html)
    return [c for c in cells if "not-phone" not in c]


def test_barometer_on_a_phone_keeps_two_columns_per_target_and_every_figure():
    html = view.render("sections/barometer.html.j2", year=2025, text="", heads=HEADS, rows=[
        {"name": "浙江", "total": True, "cells": [CELL] * 3}])
    head = _rows(html, "thead")
    phone_head = [cells for attrs, cells in head if "not-phone" not in attrs]
    spans = [int(x) for x in re.findall(r'colspan="(\d)"', phone_head[0])]
    assert spans == [2, 2, 2]
    (attrs, row), = _rows(html, "tbody")
    assert len(_phone_cells(row)) == 1 + 2 * len(HEADS)
    # the figures of the columns that step back reappear in the cells that stay
    kept = re.sub(r'<td class="num not-phone">[^<]*</td>', "", row)
    assert kept.count("93%") == 3 and kept.count("+3.3") == 3
    wide = re.sub(r'<span class="phone-only[^"]*">[^<]*</span>', "", row)
    assert wide.count("93%") == 3 and wide.count("+3.3") == 3  # paper: once each, in columns


def _league(required):
    rows = [{"rank": str(i + 1), "name": n, "value": "20.8%", "required": r, "status": "green",
             "word": "达到序时进度", "delta": "+3.6个百分点"}
            for i, (n, r) in enumerate(zip(("杭州市", "宁波市"), required, strict=True))]
    common = required[0] if len(set(required)) == 1 else None
    return view.render("sections/league.html.j2",
                       tables=[{"name": "能耗下降", "rows": rows, "required_common": common}],
                       words=view.words(False))


def test_league_says_a_common_requirement_once_on_a_phone():
    html = _league(["16.0%", "16.0%"])
    assert re.search(r'<p class="note phone-only">序时进度要求[^<]*<span class="nb">16\.0%</span></p>', html)
    assert html.count('class="num not-phone"') == 3  # the column steps back: header + 2 rows
    # differing requirements (a city's own target) keep the column everywhere
    html = _league(["16.0%", "18.0%"])
    assert "not-phone" not in html and "phone-only" not in html


def test_stylesheet_hides_phone_cells_on_paper_and_wide_cells_on_a_phone():
    css = view.css()
    assert re.search(r"(^|\n)\.phone-only \{ display: none; \}", css)
    phone = [m.group(1) for m in re.finditer(
        r"@media screen and \(max-width: 40rem\) \{(.*?)\n\}", css, flags=re.S)]
    assert any(".not-phone { display: none; }" in block for block in phone)
    assert any("table.league { min-width: 0; }" in block for block in phone)
