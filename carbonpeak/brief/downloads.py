"""The downloads beside a brief: the region's barometer rows (the province brief: every
region's) as CSV (English header, plus a Chinese-header variant) and as an XLSX workbook
(晴雨表, 逐月灯号, 说明). Every text cell goes through textsafe.spreadsheet_cell."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonpeak import reference, runfolder, status
from carbonpeak.brief.context import BriefContext
from carbonpeak.brief.front import reason_legend, title
from carbonpeak.brief.view import phrases, say, section
from carbonpeak.report.downloads import write_files  # the annual report's rules
from carbonpeak.report.front import banner
from carbonpeak.report.view import HTML
from carbonpeak.status import WORDS as STATUS_ZH

COLUMNS = ["region_code", "region_name", "period", "indicator_id", "name_zh", "value", "unit",
           "required", "annual_target", "status", "status_reason", "estimated",
           "rest_required", "rest_change", "previous_period", "previous_status",
           "target_source_zh", "illustrative", "revised"]
COLUMNS_ZH = {"region_code": "地区代码", "region_name": "地区", "period": "期间",
              "indicator_id": "指标代码", "name_zh": "指标", "value": "1—N月实际值",
              "unit": "单位", "required": "1—N月要求", "annual_target": "全年目标或预算",
              "status_zh": "灯号", "status_reason": "未评级原因", "estimated": "估算",
              "rest_required": "剩余月份要求", "rest_change": "剩余月份较上年同期变化",
              "previous_period": "上期", "previous_status_zh": "上期灯号",
              "target_source_zh": "目标来源", "illustrative": "示例值", "revised": "数据有修订"}
HISTORY_ZH = {"region_code": "地区代码", "region_name": "地区", "period": "期间",
              "indicator_id": "指标代码", "value": "1—N月实际值", "status_zh": "灯号"}


def download_files(region_code: str) -> list[tuple[str, str]]:
    return list(zip(runfolder.downloads(region_code, "barometer"),
                    ("Excel工作簿", "CSV", "CSV（中文表头）"), strict=True))


def _rows(ctx: BriefContext) -> pd.DataFrame:
    """The brief's own rows: its region (the province brief: every region). A city's file
    never holds the province's or another city's rows."""
    df = ctx.barometer if ctx.is_province else ctx.rows()
    return df[[c for c in COLUMNS if c in df.columns]].reset_index(drop=True)


def _zh(df: pd.DataFrame, names: dict) -> pd.DataFrame:
    st = STATUS_ZH
    out = df.copy()
    for col in ("status", "previous_status"):
        if col in out:
            out[f"{col}_zh"] = out[col].map(lambda s: st.get(s, "") if isinstance(s, str)
                                            else "")
    if "status_reason" in out:  # the class in words, as the brief and its legend say it
        out["status_reason"] = [status.REASONS[c] if (c := status.reason_of(s, r)) else ""
                                for s, r in zip(out["status"], out["status_reason"],
                                                strict=True)]
    for col in ("estimated", "illustrative", "revised"):
        if col in out:
            out[col] = out[col].map(lambda b: "是" if b else "否")
    return out[[c for c in names if c in out.columns]].rename(columns=names)


def _history(ctx: BriefContext) -> pd.DataFrame:
    h = ctx.history if ctx.is_province else ctx.history[
        ctx.history["region_code"] == ctx.region_code]
    names = dict(zip(ctx.barometer["region_code"], ctx.barometer.get(
        "region_name", ctx.barometer["region_code"]), strict=True))
    h = h.assign(region_name=h["region_code"].map(names))
    return h.sort_values(["region_code", "indicator_id", "period"])


def write(ctx: BriefContext, out: Path) -> list[str]:
    rows = _rows(ctx)
    zh = _zh(rows, COLUMNS_ZH)
    info = pd.DataFrame({"说明": [x for x in (
        title(ctx.region_code, ctx.period), banner(ctx.dataset),
        say("generated", date=ctx.generated), *phrases()["workbook_notes"][:-1],
        phrases()["estimated_note"], phrases()["illustrative_note"],
        phrases()["history_note"], reason_legend(rows, phrases()["legend_where"]),
        *phrases()["workbook_notes"][-1:]) if x]})
    return write_files(out, [n for n, _ in download_files(ctx.region_code)], rows, zh,
                       [("晴雨表", zh), ("逐月灯号", _zh(_history(ctx), HISTORY_ZH)),
                        ("说明", info)])


def downloads(ctx: BriefContext, out_dir: Path | str | None = None) -> HTML:
    """Write the brief's rows beside it, and link them (relative links, HTML and PDF)."""
    out = Path(out_dir) if out_dir else ctx.run_dir / ctx.region_code
    write(ctx, out)
    scope = (say("province_all", n=len(reference.children(reference.province_code())))
             if ctx.is_province else ctx.region_name)
    return section("downloads", text=say("downloads", scope=scope),
                   note=phrases()["downloads_note"],
                   files=[{"name": n, "label": label} for n, label in
                          download_files(ctx.region_code)])
