"""Quality checks specific to the monthly 1–N月 table fire on bad data and say where."""

import json

import pandas as pd

from carbonpeak import ingest, quality, reference
from carbonpeak.quality import monthly as checks

CITIES = reference.children(reference.province_code())


def table(rows) -> pd.DataFrame:
    cols = ["region_code", "period", "value_added_growth", "energy_consumption",
            "feedstock_energy", "electricity", "_source_file", "_source_row"]
    return pd.DataFrame(rows, columns=cols)


def month(period, file, energy=None, electricity=10.0, province=None):
    """11 cities with 100 万tce (or `energy`) each, and the province row (default: the sum)."""
    rows = [(c, period, 5.0, (energy or {}).get(c, 100.0), 1.0, electricity, file, i + 3)
            for i, c in enumerate(CITIES)]
    total = sum(r[3] for r in rows)
    rows.insert(0, ("330000", period, 5.0, province or total, 11.0, 11 * electricity, file, 2))
    return rows


def test_falling_cumulative_value_names_file_row_column_and_expected():
    df = table(month("2026-02", "m02.csv") + month("2026-03", "m03.csv", {"330100": 95.0},
                                                   province=1095.0))
    found, summary = checks.run({"industry_monthly": df}, {"industry_monthly": {
        "energy_consumption": "综合能源消费量"}})
    falling = [f for f in found if f.check == "cumulative_not_falling"]
    # Hangzhou's 1–3月 95 < its 1–2月 100: the 1–3月 row (m03.csv, row 3) is wrong; the
    # province (1095 < 1100) falls with it
    assert {x.region_code for x in falling} == {"330100", "330000"}
    [f] = [x for x in falling if x.region_code == "330100"]
    assert (f.severity, f.file, f.row, f.column, f.region_code) == \
        ("error", "m03.csv", 3, "综合能源消费量", "330100")
    assert "应不低于100" in f.message and "m02.csv第3行" in f.message
    verdicts = {s["check"]: s["verdict"] for s in summary}
    assert verdicts == {"cumulative_not_falling": "fail", "december_equals_annual": "pass",
                        "monthly_province_sum": "pass", "monthly_region_complete": "pass"}


def test_province_not_the_sum_of_the_cities():
    # 11 cities × 100 = 1100, the province says 1150: 1150/1100 − 1 = +4.5 % > 0.5 %
    df = table(month("2026-02", "m02.csv", province=1150.0))
    found, _ = checks.run({"industry_monthly": df}, {})
    [f] = [f for f in found if f.check == "monthly_province_sum"]
    assert (f.severity, f.file, f.row, f.column, f.region_code) == \
        ("error", "m02.csv", 2, "energy_consumption", "330000")
    assert "应为1100" in f.message and "1150" in f.message


def test_december_differs_from_the_annual_row_is_a_warning():
    df = table(month("2025-12", "m12.csv"))
    annual = pd.DataFrame({"region_code": ["330100"], "year": [2025],
                           "energy_consumption": [102.0], "feedstock_energy": [1.0],
                           "value_added_growth": [5.0], "_source_file": ["industry_annual.csv"],
                           "_source_row": [7]})
    found, _ = checks.run({"industry_monthly": df, "industry_annual": annual}, {})
    [f] = [f for f in found if f.check == "december_equals_annual"]
    # 100 / 102 − 1 = −1.96 % > 0.5 %: a warning (annual figures are revised later)
    assert (f.severity, f.file, f.row, f.region_code, f.field) == \
        ("warning", "m12.csv", 3, "330100", "energy_consumption")
    assert "industry_annual.csv第7行" in f.message and "−1.96%" in f.message.replace("-", "−")
    assert "应为102" in f.message


def test_hooked_into_the_quality_stage(data_dir, tmp_path):
    """02_quality runs the monthly checks whenever the monthly table is present; a monthly
    run (a year the annual table does not cover yet) checks the annual tables to the year
    before, and the sample's revision is reported naming both files."""
    bad = data_dir / "industry_monthly_2026-09.csv"
    df = pd.read_csv(bad, dtype={"region_code": str})
    df.loc[df["region_code"] == "330500", "electricity"] = 1.0  # below its 1–8月 value
    df.to_csv(bad, index=False)
    run = tmp_path / "run"
    ingest.run_ingest(data_dir, run, 2026, "month")
    verdicts = quality.run_quality(run, 2026, None, "month").set_index("代码")
    results = json.loads((run / "quality" / "results.json").read_text(encoding="utf-8"))
    mine = [f for f in results["findings"] if f["table"] == "industry_monthly"]
    falling = [f for f in mine if f["check"] == "cumulative_not_falling"]
    assert {(f["file"], f["region_code"], f["column"]) for f in falling} == \
        {("industry_monthly_2026-09.csv", "330500", "electricity")}
    revision = [f for f in mine if f["check"] == "revision"]
    assert {f["region_code"] for f in revision} == {"331000", "330000"}
    assert all("industry_monthly_2026-07.csv" in f["message"] for f in revision)
    # the falling value fails 湖州 only (the province row then differs from the sum too)
    assert verdicts.at["330500", "verdict"] == "fail"
    assert verdicts.at["330100", "verdict"] == "pass"
    assert not [f for f in results["findings"] if f["table"] == "industry_annual"
                and f["severity"] == "error"]


def test_a_period_is_checked_on_its_rows_as_revised_later(tmp_path):
    """The 1–2月 check reads 1–2月 as the 1–3月 file revised it, and nothing dated after
    1–2月: a fall in 1–3月 fails the 1–3月 check only; the revision is reported to both."""
    head = "地区,统计期,规上工业增加值增速(%),综合能源消费量(万吨标准煤),原料用能(万吨标准煤),工业用电量(亿千瓦时)\n"
    data = tmp_path / "data"
    data.mkdir()
    (data / "industry_monthly_2026-02.csv").write_text(
        head + "杭州市,2026-02,5.0,153,0,31\n", encoding="utf-8")
    (data / "industry_monthly_2026-03.csv").write_text(  # re-delivers 1–2月: 153 -> 170
        head + "杭州市,2026-03,5.0,160,0,47\n杭州市,2026-02,5.0,170,0,31\n", encoding="utf-8")
    wh = tmp_path / "wh"
    found = ingest.build_warehouse(data, wh)["industry_monthly"].findings
    tables = {"industry_monthly": ingest.load_table(wh, "industry_monthly")}
    feb, feb_findings = checks.as_of(wh, tables, found, "2026-02")
    assert feb["industry_monthly"][["period", "energy_consumption"]].values.tolist() == \
        [["2026-02", 170.0]]
    assert [f.check for f in feb_findings] == ["revision"]
    def run(tables):  # 杭州 alone: the other regions' missing rows are not this test's
        return [f for f in checks.run(tables, {})[0] if f.check != "monthly_region_complete"]

    assert not run(feb)  # 160 after 170 is 1–3月's problem
    mar, _ = checks.as_of(wh, tables, found, "2026-03")
    [fall] = run(mar)
    assert (fall.check, fall.file, fall.row) == \
        ("cumulative_not_falling", "industry_monthly_2026-03.csv", 2)
