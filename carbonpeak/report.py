"""Stage 04 building blocks: what one region's report says, as HTML fragments and charts.

The report notebook calls these in order; each returns something IPython displays. Every
string that comes from data is escaped; only this region's rows are ever loaded.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carbonpeak import reference
from carbonpeak.paths import resolve  # noqa: F401 - notebooks resolve run_dir through here

STATUS_ZH = {"green": "绿", "yellow": "黄", "red": "红", "not_rated": "未评级"}
STATUS_WORDS = {"green": "达到序时进度", "yellow": "落后于序时进度", "red": "不降反升",
                "not_rated": "未评级"}
VERDICT_ZH = {"pass": "通过", "warning": "通过（有提示）", "fail": "未通过"}
# One palette for every chart and table (also in report.css).
COLORS = {"green": "#1a7f37", "yellow": "#b58100", "red": "#c62828", "not_rated": "#6b7280",
          "actual": "#1f2328", "required": "#57606a", "stretch": "#0969da"}
FONT = "Noto Sans CJK SC"


@dataclass
class ReportContext:
    region_code: str
    region_name: str
    year: int
    indicators: pd.DataFrame  # this region's rows for the reporting year
    all_regions: pd.DataFrame  # every region's rows (no enterprise data: public aggregates)
    series: pd.DataFrame  # this region's indicator series
    findings: list[dict]  # quality findings that touch this region
    verdict: dict
    dataset: dict
    generated: str


def load(run_dir: Path | str, region_code: str, year: int) -> ReportContext:
    run_dir, region_code = Path(run_dir), str(region_code)  # 330100 typed as a number works too
    ind = pd.read_csv(run_dir / "indicators.csv", dtype={"region_code": str})
    series = pd.read_parquet(run_dir / "indicator_series.parquet")
    quality = json.loads((run_dir / "quality" / "results.json").read_text(encoding="utf-8"))
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    findings = [f for f in quality["findings"] if f["region_code"] in (None, region_code)]
    return ReportContext(
        region_code=region_code,
        region_name=reference.region_name(region_code),
        year=int(year),
        indicators=ind[ind["region_code"] == region_code].reset_index(drop=True),
        all_regions=ind,
        series=series[series["region_code"] == region_code].reset_index(drop=True),
        findings=findings,
        verdict=quality["verdicts"][region_code],
        dataset=run.get("dataset", {}),
        generated=run.get("generated", dt.date.today().isoformat()),
    )


class HTML:
    """Minimal rich-display wrapper, so the package does not import IPython."""

    def __init__(self, body: str):
        self.body = body

    def _repr_html_(self) -> str:
        return self.body


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def fmt(value, digits: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    return f"{value:.{digits}f}{unit}"


def light(status: str) -> str:
    return f'<span class="light {esc(status)}">{STATUS_ZH.get(status, "未评级")}</span>'


def title(ctx: ReportContext) -> str:
    return f"{ctx.region_name}工业领域碳达峰进度报告（{ctx.year}年）"


def cover(ctx: ReportContext) -> HTML:
    banner = ""
    if ctx.dataset.get("illustrative"):
        banner = f'<div class="banner">{esc(ctx.dataset.get("banner_zh", "示例数据，非官方统计"))}</div>'
    verdict = VERDICT_ZH.get(ctx.verdict["verdict"], ctx.verdict["verdict"])
    return HTML(
        f"{banner}<h1>{esc(title(ctx))}</h1>"
        '<p class="note">依据《浙江省工业领域碳达峰实施方案》（2023年2月21日印发）</p>'
        '<dl class="cover-meta">'
        f"<dt>地区</dt><dd>{esc(ctx.region_name)}（{esc(ctx.region_code)}）</dd>"
        f"<dt>报告年度</dt><dd>{ctx.year}年</dd>"
        f"<dt>数据来源</dt><dd>{esc(ctx.dataset.get('vintage_zh', '—'))}</dd>"
        f"<dt>数据质量</dt><dd>{esc(verdict)}</dd>"
        f"<dt>生成日期</dt><dd>{esc(ctx.generated)}</dd></dl>"
    )


def summary_sentences(ctx: ReportContext) -> list[str]:
    """The verdict in words, derived from the indicator rows (never fixed text)."""
    out = []
    for row in ctx.indicators.itertuples():
        entry = reference.catalog()[row.indicator_id]
        if row.status == "not_rated":
            out.append(f"{entry['short_zh']}未评级：{row.not_rated_reason}。")
            continue
        value, req = row.value, row.required_value
        if entry["kind"] == "intensity_reduction":
            change = (f"较{row.baseline_year}年下降{value:.1f}%" if value >= 0
                      else f"较{row.baseline_year}年不降反升{-value:.1f}%")
            need = f"按序时进度应下降{req:.1f}%"
        else:
            change, need = f"为{value:.1f}{row.unit}", f"序时进度要求{req:.1f}{row.unit}"
        verdict = {
            "green": "已达到序时进度（绿灯）",
            "yellow": f"落后于序时进度{abs(req - value):.1f}个百分点（黄灯）",
            "red": "强度不降反升（红灯）",
        }[row.status]
        s = f"{ctx.year}年，{ctx.region_name}{entry['name_zh'].replace('较2020年下降', '')}{change}，{need}，{verdict}"
        if row.stretch_met is True or str(row.stretch_met) == "True":
            s += f"，并已达到力争目标（{row.stretch_target_value:g}%）的序时要求"
        if pd.notna(row.rank):
            s += f"；在{int(row.rank_of)}个设区市中排名第{int(row.rank)}"
        if pd.notna(row.projected_value) and ctx.year < row.target_year:
            s += (f"。按近三年趋势推算（预测值），{row.target_year}年将下降{row.projected_value:.1f}%，"
                  + ("可完成" if row.projected_value >= row.target_value else "难以完成")
                  + f"{row.target_value:g}%的目标")
        out.append(s + "。")
    return out


def summary(ctx: ReportContext) -> HTML:
    items = "".join(f"<p>{esc(s)}</p>" for s in summary_sentences(ctx))
    cls = ctx.verdict["verdict"]
    return HTML(f'<div class="callout {esc(cls)}">{items}</div>')


def headline_table(ctx: ReportContext) -> HTML:
    rows = []
    for row in ctx.indicators.itertuples():
        entry = reference.catalog()[row.indicator_id]
        target = f"{row.target_value:g}{row.unit}"
        if pd.notna(row.stretch_target_value):
            target += f"（力争{row.stretch_target_value:g}{row.unit}）"
        rank = f"{int(row.rank)}/{int(row.rank_of)}" if pd.notna(row.rank) else "—"
        rows.append(
            "<tr>"
            f"<td>{esc(entry['name_zh'])}<br><span class=note>{esc(entry['plan_section'])}</span></td>"
            f'<td class="num">{fmt(row.value, 1, row.unit)}</td>'
            f'<td class="num">{esc(target)}<br><span class=note>{row.target_year}年</span></td>'
            f'<td class="num">{fmt(row.required_value, 1, row.unit)}</td>'
            f"<td>{light(row.status)}<br><span class=note>{STATUS_WORDS[row.status]}</span></td>"
            f"<td>{light(row.prev_status)}</td>"
            f'<td class="num">{rank}</td>'
            "</tr>"
        )
    head = ("<tr><th>指标</th><th class=num>实际值</th><th class=num>目标</th>"
            f"<th class=num>{ctx.year}年序时进度要求</th><th>状态</th><th>上年状态</th>"
            "<th class=num>排名</th></tr>")
    return HTML(f'<div class="table-scroll"><table><thead>{head}</thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>"
                '<p class="note">状态：绿＝达到序时进度；黄＝下降但慢于序时进度；红＝较基期不降反升；'
                "未评级＝数据缺失或未通过数据质量检查。排名按下降幅度由大到小。</p>")


def _figure_png(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    return buf.getvalue()


class Chart:
    """A PNG with alt text, displayed inline (the template reads `alt` from metadata)."""

    def __init__(self, png: bytes, alt: str):
        self.png, self.alt = png, alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        return ({"image/png": base64.b64encode(self.png).decode(), "text/plain": self.alt},
                {"alt": self.alt})


def setup_matplotlib() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", font=FONT, rc={"axes.unicode_minus": False})
    plt.rcParams["font.family"] = FONT


def trajectory_chart(ctx: ReportContext, indicator_id: str = "energy_intensity_reduction") -> Chart:
    """Cumulative reduction against the required (geometric) and stretch paths."""
    setup_matplotlib()
    import matplotlib.pyplot as plt
    import seaborn as sns

    entry = reference.catalog()[indicator_id]
    s = ctx.series[ctx.series["indicator_id"] == indicator_id]
    s = s[s["year"] >= entry["baseline_year"]]
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    long = pd.concat([
        s.assign(线="实际", v=s["value"]),
        s.assign(线=f"序时进度（目标{entry['target']:g}%）", v=s["required_value"]),
        s.assign(线=f"力争进度（{entry.get('stretch_target', 0):g}%）", v=s["stretch_required_value"]),
    ])
    palette = [COLORS["actual"], COLORS["required"], COLORS["stretch"]]
    sns.lineplot(data=long, x="year", y="v", hue="线", style="线", markers=True, dashes=True,
                 palette=palette, ax=ax)
    ax.axhline(0, color="#999", linewidth=0.8)
    ax.set_xlabel("年份")
    ax.set_ylabel(f"较{entry['baseline_year']}年下降（%）")
    ax.set_title(f"{ctx.region_name}：{entry['short_zh']}进度")
    ax.set_xticks(sorted(s["year"].unique()))
    ax.legend(title=None, loc="upper left", fontsize=8)
    row = ctx.indicators[ctx.indicators["indicator_id"] == indicator_id]
    png = _figure_png(fig)
    plt.close(fig)
    last = row.iloc[0] if len(row) else None
    alt = (f"折线图：{ctx.region_name}{entry['short_zh']}，{entry['baseline_year']}年至{ctx.year}年"
           + (f"，{ctx.year}年实际下降{fmt(last['value'])}%，序时进度要求{fmt(last['required_value'])}%"
              if last is not None else ""))
    return Chart(png, alt)


def quality_section(ctx: ReportContext) -> HTML:
    v = ctx.verdict
    head = (f"<p>本地区数据质量结论：<strong>{esc(VERDICT_ZH[v['verdict']])}</strong>"
            f"（错误{v['errors']}项，提示{v['warnings']}项）。错误会使相关指标不予评级（未评级）；"
            "提示仅供核实，不影响评级。</p>")
    if not ctx.findings:
        return HTML(head + "<p>全部检查通过。</p>")
    rows = "".join(
        f"<tr><td>{'错误' if f['severity'] == 'error' else '提示'}</td>"
        f"<td>{esc(f['file'] or f['table'])}</td><td class=num>{esc(f['row'] or '—')}</td>"
        f"<td>{esc(f['column'] or '—')}</td><td>{esc(f['message'])}</td></tr>"
        for f in ctx.findings
    )
    return HTML(head + '<div class="table-scroll"><table><thead><tr><th>级别</th><th>文件</th>'
                "<th class=num>行</th><th>列</th><th>问题</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")


def methodology(ctx: ReportContext) -> HTML:
    """The annex, generated from the indicator catalog and the grading presets."""
    presets = reference.grading()["presets"]
    parts = []
    for row in ctx.indicators.itertuples():
        e = reference.catalog()[row.indicator_id]
        p = presets[row.grading_preset]
        parts.append(
            f"<h3>{esc(e['name_zh'])}</h3><dl class=cover-meta>"
            f"<dt>指标代码</dt><dd>{esc(row.indicator_id)}</dd>"
            f"<dt>规划依据</dt><dd>{esc(e['plan_section'])}：{esc(e.get('target_text_zh', ''))}</dd>"
            f"<dt>牵头部门</dt><dd>{esc(e['lead_zh'])}</dd>"
            f"<dt>单位</dt><dd>{esc(e['unit'])}</dd>"
            f"<dt>计算方法</dt><dd>{esc(e['formula_zh'])}</dd>"
            f"<dt>序时进度</dt><dd>{esc(e.get('pace_zh', ''))}</dd>"
            f"<dt>评级规则</dt><dd>{esc(p['title_zh'])}：{esc(p['rule_zh'])}</dd>"
            f"<dt>数据来源</dt><dd>{esc(e.get('source_zh', ''))}</dd></dl>"
        )
    parts.append('<p class="note">预测值按近三年线性趋势外推，仅说明按当前速度可能达到的水平，'
                 "不是预报。目标为省级目标；省里另行分解到设区市的，以分解目标为准。</p>")
    return HTML("".join(parts))
