"""下一步工作: for every yellow or red indicator, the pace needed from now to the target year,
the lead department from the catalog, and the actors behind the gap that the data hold
(sectors whose intensity rose, the worst-graded enterprises of this city only, or for the
province the cities behind). A list a municipal bureau can turn into its work plan."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.report import fmt, narrative
from carbonpeak.report.context import ReportContext
from carbonpeak.report.enterprises import worst
from carbonpeak.report.fmt import isna
from carbonpeak.report.groups import OTHER_SECTORS
from carbonpeak.report.rows import entry, higher_is_better, is_milestone, ordered, status_of
from carbonpeak.report.view import HTML, headed, phrases, say, section, words

# the overall intensities (of either plan period), by the function that computes them
INTENSITY_FUNCTIONS = {"energy_intensity_reduction", "co2_intensity_reduction"}


def pace(row, e: dict, year: int) -> str:
    """What it takes from now to the target year, in the indicator's own terms."""
    if is_milestone(row, e) or isna(row.value) or isna(row.target_value):
        return say("next.milestone") if is_milestone(row, e) else ""
    unit, v, t = row.unit, float(row.value), float(row.target_value)
    if e.get("kind") == "budget":  # an annual cap: back within it, not a path to 2030
        return say("next.budget", year=year, gap=fmt.magnitude(v - t, unit)) if v > t else ""
    ty = int(row.target_year) if not isna(row.target_year) else year
    left = ty - year
    target = fmt.value(t, unit)
    if e.get("kind") == "intensity_reduction":
        if left <= 0:
            key = "next.due_rise" if v < 0 else "next.due"
            return say(key, target_year=ty, target="下降" + target,
                       gap=fmt.magnitude(t - v, "%"))
        need = (1 - ((1 - t / 100) / (1 - v / 100)) ** (1 / left)) * 100
        return say("next.pace_reduction", target_year=ty, pace=fmt.num(need) + "%",
                   target="下降" + target)
    if left <= 0:
        return say("next.due", target_year=ty, target=target, gap=fmt.magnitude(t - v, unit))
    step = (t - v) / left
    up = step > 0
    return say("next.pace_level", target_year=ty, direction="提高" if up else "减少",
               pace=fmt.magnitude(step, unit), target=target)


def actors(ctx: ReportContext, row, e: dict) -> list[str]:
    out = []
    if ctx.is_province:
        a = ctx.all_regions
        behind = a[(a["indicator_id"] == row.indicator_id)
                   & a["region_code"].isin(reference.children(reference.province_code()))
                   & a["status"].isin(["red", "yellow"])]
        if len(behind):  # 未完成 where the target is due this year, else 落后
            out.append(say("next.cities", behind=words(narrative.due(row, ctx.year))["behind"],
                           names="、".join(
                reference.region_name(c) for c in behind["region_code"])))
        return out
    overall = e.get("function") in INTENSITY_FUNCTIONS
    if overall and ctx.sectors is not None and len(ctx.sectors):
        s = ctx.sectors
        period = narrative.plan_period(ctx)
        first = period["baseline_year"] if period else 2020
        base = first if (s["year"] == first).any() else s["year"].min()
        a = s[s["year"] == base].set_index("sector")["intensity"]
        b = s[s["year"] == ctx.year].set_index("sector")
        rose = [r.sector_zh for r in b.itertuples() if r.Index not in OTHER_SECTORS
                and r.Index in a.index and r.intensity > a[r.Index]]
        if rose:
            out.append(say("next.sectors", names="、".join(rose)))
    if ctx.enterprises is not None and len(ctx.enterprises):
        firms = ctx.enterprises
        sector = (e.get("params") or {}).get("sector")
        if sector and "sector" in firms:
            firms = firms[firms["sector"] == sector]
        elif not overall:
            firms = firms.iloc[0:0]
        top = worst(firms, 3)
        if len(top):
            out.append(say("next.enterprises", names="、".join(
                f"{r['name']}（{int(r['grade'])}级）" for _, r in top.iterrows())))
    return out


