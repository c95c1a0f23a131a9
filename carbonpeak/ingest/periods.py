"""Cumulative periods as bureaus write them: 2026-10, 2026年1-10月, 2026年10月, or 1-10月
with the year in another column (or in the file name) -> the canonical key "2026-10"."""

from __future__ import annotations

import re
import unicodedata

from carbonpeak.period import Period

_DASH = "-—–~～至到"
_PERIOD = re.compile(
    rf"^(?:(?P<year>\d{{4}})\s*(?:年|[-/.])?)?\s*(?:1\s*[{_DASH}]\s*)?(?P<month>\d{{1,2}})"
    r"\s*(?:月份?)?\s*(?:累计)?$")
_DATE = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-\d{1,2}(?:[ T]00:00(?::00)?)?$")
_IN_NAME = re.compile(
    rf"(?P<year>\d{{4}})\s*(?:年|[-_.])?\s*(?:1\s*[{_DASH}]\s*)?(?P<month>\d{{1,2}})(?!\d)")


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def parse_cell(text: str | None, year: int | None = None) -> str:
    """The canonical period key of one cell; `year` comes from a year column or the file
    name when the cell holds only the months (1-10月). ValueError says what was expected."""
    if text is None or not str(text).strip():
        raise ValueError("统计期为空")
    cleaned = _clean(text)
    m = _DATE.match(cleaned) or _PERIOD.match(cleaned)
    if not m:
        raise ValueError(f"统计期应为「2026-10」「2026年1-10月」或「1-10月」（另有年份列），"
                         f"实际为「{text}」")
    y = int(m.group("year")) if m.group("year") else year
    if y is None:
        raise ValueError(f"统计期「{text}」没有年份，且没有年份列、文件名中也没有年份")
    month = int(m.group("month"))
    if month == 1:
        raise ValueError(f"统计期「{text}」：1月数据与2月合并发布（1-2月），应为{y}-02")
    try:
        return Period.monthly(y, month).key
    except ValueError as e:
        raise ValueError(f"统计期「{text}」无法识别：月份应为2—12") from e


def from_file_name(name: str) -> tuple[int, int] | None:
    """(year, month) named in a file name such as industry_monthly_2026-10.csv or
    规上工业月度统计_2026年1-10月.xlsx, or None."""
    m = _IN_NAME.search(_clean(name))
    if not m or not 1990 <= int(m.group("year")) <= 2100 or not 1 <= int(m.group("month")) <= 12:
        return None
    return int(m.group("year")), int(m.group("month"))

