"""outputs/Y/index.html: every region with its headline lights, a tally of all its lights,
its data-quality verdict and links to its HTML, PDF and downloads. Self-contained like the
reports (same stylesheet, no scripts, no external reference), so it opens offline."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from carbonpeak import reference
from carbonpeak import render as _render_mod
from carbonpeak.report import VERDICT_ZH, download_files, esc, fmt_value, light

STALE_ZH = "报告基于旧数据，未能按最新数据更新"
HEADLINE_GROUP = "main_targets"  # the plan's 二、主要目标 are the headline lights


def headline_ids(ind: pd.DataFrame) -> list[str]:
    """The 主要目标 indicators present in this run, in catalog order."""
    present = set(ind["indicator_id"])
    cat = reference.catalog()
    ids = [i for i, e in cat.items() if e.get("task_group") == HEADLINE_GROUP and i in present]
    return ids or [i for i in cat if i in present][:3]


def render(year_dir: Path, year: int) -> str:
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
    heads = "".join(f"<th>{esc(catalog[i]['short_zh'])}</th>" for i in ids)
    rows = []
    for r in reference.regions():
        code = r["region_code"]
        mine = ind[ind["region_code"] == code]
        cells = []
        for ind_id in ids:
            row = mine[mine["indicator_id"] == ind_id]
            if row.empty:
                cells.append("<td>—</td>")
            else:
                x = row.iloc[0]
                cells.append(f"<td>{light(x['status'])}<br><span class=note>"
                             f"{esc(fmt_value(x['value'], x['unit']))}</span></td>")
        tally = " ".join(f"{light(s)}{int((mine['status'] == s).sum())}"
                         for s in ("green", "yellow", "red", "not_rated"))
        links = []
        files = [("report.html", "网页版"), ("report.pdf", "PDF"), *download_files(code)]
        for fname, label in files:
            if (year_dir / code / fname).exists():
                links.append(f'<a href="{esc(code)}/{esc(fname)}">{esc(label)}</a>')
        verdict = verdicts.get(code, {}).get("verdict")
        rows.append(
            f"<tr><th scope=row><strong>{esc(r['name'])}</strong><br>"
            f"<span class=note>{esc(code)}</span></th>"
            + "".join(cells)
            + f'<td class="tally-cell">{tally}</td>'
            + f"<td>{esc(VERDICT_ZH.get(verdict, '—'))}</td>"
            + f"<td>{' · '.join(links) or '报告未生成'}"
            + (f'<br><strong class="stale">{esc(STALE_ZH)}</strong>'
               if links and states.get(code, {}).get("state") in ("stale", "failed") else "")
            + "</td></tr>"
        )
    banner = (f'<div class="banner">{esc(dataset.get("banner_zh", ""))}</div>'
              if dataset.get("illustrative") else "")
    title = f"浙江省工业领域碳达峰进度报告（{year}年）"
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_render_mod.css()}</style></head><body>"
        f'<main class="report">{banner}<h1>{esc(title)}</h1>'
        f'<p class="note">数据版本：{esc(dataset.get("vintage_zh", "—"))}。'
        "主要目标各列为该项指标的状态与实际值；“全部指标”为各状态的指标数。"
        "状态：绿＝达到序时进度，黄＝落后于序时进度，红＝明显落后或不降反升，"
        "未评级＝数据缺失、未通过质量检查或仅考核全省。</p>"
        f'<div class="table-scroll"><table class="index"><thead><tr><th>地区</th>{heads}'
        f"<th>全部指标</th><th>数据质量</th><th>报告与下载</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        '<p class="note">数据质量明细见 <a href="quality/summary.csv">quality/summary.csv</a>；'
        '全部地区全部指标见 <a href="indicators.csv">indicators.csv</a>。'
        "下载文件为 UTF-8 编码的 CSV 与 Excel 工作簿，不含企业数据。</p>"
        "</main></body></html>"
    )
