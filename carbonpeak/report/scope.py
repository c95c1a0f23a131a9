"""The two CO2 scopes (含/不含国家单列项目) as a report states them: every CO2 figure names its
scope, and where a region with 国家单列项目 has its CO2 intensity graded or ranked, the
intensity on the other scope is shown beside it (words: emission_factors.yml `scope_zh`)."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.indicators.emissions import reduction_incl_state_listed, scope_change
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import isna

CO2_INTENSITY = ("co2_intensity_reduction",)  # graded on the scope without 国家单列项目


def word(scope: str) -> str:
    """'含国家单列项目' (scope 'total') or '不含国家单列项目' ('excl')."""
    return reference.co2_scope()[scope]


def intensity_pair(ctx: ReportContext, row) -> str:
    """'舟山市含国家单列项目的强度较2020年上升4.3%（不参与评级和排名）' for a CO2 intensity row
    of a region with 国家单列项目 in its year; '' otherwise."""
    if (row.indicator_id not in CO2_INTENSITY or ctx.co2_all is None or isna(row.level)
            or isna(row.level_baseline)):
        return ""
    code = str(row.region_code)
    v = reduction_incl_state_listed(ctx.co2_all, code, int(row.year), int(row.baseline_year),
                                    float(row.level), float(row.level_baseline))
    if v is None:
        return ""
    return reference.co2_scope()["intensity_pair"].format(
        region=reference.region_name(code), base=int(row.baseline_year), change=scope_change(v))


def pairs(ctx: ReportContext, indicator_id: str, codes: list[str]) -> list[str]:
    """intensity_pair of each region in `codes` that has one (a ranking's note)."""
    rows = ctx.all_regions[(ctx.all_regions["indicator_id"] == indicator_id)
                           & ctx.all_regions["region_code"].astype(str).isin(codes)]
    return [t for t in (intensity_pair(ctx, r) for r in rows.itertuples()) if t]
