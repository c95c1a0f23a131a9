"""Continuous operation, as the scheduler meets it: `run --period latest` renders a new
month's barometer and nothing else; a revised month is re-rendered and says so; the annual
reports do not depend on the monthly files; `latest` follows the newest period."""

from __future__ import annotations

import csv
import shutil

import pytest

from carbonpeak import pipeline
from carbonpeak.paths import PIPELINES_DIR, SAMPLE_DIR
from carbonpeak.period import Period
from carbonpeak.run import freshness, runner
from carbonpeak.run import latest as monitor

REGION = "330100"


def _sample_without(tmp_path, *names):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    for n in names:
        (data / n).unlink()
    return data


def _add_revision(data, region: str, period: str, into: str, factor: float) -> tuple[str, str]:
    """Re-deliver `period` of `region` inside the file `into` with its energy scaled."""
    with (data / f"industry_monthly_{period}.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["region_code"] == region)
    old = row["energy_consumption"]
    row["energy_consumption"] = f"{float(old) * factor:.2f}"
    path = data / into
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=list(row)).writerow(row)
    return old, row["energy_consumption"]


def test_annual_reports_ignore_monthly_files(tmp_path):
    data = _sample_without(tmp_path, "industry_monthly_2026-10.csv")
    annual = pipeline.load(PIPELINES_DIR / "annual.yml")
    monthly = pipeline.load(PIPELINES_DIR / "monthly.yml")
    before = {p: freshness.period_inputs(data, Period.parse(p), monthly)
              for p in ("2026-08", "2026-09")}
    before_annual = freshness.period_inputs(data, Period.parse("2025"), annual)
    shutil.copy(SAMPLE_DIR / "industry_monthly_2026-10.csv", data)
    assert freshness.period_inputs(data, Period.parse("2025"), annual) == before_annual
    for p, inputs in before.items():  # a later month's file changes no earlier period
        assert freshness.period_inputs(data, Period.parse(p), monthly) == inputs
    _add_revision(data, REGION, "2026-08", "industry_monthly_2026-10.csv", 1.05)
    assert freshness.period_inputs(data, Period.parse("2026-08"), monthly) != before["2026-08"]
    assert monitor.periods_in_data(data)[-1] == Period.parse("2026-10")


@pytest.mark.slow
def test_a_new_month_renders_that_month_and_a_revision_rerenders_its_month(tmp_path):
    data = _sample_without(tmp_path, "industry_monthly_2026-10.csv")
    out = tmp_path / "out"
    logs: list[str] = []
    run = lambda: monitor.run_latest(data, REGION, out, "html", jobs=1,  # noqa: E731
                                     log=logs.append)
    assert run() == 0, logs
    sept = out / "2026-09" / REGION / "report.html"
    assert sept.exists() and (out / "latest").resolve().name == "2026-09"
    built = sept.stat().st_mtime_ns

    # October lands: October is rendered, September is left alone
    shutil.copy(SAMPLE_DIR / "industry_monthly_2026-10.csv", data)
    logs.clear()
    assert run() == 0, logs
    assert (out / "2026-10" / REGION / "report.html").exists()
    assert sept.stat().st_mtime_ns == built
    assert any(line.startswith("up to date:") and "2026-09" in line for line in logs), logs
    assert (out / "latest").resolve().name == "2026-10"
    index = (out / "2026-10" / "index.html").read_text(encoding="utf-8")
    assert "较上年同期" in index and "1—10月预算" in index  # worded as the briefs word it

    # November's file revises September: September is re-rendered and states the revision
    old, new = _add_revision(data, REGION, "2026-09", "industry_monthly_2026-10.csv", 1.04)
    logs.clear()
    assert run() in (0, 1), logs
    assert sept.stat().st_mtime_ns != built
    html = sept.read_text(encoding="utf-8")
    assert "修订" in html
    assert runner.run(data, "2026-09", REGION, out, "html", log=logs.append) == 0
    assert logs[-1].startswith("up to date"), logs[-1]
