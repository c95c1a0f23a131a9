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

from carbonpeak import brief, ingest, quality, reference, runfolder
from carbonpeak.barometer.stage import run_barometer
from carbonpeak.brief.front import quality_line
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

    def quality_line(self, region: str) -> str:
        """The 数据质量 line of the region's brief (its cover)."""
        return quality_line(brief.load(self.run, region, PERIOD))


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
    unrated = clean.lights[clean.lights["status"] == "not_rated"]
    # every light rated, but a county's total: no county has a carbon budget (no_target)
    assert set(unrated["region_code"]) == set(reference.codes_at("county"))
    assert set(zip(unrated["indicator_id"], unrated["status_reason"], strict=True)) == {
        ("co2_total", "no_target")}
    assert not [f for f in clean.findings if f["severity"] == "error"]


def test_the_brief_says_what_its_lights_rest_on(clean):
    """宁波's lights read its 1–10月 row of 2026 and 2025 and its 1–12月 row of 2025 (row 4
    of each file): the brief names them and the monthly checks they passed."""
    checks = [c for c in clean.results["verdicts"][NINGBO]["checks"]
              if c["table"] == "industry_monthly"]
    assert {c["verdict"] for c in checks} == {"pass"}
    line = clean.quality_line(NINGBO)
    assert line == ("本期灯号读取宁波市的月度数据industry_monthly_2026-10.csv第4行（1—10月）、"
                    "industry_monthly_2025-10.csv第4行（上年1—10月）、"
                    "industry_monthly_2025-12.csv第4行（上年1—12月），"
                    f"均通过月度数据质量检查（{len(checks)}项）。")


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
    line = month.quality_line(HANGZHOU)  # the brief says why
    assert "未评级" in line and f"{other}，第3行，列「energy_consumption」" in line
    assert f"{OCTOBER}第3行为1059.15" in line
    assert "数据质量：未通过" in str(brief.cover(brief.load(month.run, HANGZHOU, PERIOD)))
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


# --- findings scoped to the months they touch ---------------------------------------------


def test_a_bad_row_in_a_month_the_run_does_not_read_fails_nothing(clean, data, tmp_path):
    """1–5月 2024 is read by no light of 1–10月 2026 (they read 2026, 2025-02…10 and
    2025-12): 杭州's "abc" there is reported, dated, and counted against nothing."""
    name = "industry_monthly_2024-05.csv"
    df = october(data, name).astype({"energy_consumption": object})
    df.loc[df["region_code"] == HANGZHOU, "energy_consumption"] = "abc"
    df.to_csv(data / name, index=False)
    month = month_run(data, tmp_path / "run")
    assert month.code == 0, month.message
    assert not [f for f in month.findings if f["severity"] == "error"]
    [f] = [f for f in month.results["outside_period"] if f["check"] == "not_a_number"]
    assert (f["file"], f["row"], f["column"], f["region_code"], f["period"]) == \
        (name, 3, "energy_consumption", HANGZHOU, "2024-05")
    assert month.results["verdicts"] == clean.results["verdicts"]
    summary = pd.read_csv(month.run / "quality" / "summary.csv", dtype=str)
    row = summary[(summary["table"] == "industry_monthly") & (summary["check"] == "not_a_number")]
    assert row["verdict"].tolist() == ["note"]
    others_unchanged(clean, month)


def test_a_bad_row_of_last_years_same_month_blocks_only_that_region(clean, data, tmp_path):
    """1–10月 2025 is the base of 杭州's 1–10月 2026 lights: its range error there blocks
    杭州's October lights (not its earlier months), and no other region's."""
    name = "industry_monthly_2025-10.csv"
    df = october(data, name)
    df.loc[df["region_code"] == HANGZHOU, "value_added_growth"] = 95.0  # −40…60 %
    df.to_csv(data / name, index=False)
    month = month_run(data, tmp_path / "run")
    [f] = month.found("growth_range")
    assert (f["file"], f["row"], f["region_code"], f["period"]) == (name, 3, HANGZHOU, "2025-10")
    assert (month.of(HANGZHOU)["status_reason"] == "failed_quality").all()
    assert month.code == 1 and f"{HANGZHOU} (3)" in month.message
    history = pd.read_csv(month.run / "barometer_history.csv", dtype=str)
    september = history[(history["region_code"] == HANGZHOU) & (history["period"] == "2026-09")]
    assert (september["status"] != "not_rated").all()
    others_unchanged(clean, month, HANGZHOU)


# --- every fault of a month's delivery -----------------------------------------------------


def broken(data: Path, tmp_path: Path, edit) -> Month:
    """The October file edited by `edit(frame)` (cells as text), then the month's stages."""
    df = pd.read_csv(data / OCTOBER, dtype=str)
    edit(df).to_csv(data / OCTOBER, index=False)
    return month_run(data, tmp_path / "run")


