"""A statistics file (CSV or Excel) as rows of text cells: size limits, the encoding,
the delimiter, stray quotes, every sheet of a workbook, and Excel values as the analyst
sees them (a percentage cell reads 3.6%, not 0.036)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

from carbonpeak.findings import ERROR, Finding, UnreadableFile
from carbonpeak.ingest.layout import HEADER_SEARCH_ROWS, Row, _has_header, _numbered
from carbonpeak.textsafe import strip_bidi

TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
EXPECTED_FORMATS = "CSV（UTF-8 或 GBK 编码）或 Excel XLSX"

# Documented input limits (README: input limits): far above any bureau table (the largest,
# an enterprise list, has tens of thousands of rows), low enough to refuse a runaway file.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 1024 * 1024 * 1024  # a zip bomb unpacks far beyond this
MAX_ROWS = 2_000_000
# Excel's "keep leading zeros" trick in CSV exports: ="330100"
_EXCEL_TEXT = re.compile(r'^="(.*)"$')


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


def _read_text(path: Path, table: str) -> tuple[list[Row], str]:
    _check_size(path, table)
    data = path.read_bytes()
    if not data.strip():
        raise _error(table, path, "empty_file", "文件为空：没有找到任何数据行")
    text, encoding = _decode(data, table, path)
    del data  # a file of a million rows: its bytes, its text and its rows are each ~100s of MB
    sample = text[:4096]
    tabbed = path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",")
    delimiter = "\t" if tabbed else ","
    clean = _clean_text if strip_bidi(text) != text else _clean_plain  # checked once a file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    del text  # the reader's buffer holds its own copy
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
        rows.append([clean(c) for c in row])
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
    return _clean_plain(strip_bidi(value))


def _clean_plain(value: str) -> str | None:
    """_clean_text of a cell without bidi controls."""
    value = value.strip()
    if value.startswith('="'):
        match = _EXCEL_TEXT.match(value)
        if match:
            value = match.group(1).strip()
    return value or None


def _error(table: str, path: Path, check: str, message: str) -> UnreadableFile:
    return UnreadableFile(
        Finding(table=table, check=check, severity=ERROR, message=message, file=path.name)
    )
