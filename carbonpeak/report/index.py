"""outputs/<period>/index.html: every region with its headline lights, a tally of all its lights,
its data-quality verdict and links to its HTML, PDF and downloads. Self-contained like the
reports (same stylesheet, no scripts, no external reference), so it opens offline."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonpeak import pipeline, reference, runfolder, status
from carbonpeak.brief.downloads import download_files as brief_download_files
from carbonpeak.period import Period
from carbonpeak.report import download_files, fmt_value, verdict_word
from carbonpeak.report.appendix import verdict_legend
from carbonpeak.report.fmt import beside, isna
from carbonpeak.report.front import banner
from carbonpeak.report.narrative import counts
from carbonpeak.report.view import css, phrases, words
from carbonpeak.report.view import render as render_template
from carbonpeak.status import KEYS as STATUSES

HEADLINE_GROUP = "main_targets"  # the plan's 二、主要目标 are the headline lights


def headline_ids(ind: pd.DataFrame) -> list[str]:
    """The 主要目标 indicators present in this run, in catalog order."""
    present = set(ind["indicator_id"])
    cat = reference.catalog()
    ids = [i for i, e in cat.items() if e.get("task_group") == HEADLINE_GROUP and i in present]
    return ids or [i for i in cat if i in present][:3]


def headline_value(row, year: int) -> str:
    """The value under a headline light; a peak milestone says its judgement, and a peak
    year that comes from the trend is marked as expected (预计), not reported."""
    if row.get("unit") != "年":  # beside its light: digits that differ from the requirement
        return fmt_value(row["value"], row["unit"], beside(row)[0])
    note = row.get("note")
    first = str(note).split("，")[0].split("（")[0] if isinstance(note, str) and note else ""
    if isna(row["value"]):
        return first or "—"
    y = int(float(row["value"]))
    if "达峰" in first:
        return first
    return f"{first}，预计{y}年达峰" if first else f"预计{y}年达峰"


def _monthly_cells(year_dir: Path, period: Period) -> dict:
    """Heads and per-region cells of a monthly period, worded as the province brief words
    them (the same light_row: value, which side of the budget, 估算); each region's
    data-quality verdict as its brief's cover gives it (the data its lights read:
    brief/basis.py); the revision notice; the notes the cells need."""
    from carbonpeak.brief import basis, load
    from carbonpeak.brief.context import INDICATORS
    from carbonpeak.brief.lights import light_row
    from carbonpeak.brief.revised import index_notice
    from carbonpeak.brief.view import phrases

    ctx = load(year_dir, reference.province_code(), period)
    results = runfolder.RunFolder(year_dir).load_quality_results(missing_ok=True)
    cells, reasons, verdicts = {}, set(), {}
    for code in reference.with_county_rows(set(ctx.barometer["region_code"].astype(str))):
        own = {r["indicator_id"]: r for r in ctx.rows(code).to_dict("records")}
        cells[code] = [light_row(ctx, own[i]) if i in own else None for i in INDICATORS]
        reasons |= {status.reason_of(r.get("status"), r.get("status_reason"))
                    for r in own.values()}
        if results:
            verdicts[code] = basis.verdict(basis.basis(results, code, period))
    estimated = any(c and c["estimated"] for row in cells.values() for c in row)
    return {"heads": [phrases()["names"][i] for i in INDICATORS], "cells": cells,
            "reasons": reasons, "verdicts": verdicts, "revision": index_notice(ctx),
            "notes": [phrases()["estimated_note"]] if estimated else []}


def view(year_dir: Path, period: Period | int) -> dict:
    period = Period.parse(period)
    year = period.year
    folder = runfolder.RunFolder(year_dir)
    ind = folder.load_indicators(missing_ok=True)
    if ind is None:  # a monthly run
        ind = pd.DataFrame(columns=["region_code", "indicator_id", "status", "value", "unit"])
    verdicts = folder.load_quality_results(missing_ok=True).get("verdicts", {})
    dataset = folder.load_run(missing_ok=True).get("dataset", {})
    # the runner's record of which reports are current
    states = folder.load_status().get("regions", {})
    catalog = reference.catalog()
    ids = headline_ids(ind) if period.annual else []
    heads = [catalog[i]["short_zh"] for i in ids]
    shown = ind[ind["status_reason"] != "not_provided"] if "status_reason" in ind else ind
    reasons = {status.reason_of(s, r) for s, r in zip(
        shown["status"], shown.get("status_reason", [None] * len(shown)), strict=True)}
    monthly = _monthly_cells(year_dir, period) if period.is_monthly else {}
    if monthly:
        heads, reasons = monthly["heads"], monthly["reasons"]
        verdicts = {c: {"verdict": v} for c, v in monthly["verdicts"].items()} or verdicts

    def row(code: str) -> dict:
        mine = ind[ind["region_code"] == code]
        if "status_reason" in mine:  # a county's indicators no county data serve: not shown
            mine = mine[mine["status_reason"] != "not_provided"]
        cells = []
        for ind_id in ids:
            row = mine[mine["indicator_id"] == ind_id]
            cells.append(None if row.empty else {"status": row.iloc[0]["status"],
                                                 "value": headline_value(row.iloc[0], year)})
        if period.is_monthly:
            cells = monthly["cells"].get(code, [None] * len(heads))
            n = {s: sum(c is not None and c["status"] == s for c in cells)
                 for s in STATUSES}
        else:
            n = counts(mine) if len(mine) else {}
        extra = brief_download_files(code) if period.is_monthly else download_files(code)
        files = [(runfolder.REPORT["html"], "网页版"), (runfolder.REPORT["pdf"], "PDF"), *extra]
        return {"name": reference.region_name(code), "code": code, "cells": cells,
                     "tally": [{"status": s, "n": n.get(s, 0)}
                               for s in STATUSES],
                     "verdict": verdict_word(verdicts.get(code, {}).get("verdict")),
                     "links": [{"href": f"{code}/{f}", "label": label} for f, label in files
                               if (folder.region(code) / f).exists()],
                "stale": states.get(code, {}).get("state") in ("stale", "failed")}

    rows = [row(code) for code in reference.region_codes()]
    # the counties under each city: those with a report or a row in this run's outputs
    listed = set(states) | set(ind["region_code"].astype(str))
    groups = []
    for city in reference.children(reference.province_code()):
        kids = [c for c in reference.children(city) if c in listed]
        if kids:
            county_rows = [row(c) for c in kids]
            # only the headline columns some county of the city has a value in
            cols = [i for i in range(len(heads)) if any(r["cells"][i] for r in county_rows)]
            for r in county_rows:
                r["cells"] = [r["cells"][i] for i in cols]
            groups.append({"name": reference.region_name(city), "code": city,
                           "rows": county_rows, "heads": [heads[i] for i in cols],
                           "tally": [{"status": s, "n": sum(c["cells"][0]["status"] == s
                                                            for c in county_rows
                                                            if c["cells"] and c["cells"][0])}
                                     for s in STATUSES] if heads else []})
    for r in rows:
        r["counties"] = next((g for g in groups if g["code"] == r["code"]), None)
    chain = pipeline.for_period(period)
    title = chain.chain_title(period)
    lights = (phrases()["vocabulary"]["monthly"]["lights"] if period.is_monthly
              else words(chain.is_final(period))["lights_download"]).format(**status.WORDS)
    return {"title": f"{title}（{period.label_zh}）", "banner": banner(dataset),
            "vintage": dataset.get("vintage_zh", "—"), "css": css(),
            "monthly": period.is_monthly, "months": period.months_label_zh, "heads": heads,
            "rows": rows, "lights": lights, "county_groups": groups,
            "first_head": heads[0] if heads else "",
            "legend": status.legend_text(
                reasons, "" if period.is_monthly else phrases()["legend_where"]["index"]),
            "verdict_legend": verdict_legend(
                verdicts.get(r["code"], {}).get("verdict")
                for r in [*rows, *(c for g in groups for c in g["rows"])]),
            "revision": monthly.get("revision") or {}, "notes": monthly.get("notes", [])}


def render(year_dir: Path, period: Period | int) -> str:
    return render_template("index_page.html.j2", **view(year_dir, period))
