"""Report charts: matplotlib/seaborn figures as PNG with alt text.

One palette for every chart (the same as report.css). Status is never carried by colour
alone: bars also carry a hatch per status and a text label (绿/黄/红/未评级), so a chart
printed in greyscale still reads. Labels are Chinese in "Noto Sans CJK SC"; a glyph the font
lacks makes matplotlib warn, and the runner fails the region on that warning.

Matplotlib is imported inside the functions: the report kernels import it once while warming
up, and importing this module stays cheap for everything else.
"""

from __future__ import annotations

import base64
import html
import io
import math

import pandas as pd

FONT = "Noto Sans CJK SC"
COLORS = {"green": "#1a7f37", "yellow": "#b58100", "red": "#c62828", "not_rated": "#9ca3af",
          "actual": "#1f2328", "required": "#57606a", "stretch": "#0969da",
          "highlight": "#1f2328", "neutral": "#8c959f"}
HATCH = {"green": "", "yellow": "///", "red": "xxx", "not_rated": "..."}
STATUS_ZH = {"green": "绿", "yellow": "黄", "red": "红", "not_rated": "未评级"}
DPI = 150
_ready = False


class Chart:
    """A PNG with alt text: displays inline in a notebook (the template reads `alt` from the
    output metadata) and embeds as a <figure> in HTML built by the report package."""

    def __init__(self, png: bytes, alt: str, caption: str = ""):
        self.png, self.alt, self.caption = png, alt, caption

    def _repr_mimebundle_(self, include=None, exclude=None):
        return ({"image/png": base64.b64encode(self.png).decode(), "text/plain": self.alt},
                {"alt": self.alt})

    def figure_html(self) -> str:
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (f'<figure class="chart"><img src="data:image/png;base64,'
                f'{base64.b64encode(self.png).decode()}" alt="{html.escape(self.alt)}">'
                f"{cap}</figure>")


def setup_matplotlib() -> None:
    """Agg backend, seaborn's white grid, the CJK font, ASCII minus (U+2212 is not used)."""
    global _ready
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", font=FONT, rc={"axes.unicode_minus": False})
    plt.rcParams["font.family"] = FONT
    plt.rcParams["hatch.linewidth"] = 0.6
    plt.rcParams["figure.autolayout"] = False
    _ready = True


def _plt():
    if not _ready:
        setup_matplotlib()
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()  # every chart calls tight_layout: one draw, not two (bbox_inches)
    fig.savefig(buf, format="png", dpi=DPI)
    _plt().close(fig)
    return buf.getvalue()


def _num(v, digits: int = 1) -> str:
    return "—" if v is None or pd.isna(v) else f"{v:.{digits}f}"


def status_legend(ax, statuses=("green", "yellow", "red", "not_rated"), **kw) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=COLORS[s], hatch=HATCH[s], edgecolor="white",
                     label=f"{STATUS_ZH[s]}灯" if s != "not_rated" else "未评级")
               for s in statuses]
    ax.legend(handles=handles, fontsize=8, frameon=False, **kw)


def trajectory(series: pd.DataFrame, region_name: str, name_zh: str, unit: str,
               baseline_year: int, target: float | None, stretch: float | None,
               year: int, ylabel: str, ax=None) -> str:
    """Actual path against the required and stretch paths; returns the alt sentence.

    Draws on `ax` when given (small multiples), else the caller gets nothing to save; use
    `trajectory_chart` for a standalone figure.
    """
    s = series[series["year"] >= baseline_year].sort_values("year")
    ax.plot(s["year"], s["value"], color=COLORS["actual"], marker="o", linewidth=2,
            label="实际")
    if s["required_value"].notna().any():
        ax.plot(s["year"], s["required_value"], color=COLORS["required"], marker="x",
                linestyle="--", label=f"序时进度（目标{target:g}{unit}）" if target is not None
                else "序时进度")
    if "stretch_required_value" in s and s["stretch_required_value"].notna().any():
        ax.plot(s["year"], s["stretch_required_value"], color=COLORS["stretch"], marker="^",
                linestyle=":", label=f"力争进度（{stretch:g}{unit}）" if stretch is not None
                else "力争进度")
    ax.axhline(0, color="#999", linewidth=0.8)
    ax.set_xlabel("年份")
    ax.set_ylabel(ylabel)
    ax.set_xticks(sorted(s["year"].unique()))
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    last = s[s["year"] == year]
    alt = f"折线图：{region_name}{name_zh}，{baseline_year}年至{year}年"
    if len(last):
        r = last.iloc[0]
        alt += f"，{year}年实际{_num(r['value'])}{unit}，序时进度要求{_num(r['required_value'])}{unit}"
    return alt


