"""The overview table: every indicator grouped by the plan's sections, with value, target,
required pace, light and a short word, change on the year with last year's light, and rank.
Why an indicator is not rated goes to a numbered note below the table."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference, status
from carbonpeak.indicators import grading
from carbonpeak.report import fmt
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import digits, isna
from carbonpeak.report.narrative import due, is_final
from carbonpeak.report.rows import (
    entry,
    group_heading,
    is_milestone,
    not_applicable,
    note,
    ordered,
    reason_text,
    status_of,
    stretch,
    unrated,
)
from carbonpeak.report.view import HTML, headed, phrases, say, section, words
from carbonpeak.status import reason_word

FOOTNOTE_MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟"


def mark(i: int) -> str:
    return FOOTNOTE_MARKS[i] if i < len(FOOTNOTE_MARKS) else f"({i + 1})"


def not_rated_notes(ctx: ReportContext) -> dict[str, int]:
    """indicator_id -> the number of its note under the overview table (in table order)."""
    rows = [r for r in ordered(ctx.indicators).itertuples() if unrated(r)]
    return {r.indicator_id: n for n, r in enumerate(rows, start=1)}


def target_text(row, unit: str, nd: int | None = None) -> tuple[str, str]:
    """('16.0%', '力争18.0%'): the target and the stretch target in the requirement's digits."""
    if isna(row.target_value):
        return "—", ""
    st = "" if isna(row.stretch_target_value) else "力争" + fmt.value(
        row.stretch_target_value, unit, nd)
    return fmt.value(row.target_value, unit, nd), st


def _change(v, unit, nd) -> str:
    u = "个百分点" if unit == "%" else unit
    return fmt.num(abs(float(v)), nd) + u


def arithmetic(row) -> str:
    """The sum behind a yellow or red light (grading.explain), in the report's digits and
    true minus signs, worded in phrases.yml; '' when there is none to show."""
    ex = grading.explain(row)
    if ex is None:
        return ""
    unit = str(ex["unit"] or "")
    nd, need = fmt.beside(row)  # the digits at which the value and the requirement differ
    v = {"year": ex["year"], "base_year": ex["base_year"],
         "completion": fmt.pct(100 * ex["completion"])}
    method = ex["method"]
    now = due(row, ex["year"])  # a target due this year: the target itself, not a pace
    if method == "direction_and_pace":
        v.update(required=fmt.pct(ex["required"], 2), done=fmt.pct(abs(ex["value"]), 2),
                 done_word="下降" if ex["value"] >= 0 else "上升",
                 limit=say("explain.limit_rise" if ex["value"] < 0
                           else "explain.limit_slow" + ("_final" if now else "")))
        key = method
    else:
        v.update(base=fmt.value(ex["base"], unit), required=fmt.value(ex["required"], unit, need),
                 value=fmt.value(ex["value"], unit, nd),
                 verb="提高" if ex["due"] >= 0 else "减少",
                 actual_verb="提高" if ex["done"] >= 0 else "减少",
                 due=_change(ex["due"], unit, need), done=_change(ex["done"], unit, nd),
                 gap=_change(ex["gap"], unit, nd), limit=_change(ex["limit"], unit, digits(unit)))
        key = method
        if method in ("relative_gap", "budget_cap"):
            v["max_gap"] = fmt.pct(100 * ex["max_gap"])
            if entry(row.indicator_id, row).get("kind") in ("count", "amount"):
                key = "relative_gap_count"
        else:
            bands = reference.grading()["presets"][ex["preset"]]["bands"]
            v.update(green=fmt.pct(100 * bands["green"]), yellow=fmt.pct(100 * bands["yellow"]))
    if now and f"{key}_final" in phrases()["explain"]:
        key += "_final"
    text = say(f"explain.{key}", **v)
    if stretch(row):
        text += say("explain.stretch", rule=grading.stretch_text(final=now).rstrip("。"))
    return text


