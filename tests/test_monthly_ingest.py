"""Monthly files: tolerant periods, one file per month, revisions, and a period never
reading data after itself."""

import pandas as pd
import pytest

from carbonpeak import ingest, reference
from carbonpeak.barometer import run_barometer
from carbonpeak.ingest import periods

SPEC = reference.tables()["industry_monthly"]
HEADER = "地区,统计期,规上工业增加值增速(%),综合能源消费量(万吨标准煤),原料用能(万吨标准煤),工业用电量(亿千瓦时)\n"


@pytest.mark.parametrize(("text", "year", "key"), [
    ("2026-10", None, "2026-10"), ("2026年1-10月", None, "2026-10"),
    ("2026年1—10月", None, "2026-10"), ("2026年10月", None, "2026-10"),
    ("1-10月", 2026, "2026-10"), ("1～2月", 2025, "2025-02"), ("２０２６年１－３月", None, "2026-03"),
    ("2026-10-01 00:00:00", None, "2026-10"), ("2026年1-12月累计", None, "2026-12")])
def test_periods_as_bureaus_write_them(text, year, key):
    assert periods.parse_cell(text, year) == key


@pytest.mark.parametrize("text", ["1-10月", "2026年1月", "2026-13", "十月"])
def test_unreadable_periods_are_refused(text):
    with pytest.raises(ValueError):
        periods.parse_cell(text)


def test_file_name_periods():
    assert periods.from_file_name("industry_monthly_2026-10.csv") == (2026, 10)
    assert periods.from_file_name("规上工业月度统计_2026年1-10月.xlsx") == (2026, 10)


def test_bad_period_names_file_row_and_column(tmp_path):
    path = tmp_path / "industry_monthly_x.csv"
    path.write_text(HEADER + "杭州市,2026-10,5.0,100,1,10\n宁波市,十月,5.0,100,1,10\n",
                    encoding="utf-8")
    res = ingest.read_table(path, "industry_monthly", SPEC)
    assert list(res.frame["period"]) == ["2026-10"]
    [f] = [f for f in res.findings if f.check == "bad_period"]
    assert (f.file, f.row, f.column, f.region_code) == ("industry_monthly_x.csv", 3, "统计期",
                                                        "330200")
    assert "十月" in f.message


def test_months_only_with_a_year_column_and_period_from_the_file_name(tmp_path):
    a = tmp_path / "a.csv"
    a.write_text("地区,年份,统计期,增加值增速,综合能源消费量,原料用能,工业用电量\n"
                 "杭州市,2026,1-10月,5.0,100,1,10\n", encoding="utf-8")
    assert list(ingest.read_table(a, "industry_monthly", SPEC).frame["period"]) == ["2026-10"]
    b = tmp_path / "规上工业月度统计_2026年1-9月.csv"
    b.write_text("地区,增加值增速,综合能源消费量,原料用能,工业用电量\n杭州市,5.0,90,1,9\n",
                 encoding="utf-8")
    res = ingest.read_table(b, "industry_monthly", SPEC)
    assert list(res.frame["period"]) == ["2026-09"] and list(res.frame["year"]) == [2026]


def write_month(d, name, rows):
    (d / name).write_text(HEADER + "".join(f"{','.join(map(str, r))}\n" for r in rows),
                          encoding="utf-8")


