"""A table delivered in parts (tables.yml `multi_file` without a period column): a
province-wide county file, or one file per city. The parts are concatenated; a key (county
and year) in two parts is either the same delivery twice (a warning) or a conflict (an error
naming both files and each cell that differs, and the key's rows kept from neither file)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonpeak import reference
from carbonpeak.findings import ERROR, WARNING, Finding
from carbonpeak.ingest.table import NUMERIC_TYPES, SOURCE_FILE, SOURCE_ROW, TableResult, read_each


def read_parts(paths: list[Path], name: str, spec: dict) -> TableResult:
    frames, headers, findings = read_each(paths, name, spec)
    if not frames:
        return TableResult(name, None, paths[0], findings, headers, sources=list(paths))
    frame = pd.concat(frames, ignore_index=True)
    key = spec["key"]
    values = [c for c, s in spec["columns"].items() if s["type"] in NUMERIC_TYPES]
    twice = frame[frame.duplicated(key, keep=False)]
    drop = pd.Series(False, index=frame.index)
    for k, grp in twice.groupby(key, sort=True):
        first, rest = grp.iloc[0], grp.iloc[1:]
        region = str(k[0])
        where = f"{reference.region_name(region)}{k[1]}年"
        differs = [(c, other) for _, other in rest.iterrows() for c in values
                   if not _same(first[c], other[c])]
        if differs:
            drop |= frame.index.isin(grp.index)
            for c, other in differs:
                title = spec["columns"][c].get("title_zh", c)
                findings.append(Finding(
                    name, "county_conflict", ERROR,
                    f"{where}的{title}在两个文件中不一致：{first[SOURCE_FILE]}第{first[SOURCE_ROW]}行为"
                    f"{_g(first[c])}，{other[SOURCE_FILE]}第{other[SOURCE_ROW]}行为{_g(other[c])}；"
                    "两份均不采用，请核实后只保留一份", other[SOURCE_FILE], int(other[SOURCE_ROW]),
                    headers.get(c, c), region, c))
        else:
            drop |= frame.index.isin(rest.index)
            files = "、".join(f"{r[SOURCE_FILE]}第{r[SOURCE_ROW]}行" for _, r in grp.iterrows())
            findings.append(Finding(
                name, "county_conflict", WARNING,
                f"{where}的数据重复报送（{files}），数值相同，只采用一份",
                rest.iloc[0][SOURCE_FILE], int(rest.iloc[0][SOURCE_ROW]), None, region))
    return TableResult(name, frame[~drop].reset_index(drop=True), paths[0], findings, headers,
                       sources=list(paths))


def _same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and a == b)


def _g(value) -> str:
    return "空" if pd.isna(value) else f"{value:g}"
