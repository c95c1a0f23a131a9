"""The brief's header: title, plan period, cover line, the one-line summary of the lights;
the lagging-sectors paragraph and the notes on method. (The revision statement: revised.py.)"""

from __future__ import annotations

from carbonpeak import pipeline, reference, status
from carbonpeak.brief import basis
from carbonpeak.brief.context import BriefContext
from carbonpeak.brief.lights import estimated_note, region_lights
from carbonpeak.brief.view import phrases, say, section
from carbonpeak.brief.wording import amount
from carbonpeak.indicators import grading
from carbonpeak.numtext import num
from carbonpeak.period import Period
from carbonpeak.report.appendix import verdict_legend, verdict_word
from carbonpeak.report.front import banner, up_links
from carbonpeak.report.view import HTML
from carbonpeak.status import WORDS as STATUS_ZH


def _titles(region_code: str, period: str | Period) -> tuple[str, str, str]:
    """The pipeline's titles (pipelines/monthly.yml), the ones the runner prints."""
    p = Period.parse(period)
    return pipeline.for_period(p).report_titles(reference.region_name(str(region_code)), p)


def title(region_code: str, period: str | Period) -> str:
    """The document title (render.notebook_to_html's title, the cover's heading)."""
    return _titles(region_code, period)[0]


def running_header(region_code: str, period: str | Period) -> str:
    """The running header of the PDF pages (render.notebook_to_html's running_header)."""
    return _titles(region_code, period)[1]


def heading(region_code: str, period: Period) -> tuple[str, str]:
    """The cover's heading: the title, its trailing （period） apart so that it never breaks."""
    text, tail = title(region_code, period), f"（{period.label_zh}）"
    return (text.removesuffix(tail), tail) if text.endswith(tail) else (text, "")


def plan_period_text(period: Period) -> str:
    try:
        plan = reference.plan_period_for(period.year)
    except (KeyError, ValueError, StopIteration):
        return ""
    return say("plan_period", plan=plan["name_zh"], first=plan["first_year"],
               last=plan["target_year"], n=period.year - int(plan["first_year"]) + 1)


def cover_view(ctx: BriefContext) -> dict:
    st = STATUS_ZH
    parts = [say("cover_part", name=it["name"], light=st[it["status"]])
             for it in region_lights(ctx)]
    head, head_period = heading(ctx.region_code, ctx.period)
    return {"banner": banner(ctx.dataset),
            "kicker": pipeline.for_period(ctx.period).kicker(ctx.period),
            "title": title(ctx.region_code, ctx.period), "region": ctx.region_name,
            "heading": head, "heading_period": head_period,
            "code": ctx.region_code, "period": ctx.period.label_zh,
            "plan": plan_period_text(ctx.period),
            "vintage": ctx.dataset.get("vintage_zh", "—"),
            "verdict": verdict_word(ctx.verdict, ""), "quality": quality_line(ctx),
            "generated": ctx.generated,
            "line": say("cover", period=ctx.period.label_zh, region=ctx.region_name,
                        parts="、".join(parts)) if parts else "", **up_links(ctx.region_code)}


def quality_line(ctx: BriefContext) -> str:
    """What the lights rest on: the rows they read and the checks those passed, or the
    findings that left them unrated (brief/basis.py)."""
    b = ctx.basis
    if not b:
        return ""
    labels = {ctx.period.key: ctx.period.months_label_zh,
              ctx.period.same_period_last_year().key: say(
                  "quality.last_year", months=ctx.period.months_label_zh),
              f"{ctx.period.year - 1}-12": say("quality.last_year", months="1—12月")}
    rows = "、".join(say("quality.row", file=f, row=r, when=labels.get(d, d))
                     for d, f, r in b["rows"])
    meaning = verdict_legend([basis.verdict(b)])  # 通过（有提示）, 未通过: what they mean
    if b["errors"]:
        lines, more = basis.quoted(b["errors"])
        return say("quality.fail", checks="、".join(basis.titles(b, b["errors"])),
                   items="；".join(lines),
                   more=say("quality.more", n=more) if more else "") + meaning
    if not b["rows"]:
        return say("quality.no_rows", region=ctx.region_name)
    head = say("quality.pass", region=ctx.region_name, rows=rows, n=len(b["checks"]))
    if b["warnings"]:
        head += say("quality.warning", k=len(basis.titles(b, b["warnings"])),
                    checks="、".join(basis.titles(b, b["warnings"]))) + meaning
    return head


def cover(ctx: BriefContext) -> HTML:
    return section("cover", **cover_view(ctx))


def sectors(ctx: BriefContext) -> HTML:
    """Lagging sectors: the monthly contract carries no sector data, so this says so."""
    return section("sectors", text=say("sectors_missing", months=ctx.period.months_label_zh))


def _tolerance() -> str:
    """The yellow band of the total-CO2 light, from grading.yml when the barometer states it."""
    cfg = reference.grading()
    for key in ("barometer", "monthly"):
        block = cfg.get(key) or {}
        for name in ("co2_total_yellow_tolerance", "co2_budget_tolerance", "tolerance"):
            if isinstance(block, dict) and name in block:
                v = float(block[name])
                pct = 100 * v if v < 1 else v  # a share (0.03) or a percentage (3)
                return say("tolerance", v=num(pct, 0 if float(pct).is_integer() else 1) + "%")
    return say("rule.tolerance_unknown")


def notes_view(ctx: BriefContext) -> dict:
    preset = (reference.grading().get("barometer") or {}).get("intensity_preset", "ndrc_2021")
    rule = grading.rule_text(preset)
    for annual, monthly in phrases()["monthly_words"]:
        rule = rule.replace(annual, monthly)
    rows = ctx.barometer if ctx.is_province else ctx.rows()
    m = ctx.period.months_label_zh
    return {"rules": [say("rule.intensity", rule=rule, months=m),
                      say("rule.total", tolerance=_tolerance(), months=m)],
            "notes": [x for x in (estimated_note(ctx.region_code), phrases()["illustrative_note"],
                                  reason_legend(rows),
                                  *scope_notes(ctx)) if x]}


def reason_legend(rows, where: str = "") -> str:
    """The not-rated classes among these barometer rows, each with its meaning ('' when
    every light is rated): status.legend_text, the words of grading.yml."""
    if rows is None or not len(rows):
        return ""
    reasons = rows["status_reason"] if "status_reason" in rows else [None] * len(rows)
    return status.legend_text((status.reason_of(s, r) for s, r in zip(
        rows["status"], reasons, strict=True)), where)


def scope_notes(ctx: BriefContext) -> list[str]:
    """The CO2 scope with its policy basis; and, for each region of the brief with 国家单列项目
    last year, last year's CO2 on both scopes (the brief's base and the annual report's)."""
    words = reference.co2_scope()
    out = [say("scope_note", excl=words["excl"], basis=words["basis"])]
    base = None if ctx is None else ctx.co2_base
    if base is None:
        return out
    codes = reference.region_codes() if ctx.is_province else [ctx.region_code]
    rows = base.set_index("region_code")
    for code in codes:
        if code not in rows.index:
            continue
        r = rows.loc[code]
        if float(r["co2_total"]) > float(r["co2_excl_state_listed"]):
            out.append(say("scope_base", region=reference.region_name(code), year=int(r["year"]),
                           excl=words["excl"], total=words["total"],
                           v_excl=amount(r["co2_excl_state_listed"]),
                           v_total=amount(r["co2_total"])))
    return out


def notes(ctx: BriefContext) -> HTML:
    """How the lights are set (rule text from the grading presets) and what the labels mean."""
    return section("notes", **notes_view(ctx))
