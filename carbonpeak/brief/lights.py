"""The three lights of one region (energy intensity, CO2 intensity, total CO2 against the
pro-rated budget): value, requirement, light, warning level and move since last month; what
moved; the rest-of-year requirement for each red or yellow light."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.brief import wording
from carbonpeak.brief.context import BriefContext
from carbonpeak.brief.view import phrases, say, section
from carbonpeak.numtext import apart, exact_digits, isna, num, signed
from carbonpeak.report.view import HTML
from carbonpeak.status import REASONS
from carbonpeak.status import WORDS as STATUS_ZH
from carbonpeak.status import key as status_key

CO2 = ("co2_intensity", "co2_total")  # without 国家单列项目 (emission_factors.yml scope_zh)


def scoped(it: dict, estimated: bool = False) -> str:
    """An indicator's name as a sentence with its figure says it: CO2 with its scope (and
    估算 when asked), in one bracket."""
    tags = [phrases()["estimated"]] if estimated and it["estimated"] else []
    tags += [it["scope"]] if it["scope"] else []
    return say("scope_name", name=it["name"], scope="，".join(tags)) if tags else it["name"]


def _first(ctx: BriefContext, row: dict) -> bool:
    prev = row.get("previous_period")
    return ctx.period.previous() is None or isna(prev) or not str(prev).strip()


def light_row(ctx: BriefContext, row: dict) -> dict:
    """One indicator of one region, as the brief prints it."""
    ind, status = row["indicator_id"], row.get("status")
    status = status_key(status)
    mv = wording.move(row.get("previous_status"), status, first=_first(ctx, row))
    # a yellow or red light: the value prints at the digits that show how it differs from
    # its requirement (−3.56% against 全年目标下降3.6%)
    nd = apart(row.get("value"), row.get("required"), 1, status in ("yellow", "red"))
    need = exact_digits(row.get("required"), 1, nd)
    if isna(row.get("annual_target")):
        required = short_required = say(
            "required.none_total" if ind == "co2_total" else "required.none_intensity")
        compact = wording.amount(row.get("value"), nd) if ind == "co2_total" else (
            "—" if isna(row.get("value")) else signed(row.get("value"), nd) + "%")
        gap = ""
    elif ind == "co2_total":
        required = say("required.total", month=ctx.period.month, v=wording.amount(
            row.get("required"), need), annual=wording.amount(row.get("annual_target")))
        short_required = say("required.total_short", month=ctx.period.month,
                             v=wording.amount(row.get("required"), need))
        compact = wording.amount(row.get("value"), nd)
        gap = wording.budget_gap(row.get("value"), row.get("required"), ctx.period)
    else:
        required = say("required.intensity", v=num(row.get("annual_target"), need))
        short_required = required
        compact = "—" if isna(row.get("value")) else signed(row.get("value"), nd) + "%"
        gap = ""
    reasons = phrases_reason(row.get("status_reason"))
    scope = reference.co2_scope()["excl"] if ind in CO2 else ""
    return {"id": ind, "name": row.get("name_zh", ind), "status": status, "scope": scope,
            "level": phrases()["level_zh"].get(status, ""),
            "value": wording.value_text(row.get("value"), ind, nd), "compact": compact,
            "required": required, "short_required": short_required,
            "estimated": bool(row.get("estimated")) and ind != "energy_intensity",
            "illustrative": bool(row.get("illustrative")),
            "source": "" if isna(row.get("target_source_zh")) else row["target_source_zh"],
            "move": mv["short"], "move_full": mv["full"], "direction": mv["direction"],
            "reason": reasons, "gap": gap}


def phrases_reason(reason) -> str:
    if isna(reason) or not str(reason).strip():
        return ""
    return REASONS.get(str(reason), str(reason))


def estimated_note(code: str) -> str:
    """What 估算 means, and for a county whose factor it borrows (barometer/series.py)."""
    note = phrases()["estimated_note"]
    return note + phrases()["estimated_county_note"] if reference.level(code) == "county" \
        else note


def region_lights(ctx: BriefContext, code: str | None = None) -> list[dict]:
    return [light_row(ctx, r) for r in ctx.rows(code).to_dict("records")]


def _sources(items: list[dict]) -> str:
    by: dict[str, list[str]] = {}
    for it in items:
        if it["source"]:
            by.setdefault(it["source"], []).append(it["name"])
    parts = [f"{'、'.join(names)}：{src}" for src, names in by.items()]
    return say("source", sources="；".join(parts)) if parts else ""


def lights_view(ctx: BriefContext) -> dict:
    items = region_lights(ctx)
    st = STATUS_ZH
    def parts(code: str) -> str:
        return "；".join(say("province_ref_part", name=scoped(it), value=it["value"],
                            light=st[it["status"]]) for it in region_lights(ctx, code))

    refs = []  # a county: its city's lights, then the province's; a city: the province's
    parent = reference.parent(ctx.region_code)
    if reference.level(ctx.region_code) == "county" and len(ctx.rows(parent)):
        refs.append(say("parent_ref", region=reference.region_name(parent), parts=parts(parent)))
    if not ctx.is_province and len(ctx.province):
        refs.append(say("province_ref", parts=parts(ctx.province["region_code"].iloc[0])))
    return {"period": ctx.period.label_zh, "months": ctx.period.months_label_zh,
            "scope": phrases()["province_scope"] if ctx.is_province else "",
            "missing": say("missing", region=ctx.region_name, period=ctx.period.label_zh),
            "items": items, "sources": _sources(items), "references": refs,
            "estimated_note": estimated_note(ctx.region_code) if any(
                i["estimated"] for i in items) else "",
            "illustrative_note": phrases()["illustrative_note"] if any(
                i["illustrative"] for i in items) else ""}


def lights(ctx: BriefContext) -> HTML:
    """The three lights with value, requirement, warning level and move since last month."""
    return section("lights", **lights_view(ctx))


def _history_value(ctx: BriefContext, indicator_id: str, period: str):
    h = ctx.history
    hit = h[(h["region_code"] == ctx.region_code) & (h["indicator_id"] == indicator_id)
            & (h["period"] == period)]
    return None if hit.empty else hit["value"].iloc[0]


def _said(value_text: str) -> str:
    return phrases()["value"]["none"] if value_text == "—" else value_text


def moves_view(ctx: BriefContext) -> dict:
    prev = ctx.period.previous()
    if prev is None:
        return {"lines": [], "text": say("moved.first")}
    lines, changed = [], 0
    for it in region_lights(ctx):
        before = _history_value(ctx, it["id"], prev.key)
        lines.append({"status": it["status"], "direction": it["direction"],
                      "text": say("moved.line", name=scoped(it, estimated=True),
                                  month=ctx.period.month, now=_said(it["value"]),
                                  prev_month=prev.month,
                                  before=_said(wording.value_text(before, it["id"])),
                                  move=it["move_full"])})
        changed += it["direction"] in ("worse", "better", "other")
    return {"lines": lines, "text": "" if changed else say("moved.none")}


def moves(ctx: BriefContext) -> HTML:
    """What moved since last month: each light's value then and now, and its move."""
    return section("moves", **moves_view(ctx))


def rest_view(ctx: BriefContext) -> dict:
    items = []
    for row, it in zip(ctx.rows().to_dict("records"), region_lights(ctx), strict=True):
        if it["status"] in ("red", "yellow"):
            text = wording.rest_sentence(row, ctx.period)
            if text:
                items.append({"status": it["status"], "name": it["name"], "text": text})
    closing = "" if items else (say("rest.december") if ctx.period.month == 12
                             else say("rest.none"))
    return {"months": wording.months_left(ctx.period) if ctx.period.month < 12 else "",
            "items": items, "closing": closing}


def rest_of_year(ctx: BriefContext) -> HTML:
    """For each red or yellow light: what the remaining months must achieve."""
    return section("rest", **rest_view(ctx))
