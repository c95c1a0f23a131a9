"""A chain reads and checks only the tables its pipeline declares (pipelines/*.yml `tables`):
a broken monthly file changes nothing in the annual chain, neither its verdicts nor whether
its published reports are current, while the monthly chain does flag it."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from carbonpeak import ingest, pipeline, quality
from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.period import Period
from carbonpeak.run import freshness

BROKEN = "industry_monthly_2025-06.csv"


@pytest.fixture(scope="module")
def broken_data(tmp_path_factory):
    """The sample with a negative energy figure for 杭州 in the June 2025 monthly file."""
    d = tmp_path_factory.mktemp("scope") / "data"
    shutil.copytree(SAMPLE_DIR, d)
    df = pd.read_csv(d / BROKEN, dtype={"region_code": str})
    df.loc[df["region_code"] == "330100", "energy_consumption"] = -610.67
    df.to_csv(d / BROKEN, index=False)
    return d


def _annual_verdicts(data, run):
    ingest.run_ingest(data, run, 2025, "year")
    return quality.run_quality(run, 2025, None, "year").set_index("代码")


def test_a_negative_monthly_value_leaves_the_annual_verdicts_untouched(broken_data, tmp_path):
    clean = _annual_verdicts(SAMPLE_DIR, tmp_path / "clean")
    broken = _annual_verdicts(broken_data, tmp_path / "broken")
    pd.testing.assert_frame_equal(clean, broken)
    assert broken.loc["330100", "verdict"] == clean.loc["330100", "verdict"]
    # the monthly table was neither read nor checked by the annual chain
    assert not (tmp_path / "broken" / "warehouse" / "industry_monthly.parquet").exists()
    results = json.loads((tmp_path / "broken/quality/results.json").read_text("utf-8"))
    assert not [f for f in results["findings"] if f["table"] == "industry_monthly"]


def test_the_monthly_chain_does_check_it(broken_data, tmp_path):
    run = tmp_path / "m"
    ingest.run_ingest(broken_data, run, 2026, "month")
    results = quality.run_quality(run, 2026, "2026-10", "month").set_index("代码")
    assert results.loc["330100", "verdict"] == "fail"
    found = json.loads((run / "quality/results.json").read_text("utf-8"))["findings"]
    assert any(f["table"] == "industry_monthly" and f["severity"] == "error"
               and f.get("region_code") == "330100" for f in found)


def test_freshness_of_the_annual_reports_ignores_the_monthly_files(broken_data):
    annual = pipeline.load(pipeline.path_for(Period(2025)))
    clean = freshness.period_inputs(SAMPLE_DIR, Period(2025), annual)
    broken = freshness.period_inputs(broken_data, Period(2025), annual)
    assert clean == broken
    assert not any(name.startswith("industry_monthly") for name in broken)
