"""Month by month this year: each light of one region (a strip of lights), and for the
province brief each city's light per indicator (cities × months)."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.brief.context import INDICATORS, BriefContext
from carbonpeak.brief.view import phrases, section
from carbonpeak.report.view import HTML


def _months(ctx: BriefContext) -> list[dict]:
    return [{"key": p.key, "label": p.months_label_zh} for p in ctx.period.months_of_year()]


def _statuses(ctx: BriefContext, code: str, indicator_id: str) -> dict[str, str]:
    h = ctx.history
    own = h[(h["region_code"] == code) & (h["indicator_id"] == indicator_id)]
    return dict(zip(own["period"], own["status"], strict=True))


def _name(ctx: BriefContext, indicator_id: str) -> str:
    rows = ctx.barometer[ctx.barometer["indicator_id"] == indicator_id]
    return rows["name_zh"].iloc[0] if len(rows) and "name_zh" in rows else phrases()[
        "names"][indicator_id]


def history_view(ctx: BriefContext) -> dict:
    months = _months(ctx)
    rows = []
    for ind in INDICATORS:
        st = _statuses(ctx, ctx.region_code, ind)
        if st:
            rows.append({"name": _name(ctx, ind),
                         "cells": [st.get(m["key"], "") for m in months]})
    return {"months": months, "rows": rows, "note": phrases()["history_note"]}


def history(ctx: BriefContext) -> HTML:
    """This region's three lights, month by month this year."""
    return section("history", **history_view(ctx))


def province_history_view(ctx: BriefContext) -> dict:
    months = _months(ctx)
    tables = []
    for ind in INDICATORS:
        rows = []
        for code in reference.region_codes():
            st = _statuses(ctx, code, ind)
            rows.append({"name": reference.region_name(code), "total":
                         code == reference.province_code(),
                         "cells": [st.get(m["key"], "") for m in months]})
        tables.append({"name": _name(ctx, ind), "rows": rows})
    return {"months": months, "tables": tables, "note": phrases()["history_note"]}


def province_history(ctx: BriefContext) -> HTML:
    """Each city's light per indicator, month by month this year (cities × months)."""
    return section("province_history", **province_history_view(ctx))
