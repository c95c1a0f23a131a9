"""Traffic-light rules at and around their thresholds."""

import pytest

from carbonpeak.indicators import grading
from carbonpeak.reference import grading as presets

P = presets()["presets"]


class TestNdrc2021:
    @pytest.mark.parametrize("value,required,expected", [
        (-0.01, 6.74, "red"),      # intensity rose: 不降反升
        (0.0, 6.74, "yellow"),     # did not rise, below pace
        (6.73, 6.74, "yellow"),
        (6.74, 6.74, "green"),     # pace met exactly is green
        (9.0, 6.74, "green"),
        (float("nan"), 6.74, "not_rated"),
        (None, 6.74, "not_rated"),
    ])
    def test_boundaries(self, value, required, expected):
        assert grading.grade(value, required, P["ndrc_2021"]) == expected


class TestGap10Percent:
    # required 300 (count paced from 0): yellow down to 270 (gap 10 % of 300), red below.
    @pytest.mark.parametrize("value,expected", [
        (300, "green"), (301, "green"), (270, "yellow"), (269.9, "red"), (0, "red"),
    ])
    def test_count(self, value, expected):
        assert grading.grade(value, 300, P["gap_10pct"], baseline_value=0) == expected

    def test_level_gap_is_relative_to_the_required_progress(self):
        # level from 30 to required 42: progress needed 12, 10 % of it = 1.2
        assert grading.grade(40.8, 42, P["gap_10pct"], baseline_value=30) == "yellow"
        assert grading.grade(40.79, 42, P["gap_10pct"], baseline_value=30) == "red"

    def test_lower_is_better(self):
        assert grading.grade(2, 3, P["gap_10pct"], higher_is_better=False) == "green"
        assert grading.grade(3.3, 3, P["gap_10pct"], higher_is_better=False) == "yellow"
        assert grading.grade(3.31, 3, P["gap_10pct"], higher_is_better=False) == "red"


class TestCompletionBands:
    @pytest.mark.parametrize("value,expected", [
        (100, "green"), (99.99, "yellow"), (80, "yellow"), (79.99, "red"),
    ])
    def test_ratio_bands(self, value, expected):
        assert grading.grade(value, 100, P["completion_bands"], baseline_value=0) == expected


def test_every_kind_has_a_default_preset():
    cfg = presets()
    for kind, name in cfg["default_by_kind"].items():
        assert name in cfg["presets"], kind


@pytest.mark.parametrize("preset", ["ndrc_2021", "gap_10pct", "completion_bands"])
def test_no_required_value_means_not_rated(preset):
    # e.g. a provincial total with no municipal share: last year's light must not be red
    assert grading.grade(28.0, float("nan"), P[preset]) == "not_rated"


# --- exact boundaries (float noise) for every preset -------------------------------------

def test_paced_intensity_target_met_exactly_is_green():
    required = grading.required_value("intensity_reduction", 16, 2025, 2020, 2025)
    assert required != 16.0  # 16.000000000000004: the float noise the plan's "以上" must absorb
    assert grading.grade(16.0, required, P["ndrc_2021"]) == "green"
    assert grading.grade(15.99, required, P["ndrc_2021"]) == "yellow"


@pytest.mark.parametrize("preset", ["gap_10pct", "completion_bands"])
def test_level_target_met_exactly_is_green(preset):
    required = grading.required_value("level", 50, 2025, 2020, 2025, 30.0)
    noisy = 0.1 + 0.2 + 49.7  # 50.00000000000001 would pass; 49.99999999999999 must too
    assert grading.grade(50.0, required, P[preset], baseline_value=30.0) == "green"
    assert grading.grade(noisy - 2e-14, required, P[preset], baseline_value=30.0) == "green"
    assert grading.grade(49.9, required, P[preset], baseline_value=30.0) == "yellow"


def test_gap_limit_is_inclusive_despite_float_noise():
    # from 30 to required 42: due 12, limit 10 % = 1.2 -> 40.8 is exactly on it
    value = 42 - 0.1 * 12  # 40.8 computed, 40.800000000000004 or so
    assert grading.grade(value, 42, P["gap_10pct"], baseline_value=30) == "yellow"
    assert grading.grade(30 + 0.8 * 12, 42, P["completion_bands"], baseline_value=30) == "yellow"


