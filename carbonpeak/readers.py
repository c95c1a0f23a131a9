"""Read bureau statistics files (CSV or Excel) into a raw table of strings.

Bureau exports are hand-made: title and unit rows above the header, GBK or UTF-8 with or
without BOM, totals and notes mixed in with the data. This layer only finds the header and
the data rows and keeps every cell as text, so that the layers above can report problems
against the row number the analyst sees in the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonpeak.findings import ERROR, Finding, InputError

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
EXPECTED_FORMATS = "CSV（UTF-8 或 GBK 编码）或 Excel XLSX"

HEADER_SEARCH_ROWS = 20
TOTAL_LABELS = {"合计", "总计", "小计", "全省合计", "全市合计", "总计:", "total"}
NOTE_PREFIXES = ("注", "说明", "资料来源", "数据来源")
EMPTY_NUMBER_MARKERS = {"", "-", "--", "—", "——", "–", "/"}

_PARENS = str.maketrans({"（": "(", "）": ")"})
_KEY_CHARS = str.maketrans({"（": "(", "）": ")", "：": ":"})
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Excel's "keep leading zeros" trick in CSV exports: ="330100"
_EXCEL_TEXT = re.compile(r'^="(.*)"$')

Row = list[str | None]


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


def header_key(text: str) -> str:
    """The form in which header cells are compared, shared with the column mapping above."""
    key = text.translate(_KEY_CHARS).lower()
    return "".join(key.split())


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

    header_at = _find_header(numbered, known_headers)
    header_row, header = numbered[header_at]
    notes = [_row_text(r) for _, r in numbered[:header_at]]
    body = numbered[header_at + 1 :]

    while body and _is_note(body[-1][1]):
        notes.append(_row_text(body.pop()[1]))
    dropped = [n for n, r in body if _is_total(r)]
    body = [(n, r) for n, r in body if not _is_total(r)]
    # Two exports pasted one under the other repeat the header mid-file: not data.
    repeated = [n for n, r in body if _same_header(r, header)]
    body = [(n, r) for n, r in body if not _same_header(r, header)]
    if not body:
        raise _error(
            table, path, "empty_file", f"文件为空：表头（第{header_row}行）下没有找到任何数据行"
        )

    columns, keep = _columns(header, [r for _, r in body])
    data = [[_cell(r, i) for i in keep] for _, r in body]
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
    return float(s)


# --- reading ---------------------------------------------------------------------------


def _read_text(path: Path, table: str) -> tuple[list[Row], str]:
    data = path.read_bytes()
    if not data.strip():
        raise _error(table, path, "empty_file", "文件为空：没有找到任何数据行")
    text, encoding = _decode(data, table, path)
    sample = text[:4096]
    tabbed = path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",")
    delimiter = "\t" if tabbed else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[_clean_text(c) for c in row] for row in reader], encoding


def _decode(data: bytes, table: str, path: Path) -> tuple[str, str]:
    # Excel's "Unicode text" export is UTF-16 with a BOM; check it before the 8-bit codecs.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    # utf-8 first: GB18030 would also accept many UTF-8 byte sequences, as mojibake.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8"
        return text, encoding
    raise _error(
        table,
        path,
        "unknown_encoding",
        f"无法识别文件编码（已尝试 UTF-8、GBK/GB18030），请另存为 {EXPECTED_FORMATS}",
    )


def _read_excel(
    path: Path, table: str, sheet: str | None, known_headers: set[str]
) -> tuple[list[Row], str]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _error(
            table,
            path,
            "unreadable_file",
            f"无法打开 Excel 文件（{type(exc).__name__}），请提供 {EXPECTED_FORMATS}",
        ) from exc
    try:
        if not wb.worksheets:
            raise _error(table, path, "empty_file", "文件为空：工作簿中没有工作表")
        names = [ws.title for ws in wb.worksheets]
        if sheet is not None and sheet not in names:
            raise _error(
                table,
                path,
                "unreadable_file",
                f"找不到工作表「{sheet}」，文件中的工作表有：{'、'.join(names)}",
            )
        if sheet is not None:
            ws = wb[sheet]
            return _sheet_rows(ws), ws.title
        # No sheet named: the first one whose header we recognise. Workbooks often open
        # with a 说明 (notes) sheet, and the data sheet is named anything from Sheet1 to 表2.
        first = None
        for ws in wb.worksheets:
            rows = _sheet_rows(ws)
            first = first or (rows, ws.title)
            if _has_header(_numbered(rows), known_headers):
                return rows, ws.title
        return first
    finally:
        wb.close()


def _sheet_rows(ws) -> list[Row]:
    return [[_excel_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]


def _numbered(rows: list[Row]) -> list[tuple[int, Row]]:
    """Non-empty rows with their 1-based row number in the file."""
    return [(n, r) for n, r in enumerate(rows, start=1) if any(c is not None for c in r)]


def _excel_cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # 15 significant digits, as Excel displays: hides binary noise like 0.30000000000000004
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return _clean_text(str(value))


def _clean_text(value: str) -> str | None:
    value = value.strip()
    match = _EXCEL_TEXT.match(value)
    if match:
        value = match.group(1).strip()
    return value or None


# --- structure -------------------------------------------------------------------------


def _find_header(numbered: list[tuple[int, Row]], known_headers: set[str]) -> int:
    return _header_index(numbered, known_headers) or 0


def _has_header(numbered: list[tuple[int, Row]], known_headers: set[str]) -> bool:
    return _header_index(numbered, known_headers) is not None


def _header_index(numbered: list[tuple[int, Row]], known_headers: set[str]) -> int | None:
    """The first row, within the first rows, naming at least two known columns."""
    known = {header_key(h) for h in known_headers}
    for i, (number, row) in enumerate(numbered):
        if number > HEADER_SEARCH_ROWS:
            break
        hits = sum(1 for c in row if c is not None and _matches(header_key(c), known))
        if hits >= 2:
            return i
    return None


def _same_header(row: Row, header: Row) -> bool:
    cells = [header_key(c) for c in row if c is not None]
    return len(cells) >= 2 and cells == [header_key(c) for c in header if c is not None]


def _matches(key: str, known: Iterable[str]) -> bool:
    return any(key == k or key.startswith(k + "(") for k in known)


def _first_value(row: Row) -> str | None:
    return next((c for c in row if c is not None), None)


def _is_total(row: Row) -> bool:
    first = _first_value(row)
    return first is not None and header_key(first) in TOTAL_LABELS


def _is_note(row: Row) -> bool:
    values = [c for c in row if c is not None]
    return len(values) == 1 and values[0].startswith(NOTE_PREFIXES)


def _row_text(row: Row) -> str:
    return " ".join(c for c in row if c is not None)


def _cell(row: Row, i: int) -> str | None:
    return row[i] if i < len(row) else None


def _columns(header: Row, body: list[Row]) -> tuple[list[str], list[int]]:
    """Name every column that has a header or any data; unnamed ones get "列N" (N 1-based)."""
    width = max(len(r) for r in [header, *body])
    names: list[str] = []
    keep: list[int] = []
    for i in range(width):
        title = _cell(header, i)
        if title is None:
            if all(_cell(r, i) is None for r in body):
                continue
            title = f"列{i + 1}"
        name, k = title.translate(_PARENS), 1
        while name in names:
            name, k = f"{title.translate(_PARENS)}.{k}", k + 1
        names.append(name)
        keep.append(i)
    return names, keep


def _error(table: str, path: Path, check: str, message: str) -> InputError:
    return InputError(
        Finding(table=table, check=check, severity=ERROR, message=message, file=path.name)
    )
