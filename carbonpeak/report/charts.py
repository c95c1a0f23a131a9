"""The report's charts, one function each: trajectories against the required paths,
the municipalities compared, the LMDI waterfall, sector energy, carbon-efficiency grades.
Palette, style and the figure itself: chart_base.py; the CO2 outlook: peak_chart.py."""

from __future__ import annotations

import math

import pandas as pd

from carbonpeak.report.chart_base import (
    COLORS,
    HATCH,
    MIN_FONT_PT,
    STATUS_ZH,
    WIDTH,
    Chart,
    _axes,
    _figure,
    _frame,
    _image,
    _locator,
    _num,
    _signed,
    _status_handles,
    _zero_line,
)
from carbonpeak.report.fmt import DRIVER_DIGITS, apart, value
from carbonpeak.status import NOT_RATED

# The three paths of every trajectory panel, by role; each path's
# label is the report mode's word for it (phrases.yml `vocabulary`: actual, required_path,
# stretch_path).
TRAJ = {
    "actual": {"color": COLORS["actual"], "dashes": "", "marker": "o"},
    "required_path": {"color": COLORS["required"], "dashes": (4, 2), "marker": "X"},
    "stretch_path": {"color": COLORS["stretch"], "dashes": (1, 1.5), "marker": "^"},
}


def trajectory(series: pd.DataFrame, region_name: str, name_zh: str, unit: str,
               baseline_year: int, target: float | None, stretch: float | None,
               year: int, ylabel: str, words: dict, ax=None) -> str:
    """Actual path against the required and stretch paths, drawn on `ax` (one panel of
    `trajectories`), labelled in the report mode's `words`; returns the alt sentence."""
    s = series[series["year"] >= baseline_year].sort_values("year")
    lines = [("actual", "value")]
    if s["required_value"].notna().any():
        lines.append(("required_path", "required_value"))
    if "stretch_required_value" in s and s["stretch_required_value"].notna().any():
        lines.append(("stretch_path", "stretch_required_value"))
    for role, col in lines:  # a year without a value is skipped, the line runs on
        style, known = TRAJ[role], s[s[col].notna()]
        ax.plot(known["year"], known[col], color=style["color"], marker=style["marker"],
                markeredgewidth=0.75, markeredgecolor="w", label=words[role],
                linewidth=1.8 if role == "actual" else 1.1,
                zorder=3 if role == "actual" else 2,
                **({"dashes": style["dashes"]} if style["dashes"] else {}))
    ax.set_xlabel("")
    if (s[["value", "required_value"]].min().min() or 0) < 0:  # else 0 is the floor anyway
        _zero_line(ax)
    years = [int(y) for y in sorted(s["year"].unique())]
    # first, middle and last year only: every year still has its marker, and each tick is
    # a handful of artists to draw
    ticks = sorted({years[0], years[len(years) // 2], years[-1]})
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(y) for y in ticks])
    ax.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_locator(_locator(3))
    last = s[s["year"] == year]
    alt = f"折线图：{region_name}{name_zh}，{baseline_year}年至{year}年"
    if len(last):
        r = last.iloc[0]
        alt += (f"，{year}年{words['actual']}{_num(r['value'])}{unit}，"
                f"{words['required']}{_num(r['required_value'])}{unit}")
        if not pd.isna(r["value"]):
            ax.annotate(_num(r["value"]), (year, r["value"]), textcoords="offset points",
                        xytext=(0, 5), ha="center", fontsize=MIN_FONT_PT, fontweight="bold")
    return alt


def trajectories(panels: list[dict], region_name: str, year: int, words: dict,
                 cols: int | None = None) -> Chart:
    """Small multiples, one panel per indicator (three to a row, one legend for all): the
    actual path against the required and stretch paths.

    Each panel: series, short_zh, unit, baseline_year, target, stretch, ylabel.
    """
    n = len(panels)
    cols = cols or min(n, 3)  # a row of a longer grid keeps the grid's three columns
    rows = math.ceil(n / cols)
    width = WIDTH / 2 if cols == 1 else WIDTH  # one panel: a half-width figure beside the text
    fig = _figure(0.45 + 1.85 * rows, width)
    axes = _axes(fig, rows, cols)
    _frame(fig, 0.5, 0.12, 0.62, 0.28, wspace=0.38, hspace=0.75)
    alts, stretch = [], False
    for ax, p in zip(axes.flat, panels, strict=False):
        alts.append(trajectory(p["series"], region_name, p["short_zh"], p["unit"],
                               p["baseline_year"], p.get("target"), p.get("stretch"), year,
                               p["unit"] if cols > 1 else p["ylabel"], words, ax=ax))
        tgt, st = p.get("target"), p.get("stretch")
        goal = "" if tgt is None else f"目标{value(tgt, p['unit'])}" + (
            f"，力争{value(st, p['unit'])}" if st is not None else "")
        ax.set_title(p["short_zh"], fontsize=8, pad=12 if goal else 4)
        if goal:  # a lighter second line under the name
            ax.text(0, 1.025, goal, transform=ax.transAxes, fontsize=MIN_FONT_PT,
                    color=COLORS["required"], va="bottom")
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, hi + (hi - lo) * 0.12)  # room for the value label
        stretch = stretch or any(ln.get_label() == words["stretch_path"] for ln in ax.get_lines())
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    h, labels = axes.flat[0].get_legend_handles_labels()
    if stretch and words["stretch_path"] not in labels:
        from matplotlib.lines import Line2D

        h.append(Line2D([], [], color=COLORS["stretch"], marker="^", linestyle=":"))
        labels.append(words["stretch_path"])
    fig.legend(h, labels, loc="upper left", ncol=3, bbox_to_anchor=(0.0, 1.0),
               fontsize=7.5, handlelength=2.4)
    if cols > 1:
        fig.text(0.99, 0.985, f"{region_name}，{year}年", ha="right", va="top", fontsize=7.5,
                 color=COLORS["required"])
    return Chart(_image(fig), "；".join(alts), half=cols == 1, width_in=width)


