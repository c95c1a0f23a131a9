"""The monthly chain keeps the annual chain's exit-code contract: 0 only when every requested
light is graded from data that passed its checks; 1 when reports were written but a fault
in the month's delivery left lights 未评级, the done line naming the regions and counts;
and every other region's lights are exactly those of the clean run."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from carbonpeak import reference
from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.run import runner

pytestmark = pytest.mark.slow
PERIOD = "2026-10"
OCTOBER = f"industry_monthly_{PERIOD}.csv"
REGIONS = "330000,330200"
STATE = ["region_code", "indicator_id", "status", "status_reason"]


def _run(data, out) -> tuple[int, list[str], pd.DataFrame]:
    logs: list[str] = []
    code = runner.run(data, PERIOD, REGIONS, out, "html", jobs=1, log=logs.append)
    lights = pd.read_csv(out / PERIOD / "barometer.csv", dtype=str, keep_default_na=False)
    return code, logs, lights[STATE]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return _run(SAMPLE_DIR, tmp_path_factory.mktemp("clean"))


def _broken(tmp_path, edit) -> tuple[int, list[str], pd.DataFrame]:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    df = pd.read_csv(data / OCTOBER, dtype={"region_code": str})
    edit(df).to_csv(data / OCTOBER, index=False)
    return _run(data, tmp_path / "out")


def _others_unchanged(clean_lights, lights, region):
    keep = lights["region_code"].isin([region, "330000"])
    pd.testing.assert_frame_equal(lights[~keep].reset_index(drop=True),
                                  clean_lights[~keep].reset_index(drop=True))


def test_clean_month_exits_0(clean):
    code, logs, lights = clean
    assert code == 0, logs[-1]
    unrated = lights[lights["status"] == "not_rated"]
    # a county's total CO2 has no budget (no_target): shown as such, no fault of the data
    assert set(zip(unrated["indicator_id"], unrated["status_reason"], strict=True)) == {
        ("co2_total", "no_target")}
    assert set(unrated["region_code"]) == set(reference.codes_at("county"))


def test_a_county_brief_exits_0_though_its_total_has_no_budget(tmp_path):
    """萧山's brief alone: its total CO2 is 未评级（无目标） for want of a county budget, which is
    no fault of the delivery: exit 0, and the brief is written."""
    logs: list[str] = []
    code = runner.run(SAMPLE_DIR, PERIOD, "330109", tmp_path, "html", jobs=1, log=logs.append)
    assert code == 0, logs[-1]
    html = (tmp_path / PERIOD / "330109" / "report.html").read_text(encoding="utf-8")
    assert "萧山区工业领域能耗双控和碳排放晴雨表" in html and "未下达碳排放预算" in html


def test_a_city_missing_from_the_months_file_exits_1_naming_it(clean, tmp_path):
    code, logs, lights = _broken(tmp_path, lambda df: df[df["region_code"] != "330200"])
    assert code == 1
    done = logs[-1]
    assert done.startswith("done") and "lights 未评级 in" in done and "330200 (" in done
    mine = lights[lights["region_code"] == "330200"]
    assert (mine["status"] == "not_rated").all()
    _others_unchanged(clean[2], lights, "330200")


def test_a_cumulative_value_below_last_month_exits_1(clean, tmp_path):
    def fall(df):
        df.loc[df["region_code"] == "330200", "energy_consumption"] = 1.0
        return df

    code, logs, lights = _broken(tmp_path, fall)
    assert code == 1
    assert "lights 未评级 in" in logs[-1] and "330200 (" in logs[-1]
    mine = lights[lights["region_code"] == "330200"]
    assert (mine["status_reason"] == "failed_quality").any()
    _others_unchanged(clean[2], lights, "330200")