def trajectories(panels: list[dict], region_name: str, year: int) -> Chart:
    """One figure, one panel per indicator: actual against required and stretch paths.

    Each panel: series, name_zh, short_zh, unit, baseline_year, target, stretch, ylabel.
    """
    plt = _plt()
    n = len(panels)
    cols = 1 if n == 1 else (2 if n in (2, 4) else 3)
    rows = math.ceil(n / cols)
    size = {1: (7.2, 3.4), 2: (8.4, 3.2), 3: (9.6, 2.9)}[cols]
    fig, axes = plt.subplots(rows, cols, figsize=(size[0], size[1] * rows), squeeze=False)
    alts = []
    for ax, p in zip(axes.flat, panels, strict=False):
        alts.append(trajectory(p["series"], region_name, p["short_zh"], p["unit"],
                               p["baseline_year"], p.get("target"), p.get("stretch"), year,
                               p["ylabel"], ax=ax))
        ax.set_title(p["short_zh"] if n > 1 else f"{region_name}：{p['short_zh']}",
                     fontsize=11 if n == 1 else 9.5)
        if n > 1:
            ax.set_xlabel("")
            ax.tick_params(labelsize=7.5)
            ax.yaxis.label.set_size(8)
            ax.legend(loc="upper left", fontsize=6.5, frameon=False)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.tight_layout()
    return Chart(_png(fig), "；".join(alts))


def comparison(values: pd.DataFrame, highlight: str | None, short_zh: str, unit: str,
               required: float | None, province_value: float | None = None) -> Chart:
    """Horizontal bars, one per municipality, best first; status by colour, hatch and label.

    `values`: region_code, name, value, status. `highlight`: the report's own region.
    """
    plt = _plt()
    v = values.dropna(subset=["value"]).sort_values("value", ascending=True)
    fig, ax = plt.subplots(figsize=(7.2, 0.32 * len(v) + 1.2))
    for i, r in enumerate(v.itertuples()):
        own = r.region_code == highlight
        ax.barh(i, r.value, color=COLORS.get(r.status, COLORS["neutral"]),
                hatch=HATCH.get(r.status, ""), edgecolor=COLORS["highlight"] if own else "white",
                linewidth=1.8 if own else 0.5)
        ax.text(r.value, i, f" {r.value:.1f}（{STATUS_ZH.get(r.status, '未评级')}）",
                va="center", ha="left" if r.value >= 0 else "right", fontsize=8,
                fontweight="bold" if own else "normal")
    ax.set_yticks(range(len(v)))
    ax.set_yticklabels([f"{n} ◀" if c == highlight else n
                        for n, c in zip(v["name"], v["region_code"], strict=True)])
    for lbl, c in zip(ax.get_yticklabels(), v["region_code"], strict=True):
        if c == highlight:
            lbl.set_fontweight("bold")
    if required is not None and not pd.isna(required):
        ax.axvline(required, color=COLORS["required"], linestyle="--", linewidth=1.2)
        ax.text(required, len(v) - 0.4, f"序时进度要求 {required:.1f}", fontsize=8,
                color=COLORS["required"], ha="center", va="bottom")
    if province_value is not None and not pd.isna(province_value):
        ax.axvline(province_value, color=COLORS["stretch"], linestyle=":", linewidth=1.2)
        ax.text(province_value, -0.9, f"全省 {province_value:.1f}", fontsize=8,
                color=COLORS["stretch"], ha="center", va="top")
    ax.axvline(0, color="#999", linewidth=0.8)
    lo, hi = min(0, v["value"].min()), max(0, v["value"].max(),
                                           required if required is not None
                                           and not pd.isna(required) else 0)
    pad = (hi - lo) * 0.22 or 1
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + pad)
    ax.set_ylim(-1.4, len(v) + 0.2)
    ax.set_xlabel(f"{short_zh}（{unit}）")
    ax.grid(axis="y", visible=False)
    status_legend(ax, sorted(set(v["status"]), key=list(STATUS_ZH).index),
                  loc="lower right")
    order = list(v.sort_values("value", ascending=False)["name"])
    alt = f"条形图：各设区市{short_zh}，由高到低依次为" + "、".join(
        f"{n}{x:.1f}" for n, x in zip(order, v.sort_values("value", ascending=False)["value"],
                                     strict=True))
    if highlight:
        own = v[v["region_code"] == highlight]
        if len(own):
            alt += f"；本市{own.iloc[0]['name']}为{own.iloc[0]['value']:.1f}{unit}"
    fig.tight_layout()
    return Chart(_png(fig), alt)


