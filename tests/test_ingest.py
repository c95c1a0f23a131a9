"""Ingest: the headers, units, formats and region spellings analysts actually send."""

import pandas as pd
import pytest

from carbonpeak import ingest, reference
from carbonpeak.findings import UnreadableFile

SPEC = reference.tables()["industry_annual"]

CHINESE = (
    "地区,年份,规上工业增加值(万元),规上工业增加值增速(%),规上工业综合能源消费量(吨标准煤),原料用能(吨标准煤)\n"
    "杭州市,2020,32584300,5.6,11777500,47100\n"
    "宁波,2020,40100000,5.2,31000000,3720000\n"
    "330300,2020,12000000,5.0,4300000,13000\n"
)


def read(tmp_path, text: str, name="industry_annual.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return ingest.read_table(path, "industry_annual", SPEC)


class TestHeadersAndUnits:
    def test_chinese_headers_with_wan_yuan_and_tce(self, tmp_path):
        res = read(tmp_path, CHINESE)
        df = res.frame.set_index("region_code")
        assert list(df.index) == ["330100", "330200", "330300"]
        assert df.at["330100", "value_added"] == pytest.approx(3258.43)  # 万元 -> 亿元
        assert df.at["330100", "energy_consumption"] == pytest.approx(1177.75)  # 吨 -> 万吨
        assert df.at["330200", "feedstock_energy"] == pytest.approx(372.0)
        assert df.at["330100", "value_added_growth"] == pytest.approx(5.6)
        assert res.findings == []

    def test_utf8_bom_and_gbk_read_the_same(self, tmp_path):
        a = read(tmp_path, CHINESE, "a.csv").frame
        b = read(tmp_path, CHINESE, "b.csv", encoding="utf-8-sig").frame
        c = read(tmp_path, CHINESE, "c.csv", encoding="gbk").frame
        cols = list(SPEC["columns"])
        pd.testing.assert_frame_equal(a[cols], b[cols])
        pd.testing.assert_frame_equal(a[cols], c[cols])

    def test_english_canonical_headers(self, tmp_path, sample_frame):
        path = tmp_path / "industry_annual.csv"
        sample_frame.to_csv(path, index=False)
        res = ingest.read_table(path, "industry_annual", SPEC)
        assert len(res.frame) == len(sample_frame)
        assert res.frame["value_added"].sum() == pytest.approx(sample_frame["value_added"].sum())

    def test_xlsx_with_title_row(self, tmp_path):
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["2020年各市规上工业能耗统计表"])
        ws.append(["地区名称", "年份", "规上工业增加值（亿元）", "增加值增速", "综合能源消费量",
                   "原料用能"])
        ws.append(["舟山市", 2020, 348.87, 6.7, 992.92, 347.52])
        ws.append(["合计", None, 348.87, None, 992.92, 347.52])
        path = tmp_path / "industry_annual.xlsx"
        wb.save(path)
        res = ingest.read_table(path, "industry_annual", SPEC)
        df = res.frame
        assert list(df["region_code"]) == ["330900"]
        assert df.loc[0, "year"] == 2020
        assert df.loc[0, "value_added"] == pytest.approx(348.87)
        assert df.loc[0, "_source_row"] == 3
        assert [f.check for f in res.findings] == ["total_row_dropped"]

    def test_region_names_short_long_and_code(self):
        lookup = reference.region_lookup()
        assert lookup["杭州市"] == lookup["杭州"] == lookup["330100"] == "330100"
        assert lookup["浙江省"] == lookup["全省"] == "330000"


