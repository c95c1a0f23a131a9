"""The downloads beside a report: the indicator rows as CSV (machine-readable English header,
plus a Chinese-header variant) and as an XLSX workbook people can use (Chinese headers, number
formats, widths, frozen header, report order, a 说明 sheet). Every text cell goes through
textsafe.spreadsheet_cell. No enterprise data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonpeak import reference, runfolder, status
from carbonpeak.numtext import digits, figure
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import beside
from carbonpeak.report.front import banner, title
from carbonpeak.report.narrative import is_final
from carbonpeak.report.rows import entry, ordered
from carbonpeak.report.view import HTML, headed, phrases, section, words
from carbonpeak.textsafe import spreadsheet_cell

# Chinese headers; the requirement columns (None here) are named in the report mode's words.
COLUMNS_ZH = {
    "region_code": "地区代码", "region_name": "地区", "indicator_id": "指标代码",
    "name_zh": "指标", "year": "年度", "value": "实际值", "unit": "单位", "note": "研判",
    "baseline_year": "基期", "baseline_value": "基期值", "target_year": "目标年",
    "target_value": "目标值", "stretch_target_value": "力争目标值", "target_type": "目标类型",
    "required_value": None, "status_zh": "状态", "status_reason": "未评级类别",
    "not_rated_reason": "未评级原因", "prev_value": "上年值", "prev_status_zh": "上年状态",
    "rank": "排名", "rank_of": "参与排名地区数", "projected_value": "预测值",
    "projection_year": "预测年份", "status": "状态代码",
}
SERIES_ZH = {"region_code": "地区代码", "region_name": "地区", "indicator_id": "指标代码",
             "name_zh": "指标", "year": "年份", "value": "实际值", "unit": "单位",
             "required_value": None, "stretch_required_value": None,
             "level": "水平值"}
# The numbers of the files meant for reading: amounts at the report's digits, the rest whole.
AMOUNTS = ("value", "baseline_value", "target_value", "stretch_target_value", "required_value",
           "stretch_required_value", "prev_value", "projected_value", "level")
WHOLE_COLUMNS = ("year", "baseline_year", "target_year", "rank", "rank_of", "projection_year")
TARGET_TYPE_ZH = {"binding": "约束性", "stretch": "力争"}


def download_files(region_code: str) -> list[tuple[str, str]]:
    """(file name, label) of the downloads beside a region's report."""
    return list(zip(runfolder.downloads(region_code, "indicators"),
                    ("Excel工作簿", "CSV", "CSV（中文表头）"), strict=True))


def _in_order(ctx: ReportContext) -> pd.DataFrame:
    rows = ctx.all_regions if ctx.is_province else ctx.indicators
    codes = {c: i for i, c in enumerate(reference.region_codes())}
    parts = [ordered(g) for _, g in sorted(rows.groupby("region_code"),
                                           key=lambda kv: codes.get(kv[0], 99))]
    df = pd.concat(parts, ignore_index=True) if parts else rows.iloc[0:0]
    # a projection for the reporting year itself is the actual value: not a forecast
    if {"projected_value", "projection_year"} <= set(df.columns):
        same = df["projection_year"].isna() | (df["projection_year"] <= df["year"])
        df.loc[same, ["projected_value", "projection_year"]] = None
    return df


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    """Every text cell neutralised; a column of rounded numbers keeps its ints (no 3.0)."""
    return df.apply(lambda s: pd.Series([spreadsheet_cell(v) for v in s], index=s.index,
                                        dtype=object)
                    if s.dtype == object or pd.api.types.is_string_dtype(s) else s)


def chinese(df: pd.DataFrame, mode: dict) -> pd.DataFrame:
    """The indicator rows with Chinese headers and words, the requirement named in the
    report mode's words (`view.words`)."""
    st = status.WORDS
    out = df.copy()
    out["name_zh"] = out["indicator_id"].map(lambda i: entry(i)["name_zh"])
    reason = out.get("status_reason", pd.Series(None, index=out.index))
    code = [status.reason_of(s, r) for s, r in zip(out["status"], reason, strict=True)]
    na = pd.Series([c == status.NOT_APPLICABLE for c in code], index=out.index)
    # the report's words: 不适用 for a row that does not apply, 未评级 (its class beside) else
    out["status_zh"] = [status.shown(s, r) for s, r in zip(out["status"], reason, strict=True)]
    if "prev_status" in out:
        out["prev_status_zh"] = out["prev_status"].map(lambda s: st.get(s, "") if isinstance(
            s, str) else "").where(~na, "")
    if "target_type" in out:
        out["target_type"] = out["target_type"].map(lambda t: TARGET_TYPE_ZH.get(t, t))
    out["status_reason"] = [status.REASONS[c] if c and not n else "" for c, n in
                            zip(code, na, strict=True)]
    heads = {**COLUMNS_ZH, "required_value": mode["required"]}
    cols = [c for c in heads if c in out.columns and c != "status"]
    return readable(out, df)[cols].rename(columns=heads)


