"""What an official reads, read as text: the rendered 2025 final evaluations (PDF text, HTML,
index.html, XLSX, zh CSV) of the shared run and the 2026 1—10月 briefs of the sample (each
section's HTML as the notebooks render it, and the downloads). No float with more than the
report's digits in a file meant for reading, no year as a float, no placeholder, no clashing
punctuation, every value beside a yellow or red light visibly different from its requirement,
and the 状态 column of every download in the report's words and counts."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pandas as pd
import pytest
from helpers import pdf_text

from carbonpeak import brief, reference, status
from carbonpeak.numtext import digits, num

PERIOD = "2026-10"
CLASHES = ("；，", "，，", "，。", "。。", "；。", "；；", "，；", "：。")
PLACEHOLDER = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|\{|\}|1—N月")
YEAR_FLOAT = re.compile(r"(?<![\d.,])(?:19|20)\d\d\.0(?=年|）|\))")


def _text(html: str) -> str:
    """The words of an HTML page: no style, no markup, entities decoded."""
    html = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html))


def _flat(text: str) -> str:
    """Chinese lines joined as they read (pdftotext breaks a sentence at the line's end)."""
    return re.sub(r"\s*\n\s*", "", text)


def _zh_sheets(path: Path) -> list[pd.DataFrame]:
    """The workbook's sheets, each cell as openpyxl gives it (numbers stay numbers)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    out = []
    for ws in wb:
        rows = list(ws.iter_rows(values_only=True))
        out.append(pd.DataFrame(rows[1:], columns=rows[0], dtype=object))
    return out


def _xlsx_text(path: Path) -> str:
    """Every cell of a workbook as a reader sees it, one per line (empty cells left out)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True)
                     for c in row if c is not None)


def _decimals(v) -> int:
    text = repr(float(v))
    return 0 if isinstance(v, int) else len(text.split(".")[1]) if "." in text else 0


# --- the outputs ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def annual(rendered_run) -> dict:
    """Every document of the 2025 run meant for reading, as text, and its downloads."""
    year_dir = rendered_run.year_dir
    docs = {"index.html": _text((year_dir / "index.html").read_text(encoding="utf-8"))}
    sheets = {}
    for code in reference.region_codes():
        d = year_dir / code
        docs[f"{code}/report.pdf"] = pdf_text(d / "report.pdf")
        docs[f"{code}/report.html"] = _text((d / "report.html").read_text(encoding="utf-8"))
        zh = pd.read_csv(d / f"indicators-{code}-zh.csv", dtype=str, keep_default_na=False)
        sheets[code] = {"csv": zh, "xlsx": _zh_sheets(d / f"indicators-{code}.xlsx")}
        docs[f"{code}/zh.csv"] = zh.to_csv(index=False)
        docs[f"{code}/xlsx"] = _xlsx_text(d / f"indicators-{code}.xlsx")
    return {"dir": year_dir, "docs": docs, "sheets": sheets}


@pytest.fixture(scope="module")
def monthly(tmp_path_factory) -> dict:
    """The sample's 2026 1—10月 briefs: every section as notebooks 07/08 render it, and the
    downloads beside it."""
    from carbonpeak import ingest
    from carbonpeak.barometer import run_barometer
    from carbonpeak.paths import SAMPLE_DIR

    run = tmp_path_factory.mktemp("reading") / PERIOD
    ingest.build_warehouse(SAMPLE_DIR, run / "warehouse")
    run_barometer(run, PERIOD)
    docs, sheets, lights = {}, {}, {}
    for code in reference.region_codes():
        ctx = brief.load(run, code, PERIOD)
        city = [brief.cover, brief.revision, brief.lights, brief.figures, brief.moves,
                brief.rest_of_year, brief.history, brief.sectors, brief.notes,
                brief.downloads]
        province = [brief.cover, brief.barometer, brief.revision, brief.lights, brief.figures,
                    brief.rest_of_year, brief.province_history, brief.notes, brief.downloads]
        parts = [str(f(ctx)) for f in (province if ctx.is_province else city)]
        docs[f"{code}/brief"] = _text("".join(parts))
        lights[code] = str(brief.lights(ctx))
        zh = pd.read_csv(run / code / f"barometer-{code}-zh.csv", dtype=str,
                         keep_default_na=False)
        sheets[code] = {"csv": zh, "xlsx": _zh_sheets(run / code / f"barometer-{code}.xlsx"),
                        "rows": ctx.rows()}
        docs[f"{code}/zh.csv"] = zh.to_csv(index=False)
        docs[f"{code}/xlsx"] = _xlsx_text(run / code / f"barometer-{code}.xlsx")
    return {"dir": run, "docs": docs, "sheets": sheets, "lights": lights}


