"""Read bureau statistics files (CSV or Excel) into a raw table of strings.

Bureau exports are hand-made: title and unit rows above the header, GBK or UTF-8 with or
without BOM, totals and notes mixed in with the data. This layer only finds the header and
the data rows and keeps every cell as text, so that the layers above can report problems
against the row number the analyst sees in the file.

The layers below: rawfile.py (a file as rows of text cells) and layout.py (where the header,
data, totals and notes are).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonpeak.ingest.layout import (
    _cell,
    _columns,
    _header_index,
    _header_keys,
    _is_note,
    _is_total,
    _numbered,
    _row_text,
    _same_header,
)
from carbonpeak.ingest.rawfile import (
    EXCEL_SUFFIXES,
    EXPECTED_FORMATS,
    TEXT_SUFFIXES,
    _error,
    _read_excel,
    _read_text,
)

EMPTY_NUMBER_MARKERS = {"", "-", "--", "—", "——", "–", "/"}

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass
class RawTable:
    frame: pd.DataFrame
    source_rows: list[int]
    header_row: int
    encoding: str | None
    sheet: str | None
    dropped_total_rows: list[int]
    path: Path
    # Text of the rows above the header and of trailing note rows: the unit often lives here.
    notes: list[str] = field(default_factory=list)
    # Copies of the header row found among the data (two exports pasted together), dropped.
    repeated_header_rows: list[int] = field(default_factory=list)
    # The 合计/总计 rows that carry numbers, in the frame's columns: ingest decides whether
    # one stands for the province (no province row given) or is checked and dropped.
    total_frame: pd.DataFrame | None = None
    # False when no row in the first rows names two known columns: the first row was taken
    # as the header, and its cells may be data.
    header_found: bool = True
    # column name in the frame -> its 1-based position in the file
    positions: dict[str, int] = field(default_factory=dict)
    # a header written twice: the second copy's frame name ("综合能耗.1") -> the first's
    duplicate_headers: dict[str, str] = field(default_factory=dict)


def read_raw(
    path: Path, table: str, known_headers: set[str], *, sheet: str | None = None
) -> RawTable:
    """Read one file; `sheet` picks an Excel sheet by name (default: the first one)."""
    path = Path(path)
    suffix = path.suffix.lower()
    encoding: str | None = None
    if suffix in TEXT_SUFFIXES:
        rows, encoding = _read_text(path, table)
    elif suffix in EXCEL_SUFFIXES:
        rows, sheet = _read_excel(path, table, sheet, known_headers)
    else:
        raise _error(
            table,
            path,
            "unreadable_file",
            f"不支持的文件类型「{path.suffix or '无扩展名'}」，请提供 {EXPECTED_FORMATS}",
        )
    numbered = _numbered(rows)
    if not numbered:
        raise _error(table, path, "empty_file", "文件为空：没有找到任何数据行")

    found = _header_index(numbered, known_headers)
    header_at = found or 0
    header_row, header = numbered[header_at]
    notes = [_row_text(r) for _, r in numbered[:header_at]]
    body = numbered[header_at + 1 :]

    while body and _is_note(body[-1][1]):
        notes.append(_row_text(body.pop()[1]))
    totals = [(n, r) for n, r in body if _is_total(r)]
    body = [(n, r) for n, r in body if not _is_total(r)]
    dropped = [n for n, _ in totals]
    # Two exports pasted one under the other repeat the header mid-file: not data.
    keys = _header_keys(header)
    again = [_same_header(r, keys) for _, r in body]
    repeated = [n for (n, _), same in zip(body, again, strict=True) if same]
    body = [row for row, same in zip(body, again, strict=True) if not same]
    if not body:
        raise _error(
            table, path, "empty_file", f"文件为空：表头（第{header_row}行）下没有找到任何数据行"
        )

    columns, keep = _columns(header, [r for _, r in body])
    last = keep[-1] if keep else -1
    data = [[r[i] for i in keep] if len(r) > last else [_cell(r, i) for i in keep]
            for _, r in body]
    valued = [(n, r) for n, r in totals if sum(c is not None for c in r) > 1]
    total_frame = pd.DataFrame([[_cell(r, i) for i in keep] for _, r in valued],
                               columns=columns, index=[n for n, _ in valued], dtype=object)
    duplicates = {}
    for name in columns:
        base, _, k = name.rpartition(".")
        if base in columns and k.isdigit():
            duplicates[name] = base
    return RawTable(
        frame=pd.DataFrame(data, columns=columns, dtype=object),
        source_rows=[n for n, _ in body],
        header_row=header_row,
        encoding=encoding,
        sheet=sheet,
        dropped_total_rows=dropped,
        path=path,
        notes=notes,
        repeated_header_rows=repeated,
        total_frame=total_frame,
        header_found=found is not None,
        positions={c: i + 1 for c, i in zip(columns, keep, strict=True)},
        duplicate_headers=duplicates,
    )


def parse_number(text: str | None) -> float | None:
    """Parse a number as bureaus type it: full-width, with thousands separators or a "%".

    A percentage keeps its face value ("12.5%" -> 12.5): the column says what it means.
    """
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).replace("\u2212", "-").strip()
    if s in EMPTY_NUMBER_MARKERS:
        return None
    if s.endswith("%"):
        s = s[:-1].rstrip()
    if "," in s:
        if not _THOUSANDS.fullmatch(s):
            raise ValueError(f"不是有效的数字（千分位逗号位置不对）：{text!r}")
        s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        raise ValueError(f"不是有效的数字：{text!r}")
    value = float(s)
    if not math.isfinite(value):
        raise NonFinite(f"数值超出可计算的范围（{text}），请核对是否多输了位数")
    return value


class NonFinite(ValueError):
    """A number too large to compute with (1e309 reads as infinity): never a value."""
