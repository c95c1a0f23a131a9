"""The 1–N月 barometer against hand calculations from a tiny fixture (issue 12)."""

import math

import pandas as pd
import pytest

from carbonpeak import reference
from carbonpeak.barometer import lights as barometer
from carbonpeak.barometer import series, stage
from carbonpeak.period import Period

REGION = "330100"


@pytest.fixture(autouse=True)
def targets(monkeypatch):
    """Annual targets of the fixture year: energy −3.0 %, CO2 intensity −4.0 %, budget 2100."""
    monkeypatch.setattr(reference, "annual_targets", lambda: {
        (REGION, 2026, "energy_intensity"): {"target_reduction": 3.0, "source_zh": "测试",
                                             "illustrative": True},
        (REGION, 2026, "co2_intensity"): {"target_reduction": 4.0, "source_zh": "测试",
                                          "illustrative": True}})
    monkeypatch.setattr(reference, "carbon_budgets", lambda: {
        (REGION, 2026): {"co2_budget": 2100.0, "source_zh": "测试预算", "illustrative": True}})


def fixture(rows: dict) -> pd.DataFrame:
    """period -> (growth %, net energy 万tce, CO2 万t); last year's rows need no growth."""
    return pd.DataFrame([{"region_code": REGION, "period": p, "value_added_growth": g,
                          "energy": e, "electricity": 0.0, "co2": c, "co2_estimated": True}
                         for p, (g, e, c) in rows.items()], columns=series.SERIES_COLUMNS)


LAST_YEAR = {"2025-02": (None, 150.0, 300.0), "2025-03": (None, 230.0, 470.0),
             "2025-06": (None, 480.0, 980.0), "2025-12": (None, 1000.0, 2000.0)}


def lights(data, period):
    return {r["indicator_id"]: r for r in barometer.grade_period(data, Period.parse(period),
                                                                 REGION)}


class TestFormulas:
    def test_cumulative_intensity_change_1_2(self):
        # (153 / 150) / 1.05 − 1 = 1.02 / 1.05 − 1 = −0.028571 -> −2.857 %
        assert barometer.intensity_change(153, 150, 5.0) == pytest.approx(-2.857142857)

    def test_prorated_budget_by_last_years_profile(self):
        # 2100 × 300 / 2000 = 315 (not 2100 × 2/12 = 350)
        assert barometer.prorated_budget(2100, 300, 2000) == pytest.approx(315.0)

    def test_rest_of_year_requirement(self):
        # w = 150/1000 = 0.15; (0.97 − 0.15 × 0.9714286) / 0.85 − 1
        # = (0.97 − 0.1457143) / 0.85 − 1 = 0.8242857 / 0.85 − 1 = −0.0302521 -> −3.025 %
        assert barometer.rest_of_year_intensity(-2.857142857, 3.0, 150, 1000) == \
            pytest.approx(-3.0252101, abs=1e-6)
        # 1–12月: nothing left
        assert math.isnan(barometer.rest_of_year_intensity(-3.0, 3.0, 1000, 1000))

    def test_total_rest_of_year(self):
        # 2100 − 306 = 1794 万吨 left; 1794 / (2000 − 300) − 1 = 1.0552941 − 1 -> +5.529 %
        left, change = barometer.rest_of_year_total(2100, 306, 300, 2000)
        assert left == pytest.approx(1794)
        assert change == pytest.approx(5.5294118, abs=1e-6)

    def test_lights(self):
        assert barometer.grade_intensity(0.4, 3.0) == "red"  # rose
        assert barometer.grade_intensity(-2.9, 3.0) == "yellow"  # fell, too little
        assert barometer.grade_intensity(-3.0, 3.0) == "green"  # met exactly
        tol = reference.grading()["barometer"]["co2_total_yellow_tolerance"]
        assert barometer.grade_total(100.0, 100.0) == "green"
        assert barometer.grade_total(100.0 * (1 + tol) - 1e-6, 100.0) == "yellow"
        assert barometer.grade_total(100.0 * (1 + tol) + 1e-6, 100.0) == "red"


