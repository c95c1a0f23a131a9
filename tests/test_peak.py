"""The peak outlook on stylised real-world shapes, on the CEADs city series, and its
consistency: one growth measure drives class, projection, projected peak and required pace."""

import math

import pandas as pd
import pytest

from carbonpeak import reference
from carbonpeak.indicators import peak_series
from carbonpeak.methods import peak
from carbonpeak.paths import ROOT

P = reference.grading()["peak"]
CEADS = ROOT / "tests" / "fixtures" / "ceads" / "zhejiang_cities_co2_1997_2019.csv"


def s(start, values):
    return pd.Series(values, index=range(start, start + len(values)), dtype=float)


RISING = [100 * 1.04**k for k in range(12)]  # 2014..2025, 4 %/yr
SHAPES = {
    # name: (series to 2025, class, status)
    "single_dip_in_rising": (s(2014, RISING[:-1] + [RISING[-2] * 0.92]), "rising", "red"),
    "single_spike_in_plateau": (
        s(2014, [100, 101, 99, 100, 101, 100, 99, 125, 100, 101, 99, 100]), "plateau", "yellow"),
    "long_plateau_below_old_max": (
        s(2010, [100, 110, 120, 105, 100, 101, 99, 100, 102, 100, 99, 101, 100, 100, 101, 99]),
        "plateau", "yellow"),
    "clear_peak_four_years_back": (
        s(2014, [80, 84, 88, 92, 96, 100, 104, 110, 103, 97, 93, 90]), "peaked", "green"),
    "ends_two_years_early": (s(2014, RISING[:10]), "data_ended", "not_rated"),
    "missing_year_in_middle": (s(2014, RISING).drop(2020), "rising", "red"),
    "step_then_slower_growth": (
        s(2014, [100 * 1.04**k for k in range(6)]
          + [100 * 1.04**5 * 1.3 * 1.015**k for k in range(1, 7)]), "rising", "red"),
    "step_then_faster_growth": (
        s(2014, [100 * 1.01**k for k in range(6)]
          + [100 * 1.01**5 * 1.3 * 1.05**k for k in range(1, 7)]), "rising", "red"),
}


@pytest.mark.parametrize("name", SHAPES)
def test_stylised_shape_class_and_status(name):
    series, cls, status = SHAPES[name]
    a = peak.assess(series, 2025, P)
    assert (a["classification"], a["status"]) == (cls, status)
    _consistent(a)


def _consistent(a):
    """Projection, projected peak and required deceleration agree with each other."""
    if a["status"] == "not_rated":
        assert peak.projection(a).empty
        return
    g, n = a["growth_pct"], a["deadline"] - a["data_end_year"]
    assert a["required_change_pp"] == pytest.approx(-max(g, 0) / n)
    proj = peak.projection(a).pivot(index="year", columns="scenario", values="co2")
    assert list(proj.index) == list(range(a["data_end_year"], a["deadline"] + 1))
    req = proj["required"]
    # following the required path, growth falls each year and is zero in the deadline year
    growth = req.pct_change().dropna() * 100
    assert growth.iloc[-1] == pytest.approx(0, abs=1e-9)
    if g > 0:
        assert growth.iloc[0] == pytest.approx(g * (1 - 1 / n))
        assert (growth.diff().dropna() < 0).all()
    trend = proj["trend"].pct_change().dropna() * 100
    assert trend.iloc[0] == pytest.approx(g + a["deceleration_pp"]) if g > 0 else True
    assert (proj["trend_low"] <= proj["trend"] + 1e-9).all()
    assert (proj["trend"] <= proj["trend_high"] + 1e-9).all()
    if a["classification"] == "rising":
        # on track  <=>  projected peak no later than the deadline  <=>  observed
        # deceleration at least the required one
        py = a["projected_peak_year"]
        on_time = py is not None and py <= a["deadline"]
        assert a["on_track"] == on_time
        assert on_time == (a["deceleration_pp"] <= a["required_change_pp"] + 1e-12
                           and a["deceleration_pp"] < 0)
        if py is not None:  # the trend path stops growing in the projected peak year
            assert trend.loc[py] <= 1e-9 and (trend.loc[:py - 1] > 0).all()


def test_single_dip_does_not_change_the_class_or_the_growth():
    base, dipped = s(2014, RISING), SHAPES["single_dip_in_rising"][0]
    a, b = peak.assess(base, 2025, P), peak.assess(dipped, 2025, P)
    assert a["classification"] == b["classification"] == "rising"
    assert b["growth_pct"] == pytest.approx(4.0, abs=0.3)


def test_spike_does_not_become_the_peak():
    a = peak.assess(SHAPES["single_spike_in_plateau"][0], 2025, P)
    assert a["max_value"] < 110  # the 125 spike is not the reference maximum


