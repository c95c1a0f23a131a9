"""The 2030 peak outlook: the CO2 series, the projected range when the run has one, and (for
the province) every municipality's outlook."""

from __future__ import annotations

from carbonpeak import charts, reference
from carbonpeak.report import fmt, narrative
from carbonpeak.report.context import ReportContext, own
from carbonpeak.report.fmt import isna
from carbonpeak.report.view import HTML, section


def peak_view(ctx: ReportContext) -> dict:
    if ctx.co2 is None and ctx.peak is None:
        return {"unavailable": "2030年前达峰展望：所需数据本次运行未生成，本节暂不展示。"}
    view = {"sentence": narrative.outlook_sentence(ctx), "chart": None, "co2_missing": False,
            "cities": [], "has_range": ctx.projection is not None and len(ctx.projection) > 0}
    p = narrative.peak_row(ctx)
    if ctx.co2 is not None and len(ctx.co2.dropna(subset=["co2_total"])) >= 2:
        view["chart"] = charts.co2_outlook(
            ctx.co2.dropna(subset=["co2_total"]), ctx.region_name,
            p.to_dict() if p is not None else None, narrative.PEAK_DEADLINE,
            projection=ctx.projection).view()
    elif ctx.co2 is None:
        view["co2_missing"] = True
    if ctx.is_province and ctx.peak is not None:
        for code in reference.municipality_codes():
            q = own(ctx.peak, code)
            if q.empty:
                continue
            q = q.iloc[0]
            ok = str(q.get("on_track")) == "True"
            view["cities"].append({
                "name": reference.region_name(code), "label": q.get("label_zh") or "—",
                "last": fmt.num(q.get("last_value"), 0), "max_year": fmt.year(q.get("max_year")),
                "growth": fmt.signed(q.get("growth_pct")) + "%" if not isna(q.get("growth_pct"))
                else "—",
                "peak_year": fmt.year(q.get("projected_peak_year")),
                "status": "green" if ok else "red", "word": "可按期达峰" if ok else "需加快"})
    return view


def peak_outlook(ctx: ReportContext) -> HTML:
    """Industrial CO2 series and the 2030 outlook (province: every municipality as well)."""
    return section("peak", **peak_view(ctx))
