"""The computed check columns (prefixed `_`) a suite's `meta` declares. GX's pandas
backend checks one row at a time, so the rules that span rows or tables (completeness,
province = Σ cities, unit slips and year-over-year jumps, credit-code check digits,
references to other tables, group totals) become columns its expectations can test."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak import hierarchy_sums, reference
from carbonpeak.ingest import SOURCE_FILE
from carbonpeak.methods.credit_code import credit_code_problem
from carbonpeak.quality.suites import DEFAULT_SLIP_FACTOR, _share_column, settings


def augment(df: pd.DataFrame, table: str, year: int, first_year: int,
            tables: dict[str, pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """The table plus the computed check columns its suite's `meta` declares, and a
    placeholder row (`_row_present` False) for each region-year the report needs but the
    file lacks. `tables` holds the other tables, for cross-table rules."""
    meta, tables = settings(table), tables or {}
    key = meta.get("key") or reference.tables()[table].get("key", [])
    df = df.copy()
    df["_row_present"] = True
    if meta.get("complete") and {"region_code", "year"} <= set(df.columns):
        df = _add_missing_rows(df, meta["complete"], year, first_year)
    series = [k for k in key if k != "year"]  # what identifies one series across years
    if "year" in key and series:
        ordered = df[df["_row_present"]].sort_values([*series, "year"])
        groups = ordered.groupby(series, dropna=False, sort=False)
        df["_year_step"] = groups["year"].diff().reindex(df.index).astype("float64")
        yoy = meta.get("year_over_year") or {}
        slip = yoy.get("unit_slip_factor", DEFAULT_SLIP_FACTOR)
        for col in yoy.get("columns", []):
            _add_jump_columns(df, ordered, series, col, slip)
            for name in (f"_scale__{col}", f"_yoy__{col}"):
                df[name] = df[name].where(_where(df, yoy.get("where")))
    ps = meta.get("province_sum") or {}
    for col in ps.get("columns", []):
        gap = _province_gap(df, col, [k for k in key if k != "region_code"])
        df[f"_province_gap__{col}"] = gap.where(_where(df, ps.get("where")))
    pp = meta.get("parent_sum") or {}
    when = next((k for k in key if k != "region_code"), "year")  # the year or the period
    for col in pp.get("columns", []):
        df[f"_parent_gap__{col}"] = _parent_gap(df, col, tables.get(pp["table"]), when)
        df[f"_siblings__{col}"] = _siblings(df, when)
    for name, expr in (meta.get("computed") or {}).items():
        with np.errstate(divide="ignore", invalid="ignore"):
            df[name] = pd.to_numeric(df.eval(expr, engine="python"), errors="coerce")
    for col in meta.get("credit_codes", []):
        problem = df[col].map(lambda c: credit_code_problem(c) if pd.notna(c) else None)
        df[f"_problem__{col}"] = problem.astype("object")
        df[f"_valid__{col}"] = problem.isna().where(df[col].notna()).astype("object")
    for ref in meta.get("references", []):
        other = tables.get(ref["table"])
        col = ref["column"]
        known = None if other is None else set(other[ref.get("to", col)].dropna())
        df[f"_known__{col}"] = (df[col].isin(known or set()).where(df[col].notna())
                                if known is not None else None)
        df[f"_known__{col}"] = df[f"_known__{col}"].astype("object")
    for rule in meta.get("group_totals", []):
        df[_share_column(rule)] = _share_of(df, rule, tables.get(rule["table"]))
    return df.replace([np.inf, -np.inf], np.nan)


def _add_missing_rows(df: pd.DataFrame, complete: dict, year: int, first_year: int):
    regions = (reference.codes_at("municipality") if complete.get("regions") == "municipalities"
               else reference.region_codes())
    start = first_year if complete.get("from", "baseline") == "baseline" else int(complete["from"])
    present = set(zip(df["region_code"].astype(str), df["year"].astype("Int64"), strict=True))
    files = df[SOURCE_FILE].dropna() if SOURCE_FILE in df else pd.Series(dtype=object)
    file = files.iloc[0] if len(files) else None  # a missing row is missing from this file
    missing = [{"region_code": r, "year": y, "_row_present": False, SOURCE_FILE: file}
               for r in regions for y in range(start, year + 1) if (r, y) not in present]
    if missing:
        df = pd.concat([df, pd.DataFrame(missing)], ignore_index=True)
        df["region_code"] = df["region_code"].astype("string")
        df["year"] = df["year"].astype("Int64")
    return df


def _add_jump_columns(df, ordered, series, col, slip) -> None:
    """`_scale__col`: the value ÷ its series' median, so a unit slip marks the one wrong row
    (a ratio to the previous year would also mark the correct year after it).
    `_yoy__col`: the ratio to the previous year, for rows where neither is a slip."""
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = ordered[col].where(ordered[col] > 0)
        median = positive.groupby([ordered[s] for s in series], dropna=False).transform("median")
        scale = positive / median
        is_slip = (scale >= slip) | (scale <= 1 / slip)
        prev = positive.groupby([ordered[s] for s in series], dropna=False).shift(1)
        prev_slip = is_slip.groupby([ordered[s] for s in series], dropna=False).shift(1)
        ratio = (positive / prev).where((df["_year_step"].reindex(ordered.index) == 1)
                                        & ~is_slip & (prev_slip == False))  # noqa: E712
    df[f"_scale__{col}"] = scale.reindex(df.index).astype("float64")
    df[f"_yoy__{col}"] = ratio.reindex(df.index).astype("float64")


def _province_gap(df: pd.DataFrame, col: str, group: list[str]) -> pd.Series:
    """Province ÷ Σ municipalities − 1 on the province's rows (same year, same other keys)."""
    return hierarchy_sums.parent_gap(df, col, group, rows=df["_row_present"])


