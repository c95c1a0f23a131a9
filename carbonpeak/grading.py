"""序时进度 (the pace the plan requires by a given year) and the traffic-light rules.

Rules are presets from data/reference/grading.yml; an indicator names one or takes its
kind's default. Every comparison is written so that meeting the pace exactly is green.
"""

from __future__ import annotations

import math

from carbonpeak import reference

GREEN, YELLOW, RED, NOT_RATED = "green", "yellow", "red", "not_rated"


def elapsed_share(year: int, baseline_year: int, target_year: int) -> float:
    return (year - baseline_year) / (target_year - baseline_year)


def required_value(kind: str, target: float, year: int, baseline_year: int, target_year: int,
                   baseline_value: float | None = None) -> float:
    """What the plan requires by `year`: geometric for intensity reductions (in %),
    linear for counts and amounts (from 0) and for levels and shares (from the baseline);
    rates and milestones require their target throughout."""
    share = elapsed_share(year, baseline_year, target_year)
    if kind == "intensity_reduction":
        return (1 - (1 - target / 100) ** share) * 100
    if kind in ("count", "amount"):
        return target * share
    if kind == "rate":
        return target  # an average growth rate is required at the same level every year
    if kind == "milestone":
        return target  # a deadline (year); graded by the indicator's own rule
    if kind in ("level", "share"):
        if baseline_value is None or math.isnan(baseline_value):
            raise ValueError("a level or share is paced from its baseline value, which is missing")
        return baseline_value + (target - baseline_value) * share
    raise ValueError(f"unknown indicator kind {kind!r}")


def rule_text(preset_name: str) -> str:
    """The sentence that states a preset's rule, for the methods annex and table notes.

    Every report sentence that states a grading rule comes from here, so a threshold changed
    in grading.yml changes the text. (Interim: returns the preset's `rule_zh`; the verdicts
    work generates it from the preset's own parameters.)
    """
    return reference.grading()["presets"][preset_name]["rule_zh"]


def cap_stretch(status: str) -> str:
    """A 力争 (stretch) target missed is at worst `stretch_worst_status` (grading.yml)."""
    worst = reference.grading().get("stretch_worst_status", YELLOW)
    return worst if status == RED else status


def preset_for(entry: dict) -> tuple[str, dict]:
    cfg = reference.grading()
    name = entry.get("grading") or cfg["default_by_kind"][entry["kind"]]
    return name, cfg["presets"][name]


def grade(value: float | None, required: float, preset: dict, higher_is_better: bool = True,
          baseline_value: float | None = None) -> str:
    """Status for one value against the required pace.

    `value` and `required` are progress in the indicator's unit; for intensity reductions
    they are the cumulative reduction in %, so a negative value means intensity rose.
    """
    if value is None or math.isnan(value) or required is None or math.isnan(required):
        return NOT_RATED  # nothing to grade, or nothing to grade against
    sign = 1 if higher_is_better else -1
    method = preset["method"]
    if method == "direction_and_pace":
        if value < 0:
            return RED  # 不降反升
        return GREEN if value >= required else YELLOW
    if method == "relative_gap":
        gap = sign * (required - value)
        if gap <= 0:
            return GREEN
        scale = abs(required - (baseline_value or 0.0)) or abs(required) or 1.0
        return YELLOW if _clean(gap / scale) <= preset["max_gap"] else RED
    if method == "completion_ratio":
        base = baseline_value or 0.0
        need = required - base
        if need == 0:
            return GREEN if sign * (value - required) >= 0 else RED
        ratio = _clean((value - base) / need)
        bands = preset["bands"]
        if ratio >= bands["green"]:
            return GREEN
        return YELLOW if ratio >= bands["yellow"] else RED
    raise ValueError(f"unknown grading method {method!r}")


def _clean(x: float) -> float:
    """Drop float noise so that a value exactly at a threshold lands on the documented side."""
    return round(x, 9)
