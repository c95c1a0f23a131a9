"""Stage 04 building blocks: what one region's report says, as HTML fragments and charts.

The report notebooks (04 for a municipality, 05 for the province) call these in order; each
returns something IPython displays. Every string that comes from data is escaped (`esc`).
Confidentiality: a municipality's context loads its own enterprise file only
(`enterprise/<region_code>.parquet`); the province's context loads none, only the public
aggregates in `enterprise_summary.csv`.

Each section renders from the stage-03 table it needs when that table exists, and says so in
one line when it does not, so a report never fails for a table that is not produced yet.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonpeak import charts, grading, reference
from carbonpeak.charts import COLORS, FONT, Chart, setup_matplotlib  # noqa: F401 - public API
from carbonpeak.paths import resolve

STATUS_ZH = {"green": "绿", "yellow": "黄", "red": "红", "not_rated": "未评级"}
STATUS_WORDS = {"green": "达到序时进度", "yellow": "落后于序时进度", "red": "明显落后或不降反升",
                "not_rated": "未评级"}
STATUS_ORDER = ["red", "yellow", "green", "not_rated"]
VERDICT_ZH = {"pass": "通过", "warning": "通过（有提示）", "fail": "未通过"}
PEAK_DEADLINE = 2030
COUNT_UNITS = {"年", "个", "家", "项", "座", "户"}
# Where each municipality sits on the tile map (row, column): north at the top, sea to the east.
TILE_GRID = {"330500": (0, 1), "330400": (0, 2), "330100": (1, 1), "330600": (1, 2),
             "330200": (1, 3), "330900": (1, 4), "330800": (2, 0), "330700": (2, 1),
             "331000": (2, 3), "331100": (3, 1), "330300": (3, 2)}
TOP_ENTERPRISES = 10
MAX_PANELS = 6  # trajectory panels per task group; the overview table has every indicator


@dataclass
class ReportContext:
    region_code: str
    region_name: str
    year: int
    indicators: pd.DataFrame  # this region's rows for the reporting year
    all_regions: pd.DataFrame  # every region's rows (public: no enterprise data)
    series: pd.DataFrame  # this region's indicator series
    findings: list[dict]  # quality findings that touch this region
    verdict: dict
    dataset: dict
    generated: str
    run_dir: Path | None = None
    decomposition: pd.DataFrame | None = None  # this region's rows
    peak: pd.DataFrame | None = None  # every region (public)
    co2: pd.DataFrame | None = None  # this region's series
    sectors: pd.DataFrame | None = None  # this region's rows
    enterprises: pd.DataFrame | None = None  # CONFIDENTIAL: this municipality's own firms only
    enterprise_summary: pd.DataFrame | None = None  # public aggregates, every region
    missing: dict[str, str] = field(default_factory=dict)  # section -> file that is absent

    @property
    def is_province(self) -> bool:
        return self.region_code == reference.PROVINCE


def _read(path: Path, reader, **kw):
    return reader(path, **kw) if path.exists() else None


def _own(df: pd.DataFrame | None, code: str) -> pd.DataFrame | None:
    if df is None:
        return None
    return df[df["region_code"].astype(str) == code].reset_index(drop=True)


def load(run_dir: Path | str, region_code: str, year: int) -> ReportContext:
    run_dir, region_code = resolve(run_dir), str(region_code)  # 330100 as a number works too
    codes = {"region_code": str}
    ind = pd.read_csv(run_dir / "indicators.csv", dtype=codes)
    series = pd.read_parquet(run_dir / "indicator_series.parquet")
    series["region_code"] = series["region_code"].astype(str)
    quality = json.loads((run_dir / "quality" / "results.json").read_text(encoding="utf-8"))
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    findings = [f for f in quality.get("findings", [])
                if f.get("region_code") in (None, region_code)]
    ctx = ReportContext(
        region_code=region_code,
        region_name=reference.region_name(region_code),
        year=int(year),
        indicators=ind[ind["region_code"] == region_code].reset_index(drop=True),
        all_regions=ind,
        series=series[series["region_code"] == region_code].reset_index(drop=True),
        findings=findings,
        verdict=quality.get("verdicts", {}).get(region_code,
                                                {"verdict": "pass", "errors": 0, "warnings": 0}),
        dataset=run.get("dataset", {}),
        generated=run.get("generated", dt.date.today().isoformat()),
        run_dir=run_dir,
    )
    files = {"decomposition": "decomposition.csv", "peak": "peak_outlook.csv",
             "co2": "co2_series.csv", "sectors": "sector_energy.csv",
             "enterprise_summary": "enterprise_summary.csv"}
    for attr, name in files.items():
        df = _read(run_dir / name, pd.read_csv, dtype=codes)
        if df is None:
            ctx.missing[attr] = name
        elif attr in ("decomposition", "co2", "sectors"):
            df = _own(df, region_code)
        setattr(ctx, attr, df)
    if not ctx.is_province:  # the province report shows aggregates only, never firms
        own = run_dir / "enterprise" / f"{region_code}.parquet"
        ctx.enterprises = _read(own, pd.read_parquet)
        if ctx.enterprises is None:
            ctx.missing["enterprises"] = f"enterprise/{region_code}.parquet"
    return ctx


# ---------------------------------------------------------------- formatting helpers


class HTML:
    """Minimal rich-display wrapper, so the package does not import IPython."""

    def __init__(self, body: str):
        self.body = body

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:  # the executed notebook's text/plain: short, no data
        return "<报告片段>"


def esc(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return html.escape(str(value))


def _isna(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def fmt(value, digits: int = 1, unit: str = "") -> str:
    if _isna(value):
        return "—"
    return f"{value:.{digits}f}{unit}"


def _digits(unit: str) -> int:
    return 0 if unit in COUNT_UNITS else 1


def fmt_value(value, unit: str) -> str:
    return fmt(value, _digits(unit), "" if _isna(value) else unit)


def fmt_delta(delta, unit: str) -> str:
    """A change, signed, in percentage points for % indicators."""
    if _isna(delta):
        return "—"
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    u = "个百分点" if unit == "%" else unit
    return f"{sign}{abs(delta):.{_digits(unit)}f}{u}"


def light(status) -> str:
    status = status if status in STATUS_ZH else "not_rated"
    return f'<span class="light {status}">{STATUS_ZH[status]}</span>'


def title(ctx: ReportContext) -> str:
    return f"{ctx.region_name}工业领域碳达峰进度报告（{ctx.year}年）"


def entry(indicator_id: str, row=None) -> dict:
    """The catalog entry, or what the indicator row itself says when the catalog lacks it."""
    e = reference.catalog().get(indicator_id)
    if e is not None:
        return e
    name = getattr(row, "name_zh", None) if row is not None else None
    return {"name_zh": name or indicator_id, "short_zh": name or indicator_id,
            "unit": getattr(row, "unit", "") if row is not None else "", "kind": "level",
            "plan_section": "", "task_group": "", "lead_zh": "", "formula_zh": ""}


def _unavailable(what: str, filename: str) -> HTML:
    return HTML(f'<p class="unavailable">{esc(what)}：所需数据（{esc(filename)}）本次运行未生成，'
                "本节暂不展示。</p>")


def _higher(e: dict) -> bool:
    return e.get("higher_is_better", True)


def _gap(row, e: dict) -> float:
    return abs(row.required_value - row.value)


def _gap_text(row, e: dict) -> str:
    u = "个百分点" if row.unit == "%" else esc(row.unit)
    return f"{_gap(row, e):.{_digits(row.unit)}f}{u}"


def _rank_text(row) -> str:
    if _isna(row.rank) or _isna(row.rank_of):
        return ""
    return f"在{int(row.rank_of)}个设区市中排名第{int(row.rank)}"


def _value_phrase(row, e: dict) -> str:
    """'较2020年下降20.8%' for reductions, '为123万千瓦' otherwise."""
    if e.get("kind") == "intensity_reduction":
        base = int(row.baseline_year) if not _isna(getattr(row, "baseline_year", None)) else 2020
        return (f"较{base}年下降{row.value:.1f}%" if row.value >= 0
                else f"较{base}年不降反升{-row.value:.1f}%")
    return f"为{fmt_value(row.value, row.unit)}"


def _required_phrase(row, e: dict) -> str:
    if e.get("kind") == "intensity_reduction":
        return f"按序时进度应下降{row.required_value:.1f}%"
    return f"序时进度要求{fmt_value(row.required_value, row.unit)}"


# ---------------------------------------------------------------- summary (摘要)


def indicator_sentence(ctx: ReportContext, row) -> str:
    """One indicator in words: value, required pace, status and by how much, rank, outlook."""
    e = entry(row.indicator_id, row)
    name = e["short_zh"]
    if row.status not in ("green", "yellow", "red"):
        reason = row.not_rated_reason if not _isna(row.not_rated_reason) else "数据缺失"
        return f"{name}未评级：{str(reason).rstrip('。')}。"
    if _isna(row.value) or _isna(row.required_value):  # milestones: a judgement, not a number
        note = "" if _isna(row.not_rated_reason) or not str(row.not_rated_reason) else \
            f"：{str(row.not_rated_reason).rstrip('。')}"
        judged = f"：{_note(row)}，" if _note(row) else ""
        return f"{name}{judged}{STATUS_WORDS[row.status]}（{STATUS_ZH[row.status]}灯）{note}。"
    verdict = {
        "green": "已达到序时进度（绿灯）",
        "yellow": f"落后于序时进度{_gap_text(row, e)}（黄灯）",
        "red": ("不降反升（红灯）" if e.get("kind") == "intensity_reduction" and row.value < 0
                else f"落后于序时进度{_gap_text(row, e)}，差距较大（红灯）"),
    }[row.status]
    s = f"{name}{_value_phrase(row, e)}，{_required_phrase(row, e)}，{verdict}"
    if str(getattr(row, "stretch_met", "")) == "True" and not _isna(row.stretch_target_value):
        s += f"，并已达到力争目标（{row.stretch_target_value:g}{row.unit}）的序时要求"
    if rank := _rank_text(row):
        s += f"；{rank}"
    proj, py, tgt = row.projected_value, row.projection_year, row.target_value
    if (not _isna(proj) and not _isna(py) and ctx.year < int(py) and not _isna(tgt)):
        reach = proj >= tgt if _higher(e) else proj <= tgt
        s += (f"。按近三年趋势推算（预测值），{int(py)}年将达到{fmt_value(proj, row.unit)}，"
              + ("可完成" if reach else "难以完成") + f"{tgt:g}{row.unit}的目标")
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
    base, year = int(d["base_year"].iloc[0]), int(d["year"].iloc[0])
    main = "structure" if abs(st) >= abs(it) else "intensity"
    what = {"structure": "行业结构变化（结构效应）", "intensity": "行业内能效变化（强度效应）"}[main]
    val = st if main == "structure" else it
    direction = "拉低" if val < 0 else "推高"
    trend = "下降" if tot < 0 else "上升"
    return (f"{base}—{year}年，规上工业能耗强度{trend}{abs(tot):.3f}吨标准煤/万元，"
            f"主要驱动因素是{what}，{direction}强度{abs(val):.3f}吨标准煤/万元"
            f"（结构效应{st:+.3f}，强度效应{it:+.3f}）。")


def outlook_sentence(ctx: ReportContext) -> str | None:
    """The 2030 peak outlook in words."""
    if ctx.peak is None:
        return None
    p = _own(ctx.peak, ctx.region_code)
    if p.empty:
        return None
    p = p.iloc[0]
    label = p.get("label_zh") or p.get("classification")
    if p["classification"] == "insufficient_data":
        return f"工业二氧化碳排放达峰展望：{label}，暂不作判断。"
    s = f"工业二氧化碳排放达峰展望：{label}"
    if not _isna(p.get("last_value")):
        s += f"，{int(p['last_year'])}年排放{p['last_value']:.0f}万吨"
    if not _isna(p.get("max_year")) and p["classification"] != "rising":
        s += f"，历史最高值出现在{int(p['max_year'])}年"
    py = p.get("projected_peak_year")
    if p["classification"] != "peaked":
        if not _isna(py):
            s += f"；按近年趋势推算（预测），约{int(py)}年达峰"
        else:
            s += f"；按近年趋势推算，{PEAK_DEADLINE}年前难以达峰"
        on_track = str(p.get("on_track")) == "True"
        if not on_track and not _isna(p.get("required_change_pp")):
            s += (f"，需使排放增速每年降低{abs(p['required_change_pp']):.1f}个百分点"
                  f"才能在{PEAK_DEADLINE}年前达峰")
        elif on_track:
            s += f"，可在{PEAK_DEADLINE}年前实现达峰"
    return s + "。"


def summary_sentences(ctx: ReportContext) -> list[str]:
    """The verdict in words, derived from the rows (never fixed text): how many lights of
    each colour, which targets are met, which are behind and by how much, what is not rated
    and why, the main driver, the 2030 outlook, and the data-quality verdict."""
    ind = ctx.indicators
    out = []
    n = {s: int((ind["status"] == s).sum()) for s in STATUS_ZH}
    rated = n["green"] + n["yellow"] + n["red"]
    head = f"{ctx.year}年，{ctx.region_name}共评价{len(ind)}项指标"
    if rated:
        head += (f"，其中{rated}项参与评级：{n['green']}项达到序时进度（绿灯），"
                 f"{n['yellow']}项落后于序时进度（黄灯），{n['red']}项明显落后或不降反升（红灯）")
    else:
        head += "，均未能评级"
    if n["not_rated"] and rated:
        head += f"；另有{n['not_rated']}项未评级"
    out.append(head + "。")
    for status in ("red", "yellow"):  # what is behind, each with by how much
        for row in ind[ind["status"] == status].itertuples():
            out.append(indicator_sentence(ctx, row))
    met = [entry(r.indicator_id, r)["short_zh"]
           + (f"（第{int(r.rank)}/{int(r.rank_of)}名）" if not _isna(r.rank) else "")
           for r in _sorted(ind[ind["status"] == "green"]).itertuples()]
    if met:
        out.append(f"达到序时进度（绿灯）的指标：{'、'.join(met)}。")
    reasons: dict[str, list[str]] = {}
    for row in ind[~ind["status"].isin(["green", "yellow", "red"])].itertuples():
        r = str(row.not_rated_reason).rstrip("。") if not _isna(row.not_rated_reason) else "数据缺失"
        reasons.setdefault(r, []).append(entry(row.indicator_id, row)["short_zh"])
    for r, names in reasons.items():
        out.append(f"未评级：{'、'.join(names)}（{r}）。")
    for s in (driver_sentence(ctx), outlook_sentence(ctx)):
        if s:
            out.append(s)
    v = ctx.verdict
    if v.get("verdict") == "fail":
        out.append(f"本地区数据未通过质量检查（错误{v.get('errors', 0)}项），受影响的指标未评级，"
                   "详见附录“数据质量”。")
    elif v.get("verdict") == "warning":
        out.append(f"数据质量检查有{v.get('warnings', 0)}项提示，不影响评级，详见附录“数据质量”。")
    return out


def summary(ctx: ReportContext) -> HTML:
    """The tallies and the verdict in words. On the page the not-rated indicators share one
    line (their reasons are the notes under the overview table and in each section)."""
    sents = summary_sentences(ctx)
    body = f"<p class=lead>{esc(sents[0])}</p>"
    rest = [s for s in sents[1:] if not s.startswith("未评级：")]
    nr = ctx.indicators[~ctx.indicators["status"].isin(["green", "yellow", "red"])]
    if len(nr) and len(nr) < len(ctx.indicators):
        names = "、".join(entry(r.indicator_id, r)["short_zh"] for r in _sorted(nr).itertuples())
        line = f"未评级（{len(nr)}项）：{names}。原因见“指标总览”表下注释。"
        at = next((i for i, s in enumerate(rest) if s.startswith(("2", "工业二氧化碳"))), len(rest))
        rest.insert(at, line)
    elif len(nr):
        rest += [s for s in sents[1:] if s.startswith("未评级：")]
    if rest:
        body += "<ul>" + "".join(f"<li>{esc(s)}</li>" for s in rest) + "</ul>"
    cls = esc(ctx.verdict.get("verdict", "pass"))
    counts = "".join(
        f'<div class="tally {s}">{light(s)}<strong>{int((ctx.indicators["status"] == s).sum())}</strong>'
        f"<span>项</span></div>" for s in ("green", "yellow", "red", "not_rated"))
    return HTML(f'<div class="tallies">{counts}</div><div class="callout {cls}">{body}</div>')


# ---------------------------------------------------------------- cover, contents


def cover(ctx: ReportContext) -> HTML:
    banner = ""
    if ctx.dataset.get("illustrative"):
        banner = f'<div class="banner">{esc(ctx.dataset.get("banner_zh", "示例数据，非官方统计"))}</div>'
    verdict = VERDICT_ZH.get(ctx.verdict.get("verdict"), ctx.verdict.get("verdict"))
    return HTML(
        f'<header class="cover">{banner}<p class="kicker">浙江省工业领域碳达峰年度进度报告</p>'
        f"<h1>{esc(title(ctx))}</h1>"
        '<p class="note">依据《浙江省工业领域碳达峰实施方案》（2023年2月21日印发）</p>'
        '<dl class="cover-meta">'
        f"<dt>地区</dt><dd>{esc(ctx.region_name)}（{esc(ctx.region_code)}）</dd>"
        f"<dt>报告年度</dt><dd>{ctx.year}年</dd>"
        f"<dt>数据版本</dt><dd>{esc(ctx.dataset.get('vintage_zh', '—'))}</dd>"
        f"<dt>数据质量</dt><dd>{esc(verdict)}</dd>"
        f"<dt>生成日期</dt><dd>{esc(ctx.generated)}</dd></dl></header>"
    )


def contents() -> HTML:
    """Where the table of contents goes; render.notebook_to_html fills it from the h2s."""
    return HTML('<nav class="toc" aria-label="目录"><p class="toc-title">目录</p></nav>')


# ---------------------------------------------------------------- overview table


def _target_text(row) -> str:
    if _isna(row.target_value):
        return "—"
    t = f"{row.target_value:g}{row.unit}"
    if not _isna(row.stretch_target_value):
        t += f"（力争{row.stretch_target_value:g}{row.unit}）"
    return t


def _group_order() -> dict[str, int]:
    return {g["id"]: i for i, g in enumerate(reference.task_groups())}


def _sorted(ind: pd.DataFrame) -> pd.DataFrame:
    order, cat = _group_order(), list(reference.catalog())
    key = ind["indicator_id"].map(
        lambda i: (order.get(entry(i).get("task_group"), 99), cat.index(i) if i in cat else 999))
    return ind.assign(_k=key).sort_values("_k").drop(columns="_k")


STATUS_SHORT = {"green": "达到进度", "yellow": "落后", "red": "明显落后", "not_rated": ""}
FOOTNOTE_MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟"


def _mark(i: int) -> str:
    return FOOTNOTE_MARKS[i] if i < len(FOOTNOTE_MARKS) else f"({i + 1})"


def _reason(row) -> str:
    return str(row.not_rated_reason).rstrip("。") if not _isna(row.not_rated_reason) else "数据缺失"


def _note(row) -> str:
    """The indicator's own qualitative note (e.g. the peak judgement 平台期), or ''."""
    n = getattr(row, "note", None)
    return "" if _isna(n) else str(n).strip()