def test_falling_to_zero_met_exactly_is_green():
    required = grading.required_value("level", 0, 2023, 2020, 2025, 10.0)  # 10 -> 0: 4 left
    assert grading.grade(4.0, required, P["gap_10pct"], False, 10.0) == "green"
    assert grading.grade(4.6, required, P["gap_10pct"], False, 10.0) == "yellow"  # 0.6 = 10 % of 6
    assert grading.grade(4.61, required, P["gap_10pct"], False, 10.0) == "red"


# --- rule text generated from the rule ---------------------------------------------------

def test_rule_text_follows_the_thresholds_in_grading_yml(tmp_path, monkeypatch):
    import yaml

    from carbonpeak import reference
    from carbonpeak.paths import REFERENCE_DIR

    cfg = yaml.safe_load((REFERENCE_DIR / "grading.yml").read_text(encoding="utf-8"))
    assert "10%" in grading.rule_text("gap_10pct")
    cfg["presets"]["gap_10pct"]["max_gap"] = 0.25
    cfg["presets"]["completion_bands"]["bands"] = {"green": 0.95, "yellow": 0.7}
    cfg["peak"]["min_years_since_max"] = 4
    cfg["peak"]["plateau_band_pct"] = 1.5
    tmp = tmp_path / "grading.yml"
    tmp.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(reference, "grading",
                        lambda: yaml.safe_load(tmp.read_text(encoding="utf-8")))
    gap = grading.rule_text("gap_10pct")
    assert "25%" in gap and "10%" not in gap
    bands = grading.rule_text("completion_bands")
    assert "95%" in bands and "70%" in bands and "80%" not in bands
    peak = grading.rule_text("peak_outlook")
    assert "出现在4年以前" in peak and "±1.5%/年" in peak
    # the grade follows the same number: 9 behind of a 40 due is within 25 %, not 10 %
    assert grading.grade(31, 40, reference.grading()["presets"]["gap_10pct"], True, 0) == "yellow"
    assert grading.doc_markdown().count("25%") >= 2


# --- the arithmetic of a yellow / red light ----------------------------------------------

def test_explain_gives_the_numbers_a_footnote_needs():
    row = {"indicator_id": "dyeing_water_reuse_rate", "status": "red", "value": 46.0,
           "required_value": 48.0, "baseline_value": 45.0, "baseline_year": 2020, "year": 2023,
           "unit": "%", "grading_preset": "gap_10pct"}
    e = grading.explain(row)
    assert (e["base"], e["due"], e["done"], e["gap"]) == (45.0, 3.0, 1.0, 2.0)
    assert e["completion"] == pytest.approx(1 / 3) and e["limit"] == pytest.approx(0.3)
    assert e["text_zh"] == ("2020年45%，截至2023年应提高3个百分点（至48%），实际提高1个百分点（46%），"
                            "完成应完成进度的33%；差距2个百分点，黄灯上限为应完成进度的10%（0.3个百分点）。")
    boilers = grading.explain({**row, "indicator_id": "paper_small_coal_boilers", "value": 6.0,
                               "required_value": 4.0, "baseline_value": 10.0, "unit": "台"})
    assert "应减少6台（至4台），实际减少4台（6台）" in boilers["text_zh"]
    assert grading.explain({**row, "status": "green"}) is None


def test_explain_agrees_with_the_grade():
    for value in (45.5, 46.0, 47.6, 47.7, 47.9):
        row = {"indicator_id": "dyeing_water_reuse_rate", "value": value, "required_value": 48.0,
               "baseline_value": 45.0, "baseline_year": 2020, "year": 2023, "unit": "%",
               "grading_preset": "gap_10pct"}
        status = grading.grade(value, 48.0, P["gap_10pct"], True, 45.0)
        e = grading.explain({**row, "status": status})
        assert (status == "yellow") == (e["gap"] <= e["limit"] + 1e-9)


def test_grading_page_states_the_rules_the_code_applies():
    from carbonpeak.paths import ROOT

    current = (ROOT / "docs" / "grading.md").read_text(encoding="utf-8")
    assert current == grading.doc_markdown(), "run: python -m carbonpeak grading-doc"
    for name in presets()["presets"]:
        assert grading.rule_text(name) in current
