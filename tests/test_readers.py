from pathlib import Path

import pytest
from openpyxl import Workbook

from carbonpeak.findings import UnreadableFile
from carbonpeak.ingest.readers import RawTable, parse_number, read_raw

KNOWN = {"地区", "行政区划代码", "规上工业增加值", "综合能耗"}

CSV_TEXT = (
    "行政区划代码,地区,规上工业增加值（亿元）,综合能耗(万吨标准煤)\n"
    '330100,杭州市,"6,123.4",1800\n'
    "330200,宁波市,7000,\n"
)


def write_xlsx(path: Path, rows: list[list[object]], title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def read_error(path: Path) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as info:
        read_raw(path, "energy", KNOWN)
    return info.value


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030")]
)
def test_csv_encodings_read_identically(tmp_path, encoding, expected):
    path = tmp_path / "energy.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))

    raw = read_raw(path, "energy", KNOWN)

    assert isinstance(raw, RawTable)
    assert raw.encoding == expected
    assert raw.sheet is None
    assert raw.header_row == 1
    assert list(raw.frame.columns) == [
        "行政区划代码",
        "地区",
        "规上工业增加值(亿元)",
        "综合能耗(万吨标准煤)",
    ]
    assert raw.frame.values.tolist() == [
        ["330100", "杭州市", "6,123.4", "1800"],
        ["330200", "宁波市", "7000", None],
    ]
    assert raw.source_rows == [2, 3]
    assert raw.dropped_total_rows == []


def test_csv_title_rows_totals_and_notes(tmp_path):
    path = tmp_path / "energy.csv"
    path.write_text(
        "2025年各市规上工业能耗统计表,,\n"
        "单位：万吨标准煤,,\n"
        ",,\n"
        " 地区 , 综合能耗 ,备注\n"
        "杭州市,1800,\n"
        ",,\n"
        "浙江省,9000,\n"
        "合  计,10800,\n"
        "注：数据为快报数,,\n"
        "资料来源：省统计局,,\n",
        encoding="utf-8",
    )

    raw = read_raw(path, "energy", KNOWN)

    assert raw.header_row == 4
    assert list(raw.frame.columns) == ["地区", "综合能耗", "备注"]
    assert raw.frame.values.tolist() == [["杭州市", "1800", None], ["浙江省", "9000", None]]
    assert raw.source_rows == [5, 7]
    assert raw.dropped_total_rows == [8]
    assert raw.notes == [
        "2025年各市规上工业能耗统计表",
        "单位：万吨标准煤",
        "资料来源：省统计局",
        "注：数据为快报数",
    ]


def test_excel_title_and_unit_rows_above_header(tmp_path):
    path = write_xlsx(
        tmp_path / "industry.xlsx",
        [
            ["2025年各市规上工业能耗统计表"],
            ["单位：万吨标准煤", None, None, "亿元"],
            ["年份", "地区", "综合能耗", "规上工业增加值（亿元）"],
            [2020.0, "杭州市", 1800.5, 6123],
            [2021, "宁波市", 0.1 + 0.2, None],
            ["总计：", None, 3600, 12000],
            ["说明：本表不含能源加工转换", None, None, None],
        ],
        title="能耗",
    )

    raw = read_raw(path, "energy", KNOWN)

    assert raw.encoding is None
    assert raw.sheet == "能耗"
    assert raw.header_row == 3
    assert list(raw.frame.columns) == ["年份", "地区", "综合能耗", "规上工业增加值(亿元)"]
    assert raw.frame.values.tolist() == [
        ["2020", "杭州市", "1800.5", "6123"],
        ["2021", "宁波市", "0.3", None],
    ]
    assert raw.source_rows == [4, 5]
    assert raw.dropped_total_rows == [6]


def test_excel_duplicate_and_unnamed_columns(tmp_path):
    path = write_xlsx(
        tmp_path / "dup.xlsx",
        [["地区", "综合能耗", "综合能耗", None, None], ["杭州市", 1, 2, "x", None]],
    )

    raw = read_raw(path, "energy", KNOWN)

    assert list(raw.frame.columns) == ["地区", "综合能耗", "综合能耗.1", "列4"]
    assert raw.frame.values.tolist() == [["杭州市", "1", "2", "x"]]


def test_header_falls_back_to_first_non_empty_row(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("\n甲,乙\n1,2\n", encoding="utf-8")

    raw = read_raw(path, "energy", KNOWN)

    assert raw.header_row == 2
    assert list(raw.frame.columns) == ["甲", "乙"]
    assert raw.source_rows == [3]


def test_tab_separated_text(tmp_path):
    path = tmp_path / "energy.tsv"
    path.write_text("地区\t综合能耗\n杭州市\t1,800\n", encoding="gbk")

    raw = read_raw(path, "energy", KNOWN)

    assert raw.frame.values.tolist() == [["杭州市", "1,800"]]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("blank.csv", b"\r\n  \n\n"),
        ("header_only.csv", "地区,综合能耗\n,\n".encode()),
        ("only_total.csv", "地区,综合能耗\n合计,100\n".encode()),
    ],
)
def test_empty_csv_files(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)

    finding = read_error(path).finding

    assert finding.check == "empty_file"
    assert finding.severity == "error"
    assert finding.table == "energy"
    assert finding.file == name
    assert finding.message.startswith("文件为空")