def test_clear_peak_reports_the_peak_year():
    a = peak.assess(SHAPES["clear_peak_four_years_back"][0], 2025, P)
    assert a["max_year"] == 2021 and a["projected_peak_year"] == 2021


def test_series_ending_early_says_since_when():
    a = peak.assess(SHAPES["ends_two_years_early"][0], 2025, P)
    assert a["data_end_year"] == 2023 and a["status_reason"] == "data_ended"
    assert a["class_at_data_end"] == "rising" and a["projected_peak_year"] is None


def test_missing_year_is_annualised_not_a_step():
    a = peak.assess(SHAPES["missing_year_in_middle"][0], 2025, P)
    assert a["steps"] == [] and a["growth_pct"] == pytest.approx(4.0, abs=1e-6)


def test_step_is_not_growth():
    for name, after in (("step_then_slower_growth", 1.5), ("step_then_faster_growth", 5.0)):
        a = peak.assess(SHAPES[name][0], 2025, P)
        assert [st["year"] for st in a["steps"]] == [2020]
        assert a["growth_late_pct"] == pytest.approx(after, abs=1e-6)
        assert a["growth_pct"] < 6  # the +30 % step is not extrapolated


def test_sustained_slowdown_turns_rising_green_with_a_consistent_peak():
    # growth 6,5,4,3,2,1,0.5,0.5... pp: slows down for years
    rates = [6, 6, 5.5, 5, 4.5, 4, 3, 2, 1.5, 1, 0.8, 0.6]
    vals = [100.0]
    for r in rates[1:]:
        vals.append(vals[-1] * (1 + r / 100))
    a = peak.assess(s(2014, vals), 2025, P)
    assert a["classification"] == "rising" and a["sustained_slowdown"]
    assert a["status"] == "green" and a["projected_peak_year"] <= 2030
    _consistent(a)


def test_backtest_smooth_hump_never_goes_peaked_rising_peaked():
    years = range(1995, 2031)
    hump = pd.Series([100 * math.exp(-((y - 2012) / 12) ** 2) for y in years], index=years)
    seen = [peak.assess(hump, y, P)["classification"] for y in range(2003, 2031)]
    first_peaked = seen.index("peaked")
    assert "rising" not in seen[first_peaked:], seen
    assert seen[0] == "rising" and seen[-1] == "peaked"


@pytest.mark.parametrize("threshold", [1.0, 2.0])
def test_threshold_lives_in_grading_yml(threshold):
    # a plateau band of 2 %/yr makes a 1.5 %/yr series flat; 1 %/yr keeps it rising
    x = s(2014, [100 * 1.015**k for k in range(12)])
    a = peak.assess(x, 2025, {**P, "plateau_band_pct": threshold})
    assert a["classification"] == ("rising" if threshold == 1.0 else "plateau")


# --- the real CEADs series -----------------------------------------------------------------
# An analyst's reading of each city's territorial CO2, 2012–2019 (see the fixture README):
ANALYST_2019 = {
    "330100": ("peaked", "2014 max 58, a -26 % step in 2016, 41–45 since: about 25 % below"),
    "330200": ("rising", "106 → 130 in 2014–18; 2019's -1.9 % is one dip"),
    "330300": ("plateau", "rose to 45–48 by 2016–18 (2017 spike 57); 2018 and 2019 (31) are 17 % and "
               "45 % below the 2017 maximum: the rise has broken off, the peak is not confirmed"),
    "330400": ("rising", "a dip in 2013–15, new highs every year since 2016"),
    "330500": ("plateau", "flat at 20–23 since 2008, below 2007's 27; the 2017 spike (26) is one year"),
    "330600": ("plateau", "flat at 32–38 for fifteen years below the 2006 max of 40"),
    "330700": ("data_ended", "series ends in 2017"),
    "330800": ("plateau", "flat at 28–30 since 2013; the 2017 spike (32) is one year"),
    "330900": ("rising", "new capacity in 2010–11, 2014–16 and 2019 (+23 %)"),
    "331000": ("peaked", "2011–12 max 56, 38–48 since 2014, falling"),
    "331100": ("plateau", "7.3–8.5 since 2010, no trend"),
}


def test_ceads_cities_match_an_analysts_reading():
    table, _ = peak_series.outlook_table(peak_series.read_series(CEADS), 2019)
    got = dict(zip(table["region_code"], table["classification"], strict=True))
    assert got == {k: v[0] for k, v in ANALYST_2019.items()}
    jinhua = table.set_index("region_code").loc["330700"]
    assert jinhua["status"] == "not_rated" and "数据截至2017年" in jinhua["note_zh"]


def test_ceads_verdicts_are_stable_as_the_year_advances():
    data = peak_series.read_series(CEADS)
    for code, grp in data.groupby("region_code"):
        x = grp.set_index("year")["co2"]
        seen = [peak.assess(x, y, P)["classification"] for y in range(2008, 2020)]
        for i, c in enumerate(seen):
            if c == "peaked" and "rising" in seen[i + 1:]:
                j = seen.index("rising", i + 1)
                assert "peaked" not in seen[j + 1:], (code, seen)