class TestGradePeriod:
    def test_first_period_1_2(self):
        data = fixture({**LAST_YEAR, "2026-02": (5.0, 153.0, 306.0)})
        got = lights(data, "2026-02")
        e = got["energy_intensity"]
        assert e["value"] == pytest.approx(-2.857142857)  # see test_cumulative_intensity_change
        assert (e["required"], e["annual_target"], e["status"]) == (-3.0, 3.0, "yellow")
        assert e["rest_required"] == pytest.approx(-3.0252101, abs=1e-6)
        c = got["co2_intensity"]
        # (306/300)/1.05 − 1 = −2.857 %: fell, but less than 4.0 % -> yellow
        assert (round(c["value"], 3), c["status"], c["estimated"]) == (-2.857, "yellow", True)
        # w = 300/2000 = 0.15: (0.96 − 0.15 × 0.9714286)/0.85 − 1 = 0.8142857/0.85 − 1 = −4.202 %
        assert c["rest_required"] == pytest.approx(-4.2016807, abs=1e-6)
        t = got["co2_total"]
        # pro-rated 2100 × 300/2000 = 315; 306 ≤ 315 -> green
        assert (t["value"], t["required"], t["annual_target"], t["status"]) == \
            (306.0, pytest.approx(315.0), 2100.0, "green")
        assert t["rest_required"] == pytest.approx(1794.0)
        assert t["rest_change"] == pytest.approx(5.5294118, abs=1e-6)
        assert t["target_source_zh"] == "测试预算" and t["illustrative"]

    def test_mid_year_red_and_yellow_total(self):
        # 1–6月: (530/480)/1.06 − 1 = 1.1041667/1.06 − 1 = +4.167 % -> red (rose)
        # CO2 1050 against 2100 × 980/2000 = 1029: 1050/1029 = 1.0204 (≤ 3 % above) -> yellow
        data = fixture({**LAST_YEAR, "2026-06": (6.0, 530.0, 1050.0)})
        got = lights(data, "2026-06")
        assert got["energy_intensity"]["value"] == pytest.approx(4.1666667, abs=1e-6)
        assert got["energy_intensity"]["status"] == "red"
        assert got["co2_total"]["required"] == pytest.approx(1029.0)
        assert got["co2_total"]["status"] == "yellow"

    def test_december_is_the_annual_figure(self):
        # 1–12月: (1020/1000)/1.055 − 1 = −3.318 % -> green; the pro-rated budget is the whole
        # budget (2000/2000), and nothing is left to require
        data = fixture({**LAST_YEAR, "2026-12": (5.5, 1020.0, 2050.0)})
        got = lights(data, "2026-12")
        assert got["energy_intensity"]["value"] == pytest.approx(-3.3175355, abs=1e-6)
        assert got["energy_intensity"]["status"] == "green"
        assert math.isnan(got["energy_intensity"]["rest_required"])
        assert got["co2_total"]["required"] == pytest.approx(2100.0)
        assert math.isnan(got["co2_total"]["rest_required"])

    def test_no_data_and_no_target(self):
        data = fixture({"2026-02": (5.0, 153.0, 306.0)})  # no last year
        assert {r["status_reason"] for r in lights(data, "2026-02").values()} == {"no_data"}
        other = fixture({**LAST_YEAR, "2026-02": (5.0, 153.0, 306.0)}).assign(
            region_code="330200")
        rows = barometer.grade_period(other, Period.parse("2026-02"), "330200")
        assert {r["status_reason"] for r in rows} == {"no_target"}


class TestMoves:
    def test_previous_status_is_the_previous_month(self):
        # 1–2月 yellow (−2.857 %); 1–3月 (240/230)/1.04 − 1 = 1.0434783/1.04 − 1 = +0.334 % red
        data = fixture({**LAST_YEAR, "2026-02": (5.0, 153.0, 306.0),
                        "2026-03": (4.0, 240.0, 480.0)})
        empty = pd.DataFrame(columns=stage.REVISIONS_COLUMNS)
        table, history = stage.compute(data, empty, Period.parse("2026-03"))
        row = table[(table["region_code"] == REGION)
                    & (table["indicator_id"] == "energy_intensity")].iloc[0]
        assert row["value"] == pytest.approx(0.3344482, abs=1e-6)
        assert (row["status"], row["previous_period"], row["previous_status"]) == \
            ("red", "2026-02", "yellow")
        mine = history[(history["region_code"] == REGION)
                       & (history["indicator_id"] == "energy_intensity")]
        assert list(mine["period"]) == ["2026-02", "2026-03"]
        assert list(mine["status"]) == ["yellow", "red"]
        assert list(table.columns) == stage.BAROMETER_COLUMNS
        assert len(table) == 3 * len(reference.region_codes())

    def test_first_period_has_no_previous(self):
        data = fixture({**LAST_YEAR, "2026-02": (5.0, 153.0, 306.0)})
        table, _ = stage.compute(data, pd.DataFrame(columns=stage.REVISIONS_COLUMNS),
                                 Period.parse("2026-02"))
        assert set(table["previous_period"]) == {""}
        assert set(table["previous_status"]) == {""}


