"""Monthly deliveries that go wrong, each on the monthly chain's stages (ingest, quality,
barometer on a copy of the sample, as notebooks 01, 02 and 06 call them): the exit code the
run would give (run/verdict.py on the stage files), the finding's file, row and column, the
faulty region's lights 未评级 for the reason, and every other region's lights exactly those
of the clean run."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from carbonpeak import ingest, quality, reference, runfolder
from carbonpeak.barometer.stage import run_barometer
from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.run.verdict import verdict

PERIOD = "2026-10"
OCTOBER = f"industry_monthly_{PERIOD}.csv"
STATE = ["region_code", "indicator_id", "status", "status_reason"]
HANGZHOU, NINGBO, PROVINCE = "330100", "330200", "330000"


@dataclass
class Month:
    run: Path
    lights: pd.DataFrame  # barometer.csv: region, indicator, status, reason
    findings: list[dict]  # quality/results.json findings (those that count for the run)
    results: dict  # quality/results.json
    code: int  # the exit code run/verdict.py gives these files
    message: str

    def of(self, region: str) -> pd.DataFrame:
        return self.lights[self.lights["region_code"] == region]

    def found(self, check: str) -> list[dict]:
        return [f for f in self.findings if f["check"] == check]


def month_run(data: Path, run: Path, period: str = PERIOD) -> Month:
    ingest.run_ingest(data, run, int(period[:4]), "month")
    quality.run_quality(run, int(period[:4]), period, "month")
    run_barometer(run, period)
    lights = pd.read_csv(run / "barometer.csv", dtype=str, keep_default_na=False)[STATE]
    results = runfolder.RunFolder(run).load_quality_results()
    code, message = verdict(run, reference.region_codes(), [])
    return Month(run, lights, results["findings"], results, code, message)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Month:
    return month_run(SAMPLE_DIR, tmp_path_factory.mktemp("clean") / "run")


@pytest.fixture
def data(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, d)
    return d


def october(data: Path, name: str = OCTOBER) -> pd.DataFrame:
    return pd.read_csv(data / name, dtype={"region_code": str})


def others_unchanged(clean: Month, month: Month, *faulty: str) -> None:
    keep = ~clean.lights["region_code"].isin(faulty)
    pd.testing.assert_frame_equal(month.lights[keep].reset_index(drop=True),
                                  clean.lights[keep].reset_index(drop=True))


def test_the_clean_month_exits_0(clean):
    assert clean.code == 0, clean.message
    assert (clean.lights["status"] != "not_rated").all()
    assert not [f for f in clean.findings if f["severity"] == "error"]


# --- two deliveries of one month ----------------------------------------------------------


def test_conflicting_deliveries_of_one_month_refuse_the_region(clean, data, tmp_path):
    """杭州's energy 8 % apart in two deliveries of 1–10月: neither stands; the error names
    both files, both rows and both values; 杭州's lights are not graded from either."""
    df = october(data)
    df.loc[df["region_code"] == HANGZHOU, "energy_consumption"] *= 1.08
    other = "规上工业月度统计2026-10.csv"
    df.to_csv(data / other, index=False)
    month = month_run(data, tmp_path / "run")
    [f] = month.found("conflicting_delivery")
    assert (f["severity"], f["file"], f["row"], f["column"], f["region_code"], f["period"]) \
        == ("error", other, 3, "energy_consumption", HANGZHOU, PERIOD)
    # 1059.15 × 1.08 = 1143.882
    assert f"{OCTOBER}第3行为1059.15" in f["message"]
    assert f"{other}第3行为1143.88" in f["message"]
    assert (month.of(HANGZHOU)["status_reason"] == "failed_quality").all()
    assert month.code == 1 and f"{HANGZHOU} (3)" in month.message
    # the other regions' rows are identical in both files: a duplicate, a warning
    dup = month.found("duplicate_delivery")
    assert {d["region_code"] for d in dup} == set(reference.region_codes()) - {HANGZHOU}
    assert {d["severity"] for d in dup} == {"warning"}
    others_unchanged(clean, month, HANGZHOU)


def test_identical_deliveries_of_one_month_are_a_warning(clean, data, tmp_path):
    shutil.copyfile(data / OCTOBER, data / "规上工业月度统计_2026年1-10月.csv")
    month = month_run(data, tmp_path / "run")
    assert month.code == 0, month.message
    assert len(month.found("duplicate_delivery")) == len(reference.region_codes())
    assert not month.found("conflicting_delivery")
    others_unchanged(clean, month)


def test_a_later_month_revising_an_earlier_one_stays_a_revision(data, tmp_path):
    """The November file re-delivers 1–10月 with 杭州 changed: a revision (warning), the
    later delivery wins; no conflict."""
    df = october(data)
    df.loc[df["region_code"] == HANGZHOU, "energy_consumption"] = 1100.0
    nov = df.assign(period="2026-11")
    nov["energy_consumption"] *= 1.1
    pd.concat([nov, df]).to_csv(data / "industry_monthly_2026-11.csv", index=False)
    month = month_run(data, tmp_path / "run")
    assert not month.found("conflicting_delivery")
    [r] = [f for f in month.found("revision") if f["period"] == PERIOD]
    assert (r["file"], r["region_code"]) == ("industry_monthly_2026-11.csv", HANGZHOU)
    assert "1059.15" in r["message"] and "1100" in r["message"]
    assert month.code == 0
