"""Which delivered file is which table, and only files that are what they claim.

A bureau names files as it likes (2025年规上工业主要指标.xlsx): a file is matched to a table
by its name (tables.yml `files`), else by its headers (every required column of exactly one
table found in one of the first rows; a county table, which has its headline table's
headers, only by name), and the match is reported. Only regular files inside
the data folder are read: a symlink that leads outside, a folder, a FIFO or a device named
like a table is refused with a finding, decided by os.stat before anything is opened (a
FIFO opened for reading would block forever).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from carbonpeak.findings import ERROR, INFO, Finding
from carbonpeak.ingest.rawfile import EXCEL_SUFFIXES, TEXT_SUFFIXES, sniff_rows

# Files that belong in a data folder but are no table.
NOT_TABLES = {"dataset.yml", "dataset.yaml", "readme.md", "readme.txt", "说明.txt"}
FILES = "files"  # the `table` of findings about files that belong to no table


@dataclass
class Found:
    files: dict[str, list[Path]] = field(default_factory=dict)  # table -> its file(s)
    notes: dict[str, list[Finding]] = field(default_factory=dict)  # table -> how / refused
    unmatched: list[Finding] = field(default_factory=list)  # files that are no table


def match(data_dir: Path, tables: dict, match_header: Callable) -> Found:
    data_dir = Path(data_dir)
    found = Found()
    try:
        root = data_dir.resolve(strict=True)
        entries = sorted(data_dir.iterdir())
    except OSError:
        return found  # the missing folder is reported table by table, as missing files
    by_name = {}
    for table, spec in tables.items():
        for f in [*spec.get("files", []), *(f"{table}{ext}" for ext in (".csv", ".xlsx",
                                                                          ".xlsm"))]:
            by_name[f.lower()] = table
    patterns = [(p.lower(), table) for table, spec in tables.items()
                for p in spec.get("file_patterns", [])]
    for path in entries:
        if path.name.startswith((".", "~$")) or path.name.lower() in NOT_TABLES:
            continue  # hidden files, Excel's lock files, the data set's own description
        table = by_name.get(path.name.lower()) or by_pattern(path.name, patterns)
        refused = refusal(path, root)
        if refused:
            check, message = refused
            f = Finding(table or FILES, check, ERROR if table else INFO, message, file=path.name)
            (found.notes.setdefault(table, []) if table else found.unmatched).append(f)
            continue
        if table:
            found.files.setdefault(table, []).append(path)
            continue
        guess, hint = _by_headers(path, tables, match_header)
        if guess:
            found.files.setdefault(guess, []).append(path)
            found.notes.setdefault(guess, []).append(Finding(
                guess, "file_matched", INFO,
                f"文件名不是约定的名称，按表头识别为「{tables[guess].get('title_zh', guess)}」",
                file=path.name))
        else:
            found.unmatched.append(Finding(FILES, "unrecognised_file", INFO, hint,
                                           file=path.name))
    return found


def by_pattern(name: str, patterns: list[tuple[str, str]]) -> str | None:
    """The table whose `file_patterns` (tables.yml, e.g. industry_monthly_*.csv for a table
    delivered one file per month) match a file name, case-insensitively. A file
    delivered for a county one level down (industry_monthly_county_*.csv) matches both its
    own pattern and its city table's: the most specific pattern, the one with the most
    characters that are not wildcards, wins."""
    name = name.lower()
    hits = [(len(pattern) - sum(pattern.count(w) for w in "*?[]"), table)
            for pattern, table in patterns if fnmatch.fnmatchcase(name, pattern)]
    return max(hits, key=lambda h: h[0])[1] if hits else None


def refusal(path: Path, root: Path) -> tuple[str, str] | None:
    """Why a path is not read, or None for a regular file inside the data folder."""
    try:
        resolved = path.resolve(strict=True)
        st = os.stat(path)  # follows a symlink; opens nothing
    except (OSError, RuntimeError):
        return "not_a_regular_file", "无法读取：链接失效、循环链接或没有读取权限"
    if not resolved.is_relative_to(root):
        return "outside_data_folder", "是指向数据文件夹以外的链接，出于安全考虑不读取；请把文件本身放入数据文件夹"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    kind = ("文件夹" if stat.S_ISDIR(mode) else "命名管道（FIFO）" if stat.S_ISFIFO(mode)
            else "设备文件" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "套接字" if stat.S_ISSOCK(mode) else "特殊文件")
    return "not_a_regular_file", f"是{kind}，不是数据文件，未读取"


def _by_headers(path: Path, tables: dict, match_header: Callable) -> tuple[str | None, str]:
    """The one table whose required columns all appear in one of the file's first rows."""
    if path.suffix.lower() not in TEXT_SUFFIXES | EXCEL_SUFFIXES:
        return None, (f"无法识别的文件（类型「{path.suffix or '无扩展名'}」不受支持），已忽略；"
                      "数据表请提供 CSV 或 XLSX")
    rows = sniff_rows(path)
    scores = {}
    for table, spec in tables.items():
        required = {c for c, s in spec["columns"].items() if s.get("required")}
        best = 0
        for row in rows:
            hits = set()
            for cell in row:
                m = match_header(cell, spec) if cell else None
                if m is not None and not isinstance(m, str):
                    hits.add(m.column)
            if required <= hits:
                best = max(best, len(hits))
        if best:
            scores[table] = best
    top = max(scores.values(), default=0)
    winners = [t for t, s in scores.items() if s == top]
    if len(winners) > 1:  # a county table has its headline table's headers: named files only
        winners = [t for t in winners if not tables[t].get("level")] or winners
    if len(winners) == 1:
        return winners[0], ""
    if winners:
        names = "、".join(tables[t].get("title_zh", t) for t in winners)
        return None, f"无法识别的文件：表头同时符合{names}，已忽略；请按约定的文件名重命名"
    return None, ("无法识别的文件：文件名和表头都对不上任何数据表，已忽略；请按 docs/data.md "
                  "的文件名命名，或使用其中列出的表头")