def not_rated_notes(ctx: ReportContext) -> dict[str, int]:
    """indicator_id -> the number of its note under the overview table (in table order)."""
    nr = _sorted(ctx.indicators)
    nr = nr[~nr["status"].isin(["green", "yellow", "red"])]
    return {i: n for n, i in enumerate(nr["indicator_id"], start=1)}


def _fn_link(ctx: ReportContext, n: int) -> str:
    return f'<a class="fn" href="#fn-{esc(ctx.region_code)}-{n}">{_mark(n - 1)}</a>'


def _status_cell(row) -> str:
    note = STATUS_WORDS.get(row.status, "未评级")
    if row.status not in ("green", "yellow", "red"):
        note = _reason(row)
    return f"{light(row.status)}<br><span class=note>{esc(note)}</span>"


def _is_milestone(row, e: dict) -> bool:
    return e.get("kind") == "milestone" or (row.unit == "年" and _isna(row.value))


def headline_table(ctx: ReportContext, rows: pd.DataFrame | None = None) -> HTML:
    """Every indicator, grouped by the plan's sections: value, target, required pace, light
    and a short word, change on the year with last year's light, rank. Why an indicator is
    not rated goes to a numbered note below the table, so every row stays one or two lines."""
    rows = _sorted(ctx.indicators if rows is None else rows)
    years = rows["target_year"].dropna().astype(int)
    main_year = int(years.mode().iloc[0]) if len(years) else ctx.year
    groups = {g["id"]: g for g in reference.task_groups()}
    out, notes, current = [], [], None
    for row in rows.itertuples():
        e = entry(row.indicator_id, row)
        gid = e.get("task_group") or "other"
        if gid != current:
            current = gid
            g = groups.get(gid, {"title_zh": "其他指标", "section": ""})
            out.append(f'<tr class="group"><th colspan="8" scope="rowgroup">'
                       f"{esc(_group_heading(g))}</th></tr>")
        milestone = _is_milestone(row, e)
        rank = f"{int(row.rank)}/{int(row.rank_of)}" if not _isna(row.rank) else "—"
        delta = (row.value - row.prev_value) if not (_isna(row.value) or _isna(row.prev_value)) \
            else math.nan
        if milestone:  # a judgement: its first clause here, the whole note under the name
            value = esc(_note(row).split("，")[0]) or "—"
            target = "—" if _isna(row.target_value) else f"{int(row.target_value)}年前"
            required = "—"
        else:
            value = esc(fmt_value(row.value, row.unit))
            if note := _note(row):
                value += f"<br><span class=note>{esc(note)}</span>"
            target = esc(_target_text(row)).replace("（力争", "<br>（力争")
            required = esc(fmt_value(row.required_value, row.unit))
        if not _isna(row.target_year) and int(row.target_year) != main_year and not milestone:
            target += f"<br><span class=note>{int(row.target_year)}年</span>"
        status = light(row.status)
        if row.status in STATUS_SHORT and STATUS_SHORT[row.status]:
            status += f" <span class=word>{STATUS_SHORT[row.status]}</span>"
        elif row.status not in ("green", "yellow", "red"):
            notes.append((e["short_zh"], _reason(row)))
            status += " " + _fn_link(ctx, len(notes))
        section = str(e.get("plan_section") or "")
        g = groups.get(gid, {})
        if section in (f"{g.get('section', '')}、{g.get('title_zh', '')}", g.get("section")):
            section = ""  # the group row above says it already
        ref = f" <span class=ref>{esc(section)}</span>" if section else ""
        judged = (f'<br><span class="note">{esc(_note(row))}</span>'
                  if milestone and "，" in _note(row) else "")
        out.append(
            "<tr>"
            f"<td>{esc(e['name_zh'])}{ref}{judged}</td>"
            f'<td class="num">{value}</td>'
            f'<td class="num">{target}</td>'
            f'<td class="num">{required}</td>'
            f'<td class="status">{status}</td>'
            f'<td class="num">{esc(fmt_delta(delta, row.unit).replace("个百分点", ""))}</td>'
            f'<td class="prev">{"—" if _isna(row.prev_status) else light(row.prev_status)}</td>'
            f'<td class="num">{rank}</td>'
            "</tr>"
        )
    head = ("<tr><th>指标</th><th class=num>实际值</th>"
            f"<th class=num>{main_year}年目标</th><th class=num>序时进度要求</th>"
            "<th>状态</th><th class=num>较上年</th><th>上年</th><th class=num>排名</th></tr>")
    cols = ('<colgroup><col class="c-name"><col class="c-val"><col class="c-tgt"><col class="c-req">'
            '<col class="c-st"><col class="c-delta"><col class="c-prev"><col class="c-rank">'
            "</colgroup>")
    foot = ""
    if notes:
        items = "".join(
            f'<li id="fn-{esc(ctx.region_code)}-{i + 1}"><span class=mark>{_mark(i)}</span>'
            f"{esc(name)}：{esc(reason)}。</li>" for i, (name, reason) in enumerate(notes))
        foot = f'<ol class="footnotes" aria-label="未评级原因">{items}</ol>'
    return HTML(f'<div class="table-scroll"><table class="overview">{cols}<thead>{head}</thead>'
                f"<tbody>{''.join(out)}</tbody></table></div>{foot}"
                '<p class="note legend">状态：绿＝达到序时进度；黄＝落后于序时进度；红＝强度不降反升或落后差距较大'
                "（各指标评级规则见附录“方法说明”）；未评级＝数据缺失、未通过数据质量检查或仅有全省数据，"
                "原因见表下编号注释。序时进度要求为按计划进度本年度应达到的水平；"
                "百分比指标的较上年变化以百分点计；“上年”为上年度的状态。"
                "排名为11个设区市中的位次（1＝最好）。</p>")


