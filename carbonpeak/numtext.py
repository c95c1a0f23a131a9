"""Numbers as the reports print them: 四舍五入 (half up on the decimal value as delivered, so
7726.45 prints 7,726.5 and 332.45 prints 332.5, never the binary float's half-even), a true
minus sign (−), no sign on zero (never "±0.0" or "−0.0"). One copy, shared by the report
(carbonpeak.report.fmt re-exports it), the brief, the downloads and the notes stage 03
writes (carbonpeak.indicators), which must not import the report.

Two rules keep a printed figure from contradicting what is said about it:
`apart` gives a value beside its requirement under a light that says they differ the digits
that show the difference; `adding` gives components beside a total the digits at which they
add up as shown (or says they cannot)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

MINUS = "−"
MOST_DIGITS = 3  # `apart` and `adding` show at most this many digits more than asked
COUNT_UNITS = {"年", "个", "家", "项", "座", "户", "台", "处"}  # whole numbers


def isna(v) -> bool:
    if v is None or v is pd.NA:
        return True
    try:
        return isinstance(v, float) and math.isnan(v) or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def digits(unit) -> int:
    """The report's digits for a value in `unit`: counts are whole numbers, the rest 0.1."""
    return 0 if str(unit or "") in COUNT_UNITS else 1


def rounded(v, nd: int = 1) -> Decimal:
    """`v` rounded half up to `nd` decimals, on its shortest decimal form (repr), so that a
    value delivered as 7726.45 rounds to 7726.5 although the float is 7726.4499…."""
    return Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_UP)


def num(v, nd: int = 1, grouped: bool = False) -> str:
    """'12.3', '−4.0', never '−0.0': a value that rounds to zero has no sign. `grouped`
    puts a thousands separator in (38,750.0)."""
    if isna(v) or math.isinf(float(v)):
        return "—"
    d = rounded(v, nd)
    s = f"{abs(d):{',' if grouped else ''}.{nd}f}"
    return MINUS + s if d < 0 else s


def signed(v, nd: int = 1, grouped: bool = False) -> str:
    """A change: '+1.2', '−1.2', and plain '0.0' when it rounds to nothing."""
    s = num(v, nd, grouped)
    return "+" + s if s != "—" and rounded(v, nd) > 0 else s


def whole(v) -> str:
    """A count, a rank or a year: '3', never '3.0'."""
    return "—" if isna(v) else num(v, 0)


def apart(value, requirement, nd: int = 1, differ: bool = True) -> int:
    """The digits to print `value` beside `requirement` at: `nd`, or, when the light says
    they differ (`differ`: a yellow or red light) but at `nd` they print the same
    (−3.56 against −3.6), the fewest more digits that show the difference (−3.56)."""
    if not differ or isna(value) or isna(requirement):
        return nd
    for d in range(nd, nd + MOST_DIGITS + 1):
        if rounded(value, d) != rounded(requirement, d):
            return d
    return nd + MOST_DIGITS


def exact_digits(v, nd: int, most: int) -> int:
    """The digits a requirement prints at beside a value printed at `most`: its own `nd`
    when it is exact there (全年目标下降3.6%, not 3.60%), else `most`."""
    if isna(v) or abs(float(rounded(v, nd)) - float(v)) < 1e-9:
        return nd
    return most


def adding(parts, total, nd: int = 1, most: int = MOST_DIGITS) -> tuple[int, bool]:
    """(digits, adds_up): the fewest digits from `nd` at which the rounded `parts` add up to
    the rounded `total` as printed; (nd, False) when no precision up to `most` more does,
    and the text must say the total is rounded separately."""
    parts = [p for p in parts if not isna(p)]
    for d in range(nd, nd + most + 1):
        if sum((rounded(p, d) for p in parts), Decimal(0)) == rounded(total, d):
            return d, True
    return nd, False


def figure(v, nd: int = 1):
    """A number for a file meant for reading (the zh CSV, the XLSX): rounded like the report
    prints it, an int at 0 digits (a rank is 3, not 3.0), None when missing."""
    if isna(v):
        return None
    d = rounded(v, nd)
    return int(d) if nd == 0 else float(d) + 0.0  # + 0.0: no −0.0
