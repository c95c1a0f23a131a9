"""Monthly files that re-deliver an earlier month: which value stands, and what changed.

The bureau delivers one file per month and may revise an earlier month in a later file.
A file delivers the month of the latest period it holds. The same (region, period) in two
files:

- of different delivery months: a revision; the later delivery wins;
- of the same delivery month (industry_monthly_2026-10.csv and 规上工业月度统计2026-10.csv):
  two deliveries of one month. Identical, they are a duplicate (the later file name is
  kept); differing in any cell, they are a conflict: neither stands, the key's row is
  left out and every differing cell is reported (`CLASH_COLUMNS`).

`until` reads a period's data: rows dated after it never count, but a later file's
re-delivery of a month up to it does — a revision is still that month's figure, and the
month's barometer is re-rendered with it and says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SOURCE_FILE = "_source_file"
SOURCE_ROW = "_source_row"
KEY = ["region_code", "period"]
REVISION_COLUMNS = ["region_code", "period", "column", "old_value", "new_value", "old_file",
                    "new_file", "old_row", "new_row"]
# Two deliveries of one month holding the same key: `column` names a differing cell (one
# row per cell), or is empty when the two rows are identical (a duplicate).
CLASH_COLUMNS = ["region_code", "period", "column", "file_a", "row_a", "value_a", "file_b",
                 "row_b", "value_b"]


def file_order(versions: pd.DataFrame) -> pd.Series:
    """file -> its rank: by the latest period it holds, then by name."""
    latest = versions.groupby(SOURCE_FILE)["period"].max()
    ordered = sorted(latest.index, key=lambda f: (latest[f], f))
    return pd.Series(range(len(ordered)), index=ordered)


def delivered_months(versions: pd.DataFrame | None) -> pd.Series:
    """file -> the month it delivers: the latest period it holds."""
    if versions is None or versions.empty:
        return pd.Series(dtype=object)
    return versions.groupby(SOURCE_FILE)["period"].max()


def as_delivered(rows: pd.DataFrame, revised: pd.DataFrame, delivered: pd.Series,
                 month: str) -> pd.DataFrame:
    """`rows` (one per key, revisions applied) with every cell that a file delivered after
    `month` revised put back to the value it held when `month` was delivered: the old
    value of the cell's first revision delivered after `month` (revisions come one
    delivery month to the next, so that is the value as of `month`)."""
    if revised is None or revised.empty or rows is None or rows.empty:
        return rows
    when = revised["new_file"].map(delivered)
    later = revised[when > month].assign(_when=when[when > month])
    if later.empty:
        return rows
    first = later.sort_values("_when", kind="stable").drop_duplicates(
        ["region_code", "period", "column"], keep="first")
    out = rows.copy()
    for r in first.itertuples(index=False):
        if r.column not in out:
            continue
        at = (out["region_code"].astype(str) == str(r.region_code)) & \
            (out["period"] == r.period)
        out.loc[at, r.column] = r.old_value
    return out


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
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(the rows that stand, one per key unless one file repeats a key; every revised cell
    as REVISION_COLUMNS; every clash of two deliveries of one month as CLASH_COLUMNS),
    reading only rows dated up to `until`. Files are ranked on all they hold, so a later
    file's re-delivery of an earlier month wins at every period. A key the latest
    deliveries disagree on has no row that stands."""
    no_clash = pd.DataFrame(columns=CLASH_COLUMNS)
    order = file_order(versions) if versions is not None and len(versions) else None
    delivered = delivered_months(versions) if order is not None else None
    versions = as_of(versions, until)
    if versions is None or versions.empty:
        return versions, pd.DataFrame(columns=REVISION_COLUMNS), no_clash
    df = versions.assign(_rank=versions[SOURCE_FILE].map(order),
                         _month=versions[SOURCE_FILE].map(delivered))
    df = df.sort_values(["_rank", SOURCE_ROW], kind="stable")
    newest = df.groupby(KEY, dropna=False)["_rank"].transform("max")
    winners = df[df["_rank"] == newest]
    revised, clashes, refused = [], [], set()
    multi = df[df.groupby(KEY, dropna=False)["_rank"].transform("nunique") > 1]
    for (region, period), group in multi.groupby(KEY, sort=True):
        rows = group.drop_duplicates("_rank", keep="first").to_dict("records")
        top = [r for r in rows if r["_month"] == rows[-1]["_month"]]
        differ = [(a, b, col) for a, b in zip(top, top[1:], strict=False)
                  for col in value_columns if not _same(a.get(col), b.get(col))]
        for a, b, col in differ or [(a, b, None) for a, b in zip(top, top[1:],
                                                                   strict=False)]:
            clashes.append({"region_code": region, "period": period, "column": col,
                            "file_a": a[SOURCE_FILE], "row_a": a[SOURCE_ROW],
                            "value_a": _num(a.get(col)) if col else np.nan,
                            "file_b": b[SOURCE_FILE], "row_b": b[SOURCE_ROW],
                            "value_b": _num(b.get(col)) if col else np.nan})
        if differ:
            refused.add((region, period))
        # revisions: from one delivery month to the next (the latest: its last file)
        steps = [r for i, r in enumerate(rows)
                 if i + 1 == len(rows) or rows[i + 1]["_month"] != r["_month"]]
        if differ:
            steps = steps[:-1]  # no single latest value to have been revised to
        for old, new in zip(steps, steps[1:], strict=False):
            for col in value_columns:
                a, b = old.get(col), new.get(col)
                if _same(a, b):
                    continue
                revised.append({"region_code": region, "period": period, "column": col,
                                "old_value": _num(a), "new_value": _num(b),
                                "old_file": old[SOURCE_FILE], "new_file": new[SOURCE_FILE],
                                "old_row": old[SOURCE_ROW], "new_row": new[SOURCE_ROW]})
    if refused:
        keys = pd.Series(list(zip(winners["region_code"], winners["period"], strict=True)),
                         index=winners.index)
        winners = winners[~keys.isin(refused)]
    return (winners.drop(columns=["_rank", "_month"]).sort_values(KEY, kind="stable")
            .reset_index(drop=True),
            pd.DataFrame(revised, columns=REVISION_COLUMNS),
            pd.DataFrame(clashes, columns=CLASH_COLUMNS))


def _num(v):
    return float(v) if v is not None and not pd.isna(v) else np.nan


def _same(a, b) -> bool:
    a_na = a is None or pd.isna(a)
    b_na = b is None or pd.isna(b)
    if a_na or b_na:
        return a_na and b_na
    return bool(np.isclose(float(a), float(b), rtol=1e-9, atol=1e-12))