# ---------------------------------------------------------------- charts


def _trajectory_panels(ctx: ReportContext, ids: list[str]) -> list[dict]:
    panels = []
    for ind_id in ids:
        s = ctx.series[ctx.series["indicator_id"] == ind_id].dropna(subset=["value"])
        row = ctx.indicators[ctx.indicators["indicator_id"] == ind_id]
        if len(s) < 2 or row.empty:
            continue
        r = row.iloc[0]
        e = entry(ind_id, r)
        base = int(e.get("baseline_year", r["baseline_year"]))
        ylabel = (f"较{base}年下降（%）" if e.get("kind") == "intensity_reduction"
                  else f"{e['short_zh']}（{r['unit']}）")
        panels.append({"series": s, "short_zh": e["short_zh"], "unit": r["unit"],
                       "baseline_year": base, "ylabel": ylabel,
                       "target": None if _isna(r["target_value"]) else float(r["target_value"]),
                       "stretch": None if _isna(r["stretch_target_value"])
                       else float(r["stretch_target_value"])})
    return panels


def _comparison_spec(ctx: ReportContext, indicator_id: str) -> dict | None:
    a = ctx.all_regions
    rows = a[(a["indicator_id"] == indicator_id)
             & a["region_code"].isin(reference.municipality_codes())].dropna(subset=["value"])
    if len(rows) < 2:
        return None
    e = entry(indicator_id, rows.iloc[0])
    prov = a[(a["indicator_id"] == indicator_id) & (a["region_code"] == reference.PROVINCE)]
    req = ctx.indicators.loc[ctx.indicators["indicator_id"] == indicator_id, "required_value"]
    reqs = rows["required_value"].dropna().unique()
    required = float(reqs[0]) if len(reqs) == 1 else (float(req.iloc[0]) if len(req) else None)
    values = pd.DataFrame({"region_code": rows["region_code"],
                           "name": rows["region_code"].map(reference.region_name),
                           "value": rows["value"], "status": rows["status"]})
    pv = (float(prov["value"].iloc[0]) if len(prov) and ctx.is_province
          and not _isna(prov["value"].iloc[0]) else None)
    return {"values": values, "short_zh": e["short_zh"], "unit": rows.iloc[0]["unit"],
            "required": required, "province_value": pv}


