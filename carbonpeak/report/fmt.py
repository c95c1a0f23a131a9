"""Numbers as a Chinese report prints them: a true minus sign (−), no sign on zero (never
"±0.0" or "−0.0"), counts without decimals, the same digits for a value and its target."""

from __future__ import annotations

import math

import pandas as pd

MINUS = "−"
COUNT_UNITS = {"年", "个", "家", "项", "座", "户", "台", "处"}


def isna(v) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return isinstance(v, float) and math.isnan(v) or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def digits(unit) -> int:
    return 0 if str(unit or "") in COUNT_UNITS else 1


def num(v, nd: int = 1) -> str:
    """'12.3', '−4.0', never '−0.0': a value that rounds to zero has no sign."""
    if isna(v):
        return "—"
    v = float(v)
    if round(v, nd) == 0:
        v = 0.0
    s = f"{abs(v):.{nd}f}"
    return MINUS + s if v < 0 else s


def signed(v, nd: int = 1) -> str:
    """A change: '+1.2', '−1.2', and plain '0.0' when it rounds to nothing."""
    if isna(v):
        return "—"
    s = num(v, nd)
    return s if s.startswith(MINUS) or float(v) == 0 or round(float(v), nd) == 0 else "+" + s


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
