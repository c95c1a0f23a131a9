"""The 1–N月 statistics behind the lights (monthly_series.csv): value-added growth, energy,
electricity and CO2 of this region, this year and the same period last year."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.brief.context import BriefContext
from carbonpeak.brief.view import phrases, section
from carbonpeak.brief.wording import amount
from carbonpeak.numtext import isna, num, signed
from carbonpeak.report.view import HTML

ROWS = ("value_added_growth", "energy", "electricity", "co2")


def _one(ctx: BriefContext, period: str) -> dict:
    s = ctx.series
    hit = s[(s["region_code"] == ctx.region_code) & (s["period"] == period)]
    return {} if hit.empty else hit.iloc[0].to_dict()


def figures_view(ctx: BriefContext) -> dict:
    now = _one(ctx, ctx.period.key)
    last = _one(ctx, ctx.period.same_period_last_year().key)
    cols = phrases()["columns"]
    rows = []
    for col in ROWS:
        a, b = now.get(col), last.get(col)
        if isna(a) and isna(b):
            continue
        name, unit = cols[col]
        growth = col == "value_added_growth"
        change = "—" if growth or isna(a) or isna(b) or not float(b) else signed(
            (float(a) / float(b) - 1) * 100, 1) + "%"
        fmt = (lambda v: num(v, 1)) if growth else amount
        rows.append({"name": name, "unit": unit, "now": "—" if isna(a) else fmt(a),
                     "last": "—" if isna(b) else fmt(b), "change": change,
                     "estimated": col == "co2" and bool(now.get("co2_estimated")),
                     "scope": reference.co2_scope()["excl"] if col == "co2" else ""})
    return {"months": ctx.period.months_label_zh, "year": ctx.period.year, "rows": rows}


def figures(ctx: BriefContext) -> HTML:
    """The 1–N月 statistics of this region (nothing when the run has none)."""
    return section("figures", **figures_view(ctx))
