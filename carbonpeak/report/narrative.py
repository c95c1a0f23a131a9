"""The generated narrative: which phrase of phrases.yml applies to an indicator, a driver, the
peak outlook, and the page-1 key messages. Words live in the phrase file; this module only
chooses the pattern and formats the numbers that fill it."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.report import fmt, scope
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import isna
from carbonpeak.report.outlook import PEAK_DEADLINE, outlook_sentence, peak_row  # noqa: F401
from carbonpeak.report.rows import (
    RATED,
    entry,
    higher_is_better,
    is_milestone,
    not_applicable,
    note,
    ordered,
    reason_text,
    status_of,
    stretch,
    subject,
    unrated,
)
from carbonpeak.report.view import phrases, say
from carbonpeak.status import word as status_word


def due(row, year: int) -> bool:
    """The row's target year is the reporting year: met or not met, no longer a pace."""
    ty = getattr(row, "target_year", None)
    return not isna(ty) and int(float(ty)) == int(year)


def is_final(ctx: ReportContext) -> bool:
    """The report is its plan period's final evaluation (终期评估): the chain's one rule
    (pipeline.Pipeline.is_final), which also picks the titles the runner prints, so the
    cover, the summary, the province page, 下一步工作 and the index never disagree."""
    return ctx.chain.is_final(ctx.period)


def plan_period(ctx: ReportContext) -> dict | None:
    """The plan period of the reporting year (plan_periods.yml), None outside every period."""
    try:
        return reference.plan_period_for(ctx.year)
    except KeyError:
        return None


def illustrative_targets(ind: pd.DataFrame) -> bool:
    """Some target of these rows is an illustrative sample value (示例值)."""
    return "target_illustrative" in ind and ind["target_illustrative"].astype(str).isin(
        ["True", "true", "1"]).any()


def light_word(status: str) -> str:
    return status_word(status)


def gap(row) -> float:
    return abs(float(row.required_value) - float(row.value))


def value_phrase(row, e: dict) -> str:
    """'单位工业增加值能耗较2020年下降20.8%' / '…不降反升6.5%' / '分布式光伏新增为645.0万千瓦'
    (beside a yellow or red light, in the digits that show how it differs: fmt.beside)."""
    nd = fmt.beside(row)[0]
    if e.get("kind") == "intensity_reduction":
        base = fmt.year(getattr(row, "baseline_year", None)) if not isna(
            getattr(row, "baseline_year", None)) else str(e.get("baseline_year", 2020))
        v = float(row.value)
        if fmt.num(v, nd) == fmt.num(0, nd):
            return say("value.reduction_zero", subject=subject(e), base=base)
        key = "value.reduction" if v > 0 else "value.reduction_rise"
        return say(key, subject=subject(e), base=base, value=fmt.num(abs(v), nd) + "%")
    return say("value.level", name=e["short_zh"], value=fmt.value(row.value, row.unit, nd))


def required_phrase(row, e: dict, final: bool = False) -> str:
    nd = fmt.beside(row)[1]
    if final:  # the target itself, not a pace
        if e.get("kind") == "intensity_reduction":
            return say("required.final_reduction", target=fmt.num(row.target_value, nd) + "%")
        return say("required.final_level", target=fmt.value(row.target_value, row.unit, nd))
    if e.get("kind") == "budget":
        return say("required.budget", year=int(row.year), budget=fmt.value(
            row.required_value, row.unit, nd))
    if e.get("kind") == "intensity_reduction":
        return say("required.reduction", required=fmt.num(row.required_value, nd) + "%")
    return say("required.level", required=fmt.value(row.required_value, row.unit, nd))


def rank_phrase(rank, rank_of, region_code: str) -> str:
    """Among all the region's peers (a city among the cities, a county among its city's
    counties): 首位 / 末位 / 第r位; among fewer (only some have data) it says so."""
    if isna(rank) or isna(rank_of):
        return ""
    r, n = int(rank), int(rank_of)
    if n < 2:
        return ""
    peers = reference.peers(region_code)
    prefix = "rank." if n >= len(peers) else "rank.short_"
    where = "first" if r == 1 else ("last" if r == n else "middle")
    return say(prefix + where, n=n, rank=r, peers=reference.level_words(peers[0])["peers"])



