"""Region names as bureaus write them: 330100, 杭州市, 杭州, 杭州市富阳区, 富阳区, 富阳.

Reported regions (province, cities) come from reference.region_lookup(); county-level units
are the `county` rows of the same hierarchy (regions.csv, GB/T 2260), so a county-qualified
name maps to its city, and an enterprise's county and the registration area in its credit
code can be checked against the city it is listed under.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from carbonpeak import reference


@reference.reloading("regions.csv")
def county_lookup() -> dict[str, tuple[str, str]]:
    """Any way a county is written (code, 富阳区, 杭州市富阳区, 杭州富阳区, 富阳) ->
    (county name, city code). Short forms that two units share, or that name a reported
    region, are left out."""
    units = reference.codes_at("county")
    out: dict[str, tuple[str, str]] = {}
    shorts = Counter(reference.short_name(c) for c in units)
    city_names = set(reference.region_lookup())
    for code in units:
        name, city = reference.region_name(code), reference.parent(code)
        value = (name, city)
        city_name, city_short = reference.region_name(city), reference.short_name(city)
        keys = {code, name, city_name + name, city_short + name}
        short = reference.short_name(code)
        if short != name and shorts[short] == 1 and short.lower() not in city_names:
            keys |= {short, city_name + short, city_short + short}
        for k in keys:
            out[k.lower()] = value
    return out


@reference.reloading("regions.csv")
def county_codes() -> dict[str, str]:
    """Any way a county is written (as county_lookup) -> its GB/T 2260 code."""
    by_name = {(reference.region_name(c), reference.parent(c)): c
               for c in reference.codes_at("county")}
    return {k: by_name[v] for k, v in county_lookup().items()}


def county_code_of(text: object) -> str | None:
    """The code of a written county-level unit (330111, 富阳区, 杭州市富阳区), or None."""
    if text is None:
        return None
    return county_codes().get("".join(str(text).split()).lower())


def city_named_in(file_name: str) -> str | None:
    """The one city a file name names (杭州市各区县规上工业主要指标.xlsx -> 330100), else None."""
    stem = "".join(file_name.split()).lower()
    found = {code for code in reference.codes_at("municipality")
             for name in (reference.region_name(code), reference.short_name(code))
             if name.lower() in stem}
    return found.pop() if len(found) == 1 else None


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
    province = reference.province_code()
    return _credit_city(code, province, set(reference.children(province)))


def credit_code_cities(codes: pd.Series) -> pd.Series:
    """credit_code_city of each value of a column (NaN where None), each distinct code once."""
    province = reference.province_code()
    cities = set(reference.children(province))
    return codes.map({c: _credit_city(c, province, cities) for c in codes.dropna().unique()})


def county_cities(names: pd.Series) -> pd.Series:
    """The city of each written county-level unit in a column (NaN where none)."""
    return names.map({t: (county_of(t) or (None, None))[1] for t in names.dropna().unique()})


def _credit_city(code: object, province: str, cities: set[str]) -> str | None:
    if not isinstance(code, str) or len(code) < 8:
        return None
    area = code[2:8]
    if not area.isdigit() or area[:2] != province[:2] or area[:4] == province[:4]:
        return None
    city = area[:4] + "00"
    return city if city in cities else None
