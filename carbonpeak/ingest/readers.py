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
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonpeak.findings import ERROR, Finding, UnreadableFile
from carbonpeak.textsafe import strip_bidi

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
EXPECTED_FORMATS = "CSV（UTF-8 或 GBK 编码）或 Excel XLSX"

HEADER_SEARCH_ROWS = 20
# Documented input limits (README: input limits): far above any bureau table (the largest,
# an enterprise list, has tens of thousands of rows), low enough to refuse a runaway file.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 1024 * 1024 * 1024  # a zip bomb unpacks far beyond this
MAX_ROWS = 2_000_000
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
    repeated = [n for n, r in body if _same_header(r, header)]
    body = [(n, r) for n, r in body if not _same_header(r, header)]
    if not body:
        raise _error(
            table, path, "empty_file", f"文件为空：表头（第{header_row}行）下没有找到任何数据行"
        )

    columns, keep = _columns(header, [r for _, r in body])
    data = [[_cell(r, i) for i in keep] for _, r in body]
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


def sniff_rows(path: Path) -> list[Row]:
    """The first rows of a file (every sheet of a workbook), to recognise a table by its
    headers; [] for anything that cannot be read (the file is then simply not matched)."""
    path = Path(path)
    try:
        if os.stat(path).st_size > MAX_FILE_BYTES:
            return []
        if path.suffix.lower() in TEXT_SUFFIXES:
            with path.open("rb") as f:
                data = f.read(65536)
            data = data[: data.rfind(b"\n") + 1] or data  # never cut a character in two
            text, _ = _decode(data, "", path)
            lines = text.splitlines()[:HEADER_SEARCH_ROWS]
            delimiter = "\t" if sum(s.count("\t") for s in lines) > sum(
                s.count(",") for s in lines) else ","
            return [[_clean_text(c) for c in row]
                    for row in csv.reader(lines, delimiter=delimiter)]
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            return [[_excel_cell(v) for v in row] for ws in wb.worksheets
                    for row in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - a file we cannot sniff is reported as unrecognised
        return []


# --- reading ---------------------------------------------------------------------------


def _read_text(path: Path, table: str) -> tuple[list[Row], str]:
    _check_size(path, table)
    data = path.read_bytes()
    if not data.strip():
        raise _error(table, path, "empty_file", "文件为空：没有找到任何数据行")
    text, encoding = _decode(data, table, path)
    sample = text[:4096]
    tabbed = path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",")
    delimiter = "\t" if tabbed else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    while True:
        start = reader.line_num + 1  # the line this record starts on
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a quote left open to the end of the file
            raise _stray_quote(table, path, start, None, str(exc)) from exc
        if len(rows) >= MAX_ROWS:
            raise _error(table, path, "too_large",
                         f"文件超过{MAX_ROWS:,}行的上限，请按年份或地区拆分后提供")
        # A stray quote makes the csv module swallow the following lines into one cell
        for i, c in enumerate(row):
            if "\n" in c and delimiter in c:
                raise _stray_quote(table, path, start, i)
        rows.append([_clean_text(c) for c in row])
    return rows, encoding


def _stray_quote(table, path, row, col, detail: str = "") -> UnreadableFile:
    if "field larger than field limit" in detail:
        message = (f"CSV 格式错误：单元格超过 {csv.field_size_limit():,} 个字符"
                   "（多半是引号（\"）不配对，把其后的行并入了一个单元格）；请删除多余的引号")
    else:
        message = ("CSV 格式错误：引号（\"）不配对，其后的行无法区分"
                   + ("" if not detail else "（解析器提示：" + detail.split(":")[0] + "）")
                   + "；请删除多余的引号，或用 Excel 另存为 CSV")
    return UnreadableFile(Finding(
        table=table, check="unreadable_file", severity=ERROR, file=path.name, row=row,
        column=None if col is None else f"第{col + 1}列", message=message))


def _check_size(path: Path, table: str) -> None:
    size = os.stat(path).st_size
    if size > MAX_FILE_BYTES:
        raise _error(table, path, "too_large",
                     f"文件大小 {size / 2**20:.0f} MB 超过 {MAX_FILE_BYTES // 2**20} MB 的上限，"
                     "请按年份或地区拆分后提供")


def _decode(data: bytes, table: str, path: Path) -> tuple[str, str]:
    # Excel's "Unicode text" export is UTF-16 with a BOM; check it before the 8-bit codecs.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:  # UTF-16/32 without a BOM, or not a text file at all
        raise _error(table, path, "unknown_encoding",
                     f"无法识别文件编码（文件含空字节，可能是无 BOM 的 UTF-16 或二进制文件），"
                     f"请另存为 {EXPECTED_FORMATS}")
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

    _check_size(path, table)
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        unpacked = 0  # openpyxl below gives the message for a file that is not a workbook
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _error(table, path, "too_large",
                     f"Excel 文件解压后 {unpacked / 2**20:.0f} MB，超过 "
                     f"{MAX_XLSX_UNPACKED_BYTES // 2**20} MB 的上限")
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
            return _sheet_rows(ws, table, path), ws.title
        # No sheet named: the first one whose header we recognise. Workbooks often open
        # with a 说明 (notes) sheet, and the data sheet is named anything from Sheet1 to 表2.
        first = None
        for ws in wb.worksheets:
            rows = _sheet_rows(ws, table, path)
            first = first or (rows, ws.title)
            if _has_header(_numbered(rows), known_headers):
                return rows, ws.title
        return first
    finally:
        wb.close()


def _sheet_rows(ws, table: str, path: Path) -> list[Row]:
    rows: list[Row] = []
    for row in ws.iter_rows():
        if len(rows) >= MAX_ROWS:
            raise _error(table, path, "too_large",
                         f"工作表「{ws.title}」超过{MAX_ROWS:,}行的上限，请拆分后提供")
        rows.append([_excel_cell(getattr(c, "value", None), getattr(c, "number_format", None))
                     for c in row])
    return rows


def _numbered(rows: list[Row]) -> list[tuple[int, Row]]:
    """Non-empty rows with their 1-based row number in the file."""
    return [(n, r) for n, r in enumerate(rows, start=1) if any(c is not None for c in r)]


def _excel_cell(value: object, number_format: str | None = None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float) and number_format and "%" in _format_code(number_format):
        # A percentage cell shows 3.6% and stores 0.036: read what the user sees.
        return format(value * 100, ".15g") + "%"
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


def _format_code(number_format: str) -> str:
    """The format code without quoted literals and escapes ("0.0\\%" shows a literal %)."""
    code = re.sub(r'"[^"]*"', "", number_format)
    return re.sub(r"\\.", "", code)


def _clean_text(value: str) -> str | None:
    value = strip_bidi(value).strip()
    match = _EXCEL_TEXT.match(value)
    if match:
        value = match.group(1).strip()
    return value or None


# --- structure -------------------------------------------------------------------------


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


def _error(table: str, path: Path, check: str, message: str) -> UnreadableFile:
    return UnreadableFile(
        Finding(table=table, check=check, severity=ERROR, message=message, file=path.name)
    )
