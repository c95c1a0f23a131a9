"""Numbers as a Chinese report prints them: a true minus sign (−), no sign on zero (never
"±0.0" or "−0.0"), counts without decimals, the same digits for a value and its target."""

from __future__ import annotations

from carbonpeak.numtext import (
    MINUS,
    adding,
    apart,
    digits,
    exact_digits,
    isna,
    num,
    signed,
    whole,
)

__all__ = ["MINUS", "adding", "apart", "digits", "exact_digits", "isna", "num", "signed", "whole"]  # re-exported: sections import them from here

DRIVER_DIGITS = 3  # LMDI effects in 吨标准煤/万元: sentence, chart and the note on their sum
def tagged(text: str, tag: str) -> str:
    """`text` with （tag）; when `text` already ends in a bracket the tag joins it, so that
    brackets never stand side by side: 已完成目标（绿灯） + 力争目标 -> 已完成目标（绿灯，力争目标）."""
    if not tag:
        return text
    if text.endswith("）"):
        return f"{text[:-1]}，{tag}）"
    return f"{text}（{tag}）"


def value(v, unit, nd: int | None = None) -> str:
    """A value with its unit, digits by unit (counts are whole numbers) unless `nd`."""
    if isna(v):
        return "—"
    return num(v, digits(unit) if nd is None else nd) + str(unit or "")


def delta(v, unit, nd: int | None = None) -> str:
    """A signed change; percentage indicators change in 个百分点."""
    if isna(v):
        return "—"
    u = "个百分点" if unit == "%" else str(unit or "")
    return signed(v, digits(unit) if nd is None else nd) + u


def magnitude(v, unit, nd: int | None = None) -> str:
    """An unsigned amount, e.g. a gap: '1.5个百分点', '3家'."""
    if isna(v):
        return "—"
    u = "个百分点" if unit == "%" else str(unit or "")
    return num(abs(float(v)), digits(unit) if nd is None else nd) + u


def beside(row) -> tuple[int, int]:
    """(digits of the value, digits of its requirement) of an indicator row printed beside
    its light: the unit's digits, or for a yellow or red light whose value and requirement
    print the same there, the digits that show the difference (13.96% against 14.0%)."""
    nd = digits(getattr(row, "unit", ""))
    v, req = getattr(row, "value", None), getattr(row, "required_value", None)
    d = apart(v, req, nd, getattr(row, "status", None) in ("yellow", "red"))
    return d, exact_digits(req, nd, d)


def year(v) -> str:
    return "—" if isna(v) else f"{int(float(v))}"


def count(v) -> str:
    return whole(v)


def pct(v, nd: int = 0) -> str:
    return "—" if isna(v) else num(v, nd) + "%"