def test_cli_reads_chinese_headers_and_names(tmp_path, capsys):
    from carbonpeak.__main__ import main

    src = pd.read_csv(CEADS)
    csv = tmp_path / "cn.csv"
    src.rename(columns={"city_name": "地区", "year": "年份", "co2_mt": "二氧化碳排放"}).drop(
        columns="adcode").to_csv(csv, index=False)
    out = tmp_path / "out.csv"
    assert main(["peak", "--series", str(csv), "--year", "2019", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"region_code": str})
    assert len(table) == 11 and set(table["region_code"]) == set(ANALYST_2019)
    assert "数据截至2017年" in capsys.readouterr().out


def test_cli_names_a_missing_column(tmp_path):
    from carbonpeak.errors import InputError

    bad = tmp_path / "bad.csv"
    bad.write_text("地区,年份\n杭州,2019\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.csv.*缺少列 二氧化碳排放"):
        peak_series.read_series(bad)


# --- one point never flips a verdict by two classes -----------------------------------------
ORDER = {"peaked": 0, "plateau": 1, "rising": 2}


def _all_series(clean_run) -> dict[str, tuple[pd.Series, int]]:
    """Every CEADs city (as of 2019) and every sample region's CO2 on both scopes (2025)."""
    data = peak_series.read_series(CEADS)
    out = {f"ceads {c}": (g.set_index("year")["co2"], 2019) for c, g in data.groupby("region_code")}
    co2 = pd.read_csv(clean_run / "co2_series.csv", dtype={"region_code": str})
    for c, g in co2.groupby("region_code"):
        for col in ("co2_total", "co2_excl_state_listed"):
            out[f"sample {c} {col}"] = (g.set_index("year")[col], int(g["year"].max()))
    return out


def test_one_changed_point_never_moves_a_verdict_by_two_classes(clean_run):
    flips = []
    for name, (x, year) in _all_series(clean_run).items():
        base = peak.assess(x, year, P)["classification"]
        if base not in ORDER:
            continue
        for y in x[x.index <= year].index[-P["window"]:]:
            for f in (0.5, 0.8, 1.25, 2.0, None):  # a point halved ... doubled, or missing
                z = x.drop(y) if f is None else x.where(x.index != y, x * f)
                c = peak.assess(z, year, P)["classification"]
                if c in ORDER and abs(ORDER[c] - ORDER[base]) > 1:
                    flips.append((name, y, f, base, c))
    assert flips == []


# --- the report's sentences, chart labels and appendix rule agree -----------------------------
def test_sentences_quote_the_numbers_the_chart_draws_for_every_sample_region(clean_run):
    import re

    from carbonpeak.indicators import grading
    from carbonpeak.numtext import signed
    from carbonpeak.report import outlook

    rows = pd.read_csv(clean_run / "peak_outlook.csv", dtype={"region_code": str})
    proj = pd.read_csv(clean_run / "peak_projection.csv", dtype={"region_code": str})
    for p in (r for _, r in rows.iterrows()):
        mine = proj[proj["region_code"] == p["region_code"]]
        text = "".join(outlook.section_sentences(p, mine))
        if p["status"] == "not_rated":
            continue
        g = signed(p["growth_pct"])
        # one growth measure: the verdict's note and the section quote the same g
        assert f"趋势增速为{g}%/年" in text and f"趋势增速{g}%/年" in p["note_zh"]
        assert "由" not in p["note_zh"]  # no second measure ("由+3.8%降至+0.6%")
        m = outlook.marks(p, mine)
        trend = mine[mine["scenario"] == "trend"].set_index("year")["co2"]
        if "peak" in m:  # the projected peak: the trend line's level in that year
            year, level = m["peak"]
            assert year == int(p["projected_peak_year"]) and level == trend[year]
            assert f"约{year}年达峰，峰值约{level:.0f}万吨" in text
            assert trend.diff()[trend.index > year].le(1e-9).all()  # the line stops rising there
        elif "end" in m:
            assert f"{m['end'][0]}年排放约{m['end'][1]:.0f}万吨" in text
        needs = p["classification"] == "rising" and str(p["on_track"]) != "True"
        assert ("所需路径" in text) == needs  # no orphan "上述…" sentence
        assert not re.search(r"(^|。)上述", text)
    rule = grading.rule_text("peak_outlook")
    for key in ("min_years_since_max", "confirm_years", "window", "min_obs"):
        assert f"{P[key]}年" in rule
    for key in ("below_max_pct", "plateau_band_pct", "last_below_max_pct"):
        assert f"{P[key]:g}%" in rule
    assert f"{P['confidence']:.0%}置信区间" in rule