def row_of(region: str) -> int:
    """The October file's row of `region` as a spreadsheet numbers it (header = 1)."""
    df = pd.read_csv(SAMPLE_DIR / OCTOBER, dtype=str)
    return int(df.index[df["region_code"] == region][0]) + 2


def set_cell(region: str, column: str, text: str):
    def edit(df):
        df.loc[df["region_code"] == region, column] = text
        return df
    return edit


def unrated(month: Month, region: str, reason: str = "failed_quality") -> None:
    mine = month.of(region)
    assert (mine["status"] == "not_rated").all() and (mine["status_reason"] == reason).all()
    assert month.code == 1 and f"{region} ({len(mine)})" in month.message


def test_a_city_missing_from_the_october_file(clean, data, tmp_path):
    month = broken(data, tmp_path, lambda df: df[df["region_code"] != NINGBO])
    [f] = month.found("monthly_region_complete")
    assert (f["file"], f["row"], f["column"], f["region_code"], f["period"]) == \
        (OCTOBER, None, "region_code", NINGBO, PERIOD)
    assert "宁波市" in f["message"]
    unrated(month, NINGBO)
    # the province row can no longer be checked against the sum: it stands
    others_unchanged(clean, month, NINGBO)


@pytest.mark.parametrize("text,check", [("1e309", "not_a_number"), ("—", "energy_not_null")])
def test_a_non_finite_or_dash_cell(clean, data, tmp_path, text, check):
    month = broken(data, tmp_path, set_cell(NINGBO, "energy_consumption", text))
    [f] = [f for f in month.found(check) if f["region_code"] == NINGBO]
    assert (f["file"], f["row"], f["column"], f["period"]) == \
        (OCTOBER, row_of(NINGBO), "energy_consumption", PERIOD)
    unrated(month, NINGBO)
    # without 宁波's energy the province's cannot be summed: only 宁波 is touched
    others_unchanged(clean, month, NINGBO)


def test_the_province_row_is_not_the_sum_of_the_cities(clean, data, tmp_path):
    df = pd.read_csv(data / OCTOBER, dtype={"region_code": str})
    province = df.loc[df["region_code"] == PROVINCE, "energy_consumption"].iloc[0]
    month = broken(data, tmp_path, set_cell(PROVINCE, "energy_consumption",
                                            f"{province * 1.02:.2f}"))
    [f] = month.found("monthly_province_sum")
    assert (f["file"], f["row"], f["column"], f["region_code"]) == \
        (OCTOBER, row_of(PROVINCE), "energy_consumption", PROVINCE)
    cities = df.loc[df["region_code"] != PROVINCE, "energy_consumption"].sum()
    assert f"应为{cities:g}" in f["message"]
    unrated(month, PROVINCE)
    others_unchanged(clean, month, PROVINCE)


def test_cumulative_energy_falling_from_september(clean, data, tmp_path):
    september = pd.read_csv(data / "industry_monthly_2026-09.csv", dtype={"region_code": str})
    before = september.loc[september["region_code"] == NINGBO, "energy_consumption"].iloc[0]
    month = broken(data, tmp_path, set_cell(NINGBO, "energy_consumption", f"{before - 1:g}"))
    [f] = [f for f in month.found("cumulative_not_falling") if f["region_code"] == NINGBO]
    assert (f["file"], f["row"], f["column"], f["period"]) == \
        (OCTOBER, row_of(NINGBO), "energy_consumption", PERIOD)
    assert f"应不低于{before:g}" in f["message"]
    unrated(month, NINGBO)
    # the province row now differs from the sum of the cities (its own error)
    assert [g["region_code"] for g in month.found("monthly_province_sum")] == [PROVINCE]
    others_unchanged(clean, month, NINGBO, PROVINCE)


def test_a_january_file_is_refused_by_name_and_fails_nothing(clean, data, tmp_path):
    """1月 is published with 2月: industry_monthly_2026-01.csv is refused row by row
    (dated 2026-01, a month no light reads): listed, never counted."""
    jan = pd.read_csv(data / "industry_monthly_2026-02.csv", dtype=str).assign(period="2026-01")
    jan.to_csv(data / "industry_monthly_2026-01.csv", index=False)
    month = month_run(data, tmp_path / "run")
    refused = [f for f in month.results["outside_period"] if f["check"] == "bad_period"]
    assert len(refused) == len(reference.region_codes())
    f = next(f for f in refused if f["region_code"] == NINGBO)
    assert (f["file"], f["row"], f["column"], f["period"]) == \
        ("industry_monthly_2026-01.csv", row_of(NINGBO), "period", "2026-01")
    assert "应为2026-02" in f["message"]
    assert month.code == 0, month.message
    assert month.results["verdicts"] == clean.results["verdicts"]
    others_unchanged(clean, month)
