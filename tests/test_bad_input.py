"""The bad-input matrix (issue 4): planted defects in a copy of the sample data.

Each case plants one defect the way it arrives from a bureau, then checks that the gate
names the file, row and column in Chinese, that exactly the affected regions lose their
grades (the difference against a clean run), and that every other region is still graded.
Stages 01-03 run in-process; `test_broken_copy_through_the_runner` renders reports.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from carbonpeak import reference, stages
from carbonpeak.paths import SAMPLE_DIR

YEAR = 2025
PROVINCE = "330000"
ALL = frozenset(reference.region_codes())
CHINESE_HEADERS = {"region_code": "地区", "year": "年份", "value_added": "规上工业增加值(亿元)",
                   "value_added_growth": "规上工业增加值增速(%)",
                   "energy_consumption": "规上工业综合能源消费量(万吨标准煤)",
                   "feedstock_energy": "原料用能(万吨标准煤)"}


def annual(d: Path) -> pd.DataFrame:
    return pd.read_csv(d / "industry_annual.csv", dtype={"region_code": str})


def at(df: pd.DataFrame, region: str, year: int):
    return df.index[(df["region_code"] == region) & (df["year"] == year)][0]


def csv_row(df: pd.DataFrame, region: str, year: int) -> int:
    """The row a spreadsheet shows for this record of a CSV written with one header row."""
    return int(at(df, region, year)) + 2


def save(d: Path, df: pd.DataFrame, **kw) -> None:
    df.to_csv(d / "industry_annual.csv", index=False, **kw)


@dataclass
class Case:
    plant: object  # (data_dir) -> (row, column) of the planted defect as the file shows them
    check: str
    severity: str
    file: str
    message: str  # a fragment the Chinese message must contain
    affected: frozenset  # regions whose indicators on the table must become not_rated
    table: str = "industry_annual"
    region: str | None = None  # the region the finding is attributed to (None: whole table)
    extra: dict = field(default_factory=dict)


# --- the planted defects ---------------------------------------------------------------


def missing_column(d):
    save(d, annual(d).drop(columns="feedstock_energy"))
    return 1, "原料用能"


def misspelled_header(d):
    df = annual(d).rename(columns={**CHINESE_HEADERS,
                                   "energy_consumption": "规上工业综合能原消费量(万吨标准煤)"})
    save(d, df)
    return 1, "规上工业综合能源消费量"


def wan_yuan_in_yi_yuan_column(d):
    df = annual(d)
    df.loc[df["region_code"] == "330700", "value_added"] *= 10000  # 金华 sent 万元 throughout
    save(d, df)
    return csv_row(df, "330700", 2016), "value_added"


def duplicated_row(d):
    df = annual(d)
    df = pd.concat([df, df.loc[[at(df, "330300", 2023)]]], ignore_index=True)
    save(d, df)
    return len(df) + 1, None


def missing_region_year(d):
    df = annual(d)
    save(d, df.drop(index=at(df, "331100", 2024)))
    return None, None


def negative_energy(d):
    df = annual(d)
    df.loc[at(df, "330800", 2021), "energy_consumption"] = -5.0
    save(d, df)
    return csv_row(df, "330800", 2021), "energy_consumption"


def text_in_numeric_column(d):
    df = annual(d).astype({"value_added": object})
    df.loc[at(df, "330100", 2024), "value_added"] = "约三千万"
    save(d, df)
    return csv_row(df, "330100", 2024), "value_added"


def unknown_region_name(d):
    df = annual(d)
    row = csv_row(df, "330200", 2023)
    df.loc[at(df, "330200", 2023), "region_code"] = "宁渡市"
    save(d, df)
    return row, "region_code"


def gbk_file_with_a_dash_for_a_number(d):
    df = annual(d)
    names = {r["region_code"]: r["name"] for r in reference.regions()}
    row = csv_row(df, "330400", 2025)
    df = df.astype({"energy_consumption": object})
    df.loc[at(df, "330400", 2025), "energy_consumption"] = "—"  # not in GBK? it is: A1AA
    df["region_code"] = df["region_code"].map(names)
    save(d, df.rename(columns=CHINESE_HEADERS), encoding="gbk")
    return row, CHINESE_HEADERS["energy_consumption"]


def excel_with_title_row(d):
    import openpyxl

    df = annual(d)
    df.loc[at(df, "330600", 2025), "value_added_growth"] = 310.0  # 3.1 typed as 310
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年报"
    ws.append(["2016-2025年各市规上工业增加值与能耗（示例数据）"])
    ws.append([CHINESE_HEADERS[c] for c in df.columns])
    for rec in df.itertuples(index=False):
        ws.append(list(rec))
    ws.append(["合计", None, None, None, None, None])
    wb.save(d / "industry_annual.xlsx")
    (d / "industry_annual.csv").unlink()
    return int(at(df, "330600", 2025)) + 3, CHINESE_HEADERS["value_added_growth"]


def empty_file(d):
    (d / "capacity.csv").write_text("")
    return None, None


def empty_headline_file(d):
    (d / "industry_annual.csv").write_text("")
    return None, None


def province_not_sum_of_cities(d):
    df = annual(d)
    df.loc[at(df, PROVINCE, 2024), "energy_consumption"] *= 1.02
    save(d, df)
    return csv_row(df, PROVINCE, 2024), "energy_consumption"


def year_in_the_future(d):
    df = annual(d)
    row = csv_row(df, "330800", 2021)
    df.loc[at(df, "330800", 2021), "year"] = 2099
    save(d, df)
    return row, "year"


def bad_credit_code_check_digit(d):
    ent = pd.read_csv(d / "enterprises.csv", dtype=str, keep_default_na=False)
    i = ent.index[ent["region_code"] == "330500"][0]
    code = ent.at[i, "credit_code"]
    ent.loc[ent["credit_code"] == code, "credit_code"] = code[:17] + ("1" if code[17] != "1"
                                                                       else "2")
    ent.to_csv(d / "enterprises.csv", index=False)
    return int(i) + 2, "credit_code"


def jump_by_ten_thousand(d):
    df = annual(d)
    df.loc[at(df, "330200", 2023), "energy_consumption"] *= 10000  # 万吨 typed as 吨
    save(d, df)
    return csv_row(df, "330200", 2023), "energy_consumption"


def repeated_header_mid_file(d):
    text = (d / "industry_annual.csv").read_text(encoding="utf-8").splitlines()
    text.insert(40, text[0])  # two exports pasted one under the other
    (d / "industry_annual.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    return 41, None


def data_on_a_later_sheet(d):
    import openpyxl

    df = annual(d)
    wb = openpyxl.Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["本表由各设区市经信局填报，单位见表头。"])
    ws = wb.create_sheet("数据")
    ws.append(list(df.columns))
    for rec in df.itertuples(index=False):
        ws.append(list(rec))
    ws.append(["注：示例数据，非官方统计"])
    wb.save(d / "industry_annual.xlsx")
    (d / "industry_annual.csv").unlink()
    return None, None


CITY_AND_PROVINCE = lambda code: frozenset({code, PROVINCE})  # noqa: E731 - a Σ breaks too

CASES = {
    "missing_column": Case(missing_column, "missing_column", "error", "industry_annual.csv",
                           "缺少必需列「原料用能」", ALL),
    "misspelled_chinese_header": Case(
        misspelled_header, "missing_column", "error", "industry_annual.csv",
        "缺少必需列「规上工业综合能源消费量」", ALL,
        extra={"unknown_column": "规上工业综合能原消费量(万吨标准煤)"}),
    "wan_yuan_in_yi_yuan_column": Case(
        wan_yuan_in_yi_yuan_column, "value_added_range", "error", "industry_annual.csv",
        "单位是否为亿元", CITY_AND_PROVINCE("330700"), region="330700"),
    "duplicated_row": Case(duplicated_row, "unique_region_year", "error", "industry_annual.csv",
                           "每个地区每年只能有一行", CITY_AND_PROVINCE("330300"), region="330300"),
    "missing_region_year": Case(missing_region_year, "region_year_complete", "error",
                                "industry_annual.csv", "缺少丽水市 2024年的数据",
                                CITY_AND_PROVINCE("331100"), region="331100"),
    "negative_energy": Case(negative_energy, "energy_range", "error", "industry_annual.csv",
                            "不能为负", CITY_AND_PROVINCE("330800"), region="330800"),
    "text_in_numeric_column": Case(text_in_numeric_column, "not_a_number", "error",
                                   "industry_annual.csv", "应为数值，实际为「约三千万」",
                                   CITY_AND_PROVINCE("330100"), region="330100"),
    "unknown_region_name": Case(unknown_region_name, "unknown_region", "warning",
                                "industry_annual.csv", "无法识别的地区「宁渡市」",
                                CITY_AND_PROVINCE("330200"),
                                extra={"region_year_complete": "缺少宁波市 2023年的数据"}),
    "gbk_encoded_file": Case(gbk_file_with_a_dash_for_a_number, "energy_not_null", "error",
                             "industry_annual.csv", "规上工业综合能源消费量不能为空",
                             CITY_AND_PROVINCE("330400"), region="330400"),
    "excel_with_title_row": Case(excel_with_title_row, "growth_range", "error",
                                 "industry_annual.xlsx", "增加值增速应在−30%至40%之间",
                                 frozenset({"330600"}), region="330600",
                                 extra={"total_row_dropped": "合计行"}),
    "empty_file": Case(empty_file, "empty_file", "error", "capacity.csv", "文件为空", ALL,
                       table="capacity"),
    "empty_headline_file": Case(empty_headline_file, "empty_file", "error",
                                "industry_annual.csv", "文件为空", ALL),
    "province_not_sum_of_cities": Case(
        province_not_sum_of_cities, "energy_consumption_province_sum", "error",
        "industry_annual.csv", "全省比各市合计高2.0%", frozenset({PROVINCE}), region=PROVINCE),
    "year_in_the_future": Case(year_in_the_future, "year_not_in_future", "error",
                               "industry_annual.csv", "不能是未来年份）（实际值：2099）",
                               CITY_AND_PROVINCE("330800"), region="330800"),
    "bad_credit_code_check_digit": Case(
        bad_credit_code_check_digit, "credit_code_check_digit", "error", "enterprises.csv",
        "校验码错误", frozenset({"330500"}), table="enterprises", region="330500"),
    "jump_by_ten_thousand": Case(jump_by_ten_thousand, "energy_consumption_unit_slip", "error",
                                 "industry_annual.csv", "疑似单位错误",
                                 CITY_AND_PROVINCE("330200"), region="330200"),
    "repeated_header_mid_file": Case(repeated_header_mid_file, "repeated_header_dropped",
                                     "warning", "industry_annual.csv", "与表头相同",
                                     frozenset()),
    "data_on_a_later_sheet": Case(data_on_a_later_sheet, None, None, "industry_annual.xlsx", "",
                                  frozenset()),
}


# --- running ---------------------------------------------------------------------------


def run_stages(data: Path, run: Path) -> tuple[pd.DataFrame, dict]:
    stages.run_ingest(data, run, YEAR)
    stages.run_quality(run, YEAR)
    stages.run_indicators(run, YEAR)
    ind = pd.read_csv(run / "indicators.csv", dtype={"region_code": str})
    results = json.loads((run / "quality" / "results.json").read_text(encoding="utf-8"))
    return ind, results


def not_rated(ind: pd.DataFrame) -> set[tuple[str, str]]:
    rows = ind[ind["status"] == "not_rated"]
    return set(zip(rows["region_code"], rows["indicator_id"], strict=True))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    base = tmp_path_factory.mktemp("clean")
    shutil.copytree(SAMPLE_DIR, base / "data")
    return run_stages(base / "data", base / "run")


def using(table: str) -> list[str]:
    return [i for i, e in reference.catalog().items() if table in e.get("inputs", {})]


def test_the_clean_sample_passes_every_check(clean):
    ind, results = clean
    assert {v["verdict"] for v in results["verdicts"].values()} == {"pass"}
    assert results["findings"] == []
    checks = results["verdicts"]["330100"]["checks"]
    assert {c["verdict"] for c in checks} == {"pass"}
    assert {"industry_annual", "enterprises"} <= {c["table"] for c in checks}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_planted_defect(tmp_path, clean, case):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    row, column = case.plant(data)
    ind, results = run_stages(data, tmp_path / "run")
    findings = results["findings"]

    if case.check is None:  # a file that only looks odd: read as if it were clean
        assert [f for f in findings if f["severity"] == "error"] == []
        assert not_rated(ind) == not_rated(clean[0])
        return
    hits = [f for f in findings if f["check"] == case.check and f["table"] == case.table]
    assert hits, f"no {case.check} finding among {[f['check'] for f in findings]}"
    f = hits[0]
    assert f["severity"] == case.severity and f["file"] == case.file
    assert case.message in f["message"], f["message"]
    if row is not None:
        assert row in {h["row"] for h in hits}
    if column is not None:
        headers = json.loads((tmp_path / "run" / "warehouse" / "ingest.json")
                             .read_text(encoding="utf-8"))["headers"].get(case.table, {})
        assert headers.get(column, column) in {h["column"] for h in hits}
    assert {h["region_code"] for h in hits} == {case.region}
    for check, fragment in case.extra.items():
        assert any(fragment in (g["message"] + (g["column"] or ""))
                   for g in findings if g["check"] == check), check

    # exactly the affected regions lose grades, only grades that depend on this table, and
    # the headline energy-intensity grade wherever industry_annual is affected
    newly = not_rated(ind) - not_rated(clean[0])
    if using(case.table):
        assert {r for r, _ in newly} == set(case.affected)
    if case.table == "industry_annual":
        assert {(r, "energy_intensity_reduction") for r in case.affected} <= newly
    rated = ind[~ind["region_code"].isin(case.affected)]
    assert not_rated(rated) == {k for k in not_rated(clean[0]) if k[0] not in case.affected}
    for region, indicator in newly:
        reason = ind.set_index(["region_code", "indicator_id"]).at[(region, indicator),
                                                                   "not_rated_reason"]
        assert any(name in reason for name in (".csv", ".xlsx", case.table)), reason

    # the region's verdict and its list of checks say so
    verdicts = results["verdicts"]
    for region in case.affected:
        assert verdicts[region]["verdict"] == "fail"
    if case.region:
        listed = {c["check"]: c for c in verdicts[case.region]["checks"]
                  if c["table"] == case.table}
        group = "file_readable" if case.check == "empty_file" else case.check
        assert listed[group]["verdict"] == "fail"
        assert listed[group]["severity"] == case.severity
    untouched = ALL - case.affected - ({case.region} if case.region else set())
    assert "fail" not in {verdicts[r]["verdict"] for r in untouched}


def test_broken_copy_through_the_runner(tmp_path):
    """A broken data set still renders: the clean city gets its grade, the broken one a
    report that says why its indicator is not rated."""
    from carbonpeak import runner

    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    df = annual(data)
    df.loc[at(df, "330500", 2022), "value_added"] *= 10000  # 亿元 typed as 万元
    save(data, df)
    out = tmp_path / "out"
    code = runner.run(data, YEAR, regions="330100,330500", out=out, formats="html", jobs=2,
                      log=lambda *a: None)
    assert code == 1  # reports written, but quality errors left an indicator 未评级
    year_dir = out / str(YEAR)
    ind = pd.read_csv(year_dir / "indicators.csv", dtype={"region_code": str})
    status = ind.set_index(["region_code", "indicator_id"])["status"]
    assert status[("330500", "energy_intensity_reduction")] == "not_rated"
    assert status[("330100", "energy_intensity_reduction")] != "not_rated"
    broken = (year_dir / "330500" / "report.html").read_text(encoding="utf-8")
    assert "未评级" in broken and "疑似单位错误" in broken
    clean = (year_dir / "330100" / "report.html").read_text(encoding="utf-8")
    assert "疑似单位错误" not in clean
    results = json.loads((year_dir / "quality" / "results.json").read_text(encoding="utf-8"))
    assert results["verdicts"]["330500"]["verdict"] == "fail"
    assert results["verdicts"]["330100"]["verdict"] == "pass"
    docs = (year_dir / "quality" / "docs" / "index.html").read_text(encoding="utf-8")
    assert "http" not in docs