def milestone_sentence(row, e: dict) -> str:
    name, st = e["short_zh"], status_of(row)
    n = note(row)
    if not isna(row.value) and not isna(row.target_value):
        v, t = int(float(row.value)), int(float(row.target_value))
        key = "milestone.early" if v < t else ("milestone.on_time" if v == t else "milestone.late")
        return say(key, name=name, value=v, target=t, light=light_word(st))
    if n:
        return say("milestone.judged", name=name, note=n.rstrip("。"), light=light_word(st))
    return say("milestone.plain", name=name, word=phrases()["status_words"][st],
               light=light_word(st))


def indicator_sentence(ctx: ReportContext, row) -> str:
    """One indicator in words: value, required pace, status and by how much, rank, outlook."""
    e = entry(row.indicator_id, row)
    name = e["short_zh"]
    st = status_of(row)
    if not_applicable(row):
        return say("verdict.not_applicable", name=name)
    if st not in RATED:
        return say("verdict.not_rated", name=name, reason=reason_text(row))
    if is_milestone(row, e) or isna(row.value) or isna(row.required_value):
        return milestone_sentence(row, e)
    unit = row.unit
    rise = e.get("kind") == "intensity_reduction" and float(row.value) < 0
    g = fmt.magnitude(gap(row), unit, fmt.beside(row)[0])
    final = due(row, ctx.year)
    words = "verdict_final" if final else (
        "verdict_budget" if e.get("kind") == "budget" else "verdict")
    if st == "red" and rise:
        verdict = say(f"{words}.red_rise")
    else:
        verdict = say(f"{words}.{st}", gap=g)
    s = f"{value_phrase(row, e)}，{required_phrase(row, e, final)}，{verdict}"
    if stretch(row):
        s = fmt.tagged(s, say("stretch_target"))
    met = str(getattr(row, "stretch_met", ""))
    if not isna(row.stretch_target_value) and (met == "True" or (final and met == "False")):
        key = ("stretch_final_met" if met == "True" else "stretch_final_missed") if final \
            else "stretch_met"
        s += say(key, stretch=fmt.value(row.stretch_target_value, unit))
    if rank := rank_phrase(row.rank, row.rank_of, row.region_code):
        s += f"；{rank}"
    if pair := scope.intensity_pair(ctx, row):
        s += f"；{pair}"
    proj, py, tgt = row.projected_value, row.projection_year, row.target_value
    if not isna(proj) and not isna(py) and ctx.year < int(py) and not isna(tgt):
        reach = proj >= tgt if higher_is_better(e) else proj <= tgt
        s += say("projection.reach" if reach else "projection.miss", year=int(py),
                 value=fmt.value(proj, unit), target=fmt.value(tgt, unit))
    return s + "。"


def driver_sentence(ctx: ReportContext) -> str | None:
    """The main driver of the change in energy intensity, from the LMDI decomposition."""
    d = ctx.decomposition
    if d is None or d.empty:
        return None
    eff = d.set_index("effect")["value"]
    if not {"structure", "intensity", "total"} <= set(eff.index):
        return None
    st, it, tot = float(eff["structure"]), float(eff["intensity"]), float(eff["total"])
    main = "structure" if abs(st) >= abs(it) else "intensity"
    nd = fmt.DRIVER_DIGITS
    val = st if main == "structure" else it
    return say("driver", base=int(d["base_year"].iloc[0]), year=int(d["year"].iloc[0]),
               trend="下降" if tot < 0 else "上升", total=fmt.num(abs(tot), nd),
               what=phrases()["driver_what"][main], direction="拉低" if val < 0 else "推高",
               effect=fmt.num(abs(val), nd), structure=fmt.signed(st, nd),
               intensity=fmt.signed(it, nd))


def counts(ind: pd.DataFrame) -> dict[str, int]:
    rows = list(ind.itertuples())
    n = {s: sum(status_of(r) == s for r in rows) for s in RATED}
    n["not_rated"] = sum(unrated(r) for r in rows)
    n["not_applicable"] = sum(not_applicable(r) for r in rows)
    return n


