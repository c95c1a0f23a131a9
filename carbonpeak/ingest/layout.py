"""Where the table is in a file's rows: the header (the first row naming two known
columns), the data, the 合计/总计 rows and the notes below, and a name for every column.
Cells are compared in one form (`header_key`), shared with the column mapping above."""

from __future__ import annotations

from collections.abc import Iterable

HEADER_SEARCH_ROWS = 20
TOTAL_LABELS = {"合计", "总计", "小计", "全省合计", "全市合计", "总计:", "total"}
NOTE_PREFIXES = ("注", "说明", "资料来源", "数据来源")

_PARENS = str.maketrans({"（": "(", "）": ")"})
_KEY_CHARS = str.maketrans({"（": "(", "）": ")", "：": ":"})

Row = list[str | None]


def header_key(text: str) -> str:
    """The form in which header cells are compared, shared with the column mapping above."""
    key = text.translate(_KEY_CHARS).lower()
    return "".join(key.split())


def _numbered(rows: list[Row]) -> list[tuple[int, Row]]:
    """Non-empty rows with their 1-based row number in the file."""
    return [(n, r) for n, r in enumerate(rows, start=1) if any(c is not None for c in r)]


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


def _same_header(row: Row, keys: list[str]) -> bool:
    """Whether a row repeats the header, given as its keys (_header_keys, computed once for
    every row checked)."""
    cells = [c for c in row if c is not None]
    if len(cells) < 2 or len(cells) != len(keys):
        return False
    return all(header_key(c) == k for c, k in zip(cells, keys, strict=True))


def _header_keys(header: Row) -> list[str]:
    return [header_key(c) for c in header if c is not None]


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