@pytest.fixture
def monthly_dir(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    write_month(d, "industry_monthly_2025-02.csv", [("杭州市", "2025-02", 5.0, 150, 0, 30)])
    write_month(d, "industry_monthly_2025-03.csv", [("杭州市", "2025-03", 5.0, 230, 0, 46)])
    write_month(d, "规上工业月度统计_2026年1-2月.csv", [("杭州市", "2026年1-2月", 5.0, 153, 0, 31)])
    return d


def test_one_file_per_month_is_read_and_kept_apart(monthly_dir, tmp_path):
    res = ingest.build_warehouse(monthly_dir, tmp_path / "wh")["industry_monthly"]
    assert sorted(res.frame["period"]) == ["2025-02", "2025-03", "2026-02"]
    assert set(res.frame["_source_file"]) == {"industry_monthly_2025-02.csv",
                                              "industry_monthly_2025-03.csv",
                                              "规上工业月度统计_2026年1-2月.csv"}
    assert not [f for f in res.findings if f.check in ("two_files", "revision")]


def test_revision_detected_and_the_later_file_wins(monthly_dir, tmp_path):
    # the 2026-03 file re-delivers 1–2月 with 155 instead of 153
    write_month(monthly_dir, "industry_monthly_2026-03.csv",
                [("杭州市", "2026-03", 5.0, 240, 0, 47), ("杭州市", "2026-02", 5.0, 155, 0, 31)])
    res = ingest.build_warehouse(monthly_dir, tmp_path / "wh")["industry_monthly"]
    row = res.frame[res.frame["period"] == "2026-02"].iloc[0]
    assert row["energy_consumption"] == 155 and row["_source_file"] == \
        "industry_monthly_2026-03.csv"
    [f] = [f for f in res.findings if f.check == "revision"]
    assert f.severity == "warning" and f.region_code == "330100"
    assert (f.file, f.row, f.column) == ("industry_monthly_2026-03.csv", 3, "综合能源消费量(万吨标准煤)")
    assert "规上工业月度统计_2026年1-2月.csv" in f.message and "153" in f.message \
        and "155" in f.message


def barometer_of(data_dir, run_dir, period):
    ingest.build_warehouse(data_dir, run_dir / "warehouse")
    run_barometer(run_dir, period)
    return (pd.read_csv(run_dir / "barometer.csv", dtype=str),
            pd.read_csv(run_dir / "revisions.csv", dtype=str))


def test_a_period_never_reads_data_after_itself(monthly_dir, tmp_path):
    before, rev_before = barometer_of(monthly_dir, tmp_path / "a", "2026-02")
    # (153/150)/1.05 − 1 = −2.857 %
    e = before[(before["region_code"] == "330100")
               & (before["indicator_id"] == "energy_intensity")]
    assert float(e["value"].iloc[0]) == pytest.approx(-2.857142857)
    # a later month's file changes nothing of 1–2月
    write_month(monthly_dir, "industry_monthly_2026-03.csv", [("杭州市", "2026-03", 5.0, 240, 0, 47)])
    after, rev_after = barometer_of(monthly_dir, tmp_path / "b", "2026-02")
    pd.testing.assert_frame_equal(before, after)
    assert rev_before.empty and rev_after.empty


def test_a_revision_delivered_later_is_that_months_figure(monthly_dir, tmp_path):
    """The 1–3月 file re-delivers 1–2月 (153 -> 170): the 1–2月 barometer, read again,
    uses the revised figure and is marked revised; 1–3月 lists the revision too."""
    write_month(monthly_dir, "industry_monthly_2026-03.csv",
                [("杭州市", "2026-03", 5.0, 240, 0, 47), ("杭州市", "2026-02", 5.0, 170, 0, 31)])
    feb, rev = barometer_of(monthly_dir, tmp_path / "a", "2026-02")
    e = feb[(feb["region_code"] == "330100") & (feb["indicator_id"] == "energy_intensity")]
    # (170/150)/1.05 − 1 = +7.937 %: the intensity now rose, a red light
    assert float(e["value"].iloc[0]) == pytest.approx(7.9365079, abs=1e-6)
    assert e["status"].iloc[0] == "red" and e["revised"].iloc[0] == "True"
    assert len(rev) == 1 and rev.iloc[0]["old_value"] == "153.0" and \
        rev.iloc[0]["new_value"] == "170.0"
    later, rev = barometer_of(monthly_dir, tmp_path / "c", "2026-03")
    assert len(rev) == 1 and rev.iloc[0]["old_value"] == "153.0" and \
        rev.iloc[0]["new_value"] == "170.0"
    hist = pd.read_csv(tmp_path / "c" / "barometer_history.csv", dtype={"region_code": str})
    feb = hist[(hist["region_code"] == "330100") & (hist["period"] == "2026-02")
               & (hist["indicator_id"] == "energy_intensity")]
    assert feb["value"].iloc[0] == pytest.approx(7.9365079, abs=1e-6)
    assert later[later["region_code"] == "330100"]["revised"].eq("True").all()