def comparison_chart(ctx: ReportContext, indicator_id: str | list[str]) -> Chart | None:
    """This municipality against the other ten (the province: all eleven, and its own value);
    several indicators give one figure with a panel each."""
    ids = [indicator_id] if isinstance(indicator_id, str) else list(indicator_id)
    specs = [s for s in (_comparison_spec(ctx, i) for i in ids) if s is not None]
    if not specs:
        return None
    return charts.comparisons(specs, None if ctx.is_province else ctx.region_code)


# ---------------------------------------------------------------- task-group sections


def _group_heading(g: dict) -> str:
    sec = g.get("section", "")
    return f"{sec}　{g['title_zh']}" if sec else g["title_zh"]


def task_groups(ctx: ReportContext) -> HTML:
    """One section (h2) per task group of the plan that has indicators: each indicator in
    words, its trajectory, the municipalities compared; the LMDI drivers under 主要目标 and the
    sector breakdown under 三(六)."""
    parts, empty = [], []
    by_group: dict[str, list] = {}
    for row in _sorted(ctx.indicators).itertuples():
        by_group.setdefault(entry(row.indicator_id, row).get("task_group") or "other",
                            []).append(row)
    groups = list(reference.task_groups())
    marks = not_rated_notes(ctx)
    if "other" in by_group:
        groups.append({"id": "other", "title_zh": "其他指标", "section": ""})
    for g in groups:
        rows = by_group.get(g["id"], [])
        blocks = []
        # trajectories of the rated indicators, those furthest behind first (at most six)
        rated = sorted((r for r in rows if r.status in ("red", "yellow", "green")),
                       key=lambda r: STATUS_ORDER.index(r.status))
        panels = _trajectory_panels(ctx, [r.indicator_id for r in rated][:MAX_PANELS])
        beside = ""
        if panels:
            chart = charts.trajectories(panels, ctx.region_name, ctx.year)
            if chart.half:  # one panel: beside the text, not a full-width picture
                beside = chart.figure_html()
            else:
                blocks.append(chart.figure_html())
        # the headline intensities, city by city, side by side in one figure
        compared = [r.indicator_id for r in rows
                    if entry(r.indicator_id, r).get("kind") == "intensity_reduction"
                    and g["id"] == "main_targets" and not _isna(r.rank_of) and r.rank_of >= 2]
        if compared and (c := comparison_chart(ctx, compared)) is not None:
            blocks.append(c.figure_html())
        if g["id"] == "main_targets":
            blocks += _driver_blocks(ctx)
        elif g["id"] == "key_sectors":
            blocks += _sector_blocks(ctx)
        if not rows and not blocks and not beside:
            empty.append(_group_heading(g))
            continue
        lines = [f'<p class="ind">{light(r.status)} {esc(indicator_sentence(ctx, r))}</p>'
                 for r in rows if r.status in ("green", "yellow", "red")]
        unrated = [r for r in rows if r.status not in ("green", "yellow", "red")]
        if unrated:  # one line: the reasons are the numbered notes under the overview table
            names = "、".join(esc(entry(r.indicator_id, r)["short_zh"])
                             + (_fn_link(ctx, marks[r.indicator_id])
                                if r.indicator_id in marks else "") for r in unrated)
            lines.append(f'<p class="ind">{light("not_rated")} {names}'
                         "<span class=note>（原因见“指标总览”表下注释）</span></p>")
        # the heading never ends a page alone: it travels with its first lines (and with its
        # first figure when the text is short); a long section flows on
        head, rest = (lines, []) if len(lines) <= 4 else (lines[:2], lines[2:])
        first = blocks.pop(0) if blocks and not rest else ""
        parts.append(f'<section class="group"><div class="keep"><h2>{esc(_group_heading(g))}</h2>'
                     f'{beside}{"".join(head)}{first}</div>{"".join(rest)}{"".join(blocks)}'
                     "</section>")
    if empty:
        parts.append(f'<p class="note">以下任务本年度尚无量化指标：{esc("；".join(empty))}。</p>')
    return HTML("".join(parts))


