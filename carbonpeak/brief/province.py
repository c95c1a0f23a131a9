"""The province brief's barometer: its cities (and the province) × 3 indicators on one
page, with value, light and move since last month, and the cities in red or yellow named;
a city brief's table of its counties (and the city), when county rows were delivered, the
same table one level down."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.brief.context import INDICATORS, BriefContext
from carbonpeak.brief.front import reason_legend
from carbonpeak.brief.lights import CO2, light_row
from carbonpeak.brief.view import phrases, say, section
from carbonpeak.report.view import HTML


def table_view(ctx: BriefContext, codes: list[str] | None = None) -> dict:
    """The table of `codes` (default: the province and its cities; the first is the total
    row), with the sentences above it."""
    codes = codes or reference.region_codes()
    rows = []
    for code in codes:
        own = {r["indicator_id"]: r for r in ctx.rows(code).to_dict("records")}
        cells = []
        for ind in INDICATORS:
            it = light_row(ctx, own[ind]) if ind in own else None
            cells.append(it or {"compact": "—", "status": "not_rated", "move": "—",
                                "direction": "other", "estimated": False,
                                "short_required": ""})
        rows.append({"name": reference.region_name(code), "code": code,
                     "total": code == codes[0], "cells": cells})
    heads = []
    for k, ind in enumerate(INDICATORS):
        unit = phrases()["table_unit"]["total" if ind == "co2_total" else "intensity"]
        rated = [r["cells"][k] for r in rows if r["cells"][k]["status"] != "not_rated"]
        every = bool(rated) and all(c["estimated"] for c in rated)
        if every:  # one label in the head instead of one in each cell
            for r in rows:
                r["cells"][k] = {**r["cells"][k], "estimated": False}
        heads.append({"name": phrases()["names"][ind], "unit": unit.format(m=ctx.period.month),
                      "estimated": every,
                      "scope": reference.co2_scope()["excl"] if ind in CO2 else ""})
    peers = reference.level_words(codes[-1])["peers"]
    return {"period": ctx.period.label_zh, "months": ctx.period.months_label_zh,
            "heads": heads, "rows": rows, "peers": peers,
            "text": lead(ctx, rows, peers)}


def lead(ctx: BriefContext, rows: list[dict], peers: str) -> list[str]:
    """The sentences above the table: tallies per indicator, the red and yellow cities (or
    counties: `peers`) by name, the moves since last month."""
    cities = [r for r in rows if not r["total"]]
    parts = []
    for k, ind in enumerate(INDICATORS):
        n = {s: sum(r["cells"][k]["status"] == s for r in cities)
             for s in ("red", "yellow", "green", "not_rated")}
        rest = say("province.lead_unrated", n=n["not_rated"]) if n["not_rated"] else ""
        parts.append(say("province.lead_part", name=phrases()["short"][ind], rest=rest, **{
            s: n[s] for s in ("red", "yellow", "green")}))
    text = [say("province.lead", period=ctx.period.label_zh, parts="；".join(parts))]
    for status in ("red", "yellow"):
        items = []
        for r in cities:
            names = [phrases()["short"][ind] for k, ind in enumerate(INDICATORS)
                     if r["cells"][k]["status"] == status]
            if names:
                items.append(say("province.item", city=r["name"], names="、".join(names)))
        text.append(say(f"province.{status}", items="；".join(items), peers=peers) if items
                    else say(f"province.none_{status}", peers=peers))
    if ctx.period.previous() is not None:
        moved = [say("province.moved_item", city=r["name"], name=phrases()["short"][ind],
                     move=r["cells"][k]["move"])
                 for r in cities for k, ind in enumerate(INDICATORS)
                 if r["cells"][k]["direction"] in ("worse", "better")]
        text.append(say("province.moved", items="；".join(moved), peers=peers) if moved
                    else say("province.none_moved", peers=peers))
    return text


def barometer(ctx: BriefContext) -> HTML:
    """The cities × 3 indicators barometer (province brief, one page)."""
    return section("province_table", **table_view(ctx))


def counties_view(ctx: BriefContext) -> dict:
    """A city brief's counties with rows this period (the city first, as the total row);
    empty for a county, the province, or a city without county rows."""
    if reference.level(ctx.region_code) != "municipality":
        return {}
    kids = reference.children(ctx.region_code)
    have = [c for c in kids if len(ctx.rows(c))]
    if not have:
        return {}
    view = table_view(ctx, [ctx.region_code, *have])
    head = say("province.counties_lead", city=ctx.region_name, n=len(kids),
               parts=view["text"][0].split("，", 1)[1].removesuffix("。"))
    missing = [reference.region_name(c) for c in kids if c not in have]
    notes = [say("province.counties_missing", city=ctx.region_name,
                 missing="、".join(missing)) if missing else "",
             reason_legend(ctx.barometer[ctx.barometer["region_code"].isin(have)])]
    return {**view, "text": [head, *view["text"][1:], *(n for n in notes if n)]}


def counties(ctx: BriefContext) -> HTML:
    """A city's counties × 3 indicators, the ones in red or yellow named (city briefs with
    county rows; nothing otherwise)."""
    view = counties_view(ctx)
    return section("counties_table", **view) if view else HTML("")


RATED_BY_COUNTY = ("energy_intensity", "co2_intensity")  # budgets are rarely set by county


def county_overview_view(ctx: BriefContext) -> dict:
    """The province brief's county picture: per city, how many of its counties are in each
    light on the two intensities, and the counties in red named; {} without county rows."""
    have = set(ctx.barometer["region_code"].astype(str))
    rows, named = [], {ind: [] for ind in RATED_BY_COUNTY}
    for city in reference.children(ctx.region_code):
        kids = [c for c in reference.children(city) if c in have]
        if not kids:
            continue
        own = {c: {r["indicator_id"]: r for r in ctx.rows(c).to_dict("records")} for c in kids}
        tallies = []
        for ind in RATED_BY_COUNTY:
            lights = {c: light_row(ctx, rows[ind]) for c, rows in own.items() if ind in rows}
            tallies.append([{"status": s, "n": sum(it["status"] == s for it in lights.values())}
                            for s in ("red", "yellow", "green", "not_rated")])
            named[ind] += [reference.region_name(c) for c, it in lights.items()
                           if it["status"] == "red"]
        rows.append({"name": reference.region_name(city), "n": len(kids),
                     "tallies": tallies})
    if not rows:
        return {}
    n = sum(r["n"] for r in rows)
    text = [say("province.county_lead", period=ctx.period.label_zh, n=n, cities=len(rows))]
    for ind in RATED_BY_COUNTY:
        short = phrases()["short"][ind]
        text.append(say("province.county_red", name=short, n=len(named[ind]),
                        items="、".join(named[ind])) if named[ind]
                    else say("province.county_none_red", name=short))
    totals = ctx.barometer[ctx.barometer["region_code"].isin(
        [c for c in have if reference.level(c) == "county"])
        & (ctx.barometer["indicator_id"] == "co2_total")]
    unbudgeted = bool(len(totals)) and (totals["status_reason"] == "no_target").all()
    return {"period": ctx.period.label_zh, "rows": rows, "text": text,
            "heads": [phrases()["names"][i] for i in RATED_BY_COUNTY],
            "note": (say("province.county_no_budget") if unbudgeted else "")
            + say("province.county_note")}


def county_overview(ctx: BriefContext) -> HTML:
    """The counties' lights counted per city, those in red named (province brief, when
    county rows were delivered; nothing otherwise)."""
    view = county_overview_view(ctx) if ctx.is_province else {}
    return section("county_overview", **view) if view else HTML("")
