"""The province brief's barometer: its cities (and the province) × 3 indicators on one
page, with value, light and move since last month, and the cities in red or yellow named."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.brief.context import INDICATORS, BriefContext
from carbonpeak.brief.lights import CO2, light_row
from carbonpeak.brief.view import phrases, say, section
from carbonpeak.report.view import HTML


def table_view(ctx: BriefContext) -> dict:
    rows = []
    for code in reference.region_codes():
        own = {r["indicator_id"]: r for r in ctx.rows(code).to_dict("records")}
        cells = []
        for ind in INDICATORS:
            it = light_row(ctx, own[ind]) if ind in own else None
            cells.append(it or {"compact": "—", "status": "not_rated", "move": "—",
                                "direction": "other", "estimated": False,
                                "short_required": ""})
        rows.append({"name": reference.region_name(code), "code": code,
                     "total": code == reference.province_code(), "cells": cells})
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
    return {"period": ctx.period.label_zh, "months": ctx.period.months_label_zh,
            "heads": heads, "rows": rows,
            "text": lead(ctx, rows)}


def lead(ctx: BriefContext, rows: list[dict]) -> list[str]:
    """The sentences above the table: tallies per indicator, the red and yellow cities
    by name, the moves since last month."""
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
        text.append(say(f"province.{status}", items="；".join(items)) if items
                    else say(f"province.none_{status}"))
    if ctx.period.previous() is not None:
        moved = [say("province.moved_item", city=r["name"], name=phrases()["short"][ind],
                     move=r["cells"][k]["move"])
                 for r in cities for k, ind in enumerate(INDICATORS)
                 if r["cells"][k]["direction"] in ("worse", "better")]
        text.append(say("province.moved", items="；".join(moved)) if moved
                    else say("province.none_moved"))
    return text


def barometer(ctx: BriefContext) -> HTML:
    """The cities × 3 indicators barometer (province brief, one page)."""
    return section("province_table", **table_view(ctx))
