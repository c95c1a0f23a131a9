"""The bad-input matrix (issue 4): planted defects in a copy of the sample data.

Each case plants one defect the way it arrives from a bureau, then checks that the gate
names the file, row and column in Chinese, that exactly the affected regions lose their
grades (the difference against a clean run), and that every other region is still graded.
Stages 01-03 run in-process, against the session's clean run (`clean_run`): a case's
warehouse is the clean one with only the tables whose files it changed read again
(`helpers.run_planted`; `test_incremental_ingest_equals_a_full_ingest` holds it to a full
ingest), then quality and indicators run in full. `test_broken_copy_through_the_runner`
renders reports.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from helpers import planted_tables, reingest

from carbonpeak import ingest, reference
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
    # the region(s) the finding is attributed to (None: whole table)
    region: str | frozenset | None = None
    extra: dict = field(default_factory=dict)
    secret: str | None = None  # planted text no finding may quote (confidential, or a path)
    after: object = None  # (run_dir) -> None: what the run must have done besides findings


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


# --- hostile and careless input (issue 11) ----------------------------------------------

ENTERPRISE_SECRET = "甬江万丰电线电缆有限公司"


def enterprises(d: Path) -> pd.DataFrame:
    return pd.read_csv(d / "enterprises.csv", dtype=str, keep_default_na=False)


def swapped_enterprise_columns(d):
    ent = enterprises(d)
    i = ent.index[ent["region_code"] == "330200"][0]
    ent.loc[i, ["name", "region_code"]] = ["330200", ENTERPRISE_SECRET]
    ent.to_csv(d / "enterprises.csv", index=False)
    return int(i) + 2, "region_code"


def _firm(ent, code, area, name):
    from carbonpeak.methods.credit_code import credit_code_check_char

    row = ent[ent["region_code"] == code].iloc[0].to_dict()
    body = f"91{area}MA2QXK7D1"
    return {**row, "credit_code": body + credit_code_check_char(body), "name": name}


def mislabelled_firm(d):
    ent = enterprises(d)
    firm = _firm(ent, "330400", "330402", ENTERPRISE_SECRET)  # code and county: 嘉兴
    firm.update(region_code="杭州市", county="南湖区")
    ent = pd.concat([ent, pd.DataFrame([firm])], ignore_index=True)
    ent.to_csv(d / "enterprises.csv", index=False)
    return len(ent) + 1, "region_code"


def firm_in_two_cities(d):
    ent = enterprises(d)
    firm = _firm(ent, "330800", "330000", ENTERPRISE_SECRET)  # registered by the province
    other = {**firm, "region_code": "330500", "county": "吴兴区"}
    ent = pd.concat([ent, pd.DataFrame([other, {**firm, "county": "柯城区"}])],
                    ignore_index=True)
    ent.to_csv(d / "enterprises.csv", index=False)
    return len(ent), None


def county_qualified_enterprise_regions(d):
    ent = enterprises(d)
    names = {r["region_code"]: r["name"] for r in reference.regions()}
    ent["region_code"] = ent["region_code"].map(names) + ent["county"]  # 杭州市富阳区
    ent["county"] = ""
    ent.to_csv(d / "enterprises.csv", index=False)
    return None, None


def infinite_number(d):
    df = annual(d).astype({"energy_consumption": object})
    df.loc[at(df, "330300", 2024), "energy_consumption"] = "1e309"
    save(d, df)
    return csv_row(df, "330300", 2024), "energy_consumption"


def workbook(df: pd.DataFrame, *above: list):
    """A sheet with rows `above` the Chinese header, then the rows of df."""
    import openpyxl

    wb = openpyxl.Workbook()
    for row in [*above, [CHINESE_HEADERS[c] for c in df.columns],
                *(list(r) for r in df.itertuples(index=False))]:
        wb.active.append(row)
    return wb


def percent_formatted_growth(d):
    wb = workbook(annual(d))
    for (cell,) in wb.active.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.value = cell.value / 100  # Excel stores 0.036 and shows 3.6%
        cell.number_format = "0.0%"
    wb.save(d / "industry_annual.xlsx")
    (d / "industry_annual.csv").unlink()
    return None, None


def duplicated_header(d):
    text = (d / "industry_annual.csv").read_text(encoding="utf-8").splitlines()
    lines = [line + ("," + line.split(",")[4]) for line in text]
    lines[0] = text[0] + ",energy_consumption"
    (d / "industry_annual.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1, "energy_consumption.1"


def year_column_renamed(d):
    save(d, annual(d).rename(columns={"year": "统计期"}))
    return 1, "年份"


def stray_quote(d):
    lines = (d / "capacity.csv").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",", ',"', 1)
    (d / "capacity.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 6, None


def utf16_without_bom(d):
    text = (d / "capacity.csv").read_text(encoding="utf-8")
    (d / "capacity.csv").write_bytes(text.encode("utf-16-le"))
    return None, None


def dataset_yml(text: str):
    def plant(d):
        (d / "dataset.yml").write_text(text, encoding="utf-8")
        return None, None
    return plant


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                               strict=True))
PWNED = "carbonpeak-pwned"


def province_rows_in_city_table(factor: float):
    def plant(d):
        df = pd.read_csv(d / "energy_by_fuel.csv", dtype={"region_code": str})
        key = ["year", "sector", "fuel", "feedstock", "state_listed"]
        prov = df.groupby(key, as_index=False)["energy"].sum().assign(region_code=PROVINCE)
        prov.loc[prov.index[0], "energy"] *= factor
        out = pd.concat([df, prov[df.columns]], ignore_index=True)
        out.to_csv(d / "energy_by_fuel.csv", index=False)
        return len(df) + 2, (None if factor == 1 else "energy")
    return plant


def symlink_outside(d):
    secret = d.parent / "secret.csv"
    secret.write_text("region_code,year,sector,segment\n330100,2025,steel,SECRET-OUTSIDE\n")
    (d / "capacity.csv").unlink()
    (d / "capacity.csv").symlink_to(secret)
    return None, None


def folder_named_like_table(d):
    (d / "capacity.csv").unlink()
    (d / "capacity.csv").mkdir()
    return None, None


def fifo_named_like_table(d):
    import os

    (d / "capacity.csv").unlink()
    os.mkfifo(d / "capacity.csv")  # opened for reading, it would block forever
    return None, None


def bureau_named_workbook_with_total_row(d):
    """Cities and a 合计 row, no province row, in a workbook named as a bureau names it."""
    df = annual(d)
    cities, prov = df[df["region_code"] != PROVINCE], df[df["region_code"] == PROVINCE]
    rows = pd.concat([cities, prov.assign(region_code="合计")], ignore_index=True)
    workbook(rows, ["2016-2025年规上工业主要指标"]).save(d / "2025年规上工业主要指标.xlsx")
    (d / "industry_annual.csv").unlink()
    return len(cities) + 3, None


def two_files_for_one_table(d):
    pd.read_csv(d / "capacity.csv").to_excel(d / "capacity.xlsx", index=False)
    return None, None


def unrecognised_file(d):
    (d / "会议纪要.docx").write_bytes(b"PK\x03\x04 not a table")
    return None, None


def optional_table_absent(d):
    (d / "capacity.csv").unlink()
    return None, None


def undrawable_character(d):
    ent = enterprises(d)
    i = ent.index[ent["region_code"] == "331000"][0]
    ent.loc[ent["credit_code"] == ent.at[i, "credit_code"], "name"] = "台州\U000f0001化工有限公司"
    ent.to_csv(d / "enterprises.csv", index=False)
    return int(i) + 2, "name"


def bidi_override_in_name(d):
    ent = enterprises(d)
    i = ent.index[ent["region_code"] == "331100"][0]
    code = ent.at[i, "credit_code"]
    ent.loc[ent["credit_code"] == code, "name"] = "丽水\u202e司公限有\u202c化工"
    ent.to_csv(d / "enterprises.csv", index=False)
    return None, None


def markup_in_industry_code(d):
    ent = enterprises(d)
    i = ent.index[ent["region_code"] == "330600"][0]
    ent.loc[i, "industry_code"] = "<script>alert(1)</script>"
    ent.to_csv(d / "enterprises.csv", index=False)
    return int(i) + 2, "industry_code"


def _no_bidi_in_warehouse(run: Path) -> None:
    names = pd.read_parquet(run / "warehouse" / "enterprises.parquet")["name"]
    assert "丽水司公限有化工" in set(names)
    assert not names.str.contains("[\u202a-\u202e\u2066-\u2069]").any()


def _growth_read_as_shown(run: Path) -> None:
    df = pd.read_parquet(run / "warehouse" / "industry_annual.parquet")
    orig = annual(Path(SAMPLE_DIR))
    merged = df.merge(orig, on=["region_code", "year"], suffixes=("", "_csv"))
    assert len(merged) == len(orig)
    assert (merged["value_added_growth"] - merged["value_added_growth_csv"]).abs().max() < 1e-9


def _docs_show_no_markup(run: Path) -> None:
    for page in (run / "quality" / "docs").rglob("*.html"):
        assert "<script>alert(1)" not in page.read_text(encoding="utf-8"), page


def _nothing_executed(run: Path) -> None:
    assert not (run.parent / PWNED).exists()
    meta = json.loads((run / "run.json").read_text(encoding="utf-8"))["dataset"]
    assert len(json.dumps(meta)) < 2000



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

    # --- issue 11: hostile and careless input
    "swapped_enterprise_columns": Case(
        swapped_enterprise_columns, "unknown_region", "warning", "enterprises.csv",
        "无法识别的地区（保密数据", frozenset(), table="enterprises",
        secret=ENTERPRISE_SECRET),
    "mislabelled_firm": Case(
        mislabelled_firm, "region_conflict", "error", "enterprises.csv",
        "统一社会信用代码的登记地属嘉兴市", frozenset({"330100", "330400"}), table="enterprises",
        region=frozenset({"330100", "330400"}), secret=ENTERPRISE_SECRET),
    "firm_in_two_cities": Case(
        firm_in_two_cities, "duplicate_across_regions", "error", "enterprises.csv",
        "在另外1个设区市也有填报", frozenset({"330500", "330800"}), table="enterprises",
        region=frozenset({"330500", "330800"}), secret=ENTERPRISE_SECRET),
    "county_qualified_enterprise_regions": Case(
        county_qualified_enterprise_regions, None, None, "enterprises.csv", "", frozenset()),
    "infinite_number": Case(infinite_number, "not_a_number", "error", "industry_annual.csv",
                            "超出可计算的范围（1e309）", CITY_AND_PROVINCE("330300"),
                            region="330300"),
    "percent_formatted_growth": Case(percent_formatted_growth, None, None,
                                     "industry_annual.xlsx", "", frozenset(),
                                     after=_growth_read_as_shown),
    "duplicated_header": Case(duplicated_header, "duplicate_column", "error",
                              "industry_annual.csv", "第5列「energy_consumption」与第7列", ALL),
    "year_column_renamed": Case(year_column_renamed, "missing_column", "error",
                                "industry_annual.csv", "第1行的表头为：region_code、统计期", ALL),
    "stray_quote": Case(stray_quote, "unreadable_file", "error", "capacity.csv",
                        "引号（\"）不配对", ALL, table="capacity"),
    "utf16_without_bom": Case(utf16_without_bom, "unknown_encoding", "error", "capacity.csv",
                              "无法识别文件编码", ALL, table="capacity"),
    "malformed_dataset_yml": Case(dataset_yml("title_zh: [示例\nillustrative: true\n"),
                                  "dataset_meta", "warning", "dataset.yml", "不是有效的 YAML",
                                  frozenset(), table="dataset"),
    "non_mapping_dataset_yml": Case(dataset_yml("- 示例数据\n- 2025\n"), "dataset_meta",
                                    "warning", "dataset.yml", "应为“键: 值”的映射",
                                    frozenset(), table="dataset"),
    "alias_bomb_dataset_yml": Case(dataset_yml(ALIAS_BOMB), "dataset_meta", "warning",
                                   "dataset.yml", "别名", frozenset(), table="dataset",
                                   after=_nothing_executed),
    "python_tag_in_dataset_yml": Case(
        dataset_yml(f"title_zh: !!python/object/apply:os.system ['touch ../{PWNED}']\n"),
        "dataset_meta", "warning", "dataset.yml", "不是有效的 YAML", frozenset(),
        table="dataset", after=_nothing_executed),
    "province_rows_in_city_table": Case(
        province_rows_in_city_table(1.0), "province_row_checked", "warning",
        "energy_by_fuel.csv", "与各市之和一致，已剔除", frozenset(), table="energy_by_fuel",
        region=PROVINCE),
    "province_row_not_the_sum": Case(
        province_rows_in_city_table(1.5), "province_row_mismatch", "error",
        "energy_by_fuel.csv", "与各市之和", frozenset({PROVINCE}), table="energy_by_fuel",
        region=PROVINCE),
    "symlink_outside_the_data_folder": Case(
        symlink_outside, "outside_data_folder", "error", "capacity.csv", "数据文件夹以外",
        ALL, table="capacity", secret="SECRET-OUTSIDE"),
    "folder_named_like_a_table": Case(folder_named_like_table, "not_a_regular_file", "error",
                                      "capacity.csv", "是文件夹", ALL, table="capacity"),
    "fifo_named_like_a_table": Case(fifo_named_like_table, "not_a_regular_file", "error",
                                    "capacity.csv", "命名管道", ALL, table="capacity"),
    "bureau_named_workbook_with_total_row": Case(
        bureau_named_workbook_with_total_row, "total_row_as_province", "warning",
        "2025年规上工业主要指标.xlsx", "合计行", frozenset(), region=PROVINCE,
        extra={"file_matched": "按表头识别为「规上工业年度统计」"}),
    "two_files_for_one_table": Case(two_files_for_one_table, "two_files", "error",
                                    "capacity.csv、capacity.xlsx", "有2个文件", ALL,
                                    table="capacity"),
    "unrecognised_file": Case(unrecognised_file, "unrecognised_file", "info", "会议纪要.docx",
                              "无法识别的文件", frozenset(), table="files"),
    "optional_table_absent": Case(optional_table_absent, "table_absent", "info",
                                  "data", "未提供「重点领域产能能效水平」", ALL, table="capacity"),
    "undrawable_character": Case(undrawable_character, "rare_character", "warning",
                                 "enterprises.csv", "U+F0001", frozenset(), table="enterprises",
                                 region="331000"),
    "bidi_override_in_name": Case(bidi_override_in_name, None, None, "enterprises.csv", "",
                                  frozenset(), after=_no_bidi_in_warehouse),
    "markup_in_industry_code": Case(
        markup_in_industry_code, "industry_code_valid", "error", "enterprises.csv",
        "行业代码须为", frozenset({"330600"}), table="enterprises", region="330600",
        after=_docs_show_no_markup),
}


# --- running ---------------------------------------------------------------------------


def outputs(run: Path) -> tuple[pd.DataFrame, dict]:
    ind = pd.read_csv(run / "indicators.csv", dtype={"region_code": str})
    results = json.loads((run / "quality" / "results.json").read_text(encoding="utf-8"))
    return ind, results


def not_rated(ind: pd.DataFrame) -> set[tuple[str, str]]:
    rows = ind[ind["status"] == "not_rated"]
    return set(zip(rows["region_code"], rows["indicator_id"], strict=True))


@pytest.fixture(scope="module")
def clean(clean_run):
    return outputs(clean_run)


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
def test_planted_defect(tmp_path, run_planted, clean, case):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    row, column = case.plant(data)
    run_planted(data, tmp_path / "run")
    ind, results = outputs(tmp_path / "run")
    findings = results["findings"]

    if case.after:
        case.after(tmp_path / "run")
    if case.secret:  # nothing quotes it: no finding, and no output of the run's stages
        assert not any(case.secret in json.dumps(f, ensure_ascii=False) for f in findings)
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
    regions = case.region if isinstance(case.region, frozenset) else {case.region}
    assert {h["region_code"] for h in hits} == regions
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
    if case.severity == "error":  # an absent optional table is said, not failed
        for region in case.affected:
            assert verdicts[region]["verdict"] == "fail"
    for region in regions - {None}:
        listed = {c["check"]: c for c in verdicts[region]["checks"]
                  if c["table"] == case.table}
        group = "file_readable" if case.check == "empty_file" else case.check
        assert listed[group]["verdict"] == "fail"
        assert listed[group]["severity"] == case.severity
    if case.severity == "info":  # said in every report, failing no region
        assert "fail" not in {v["verdict"] for v in verdicts.values()}
    untouched = ALL - case.affected - regions
    assert "fail" not in {verdicts[r]["verdict"] for r in untouched}


# What each case re-reads, and that the warehouse built from the clean one is the one a
# full ingest writes: one case of each kind of change (a table's file rewritten, replaced by
# a workbook of another name matched by its headers, removed, doubled, refused as a special
# file; the folder's own files: dataset.yml, a file that is no table).
REINGESTED = {
    "missing_column": {"industry_annual"},
    "bureau_named_workbook_with_total_row": {"industry_annual"},
    "optional_table_absent": {"capacity"},
    "two_files_for_one_table": {"capacity"},
    "fifo_named_like_a_table": {"capacity"},
    "malformed_dataset_yml": set(),
    "unrecognised_file": set(),
}


@pytest.mark.parametrize("name", REINGESTED)
def test_incremental_ingest_equals_a_full_ingest(tmp_path, clean_run, name):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    CASES[name].plant(data)
    tables = planted_tables(data)
    assert tables == REINGESTED[name]
    reingest(data, tmp_path / "part", clean_run, tables)
    ingest.run_ingest(data, tmp_path / "full", YEAR)
    part, full = tmp_path / "part" / "warehouse", tmp_path / "full" / "warehouse"
    assert sorted(p.name for p in part.iterdir()) == sorted(p.name for p in full.iterdir())
    for name_ in ("ingest.json", "../run.json"):
        assert json.loads((part / name_).read_text(encoding="utf-8")) == \
            json.loads((full / name_).read_text(encoding="utf-8")), name_
    for p in full.glob("*.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(part / p.name), pd.read_parquet(p),
                                      obj=p.name)


@pytest.mark.slow
def test_broken_copy_through_the_runner(tmp_path):
    """A broken data set still renders: the clean city gets its grade, the broken one a
    report that says why its indicator is not rated."""
    from carbonpeak.run import runner

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
