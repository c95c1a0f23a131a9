"""County rows of the monthly table (industry_monthly_county) delivered wrong, each on the
monthly chain's stages as test_monthly_faults runs them: Σ counties = the city for every
period, a county missing from a month, a county's cumulative value falling, a county code
the reference does not know, a county file under the city table's name pattern; the faulty
counties' lights 未评级, every other region's lights those of the clean run."""

from __future__ import annotations

import pandas as pd
import pytest
from test_monthly_faults import PERIOD, Month, month_run, october, others_unchanged

from carbonpeak import brief, reference
from carbonpeak.ingest import sources
from carbonpeak.paths import SAMPLE_DIR

COUNTY_FILE = f"industry_monthly_county_{PERIOD}.csv"
HANGZHOU, XIAOSHAN, CHUNAN = "330100", "330109", "330127"


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Month:
    return month_run(SAMPLE_DIR, tmp_path_factory.mktemp("clean") / "run")


def counties(data_dir, name: str = COUNTY_FILE) -> pd.DataFrame:
    return october(data_dir, name)


def test_the_county_file_is_the_county_table_not_the_city_table():
    """industry_monthly_county_2026-10.csv matches both tables' patterns; the more specific
    one (the county table's) wins."""
    found = sources.match(SAMPLE_DIR, reference.tables(), lambda *a: None)
    assert COUNTY_FILE in {p.name for p in found.files["industry_monthly_county"]}
    assert COUNTY_FILE not in {p.name for p in found.files["industry_monthly"]}
    assert len(found.files["industry_monthly_county"]) == len(found.files["industry_monthly"])
    assert sources.by_pattern("杭州市各区县规上工业月度统计_2026年1-10月.xlsx", [
        (p.lower(), t) for t, s in reference.tables().items()
        for p in s.get("file_patterns", [])]) == "industry_monthly_county"


def test_the_clean_month_grades_every_county(clean):
    assert clean.code == 0, clean.message
    graded = clean.lights[clean.lights["indicator_id"] == "energy_intensity"]
    assert set(reference.codes_at("county")) <= set(graded["region_code"])
    assert (graded["status"] != "not_rated").all()


def test_counties_not_adding_up_to_their_city(clean, data_dir, tmp_path):
    """萧山's 1–10月 energy 10 % higher: 杭州's counties exceed 杭州 by more than 0.5 %; the
    error names the period, the city and its counties, on each county row of the month;
    杭州's counties are not rated, 杭州 and every other region are as in the clean run."""
    df = counties(data_dir)
    at = df["region_code"] == XIAOSHAN
    df.loc[at, "energy_consumption"] = (df.loc[at, "energy_consumption"] * 1.1).round(2)
    df.to_csv(data_dir / COUNTY_FILE, index=False)
    month = month_run(data_dir, tmp_path / "run")
    found = month.found("energy_consumption_parent_sum")
    kids = reference.children(HANGZHOU)
    assert {f["region_code"] for f in found} == set(kids)
    assert {(f["file"], f["period"], f["severity"]) for f in found} == {
        (COUNTY_FILE, PERIOD, "error")}
    [mine] = [f for f in found if f["region_code"] == XIAOSHAN]
    assert "2026年1—10月杭州市所报13个县（市、区）" in mine["message"]
    assert "萧山" in mine["message"] and "淳安" in mine["message"]
    for code in kids:
        assert set(month.of(code)["status_reason"]) == {"failed_quality"}
    others_unchanged(clean, month, *kids)
    line = month.quality_line(XIAOSHAN)  # the county brief says why
    assert "未评级" in line and COUNTY_FILE in line


def test_a_county_missing_from_its_citys_month(clean, data_dir, tmp_path):
    """淳安 absent from the 1–10月 county file: an error naming the file, the city and the
    county; 淳安's lights not rated; Σ counties < city is expected then (no sum error)."""
    df = counties(data_dir)
    df[df["region_code"] != CHUNAN].to_csv(data_dir / COUNTY_FILE, index=False)
    month = month_run(data_dir, tmp_path / "run")
    [f] = month.found("monthly_county_complete")
    assert (f["file"], f["region_code"], f["period"], f["severity"]) == (
        COUNTY_FILE, CHUNAN, PERIOD, "error")
    assert "杭州市" in f["message"] and "淳安县" in f["message"]
    assert not month.found("energy_consumption_parent_sum")
    assert (month.of(CHUNAN)["status"] == "not_rated").all()
    others_unchanged(clean, month, CHUNAN)


