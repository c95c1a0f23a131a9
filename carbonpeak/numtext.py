"""Signed numbers as the reports print them: a true minus sign (−), no sign on zero (never
"±0.0" or "−0.0"). One copy, shared by the report (carbonpeak.report.fmt re-exports it) and
by the notes stage 03 writes (carbonpeak.indicators), which must not import the report."""

from __future__ import annotations

import math

import pandas as pd

MINUS = "−"


def isna(v) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return isinstance(v, float) and math.isnan(v) or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


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