def waterfall(structure: float, intensity: float, total: float, region_name: str,
              base_year: int, year: int) -> Chart:
    """LMDI drivers of the change in aggregate energy intensity: two steps and the total."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    steps = [("结构效应", 0.0, structure), ("强度效应", structure, intensity),
             ("合计变化", 0.0, total)]
    for i, (label, start, delta) in enumerate(steps):
        good = delta <= 0  # a fall in intensity is progress
        color = COLORS["green"] if good else COLORS["red"]
        hatch = "" if good else HATCH["red"]
        if label == "合计变化":
            color, hatch = COLORS["actual"], ""
        ax.bar(i, delta, bottom=start, color=color, hatch=hatch, edgecolor="white", width=0.6)
        top = start + delta
        ax.text(i, max(start, top), f"{delta:+.3f}\n{'降低' if delta <= 0 else '推高'}",
                ha="center", va="bottom", fontsize=8)
        if i == 0:
            ax.plot([i + 0.3, i + 0.7], [top, top], color="#999", linewidth=0.8)
    ax.axhline(0, color="#999", linewidth=0.8)
    ax.set_xticks(range(3))
    ax.set_xticklabels([s[0] for s in steps])
    ax.set_ylabel("能耗强度变化（吨标准煤/万元）")
    lo = min(0, structure, structure + intensity, total)
    hi = max(0, structure, structure + intensity, total)
    pad = (hi - lo) * 0.35 or 0.01
    ax.set_ylim(lo - pad * 0.3, hi + pad)
    ax.set_title(f"{region_name}：{base_year}—{year}年能耗强度变化的因素分解", fontsize=11)
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    alt = (f"瀑布图：{region_name}{base_year}年至{year}年规上工业能耗强度变化{total:+.3f}吨标准煤/万元，"
           f"其中行业结构效应{structure:+.3f}，行业能效（强度）效应{intensity:+.3f}")
    return Chart(_png(fig), alt)


def sector_bars(df: pd.DataFrame, region_name: str, base_year: int, year: int) -> Chart:
    """Energy use by key sector, base year against the reporting year, with the change in
    each sector's intensity as a label. `df`: sector_zh, energy_base, energy, intensity_change."""
    plt = _plt()
    d = df.sort_values("energy", ascending=True)
    fig, ax = plt.subplots(figsize=(7.2, 0.42 * len(d) + 1.3))
    y = range(len(d))
    ax.barh([i + 0.2 for i in y], d["energy_base"], height=0.38, color="#d0d7de",
            edgecolor=COLORS["required"], hatch="...", label=f"{base_year}年")
    ax.barh([i - 0.2 for i in y], d["energy"], height=0.38, color=COLORS["actual"],
            label=f"{year}年")
    for i, r in zip(y, d.itertuples(), strict=True):
        ch = r.intensity_change
        ax.text(max(r.energy, r.energy_base), i, "" if pd.isna(ch) else
                f"  强度{'下降' if ch <= 0 else '上升'}{abs(ch):.1f}%", va="center", fontsize=8)
    ax.set_yticks(list(y))
    ax.set_yticklabels(d["sector_zh"])
    ax.set_xlabel("能源消费量（万吨标准煤）")
    ax.set_xlim(0, max(d["energy"].max(), d["energy_base"].max()) * 1.35)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_title(f"{region_name}：重点行业能源消费", fontsize=11)
    fig.tight_layout()
    top = d.sort_values("energy", ascending=False).head(3)
    alt = (f"条形图：{region_name}{base_year}年与{year}年各重点行业能源消费量，{year}年最多的是"
           + "、".join(f"{r.sector_zh}{r.energy:.0f}万吨标准煤" for r in top.itertuples()))
    return Chart(_png(fig), alt)


GRADE_STATUS = {1: "green", 2: "green", 3: "yellow", 4: "red", 5: "red"}


