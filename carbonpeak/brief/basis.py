"""What one brief's lights rest on, for the cover's 数据质量 line: the monthly rows they read
(file and row of the month, the same month last year and last year's 1–12月), how many
checks of the monthly table those rows passed, and — when the lights are not rated — the
findings that say why. Read from quality/results.json (`monthly_rows`, `findings`,
`verdicts`): only the region's own rows and the findings about it or about no region, so a
city's brief names nothing of another city."""

from __future__ import annotations

from carbonpeak.findings import ERROR, WARNING, Finding
from carbonpeak.ingest import ingest_check
from carbonpeak.period import Period
from carbonpeak.reference import with_counties

TABLE = "industry_monthly"  # the table the lights read (barometer/stage.py), and its counties'
SHOWN = 3  # findings quoted in full; the rest are counted


def basis(results: dict, region: str, period: Period) -> dict:
    """rows: [(date, file, row)] the lights read; checks: the monthly checks that touch the
    region; errors and warnings: the findings that count for these lights."""
    mine = (results.get("monthly_rows") or {}).get(region, {})
    rows = [(d, *mine[d]) for d in period.light_dates() if d in mine]
    tables = with_counties(TABLE)
    findings = [f for f in results.get("findings", []) if f.get("table") in tables
                and f.get("region_code") in (None, region)
                and period.reads(f.get("period"), own_only=True)]
    checks = [c for c in ((results.get("verdicts") or {}).get(region) or {}).get("checks", [])
              if c.get("table") in tables]
    return {"rows": rows, "checks": checks,
            "errors": [f for f in findings if f["severity"] == ERROR],
            "warnings": [f for f in findings if f["severity"] == WARNING]}


def verdict(b: dict) -> str:
    """pass / warning / fail of the lights' own data (the cover's word for it)."""
    return "fail" if b["errors"] else "warning" if b["warnings"] else "pass"


def titles(b: dict, found: list[dict]) -> list[str]:
    """The titles of the checks `found` failed, in the order the checks are listed."""
    failed = {ingest_check(f["check"]) for f in found}
    names = [c["title_zh"] for c in b["checks"] if c["check"] in failed]
    return list(dict.fromkeys(names)) or sorted(failed)


def quoted(found: list[dict]) -> tuple[list[str], int]:
    """The first findings as one line each (file, row, column: message), and how many more."""
    return [str(Finding(**f)) for f in found[:SHOWN]], max(0, len(found) - SHOWN)