@pytest.fixture(scope="module", params=["annual", "monthly"])
def outputs(request) -> dict:
    return request.getfixturevalue(request.param)


# --- every document -----------------------------------------------------------------------

pytestmark = pytest.mark.slow  # the shared rendered run, and a barometer run


def test_no_placeholder_or_template_blank(outputs):
    for name, text in outputs["docs"].items():
        hits = sorted(set(PLACEHOLDER.findall(text)))
        assert not hits, f"{name}: {hits}"


def test_no_year_printed_as_a_float(outputs):
    for name, text in outputs["docs"].items():
        hits = sorted(set(YEAR_FLOAT.findall(text)))
        assert not hits, f"{name}: {hits}"


def test_no_clashing_punctuation(outputs):
    for name, text in outputs["docs"].items():
        flat = _flat(text)
        hits = [flat[max(0, flat.index(c) - 20): flat.index(c) + 4] for c in CLASHES
                if c in flat]
        assert not hits, f"{name}: {hits}"


# --- the files meant for reading ------------------------------------------------------------

def _beside_light(frame: pd.DataFrame, value: str, required: str, light: str) -> pd.Series:
    """The rows whose value sits beside a yellow or red light."""
    yellow_red = {status.WORDS["yellow"], status.WORDS["red"]}
    return frame[light].isin(yellow_red) & frame[value].notna() & frame[required].notna()


def _check_digits(frame: pd.DataFrame, name: str, value: str, required: str, light: str):
    """Every number holds the report's digits (0.1; whole for counts, years and ranks), but
    a value beside a yellow or red light may hold more: exactly as many as it takes to
    print differently from its requirement (one fewer and they would print the same)."""
    unit = frame["单位"] if "单位" in frame else pd.Series("", index=frame.index)
    more = _beside_light(frame, value, required, light) if required else pd.Series(
        False, index=frame.index)
    for col in frame.columns:
        for i, v in frame[col].items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or pd.isna(v):
                continue
            d, allowed = _decimals(v), digits(unit[i])
            if col in (value, required) and more[i] and d > max(allowed, 1):
                v2, r2 = frame.at[i, value], frame.at[i, required]
                assert num(v2, d - 1) == num(r2, d - 1), (name, col, i, v2, r2)
                continue
            assert d <= max(allowed, 1), (name, col, i, v)


def test_workbooks_hold_the_reports_digits(annual, monthly):
    for code, s in annual["sheets"].items():
        ind, series = s["xlsx"][0], s["xlsx"][1]
        req = [c for c in ind.columns if c in ("目标要求", "序时进度要求")][0]
        _check_digits(ind, code, "实际值", req, "状态")
        _check_digits(series, code, "实际值", "", "")
        for col in ("年度", "排名", "参与排名地区数", "目标年", "基期", "预测年份"):
            assert all(isinstance(v, int) for v in ind[col].dropna()), (code, col)
    for code, s in monthly["sheets"].items():
        lights, history = s["xlsx"][0], s["xlsx"][1]
        _check_digits(lights.assign(单位=lights["单位"]), code, "1—10月实际值", "1—10月要求",
                      "灯号")
        _check_digits(history.assign(单位="%"), code, "累计实际值", "", "")


def test_zh_csv_holds_the_reports_digits(annual, monthly):
    number = re.compile(r"^−?-?\d+(\.(\d+))?$")
    for out in (annual, monthly):
        for code, s in out["sheets"].items():
            zh = s["csv"]
            for col in zh.columns:
                for v in zh[col]:
                    m = number.match(v)
                    if m and m.group(2) and len(m.group(2)) > 1:
                        # only a value beside a yellow or red light, as in the workbook
                        assert "实际值" in col or "要求" in col, (code, col, v)
            for col in ("排名", "年度"):
                if col in zh:
                    assert not zh[col].str.endswith(".0").any(), (code, col)


def test_one_sign_convention_in_the_monthly_workbook(monthly):
    for code, s in monthly["sheets"].items():
        zh = s["csv"]
        intens = zh[zh["单位"] == "%"]
        for _, r in intens.iterrows():
            # a target to fall is negative, like the value and the requirement beside it
            assert float(r["全年目标或预算"]) < 0 and float(r["1—10月要求"]) < 0, (code, r)
        assert "1—10月实际值" in zh.columns  # the heads name the months


# --- words and lights ----------------------------------------------------------------------

