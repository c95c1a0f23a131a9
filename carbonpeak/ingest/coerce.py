"""Typed values from the text of one cell, by the column's declared type (tables.yml).

Raises ValueError with the message an analyst reads; ingest turns it into a finding.
"""

from __future__ import annotations

from carbonpeak.ingest.layout import header_key
from carbonpeak.ingest.readers import parse_number

TRUE = {"1", "true", "yes", "y", "是", "√", "✓", "t"}
FALSE = {"0", "false", "no", "n", "否", "", "f", "×"}


def cell(text: str | None, spec: dict):
    """None for an empty cell; otherwise the value in the column's canonical form."""
    kind = spec["type"]
    if kind in ("number", "year"):
        if kind == "year" and text is not None:
            text = str(text).strip().removesuffix("年度").removesuffix("年")
        value = parse_number(text)
        if kind == "year" and value is not None:
            if value != int(value):
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


def _labels(values: dict) -> list[str]:
    return [(aliases or [c])[0] for c, aliases in values.items()]