def drivers(ctx: ReportContext) -> HTML:
    """LMDI: structure and intensity effects on the change in aggregate energy intensity."""
    return HTML("".join(_driver_blocks(ctx)))


def _driver_blocks(ctx: ReportContext) -> list[str]:
    if ctx.decomposition is None:
        return [_unavailable("能耗强度变化因素分解", "decomposition.csv").body]
    d = ctx.decomposition
    eff = d.set_index("effect")["value"] if len(d) else pd.Series(dtype=float)
    if not {"structure", "intensity", "total"} <= set(eff.index):
        return ['<p class="unavailable">本地区暂无能耗强度因素分解结果。</p>']
    base, year = int(d["base_year"].iloc[0]), int(d["year"].iloc[0])
    chart = charts.waterfall(float(eff["structure"]), float(eff["intensity"]),
                             float(eff["total"]), ctx.region_name, base, year)
    return [f'<div class="keep"><h3>能耗强度变化的驱动因素</h3><p>{esc(driver_sentence(ctx))}</p>'
            f"{chart.figure_html()}"
            '<p class="note">对数平均迪氏指数法（LMDI-I，加法分解）：结构效应反映行业增加值构成变化，'
            "强度效应反映各行业单位增加值能耗变化；两者之和等于总变化，无残差。负值表示拉低能耗强度。</p></div>"]


def sectors(ctx: ReportContext) -> HTML:
    """The seven key sectors: energy use and intensity change since the baseline year."""
    return HTML("".join(_sector_blocks(ctx)))


def _sector_blocks(ctx: ReportContext) -> list[str]:
    if ctx.sectors is None:
        return [_unavailable("重点行业能耗", "sector_energy.csv").body]
    s = ctx.sectors
    if s.empty:
        return ['<p class="unavailable">本地区暂无重点行业能耗数据。</p>']
    years = sorted(s["year"].unique())
    base = 2020 if 2020 in years else years[0]
    year = ctx.year if ctx.year in years else years[-1]
    a = s[s["year"] == base].set_index("sector")
    b = s[s["year"] == year].set_index("sector")
    df = pd.DataFrame({"sector_zh": b["sector_zh"], "energy": b["energy"],
                       "energy_base": a["energy"].reindex(b.index),
                       "intensity": b["intensity"],
                       "intensity_base": a["intensity"].reindex(b.index)})
    df["intensity_change"] = (df["intensity"] / df["intensity_base"] - 1) * 100
    df = df.dropna(subset=["energy"])
    if df.empty:
        return ['<p class="unavailable">本地区暂无重点行业能耗数据。</p>']
    chart = charts.sector_bars(df, ctx.region_name, base, year)
    total = df["energy"].sum()
    rows = "".join(
        f"<tr><td>{esc(r.sector_zh)}</td><td class=num>{r.energy:.1f}</td>"
        f"<td class=num>{r.energy / total * 100:.1f}%</td>"
        f"<td class=num>{fmt(r.intensity, 3)}</td>"
        f"<td class=num>{esc(fmt_delta(r.intensity_change, '%').replace('个百分点', '%'))}</td></tr>"
        for r in df.sort_values("energy", ascending=False).itertuples())
    return [
        f'<div class="keep"><h3>重点行业能耗（{year}年）</h3>{chart.figure_html()}</div>',
        '<div class="table-scroll"><table><thead><tr><th>行业</th><th class=num>能源消费（万吨标准煤）</th>'
        "<th class=num>占重点行业比重</th><th class=num>能耗强度（吨标准煤/万元）</th>"
        f"<th class=num>强度较{base}年变化</th></tr></thead><tbody>{rows}</tbody></table></div>"]


# ---------------------------------------------------------------- peak outlook