class TestCO2:
    def test_estimated_from_energy_and_electricity_with_last_years_factors(self):
        grid, k = series.conventions()
        assert (grid, k) == (0.5422, 0.1229)  # emission_factors.yml: fixed 2021 grid, 当量值
        rows = pd.DataFrame([
            {"region_code": REGION, "period": "2025-12", "energy": 500.0, "electricity": 100.0},
            {"region_code": REGION, "period": "2026-06", "energy": 240.0, "electricity": 48.0,
             "value_added_growth": 5.0}])
        for c in series.VALUE_COLUMNS:
            rows[c] = rows.get(c, float("nan"))
        co2 = pd.DataFrame({"region_code": [REGION], "year": [2025],
                            "co2_excl_state_listed": [1000.0]})
        annual = pd.DataFrame({"region_code": [REGION], "year": [2025],
                               "energy_consumption": [520.0], "feedstock_energy": [20.0]})
        out = series.build(rows, 2026, "2026-06", co2, annual).set_index("period")
        # f = (1000 − 10×0.5422×100) / (500 − 10×0.1229×100) = 457.8 / 377.1 = 1.2139989
        # 1–6月: 1.2139989 × (240 − 10×0.1229×48) + 10×0.5422×48
        #      = 1.2139989 × 181.008 + 260.256 = 219.7435 + 260.256 = 479.9995
        assert out.at["2026-06", "co2"] == pytest.approx(479.9995, abs=1e-3)
        assert out.at["2025-12", "co2"] == pytest.approx(1000.0)  # 1–12月 = last year's CO2
        assert bool(out.at["2026-06", "co2_estimated"])

    def test_from_fuels_where_given(self):
        rows = pd.DataFrame([{"region_code": REGION, "period": "2026-02", "energy": 160.0,
                              "electricity": 10.0, "coal": 100.0, "oil": 20.0,
                              "natural_gas": 30.0, "other_fuel": 5.0}])
        for c in series.VALUE_COLUMNS:
            rows[c] = rows.get(c, float("nan"))
        out = series.build(rows, 2026, "2026-02", None, None)
        # 100×2.66 + 20×2.10 + 30×1.63 + 5×2.00 + 10×0.5422×10 = 266 + 42 + 48.9 + 10 + 54.22
        assert out["co2"].iloc[0] == pytest.approx(421.12)
        assert not out["co2_estimated"].iloc[0]


class TestQualityGate:
    def test_errors_block_the_months_whose_lights_read_them(self, tmp_path):
        import json

        from carbonpeak.findings import Finding

        (tmp_path / "quality").mkdir()
        findings = [Finding("industry_monthly", check, severity, "…", f"m_{date}.csv", 3, None,
                            region, "energy_consumption", date).to_dict()
                    for check, severity, date, region in [
            ("cumulative_not_falling", "error", "2026-09", "330500"),
            # last year's September: read by this year's 1–9月 lights only
            ("cumulative_not_falling", "error", "2025-09", "330600"),
            # last year's 1–12月: read by every month's lights
            ("energy_range", "error", "2025-12", "330900"),
            ("december_equals_annual", "warning", "2026-09", "330700"),  # never blocks
        ]]
        (tmp_path / "quality" / "results.json").write_text(json.dumps({"findings": findings}))
        blocked = stage.blocked_regions(tmp_path, Period.parse("2026-10"))
        assert list(blocked) == [f"2026-{m:02d}" for m in range(2, 11)]
        assert blocked["2026-09"] == {"330500", "330600", "330900"}
        assert blocked["2026-10"] == blocked["2026-08"] == {"330900"}
        # a whole-file error of the 2026-10 file (no region) blocks every region's 1–10月
        findings.append(Finding("industry_monthly", "missing_column", "error", "…",
                                "m_2026-10.csv", field="value_added_growth",
                                period="2026-10").to_dict())
        (tmp_path / "quality" / "results.json").write_text(json.dumps({"findings": findings}))
        blocked = stage.blocked_regions(tmp_path, Period.parse("2026-10"))
        assert blocked["2026-10"] == set(reference.region_codes())
        assert blocked["2026-09"] == {"330500", "330600", "330900"}
        assert stage.blocked_regions(tmp_path / "absent", Period.parse("2026-10")) == {
            f"2026-{m:02d}": set() for m in range(2, 11)}  # not checked yet
        data = fixture({**LAST_YEAR, "2026-02": (5.0, 153.0, 306.0)})
        rows = barometer.grade_period(data, Period.parse("2026-02"), REGION, blocked=True)
        assert {(r["status"], r["status_reason"]) for r in rows} == {("not_rated",
                                                                      "failed_quality")}