def test_a_county_cumulative_value_falling(clean, data_dir, tmp_path):
    """萧山's 1–10月 electricity below its 1–9月: the cumulative error on 萧山's row; as the
    city's 1–10月 no longer equals its counties either, 杭州's counties are not rated."""
    sept = counties(data_dir, f"industry_monthly_county_{PERIOD[:5]}09.csv").set_index(
        "region_code")
    df = counties(data_dir)
    at = df["region_code"] == XIAOSHAN
    df.loc[at, "electricity"] = round(float(sept.at[XIAOSHAN, "electricity"]) - 1, 2)
    df.to_csv(data_dir / COUNTY_FILE, index=False)
    month = month_run(data_dir, tmp_path / "run")
    [f] = [f for f in month.found("cumulative_not_falling")
           if f["table"] == "industry_monthly_county"]
    assert (f["file"], f["region_code"], f["period"], f["column"]) == (
        COUNTY_FILE, XIAOSHAN, PERIOD, "electricity")
    assert set(month.of(XIAOSHAN)["status_reason"]) == {"failed_quality"}
    others_unchanged(clean, month, *reference.children(HANGZHOU))


def test_an_unknown_county_code_is_an_error_naming_it(clean, data_dir, tmp_path):
    df = counties(data_dir)
    df.loc[df["region_code"] == CHUNAN, "region_code"] = "330199"
    df.to_csv(data_dir / COUNTY_FILE, index=False)
    month = month_run(data_dir, tmp_path / "run")
    said = [f for f in month.findings if f["table"] == "industry_monthly_county"
            and "330199" in f["message"]]
    assert said and said[0]["file"] == COUNTY_FILE
    assert (month.of(CHUNAN)["status"] == "not_rated").all()


def test_a_city_brief_ranks_its_counties_and_a_county_brief_stays_in_its_lane(clean):
    """杭州's brief: its 13 counties with their lights, 萧山 named in red. 萧山's brief: its
    own lights, then 杭州's and the province's for reference; no sibling county, no other
    city."""
    hz = brief.load(clean.run, HANGZHOU, PERIOD)
    section = str(brief.counties(hz))
    assert "所辖县（市、区）晴雨表" in section
    assert "亮红灯（一级预警）的县（市、区）：萧山区（能耗强度" in section
    for code in reference.children(HANGZHOU):
        assert reference.region_name(code) in section
    assert "宁波" not in section and "镇海" not in section
    xs = brief.load(clean.run, XIAOSHAN, PERIOD)
    assert set(xs.barometer["region_code"]) == {XIAOSHAN, HANGZHOU, "330000"}
    assert set(xs.history["region_code"]) == {XIAOSHAN, HANGZHOU, "330000"}
    assert str(brief.counties(xs)) == ""
    lights = str(brief.lights(xs))
    assert "所属杭州市：" in lights and "全省：" in lights
    assert "采用所属设区市目标" in lights and "未下达碳排放预算" in lights
    assert "所属设区市上年的燃料排放因子" in lights
    assert str(brief.counties(brief.load(clean.run, "330000", PERIOD))) == ""


def test_the_province_brief_counts_each_citys_counties_by_light(clean):
    """Counted from the county rows by hand (the intensity change against the city's
    target): 杭州 has 萧山 in red and its 12 other counties in green on energy intensity."""
    prov = brief.load(clean.run, "330000", PERIOD)
    from carbonpeak.brief.province import county_overview_view

    view = county_overview_view(prov)
    [hz] = [r for r in view["rows"] if r["name"] == "杭州市"]
    assert hz["n"] == 13
    assert {c["status"]: c["n"] for c in hz["tallies"][0]} == {
        "red": 1, "yellow": 0, "green": 12, "not_rated": 0}
    assert sum(r["n"] for r in view["rows"]) == 90
    assert "能耗强度亮红灯的县（市、区）1个：萧山区。" in view["text"]
    assert view["note"].startswith("各县（市、区）均未下达碳排放预算")
    lights = clean.lights[clean.lights["indicator_id"] == "energy_intensity"]
    reds = lights[(lights["status"] == "red")
                  & lights["region_code"].isin(reference.codes_at("county"))]
    assert list(reds["region_code"]) == [XIAOSHAN]


def test_a_county_is_briefed_only_for_a_month_it_delivered(clean):
    """The run reports on the counties with a row of its own month: all 90 for 1—10月 2026;
    none for a month before the county files begin (no brief of empty lights)."""
    from carbonpeak.runfolder import RunFolder

    folder = RunFolder(clean.run)
    counties = set(reference.codes_at("county"))
    assert counties <= set(folder.reported_codes(PERIOD))
    assert not counties & set(folder.reported_codes("2023-10"))
    assert set(folder.reported_codes("2023-10")) == set(reference.region_codes())
