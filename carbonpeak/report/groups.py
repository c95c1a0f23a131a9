"""One section per task group of the plan: each indicator in words, the trajectories of every
rated indicator (no cap), the municipalities compared on the headline intensities, the LMDI
drivers under 主要目标 and the key-sector breakdown under 重点行业."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.report import charts, fmt, narrative, scope
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import DRIVER_DIGITS, adding, isna
from carbonpeak.report.overview import mark, not_rated_notes
from carbonpeak.report.rows import (
    RATED,
    STATUS_ORDER,
    entry,
    group_heading,
    groups,
    is_milestone,
    not_applicable,
    ordered,
    status_of,
    unrated,
)
from carbonpeak.report.view import HTML, headed, section, words

OTHER_SECTORS = {"other"}  # outside the plan's key sectors: listed, not in the shares


def unavailable(what: str) -> dict:
    return {"unavailable": f"{what}：所需数据本次运行未生成，本节暂不展示。"}


def trajectory_panels(ctx: ReportContext, ids: list[str]) -> list[dict]:
    panels = []
    for ind_id in ids:
        s = ctx.series[ctx.series["indicator_id"] == ind_id].dropna(subset=["value"])
        row = ctx.indicators[ctx.indicators["indicator_id"] == ind_id]
        if len(s) < 2 or row.empty:
            continue
        r = row.iloc[0]
        e = entry(ind_id, r)
        base = int(e.get("baseline_year", r["baseline_year"]))
        ylabel = (f"较{base}年下降（%）" if e.get("kind") == "intensity_reduction"
                  else f"{e['short_zh']}（{r['unit']}）")
        panels.append({"series": s, "short_zh": e["short_zh"], "unit": r["unit"],
                       "baseline_year": base, "ylabel": ylabel,
                       "target": None if isna(r["target_value"]) else float(r["target_value"]),
                       "stretch": None if isna(r["stretch_target_value"])
                       else float(r["stretch_target_value"])})
    return panels


def comparison_spec(ctx: ReportContext, indicator_id: str) -> dict | None:
    a, province = ctx.all_regions, reference.province_code()
    peers = reference.peers(ctx.region_code)
    rows = a[(a["indicator_id"] == indicator_id)
             & a["region_code"].isin(peers)].dropna(subset=["value"])
    if len(rows) < 2:
        return None
    e = entry(indicator_id, rows.iloc[0])
    prov = a[(a["indicator_id"] == indicator_id) & (a["region_code"] == province)]
    req = ctx.indicators.loc[ctx.indicators["indicator_id"] == indicator_id, "required_value"]
    reqs = rows["required_value"].dropna().unique()
    required = float(reqs[0]) if len(reqs) == 1 else (float(req.iloc[0]) if len(req) else None)
    values = pd.DataFrame({"region_code": rows["region_code"],
                           "name": rows["region_code"].map(reference.region_name),
                           "value": rows["value"], "status": rows["status"]})
    pv = (float(prov["value"].iloc[0]) if len(prov) and ctx.is_province
          and not isna(prov["value"].iloc[0]) else None)
    unit = rows.iloc[0]["unit"]
    return {"values": values, "short_zh": e["short_zh"], "unit": unit,
            "required": required, "province_value": pv, "digits": fmt.digits(unit),
            "peers": reference.level_words(peers[0])}


def comparison_chart(ctx: ReportContext, indicator_id: str | list[str]):
    """This municipality against the province's other cities (the province: all of them, and
    its own value); several indicators give one figure with a panel each."""
    ids = [indicator_id] if isinstance(indicator_id, str) else list(indicator_id)
    specs = [s for s in (comparison_spec(ctx, i) for i in ids) if s is not None]
    if not specs:
        return None
    return charts.comparisons(specs, None if ctx.is_province else ctx.region_code,
                              words(narrative.is_final(ctx)))


def drivers_view(ctx: ReportContext) -> dict:
    if ctx.decomposition is None:
        return unavailable("能耗强度变化因素分解")
    d = ctx.decomposition
    eff = d.set_index("effect")["value"] if len(d) else pd.Series(dtype=float)
    if not {"structure", "intensity", "total"} <= set(eff.index):
        return {"unavailable": "本地区暂无能耗强度因素分解结果。"}
    chart = charts.waterfall(float(eff["structure"]), float(eff["intensity"]),
                             float(eff["total"]), ctx.region_name,
                             int(d["base_year"].iloc[0]), int(d["year"].iloc[0]))
    # the two effects and the total as printed (DRIVER_DIGITS) add up, or the note says the
    # total is rounded on its own
    _, adds_up = adding([eff["structure"], eff["intensity"]], eff["total"], DRIVER_DIGITS, 0)
    return {"sentence": narrative.driver_sentence(ctx), "chart": chart.view(),
            "rounded_apart": "" if adds_up else fmt.num(10 ** -DRIVER_DIGITS, DRIVER_DIGITS)}


def sectors_view(ctx: ReportContext) -> dict:
    if ctx.sectors is None:
        return unavailable("重点行业能耗")
    s = ctx.sectors
    if s.empty:
        return {"unavailable": "本地区暂无重点行业能耗数据。"}
    years = sorted(s["year"].unique())
    base = 2020 if 2020 in years else years[0]
    year = ctx.year if ctx.year in years else years[-1]
    a = s[s["year"] == base].set_index("sector")
    b = s[s["year"] == year].set_index("sector")
    df = pd.DataFrame({"sector_zh": b["sector_zh"], "energy": b["energy"],
                       "energy_base": a["energy"].reindex(b.index),
                       "intensity": b["intensity"],
                       "intensity_base": a["intensity"].reindex(b.index)})
    df["intensity_change"] = (df["intensity"] / df["intensity_base"] - 1) * 100
    df = df.dropna(subset=["energy"])
    if df.empty:
        return {"unavailable": "本地区暂无重点行业能耗数据。"}
    key = df[~df.index.isin(OTHER_SECTORS)]
    chart = charts.sector_bars(key if len(key) else df, ctx.region_name, base, year)
    total = key["energy"].sum()
    rows = [{"name": r.sector_zh, "energy": fmt.num(r.energy),
             "share": fmt.pct(r.energy / total * 100, 1) if r.Index not in OTHER_SECTORS
             and total else "—",
             "intensity": fmt.num(r.intensity, 3),
             "change": fmt.signed(r.intensity_change) + "%" if not isna(r.intensity_change)
             else "—", "other": r.Index in OTHER_SECTORS}
            for r in pd.concat([key.sort_values("energy", ascending=False),
                                df[df.index.isin(OTHER_SECTORS)]]).itertuples()]
    return {"year": year, "base": base, "chart": chart.view(), "rows": rows,
            "has_other": bool(df.index.isin(OTHER_SECTORS).any())}


def drivers(ctx: ReportContext) -> HTML:
    """LMDI: structure and intensity effects on the change in aggregate energy intensity."""
    return section("drivers", d=drivers_view(ctx))


def sectors(ctx: ReportContext) -> HTML:
    """The key sectors: energy use, share among the key sectors, intensity change."""
    return section("sectors", s=sectors_view(ctx))


def groups_view(ctx: ReportContext) -> dict:
    by_group: dict[str, list] = {}
    for row in ordered(ctx.indicators).itertuples():
        by_group.setdefault(entry(row.indicator_id, row).get("task_group") or "other",
                            []).append(row)
    marks = not_rated_notes(ctx)
    mode = words(narrative.is_final(ctx))
    out, empty = [], []
    for g in groups():
        rows = by_group.get(g["id"], [])
        if g["id"] == "other" and not rows:
            continue
        rated = sorted((r for r in rows if status_of(r) in RATED),
                       key=lambda r: STATUS_ORDER.index(status_of(r)))
        # a milestone's value is a year: its chart is the CO2 outlook of the peak section
        panels = trajectory_panels(ctx, [r.indicator_id for r in rated
                                         if not is_milestone(r, entry(r.indicator_id, r))])
        # every rated indicator, three panels to a figure so that a long grid flows over pages
        cols = 3 if len(panels) > 3 else None
        trajectories = [charts.trajectories(panels[i:i + 3], ctx.region_name, ctx.year, mode,
                                            cols).view() for i in range(0, len(panels), 3)]
        compared = [r.indicator_id for r in rows
                    if entry(r.indicator_id, r).get("kind") == "intensity_reduction"
                    and g["id"] == "main_targets" and not isna(r.rank_of) and r.rank_of >= 2]
        comp = comparison_chart(ctx, compared) if compared else None
        extra = {}
        if g["id"] == "main_targets" and (not ctx.is_county or ctx.has_rows("decomposition")):
            extra["drivers"] = drivers_view(ctx)
        elif g["id"] == "key_sectors" and (not ctx.is_county or ctx.has_rows("sectors")):
            extra["sectors"] = sectors_view(ctx)
        if not rows and not extra:
            empty.append(group_heading(g))
            continue
        lines = [{"status": status_of(r), "text": narrative.indicator_sentence(ctx, r)}
                 for r in rows if status_of(r) in RATED]
        unr = [{"name": entry(r.indicator_id, r)["short_zh"],
                "fn": ({"href": f"#fn-{ctx.region_code}-{marks[r.indicator_id]}",
                        "mark": mark(marks[r.indicator_id] - 1)}
                       if r.indicator_id in marks else None)}
               for r in rows if unrated(r)]
        na = [entry(r.indicator_id, r)["short_zh"] for r in rows if not_applicable(r)]
        munis = reference.peers(ctx.region_code)
        out.append({"id": g["id"], "heading": group_heading(g), "lines": lines,
                    "unrated": unr, "not_applicable": na, "charts": trajectories,
                    "comparison": comp.view() if comp else None,
                    "comparison_notes": [t for i in compared for t in scope.pairs(ctx, i, munis)]
                    if comp else [], **extra})
    return {"groups": out, "empty": "；".join(empty)}


def task_groups(ctx: ReportContext) -> HTML:
    return headed("groups", section("groups", **groups_view(ctx)), ctx.is_province)