def readable(out: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The numbers of `rows` in `out` as the report prints them (the full precision stays in
    the English CSV and indicators.csv): each row's unit digits, a value beside a yellow or
    red light at the digits that show the difference (fmt.beside), years and ranks whole."""
    out = out.astype({c: object for c in (*AMOUNTS, *WHOLE_COLUMNS) if c in out})
    for i, r in zip(out.index, rows.itertuples(index=False), strict=True):
        nd = digits(getattr(r, "unit", ""))
        nv, nr = beside(r)
        for col in AMOUNTS:
            if col in out:
                out.at[i, col] = figure(getattr(r, col), {"value": nv}.get(
                    col, nr if col in ("required_value", "target_value") else nd))
        for col in WHOLE_COLUMNS:
            if col in out:
                out.at[i, col] = figure(getattr(r, col), 0)
    return out


def series_chinese(ctx: ReportContext, mode: dict) -> pd.DataFrame:
    s = ctx.series.copy()
    if ctx.is_province:
        s = s  # the province's own series; other regions' series are in their own downloads
    s["region_name"] = s["region_code"].map(reference.region_name)
    s["name_zh"] = s["indicator_id"].map(lambda i: entry(i)["short_zh"])
    s["unit"] = s["indicator_id"].map(lambda i: entry(i).get("unit", ""))
    order = {i: k for k, i in enumerate(ordered(ctx.indicators)["indicator_id"])}
    s = s.assign(_o=s["indicator_id"].map(order).fillna(999)).sort_values(["_o", "year"])
    heads = {**SERIES_ZH, "required_value": mode["series_required"],
             "stretch_required_value": mode["series_stretch"]}
    cols = [c for c in heads if c in s.columns]
    s = s.reset_index(drop=True)
    return readable(s, s)[cols].rename(columns=heads)


def scope(ctx: ReportContext) -> str:
    """Whose rows the downloads hold: the region, or the province and its cities (counted in
    the hierarchy, so the sentence follows regions.csv)."""
    if not ctx.is_province:
        return ctx.region_name
    return f"全省及{len(reference.children(reference.province_code()))}个设区市"


def notes(ctx: ReportContext, rows: pd.DataFrame, mode: dict) -> pd.DataFrame:
    st = status.WORDS
    n_rows = len(rows)
    reasons = {status.reason_of(s, r) for s, r in zip(
        rows["status"], rows.get("status_reason", [None] * n_rows), strict=True)}
    lines = [title(ctx), f"数据版本：{ctx.dataset.get('vintage_zh', '—')}",
             banner(ctx.dataset), f"生成日期：{ctx.generated}",
             f"“指标”表共{n_rows}行，{scope(ctx)}的全部指标，按报告顺序排列；“时间序列”表为本地区各指标逐年数值。",
             "状态：" + mode["lights_download"].format(**st) + "。",
             status.legend_text(reasons, phrases()["legend_where"]["download"]),
             "百分比指标的数值单位为%，其变化以百分点计。",
             "预测值为按近三年趋势对目标年的外推，不是统计数据；报告年度即目标年的指标不给出预测值。",
             "本工作簿不含企业数据。"]
    return pd.DataFrame({"说明": [x for x in lines if x]})


def number_format(v) -> str:
    """'0', '0.0', '0.00': the digits a rounded number holds (16.0 shows 16.0, not 16)."""
    if isinstance(v, int):
        return "0"
    text = repr(float(v))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 1
    return "0." + "0" * decimals


def _format_sheet(ws, df: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    for j, col in enumerate(df.columns, start=1):
        letter = get_column_letter(j)
        ws[f"{letter}1"].font = Font(bold=True)
        ws[f"{letter}1"].alignment = Alignment(wrap_text=True, vertical="top")
        texts = [str(col)] + [str(v) for v in df[col].head(200) if pd.notna(v)]
        width = max(len(t) + sum(ord(ch) > 127 for ch in t) for t in texts)
        ws.column_dimensions[letter].width = min(max(8, width + 2), 48)
        for cell in ws[letter][1:]:  # each number shows the digits it was rounded to
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = number_format(cell.value)


def write_files(out: Path, names: list[str], rows: pd.DataFrame, zh: pd.DataFrame,
                sheets) -> list[str]:
    """The three downloads (xlsx, csv, -zh.csv named by `names`) into `out`: the rows with
    English and Chinese headers, and the workbook's sheets [(name, frame)], the first being
    the Chinese rows; every text cell neutralised, every sheet formatted."""
    out.mkdir(parents=True, exist_ok=True)
    xlsx, csv_en, csv_zh = names
    _safe(rows).to_csv(out / csv_en, index=False, encoding="utf-8-sig")
    zh = _safe(zh)
    zh.to_csv(out / csv_zh, index=False, encoding="utf-8-sig")
    with pd.ExcelWriter(out / xlsx, engine="openpyxl") as xw:
        for i, (name, df) in enumerate(sheets):
            df = zh if i == 0 else _safe(df)
            df.to_excel(xw, sheet_name=name, index=False)
            _format_sheet(xw.sheets[name], df)
    return [xlsx, csv_en, csv_zh]


def write(ctx: ReportContext, out: Path) -> list[str]:
    """Write the three files into `out`; returns their names."""
    rows = _in_order(ctx)
    mode = words(is_final(ctx))
    zh = chinese(rows, mode)
    return write_files(out, [n for n, _ in download_files(ctx.region_code)], rows, zh,
                       [("指标", zh), ("时间序列", series_chinese(ctx, mode)),
                        ("说明", notes(ctx, rows, mode))])


def downloads(ctx: ReportContext, out_dir: Path | str | None = None) -> HTML:
    """Write this region's indicator rows (the province: every region's) beside the report,
    and link them."""
    out = Path(out_dir) if out_dir else ctx.run_dir / ctx.region_code
    write(ctx, out)
    return headed("downloads", section("downloads", scope=scope(ctx),
                                       holds=words(is_final(ctx))["downloads"], files=[
        {"name": n, "label": label} for n, label in download_files(ctx.region_code)]))
