"""The 2030 peak outlook chart: industrial CO2 by year with its projected range and the
path the deadline requires."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.numtext import num
from carbonpeak.report.chart_base import (
    COLORS,
    MIN_FONT_PT,
    Chart,
    _axes,
    _figure,
    _frame,
    _image,
    _year_labels,
)


def co2_outlook(co2: pd.DataFrame, region_name: str, peak: dict | None,
                deadline: int = 2030, projection: pd.DataFrame | None = None,
                marks: dict | None = None) -> Chart:
    """Industrial CO2 by year, the maximum marked, and the outlook: with a projection
    (scenario trend, trend_low, trend_high, required) the trend with its range and the path
    the deadline requires; without one, the line to the projected peak when there is one.
    `marks` (report.outlook.marks): the projected peak or the deadline level, and the required
    path's end, labelled with the numbers the text quotes."""
    s = co2.sort_values("year")
    fig = _figure(2.4)
    ax = _axes(fig)[0, 0]
    _frame(fig, 0.7, 0.12, 0.3, 0.3)
    scope = reference.co2_scope()
    ax.plot(s["year"], s["co2_total"], color=COLORS["actual"], marker="o", linewidth=1.8,
            label=f"工业二氧化碳排放（{scope['total']}）")
    if "co2_excl_state_listed" in s and (s["co2_total"] - s["co2_excl_state_listed"]).gt(0).any():
        ax.plot(s["year"], s["co2_excl_state_listed"], color=COLORS["required"], marker="s",
                markersize=3, linestyle="--", linewidth=1.1, label=scope["excl"])
    i = s["co2_total"].idxmax()
    ax.annotate(f"最高 {num(s.at[i, 'co2_total'], 0)}（{int(s.at[i, 'year'])}年）",
                (s.at[i, "year"], s.at[i, "co2_total"]), textcoords="offset points",
                xytext=(0, 6), ha="center", fontsize=MIN_FONT_PT)
    ax.axvline(deadline, color=COLORS["red"], linestyle=":", linewidth=1)
    proj = None
    if projection is not None and len(projection):
        proj = projection.pivot_table(index="year", columns="scenario", values="co2")
    if proj is not None and {"trend_low", "trend_high"} <= set(proj.columns):
        band = proj[["trend_low", "trend_high"]].dropna()
        ax.fill_between(band.index, band["trend_low"], band["trend_high"], color=COLORS["stretch"],
                        alpha=0.15, linewidth=0, label="趋势区间（预测）")
    if proj is not None and "trend" in proj:
        t = proj["trend"].dropna()
        ax.plot(t.index, t.values, color=COLORS["stretch"], linestyle="--", linewidth=1.2,
                label="趋势推算（预测）")
    if proj is not None and "required" in proj:
        r = proj["required"].dropna()
        ax.plot(r.index, r.values, color=COLORS["green"], linestyle="-.", linewidth=1.2,
                label=f"{deadline}年前达峰所需路径")
    if proj is None and peak and peak.get("projected_peak_year") and not pd.isna(
            peak.get("projected_peak_year")):
        py, pl = int(peak["projected_peak_year"]), peak.get("projected_peak_level")
        if pl is not None and not pd.isna(pl):
            ly, lv = int(s["year"].iloc[-1]), float(s["co2_total"].iloc[-1])
            ax.plot([ly, py], [lv, pl], color=COLORS["stretch"], linestyle="--", marker="^",
                    markersize=3, linewidth=1.1, label="趋势推算（预测）")
    for key, style in (("peak", "stretch"), ("end", "stretch"), ("required", "green")):
        m = (marks or {}).get(key)
        if m and m[1] is not None:
            label = f"推算峰值约{num(m[1], 0)}（{m[0]}年）" if key == "peak" else num(m[1], 0)
            ax.annotate(label, (m[0], m[1]), textcoords="offset points",
                        xytext=(-4, 6 if key != "required" else -10), ha="right",
                        fontsize=MIN_FONT_PT, color=COLORS[style])
            ax.plot([m[0]], [m[1]], marker="^" if key == "peak" else "o", markersize=3.5,
                    color=COLORS[style])
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + (hi - lo) * 0.18)
    ax.text(deadline - 0.15, lo, f"{deadline}年达峰期限", fontsize=MIN_FONT_PT, color=COLORS["red"],
            va="bottom", ha="right")
    last = max(deadline, int(s["year"].max()),
               int(proj.index.max()) if proj is not None else deadline)
    years = list(range(int(s["year"].min()), last + 1))
    ax.set_xticks(years)
    ax.set_xticklabels(_year_labels(years))
    ax.set_xlim(years[0] - 0.5, last + 0.8)
    ax.set_ylabel("万吨二氧化碳")
    ax.set_xlabel("年份")
    ax.legend(loc="upper left", ncol=3, fontsize=MIN_FONT_PT)
    ax.set_title(f"{region_name}：工业二氧化碳排放与达峰展望")
    alt = (f"折线图：{region_name}工业二氧化碳排放，{int(s['year'].iloc[0])}年至"
           f"{int(s['year'].iloc[-1])}年，{int(s['year'].iloc[-1])}年为"
           f"{num(s['co2_total'].iloc[-1], 0)}万吨，最高值出现在{int(s.at[i, 'year'])}年")
    if peak and peak.get("label_zh"):
        alt += f"；判断：{peak['label_zh']}"
    return Chart(_image(fig), alt)
