"""One CO2 scope rule: every CO2 figure says whether it includes 国家单列项目, and a region
with such projects shows its CO2 intensity on both scopes where it is graded or ranked.
舟山 (330900) has 国家单列项目 in the sample."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import pdf_text

from carbonpeak import brief, reference
from carbonpeak.indicators.emissions import reduction_incl_state_listed

ZHOUSHAN, YEAR = "330900", 2025
FIXTURE = Path(__file__).parent / "fixtures" / "monthly_run"
SCOPE = reference.co2_scope()


def test_intensity_with_state_listed_by_hand():
    # excl intensity 2.0 -> 1.5 (−25 %); CO2 with/without: base 110/100, year 180/120.
    # With them: 2.0·1.1 = 2.2 -> 1.5·1.5 = 2.25, a rise of 2.27 %.
    co2 = pd.DataFrame({"region_code": ["1", "1"], "year": [2020, 2025],
                        "co2_total": [110.0, 180.0], "co2_excl_state_listed": [100.0, 120.0]})
    v = reduction_incl_state_listed(co2, "1", 2025, 2020, 1.5, 2.0)
    assert v == pytest.approx((1 - 2.25 / 2.2) * 100)
    none = co2.assign(co2_total=co2["co2_excl_state_listed"])
    assert reduction_incl_state_listed(none, "1", 2025, 2020, 1.5, 2.0) is None


def _figures(out: Path) -> tuple[pd.Series, str]:
    """(舟山's CO2 of the year on both scopes, its CO2 intensity change with 单列, in words),
    recomputed from co2_series.csv and indicators.csv by the documented formula."""
    run = out / str(YEAR)
    co2 = pd.read_csv(run / "co2_series.csv", dtype={"region_code": str}).set_index(
        ["region_code", "year"])
    ind = pd.read_csv(run / "indicators.csv", dtype={"region_code": str})
    r = ind[(ind["region_code"] == ZHOUSHAN)
            & (ind["indicator_id"] == "co2_intensity_reduction")].iloc[0]
    t, x = co2.loc[(ZHOUSHAN, YEAR)], co2.loc[(ZHOUSHAN, 2020)]
    with_ = (1 - (r["level"] * t["co2_total"] / t["co2_excl_state_listed"])
             / (r["level_baseline"] * x["co2_total"] / x["co2_excl_state_listed"])) * 100
    change = f"{'下降' if with_ >= 0 else '上升'}{abs(with_):.1f}%"
    return t, change


@pytest.mark.slow
def test_annual_report_labels_every_co2_figure_of_a_region_with_state_listed(rendered_run):
    t, change = _figures(rendered_run.out)
    text = pdf_text(rendered_run.out / str(YEAR) / ZHOUSHAN / "report.pdf").replace("\n", "")
    total, excl = f"{t['co2_total']:.0f}", f"{t['co2_excl_state_listed']:.0f}"
    # the outlook's CO2 figure (page 1 and the peak section) names its scope, and gives the other
    assert text.count(f"{YEAR}年排放{total}万吨（含国家单列项目；不含国家单列项目{excl}万吨）") == 2
    assert f"排放{total}万吨。" not in text and f"排放{total}万吨；" not in text
    # the graded, ranked intensity (without them) shows the intensity with them beside it
    pair = f"舟山市含国家单列项目的强度较2020年{change}（不参与评级和排名）"
    assert pair in text
    assert f"含国家单列项目，强度较2020年{change}" in text  # the overview note
    # the method annex states the policy basis
    assert SCOPE["basis"] in text
    # the province report: the league table of CO2 intensity carries the same pair
    prov = pdf_text(rendered_run.out / str(YEAR) / reference.province_code() / "report.pdf")
    assert pair in prov.replace("\n", "")


def test_brief_labels_every_co2_figure_and_gives_both_annual_figures(tmp_path, clean_run):
    run = tmp_path / "2026-10"
    shutil.copytree(FIXTURE, run)
    ctx = brief.load(run, ZHOUSHAN, "2026-10")
    co2 = pd.read_csv(clean_run / "co2_series.csv", dtype={"region_code": str})
    ctx.co2_base = co2[(co2["year"] == YEAR) & co2["region_code"].isin([ZHOUSHAN])]
    t = ctx.co2_base.iloc[0]
    lights, moves = str(brief.lights(ctx)), str(brief.moves(ctx))
    html = lights + moves + str(brief.rest_of_year(ctx)) + str(brief.notes(ctx))
    # the lights table: each CO2 indicator's name cell names the scope
    cells = re.findall(r'<th scope="row" class="name">(.*?)</th>', lights)
    co2 = [c for c in cells if "二氧化碳" in c]
    assert len(co2) == 2 and all(SCOPE["excl"] in c for c in co2)
    # every sentence with a CO2 figure: the moves, the province's figures under the table
    lines = re.findall(r"(?:单位工业增加值二氧化碳排放|工业二氧化碳排放总量)[^；。<]*?\d[^；。<]*", moves)
    lines += re.findall(r"(?:单位工业增加值二氧化碳排放|工业二氧化碳排放总量)[^；。<]*?万吨", lights)
    assert lines and all(SCOPE["excl"] in x for x in lines), lines
    # the notes state the scope, its basis and last year's figure on both scopes
    assert SCOPE["basis"] in html
    assert (f"舟山市{YEAR}年全年工业二氧化碳排放不含国家单列项目为"
            f"{t['co2_excl_state_listed']:,.1f}万吨（本简报口径），含国家单列项目为"
            f"{t['co2_total']:,.1f}万吨") in html
