"""A parent region equals the sum of its children (the province = Σ its cities).

One rule for the three places that check it — ingest (a province or 合计 row of a table
filled per city), the quality suites (`province_sum`) and the monthly checks — so which
regions are summed into which parent (the hierarchy of regions.csv) and how far the parent
may be off are decided here once; a table or suite may still declare its own tolerance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak import reference

# How far a parent's value may be from the sum of its children (relative: 0.5 %), unless
# tables.yml (`province_tolerance`) or the suite's meta says otherwise.
TOLERANCE = 0.005


def summed(parent: str | None = None) -> list[str]:
    """The regions summed into `parent` (default: the province): its children."""
    return reference.children(parent or reference.province_code())


def child_sums(df: pd.DataFrame, columns: list[str], by: list[str],
               parent: str | None = None) -> pd.DataFrame:
    """Σ of each column over the parent's children per `by` group (NaN where no child has a
    value), and `_children`: how many children have a row in the group."""
    kids = df[df["region_code"].isin(summed(parent))]
    groups = kids.groupby(by, dropna=False)
    out = groups[columns].sum(min_count=1)
    out["_children"] = groups["region_code"].nunique()
    return out


def parent_gap(df: pd.DataFrame, column: str, by: list[str], parent: str | None = None,
               rows: pd.Series | None = None) -> pd.Series:
    """Parent ÷ Σ children − 1 on the parent's rows (same `by` keys; `rows`: the child rows
    that count), NaN on every other row: a column a suite can bound by the tolerance."""
    parent = parent or reference.province_code()
    is_parent = df["region_code"] == parent
    mask = df["region_code"].isin(summed(parent))
    kids = df[mask & rows] if rows is not None else df[mask]
    if by:
        sums = kids.groupby(by, dropna=False)[column].sum(min_count=1).rename("_sum")
        total = df[by].merge(sums, left_on=by, right_index=True, how="left")["_sum"]
    else:
        total = pd.Series(kids[column].sum(min_count=1), index=df.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = df[column] / total.reindex(df.index) - 1
    return gap.where(is_parent).astype("float64")


def off(got: float, want: float, tolerance: float = TOLERANCE) -> bool:
    """The parent's value is further from the children's sum than the tolerance allows
    (relative; when the children sum to zero, only zero is right)."""
    return (abs(got / want - 1) > tolerance) if want else got != 0
