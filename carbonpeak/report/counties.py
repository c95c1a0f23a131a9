"""The county level in a report one level up: a city's report ranks its counties on the
headline indicators with their lights and names the ones behind; the province's report shows
the county picture city by city (how many counties green, yellow, red, unrated) and names the
lagging counties. Left out of a report whose run has no county rows. Public data only."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.report import fmt
from carbonpeak.report.context import ReportContext
from carbonpeak.report.narrative import is_final
from carbonpeak.report.rows import entry, ordered, status_of
from carbonpeak.report.view import HTML, headed, say, section, words
from carbonpeak.status import key as status_key

BEHIND = ("red", "yellow")
COUNTED = ("green", "yellow", "red", "not_rated")


def headline_ids(rows: pd.DataFrame) -> list[str]:
    """The main targets the counties were graded on (not those no county data serve)."""
    served = rows[rows["status_reason"] != "not_provided"]
    present = set(served["indicator_id"])
    return [i for i, e in reference.catalog().items()
            if e.get("task_group") == "main_targets" and i in present
            and e.get("kind") != "milestone"]


def city_view(ctx: ReportContext) -> dict:
    rows = ctx.counties
    ids = headline_ids(rows)
    heads = [{"name": entry(i)["short_zh"], "unit": entry(i)["unit"]} for i in ids]
    by = {(r.region_code, r.indicator_id): r for r in rows.itertuples()}
    first = ids[0]
    order = ordered(rows[rows["indicator_id"] == first]).sort_values(
        ["rank"], na_position="last")["region_code"]
    table, behind = [], []
    for code in order:
        cells = []
        for i in ids:
            r = by.get((code, i))
            cells.append({"value": fmt.value(r.value, r.unit) if r is not None else "—",
                          "status": status_of(r) if r is not None else "not_rated",
                          "rank": f"{int(r.rank)}" if r is not None and not fmt.isna(r.rank)
                          else "—"})
        late = [h["name"] for h, c in zip(heads, cells, strict=True) if c["status"] in BEHIND]
        if late:
            behind.append(say("counties.behind_item", name=reference.region_name(code),
                              items="、".join(late)))
        table.append({"name": reference.region_name(code), "cells": cells,
                      "source": _target_source(by.get((code, first)))})
    n, w = len(table), words(is_final(ctx))
    return {"heads": heads, "rows": table, "city": True, "words": w,
            "summary": say("counties.city_behind", n=n, k=len(behind), behind=w["behind"],
                           items="；".join(behind)) if behind
            else say("counties.city_none_behind", n=n, none_behind=w["none_behind"])}


def province_view(ctx: ReportContext) -> dict:
    rows = ctx.counties
    ids = headline_ids(rows)
    first = ids[0]
    main = rows[rows["indicator_id"] == first]
    table, lagging = [], []
    for city in reference.children(reference.province_code()):
        mine = main[main["region_code"].map(reference.parent) == city]
        if mine.empty:
            continue
        counts = mine["status"].map(status_key).value_counts()
        late = mine[mine["status"].isin(BEHIND)]
        names = [reference.short_name(c) for c in ordered(late).sort_values("value")
                 ["region_code"]]
        table.append({"name": reference.region_name(city), "n": len(mine),
                      "counts": [int(counts.get(s, 0)) for s in COUNTED],
                      "lagging": "、".join(names) or "—"})
        if names:
            lagging.append(f"{reference.short_name(city)}：{'、'.join(names)}")
    total = sum(t["n"] for t in table)
    behind = sum(t["counts"][1] + t["counts"][2] for t in table)
    w = words(is_final(ctx))
    return {"heads": [{"name": entry(first)["short_zh"]}], "rows": table, "city": False,
            "statuses": list(COUNTED), "words": w,
            "summary": say("counties.province", n=total, k=behind, behind=w["behind"],
                           name=entry(first)["short_zh"], items="；".join(lagging) or "无")}


def _target_source(r) -> str:
    return "" if r is None or fmt.isna(r.target_source_zh) else str(r.target_source_zh)


def counties(ctx: ReportContext) -> HTML:
    """The counties below this region (a city's, or the province's 90), or nothing when the
    run has no county rows or none was graded on a main target."""
    if ctx.is_county or ctx.counties.empty or not headline_ids(ctx.counties):
        return HTML("")
    mode = words(is_final(ctx))
    if ctx.is_province:
        return headed("counties_province", section("counties", **province_view(ctx)),
                      mode=mode)
    return headed("counties", section("counties", **city_view(ctx)), mode=mode)
