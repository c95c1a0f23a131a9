"""The awkward cases of generated Chinese, each one a reader tripped over."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from carbonpeak.report import fmt, narrative
from carbonpeak.report.rows import entry


def row(**kw):
    base = dict(region_code="330100", indicator_id="energy_intensity_reduction", value=20.8, unit="%",
                baseline_year=2020, required_value=16.0, target_value=16.0, target_year=2025,
                stretch_target_value=18.0, stretch_met=False, status="green", rank=3, rank_of=11,
                projected_value=None, projection_year=None, not_rated_reason=None, note=None,
                status_reason=None, target_type=None, prev_status=None)
    base.update(kw)
    return SimpleNamespace(**base)


CTX = SimpleNamespace(year=2024)  # an intermediate year: pace wording (2025 is the final evaluation)


class TestNumbers:
    @pytest.mark.parametrize("v,out", [(0.0, "0.0"), (-0.04, "0.0"), (-0.0, "0.0"),
                                       (-6.5, "−6.5"), (16, "16.0")])
    def test_no_negative_zero_and_a_true_minus(self, v, out):
        assert fmt.num(v) == out

    @pytest.mark.parametrize("v,out", [(0.0, "0.0"), (0.04, "0.0"), (1.23, "+1.2"),
                                       (-16.0, "−16.0")])
    def test_a_change_never_reads_plus_minus_zero(self, v, out):
        assert fmt.signed(v) == out and "±" not in fmt.delta(v, "%")

    def test_counts_have_no_decimals_and_values_match_targets(self):
        assert fmt.value(5910.0, "家") == "5910家" and fmt.value(0.0, "台") == "0台"
        assert fmt.value(645, "万千瓦") == fmt.value(645.0, "万千瓦") == "645.0万千瓦"

    def test_percent_changes_are_percentage_points(self):
        assert fmt.delta(-1.5, "%") == "−1.5个百分点"


class TestIndicatorSentence:
    def test_reduction_says_down_once(self):
        s = narrative.indicator_sentence(CTX, row())
        assert s.startswith("单位工业增加值能耗较2020年下降20.8%，按序时进度应下降16.0%")
        assert "下降较" not in s and s.count("下降") == 2

    def test_a_rise_says_so_once(self):
        s = narrative.indicator_sentence(CTX, row(value=-6.5, status="red"))
        assert s.count("不降反升") == 1 and "不降反升6.5%" in s and "−" not in s

    def test_gap_is_unsigned_in_points(self):
        s = narrative.indicator_sentence(CTX, row(value=14.5, status="yellow"))
        assert "落后于序时进度1.5个百分点（黄灯）" in s

    def test_zero_change_is_flat_not_down_zero(self):
        s = narrative.indicator_sentence(CTX, row(value=0.0, status="yellow"))
        assert "与2020年持平" in s and "下降0.0" not in s

    def test_milestone_reads_as_a_deadline_not_as_pace(self):
        r = row(indicator_id="industrial_co2_peak", value=2026.0, unit="年", target_value=2030.0,
                required_value=2030.0, rank=None, rank_of=None)
        s = narrative.indicator_sentence(CTX, r)
        assert "2026年达峰，早于2030年的期限" in s and "序时进度要求2030年" not in s

    def test_stretch_target_is_labelled(self):
        s = narrative.indicator_sentence(CTX, row(target_type="stretch"))
        # in the light's own bracket, never a second bracket beside it
        assert "灯，力争目标）" in s and "）（" not in s

    def test_not_applicable_is_said_plainly(self):
        s = narrative.indicator_sentence(CTX, row(status="not_rated",
                                                  status_reason="not_applicable"))
        assert s.endswith("：不适用。")


class TestRanks:
    @pytest.mark.parametrize("rank,of,out", [
        (1, 11, "在11个设区市中居首位"), (11, 11, "在11个设区市中居末位"),
        (3, 11, "在11个设区市中居第3位"), (3, 3, "在3个有数据的设区市中居末位"),
        (2, 3, "在3个有数据的设区市中居第2位")])
    def test_rank_in_words(self, rank, of, out):
        assert narrative.rank_phrase(rank, of, "330100") == out

    def test_no_slash_rank_in_sentences(self):
        assert "/" not in narrative.indicator_sentence(CTX, row())


def test_subject_drops_the_trailing_verb():
    from carbonpeak.report.rows import subject

    assert subject(entry("energy_intensity_reduction")) == "单位工业增加值能耗"