def lead(e: dict, level: str) -> str:
    """The region's own lead department, with the provincial one it answers to."""
    dept = e.get("lead_zh") or ""
    if not dept or level == "province":
        return dept or "—"
    local = phrases().get("lead_local", {}).get(level, {}).get(dept)
    return f"{local}（省级牵头：{dept}）" if local else dept


def successors(ctx: ReportContext) -> dict[str, dict]:
    """In a final evaluation: the next plan period's indicators, by the indicator they carry
    on (catalog `continues`), with this region's target and where it comes from."""
    from carbonpeak.indicators import target_source, targets_for
    from carbonpeak.indicators.grading import required_value

    after = [p for p in reference.plan_periods() if p["first_year"] == ctx.year + 1]
    if not after:
        return {}
    out = {}
    for ind, e in reference.catalog_for(after[0]["first_year"]).items():
        if not e.get("continues"):
            continue
        target, stretch_target = targets_for(ind, e, ctx.region_code, after[0]["first_year"])
        source, illustrative = target_source(ind, e, ctx.region_code, after[0]["first_year"])
        if target is None:
            goal = say("next.successor_no_target")
        else:
            key = ("next.successor_target" if e.get("kind") == "intensity_reduction"
                   else "next.successor_target_level")
            goal = say(key, base=e["baseline_year"], year=e["target_year"],
                       target=fmt.value(target, e["unit"]))
            if stretch_target is not None:
                goal += say("next.successor_stretch", stretch=fmt.value(stretch_target, e["unit"]))
            if e.get("kind") == "intensity_reduction":  # what the plan's first year asks
                first = required_value(e["kind"], target, after[0]["first_year"],
                                       e["baseline_year"], e["target_year"])
                goal += say("next.successor_first", year=after[0]["first_year"],
                            base=e["baseline_year"], first=fmt.value(first, e["unit"]))
        # an illustrative value is marked once: its source may already say 示例值
        mark = say("next.illustrative") if illustrative and "示例值" not in source else ""
        out[e["continues"]] = {
            "name": e["short_zh"], "period": after[0]["name_zh"], "goal": goal,
            "source": source, "illustrative": illustrative, "mark": mark,
            "text": say("next.successor", period=after[0]["name_zh"], name=e["short_zh"],
                        goal=goal, source=source, mark=mark)}
    return out


def next_view(ctx: ReportContext) -> dict:
    final = narrative.is_final(ctx)
    later = successors(ctx) if final else {}
    items = []
    for r in ordered(ctx.indicators).itertuples():
        if status_of(r) not in ("red", "yellow"):
            continue
        e = entry(r.indicator_id, r)
        gap = ("" if isna(r.value) or isna(r.required_value)
               else fmt.magnitude(narrative.gap(r), r.unit, fmt.beside(r)[0]))
        step = pace(r, e, ctx.year)
        if r.indicator_id in later:  # the target is due: the work goes on in the next period
            step = "；".join(filter(None, [step, later[r.indicator_id]["text"]]))
        items.append({"name": e["short_zh"], "status": status_of(r), "gap": gap,
                      "gap_word": say("next.over") if e.get("kind") == "budget" else "",
                      "pace": step, "lead": lead(e, ctx.level),
                      "actors": actors(ctx, r, e), "higher": higher_is_better(e),
                      "word": phrases()["status_final"][status_of(r)]
                      if narrative.due(r, ctx.year) else ""})
    items.sort(key=lambda x: 0 if x["status"] == "red" else 1)
    p = narrative.plan_period(ctx)
    nxt = [p2 for p2 in reference.plan_periods() if p and p2["first_year"] == ctx.year + 1]
    return {"items": items, "region": ctx.region_name, "final": final,
            "here": reference.level_words(ctx.region_code)["self"] if not ctx.is_province
            else "",
            "period": p["name_zh"] if p else "", "next_period": nxt[0] if nxt else None,
            "successors": list(later.values())}


def next_steps(ctx: ReportContext) -> HTML:
    return headed("next_steps", section("next_steps", **next_view(ctx)), ctx.is_province,
                  words(narrative.is_final(ctx)))
