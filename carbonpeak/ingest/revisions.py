"""Monthly files that re-deliver an earlier month: which value stands, and what changed.

The bureau delivers one file per month and may revise an earlier month in a later file.
The same (region, period) in two files: the file whose latest period is later wins (a tie:
the later file name). `until` reads a period's data: rows dated after it never count, but
a later file's re-delivery of a month up to it does — a revision is still that month's
figure, and the month's barometer is re-rendered with it and says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCE_FILE = "_source_file"
SOURCE_ROW = "_source_row"
KEY = ["region_code", "period"]
REVISION_COLUMNS = ["region_code", "period", "column", "old_value", "new_value", "old_file",
                    "new_file", "old_row", "new_row"]


def file_order(versions: pd.DataFrame) -> pd.Series:
    """file -> its rank: by the latest period it holds, then by name."""
    latest = versions.groupby(SOURCE_FILE)["period"].max()
    ordered = sorted(latest.index, key=lambda f: (latest[f], f))
    return pd.Series(range(len(ordered)), index=ordered)


def as_of(versions: pd.DataFrame, until: str | None) -> pd.DataFrame:
    """The rows dated up to period `until` (None: every row), from whichever file.

    Also what a period reads of the table `resolve` made from every file, and of its
    revised cells: a key's winner and its revisions depend only on the files that hold
    that key, so resolving every file once and keeping the keys up to `until` equals
    resolving the rows up to `until` (files are ranked on all they hold either way)."""
    if until is None or versions is None or versions.empty:
        return versions
    return versions[versions["period"] <= until].reset_index(drop=True)


def resolve(versions: pd.DataFrame, value_columns: list[str], until: str | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the rows that stand, one per key unless one file repeats a key; every revised cell
    as REVISION_COLUMNS), reading only rows dated up to `until`. Files are ranked on all
    they hold, so a later file's re-delivery of an earlier month wins at every period."""
    order = file_order(versions) if versions is not None and len(versions) else None
    versions = as_of(versions, until)
    if versions is None or versions.empty:
        return versions, pd.DataFrame(columns=REVISION_COLUMNS)
    rank = versions[SOURCE_FILE].map(order)
    df = versions.assign(_rank=rank).sort_values(["_rank", SOURCE_ROW], kind="stable")
    newest = df.groupby(KEY, dropna=False)["_rank"].transform("max")
    winners = df[df["_rank"] == newest].drop(columns="_rank")
    revised = []
    multi = df[df.groupby(KEY, dropna=False)["_rank"].transform("nunique") > 1]
    for (region, period), group in multi.groupby(KEY, sort=True):
        rows = group.drop_duplicates("_rank", keep="first").to_dict("records")
        for old, new in zip(rows, rows[1:], strict=False):
            for col in value_columns:
                a, b = old.get(col), new.get(col)
                if _same(a, b):
                    continue
                revised.append({"region_code": region, "period": period, "column": col,
                                "old_value": _num(a), "new_value": _num(b),
                                "old_file": old[SOURCE_FILE], "new_file": new[SOURCE_FILE],
                                "old_row": old[SOURCE_ROW], "new_row": new[SOURCE_ROW]})
    return (winners.sort_values(KEY, kind="stable").reset_index(drop=True),
            pd.DataFrame(revised, columns=REVISION_COLUMNS))


def _num(v):
    return float(v) if v is not None and not pd.isna(v) else np.nan


def _same(a, b) -> bool:
    a_na = a is None or pd.isna(a)
    b_na = b is None or pd.isna(b)
    if a_na or b_na:
        return a_na and b_na
    return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-12))
