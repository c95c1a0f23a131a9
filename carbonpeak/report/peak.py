"""The 2030 peak outlook: the CO2 series, the projected range when the run has one, and (for
the province) every municipality's outlook."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.report import fmt, outlook
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import isna
from carbonpeak.report.peak_chart import co2_outlook
from carbonpeak.report.view import HTML, headed, phrases, say, section
from carbonpeak.report_reads import own

LISTED_BASE_YEAR = 2020  # carbonpeak.indicators.emissions.peak_outlook measures the change from here


def _flag(v) -> bool:
    return str(v) == "True" or v is True


def _projected(year, last) -> str:
    """'（推算约2034年达峰）' for a year still ahead; nothing for one already past."""
    if isna(year) or (not isna(last) and float(year) <= float(last)):
        return ""
    return say("peak.projected", year=fmt.year(year))


def state_listed(ctx: ReportContext, p) -> str:
    """When 国家单列项目 make most of the region's change, one paragraph from the data: their
    share of the CO2 and of its change, and the outlook with and without them."""
    if p is None or not _flag(p.get("state_listed_dominant")):
        return ""
    last = p.get("last_year")
    of_change = p.get("state_listed_share_of_change_pct")
    v = {"region": ctx.region_name, "year": fmt.year(last),
         "share": fmt.num(p.get("state_listed_share_pct"), 0),
         "label": p.get("label_zh") or "—",
         "projected": _projected(p.get("projected_peak_year"), last),
         "excl_label": p.get("excl_label_zh") or "—",
         "excl_projected": _projected(p.get("excl_projected_peak_year"), last)}
    if isna(of_change):
        return say("peak.listed_no_change", **v)
    v["change"] = say("peak.change_all" if float(of_change) > 100 else "peak.change",
                      base=LISTED_BASE_YEAR, share_change=fmt.num(of_change, 0))
    return say("peak.listed", **v)


def peak_view(ctx: ReportContext) -> dict:
    if ctx.co2 is None and ctx.peak is None:
        return {"unavailable": "2030年前达峰展望：所需数据本次运行未生成，本节暂不展示。"}
    view = {"sentence": outlook.outlook_sentence(ctx), "chart": None, "co2_missing": False,
            "cities": [], "window": reference.grading()["peak"]["window"],
            "has_range": ctx.projection is not None and len(ctx.projection) > 0,
            "scope_total": reference.co2_scope()["total"]}
    p = outlook.peak_row(ctx)
    view["basis"] = outlook.section_sentences(p, ctx.projection)
    view["listed"] = state_listed(ctx, p)
    if ctx.co2 is not None and len(ctx.co2.dropna(subset=["co2_total"])) >= 2:
        view["chart"] = co2_outlook(
            ctx.co2.dropna(subset=["co2_total"]), ctx.region_name,
            p.to_dict() if p is not None else None, outlook.PEAK_DEADLINE,
            projection=ctx.projection, marks=outlook.marks(p, ctx.projection)).view()
    elif ctx.co2 is None:
        view["co2_missing"] = True
    if ctx.is_province and ctx.peak is not None:
        words = phrases()["peak"]["city_word"]
        for code in reference.children(reference.province_code()):
            q = own(ctx.peak, code)
            if q.empty:
                continue
            q = q.iloc[0]
            st = q.get("status") if q.get("status") in words else "not_rated"
            view["cities"].append({
                "name": reference.region_name(code), "label": q.get("label_zh") or "—",
                "last": fmt.num(q.get("last_value"), 0), "max_year": fmt.year(q.get("max_year")),
                "growth": fmt.signed(q.get("growth_pct")) + "%" if not isna(q.get("growth_pct"))
                else "—",
                "peak_year": fmt.year(q.get("projected_peak_year")),
                "status": st, "word": words[st]})
    return view


def peak_outlook(ctx: ReportContext) -> HTML:
    """Industrial CO2 series and the 2030 outlook (province: every municipality as well);
    left out of a county's report unless CO2 was computed for the county."""
    if ctx.is_county and not ctx.has_rows("co2"):
        return HTML("")
    return headed("peak", section("peak", **peak_view(ctx)))