def _comparison_panel(ax, values: pd.DataFrame, highlight: str | None, short_zh: str,
                      unit: str, required: float | None, required_label: str,
                      province_value: float | None, digits: int, peers: dict) -> str:
    """One panel of `comparisons`; `peers`: how the regions compared are called."""
    v = values.dropna(subset=["value"]).sort_values("value", ascending=True)
    own = [c == highlight for c in v["region_code"]]
    ax.barh(range(len(v)), v["value"], height=0.7,  # one call: a bar per region
            color=[COLORS.get(st, COLORS["neutral"]) for st in v["status"]],
            hatch=[HATCH.get(st, "") for st in v["status"]],
            edgecolor=[COLORS["highlight"] if o else "white" for o in own],
            linewidth=[1.5 if o else 0.4 for o in own])
    for i, (r, o) in enumerate(zip(v.itertuples(), own, strict=True)):
        nd = apart(r.value, required, digits, r.status in ("yellow", "red"))  # shows the gap
        ax.text(r.value, i, f" {_num(r.value, nd)}（{STATUS_ZH.get(r.status, STATUS_ZH[NOT_RATED])}）",
                va="center", ha="left" if r.value >= 0 else "right", fontsize=MIN_FONT_PT,
                fontweight="bold" if o else "normal")
    ax.set_yticks(range(len(v)))
    labels = ax.set_yticklabels([f"{n} ◀" if c == highlight else n
                                 for n, c in zip(v["name"], v["region_code"], strict=True)])
    for lbl, c in zip(labels, v["region_code"], strict=True):
        if c == highlight:
            lbl.set_fontweight("bold")
    if required is not None and not pd.isna(required):
        ax.axvline(required, color=COLORS["required"], linestyle="--", linewidth=1)
        ax.text(required, len(v) - 0.3, f"{required_label} {_num(required, digits)}",
                fontsize=MIN_FONT_PT,
                color=COLORS["required"], ha="center", va="bottom")
    if province_value is not None and not pd.isna(province_value):
        ax.axvline(province_value, color=COLORS["stretch"], linestyle=":", linewidth=1)
        ax.text(province_value, -0.9, f"全省 {_num(province_value, digits)}", fontsize=MIN_FONT_PT,
                color=COLORS["stretch"], ha="center", va="top")
    ax.axvline(0, color="#999", linewidth=0.6)
    lo, hi = min(0, v["value"].min()), max(0, v["value"].max(),
                                           required if required is not None
                                           and not pd.isna(required) else 0)
    pad = (hi - lo) * 0.3 or 1
    ax.set_xlim(lo - (pad if lo < 0 else 0), hi + pad)
    ax.set_ylim(-1.3 if province_value is not None else -0.6, len(v) + 0.4)
    ax.set_xlabel(f"{short_zh}（{unit}）")
    ax.xaxis.set_major_locator(_locator(4))
    ax.tick_params(axis="y", length=0)
    desc = v.sort_values("value", ascending=False)
    alt = f"条形图：各{peers['peers']}{short_zh}，由高到低依次为" + "、".join(
        f"{n}{_num(x, digits)}" for n, x in zip(desc["name"], desc["value"], strict=True))
    if highlight:
        own = v[v["region_code"] == highlight]
        if len(own):
            alt += (f"；{peers['self']}{own.iloc[0]['name']}为"
                    f"{_num(own.iloc[0]['value'], digits)}{unit}")
    return alt


