"""Typed values from the text of one cell, by the column's declared type (tables.yml).

Raises ValueError with the message an analyst reads; ingest turns it into a finding.
`column` does the same for a whole column at once (what ingest calls): `cell` stays the one
definition of every value and every message, and `column` only avoids calling it where the
answer is known: each distinct text is converted once, and the plain decimals that make up
most of a numeric column ("1234.5") in one pass.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from carbonpeak.ingest.layout import header_key
from carbonpeak.ingest.readers import NonFinite, parse_number

TRUE = {"1", "true", "yes", "y", "是", "√", "✓", "t"}
FALSE = {"0", "false", "no", "n", "否", "", "f", "×"}
NUMERIC_TYPES = {"number"}

# A subset of what parse_number reads, which float() reads the same way: ASCII digits only,
# no space, separator, sign other than +/-, % or dash. Anything else goes through cell().
_PLAIN = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def cell(text: str | None, spec: dict):
    """None for an empty cell; otherwise the value in the column's canonical form."""
    kind = spec["type"]
    if kind in ("number", "year"):
        if kind == "year" and text is not None:
            text = str(text).strip().removesuffix("年度").removesuffix("年")
        value = parse_number(text)
        if kind == "year" and value is not None:
            # 1e300 is a whole number too, but no year: it would overflow the year column
            if abs(value) >= 2**31 or value != int(value):
                raise ValueError(f"应为四位年份，实际为「{text}」")
            return int(value)
        return value
    if text is None or str(text).strip() == "":
        return None
    text = str(text).strip()
    if kind == "bool":
        key = header_key(text)
        if key in TRUE:
            return True
        if key in FALSE:
            return False
        raise ValueError(f"应为 是/否（或 1/0），实际为「{text}」")
    if kind == "category":
        values = spec["values"]
        key = header_key(text)
        for canonical, aliases in values.items():
            if key in {header_key(a) for a in [canonical, *(aliases or [])]}:
                return canonical
        raise ValueError(f"应为以下之一：{'、'.join(_labels(values))}，实际为「{text}」")
    if kind == "code":
        return text.upper().replace(" ", "")
    return text  # free text: names, counties


def column(texts: list, spec: dict, factor: float = 1.0) -> tuple[np.ndarray, dict]:
    """`cell` over a column of cell texts (str or None), a number column's values times
    `factor` (its unit's conversion to the canonical one): the values — float64 with NaN
    for empty in a number column, else objects with None — and, by position, the ValueError
    `cell` raises for each bad cell (a NonFinite when only the conversion overflows)."""
    n = len(texts)
    errors: dict[int, ValueError] = {}
    raw = pd.Series(texts, dtype=object)
    todo = raw.notna().to_numpy().copy()
    if spec["type"] not in NUMERIC_TYPES:
        values = np.full(n, None, dtype=object)
        for i, got in _each(texts, todo, spec):
            if isinstance(got, ValueError):
                errors[i] = got
            else:
                values[i] = got
        return values, errors
    values = np.full(n, np.nan)
    if todo.any():
        plain = np.zeros(n, dtype=bool)
        plain[todo] = raw[todo].str.fullmatch(_PLAIN).to_numpy(dtype=bool)
        at = np.flatnonzero(plain)
        floats = raw.to_numpy()[at].astype(np.float64)
        finite = np.isfinite(floats)  # 1e999 is plain but out of range: cell() says so
        values[at[finite]] = floats[finite]
        todo[at[finite]] = False
    for i, got in _each(texts, todo, spec):
        if isinstance(got, ValueError):
            errors[i] = got
        elif got is not None:
            values[i] = got
    scaled = values * factor
    for i in np.flatnonzero(np.isfinite(values) & ~np.isfinite(scaled)):
        errors[int(i)] = NonFinite(f"换算单位后数值超出可计算的范围（{texts[i]}）")
        scaled[i] = np.nan
    return scaled, errors


def _each(texts: list, todo: np.ndarray, spec: dict):
    """(position, value or ValueError) of the cells in `todo`, each distinct text once."""
    memo: dict[str, object] = {}
    for i in np.flatnonzero(todo):
        text = texts[i]
        if text not in memo:
            try:
                memo[text] = cell(text, spec)
            except ValueError as e:
                memo[text] = e
        yield int(i), memo[text]


def _labels(values: dict) -> list[str]:
    return [(aliases or [c])[0] for c, aliases in values.items()]
