"""Text from input files, made safe for the medium it is written to.

One place for these rules, so every writer (reports, downloads, quality outputs) applies
the same ones: spreadsheet formula injection (OWASP "CSV injection") and bidirectional
control characters that visually reorder neighbouring text.
"""

from __future__ import annotations

import re

# A spreadsheet treats a cell starting with one of these as a formula (OWASP guidance).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Unicode bidi embeddings, overrides and isolates (UAX #9): never meaningful in a name here.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi(text: str) -> str:
    return _BIDI.sub("", text)


def spreadsheet_cell(value):
    """A value as a spreadsheet must store it: text that would start a formula is prefixed
    with an apostrophe-like quote so it stays text; numbers pass unchanged."""
    if not isinstance(value, str):
        return value
    value = strip_bidi(value)
    if value.startswith(FORMULA_PREFIXES) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