def comparisons(specs: list[dict], highlight: str | None, words: dict) -> Chart:
    """The municipalities side by side on one or more indicators (one panel each, one status
    legend): bars best first, status by colour, hatch and label, this region outlined.

    Each spec: values (region_code, name, value, status), short_zh, unit, required,
    province_value (optional)."""
    k = len(specs)
    n = max(len(s["values"].dropna(subset=["value"])) for s in specs)
    fig = _figure(0.19 * n + 1.05)
    axes = _axes(fig, 1, k, grid="x")[0]
    left, right = 0.62, 0.1
    width = (WIDTH - left - right - (k - 1) * 0.72) / k
    _frame(fig, left, right, 0.3, 0.42, wspace=0.72 / width)
    alts, seen = [], set()
    for ax, s in zip(axes, specs, strict=True):
        alts.append(_comparison_panel(ax, s["values"], highlight, s["short_zh"], s["unit"],
                                      s.get("required"), words["required"],
                                      s.get("province_value"),
                                      s.get("digits", 1), s["peers"]))
        seen |= set(s["values"]["status"])
    fig.legend(handles=_status_handles(sorted(seen & set(STATUS_ZH), key=list(STATUS_ZH).index)),
               loc="upper left", ncol=4, bbox_to_anchor=(0.0, 1.0), fontsize=7.5)
    level = specs[0]["peers"]
    fig.text(0.99, 0.985, f"各{level['peers']}比较（◀ 为{level['self']}）" if highlight
             else f"各{level['peers']}比较", ha="right", va="top", fontsize=7.5,
             color=COLORS["required"])
    return Chart(_image(fig), "；".join(alts))


def waterfall(structure: float, intensity: float, total: float, region_name: str,
              base_year: int, year: int) -> Chart:
    """LMDI drivers of the change in aggregate energy intensity: two steps and the total."""
    fig = _figure(2.2)
    ax = _axes(fig, grid="y")[0, 0]
    _frame(fig, 0.75, 0.15, 0.3, 0.28)
    steps = [("结构效应", 0.0, structure), ("强度效应", structure, intensity),
             ("合计变化", 0.0, total)]
    for i, (label, start, delta) in enumerate(steps):
        good = delta <= 0  # a fall in intensity is progress
        color = COLORS["green"] if good else COLORS["red"]
        hatch = "" if good else HATCH["red"]
        if label == "合计变化":
            color, hatch = COLORS["actual"], ""
        ax.bar(i, delta, bottom=start, color=color, hatch=hatch, edgecolor="white", width=0.5)
        top = start + delta
        ax.text(i, max(start, top), f"{'降低' if delta <= 0 else '推高'}{_num(abs(delta), DRIVER_DIGITS)}",
                ha="center", va="bottom", fontsize=7.5)
        if i == 0:
            ax.plot([i + 0.25, i + 0.75], [top, top], color="#999", linewidth=0.8)
    _zero_line(ax)
    ax.set_xticks(range(3))
    ax.set_xticklabels([s[0] for s in steps], fontsize=8)
    ax.tick_params(axis="x", length=0)
    ax.set_ylabel("吨标准煤/万元")
    lo = min(0, structure, structure + intensity, total)
    hi = max(0, structure, structure + intensity, total)
    pad = (hi - lo) * 0.25 or 0.01
    ax.set_ylim(lo - pad * 0.3, hi + pad)
    ax.set_title(f"{region_name}：{base_year}—{year}年能耗强度变化的因素分解")
    nd = DRIVER_DIGITS
    alt = (f"瀑布图：{region_name}{base_year}年至{year}年规上工业能耗强度变化{_signed(total, nd)}"
           f"吨标准煤/万元，其中行业结构效应{_signed(structure, nd)}，行业能效（强度）效应"
           f"{_signed(intensity, nd)}")
    return Chart(_image(fig), alt)