def _tallies(report_html: str) -> dict[str, int]:
    """The report's own count of each status word (its summary tallies)."""
    out = {}
    for cls, n in re.findall(r'<div class="tally (\w+)">.*?<strong>(\d+)</strong>', report_html):
        word = status.REASONS["not_applicable"] if cls == "na" else status.WORDS[cls]
        out[word] = int(n)
    return {k: v for k, v in out.items() if v}


def test_status_column_says_what_the_report_says(annual):
    for code, s in annual["sheets"].items():
        html = (annual["dir"] / code / "report.html").read_text(encoding="utf-8")
        report = _tallies(html)
        if code == reference.province_code():  # the province's file holds every region
            zh = s["csv"][s["csv"]["地区代码"] == code]
        else:
            zh = s["csv"]
        counted = zh["状态"].value_counts().to_dict()
        assert counted == report, (code, counted, report)
        assert set(s["xlsx"][0]["状态"]) == set(s["csv"]["状态"])
        na = zh[zh["状态"] == status.REASONS["not_applicable"]]
        assert (na["未评级类别"] == "").all(), code  # 不适用 rows are not 未评级


def test_legend_defines_only_the_classes_present(annual):
    meanings = status.MEANINGS
    for code, s in annual["sheets"].items():
        zh = s["csv"][s["csv"]["地区代码"] == code]
        present = set(zh["未评级类别"]) - {""}
        if (zh["状态"] == status.REASONS["not_applicable"]).any():
            present.add(status.REASONS["not_applicable"])
        text = _flat(annual["docs"][f"{code}/report.html"])
        for c, word in status.REASONS.items():
            said = f"{word}＝{meanings[c]}" in text
            assert said == (word in present), (code, word)
        assert "数据缺失或未通过数据质量检查" not in text


def _cells(html: str, label: str) -> list[str]:
    return [_text(c).strip() for c in re.findall(
        rf'data-label="{label}"[^>]*>(.*?)</td>', html, flags=re.S)]


def test_overview_values_beside_yellow_and_red_differ_from_their_requirement(annual):
    seen = 0
    for code in reference.region_codes():
        html = (annual["dir"] / code / "report.html").read_text(encoding="utf-8")
        table = html[html.index('<table class="overview'):]
        table = table[:table.index("</table>")]
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
            light = re.search(r'data-label="状态"><span class="light (\w+)"', row)
            if not light or light.group(1) not in ("yellow", "red"):
                continue
            value = _cells(row, "实际值")[0]
            req = [c for c in re.findall(r'data-label="([^"]+)"', row)
                   if c in ("目标要求", "序时进度要求")]
            required = _cells(row, req[0])[0] if req else "—"
            if required != "—":
                seen += 1
                assert value != required, (code, value, required)
    assert seen


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d,]*\.\d+", text)


def test_brief_values_beside_yellow_and_red_differ_from_their_requirement(monthly):
    seen = 0
    for code, html in monthly["lights"].items():
        for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
            light = re.search(r'class="light (\w+)"', row)
            if not light or light.group(1) not in ("yellow", "red"):
                continue
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            value, required = _text(cells[0]), _text(cells[1])
            seen += 1
            v, r = _numbers(value)[:1], _numbers(required)[:1]
            verbs = [w for w in ("下降", "上升") if w in value], [
                w for w in ("下降", "上升") if w in required]
            assert v != r or verbs[0] != verbs[1], (code, value, required)
    assert seen
    # 湖州's CO2 intensity fell 3.56 % against a target of 3.6 % (a yellow light)
    huzhou = _text(monthly["lights"]["330500"])
    assert "较上年同期下降3.56%" in huzhou and "全年目标下降3.6%" in huzhou


def test_lmdi_effects_add_up_as_printed_or_say_so(annual):
    """结构效应 + 强度效应 = 合计 as printed, or the note says each is rounded on its own."""
    seen = 0
    for code in reference.region_codes():
        text = _flat(annual["docs"][f"{code}/report.html"])
        m = re.search(r"能耗强度(下降|上升)(\d+\.\d+)吨标准煤/万元.*?（结构效应([−+]?\d+\.\d+)，"
                      r"强度效应([−+]?\d+\.\d+)）", text)
        if not m:
            continue
        seen += 1
        total = float(m.group(2)) * (-1 if m.group(1) == "下降" else 1)
        parts = sum(float(g.replace("−", "-")) for g in m.group(3, 4))
        if round(parts - total, 6) != 0:
            assert "分别四舍五入" in text, (code, m.group(0))
    assert seen
