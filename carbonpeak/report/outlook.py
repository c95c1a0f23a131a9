"""The 2030 peak outlook in words: the page-1 sentence and the peak section's sentences, all
from the one verdict row (peak_outlook.csv) and the projection the chart draws
(peak_projection.csv), so that text and chart quote the same numbers."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.report import fmt, scope
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import isna
from carbonpeak.report.view import say
from carbonpeak.report_reads import own

PEAK_DEADLINE = 2030
PP_DIGITS = 2  # a change of growth, 个百分点/年: as in the verdict's note


def peak_row(ctx: ReportContext, code: str | None = None):
    if ctx.peak is None:
        return None
    p = own(ctx.peak, code or ctx.region_code)
    return None if p.empty else p.iloc[0]


def _true(v) -> bool:
    return str(v) == "True" or v is True


def outlook_sentence(ctx: ReportContext, code: str | None = None) -> str | None:
    """The 2030 peak outlook in one sentence."""
    p = peak_row(ctx, code)
    if p is None:
        return None
    label = p.get("label_zh") or "—"
    cls = p["classification"]
    if cls == "insufficient_data":
        return say("outlook.insufficient", label=label)
    s = say("outlook.head", label=label)
    if not isna(p.get("last_value")):
        listed = p.get("state_listed_co2")
        other = "" if isna(listed) or not float(listed) else say(
            "outlook.last_other", scope=scope.word("excl"),
            value=fmt.num(float(p["last_value"]) - float(listed), 0))
        s += say("outlook.last", year=int(p["last_year"]), value=fmt.num(p["last_value"], 0),
                 scope=scope.word("total"), other=other)
    if not isna(p.get("max_year")) and cls != "rising":
        s += say("outlook.max", year=int(p["max_year"]))
    if cls == "rising":
        py = p.get("projected_peak_year")
        s += (say("outlook.projected", year=int(py)) if not isna(py)
              else say("outlook.not_before", deadline=PEAK_DEADLINE))
        if _true(p.get("on_track")):
            s += say("outlook.on_track", deadline=PEAK_DEADLINE)
        elif not isna(p.get("required_change_pp")):
            s += say("outlook.need", pp=fmt.num(abs(p["required_change_pp"]), PP_DIGITS),
                     deadline=PEAK_DEADLINE)
    elif cls == "plateau":
        s += say("outlook.stalled" if _true(p.get("stalled")) else "outlook.plateau")
    return s + "。"


def _at(proj: pd.DataFrame, scenario: str, year: int) -> float | None:
    hit = proj[(proj["scenario"] == scenario) & (proj["year"] == year)]
    return None if hit.empty else float(hit["co2"].iloc[0])


def marks(p, proj: pd.DataFrame | None) -> dict:
    """The numbers the chart labels and the text quotes: the projected peak (year, level) on
    the trend line, else the trend's level in the deadline year; the required path's level
    there when the region is not on track."""
    out: dict = {}
    if p is None or proj is None or proj.empty:
        return out
    py = p.get("projected_peak_year")
    last = int(proj["year"].min())
    if p["classification"] == "rising" and not isna(py) and last < int(py) <= PEAK_DEADLINE:
        out["peak"] = (int(py), _at(proj, "trend", int(py)))
    else:
        out["end"] = (PEAK_DEADLINE, _at(proj, "trend", PEAK_DEADLINE),
                      _at(proj, "trend_low", PEAK_DEADLINE), _at(proj, "trend_high", PEAK_DEADLINE))
    if p["classification"] == "rising" and not _true(p.get("on_track")):
        out["required"] = (PEAK_DEADLINE, _at(proj, "required", PEAK_DEADLINE))
    return out


def section_sentences(p, proj: pd.DataFrame | None) -> list[str]:
    """What the outlook rests on (the one growth measure g and its yearly change d) and what
    the chart draws from it (the projected peak or the deadline level; the required path)."""
    if p is None or isna(p.get("growth_pct")):
        return []
    cfg = reference.grading()["peak"]
    end = fmt.year(p.get("data_end_year") if not isna(p.get("data_end_year"))
                   else p.get("last_year"))
    d = p.get("growth_change_pp")
    slowing = (say("peak.slowing", d=fmt.num(-float(d), PP_DIGITS))
               if not isna(d) and float(d) < 0 else "")
    out = [say("peak.basis", start=fmt.year(p.get("window_start")), end=end,
               window=cfg["window"], growth=fmt.signed(p.get("growth_pct")),
               low=fmt.signed(p.get("growth_low_pct")), high=fmt.signed(p.get("growth_high_pct")),
               slowing=slowing)]
    if _true(p.get("stalled")):
        return out + [say("peak.stalled", end=end, drop=fmt.num(p.get("last_below_max_pct"), 0))]
    m = marks(p, proj)
    if "peak" in m:
        out.append(say("peak.trend_peak", year=m["peak"][0], level=fmt.num(m["peak"][1], 0)))
    elif "end" in m and m["end"][1] is not None:
        out.append(say("peak.trend_end", year=m["end"][0], level=fmt.num(m["end"][1], 0),
                       low=fmt.num(m["end"][2], 0), high=fmt.num(m["end"][3], 0)))
    if p["classification"] == "rising" and not _true(p.get("on_track")) and not isna(
            p.get("required_change_pp")):
        req = m.get("required", (None, None))[1]
        level = "" if req is None else say("peak.required_level", level=fmt.num(req, 0))
        out.append(say("peak.required", growth=fmt.signed(p.get("growth_pct")),
                       pp=fmt.num(abs(float(p["required_change_pp"])), PP_DIGITS),
                       deadline=PEAK_DEADLINE, level=level))
    return out