def due_counts(ctx: ReportContext) -> dict[str, int]:
    """Targets falling due this year: how many, met (green) and not met (yellow or red);
    and how many rated rows have a later target year (still graded against a pace)."""
    rows = [r for r in ctx.indicators.itertuples() if status_of(r) in RATED]
    now = [r for r in rows if due(r, ctx.year)]
    later = sorted({int(float(r.target_year)) for r in rows
                    if not due(r, ctx.year) and not isna(r.target_year)})
    return {"year": ctx.year, "due": len(now),
            "met": sum(status_of(r) == "green" for r in now),
            "unmet": sum(status_of(r) in ("yellow", "red") for r in now),
            "unmet_red": sum(status_of(r) == "red" for r in now),
            "later": len(rows) - len(now), "later_years": "、".join(map(str, later))}


def summary_sentences(ctx: ReportContext) -> list[str]:
    """The verdict in words, derived from the rows (never fixed text): how many lights of
    each colour, which targets are behind and by how much, what is met, what is not rated
    and why, the main driver, the 2030 outlook, and the data-quality verdict."""
    ind = ctx.indicators
    n = counts(ind)
    rated = n["green"] + n["yellow"] + n["red"]
    final = is_final(ctx)
    head = say("summary.head", year=ctx.year, region=ctx.region_name,
               n=len(ind) - n["not_applicable"])
    if final and rated:
        d = due_counts(ctx)
        head = say("summary.head_final", period=plan_period(ctx)["name_zh"], **d) + head
        head += say("summary.rated_final", rated=rated, **d)
    else:
        head += (say("summary.rated", rated=rated, **{k: n[k] for k in RATED}) if rated
                 else say("summary.none_rated"))
    if n["not_rated"] and rated:
        head += say("summary.unrated", n=n["not_rated"])
    if n["not_applicable"]:
        head += say("summary.not_applicable", n=n["not_applicable"])
    out = [head + "。"]
    for status in ("red", "yellow"):
        for row in ordered(ind[ind["status"] == status]).itertuples():
            out.append(indicator_sentence(ctx, row))
    met = [fmt.tagged(fmt.tagged(entry(r.indicator_id, r)["short_zh"],
                                 say("stretch_target") if stretch(r) else ""),
                      rank_phrase(r.rank, r.rank_of, r.region_code))
           for r in ordered(ind[ind["status"] == "green"]).itertuples()]
    if met:
        out.append(say("summary.met_final" if final else "summary.met", names="、".join(met)))
    reasons: dict[str, list[str]] = {}
    for row in ordered(ind).itertuples():
        if unrated(row):
            reasons.setdefault(reason_text(row), []).append(entry(row.indicator_id, row)["short_zh"])
    for r, names in reasons.items():
        out.append(say("summary.unrated_list", names="、".join(names), reason=r))
    out += [s for s in (driver_sentence(ctx), outlook_sentence(ctx)) if s]
    if q := quality_sentence(ctx):
        out.append(q)
    return out


def quality_sentence(ctx: ReportContext) -> str | None:
    v = ctx.verdict
    if v.get("verdict") == "fail":
        return say("summary.quality_fail", errors=v.get("errors", 0))
    if v.get("verdict") == "warning":
        return say("summary.quality_warning", warnings=v.get("warnings", 0))
    return None


STATUS_RANK = {"green": 0, "yellow": 1, "red": 2}


def _changes(ind: pd.DataFrame) -> str | None:
    """Moves since last year; None when nothing was rated both years (a period's first
    year has no rated previous year for its new indicators)."""
    better, worse, compared = [], [], 0
    for r in ordered(ind).itertuples():
        now, before = status_of(r), getattr(r, "prev_status", None)
        if now not in STATUS_RANK or before not in STATUS_RANK:
            continue
        compared += 1
        if now == before:
            continue
        (better if STATUS_RANK[now] < STATUS_RANK[before] else worse).append(
            entry(r.indicator_id, r)["short_zh"])
    parts = []
    if better:
        parts.append(say("key.improved", n=len(better), names="、".join(better)))
    if worse:
        parts.append(say("key.worsened", n=len(worse), names="、".join(worse)))
    if parts:
        return say("key.changes", parts="，".join(parts))
    if not compared:
        return None
    rated = sum(status_of(r) in STATUS_RANK for r in ind.itertuples())
    return say("key.unchanged") if compared == rated else say("key.unchanged_some", n=compared)


