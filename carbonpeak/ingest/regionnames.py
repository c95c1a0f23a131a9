"""Region names as bureaus write them: 330100, 杭州市, 杭州, 杭州市富阳区, 富阳区, 富阳.

Cities come from regions.csv; the 90 county-level units from counties.csv (GB/T 2260), so a
county-qualified name maps to its city, and an enterprise's county and the registration
area in its credit code can be checked against the city it is listed under.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import cache

from carbonpeak import reference
from carbonpeak.paths import REFERENCE_DIR

_SUFFIXES = ("畲族自治县", "自治县", "区", "县", "市")


@cache
def counties() -> list[dict]:
    with (REFERENCE_DIR / "counties.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def _short(name: str) -> str:
    for s in _SUFFIXES:
        if name.endswith(s) and len(name) - len(s) >= 2:
            return name[: -len(s)]
    return name


@cache
def county_lookup() -> dict[str, tuple[str, str]]:
    """Any way a county is written (code, 富阳区, 杭州市富阳区, 杭州富阳区, 富阳) ->
    (county name, city code). Short forms that two units share are left out."""
    cities = {r["region_code"]: r for r in reference.regions()}
    out: dict[str, tuple[str, str]] = {}
    shorts = Counter(_short(c["name"]) for c in counties())
    city_names = set(reference.region_lookup())
    for c in counties():
        city = cities[c["city_code"]]
        value = (c["name"], c["city_code"])
        keys = {c["county_code"], c["name"], city["name"] + c["name"],
                city["short_name"] + c["name"]}
        short = _short(c["name"])
        if shorts[short] == 1 and short.lower() not in city_names:
            keys |= {short, city["name"] + short, city["short_name"] + short}
        for k in keys:
            out[k.lower()] = value
    return out


def city_of(text: object) -> str | None:
    """The region code a written region stands for, or None if it is not one."""
    if text is None:
        return None
    key = "".join(str(text).split()).lower()
    return reference.region_lookup().get(key)


def county_of(text: object) -> tuple[str, str] | None:
    """(county name, city code) of a written county-level unit, or None."""
    if text is None:
        return None
    return county_lookup().get("".join(str(text).split()).lower())


def credit_code_city(code: object) -> str | None:
    """The Zhejiang city in a credit code's registration-area digits (characters 3–8);
    None for a code registered by the province itself or outside Zhejiang."""
    if not isinstance(code, str) or len(code) < 8:
        return None
    area = code[2:8]
    if not area.isdigit() or not area.startswith("33") or area[2:4] == "00":
        return None
    city = area[:4] + "00"
    return city if city in reference.municipality_codes() else None
