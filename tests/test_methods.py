"""Calculation methods against values worked out by hand (arithmetic in the comments)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carbonpeak.methods import (
    carbon_efficiency,
    co2_by_row,
    co2_from_energy,
    credit_code_check_char,
    credit_code_problem,
    decompose_intensity,
    energy_budget_tier,
    is_valid_credit_code,
    log_mean,
)


def frame(rows):
    return pd.DataFrame(rows, columns=["sector", "energy", "value_added"])


# --- LMDI ----------------------------------------------------------------------------


def test_log_mean():
    # L(2, 1) = 1/ln 2 = 1.442695...; L(a, a) = a
    assert log_mean(2.0, 1.0) == pytest.approx(1.4426950408889634)
    assert log_mean(3.0, 3.0) == 3.0
    with pytest.raises(ValueError):
        log_mean(0.0, 1.0)


def test_lmdi_pure_structure_shift_two_sectors():
    # Base: A 20/40 (I=0.5), B 60/60 (I=1.0); Y0=100, I0=80/100=0.8, S_A=0.4, S_B=0.6.
    # Current: A 30/60 (I=0.5), B 40/40 (I=1.0); Y1=100, I1=70/100=0.7, S_A=0.6, S_B=0.4.
    # Intensities unchanged -> ln(I1/I0)=0 -> intensity effect 0.
    # e_A: 0.2->0.3, w_A = 0.1/ln1.5 = 0.246630; e_B: 0.6->0.4, w_B = 0.2/ln1.5 = 0.493261.
    # structure = 0.246630*ln(1.5) + 0.493261*ln(2/3) = 0.1 - 0.2 = -0.1 = total.
    res = decompose_intensity(
        frame([("A", 20, 40), ("B", 60, 60)]), frame([("A", 30, 60), ("B", 40, 40)])
    )
    assert res["intensity"] == pytest.approx(0.0, abs=1e-15)
    assert res["structure"] == pytest.approx(-0.1, rel=1e-12)
    assert res["total"] == pytest.approx(-0.1, rel=1e-12)


def test_lmdi_pure_intensity_two_sectors():
    # Same shares (0.4/0.6), both intensities halved: I0=0.8, I1=40/100=0.4.
    # w_A = L(0.1, 0.2) = 0.1/ln2, times ln(0.5) = -0.1; w_B = 0.3/ln2, times ln 0.5 = -0.3.
    # intensity = -0.4 = total, structure = 0.
    res = decompose_intensity(
        frame([("A", 20, 40), ("B", 60, 60)]), frame([("A", 10, 40), ("B", 30, 60)])
    )
    assert res["structure"] == pytest.approx(0.0, abs=1e-15)
    assert res["intensity"] == pytest.approx(-0.4, rel=1e-12)
    assert res["total"] == pytest.approx(-0.4, rel=1e-12)


def test_lmdi_three_sectors_sum_to_total():
    # I0 = (300+120+30)/(1000+400+600) = 450/2000 = 0.225
    # I1 = (280+150+35)/(1100+600+900) = 465/2600 = 0.178846...; total = -0.0461538...
    # Every sector intensity fell (0.3->0.2545, 0.3->0.25, 0.05->0.0389): intensity < 0.
    # Shares moved from A (0.5->0.423, I 0.3) to C (0.3->0.346, I 0.05): structure < 0.
    base = frame([("A", 300, 1000), ("B", 120, 400), ("C", 30, 600)])
    cur = frame([("C", 35, 900), ("A", 280, 1100), ("B", 150, 600)])  # order must not matter
    res = decompose_intensity(base, cur)
    assert res["total"] == pytest.approx(465 / 2600 - 0.225, rel=1e-12)
    assert res["structure"] + res["intensity"] == pytest.approx(res["total"], rel=1e-9)
    assert res["structure"] < 0 and res["intensity"] < 0


@pytest.mark.parametrize(
    "cur, words",
    [
        (frame([("A", 30, 60)]), "only one year"),
        (frame([("A", 30, 60), ("B", 0, 40)]), "positive"),
        (frame([("A", 30, 60), ("B", float("nan"), 40)]), "positive"),
        (frame([("A", 30, 60), ("A", 40, 40)]), "duplicate"),
    ],
)
def test_lmdi_rejects_bad_input(cur, words):
    with pytest.raises(ValueError, match=words):
        decompose_intensity(frame([("A", 20, 40), ("B", 60, 60)]), cur)


# --- credit code ---------------------------------------------------------------------
# Alphabet index: 0-9 digits, A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20 M21 N22 P23
# Q24 R25 T26 U27 W28 X29 Y30. Weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
# (3^k mod 31).
#
# "91330100799655058B" (a code printed in public material):
#   9*1 + 1*3 + 3*9 + 3*27 + 0*19 + 1*26 + 0*16 + 0*17 + 7*20 + 9*29 + 9*25 + 6*13
#   + 5*8 + 5*24 + 0*10 + 5*30 + 8*28 = 1384; 1384 mod 31 = 1384-1364 = 20;
#   31-20 = 11 -> "B". Matches the printed check character.
# "91330106MAEUDLLYXY" (also public):
#   9 + 3 + 27 + 81 + 0 + 26 + 0 + 6*17 + 21*20 + 10*29 + 14*25 + 27*13 + 13*8 + 20*24
#   + 20*10 + 30*30 + 29*28 = 4155; 4155 mod 31 = 4155-4154 = 1; 31-1 = 30 -> "Y". Matches.
# "000000000000000000": sum 0, 31-0 = 31 -> 0 -> "0" (the 31 -> 0 rule).
HAND_CHECKED = ["91330100799655058B", "91330106MAEUDLLYXY", "000000000000000000"]
# Further codes seen in public material; each also passes, which a wrong formula would
# do by chance with probability 1/31 per code.
PUBLISHED = ["91330110MA27WLNG6K", "913302117532974515", "91110108717743469K"]


@pytest.mark.parametrize("code", HAND_CHECKED + PUBLISHED)
def test_credit_code_valid(code):
    assert credit_code_check_char(code[:17]) == code[17]
    assert is_valid_credit_code(code)
    assert credit_code_problem(code) is None


def test_credit_code_normalises_case_and_spaces():
    assert is_valid_credit_code("91330106maeudllyxy")
    assert is_valid_credit_code(" 91330100799655058B\t")


@pytest.mark.parametrize(
    "code, message",
    [
        ("91330100799655058", "统一社会信用代码应为18位，实际为17位"),
        ("91330100799655058BB", "统一社会信用代码应为18位，实际为19位"),
        ("91330100O99655058B", "第9位字符“O”不合法（只允许数字和除I、O、Z、S、V以外的大写字母）"),
        ("9133010079965505IB", "第17位字符“I”不合法（只允许数字和除I、O、Z、S、V以外的大写字母）"),
        ("91330100799655058C", "校验码错误：应为“B”，实际为“C”"),
        ("", "统一社会信用代码为空"),
        (None, "统一社会信用代码为空"),
    ],
)
def test_credit_code_problems(code, message):
    assert credit_code_problem(code) == message
    assert not is_valid_credit_code(code)


def test_credit_code_check_char_rejects_bad_body():
    with pytest.raises(ValueError):
        credit_code_check_char("9133010079965505")
    with pytest.raises(ValueError):
        credit_code_check_char("9133010079965505S")


# --- carbon efficiency ---------------------------------------------------------------


def enterprises():
    # Industry C26 (valid rows): co2 6, 8, 12, 20, 21 on VA 10 each and 83 on VA 100:
    # Σco2 = 150 = ΣVA -> aggregate reference 1.0, so K = L = 0.6, 0.8, 1.2, 2.0, 2.1, 0.83.
    # The two rows without valid value added would pull the reference up if counted.
    # Industry C30: L 4 (VA 1) and 1 (VA 99): aggregate 103/100 = 1.03, simple mean 2.5.
    rows = [
        ("a", "C26", 6, 10),
        ("b", "C26", 8, 10),
        ("c", "C26", 12, 10),
        ("d", "C26", 20, 10),
        ("e", "C26", 21, 10),
        ("f", "C26", 83, 100),
        ("g", "C26", 1000, 0),
        ("h", "C26", 1000, None),
        ("x", "C30", 4, 1),
        ("y", "C30", 99, 99),
    ]
    cols = ["credit_code", "industry_code", "co2_t", "value_added_10k_yuan"]
    return pd.DataFrame(rows, columns=cols)


# The method takes its cut-points from the caller (data/reference/carbon_efficiency.yml in a
# run); these are the shipped ones, written out so the method is tested on its own.
CUTS = {"grade_cutpoints": (0.6, 0.8, 1.2, 2.0), "level_cutpoints": (0.6, 2.0)}


def test_carbon_efficiency_grades_at_each_cutpoint():
    out = carbon_efficiency(enterprises(), **CUTS).set_index("credit_code")
    c26 = out.loc[list("abcdef")]
    assert (c26["L_industry"] == 1.0).all()
    assert c26["K"].tolist() == pytest.approx([0.6, 0.8, 1.2, 2.0, 2.1, 0.83])
    # boundaries inclusive on the lower grade: 0.6->1, 0.8->2, 1.2->3, 2.0->4, 2.1->5
    assert c26["grade"].tolist() == [1, 2, 3, 4, 5, 3]
    # levels on L: 0.6 低碳 (inclusive), 0.8/1.2/2.0/0.83 中碳, 2.1 高碳
    assert c26["level"].tolist() == ["低碳", "中碳", "中碳", "中碳", "高碳", "中碳"]
    bad = out.loc[["g", "h"]]
    assert bad[["L", "K"]].isna().all().all()
    assert bad["grade"].isna().all() and bad["level"].isna().all()
    assert str(out["grade"].dtype) == "Int64"


def test_carbon_efficiency_aggregate_vs_simple_mean():
    # Aggregate: K_x = 4/1.03 = 3.883 -> 5; K_y = 1/1.03 = 0.971 -> 3.
    # Simple mean (4+1)/2 = 2.5: K_x = 1.6 -> 4; K_y = 0.4 -> 1 (the tiny firm drags
    # the big one to grade 1, which is why the aggregate is the default).
    agg = carbon_efficiency(enterprises(), **CUTS).set_index("credit_code")
    simple = carbon_efficiency(enterprises(), industry_mean="simple", **CUTS).set_index(
        "credit_code")
    assert agg.loc["x", "K"] == pytest.approx(4 / 1.03)
    assert agg.loc[["x", "y"], "grade"].tolist() == [5, 3]
    assert simple.loc["x", "K"] == pytest.approx(1.6)
    assert simple.loc[["x", "y"], "grade"].tolist() == [4, 1]


def test_carbon_efficiency_custom_cutpoints():
    out = carbon_efficiency(enterprises(), grade_cutpoints=(1.0,), level_cutpoints=(1.0, 2.05))
    c26 = out.set_index("credit_code").loc[list("abcdef")]
    assert c26["grade"].tolist() == [1, 1, 2, 2, 2, 1]
    assert c26["level"].tolist() == ["低碳", "低碳", "中碳", "中碳", "高碳", "低碳"]


@pytest.mark.parametrize(
    "tce, tier",
    [
        (0, "<1000"),
        (999.99, "<1000"),
        (1000, "1000–5000"),
        (4999.9, "1000–5000"),
        (5000, "≥5000"),
        (12000, "≥5000"),
    ],
)
def test_energy_budget_tier(tce, tier):
    assert energy_budget_tier(tce) == tier


@pytest.mark.parametrize("tce", [-1, float("nan")])
def test_energy_budget_tier_rejects(tce):
    with pytest.raises(ValueError):
        energy_budget_tier(tce)


# --- CO2 -----------------------------------------------------------------------------

FACTORS = {"coal": 2.66, "oil": 2.1, "natural_gas": 1.63, "other": 2.0}


def test_co2_two_rows():
    # coal 10 万tce * 2.66 tCO2/tce = 26.6 万吨
    # electricity 5 亿kWh * 0.5422 kg/kWh = 2.711e8 kg = 27.11 万吨 (5 * 0.5422 * 10)
    df = pd.DataFrame(
        {
            "region_code": ["330100", "330100"],
            "year": [2023, 2023],
            "fuel": ["coal", "electricity"],
            "amount": [10.0, 5.0],
        }
    )
    out = co2_by_row(df, FACTORS, grid_factor=0.5422, heat_factor=0.11)
    assert out["co2"].tolist() == pytest.approx([26.6, 27.11])
    assert out["region_code"].tolist() == ["330100", "330100"]
    total = co2_from_energy(df, FACTORS, grid_factor=0.5422, heat_factor=0.11)
    assert total.columns.tolist() == ["region_code", "year", "co2"]
    assert total["co2"].tolist() == pytest.approx([53.71])  # 26.6 + 27.11


def test_co2_feedstock_heat_and_keys():
    # heat 20 万GJ * 0.11 = 2.2; natural gas 3 万tce as feedstock -> 0;
    # natural gas 4 万tce burned * 1.63 = 6.52. Sector C26 total 2.2 + 0 + 6.52 = 8.72.
    df = pd.DataFrame(
        {
            "sector": ["C26", "C26", "C26", "C31"],
            "state_listed": [False] * 3 + [True],
            "fuel": ["heat", "natural_gas", "natural_gas", "oil"],
            "amount": [20.0, 3.0, 4.0, 1.0],
            "feedstock": [False, True, False, None],
        }
    )
    out = co2_by_row(df, FACTORS, grid_factor=0.5422, heat_factor=0.11)
    assert out["co2"].tolist() == pytest.approx([2.2, 0.0, 6.52, 2.1])
    total = co2_from_energy(df, FACTORS, 0.5422, 0.11).set_index("sector")
    assert total.loc["C26", "co2"] == pytest.approx(8.72)
    assert bool(total.loc["C31", "state_listed"]) is True


def test_co2_rejects_unknown_fuel_and_missing_factor():
    df = pd.DataFrame({"fuel": ["biomass"], "amount": [1.0]})
    with pytest.raises(ValueError, match="unknown fuel"):
        co2_by_row(df, FACTORS, 0.5, 0.11)
    df = pd.DataFrame({"fuel": ["coal"], "amount": [1.0]})
    with pytest.raises(ValueError, match="no emission factor"):
        co2_by_row(df, {"oil": 2.1}, 0.5, 0.11)


def test_co2_missing_amount_is_not_hidden():
    df = pd.DataFrame({"year": [2023, 2023], "fuel": ["coal", "oil"], "amount": [1.0, None]})
    assert math.isnan(co2_from_energy(df, FACTORS, 0.5, 0.11)["co2"].iloc[0])
