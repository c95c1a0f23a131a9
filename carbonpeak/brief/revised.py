"""The revision statement of a brief: which earlier figures a later file revised (old → new),
and which lights the revisions changed — each month's light on the data as that month
delivered them (what its brief showed when first issued: barometer/published.py, the
`published_status` of barometer_history.csv) against the light on the revised data. A
city's brief speaks of its own region; the province brief and the index of every region,
each named."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference, status
from carbonpeak.brief.context import INDICATORS, BriefContext
from carbonpeak.brief.view import phrases, say, section
from carbonpeak.brief.wording import amount
from carbonpeak.numtext import isna
from carbonpeak.period import Period
from carbonpeak.report.view import HTML

MONTHLY_TABLE = "industry_monthly"  # the monthly input table (tables.yml)


def _fmt(v, unit: str) -> str:
    if isna(v):
        return "—"
    return amount(v) + unit


def column_label(column: str) -> tuple[str, str]:
    """(Chinese name, unit) of a monthly input column: the brief's phrases, else the title
    the monthly table's spec gives it (without its 1—N月 prefix), else 该项数据."""
    if column in phrases()["columns"]:
        name, unit = phrases()["columns"][column]
        return name, unit
    spec = (reference.tables().get(MONTHLY_TABLE) or {}).get("columns") or {}
    col = spec.get(column)
    if isinstance(col, dict) and col.get("title_zh"):
        return str(col["title_zh"]).removeprefix("1—N月"), str(col.get("unit", ""))
    return phrases()["column_unknown"], ""


def _when(ctx: BriefContext, key: str) -> str:
    p = Period.parse(key)
    return p.months_label_zh if p.year == ctx.period.year else p.label_zh


def _order(codes) -> list[str]:
    rank = {c: i for i, c in enumerate(reference.region_codes())}
    return sorted(set(codes), key=lambda c: rank.get(c, len(rank)))


def _light(s) -> str:
    """绿灯 / 黄灯 / 红灯, 未评级."""
    k = status.key(s)
    return status.word(k) + ("灯" if k in status.RATED else "")


def touched(ctx: BriefContext, codes: list[str] | None = None) -> pd.DataFrame:
    """The history rows of `codes` (default: the brief's own regions) whose light a later
    revision touched: published_status given."""
    h = ctx.history
    if "published_status" not in h:
        return h.iloc[0:0]
    codes = codes or (reference.region_codes() if ctx.is_province else [ctx.region_code])
    h = h[h["region_code"].isin(codes) & h["published_status"].notna()
          & (h["published_status"].astype(str).str.strip() != "")]
    return h


def moved(ctx: BriefContext, codes: list[str] | None = None) -> tuple[list[str], list[str]]:
    """(each light a revision changed, as a phrase; the months whose lights it did not)."""
    h = touched(ctx, codes)
    region = ctx.is_province or (codes is not None and len(codes) > 1)
    changed, same = [], []
    for code in _order(h["region_code"]):
        mine = h[h["region_code"] == code]
        name = reference.region_name(code) if region else ""
        for key in sorted(set(mine["period"])):
            month = mine[mine["period"] == key].set_index("indicator_id")
            flips = [i for i in INDICATORS if i in month.index
                     and status.key(month.at[i, "status"])
                     != status.key(month.at[i, "published_status"])]
            for i in flips:
                changed.append(say("revision.moved_item", region=name, when=_when(ctx, key),
                                   name=phrases()["names"][i],
                                   old=_light(month.at[i, "published_status"]),
                                   new=_light(month.at[i, "status"])))
            if not flips:
                same.append(say("revision.same_item", region=name, when=_when(ctx, key)))
    return changed, same


def effect_lines(ctx: BriefContext, codes: list[str] | None = None) -> list[str]:
    """The sentences on what the revisions changed ([] when no light was touched)."""
    changed, same = moved(ctx, codes)
    out = []
    if changed:
        out.append(say("revision.moved", items="；".join(changed)))
    if same:
        out.append(say("revision.same", items="、".join(same)))
    return out


def revision_view(ctx: BriefContext) -> dict:
    """A city or county: its own revised cells. The province: its own and its cities', each
    named (a county's revisions are in its city's and its own brief, and in the index)."""
    codes = reference.region_codes() if ctx.is_province else [ctx.region_code]
    bar = ctx.barometer[ctx.barometer["region_code"].isin(codes)]
    revised = bool(bar["revised"].any()) if "revised" in bar else False
    rev = ctx.revisions[ctx.revisions["region_code"].isin(codes)]
    if not revised and rev.empty:
        return {"head": "", "items": [], "effects": []}
    order = {c: i for i, c in enumerate(reference.region_codes())}
    rev = rev.assign(_o=rev["region_code"].map(order)).sort_values(["_o", "period", "column"])
    items = []
    for r in rev.to_dict("records"):
        name, unit = column_label(r["column"])
        region = reference.region_name(r["region_code"]) if ctx.is_province else ""
        items.append(say("revision.item", region=region, when=_when(ctx, r["period"]),
                         column=name, old=_fmt(r["old_value"], unit),
                         new=_fmt(r["new_value"], ""), unit=unit))
    return {"head": say("revision.head") if items else say("revision.generic"), "items": items,
            "effects": effect_lines(ctx)}


def revision(ctx: BriefContext) -> HTML:
    """Which earlier figures were revised (old → new) and which lights that changed;
    nothing when none were."""
    return section("revision", **revision_view(ctx))


def index_notice(ctx: BriefContext) -> dict:
    """The monthly index's revision notice (ctx: the province's): the regions with revised
    cells and the lights the revisions changed; {} when nothing was revised."""
    rev = ctx.revisions
    if rev.empty:
        return {}
    names = "、".join(reference.region_name(c) for c in _order(rev["region_code"]))
    return {"head": say("revision.index", n=len(rev), regions=names),
            "effects": effect_lines(ctx)}
