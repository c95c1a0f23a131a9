"""outputs/Y/index.html: every region with its headline lights, a tally of all its lights,
its data-quality verdict and links to its HTML, PDF and downloads. Self-contained like the
reports (same stylesheet, no scripts, no external reference), so it opens offline."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from carbonpeak import reference
from carbonpeak.report import VERDICT_ZH, download_files, fmt_value
from carbonpeak.report.fmt import isna
from carbonpeak.report.front import banner
from carbonpeak.report.narrative import counts
from carbonpeak.report.view import css
from carbonpeak.report.view import render as render_template

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
    if row.get("unit") != "年":
        return fmt_value(row["value"], row["unit"])
    note = row.get("note")
    first = str(note).split("，")[0].split("（")[0] if isinstance(note, str) and note else ""
    if isna(row["value"]):
        return first or "—"
    y = int(float(row["value"]))
    if "达峰" in first:
        return first
    return f"{first}，预计{y}年达峰" if first else f"预计{y}年达峰"


def view(year_dir: Path, year: int) -> dict:
    ind_path = year_dir / "indicators.csv"
    ind = (pd.read_csv(ind_path, dtype={"region_code": str}) if ind_path.exists()
           else pd.DataFrame(columns=["region_code", "indicator_id", "status", "value", "unit"]))
    qpath = year_dir / "quality" / "results.json"
    verdicts = (json.loads(qpath.read_text(encoding="utf-8")).get("verdicts", {})
                if qpath.exists() else {})
    run_path = year_dir / "run.json"
    dataset = (json.loads(run_path.read_text(encoding="utf-8")).get("dataset", {})
               if run_path.exists() else {})
    status_path = year_dir / "status.json"  # the runner's record of which reports are current
    states = (json.loads(status_path.read_text(encoding="utf-8")).get("regions", {})
              if status_path.exists() else {})
    catalog = reference.catalog()
    ids = headline_ids(ind)
    rows = []
    for r in reference.regions():
        code = r["region_code"]
        mine = ind[ind["region_code"] == code]
        cells = []
        for ind_id in ids:
            row = mine[mine["indicator_id"] == ind_id]
            cells.append(None if row.empty else {"status": row.iloc[0]["status"],
                                                 "value": headline_value(row.iloc[0], year)})
        n = counts(mine) if len(mine) else {}
        files = [("report.html", "网页版"), ("report.pdf", "PDF"), *download_files(code)]
        rows.append({"name": r["name"], "code": code, "cells": cells,
                     "tally": [{"status": s, "n": n.get(s, 0)}
                               for s in ("green", "yellow", "red", "not_rated")],
                     "verdict": VERDICT_ZH.get(verdicts.get(code, {}).get("verdict"), "—"),
                     "links": [{"href": f"{code}/{f}", "label": label} for f, label in files
                               if (year_dir / code / f).exists()],
                     "stale": states.get(code, {}).get("state") in ("stale", "failed")})
    return {"title": f"浙江省工业领域碳达峰进度报告（{year}年）", "banner": banner(dataset),
            "vintage": dataset.get("vintage_zh", "—"), "css": css(),
            "heads": [catalog[i]["short_zh"] for i in ids], "rows": rows}


def render(year_dir: Path, year: int) -> str:
    return render_template("index_page.html.j2", **view(year_dir, year))
