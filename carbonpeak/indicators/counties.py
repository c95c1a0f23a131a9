"""Stage 03 one level down: the inputs as the county-level units (县、县级市、区) see them.

A county's headline rows come from the county tables (tables.yml `level: county`, read as the
table named by `rows_of`); lists of firms, factories and projects are placed in a county by
their county column, else by the registration area in their credit code, and only within the
city they are listed under. A table with no county rows is not given to the county pass, so
its indicators are 未提供 there (engine.compute_all `absent`), never a quality failure.
"""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.ingest import regionnames


def county_tables(tables: dict[str, pd.DataFrame | None]) -> tuple[dict[str, pd.DataFrame],
                                                                   list[str]]:
    """(the tables of the county pass, the counties it reports on: those with headline rows)."""
    out: dict[str, pd.DataFrame] = {}
    for name in reference.county_tables():
        df = tables.get(name)
        if df is not None and len(df):
            out[reference.rows_of(name)] = df
    counties = sorted({str(c) for df in out.values() for c in df["region_code"].dropna()})
    if not counties:
        return {}, []
    specs = reference.tables()
    for name, df in tables.items():
        spec = specs.get(name, {})
        if df is None or name in out or spec.get("level") or "province" in spec \
                or "region_code" not in df:
            continue  # only lists of firms and projects are placed by county
        placed = df.assign(region_code=place(df)).dropna(subset=["region_code"])
        placed = placed[placed["region_code"].isin(counties)].reset_index(drop=True)
        placed.attrs["regions"] = counties
        out[name] = placed
    return out, counties


def place(df: pd.DataFrame) -> pd.Series:
    """The county code of each row of a list (None where it cannot be placed); each distinct
    (county, city) and (credit code, city) pair is looked up once."""
    city = df["region_code"].astype("string")
    none = pd.Series(None, index=df.index, dtype="object")
    by_name = _each_pair(df["county"], city, _named) if "county" in df else none
    by_code = _each_pair(df["credit_code"], city, _registered) if "credit_code" in df else none
    return by_name.where(by_name.notna(), by_code)


def _each_pair(values: pd.Series, city: pd.Series, look) -> pd.Series:
    pairs = list(zip(values, city, strict=True))
    found = {p: look(*p) for p in set(pairs)}
    return pd.Series([found[p] for p in pairs], index=values.index, dtype="object")


def _named(text, city) -> str | None:
    if pd.isna(text) or pd.isna(city):
        return None
    code = (regionnames.county_code_of(reference.region_name(city) + str(text))
            or regionnames.county_code_of(text))
    return code if code and reference.parent(code) == city else None


def _registered(credit_code, city) -> str | None:
    """The county in a credit code's registration-area digits (characters 3–8), if it lies
    in the row's city."""
    if not isinstance(credit_code, str) or len(credit_code) < 8 or pd.isna(city):
        return None
    area = credit_code[2:8]
    hierarchy = reference.hierarchy()
    if area in hierarchy and hierarchy[area]["level"] == "county" \
            and hierarchy[area]["parent_code"] == city:
        return area
    return None
