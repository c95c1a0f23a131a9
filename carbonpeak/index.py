"""outputs/Y/index.html: every region with its headline lights, data-quality verdict and
links; self-contained like the reports (same stylesheet, no scripts)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from carbonpeak import reference
from carbonpeak import render as _render_mod
from carbonpeak.report import VERDICT_ZH, esc, fmt, light


def render(year_dir: Path, year: int) -> str:
    ind_path = year_dir / "indicators.csv"
    ind = (pd.read_csv(ind_path, dtype={"region_code": str}) if ind_path.exists()
           else pd.DataFrame(columns=["region_code", "indicator_id"]))
    qpath = year_dir / "quality" / "results.json"
    verdicts = (json.loads(qpath.read_text(encoding="utf-8"))["verdicts"]
                if qpath.exists() else {})
    run_path = year_dir / "run.json"
    dataset = (json.loads(run_path.read_text(encoding="utf-8")).get("dataset", {})
               if run_path.exists() else {})
    catalog = reference.catalog()
    heads = "".join(f"<th>{esc(e['short_zh'])}</th>" for e in catalog.values())
    rows = []
    for r in reference.regions():
        code = r["region_code"]
        cells = []
        for ind_id in catalog:
            row = ind[(ind["region_code"] == code) & (ind["indicator_id"] == ind_id)]
            if row.empty:
                cells.append("<td>—</td>")
            else:
                x = row.iloc[0]
                cells.append(f"<td>{light(x['status'])} <span class=note>"
                             f"{fmt(x['value'], 1, x['unit'])}</span></td>")
        links = []
        for fname, label in (("report.html", "网页版"), ("report.pdf", "PDF")):
            if (year_dir / code / fname).exists():
                links.append(f'<a href="{code}/{fname}">{label}</a>')
        verdict = verdicts.get(code, {}).get("verdict")
        rows.append(
            f"<tr><td><strong>{esc(r['name'])}</strong><br><span class=note>{code}</span></td>"
            + "".join(cells)
            + f"<td>{esc(VERDICT_ZH.get(verdict, '—'))}</td>"
            + f"<td>{' · '.join(links) or '报告未生成'}</td></tr>"
        )
    banner = (f'<div class="banner">{esc(dataset.get("banner_zh", ""))}</div>'
              if dataset.get("illustrative") else "")
    title = f"浙江省工业领域碳达峰进度报告（{year}年）"
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_render_mod.css()}</style></head><body>"
        f'<main class="report">{banner}<h1>{esc(title)}</h1>'
        f'<p class="note">数据来源：{esc(dataset.get("vintage_zh", "—"))}。'
        "状态：绿＝达到序时进度，黄＝落后于序时进度，红＝不降反升，未评级＝数据缺失或未通过质量检查。</p>"
        f'<div class="table-scroll"><table><thead><tr><th>地区</th>{heads}<th>数据质量</th>'
        f"<th>报告</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        '<p class="note">数据质量明细见 <a href="quality/summary.csv">quality/summary.csv</a>；'
        '全部指标见 <a href="indicators.csv">indicators.csv</a>。</p>'
        "</main></body></html>"
    )
