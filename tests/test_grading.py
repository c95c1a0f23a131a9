"""Traffic-light rules at and around their thresholds."""

import pytest

from carbonpeak import grading
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