def peak_outlook(ctx: ReportContext) -> HTML:
    """Industrial CO2 series and the 2030 outlook (province: every municipality as well)."""
    parts = []
    if ctx.co2 is None and ctx.peak is None:
        return _unavailable("2030年前达峰展望", "co2_series.csv、peak_outlook.csv")
    parts.append('<div class="keep">')
    if s := outlook_sentence(ctx):
        parts.append(f"<p>{esc(s)}</p>")
    own = _own(ctx.peak, ctx.region_code) if ctx.peak is not None else None
    if ctx.co2 is not None and len(ctx.co2.dropna(subset=["co2_total"])) >= 2:
        p = own.iloc[0].to_dict() if own is not None and len(own) else None
        parts.append(charts.co2_outlook(ctx.co2.dropna(subset=["co2_total"]), ctx.region_name,
                                        p, PEAK_DEADLINE).figure_html())
    elif ctx.co2 is None:
        parts.append(_unavailable("排放序列", "co2_series.csv").body)
    parts.append("</div>")
    if ctx.is_province and ctx.peak is not None:
        rows = []
        for code in reference.municipality_codes():
            p = _own(ctx.peak, code)
            if p.empty:
                continue
            p = p.iloc[0]
            ok = str(p.get("on_track")) == "True"
            rows.append(
                f"<tr><td>{esc(reference.region_name(code))}</td><td>{esc(p.get('label_zh'))}</td>"
                f"<td class=num>{fmt(p.get('last_value'), 0)}</td>"
                f"<td class=num>{'—' if _isna(p.get('max_year')) else int(p['max_year'])}</td>"
                f"<td class=num>{fmt(p.get('growth_pct'), 1, '%')}</td>"
                f"<td class=num>{'—' if _isna(p.get('projected_peak_year')) else int(p['projected_peak_year'])}</td>"
                f"<td>{light('green' if ok else 'red')} {'可按期达峰' if ok else '需加快'}</td></tr>")
        if rows:
            parts.append(
                '<h3>各设区市达峰展望</h3><div class="table-scroll"><table><thead><tr><th>地区</th>'
                "<th>判断</th><th class=num>最近年排放（万吨）</th><th class=num>最高年份</th>"
                "<th class=num>近年增速</th><th class=num>推算达峰年份（预测）</th><th>2030年前</th>"
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    parts.append('<p class="note">达峰判断依据近五年排放趋势；推算达峰年份为按近年增速变化趋势的外推，'
                 "是预测而非统计数据。</p>")
    return HTML("".join(parts))


# ---------------------------------------------------------------- enterprises (碳效码)


TIER_ORDER = ["≥5000", "1000–5000", "<1000"]


def _tier_table(counts: dict[str, int]) -> str:
    keys = sorted(counts, key=lambda k: (TIER_ORDER.index(k) if k in TIER_ORDER else 9, str(k)))
    rows = "".join(f"<tr><td>{esc(k)}</td><td class=num>{int(counts[k])}</td></tr>" for k in keys)
    return ('<table class="compact"><thead><tr><th>用能预算分级（年综合能耗，吨标准煤）</th>'
            f"<th class=num>企业数</th></tr></thead><tbody>{rows}</tbody></table>")


def enterprises(ctx: ReportContext) -> HTML:
    """The carbon-efficiency picture: grade distribution, tiers, and (municipality only) the
    high-carbon enterprises to watch. Never another municipality's firms."""
    if ctx.is_province:
        return _enterprise_aggregates(ctx)
    e = ctx.enterprises
    if e is None:
        if ctx.enterprise_summary is not None:
            return _enterprise_aggregates(ctx)
        return _unavailable("企业碳效评价", f"enterprise/{ctx.region_code}.parquet")
    if e.empty:
        return HTML('<p class="unavailable">本地区暂无企业碳效评价数据。</p>')
    grades = e["grade"].dropna().astype(int).value_counts().to_dict()
    chart = charts.grade_distribution(grades, f"{ctx.region_name}规上工业企业碳效等级分布")
    levels = e["level"].value_counts()
    tiers = e["tier"].value_counts().to_dict()
    n = len(e)
    high = int(levels.get("高碳", 0))
    watch = (e[e["grade"].isin([4, 5])].sort_values("energy_tce", ascending=False)
             .head(TOP_ENTERPRISES))
    lead = (f"{ctx.region_name}纳入碳效评价的企业共{n}家，其中低碳{int(levels.get('低碳', 0))}家、"
            f"中碳{int(levels.get('中碳', 0))}家、高碳{high}家；碳效等级4—5级（碳效低于行业平均较多）"
            f"{int(e['grade'].isin([4, 5]).sum())}家，合计能耗"
            f"{e.loc[e['grade'].isin([4, 5]), 'energy_tce'].sum() / 1e4:.1f}万吨标准煤，"
            f"占评价企业能耗的{e.loc[e['grade'].isin([4, 5]), 'energy_tce'].sum() / max(e['energy_tce'].sum(), 1e-9) * 100:.0f}%。")
    industry = next((c for c in ("industry_zh", "sector_zh", "industry_code") if c in e), None)
    rows = "".join(
        f"<tr><td>{esc(r['name'])}</td><td>{esc(r.get('county')) or '—'}</td>"
        f"<td>{esc(r[industry]) if industry else '—'}</td>"
        f"<td class=num>{r['energy_tce']:,.0f}</td><td class=num>{fmt(r.get('K'), 2)}</td>"
        f"<td class=num>{int(r['grade'])}级</td><td>{esc(r.get('level'))}</td></tr>"
        for _, r in watch.iterrows())
    table = ("<h3>重点关注企业（碳效4—5级，按能耗排序）</h3>"
             '<div class="table-scroll"><table><thead><tr><th>企业名称</th><th>县（市、区）</th>'
             "<th>行业</th><th class=num>综合能耗（吨标准煤）</th><th class=num>碳效值K</th>"
             f"<th class=num>碳效等级</th><th>碳效水平</th></tr></thead><tbody>{rows}</tbody></table></div>"
             '<p class="note">企业名单仅限本市使用，不得对外提供。</p>') if len(watch) else ""
    return HTML(f"<p>{esc(lead)}</p>{chart.figure_html()}{_tier_table(tiers)}{table}")


def _enterprise_aggregates(ctx: ReportContext) -> HTML:
    s = ctx.enterprise_summary
    if s is None:
        return _unavailable("企业碳效评价", "enterprise_summary.csv")
    codes = (reference.municipality_codes() if ctx.is_province else [ctx.region_code])
    s = s[s["region_code"].isin(codes)]
    if s.empty:
        return HTML('<p class="unavailable">暂无企业碳效评价汇总数据。</p>')
    grade = s[s["dimension"] == "grade"]
    counts = grade.groupby(grade["key"].astype(float).astype(int))["count"].sum().to_dict()
    who = "全省" if ctx.is_province else ctx.region_name
    parts = [charts.grade_distribution(counts, f"{who}规上工业企业碳效等级分布").figure_html()]
    if ctx.is_province and len(grade):
        pv = grade.assign(key=grade["key"].astype(float).astype(int)).pivot_table(
            index="region_code", columns="key", values="count", aggfunc="sum", fill_value=0)
        head = "".join(f"<th class=num>{g}级</th>" for g in pv.columns)
        rows = "".join(
            f"<tr><td>{esc(reference.region_name(c))}</td>"
            + "".join(f"<td class=num>{int(v)}</td>" for v in pv.loc[c])
            + f"<td class=num>{pv.loc[c, [g for g in pv.columns if g >= 4]].sum() / max(pv.loc[c].sum(), 1) * 100:.0f}%</td></tr>"
            for c in codes if c in pv.index)
        parts.append('<h3>各设区市企业碳效等级</h3><div class="table-scroll"><table><thead><tr>'
                     f"<th>地区</th>{head}<th class=num>4—5级占比</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table></div>")
    tier = s[s["dimension"] == "tier"].groupby("key")["count"].sum().to_dict()
    if tier:
        parts.append(_tier_table(tier))
    parts.append('<p class="note">仅展示汇总数；企业名单由各设区市报告分别提供。</p>')
    return HTML("".join(parts))


# ---------------------------------------------------------------- province only


def _tint(status: str) -> str:
    return f"cell-{status if status in STATUS_ZH else 'not_rated'}"


def status_heatmap(ctx: ReportContext) -> HTML:
    """Indicator × region (province first, then the 11 municipalities): a light (shape, colour
    and word) in every cell. Indicators run down the page so that it fits A4 and a phone."""
    a = ctx.all_regions
    ids = list(_sorted(a[a["region_code"] == reference.PROVINCE])["indicator_id"])
    ids = ids or list(dict.fromkeys(a["indicator_id"]))
    codes = [reference.PROVINCE, *reference.municipality_codes()]
    short = {x["region_code"]: x["short_name"] for x in reference.regions()}
    head = "".join(f"<th{' class=total' if c == reference.PROVINCE else ''}>{esc(short[c])}</th>"
                   for c in codes)
    by = a.set_index(["region_code", "indicator_id"])
    rows = []
    for i in ids:
        cells = []
        for code in codes:
            st = by.at[(code, i), "status"] if (code, i) in by.index else "not_rated"
            cells.append(f'<td class="{_tint(st)}">{light(st)}</td>')
        rows.append(f"<tr><th scope=row>{esc(entry(i)['short_zh'])}</th>{''.join(cells)}</tr>")
    return HTML(f'<div class="table-scroll"><table class="heatmap"><thead><tr><th>指标</th>{head}'
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def league_tables(ctx: ReportContext, group: str = "main_targets") -> HTML:
    """For each ranked indicator of `group` (default the plan's 主要目标; the heatmap shows
    every indicator): the municipalities in rank order."""
    a = ctx.all_regions
    munis = a[a["region_code"].isin(reference.municipality_codes())]
    parts = []
    for ind_id in _sorted(ctx.indicators)["indicator_id"]:
        if group and entry(ind_id).get("task_group") != group:
            continue
        r = munis[munis["indicator_id"] == ind_id]
        if r["rank"].notna().sum() < 2:
            continue
        e = entry(ind_id, r.iloc[0])
        r = r.sort_values(["rank", "region_code"], na_position="last")
        rows = "".join(
            f"<tr><td class=num>{'—' if _isna(x.rank) else int(x.rank)}</td>"
            f"<td>{esc(reference.region_name(x.region_code))}</td>"
            f"<td class=num>{esc(fmt_value(x.value, x.unit))}</td>"
            f"<td class=num>{esc(fmt_value(x.required_value, x.unit))}</td>"
            f"<td>{_status_cell(x)}</td>"
            f"<td class=num>{esc(fmt_delta(x.value - x.prev_value, x.unit))}</td></tr>"
            for x in r.itertuples())
        parts.append(f"<h3>{esc(e['name_zh'])}</h3>"
                     '<div class="table-scroll"><table class="league"><thead><tr><th class=num>排名</th>'
                     "<th>地区</th><th class=num>实际值</th><th class=num>序时进度要求</th><th>状态</th>"
                     f"<th class=num>较上年</th></tr></thead><tbody>{rows}</tbody></table></div>")
    if not parts:
        return HTML('<p class="unavailable">本年度没有可在设区市间排名的指标。</p>')
    return HTML("".join(parts))


def tile_map(ctx: ReportContext, indicator_id: str = "energy_intensity_reduction") -> HTML:
    """The 11 municipalities as tiles placed roughly where they lie (north up, sea east)."""
    a = ctx.all_regions
    r = a[a["indicator_id"] == indicator_id].set_index("region_code")
    if r.empty:
        return HTML(f'<p class="unavailable">{esc(entry(indicator_id)["short_zh"])}：暂无数据。</p>')
    e = entry(indicator_id, r.iloc[0])
    nrows = max(p[0] for p in TILE_GRID.values()) + 1
    ncols = max(p[1] for p in TILE_GRID.values()) + 1
    at = {pos: code for code, pos in TILE_GRID.items()}
    body = []
    for i in range(nrows):
        cells = []
        for j in range(ncols):
            code = at.get((i, j))
            if code is None:
                cells.append('<td class="empty"></td>')
                continue
            st = r.at[code, "status"] if code in r.index else "not_rated"
            val = fmt_value(r.at[code, "value"], r.at[code, "unit"]) if code in r.index else "—"
            short = next(x["short_name"] for x in reference.regions() if x["region_code"] == code)
            cells.append(f'<td class="tile {_tint(st)}"><strong>{esc(short)}</strong><br>'
                         f"{light(st)}<br><span class=num>{esc(val)}</span></td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return HTML(f'<figure class="tilemap-figure"><table class="tilemap" aria-label="'
                f'{esc(e["short_zh"])}分市示意图">{"".join(body)}</table>'
                f"<figcaption>{esc(e['short_zh'])}：各设区市状态示意图（按地理方位排列的方块图，非精确地图）"
                "</figcaption></figure>")


# ---------------------------------------------------------------- appendices


def quality_section(ctx: ReportContext) -> HTML:
    v = ctx.verdict
    verdict = VERDICT_ZH.get(v.get("verdict"), v.get("verdict", "—"))
    head = (f"<p>本地区数据质量结论：<strong>{esc(verdict)}</strong>"
            f"（错误{v.get('errors', 0)}项，提示{v.get('warnings', 0)}项）。错误会使相关指标不予评级"
            "（未评级）；提示仅供核实，不影响评级。</p>")
    parts = [head]
    checks = v.get("checks") or []
    if checks:
        by_table: dict[str, list[dict]] = {}
        for c in checks:
            by_table.setdefault(str(c.get("table")), []).append(c)
        titles = {k: e.get("title_zh", k) for k, e in reference.tables().items()
                  if isinstance(e, dict)}
        rows = "".join(
            f"<tr><td>{esc(titles.get(t, t))} <span class=note>{esc(t)}</span></td>"
            f"<td class=num>{len(cs)}</td>"
            f"<td class=num>{sum(c.get('verdict') == 'pass' for c in cs)}</td>"
            f"<td class=num>{sum(c.get('verdict') not in ('pass', None) for c in cs)}</td></tr>"
            for t, cs in by_table.items())
        parts.append('<h3>检查项目</h3><div class="table-scroll"><table><thead><tr><th>数据表</th>'
                     "<th class=num>检查项</th><th class=num>通过</th><th class=num>未通过</th>"
                     f"</tr></thead><tbody>{rows}</tbody></table></div>")
        failed = [c for c in checks if c.get("verdict") not in ("pass", None)]
        if failed:
            rows = "".join(
                f"<tr><td>{esc(titles.get(str(c.get('table')), c.get('table')))}</td>"
                f"<td>{esc(c.get('title_zh') or c.get('check'))}</td>"
                f"<td>{'错误' if c.get('severity') == 'error' else '提示'}</td></tr>"
                for c in failed)
            parts.append('<h3>未通过的检查</h3><div class="table-scroll"><table><thead><tr>'
                         "<th>数据表</th><th>检查内容</th><th>级别</th></tr></thead>"
                         f"<tbody>{rows}</tbody></table></div>")
    if not ctx.findings:
        parts.append("<p>未发现数据问题。</p>")
    else:
        rows = "".join(
            f"<tr><td>{'错误' if f.get('severity') == 'error' else '提示'}</td>"
            f"<td>{esc(f.get('file') or f.get('table'))}</td>"
            f"<td class=num>{esc(f.get('row') or '—')}</td>"
            f"<td>{esc(f.get('column') or '—')}</td><td>{esc(f.get('message'))}</td></tr>"
            for f in ctx.findings)
        parts.append('<h3>发现的问题</h3><div class="table-scroll"><table><thead><tr><th>级别</th>'
                     "<th>文件</th><th class=num>行</th><th>列</th><th>问题</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table></div>")
    return HTML("".join(parts))


def _short_rule(title_zh: str) -> str:
    """'能耗双控晴雨表（发改办环资〔2021〕629号）' -> '能耗双控晴雨表'."""
    return title_zh.split("（")[0].strip() or title_zh


OTHER_METHODS = [
    ("因素分解", "对数平均迪氏指数法（LMDI-I，加法形式），将规上工业能耗强度变化分解为行业结构效应与行业强度效应。"),
    ("达峰判断", "依据近五年工业二氧化碳排放：最高值出现在两年以前、最近一年低于最高值2%以上且趋势下降为“已达峰”；"
     "趋势在±1%/年以内或下降为“平台期”；否则为“仍在上升”。推算达峰年份按年增速的变化趋势外推。"),
    ("企业碳效", "工业碳效码（DB33/T 1347—2023）：碳效值K＝企业单位增加值碳排放÷所属行业平均水平，"
     "按K值分为1—5级；分级阈值可配置，尚待与正式文本核对。"),
    ("预测值", "按近三年线性趋势外推，仅说明按当前速度可能达到的水平，不是预报。"),
    ("目标", "为省级目标；省里另行分解到设区市的，以分解目标为准。"),
]


def methodology(ctx: ReportContext) -> HTML:
    """The annex, generated from the indicator catalog and the grading presets: one table row
    per indicator (what it measures, how, its pace, its rule, its source), each grading rule
    written out once below it, then the other methods."""
    presets = reference.grading().get("presets", {})
    rows, used = [], []
    for row in _sorted(ctx.indicators).itertuples():
        e = entry(row.indicator_id, row)
        key = row.grading_preset if not _isna(row.grading_preset) else None
        p = presets.get(key, {}) if key else {}
        if p and key not in used:
            used.append(key)
        rule = esc(_short_rule(p.get("title_zh", ""))) if p else "—"
        target = e.get("target_text_zh")
        meta = "　".join(x for x in (
            f"<span class=code>{esc(row.indicator_id)}</span>", f"牵头：{esc(e.get('lead_zh'))}" if e.get("lead_zh") else "",
            f"单位：{esc(e.get('unit') or row.unit)}" if (e.get("unit") or row.unit) else "") if x)
        pace = e.get("pace_zh")
        how = esc(e.get("formula_zh")) or "—"
        if pace:
            how += f"<br><span class=note>序时进度：{esc(pace)}</span>"
        plan = esc(e.get("plan_section")) or "—"
        if target:
            plan += f"<br>{esc(target)}"
        rows.append(
            "<tr>"
            f"<td><strong>{esc(e['name_zh'])}</strong><br><span class=note>{meta}</span></td>"
            f"<td>{plan}<br><span class=note>评级：{rule}</span></td>"
            f"<td>{how}</td><td>{esc(e.get('source_zh')) or '—'}</td></tr>")
    table = ('<table class="method"><colgroup><col class="m-name"><col class="m-plan">'
             '<col class="m-how"><col class="m-src"></colgroup><thead><tr><th>指标</th>'
             "<th>规划依据与目标</th><th>计算方法与序时进度</th><th>数据来源</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    rules = []
    for k in used:
        full = presets[k].get("title_zh", k)
        basis = full.split("（", 1)[1].rstrip("）") if "（" in full else ""
        rules.append(f"<dt>{esc(_short_rule(full))}</dt><dd>{esc(grading.rule_text(k))}"
                     + (f"（依据：{esc(basis)}）" if basis else "") + "</dd>")
    rules = "".join(rules)
    other = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in OTHER_METHODS)
    return HTML(f"{table}<div class=\"method-notes\"><h3>评级规则</h3><dl class=\"defs\">{rules}</dl>"
                f"<h3>其他方法</h3><dl class=\"defs\">{other}</dl></div>")


# ---------------------------------------------------------------- downloads

DOWNLOAD_COLUMNS_ZH = {
    "region_code": "地区代码", "region_name": "地区", "indicator_id": "指标代码",
    "name_zh": "指标", "year": "年度", "value": "实际值", "unit": "单位",
    "baseline_year": "基期", "baseline_value": "基期值", "target_year": "目标年",
    "target_value": "目标值", "stretch_target_value": "力争目标值",
    "required_value": "序时进度要求", "status": "状态代码", "status_zh": "状态",
    "prev_value": "上年值", "prev_status": "上年状态", "rank": "排名", "rank_of": "参与排名地区数",
    "projected_value": "预测值", "projection_year": "预测年份", "not_rated_reason": "未评级原因",
}


def download_files(region_code: str) -> list[tuple[str, str]]:
    """(file name, label) of the downloads beside a region's report."""
    return [(f"indicators-{region_code}.csv", "CSV"), (f"indicators-{region_code}.xlsx", "XLSX")]


def downloads(ctx: ReportContext, out_dir: Path | str | None = None) -> HTML:
    """Write this region's indicator rows (the province: every region's) as CSV and XLSX
    into `<run_dir>/<region_code>/`, beside the report, and link them. No enterprise data."""
    out = Path(out_dir) if out_dir else ctx.run_dir / ctx.region_code
    out.mkdir(parents=True, exist_ok=True)
    rows = ctx.all_regions if ctx.is_province else ctx.indicators
    rows = rows.sort_values(["region_code", "indicator_id"]).reset_index(drop=True)
    (csv_name, _), (xlsx_name, _) = download_files(ctx.region_code)
    rows.to_csv(out / csv_name, index=False, encoding="utf-8-sig")
    zh = rows[[c for c in DOWNLOAD_COLUMNS_ZH if c in rows.columns]].rename(
        columns=DOWNLOAD_COLUMNS_ZH)
    series = ctx.series.rename(columns={"region_code": "地区代码", "indicator_id": "指标代码",
                                        "year": "年份", "value": "实际值",
                                        "required_value": "序时进度要求",
                                        "stretch_required_value": "力争进度要求", "level": "水平值"})
    notes = pd.DataFrame({"说明": [
        title(ctx), f"数据版本：{ctx.dataset.get('vintage_zh', '—')}",
        ctx.dataset.get("banner_zh", "") if ctx.dataset.get("illustrative") else "",
        f"生成日期：{ctx.generated}", "状态：绿＝达到序时进度；黄＝落后；红＝明显落后或不降反升；未评级＝数据缺失或未通过质量检查。",
        "预测值为按近三年趋势的外推，不是统计数据。"]})
    with pd.ExcelWriter(out / xlsx_name, engine="openpyxl") as xw:
        zh.to_excel(xw, sheet_name="指标", index=False)
        series.to_excel(xw, sheet_name="时间序列", index=False)
        notes.to_excel(xw, sheet_name="说明", index=False)
    scope = "全省及11个设区市" if ctx.is_province else ctx.region_name
    links = "".join(f'<li><a href="{esc(name)}" download>{esc(name)}</a>（{label}）</li>'
                    for name, label in download_files(ctx.region_code))
    return HTML(f"<p>{esc(scope)}全部指标的年度值、目标、序时进度要求、状态与排名，"
                f"与本报告同目录提供下载（不含企业数据）：</p><ul class=downloads>{links}</ul>")
