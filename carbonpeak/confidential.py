"""Which input cells are confidential, and findings that never quote them out of place.

tables.yml declares them: a column with `confidential: true` (firm names, credit codes,
project numbers) belongs to the municipality of its row. A finding attributed to that
municipality goes only to its own report and may quote the cell; a finding that cannot be
attributed to a region is read by every municipality, so it names file, row and column
and never the cell's content.
"""

from __future__ import annotations

from dataclasses import replace

from carbonpeak import reference
from carbonpeak.findings import Finding

HIDDEN = "（保密数据，内容不在此显示，请按文件、行、列核对）"


def columns(table: str) -> set[str]:
    """The confidential columns of one table (empty for a public table)."""
    spec = reference.tables().get(table) or {}
    return {c for c, s in spec.get("columns", {}).items() if s.get("confidential")}


def is_confidential(table: str) -> bool:
    """A table with any confidential column: its rows belong to their own municipality."""
    return bool(columns(table))


def quote(table: str, text: object, region: str | None) -> str:
    """A cell's text for a message: itself where only its own region reads it, else hidden."""
    if region is None and is_confidential(table):
        return HIDDEN
    return f"「{text}」"


def redact(finding: Finding, public: bool = False) -> Finding:
    """A region-less row-level finding of a confidential table, without any cell content:
    the check's title stays, values quoted after it go. `public`: the text goes where every
    region reads it (indicators.csv), so a regional finding is redacted too."""
    if ((finding.region_code is not None and not public) or finding.row is None
            or not is_confidential(finding.table)):
        return finding
    if HIDDEN in finding.message:
        return finding
    head = finding.message.split("（", 1)[0].split("「", 1)[0].rstrip("：:，, ")
    return replace(finding, message=head + HIDDEN)