def _parent_gap(df: pd.DataFrame, col: str, parents: pd.DataFrame | None,
                when: str = "year") -> pd.Series:
    """Σ of the children delivered for a parent and `when` (a city's counties in a year, or
    in a 1–N月 period) ÷ the parent's own row in `parents` − 1, on every child row of that
    parent and `when`; where some children are missing, only a sum above the parent is kept
    (below it is expected)."""
    if parents is None or df.empty:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    rows = df[df["_row_present"]]
    parent = _parents(rows)
    at = _when(rows[when], when)
    sums = rows.groupby([parent, at])[col].transform("sum", min_count=1)
    own = parents.dropna(subset=["region_code", when]).drop_duplicates(["region_code", when])
    own = own.set_index([own["region_code"].astype(str), _when(own[when], when)])[col]
    keys = pd.MultiIndex.from_arrays([parent, at])
    city = pd.Series(own.reindex(keys).to_numpy(dtype="float64"), index=rows.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = sums / city - 1
    # a city whose counties are not all delivered (one refused, or a partial file) can only
    # be checked one way: its counties together may not exceed it
    count = rows.groupby([parent, at])["region_code"].transform("nunique")
    complete = count == parent.map({p: len(reference.children(p)) for p in parent.unique()})
    gap = gap.where(complete | (gap > 0))
    return gap.reindex(df.index).astype("float64")


def _when(values: pd.Series, when: str) -> pd.Series:
    """The year as an integer, a period as its text: the same key on both tables."""
    return values.astype("int64") if when == "year" else values.astype(str)


def _siblings(df: pd.DataFrame, when: str = "year") -> pd.Series:
    """For a parent-sum message: the parent's code and which of its children were delivered
    for the row's year or period (`330100|330102,330105`), so the finding names the city
    and counties."""
    rows = df[df["_row_present"]]
    parent = _parents(rows)
    at = _when(rows[when], when)
    codes = rows["region_code"].astype(str)
    named = codes.groupby([parent, at]).agg(lambda v: ",".join(sorted(v)))
    kids = pd.Series(named.reindex(pd.MultiIndex.from_arrays([parent, at]))
                     .to_numpy(), index=rows.index)
    return (parent + "|" + kids).reindex(df.index).astype("object")


def _parents(rows: pd.DataFrame) -> pd.Series:
    """Each row's parent region (looked up once a code, not once a row)."""
    codes = rows["region_code"].astype(str)
    return codes.map({c: reference.parent(c) for c in codes.unique()})


def _share_of(df: pd.DataFrame, rule: dict, other: pd.DataFrame | None) -> pd.Series:
    """Σ column over a group (e.g. a city's enterprises in a year; with `where`, only the
    rows it selects) ÷ the other table's value for the same group; each summed row carries
    its group's ratio, so a failure points at the rows that make up the total."""
    if other is None:
        return pd.Series(np.nan, index=df.index)
    by, to = rule["by"], rule.get("to", rule["column"])
    rows = df["_row_present"] & _where(df, rule.get("where"))
    sums = df[rows].groupby(by, dropna=True)[rule["column"]].transform("sum")
    sums = sums * rule.get("factor", 1)  # this table's unit -> the other table's
    ref = other.dropna(subset=by).drop_duplicates(by).set_index(by)[to]
    keys = df.loc[sums.index, by]
    keys = pd.MultiIndex.from_frame(keys.astype(object)) if len(by) > 1 else keys[by[0]]
    limit = pd.Series(ref.reindex(keys).to_numpy(), index=sums.index, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return (sums / limit).reindex(df.index).astype("float64")


def _where(df: pd.DataFrame, expr: str | None) -> pd.Series:
    """The rows a rule applies to: a pandas expression from the suite, or every row."""
    if not expr:
        return pd.Series(True, index=df.index)
    return df.eval(expr, engine="python").fillna(False).astype(bool)