def _behind(ind: pd.DataFrame, limit: int = 4, final: bool = False) -> str:
    rows = [r for r in ordered(ind).itertuples() if status_of(r) in ("red", "yellow")]
    if not rows:
        return say("key.all_met" if final else "key.all_on_pace")
    rows.sort(key=lambda r: 0 if status_of(r) == "red" else 1)
    items = []
    for r in rows[:limit]:
        e = entry(r.indicator_id, r)
        name = e["short_zh"]
        if e.get("kind") == "intensity_reduction" and not isna(r.value) and float(r.value) < 0:
            name, how = subject(e), say("key.behind_rise")
        elif isna(r.value) or isna(r.required_value):
            how = f"：{note(r).split('，')[0]}" if note(r) else ""
        else:
            how = say("key.behind_budget" if e.get("kind") == "budget" else "key.behind_gap",
                      gap=fmt.magnitude(gap(r), r.unit, fmt.beside(r)[0]))
        items.append(say("key.behind_item", name=name, gap=how,
                         light=light_word(status_of(r))))
    text = "；".join(items)
    if len(rows) > limit:
        text += f"等{len(rows)}项"
    return say("key.behind_final" if final else "key.behind", items=text)


def lagging_cities(ctx: ReportContext, group: str = "main_targets",
                   due_in: int | None = None) -> list[tuple[str, list[str]]]:
    """Municipalities with a red or yellow main target, with those targets (only targets
    falling due in `due_in` when given: the final evaluation's unmet ones): most targets
    behind first (the count page 1 prints), then most red, then in regions.csv order."""
    a = ctx.all_regions
    if due_in is not None:
        a = a[[due(r, due_in) for r in a.itertuples()]]
    ids = [i for i, e in reference.catalog().items() if e.get("task_group") == group]
    out = []
    for code in reference.children(reference.province_code()):
        mine = a[(a["region_code"] == code) & a["indicator_id"].isin(ids)]
        behind = ordered(mine[mine["status"].isin(["red", "yellow"])])
        if len(behind):
            reds = int((behind["status"] == "red").sum())
            out.append((reds, len(behind), reference.region_name(code),
                        [entry(i)["short_zh"] for i in behind["indicator_id"]]))
    out.sort(key=lambda x: (-x[1], -x[0]))  # stable: ties keep regions.csv order
    return [(name, names) for _, _, name, names in out]


def lagging_sentence(lag: list[tuple[str, list[str]]], short: bool = False,
                     final: bool = False) -> str:
    """The lagging cities by name; `short` (page 1) gives how many targets, not which; in a
    final evaluation they are the cities whose targets were not met."""
    tail = "_final" if final else ""
    if not lag:
        return say("key.no_lagging_cities" + tail)
    items = "、".join(say("key.lagging_city_count", city=c, n=len(ns)) if short
                      else say("key.lagging_city", city=c, names="、".join(ns)) for c, ns in lag)
    return say("key.lagging_cities" + tail, n=len(lag), items=items)


def key_messages(ctx: ReportContext) -> list[str]:
    """Three to five sentences for page 1: the lights, what changed since last year, which
    targets are behind and by how much, (province) the lagging cities, the peak outlook."""
    ind = ctx.indicators
    n = counts(ind)
    rest = ""
    if n["not_rated"]:
        rest += say("key.lights_unrated", n=n["not_rated"])
    if n["not_applicable"]:
        rest += say("key.lights_na", n=n["not_applicable"])
    final = is_final(ctx)
    if final:
        d = due_counts(ctx)
        later = say("key.lights_later", **d) if d["later"] else ""
        msgs = [say("key.lights_final", period=plan_period(ctx)["name_zh"], rest=rest,
                    later_part=later, **d)]
    else:
        msgs = [say("key.lights", year=ctx.year, n=len(ind) - n["not_applicable"],
                    green=n["green"], yellow=n["yellow"], red=n["red"], rest=rest)]
    due_rows = ind[[due(r, ctx.year) for r in ind.itertuples()]] if final else ind
    msgs.append(_behind(due_rows, final=final))
    if ctx.is_province:
        lag = lagging_cities(ctx, due_in=ctx.year if final else None)
        msgs.append(lagging_sentence(lag, short=True, final=final))
    if "prev_status" in ind and ind["prev_status"].notna().any() and (c := _changes(ind)):
        msgs.append(c)
    if s := outlook_sentence(ctx):
        msgs.append(s)
    if q := quality_sentence(ctx):
        msgs.append(q)
    return msgs[:5]
