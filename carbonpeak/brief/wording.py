"""Words chosen by rule: a light's move since the previous period in the NDRC wording
(由黄转红, 由三级升为一级预警, 与上月持平, 本年首期), a 1–N月 value and its requirement, and
the rest-of-year requirement. Patterns live in templates/brief/phrases.yml."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.brief.view import phrases, say
from carbonpeak.numtext import isna, num
from carbonpeak.period import Period
from carbonpeak.status import KEYS, RATED
from carbonpeak.status import WORDS as STATUS_ZH

SEVERITY = {s: i for i, s in enumerate(RATED)}  # green 0, yellow 1, red 2


def _status(s) -> str:
    return s if isinstance(s, str) and s in KEYS else ""


def move(previous, current, first: bool = False) -> dict:
    """The change of one light since the previous period.

    Returns {"short": 由黄转红 | 与上月持平 | 本年首期 | …, "full": the sentence form with the
    warning levels, "direction": worse | better | same | first | other}."""
    zh = STATUS_ZH
    prev, cur = _status(previous), _status(current) or "not_rated"
    if first:
        text = say("move.first")
        return {"short": text, "full": text, "direction": "first"}
    if cur == "not_rated":
        if prev in RATED:
            text = say("move.now_unrated", old=zh[prev])
        elif prev == "not_rated":
            text = say("move.still_unrated")
        else:
            text = say("move.no_previous")
        return {"short": text, "full": text, "direction": "other"}
    if prev not in RATED:
        text = say("move.now_rated") if prev == "not_rated" else say("move.no_previous")
        return {"short": text, "full": text, "direction": "other"}
    if prev == cur:
        return {"short": say("move.same"),
                "full": say("move.full_same", level=phrases()["level_zh"][cur]),
                "direction": "same"}
    worse = SEVERITY[cur] > SEVERITY[prev]
    kind = "worse" if worse else "better"
    short = say(f"move.{kind}", old=zh[prev], new=zh[cur])
    digit = phrases()["level_digit"]
    levels = say(f"move.{kind}_level", old=digit[prev], new=digit[cur])
    return {"short": short, "full": say("move.full", move=short, levels=levels),
            "direction": kind}


def value_text(v, indicator_id: str, nd: int = 1) -> str:
    """-2.3 -> 较上年同期下降2.3%; CO2 total -> 2,480.0万吨 (`nd` digits: more when the
    light needs them to show how the value differs from its requirement)."""
    if isna(v):
        return "—"
    v = float(v)
    if indicator_id == "co2_total":
        return say("value.total", v=amount(v, nd))
    if num(v, nd) == num(0, nd):
        return say("value.flat")
    return say("value.fell" if v < 0 else "value.rose", v=num(abs(v), nd))


def amount(v, nd: int = 1) -> str:
    """万吨 with a thousands separator: 38,750.0."""
    return num(v, nd, grouped=True)


def months_left(period: Period) -> str:
    """11—12月 after 1—10月; 12月 after 1—11月."""
    if period.month == 11:
        return phrases()["months_left_last"]
    return say("months_left", first=period.month + 1)


def rest_sentence(row: dict, period: Period) -> str:
    """What the remaining months must achieve for the year to meet its target."""
    if period.month == 12:
        return say("rest.december")
    months = months_left(period)
    need = row.get("rest_required")
    if row["indicator_id"] == "co2_total":
        if isna(need):
            return ""
        need = float(need)
        if need <= 0:
            return say("rest.total_over", month=period.month, over=amount(-need), months=months)
        change = row.get("rest_change")
        if isna(change):
            return ""
        change = float(change)
        key = "rest.total_fall" if change < 0 else "rest.total_rise"
        return say(key, months=months, left=amount(need), v=num(abs(change), 1),
                   scope=reference.co2_scope()["excl"])
    if isna(need):
        return ""
    need = float(need)
    if num(need, 1) == num(0, 1):
        return say("rest.flat", months=months, name=row["name_zh"])
    key = "rest.fall" if need < 0 else "rest.rise"
    return say(key, months=months, name=row["name_zh"], v=num(abs(need), 1))


def budget_gap(value, budget, period: Period) -> str:
    """Where 1–N月 CO2 stands against the pro-rated budget: 高于…预算12.3万吨（0.9%）."""
    if isna(value) or isna(budget):
        return ""
    diff, m = float(value) - float(budget), period.month
    if diff == 0:
        return say("gap.equal", month=m)
    if num(diff, 1) == num(0, 1):
        return say("gap.over_small" if diff > 0 else "gap.under_small", month=m)
    if diff < 0:
        return say("gap.under", month=m, v=amount(-diff))
    share = diff / float(budget) * 100 if float(budget) else float("nan")
    p = say("gap.pct_small") if not isna(share) and num(share, 1) == num(0, 1) else say(
        "gap.pct", v=num(share, 1))
    return say("gap.over", month=m, v=amount(diff), p=p)
