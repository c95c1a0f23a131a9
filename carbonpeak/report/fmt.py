"""Numbers as a Chinese report prints them: a true minus sign (−), no sign on zero (never
"±0.0" or "−0.0"), counts without decimals, the same digits for a value and its target."""

from __future__ import annotations

from carbonpeak.numtext import MINUS, isna, num, signed

__all__ = ["MINUS", "isna", "num", "signed"]  # re-exported: sections import them from here

COUNT_UNITS = {"年", "个", "家", "项", "座", "户", "台", "处"}


def digits(unit) -> int:
    return 0 if str(unit or "") in COUNT_UNITS else 1


def value(v, unit) -> str:
    """A value with its unit, digits by unit (counts are whole numbers)."""
    if isna(v):
        return "—"
    return num(v, digits(unit)) + str(unit or "")


def delta(v, unit) -> str:
    """A signed change; percentage indicators change in 个百分点."""
    if isna(v):
        return "—"
    u = "个百分点" if unit == "%" else str(unit or "")
    return signed(v, digits(unit)) + u


def magnitude(v, unit) -> str:
    """An unsigned amount, e.g. a gap: '1.5个百分点', '3家'."""
    if isna(v):
        return "—"
    u = "个百分点" if unit == "%" else str(unit or "")
    return num(abs(float(v)), digits(unit)) + u


def year(v) -> str:
    return "—" if isna(v) else f"{int(float(v))}"


def count(v) -> str:
    return "—" if isna(v) else f"{int(round(float(v)))}"


def pct(v, nd: int = 0) -> str:
    return "—" if isna(v) else num(v, nd) + "%"