def overview_view(ctx: ReportContext, rows: pd.DataFrame | None = None) -> dict:
    rows = ordered(ctx.indicators if rows is None else rows)
    years = rows["target_year"].dropna().astype(int)
    main_year = int(years.mode().iloc[0]) if len(years) else ctx.year
    groups = {g["id"]: g for g in reference.task_groups()}
    out, notes, checks, current = [], [], [], None
    final = is_final(ctx)
    for row in rows.itertuples():
        e = entry(row.indicator_id, row)
        gid = e.get("task_group") or "other"
        if gid != current:
            current = gid
            g = groups.get(gid, {"title_zh": "其他指标", "section": ""})
            out.append({"group": group_heading(g)})
        st = status_of(row)
        milestone = is_milestone(row, e)
        now = due(row, ctx.year)  # met or not met, not a pace
        short = phrases()["status_final" if now else (
            "status_budget" if e.get("kind") == "budget" else "status_short")]
        delta = (row.value - row.prev_value) if not (isna(row.value) or isna(row.prev_value)) \
            else None
        r = {"name": e["name_zh"], "ref": "", "judged": "", "value_note": "",
             "target_note": "", "status": st, "word": short.get(st, ""), "na": False,
             "fn": None, "prev": None if isna(row.prev_status) or not_applicable(row) else row.prev_status,
             "delta": fmt.signed(delta, fmt.digits(row.unit)) if delta is not None else "—",
             "rank": (f"{int(row.rank)}/{int(row.rank_of)}" if not isna(row.rank)
                      and not isna(row.rank_of) else "—"),
             "stretch_target": stretch(row)}
        if milestone:  # a judgement: its first clause here, the whole note under the name
            # the (projected) peak year, short enough for the value column; the judgement
            # with its numbers follows under the name
            r["value"] = (say("overview.peak_year", year=fmt.year(row.value))
                          if not isna(row.value) else note(row).split("，")[0].split("（")[0])
            r["target"] = "—" if isna(row.target_value) else f"{fmt.year(row.target_value)}年前"
            r["stretch"] = ""
            r["required"] = "—"
            r["judged"] = note(row) if note(row) != r["value"] else ""
        else:
            nd, need = fmt.beside(row)  # beside a yellow or red light: digits that differ
            r["value"] = fmt.value(row.value, row.unit, nd)
            r["value_note"] = note(row)
            r["target"], r["stretch"] = target_text(row, row.unit, need)
            r["required"] = fmt.value(row.required_value, row.unit, need)
            if e.get("kind") == "budget":
                r["target_note"] = say("overview.budget_year", year=ctx.year)
            elif not isna(row.target_year) and int(row.target_year) != main_year:
                r["target_note"] = f"{int(row.target_year)}年"
            if now and r["stretch"] and str(getattr(row, "stretch_met", "")) in ("True", "False"):
                r["stretch"] += say("overview.stretch_met" if str(row.stretch_met) == "True"
                                    else "overview.stretch_missed")
            if str(getattr(row, "target_illustrative", "")) in ("True", "true", "1"):
                r["target_note"] = "，".join(filter(None, [r["target_note"],
                                                         say("overview.illustrative")]))
        if not_applicable(row):
            r["na"], r["word"] = True, reason_word("not_applicable")
        elif st == "not_rated":
            notes.append({"id": f"fn-{ctx.region_code}-{len(notes) + 1}",
                          "mark": mark(len(notes)), "name": e["short_zh"],
                          "reason": reason_text(row)})
            r["fn"] = {"href": f"#fn-{ctx.region_code}-{len(notes)}", "mark": mark(len(notes) - 1)}
        elif st in ("yellow", "red") and (sum_zh := arithmetic(row)):
            checks.append({"name": e["short_zh"], "reason": sum_zh, "row": r})
        sect = str(e.get("plan_section") or "")
        g = groups.get(gid, {})
        if sect not in (f"{g.get('section', '')}、{g.get('title_zh', '')}", g.get("section")):
            r["ref"] = sect  # the group row above does not say it already
        out.append(r)
    # the sums behind yellow and red lights, numbered after the not-rated notes (whose
    # numbers the task-group tables repeat)
    for c in checks:
        n = len(notes) + 1
        notes.append({"id": f"fn-{ctx.region_code}-{n}", "mark": mark(n - 1), "name": c["name"],
                      "reason": c["reason"]})
        c["row"]["fn"] = {"href": f"#fn-{ctx.region_code}-{n}", "mark": mark(n - 1)}
    level = reference.level_words(reference.peers(ctx.region_code)[0])
    absent = "、".join(entry(i)["short_zh"] for i in ctx.not_provided)
    return {"rows": out, "notes": notes, "main_year": main_year, "final": final,
            "words": words(final), "peers": level["peers"],
            "not_provided": say("overview.not_provided", n=len(ctx.not_provided), names=absent,
                                word=reason_word("not_provided"))
            if ctx.not_provided else "",
            "legend": status.legend_text((
                status.reason_of(r.status, getattr(r, "status_reason", None))
                for r in rows.itertuples()), phrases()["legend_where"]["overview"])}


def headline_table(ctx: ReportContext, rows: pd.DataFrame | None = None) -> HTML:
    return headed("overview", section("overview", **overview_view(ctx, rows)), ctx.is_province,
                  words(is_final(ctx)))
