"""The carbon-efficiency picture (工业碳效码): grade distribution, energy-budget tiers and, in a
municipality's own report only, the grade 4–5 enterprises to watch. Never another
municipality's firms: the province shows public aggregates only."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.report import charts, fmt
from carbonpeak.report.context import ReportContext
from carbonpeak.report.view import HTML, headed, section

TOP_ENTERPRISES = 10
TIER_ORDER = ["≥5000", "1000–5000", "<1000"]
CATEGORY_ORDER = ["高碳", "中碳", "低碳"]


def tiers(counts: dict) -> list[dict]:
    keys = sorted(counts, key=lambda k: (TIER_ORDER.index(k) if k in TIER_ORDER else 9, str(k)))
    return [{"tier": k, "n": int(counts[k])} for k in keys]


def worst(e, n: int = TOP_ENTERPRISES):
    """Grade 4–5 enterprises, largest energy use first."""
    return e[e["grade"].isin([4, 5])].sort_values("energy_tce", ascending=False).head(n)


def own_view(ctx: ReportContext) -> dict:
    e = ctx.enterprises
    if e.empty:
        return {"unavailable": "本地区暂无企业碳效评价数据。"}
    grades = e["grade"].dropna().astype(int).value_counts().to_dict()
    chart = charts.grade_distribution(grades, f"{ctx.region_name}规上工业企业碳效等级分布")
    low = e["grade"].isin([4, 5])
    cats = e["level"].value_counts() if "level" in e else {}
    industry = next((c for c in ("industry_zh", "sector_zh") if c in e), None)
    watch = worst(e)
    return {
        "region": ctx.region_name, "n": len(e),
        "here": reference.level_words(ctx.region_code)["self"],
        "categories": [{"name": c, "n": int(cats.get(c, 0))} for c in CATEGORY_ORDER
                       if c in cats],
        "level_cuts": [fmt.num(x) for x in reference.carbon_efficiency()["level_cutpoints"]],
        "low_n": int(low.sum()), "low_energy": fmt.num(e.loc[low, "energy_tce"].sum() / 1e4),
        "low_share": fmt.pct(e.loc[low, "energy_tce"].sum()
                             / max(e["energy_tce"].sum(), 1e-9) * 100),
        "chart": chart.view(), "tiers": tiers(e["tier"].value_counts().to_dict()),
        "shown": len(watch),
        "watch": [{"name": r["name"], "county": r.get("county") or "—",
                   "industry": (r[industry] if industry else "—") or "—",
                   "category": r.get("level") or "—",
                   "energy": fmt.num(r["energy_tce"], 0, grouped=True), "k": fmt.num(r.get("K"), 2),
                   "grade": f"{int(r['grade'])}级"} for _, r in watch.iterrows()]}


def aggregates_view(ctx: ReportContext) -> dict:
    s = ctx.enterprise_summary
    if s is None:
        return {"unavailable": "企业碳效评价：所需数据本次运行未生成，本节暂不展示。"}
    codes = reference.children(reference.province_code()) if ctx.is_province else [ctx.region_code]
    s = s[s["region_code"].isin(codes)]
    if s.empty:
        return {"unavailable": "暂无企业碳效评价汇总数据。"}
    grade = s[s["dimension"] == "grade"]
    counts = grade.groupby(grade["key"].astype(float).astype(int))["count"].sum().to_dict()
    who = "全省" if ctx.is_province else ctx.region_name
    view = {"chart": charts.grade_distribution(counts, f"{who}规上工业企业碳效等级分布").view(),
            "grades": [], "cities": [], "aggregate": True,
            "tiers": tiers(s[s["dimension"] == "tier"].groupby("key")["count"].sum().to_dict())}
    if ctx.is_province and len(grade):
        pv = grade.assign(key=grade["key"].astype(float).astype(int)).pivot_table(
            index="region_code", columns="key", values="count", aggfunc="sum", fill_value=0)
        view["grades"] = [f"{g}级" for g in pv.columns]
        for c in codes:
            if c in pv.index:
                row = pv.loc[c]
                bad = row[[g for g in pv.columns if g >= 4]].sum()
                view["cities"].append({"name": reference.region_name(c),
                                       "counts": [fmt.count(x) for x in row],
                                       "share": fmt.pct(bad / max(row.sum(), 1) * 100)})
    return view


def enterprises(ctx: ReportContext) -> HTML:
    here = {} if ctx.is_province else {"here": reference.level_words(ctx.region_code)["self"]}
    return headed("enterprises", _enterprises(ctx), ctx.is_province, here)


def _enterprises(ctx: ReportContext) -> HTML:
    if ctx.is_province or (ctx.enterprises is None and ctx.enterprise_summary is not None):
        return section("enterprises", **aggregates_view(ctx))
    if ctx.enterprises is None:
        return section("unavailable", text="企业碳效评价：所需数据本次运行未生成，本节暂不展示。")
    return section("enterprises", aggregate=False, **own_view(ctx))
