"""What a sample run hands to officials, checked file by file: PDF links that resolve beside
the PDF, no server path or package file name anywhere, vector charts with print-size text,
and spreadsheets people can use."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest
from helpers import pdf_text
from openpyxl import load_workbook

from carbonpeak import reference

pytestmark = pytest.mark.slow

REGIONS = ["330000", "330100"]


@pytest.fixture(scope="module")
def year_dir(rendered_run) -> Path:
    """The session's all-region run (conftest.py `rendered_run`): HTML and PDF, sample data
    with planted confidentiality markers."""
    assert rendered_run.rc == 0, rendered_run.logs
    return rendered_run.year_dir


def _pdf_text(path: Path) -> str:
    return pdf_text(path, layout=True)


@pytest.mark.parametrize("code", REGIONS)
def test_pdf_links_are_relative_and_resolve_beside_the_pdf(year_dir, code):
    out = subprocess.run(["pdfinfo", "-url", str(year_dir / code / "report.pdf")],
                         capture_output=True, text=True, check=True).stdout
    urls = [line.split()[-1] for line in out.splitlines()[1:] if line.strip()]
    assert len(urls) >= 3  # the downloads
    for url in urls:
        assert "://" not in url and not url.startswith("/"), url
        assert (year_dir / code / url).is_file(), url


def _visible(html: str) -> str:
    html = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    html = re.sub(r'src="data:[^"]*"', "", html)
    return re.sub(r"<[^>]+>", " ", html)


PACKAGE_FILE = re.compile(r"[\w.-]+\.(?:ya?ml|py|ipynb|parquet|md|j2)\b|"
                          r"\b(?:co2_series|peak_outlook|peak_projection|sector_energy|"
                          r"decomposition|enterprise_summary|indicator_series|indicators)\.csv\b")


def test_no_absolute_path_package_file_or_command_in_any_output(year_dir):
    root = str(year_dir.parent)
    texts = {"index.html": _visible((year_dir / "index.html").read_text(encoding="utf-8"))}
    for code in REGIONS:
        d = year_dir / code
        texts[f"{code}/report.html"] = _visible((d / "report.html").read_text(encoding="utf-8"))
        texts[f"{code}/report.pdf"] = _pdf_text(d / "report.pdf")
        for csv in d.glob("*.csv"):
            texts[f"{code}/{csv.name}"] = csv.read_text(encoding="utf-8-sig")
        wb = load_workbook(d / f"indicators-{code}.xlsx", read_only=True)
        texts[f"{code}/xlsx"] = " ".join(str(v) for ws in wb for r in ws.iter_rows(values_only=True)
                                         for v in r if v is not None)
    for name, text in texts.items():
        assert root not in text, name
        assert not re.search(r"file://|/tmp/|/home/|/work/|\.staging-", text), name
        assert not PACKAGE_FILE.search(text), (name, PACKAGE_FILE.search(text).group(0))
        assert "python -m" not in text and not re.search(r"\b[A-Z]+\.md\b", text), name


@pytest.mark.parametrize("code", REGIONS)
def test_report_text_has_no_english_ids_or_bad_numbers(year_dir, code):
    text = _pdf_text(year_dir / code / "report.pdf")
    html = _visible((year_dir / code / "report.html").read_text(encoding="utf-8"))
    for body in (text, html):
        for ind_id in reference.catalog():
            assert ind_id not in body, ind_id
        assert "±0" not in body and "/11名" not in body
        assert not re.search(r"−0(?:\.0+)?(?![\d.])", body)  # no negative zero
        assert not re.search(r"(?<![\w/.-])-\d", body), re.search(r".{20}(?<![\w/.-])-\d.{5}", body)
        assert "下降较" not in body and "万千\n瓦" not in body


def test_charts_are_vector_with_print_size_text(year_dir):
    html = (year_dir / "330100" / "report.html").read_text(encoding="utf-8")
    imgs = []
    for tag in re.findall(r"<img [^>]*>", html):  # attributes in any order
        src = re.search(r'src="data:([^;]+);base64,([^"]+)"', tag)
        width = re.search(r'style="width: ([\d.]+)mm"', tag)
        imgs.append((src.group(1), src.group(2), width.group(1) if width else "0"))
    assert len(imgs) >= 5
    for mime, data, width_mm in imgs:
        assert mime == "image/svg+xml"
        svg = base64.b64decode(data).decode()
        w_pt = float(re.search(r'<svg[^>]*width="([\d.]+)pt"', svg).group(1))
        assert abs(w_pt / 72 * 25.4 - float(width_mm)) < 0.5  # printed at its own size
        sizes = [float(s) for s in re.findall(r"font[-:][^;\"]*?([\d.]+)px", svg)]
        assert sizes and min(sizes) >= 7.0, min(sizes)  # 1 SVG px = 1 pt at this size
        assert float(width_mm) <= 178.5  # fits the A4 text width


def test_xlsx_is_usable_chinese_formatted_and_in_report_order(year_dir):
    wb = load_workbook(year_dir / "330100" / "indicators-330100.xlsx")
    assert wb.sheetnames == ["指标", "时间序列", "说明"]
    ws = wb["指标"]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["地区代码", "地区", "指标代码", "指标"] and "实际值" in head
    assert ws.freeze_panes == "A2"
    col = head.index("实际值") + 1
    values = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
    assert all(c.number_format == "0.0" for c in values if isinstance(c.value, float))
    assert ws.column_dimensions["D"].width >= 20  # the indicator name is readable
    ids = [ws.cell(r, 3).value for r in range(2, ws.max_row + 1)]
    catalog = list(reference.catalog_for(2025))  # the 2025 run: 十四五's indicators
    groups = {g["id"]: i for i, g in enumerate(reference.task_groups())}
    key = [(groups.get(reference.catalog()[i].get("task_group"), 99), catalog.index(i))
           for i in ids]
    assert key == sorted(key) and len(ids) == len(catalog)
    notes = " ".join(str(r[0]) for r in wb["说明"].iter_rows(min_row=2, values_only=True))
    assert f"共{len(ids)}行" in notes and "不含企业数据" in notes
    series = wb["时间序列"]
    assert [c.value for c in series[1]][:4] == ["地区代码", "地区", "指标代码", "指标"]


def test_csv_has_english_and_chinese_header_variants(year_dir):
    d = year_dir / "330100"
    en = (d / "indicators-330100.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    zh = (d / "indicators-330100-zh.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert en.startswith("region_code,") and zh.startswith("地区代码,")
