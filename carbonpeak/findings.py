"""One shape for every problem found in the input, from ingest to the quality gate.

A finding says where (file, row, column, region) and what was expected, in the words an
analyst reads; the gate turns error findings into `not_rated` for what they touch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"  # said, never counted against a region: e.g. an optional table not supplied


@dataclass(frozen=True)
class Finding:
    table: str
    check: str
    severity: str
    message: str
    file: str | None = None
    row: int | None = None  # 1-based row number as a spreadsheet shows it
    column: str | None = None  # the column header as written in the file
    region_code: str | None = None  # None: the whole table is affected
    field: str | None = None  # canonical column; None: every column of the table
    # the year ("2025") or cumulative month ("2026-10") of the row; None: every period the
    # table holds. A run counts only the findings dated in what it reads (Period.reads).
    period: str | None = None

    def location(self) -> str:
        parts = [self.file or self.table]
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"列「{self.column}」")
        return "，".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}：{self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


class UnreadableFile(Exception):
    """A file that cannot be read at all; carries the finding that explains why."""

    def __init__(self, finding: Finding):
        super().__init__(str(finding))
        self.finding = finding