class TestMalformedInput:
    def test_text_in_numeric_column_names_row_and_column(self, tmp_path):
        text = CHINESE.replace("32584300", "约三千万")
        res = read(tmp_path, text)
        [f] = [f for f in res.findings if f.check == "not_a_number"]
        assert (f.file, f.row, f.column, f.region_code) == (
            "industry_annual.csv", 2, "规上工业增加值(万元)", "330100")
        assert "约三千万" in f.message
        assert pd.isna(res.frame.set_index("region_code").at["330100", "value_added"])

    def test_unknown_region_name(self, tmp_path):
        res = read(tmp_path, CHINESE.replace("宁波,", "宁渡,"))
        [f] = [f for f in res.findings if f.check == "unknown_region"]
        assert (f.row, f.column) == (3, "地区")
        assert "宁渡" in f.message
        assert "330200" not in set(res.frame["region_code"])

    def test_missing_column(self, tmp_path):
        lines = [",".join(line.split(",")[:5]) for line in CHINESE.splitlines()]
        res = read(tmp_path, "\n".join(lines) + "\n")
        [f] = [f for f in res.findings if f.check == "missing_column"]
        assert f.field == "feedstock_energy" and f.column == "原料用能"
        assert f.severity == "error"

    def test_misspelled_header_is_reported_not_ignored(self, tmp_path):
        res = read(tmp_path, CHINESE.replace("原料用能(吨标准煤)", "原料用量(吨标准煤)"))
        checks = {f.check: f for f in res.findings}
        assert checks["unknown_column"].column == "原料用量(吨标准煤)"
        assert checks["missing_column"].field == "feedstock_energy"

    def test_unit_that_cannot_be_converted(self, tmp_path):
        res = read(tmp_path, CHINESE.replace("规上工业增加值(万元)", "规上工业增加值(千美元)"))
        [f] = [f for f in res.findings if f.check == "unknown_unit"]
        assert "千美元" in f.message and "亿元" in f.message

    def test_empty_file_is_an_input_error(self, tmp_path):
        (tmp_path / "industry_annual.csv").write_text("")
        with pytest.raises(UnreadableFile) as e:
            ingest.read_table(tmp_path / "industry_annual.csv", "industry_annual", SPEC)
        assert e.value.finding.check == "empty_file"
        assert "industry_annual.csv" in str(e.value)

    def test_missing_file_is_a_finding_not_a_crash(self, tmp_path):
        results = ingest.build_warehouse(tmp_path, tmp_path / "wh")
        assert results["industry_annual"].frame is None
        assert results["industry_annual"].findings[0].check == "missing_file"


class TestRegionNamesAsBureausWriteThem:
    @pytest.mark.parametrize("text,expected", [
        ("杭州市富阳区", ("富阳区", "330100")), ("富阳区", ("富阳区", "330100")),
        ("绍兴柯桥区", ("柯桥区", "330600")), ("330783", ("东阳市", "330700")),
        ("景宁", ("景宁畲族自治县", "331100")), ("龙港市", ("龙港市", "330300"))])
    def test_county_names(self, text, expected):
        from carbonpeak.ingest import regionnames

        assert regionnames.county_of(text) == expected

    def test_credit_code_city(self):
        from carbonpeak.ingest.regionnames import credit_code_city

        assert credit_code_city("91330111AETMXUTE1M") == "330100"
        assert credit_code_city("91330104MA27XXXX1A") == "330100"  # old 江干区 code
        assert credit_code_city("913300007XXXXXXXXX") is None  # registered by the province
        assert credit_code_city("91110000XXXXXXXXXX") is None  # outside Zhejiang

    def test_county_qualified_region_in_a_list_of_firms(self, tmp_path):
        from carbonpeak.methods.credit_code import credit_code_check_char

        spec = reference.tables()["enterprises"]
        body = "91330111MA2QXK7D1"
        code = body + credit_code_check_char(body)
        path = tmp_path / "enterprises.csv"
        path.write_text(
            "统一社会信用代码,企业名称,所在设区市,县（市、区）,行业代码,年份,综合能源消费量,煤炭消费量,"
            "油品消费量,天然气消费量,电力消费量,热力消费量,工业增加值\n"
            f"{code},杭州甲有限公司,杭州市富阳区,,2221,2025,100,10,10,10,10,10,1000\n",
            encoding="utf-8")
        res = ingest.read_table(path, "enterprises", spec)
        assert res.frame.loc[0, ["region_code", "county"]].tolist() == ["330100", "富阳区"]
        assert res.findings == []

    def test_county_in_a_city_table_is_refused_with_a_hint(self, tmp_path):
        res = read(tmp_path, CHINESE.replace("宁波,", "宁波市鄞州区,"))
        f = next(f for f in res.findings if f.check == "unknown_region")
        assert "宁波市的县级单位" in f.message and f.row == 3


@pytest.mark.parametrize("text", ["1e300", "1e10", "-3e9"])
def test_a_year_no_column_can_hold_is_a_cell_error_not_a_crash(text):
    """1e300 is a whole number, but no year: it used to reach the Int64 year column and stop
    ingest with an OverflowError. It is the cell's error, like any text that is no year."""
    from carbonpeak.ingest import coerce

    values, errors = coerce.column([text, "2025"], {"type": "year"})
    assert values.tolist() == [None, 2025]
    assert str(errors[0]) == f"应为四位年份，实际为「{text}」"
