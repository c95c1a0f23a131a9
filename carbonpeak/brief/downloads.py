"""The downloads beside a brief: the region's barometer rows (the province brief: every
region's) as CSV (English header, plus a Chinese-header variant) and as an XLSX workbook
(晴雨表, 逐月灯号, 说明). Every text cell goes through textsafe.spreadsheet_cell."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonpeak import reference, runfolder, status
from carbonpeak.brief.context import BriefContext
from carbonpeak.brief.front import reason_legend, title
from carbonpeak.brief.lights import estimated_note
from carbonpeak.brief.view import phrases, say, section
from carbonpeak.numtext import apart, exact_digits, figure, isna
from carbonpeak.report.downloads import write_files  # the annual report's rules
from carbonpeak.report.front import banner
from carbonpeak.report.view import HTML
from carbonpeak.status import WORDS as STATUS_ZH

COLUMNS = ["region_code", "region_name", "period", "indicator_id", "name_zh", "value", "unit",
           "required", "annual_target", "status", "status_reason", "estimated",
           "rest_required", "rest_change", "previous_period", "previous_status",
           "target_source_zh", "illustrative", "revised"]
NUMBERS = ("value", "required", "annual_target", "rest_required", "rest_change")


def download_files(region_code: str) -> list[tuple[str, str]]:
    return list(zip(runfolder.downloads(region_code, "barometer"),
                    ("Excel工作簿", "CSV", "CSV（中文表头）"), strict=True))


def _rows(ctx: BriefContext) -> pd.DataFrame:
    """The brief's own rows: its region (the province brief: every region). A city's file
    never holds the province's or another city's rows."""
    df = ctx.barometer if ctx.is_province else ctx.rows()
    return df[[c for c in COLUMNS if c in df.columns]].reset_index(drop=True)


def _readable(df: pd.DataFrame) -> pd.DataFrame:
    """The barometer rows at the brief's precision, one sign convention: an intensity's
    annual target is a change like its value and requirement (下降3.6% is −3.6); a value
    beside a yellow or red light at the digits that show how it differs (numtext.apart)."""
    out = df.copy().astype({c: object for c in NUMBERS if c in df})
    for i, r in df.iterrows():
        nd = apart(r.get("value"), r.get("required"), 1, r.get("status") in ("yellow", "red"))
        target = r.get("annual_target")
        if r["indicator_id"] != "co2_total" and not isna(target):
            target = -float(target)
        digits = {"value": nd, "required": exact_digits(r.get("required"), 1, nd)}
        for col in NUMBERS:
            if col in out:
                v = target if col == "annual_target" else r.get(col)
                out.at[i, col] = figure(v, digits.get(col, 1))
    return out


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


def _heads(key: str, ctx: BriefContext) -> dict:
    return {k: v.format(months=ctx.period.months_label_zh) for k, v in phrases()[key].items()}


def write(ctx: BriefContext, out: Path) -> list[str]:
    rows = _rows(ctx)
    zh = _zh(_readable(rows), _heads("columns_zh", ctx))
    info = pd.DataFrame({"说明": [x for x in (
        title(ctx.region_code, ctx.period), banner(ctx.dataset),
        say("generated", date=ctx.generated),
        *(x.format(months=ctx.period.months_label_zh) for x in phrases()["workbook_notes"][:-1]),
        estimated_note(ctx.region_code), phrases()["illustrative_note"],
        phrases()["history_note"], reason_legend(rows, phrases()["legend_where"]),
        *phrases()["workbook_notes"][-1:]) if x]})
    return write_files(out, [n for n, _ in download_files(ctx.region_code)], rows, zh,
                       [("晴雨表", zh), ("逐月灯号", _zh(_readable(_history(ctx)),
                                                    _heads("history_columns_zh", ctx))),
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