def sector_bars(df: pd.DataFrame, region_name: str, base_year: int, year: int) -> Chart:
    """Energy use by key sector, base year against the reporting year, with the change in
    each sector's intensity as a label. `df`: sector_zh, energy_base, energy, intensity_change."""
    d = df.sort_values("energy", ascending=True)
    fig = _figure(0.27 * len(d) + 0.75)
    ax = _axes(fig, grid="x")[0, 0]
    _frame(fig, 1.0, 0.12, 0.3, 0.38)
    y = range(len(d))
    ax.barh([i + 0.19 for i in y], d["energy_base"], height=0.36, color="#d0d7de",
            edgecolor=COLORS["required"], linewidth=0.6, label=f"{base_year}年")
    ax.barh([i - 0.19 for i in y], d["energy"], height=0.36, color=COLORS["actual"],
            label=f"{year}年")
    for i, r in zip(y, d.itertuples(), strict=True):
        ch = r.intensity_change
        ax.text(max(r.energy, r.energy_base), i, "" if pd.isna(ch) else
                f"  强度{'下降' if ch <= 0 else '上升'}{_num(abs(ch))}%", va="center", fontsize=MIN_FONT_PT)
    ax.set_yticks(list(y))
    ax.set_yticklabels(d["sector_zh"])
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("能源消费量（万吨标准煤）")
    ax.set_xlim(0, max(d["energy"].max(), d["energy_base"].max()) * 1.3)
    ax.set_ylim(-0.6, len(d) - 0.4)
    ax.legend(loc="lower right", ncol=2)
    ax.set_title(f"{region_name}：重点行业能源消费")
    top = d.sort_values("energy", ascending=False).head(3)
    alt = (f"条形图：{region_name}{base_year}年与{year}年各重点行业能源消费量，{year}年最多的是"
           + "、".join(f"{r.sector_zh}{_num(r.energy, 0)}万吨标准煤" for r in top.itertuples()))
    return Chart(_image(fig), alt)


GRADE_STATUS = {1: "green", 2: "green", 3: "yellow", 4: "red", 5: "red"}


def grade_distribution(counts: dict[int, int], title: str) -> Chart:
    """Enterprises by 碳效等级 1 (best) to 5; colours follow the report's status palette."""
    fig = _figure(2.0)
    ax = _axes(fig, grid="y")[0, 0]
    _frame(fig, 0.6, 0.12, 0.3, 0.42)
    grades = [1, 2, 3, 4, 5]
    vals = [int(counts.get(g, 0)) for g in grades]
    for g, v in zip(grades, vals, strict=True):
        st = GRADE_STATUS[g]
        ax.bar(g, v, color=COLORS[st], hatch=HATCH[st], edgecolor="white", width=0.55)
        ax.text(g, v, f"{v}", ha="center", va="bottom", fontsize=MIN_FONT_PT)
    ax.set_xticks(grades)
    ax.set_xticklabels([f"{g}级" for g in grades])
    ax.tick_params(axis="x", length=0)
    ax.set_xlabel("碳效等级（1级最优，5级最差）")
    ax.set_ylabel("企业数（家）")
    ax.set_ylim(0, max(vals + [1]) * 1.22)
    ax.set_title(title)
    total = sum(vals) or 1
    alt = (f"柱状图：{title}，共{sum(vals)}家；"
           + "、".join(f"{g}级{v}家（{_num(v / total * 100, 0)}%）"
                      for g, v in zip(grades, vals, strict=True)))
    return Chart(_image(fig), alt)
