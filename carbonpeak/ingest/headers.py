"""Which canonical column a delivered header names, and in which unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from carbonpeak.ingest.layout import header_key

_norm = header_key


_UNIT_IN_HEADER = re.compile(r"^(?P<name>.+?)\s*[(（\[【](?P<unit>[^)）\]】]+)[)）\]】]\s*$")


@dataclass
class HeaderMatch:
    column: str
    factor: float


def match_header(header: str, spec: dict) -> HeaderMatch | None | str:
    """Map one header to its canonical column and unit factor.

    Returns None for an unknown header, or a message (str) for a known column with a unit
    it cannot convert.
    """
    h = _norm(header)
    for column, col_spec in spec["columns"].items():
        names = {_norm(a) for a in [column, *col_spec.get("aliases", [])]}
        units = col_spec.get("units") or {}
        if h in names:
            return HeaderMatch(column, 1.0)
        m = _UNIT_IN_HEADER.match(header.strip())
        if m and _norm(m.group("name")) in names:
            unit = m.group("unit").strip()
            if unit in units:
                return HeaderMatch(column, float(units[unit]))
            if _norm(m.group("name") + "(" + unit + ")") in names:
                return HeaderMatch(column, 1.0)
            accepted = "、".join(units) or "无单位"
            return f"列「{header}」的单位「{unit}」无法识别，应为：{accepted}"
    return None


def known_headers(spec: dict) -> set[str]:
    return {
        name for column, c in spec["columns"].items() for name in [column, *c.get("aliases", [])]
    }