def test_empty_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", [])

    finding = read_error(path).finding

    assert (finding.check, finding.file) == ("empty_file", "empty.xlsx")
    assert "没有找到任何数据行" in finding.message


def test_unsupported_and_corrupt_files(tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")

    for path in (xls, broken):
        finding = read_error(path).finding
        assert (finding.check, finding.file) == ("unreadable_file", path.name)
        assert "XLSX" in finding.message and "CSV" in finding.message


def test_undecodable_csv(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\x80\x81\xff,\xff\n")

    finding = read_error(path).finding

    assert (finding.check, finding.file) == ("unknown_encoding", "binary.csv")


def test_missing_sheet_is_named(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [["地区", "综合能耗"], ["杭州市", 1]], title="能耗")

    with pytest.raises(UnreadableFile) as info:
        read_raw(path, "energy", KNOWN, sheet="产值")

    assert info.value.finding.check == "unreadable_file"
    assert "能耗" in info.value.finding.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("-", None),
        ("—", None),
        ("/", None),
        ("16700", 16700.0),
        (" 16,700.5 ", 16700.5),
        ("16，700", 16700.0),
        ("１６７００．５", 16700.5),
        ("－3.2", -3.2),
        ("−3.2", -3.2),
        ("12.5%", 12.5),
        ("12.5％", 12.5),
        ("1e-05", 0.00001),
        (".5", 0.5),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "约100", "1,2,3", "nan", "inf", "12 345", "1.2.3"])
def test_parse_number_rejects_text(text):
    with pytest.raises(ValueError, match="不是有效的数字"):
        parse_number(text)


# --- issue 11: numbers that mean what they say, files that are what they claim ----------


def test_percent_formatted_cells_read_as_shown(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "综合能耗", "增速"])
    ws.append(["杭州市", 1800, 0.036])
    ws.append(["宁波市", 2000, -0.012])
    ws.append(["温州市", 900, 0.05])
    for row, fmt in ((2, "0.0%"), (3, "0.00%"), (4, '0.0"%"')):  # the last: a literal %
        ws.cell(row, 3).number_format = fmt
    wb.save(tmp_path / "p.xlsx")
    raw = read_raw(tmp_path / "p.xlsx", "energy", KNOWN)
    assert [parse_number(v) for v in raw.frame["增速"]] == [3.6, -1.2, 0.05]


@pytest.mark.parametrize("text", ["1e309", "-1e400", "1,000" + ",000" * 103])
def test_non_finite_numbers_are_errors(text):
    from carbonpeak.ingest.readers import NonFinite

    with pytest.raises(NonFinite, match="超出可计算的范围"):
        parse_number(text)


def test_stray_quote_names_the_row(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text('地区,综合能耗\n杭州市,1800\n宁波市,"2000\n温州市,900\n', encoding="utf-8")
    with pytest.raises(UnreadableFile) as e:
        read_raw(path, "energy", KNOWN)
    assert e.value.finding.row == 3 and "引号" in e.value.finding.message


def test_utf16_without_bom_is_a_finding(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes("地区,综合能耗\n杭州市,1800\n".encode("utf-16-le"))
    with pytest.raises(UnreadableFile) as e:
        read_raw(path, "energy", KNOWN)
    assert e.value.finding.check == "unknown_encoding"


def test_size_and_row_limits(tmp_path, monkeypatch):
    from carbonpeak.ingest import rawfile

    path = tmp_path / "e.csv"
    path.write_text("地区,综合能耗\n" + "杭州市,1\n" * 50, encoding="utf-8")
    monkeypatch.setattr(rawfile, "MAX_ROWS", 20)
    with pytest.raises(UnreadableFile, match="20行的上限"):
        read_raw(path, "energy", KNOWN)
    monkeypatch.setattr(rawfile, "MAX_FILE_BYTES", 100)
    with pytest.raises(UnreadableFile, match="MB 的上限"):
        read_raw(path, "energy", KNOWN)


def test_bidi_controls_are_stripped(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("地区,综合能耗\n\u202e杭州市\u202c,1800\n", encoding="utf-8")
    assert read_raw(path, "energy", KNOWN).frame.iloc[0, 0] == "杭州市"


def test_only_regular_files_inside_the_folder(tmp_path):
    import os

    from carbonpeak.ingest.sources import refusal

    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "outside.csv").write_text("x")
    (data / "ok.csv").write_text("x")
    (data / "link.csv").symlink_to(tmp_path / "outside.csv")
    (data / "inner.csv").symlink_to(data / "ok.csv")
    (data / "dir.csv").mkdir()
    os.mkfifo(data / "fifo.csv")
    root = data.resolve()
    assert refusal(data / "ok.csv", root) is None
    assert refusal(data / "inner.csv", root) is None
    assert refusal(data / "link.csv", root)[0] == "outside_data_folder"
    assert "文件夹" in refusal(data / "dir.csv", root)[1]
    assert "FIFO" in refusal(data / "fifo.csv", root)[1]
    assert "设备" in refusal(Path("/dev/null"), Path("/dev"))[1]
