"""工业碳效码 (DB33/T 1347—2023) grades and 用能预算 tiers for enterprises.

L = co2_t / value_added_10k_yuan (tCO2 per 万元, own zero-carbon generation already netted
by the caller). K = L / industry reference L. The reference is by default the aggregate
ratio Σco2/ΣVA of the industry (how intensities are measured everywhere else, and not
swung by a firm with tiny value added); `industry_mean="simple"` uses the plain mean of L.
Cut-points are parameters, with no default here: the caller passes those of
data/reference/carbon_efficiency.yml (the published values are not yet verified).
Boundaries are inclusive on the lower grade (K = 0.6 is grade 1); K and L are rounded to
10 decimals before grading so float noise cannot push an exact boundary value up a grade.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

LEVELS = ("低碳", "中碳", "高碳")


def _band(values: pd.Series, cutpoints: tuple[float, ...]) -> pd.Series:
    """0-based band index: value ≤ cut[0] -> 0, ≤ cut[1] -> 1, ..., > cut[-1] -> len(cut)."""
    idx = np.searchsorted(np.asarray(cutpoints, float), values.round(10).to_numpy(), "left")
    return pd.Series(idx, index=values.index).where(values.notna())


def carbon_efficiency(
    df: pd.DataFrame,
    *,
    grade_cutpoints: tuple[float, ...],
    level_cutpoints: tuple[float, float],
    industry_mean: str = "aggregate",
) -> pd.DataFrame:
    """Add L, L_industry, K, grade (Int64 1..len(cuts)+1) and level (低碳/中碳/高碳).

    Rows with missing or non-positive value added, or missing or negative CO2, get NA in
    all added columns and are left out of the industry reference.
    """
    if industry_mean not in ("aggregate", "simple"):
        raise ValueError(f"industry_mean must be 'aggregate' or 'simple', not {industry_mean!r}")
    if list(grade_cutpoints) != sorted(grade_cutpoints) or len(level_cutpoints) != 2:
        raise ValueError("cut-points must be ascending; level_cutpoints needs two values")
    out = df.copy()
    co2 = pd.to_numeric(out["co2_t"], errors="coerce").astype(float)
    va = pd.to_numeric(out["value_added_10k_yuan"], errors="coerce").astype(float)
    ok = (va > 0) & (co2 >= 0)
    out["L"] = (co2 / va).where(ok)
    grp = out["industry_code"].where(ok)
    if industry_mean == "aggregate":
        ref = co2.where(ok).groupby(grp).transform("sum") / va.where(ok).groupby(grp).transform(
            "sum"
        )
    else:
        ref = out["L"].groupby(grp).transform("mean")
    out["L_industry"] = ref.where(ok)
    out["K"] = (out["L"] / out["L_industry"]).where(out["L_industry"] > 0)
    out["grade"] = (_band(out["K"], tuple(grade_cutpoints)) + 1).astype("Int64")
    level = _band(out["L"], tuple(level_cutpoints))
    out["level"] = pd.Series(
        [LEVELS[int(i)] if not math.isnan(i) else pd.NA for i in level],
        index=out.index,
        dtype="string",
    )
    return out


def energy_budget_tier(energy_tce: float) -> str:
    """用能预算 tier by annual comprehensive energy use (tce).

    The plan's tiers are 5000吨标准煤以上, 1000吨(含)至5000吨, 1000吨以下. In Chinese
    statistical usage "以上" includes the number itself, so exactly 5000 is in the top tier
    and exactly 1000 in the middle tier.
    """
    if energy_tce is None or math.isnan(energy_tce) or energy_tce < 0:
        raise ValueError(f"energy use must be a non-negative number, got {energy_tce!r}")
    if energy_tce >= 5000:
        return "≥5000"
    if energy_tce >= 1000:
        return "1000–5000"
    return "<1000"
