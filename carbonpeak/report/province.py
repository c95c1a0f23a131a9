"""Province-only pages: the 晴雨表 (its cities × the main targets), the status heatmap, the tile
map and the league tables. Public data only: no enterprise-level cell."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.report import fmt, narrative, scope
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import isna
from carbonpeak.report.rows import entry, higher_is_better, ordered, reason_text, status_of
from carbonpeak.report.view import HTML, headed, phrases, section, words
from carbonpeak.status import key as status_key

# Where each municipality sits on the tile map (row, column): north up, the sea to the east;
# 温州 south of 台州, 丽水 west of 温州.
TILE_GRID = {"330500": (0, 1), "330400": (0, 2), "330100": (1, 1), "330600": (1, 2),
             "330200": (1, 3), "330900": (1, 4), "330800": (2, 0), "330700": (2, 1),
             "331000": (2, 3), "331100": (3, 2), "330300": (3, 3)}
MAIN_GROUP = "main_targets"


def short_names() -> dict[str, str]:
    return {x["region_code"]: x["short_name"] for x in reference.regions()}


def main_ids(ctx: ReportContext) -> list[str]:
    present = set(ctx.all_regions["indicator_id"])
    return [i for i, e in reference.catalog().items()
            if e.get("task_group") == MAIN_GROUP and i in present
            and e.get("kind") != "milestone"]


def completion(row, e: dict) -> str:
    """Progress made since the baseline ÷ progress the target asks for: the same measure the
    grading rules use, so a share at 92 % of its target level but a third of the way from its
    2020 value reads as behind, as its light says. Reductions and counts start from zero."""
    if isna(row.value) or isna(row.target_value) or not higher_is_better(e):
        return "—"
    base = 0.0
    if e.get("kind") in ("level", "share"):
        if isna(row.baseline_value):
            return "—"
        base = float(row.baseline_value)
    need = float(row.target_value) - base
    if need <= 0:
        return "—"
    return fmt.pct((float(row.value) - base) / need * 100)


def barometer_view(ctx: ReportContext) -> dict:
    a = ctx.all_regions
    ids = main_ids(ctx)
    by = {(r.region_code, r.indicator_id): r for r in a.itertuples()}
    heads = []
    for i in ids:
        e = entry(i)
        r0 = next((by[k] for k in by if k[1] == i), None)
        unit = r0.unit if r0 is not None else e.get("unit", "")
        heads.append({"name": e["short_zh"], "unit": unit,
                      "target": fmt.value(r0.target_value, unit) if r0 is not None else "—"})
    rows, province = [], reference.province_code()
    cities = reference.children(province)
    for code in [province, *cities]:
        cells = []
        for i in ids:
            r = by.get((code, i))
            if r is None:
                cells.append({"value": "—", "completion": "—", "status": "not_rated",
                              "delta": "—"})
                continue
            d = (r.value - r.prev_value) if not (isna(r.value) or isna(r.prev_value)) else None
            cells.append({"value": fmt.num(r.value, fmt.digits(r.unit)),
                          "completion": completion(r, entry(i)), "status": status_of(r),
                          "delta": fmt.signed(d, fmt.digits(r.unit)) if d is not None else "—"})
        rows.append({"name": short_names()[code], "cells": cells, "total": code == province})
    final = narrative.is_final(ctx)  # the target year: cities whose due targets were not met
    text = narrative.lagging_sentence(
        narrative.lagging_cities(ctx, due_in=ctx.year if final else None), short=True,
        final=final)
    return {"heads": heads, "rows": rows, "text": text, "year": ctx.year,
            "n_cities": len(cities)}


def barometer(ctx: ReportContext) -> HTML:
    """晴雨表: the province and its cities × the main targets on one page."""
    return section("barometer", **barometer_view(ctx))


def heatmap_view(ctx: ReportContext) -> dict:
    a, province = ctx.all_regions, reference.province_code()
    ids = list(ordered(a[a["region_code"] == province])["indicator_id"])
    ids = ids or list(dict.fromkeys(a["indicator_id"]))
    codes = [province, *reference.children(province)]
    short = short_names()
    by = {(r.region_code, r.indicator_id): r for r in a.itertuples()}
    rows = []
    for i in ids:
        cells = []
        for c in codes:
            r = by.get((c, i))
            na = r is not None and status_of(r) == "not_rated" and \
                str(getattr(r, "status_reason", "") or "") == "not_applicable"
            cells.append({"status": status_of(r) if r is not None else "not_rated", "na": na})
        rows.append({"name": entry(i)["short_zh"], "cells": cells})
    return {"heads": [{"name": short[c], "total": c == province} for c in codes],
            "rows": rows}


def status_heatmap(ctx: ReportContext) -> HTML:
    """Indicator × region: a light (shape, colour and word) in every cell."""
    return headed("heatmap", section("heatmap", **heatmap_view(ctx)))


def tile_view(ctx: ReportContext, indicator_id: str) -> dict:
    a = ctx.all_regions
    r = a[a["indicator_id"] == indicator_id].set_index("region_code")
    e = entry(indicator_id, r.iloc[0] if len(r) else None)
    if r.empty:
        return {"unavailable": f"{e['short_zh']}：暂无数据。"}
    nrows = max(p[0] for p in TILE_GRID.values()) + 1
    ncols = max(p[1] for p in TILE_GRID.values()) + 1
    at = {pos: code for code, pos in TILE_GRID.items()}
    short = short_names()
    grid = []
    for i in range(nrows):
        row = []
        for j in range(ncols):
            code = at.get((i, j))
            if code is None:
                row.append(None)
                continue
            st = r.at[code, "status"] if code in r.index else "not_rated"
            row.append({"name": short[code], "status": status_key(st),
                        "value": fmt.value(r.at[code, "value"], r.at[code, "unit"])
                        if code in r.index else "—"})
        grid.append(row)
    return {"grid": grid, "name": e["short_zh"]}


def tile_map(ctx: ReportContext, indicator_id: str = "energy_intensity_reduction") -> HTML:
    """The municipalities as tiles placed roughly where they lie (north up, sea east)."""
    return headed("tilemap", section("tilemap", **tile_view(ctx, indicator_id)))


def league_view(ctx: ReportContext, group: str = MAIN_GROUP) -> dict:
    a = ctx.all_regions
    munis = a[a["region_code"].isin(reference.children(reference.province_code()))]
    tables = []
    for ind_id in ordered(ctx.indicators)["indicator_id"]:
        if group and entry(ind_id).get("task_group") != group:
            continue
        r = munis[munis["indicator_id"] == ind_id]
        if r["rank"].notna().sum() < 2:
            continue
        e = entry(ind_id, r.iloc[0])
        r = r.sort_values(["rank", "region_code"], na_position="last")
        rows = [{
            "rank": fmt.count(x.rank), "name": reference.region_name(x.region_code),
            "value": fmt.value(x.value, x.unit, fmt.beside(x)[0]),
            "required": fmt.value(x.required_value, x.unit, fmt.beside(x)[1]),
            "status": status_of(x),
            "word": (phrases()["status_final" if narrative.due(x, ctx.year) else "status_words"][
                status_of(x)] if status_of(x) != "not_rated" else reason_text(x)),
            "delta": fmt.delta(x.value - x.prev_value, x.unit)
            if not (isna(x.value) or isna(x.prev_value)) else "—"} for x in r.itertuples()]
        # one requirement for every city: on a phone it is said once above the table
        common = rows[0]["required"] if len({x["required"] for x in rows}) == 1 else None
        tables.append({"name": e["name_zh"], "rows": rows, "required_common": common,
                       "notes": scope.pairs(ctx, ind_id, list(r["region_code"].astype(str)))})
    return {"tables": tables, "words": words(narrative.is_final(ctx))}


def league_tables(ctx: ReportContext, group: str = MAIN_GROUP) -> HTML:
    """For each ranked main target: the municipalities in rank order (each table whole)."""
    return headed("league", section("league", **league_view(ctx, group)))