def grade_distribution(counts: dict[int, int], title: str) -> Chart:
    """Enterprises by 碳效等级 1 (best) to 5; colours follow the report's status palette."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.4, 2.9))
    grades = [1, 2, 3, 4, 5]
    vals = [int(counts.get(g, 0)) for g in grades]
    for g, v in zip(grades, vals, strict=True):
        st = GRADE_STATUS[g]
        ax.bar(g, v, color=COLORS[st], hatch=HATCH[st], edgecolor="white", width=0.65)
        ax.text(g, v, f"{v}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(grades)
    ax.set_xticklabels([f"{g}级" for g in grades])
    ax.set_xlabel("碳效等级（1级最优，5级最差）")
    ax.set_ylabel("企业数（家）")
    ax.set_ylim(0, max(vals + [1]) * 1.2)
    ax.grid(axis="x", visible=False)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    total = sum(vals) or 1
    alt = (f"柱状图：{title}，共{sum(vals)}家；"
           + "、".join(f"{g}级{v}家（{v / total * 100:.0f}%）"
                      for g, v in zip(grades, vals, strict=True)))
    return Chart(_png(fig), alt)


def co2_outlook(co2: pd.DataFrame, region_name: str, peak: dict | None,
                deadline: int = 2030) -> Chart:
    """Industrial CO2 by year, the maximum marked, and the projected peak when there is one."""
    plt = _plt()
    s = co2.sort_values("year")
    fig, ax = plt.subplots(figsize=(7.2, 3.3))
    ax.plot(s["year"], s["co2_total"], color=COLORS["actual"], marker="o", linewidth=2,
            label="工业二氧化碳排放")
    if "co2_excl_state_listed" in s and s["co2_excl_state_listed"].notna().any():
        ax.plot(s["year"], s["co2_excl_state_listed"], color=COLORS["required"], marker="s",
                linestyle="--", label="不含国家单列项目")
    i = s["co2_total"].idxmax()
    ax.annotate(f"最高 {s.at[i, 'co2_total']:.0f}（{int(s.at[i, 'year'])}年）",
                (s.at[i, "year"], s.at[i, "co2_total"]), textcoords="offset points",
                xytext=(0, 8), ha="center", fontsize=8)
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + (hi - lo) * 0.15)
    ax.axvline(deadline, color=COLORS["red"], linestyle=":", linewidth=1.2)
    ax.text(deadline, ax.get_ylim()[0], f" {deadline}年达峰期限", fontsize=8,
            color=COLORS["red"], va="bottom")
    if peak and peak.get("projected_peak_year") and not pd.isna(peak.get("projected_peak_year")):
        py, pl = int(peak["projected_peak_year"]), peak.get("projected_peak_level")
        if pl is not None and not pd.isna(pl):
            ly, lv = int(s["year"].iloc[-1]), float(s["co2_total"].iloc[-1])
            ax.plot([ly, py], [lv, pl], color=COLORS["stretch"], linestyle="--", marker="^",
                    label="趋势推算（预测）")
    ax.set_xlim(s["year"].min() - 0.5, max(deadline, s["year"].max()) + 0.8)
    ax.set_xlabel("年份")
    ax.set_ylabel("万吨二氧化碳")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title(f"{region_name}：工业二氧化碳排放与达峰展望", fontsize=11)
    fig.tight_layout()
    alt = (f"折线图：{region_name}工业二氧化碳排放，{int(s['year'].iloc[0])}年至"
           f"{int(s['year'].iloc[-1])}年，{int(s['year'].iloc[-1])}年为"
           f"{s['co2_total'].iloc[-1]:.0f}万吨，最高值出现在{int(s.at[i, 'year'])}年")
    if peak and peak.get("label_zh"):
        alt += f"；判断：{peak['label_zh']}"
    return Chart(_png(fig), alt)


def rank_strip(rows: pd.DataFrame, region_name: str) -> Chart:
    """This municipality against the other ten on every ranked indicator at once: one row per
    indicator, a dot per municipality at its rank (1 = best, left), this one large and labelled.

    `rows`: short_zh, rank, rank_of, status, others (list of the other municipalities' ranks).
    """
    plt = _plt()
    r = rows.reset_index(drop=True)
    n = len(r)
    fig, ax = plt.subplots(figsize=(7.2, 0.34 * n + 1.1))
    for i, x in enumerate(r.itertuples()):
        y = n - 1 - i
        ax.plot([1, x.rank_of], [y, y], color="#d0d7de", linewidth=1, zorder=1)
        ax.scatter(x.others, [y] * len(x.others), s=14, color=COLORS["neutral"], zorder=2)
        ax.scatter([x.rank], [y], s=90, color=COLORS.get(x.status, COLORS["neutral"]),
                   hatch=HATCH.get(x.status, ""), edgecolor=COLORS["highlight"], linewidth=1.2,
                   marker={"green": "o", "yellow": "D", "red": "s"}.get(x.status, "o"), zorder=3)
        ax.text(x.rank_of + 0.4, y, f"第{int(x.rank)}/{int(x.rank_of)}（{STATUS_ZH.get(x.status, '未评级')}）",
                va="center", fontsize=8)
    ax.set_yticks(range(n))
    ax.set_yticklabels(list(r["short_zh"])[::-1], fontsize=8.5)
    top = int(r["rank_of"].max())
    ax.set_xlim(0.5, top + 3.2)
    ax.set_xticks(range(1, top + 1))
    ax.set_xlabel("在设区市中的排名（1＝最好）")
    ax.grid(axis="y", visible=False)
    ax.set_title(f"{region_name}与其他设区市比较（大标记为本市，灰点为其他设区市）", fontsize=10)
    fig.tight_layout()
    alt = (f"排名图：{region_name}在各项指标中的设区市排名，"
           + "、".join(f"{x.short_zh}第{int(x.rank)}/{int(x.rank_of)}" for x in r.itertuples()))
    return Chart(_png(fig), alt)
