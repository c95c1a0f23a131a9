"""Energy intensity against values computed by hand from the formulas in docs/methodology.md."""

import math

import pandas as pd
import pytest

from carbonpeak.indicators import grading
from carbonpeak.indicators import evaluate
from carbonpeak.indicators.intensity import comparable_value_added, energy_intensity_reduction
from carbonpeak.reference import catalog

# Region X. 2020: VA 100 亿元, energy 60, feedstock 10 -> net 50, I = 0.5 tce/万元.
# 2021: nominal VA 110, real growth 8% -> VA_c = 108; net 61 - 10 = 51; I = 51/108 = 0.472222
#       reduction = 1 - 0.472222/0.5 = 5.5556 %.
# 2022: nominal VA FALLS to 105 while real growth is +3% -> VA_c = 108 * 1.03 = 111.24;
#       net 62 - 12 = 50; I = 50/111.24 = 0.449479; reduction = 10.1043 %.
#       (Dividing nominal VA would give 1 - (50/105)/0.5 = 4.76 %: the trap.)
# 2019 (backwards): VA_c(2019) = VA_c(2020) / (1 + g(2020)/100) = 100 / 1.05 = 95.238.
FIXTURE = pd.DataFrame({
    "region_code": ["330100"] * 4,
    "year": [2019, 2020, 2021, 2022],
    "value_added": [96.0, 100.0, 110.0, 105.0],
    "value_added_growth": [6.0, 5.0, 8.0, 3.0],
    "energy_consumption": [58.0, 60.0, 61.0, 62.0],
    "feedstock_energy": [9.0, 10.0, 10.0, 12.0],
})
ENTRY = catalog()["energy_intensity_reduction"]


class TestComparableValueAdded:
    def test_chains_real_growth_both_ways(self):
        va = comparable_value_added(FIXTURE.set_index("year"), 2020)
        assert va[2020] == 100.0
        assert va[2021] == pytest.approx(108.0)
        assert va[2022] == pytest.approx(111.24)
        assert va[2019] == pytest.approx(95.238095, rel=1e-6)

    def test_missing_base_year_gives_nan(self):
        va = comparable_value_added(FIXTURE[FIXTURE.year != 2020].set_index("year"), 2020)
        assert va.isna().all()


class TestEnergyIntensityReduction:
    def test_hand_computed_values(self):
        out = energy_intensity_reduction({"industry_annual": FIXTURE}, ENTRY).set_index("year")
        assert out.at[2020, "level"] == pytest.approx(0.5)
        assert out.at[2021, "level"] == pytest.approx(51 / 108)
        assert out.at[2021, "value"] == pytest.approx(5.5556, abs=1e-4)
        assert out.at[2022, "value"] == pytest.approx(10.1043, abs=1e-4)
        assert out.at[2020, "value"] == pytest.approx(0.0)

    def test_nominal_fall_does_not_look_like_rise(self):
        out = energy_intensity_reduction({"industry_annual": FIXTURE}, ENTRY).set_index("year")
        nominal_reduction = (1 - (50 / 105) / 0.5) * 100
        assert nominal_reduction == pytest.approx(4.76, abs=0.01)
        assert out.at[2022, "value"] > 10

    def test_graded_row_for_reporting_year(self):
        cur, series = evaluate("energy_intensity_reduction", ENTRY,
                               {"industry_annual": FIXTURE}, 2022, {})
        row = cur.set_index("region_code").loc["330100"]
        assert row["value"] == pytest.approx(10.1043, abs=1e-4)
        assert row["required_value"] == pytest.approx(6.7364, abs=1e-4)  # 1 - 0.84**0.4
        assert row["stretch_required_value"] == pytest.approx(7.6311, abs=1e-4)  # 1 - 0.82**0.4
        assert row["status"] == "green"
        assert row["prev_status"] == "green"  # 2021: 5.56 >= 3.43
        assert row["stretch_met"]
        assert row["rank"] == 1 and row["rank_of"] == 1
        # other regions have no rows at all: not rated, with the reason
        other = cur.set_index("region_code").loc["330200"]
        assert other["status"] == "not_rated" and other["not_rated_reason"] == "无相关数据"
        assert set(series["region_code"]) == {"330100"}

    def test_missing_reporting_year_is_named(self):
        cur, _ = evaluate("energy_intensity_reduction", ENTRY,
                          {"industry_annual": FIXTURE[FIXTURE.year < 2022]}, 2022, {})
        row = cur.set_index("region_code").loc["330100"]
        assert row["status"] == "not_rated" and row["not_rated_reason"] == "缺少2022年数据"
        assert row["prev_status"] == "green"

    def test_blocked_region_is_not_rated_and_has_no_value(self):
        cur, _ = evaluate("energy_intensity_reduction", ENTRY, {"industry_annual": FIXTURE},
                          2022, {"330100": "重复行"})
        row = cur.set_index("region_code").loc["330100"]
        assert row["status"] == "not_rated"
        assert math.isnan(row["value"])
        assert row["not_rated_reason"] == "重复行"

    def test_rise_is_red(self):
        risen = FIXTURE.copy()
        risen.loc[risen.year == 2022, "energy_consumption"] = 70.0  # net 58 -> I = 0.5214
        cur, _ = evaluate("energy_intensity_reduction", ENTRY, {"industry_annual": risen}, 2022,
                          {})
        row = cur.set_index("region_code").loc["330100"]
        assert row["value"] == pytest.approx((1 - (58 / 111.24) / 0.5) * 100)
        assert row["value"] < 0
        assert row["status"] == "red"


class TestPace:
    @pytest.mark.parametrize("year,expected", [(2021, 3.43), (2022, 6.74), (2023, 9.93),
                                               (2024, 13.02), (2025, 16.00)])
    def test_geometric_path_of_16_percent(self, year, expected):
        got = grading.required_value("intensity_reduction", 16, year, 2020, 2025)
        assert got == pytest.approx(expected, abs=0.005)

    def test_stretch_18_percent_is_3_89_per_year(self):
        one_year = grading.required_value("intensity_reduction", 18, 2021, 2020, 2025)
        assert one_year == pytest.approx(3.89, abs=0.005)

    def test_linear_for_counts_and_levels(self):
        assert grading.required_value("count", 500, 2023, 2020, 2025) == pytest.approx(300)
        assert grading.required_value("level", 50, 2023, 2020, 2025, 30) == pytest.approx(42)
