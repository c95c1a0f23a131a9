"""Has a yearly CO2 series peaked, and what would it take to peak by the deadline?

Rules (all on the last `window` observed years, default 5; NaN years are dropped):

- classify_peak: fewer than `min_years` (5) observations -> "insufficient_data".
  The recent trend is the OLS slope over the window divided by the window mean (%/yr).
  "peaked": the maximum lies at least `min_years_since_max` (2) years before the last
  year, the last value is at least `tolerance` (2%) below the maximum, and the trend is
  negative. Otherwise "plateau" if the trend is within ±`plateau_band` (1%/yr) or
  negative (falling but not yet confirmed as a peak); otherwise "rising".
- project_peak: extrapolates the trend of annual log growth rates (a falling growth rate
  is what a coming peak looks like); the peak is the last year with positive projected
  growth. A constant or accelerating growth rate gives no peak by the deadline.
- required_annual_change: how fast the growth rate must fall, in percentage points per
  year, for growth to reach zero in the deadline year with a linear deceleration from
  today's trend growth (log-linear OLS over the window).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

_EPS = 1e-12  # fitted growth below this counts as zero (float noise of the fit)


def _clean(series: pd.Series) -> pd.Series:
    s = series.dropna().astype(float)
    s.index = s.index.astype(int)
    return s.sort_index()


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    x = x - x.mean()
    return float((x * (y - y.mean())).sum() / (x * x).sum())


def recent_trend_pct(series: pd.Series, window: int = 5) -> float:
    """OLS slope over the last `window` years as % of their mean, per year."""
    s = _clean(series).iloc[-window:]
    if len(s) < 2:
        raise ValueError("need at least two years for a trend")
    return 100 * _slope(s.index.to_numpy(float), s.to_numpy()) / s.mean()


def classify_peak(
    series: pd.Series,
    *,
    min_years: int = 5,
    window: int = 5,
    tolerance: float = 0.02,
    plateau_band: float = 1.0,
    min_years_since_max: int = 2,
) -> str:
    """One of "peaked", "plateau", "rising", "insufficient_data" (rule in module doc)."""
    s = _clean(series)
    if len(s) < max(min_years, 2):
        return "insufficient_data"
    trend = recent_trend_pct(s, window)
    year_max, last_year = int(s.idxmax()), int(s.index[-1])
    if (
        year_max <= last_year - min_years_since_max
        and s.iloc[-1] <= s.max() * (1 - tolerance)
        and trend < 0
    ):
        return "peaked"
    if trend <= plateau_band:  # flat, or falling without a confirmed peak
        return "plateau"
    return "rising"


def _log_growth(s: pd.Series, window: int) -> pd.Series:
    w = s.iloc[-window:]
    if len(w) < 3 or (w <= 0).any():
        raise ValueError("need at least three positive values to fit a growth trend")
    return np.log(w).diff().dropna()


def project_peak(
    series: pd.Series, deadline: int = 2030, window: int = 5, min_years: int = 5
) -> dict:
    """Projected peak year and level from the recent trend of log growth rates.

    Fits r(t) = a + b·t to ln(x_t/x_{t-1}) over the window and steps forward from the last
    year while r > 0; a peak in the deadline year counts as by the deadline. Keys: status
    ("already_peaked"; "peaks_by_deadline", the projected peak, or the observed maximum if
    the path never regains it; "no_peak_by_deadline"; "insufficient_data"), peak_year and
    peak_level (None when no peak by the deadline), level_at_deadline (flat after the
    peak), growth_pct (fitted growth in the last year, %), growth_change_pp (pp per year).
    """
    s = _clean(series)
    out = dict.fromkeys(
        ("peak_year", "peak_level", "level_at_deadline", "growth_pct", "growth_change_pp")
    )
    if len(s) < max(min_years, 3):
        return {"status": "insufficient_data", **out}
    r = _log_growth(s, window)
    t = r.index.to_numpy(float)
    b = _slope(t, r.to_numpy())
    a = float(r.mean()) - b * t.mean()
    last_year, level = int(s.index[-1]), float(s.iloc[-1])
    out["growth_pct"] = 100 * math.expm1(a + b * last_year)
    out["growth_change_pp"] = 100 * b
    if classify_peak(s, window=window, min_years=min_years) == "peaked":
        peak = {"peak_year": int(s.idxmax()), "peak_level": float(s.max())}
        return {**out, "status": "already_peaked", **peak, "level_at_deadline": level}
    year = last_year
    while a + b * (year + 1) > _EPS and year < deadline:
        year += 1
        level *= math.exp(a + b * year)
    out["level_at_deadline"] = level
    if a + b * (year + 1) > _EPS:  # still growing after the deadline
        return {**out, "status": "no_peak_by_deadline"}
    if level < s.max():  # projected path never regains the observed maximum
        year, level = int(s.idxmax()), float(s.max())
    return {**out, "status": "peaks_by_deadline", "peak_year": year, "peak_level": level}


def required_annual_change(series: pd.Series, deadline: int = 2030, window: int = 5) -> dict:
    """Deceleration of growth needed for zero growth in the deadline year.

    g0 = growth of the log-linear OLS trend over the window (%/yr). With N = deadline −
    last year, growth must fall by g0/N pp each year: g_k = g0·(1 − k/N), k = 1..N.
    Keys: growth_pct (g0), required_change_pp (−g0/N, 0 if g0 ≤ 0), level_at_deadline
    (last × Π(1 + g_k/100), the implied peak level; the last value if g0 ≤ 0),
    average_growth_pct (mean compound growth along that path).
    """
    s = _clean(series)
    n = deadline - int(s.index[-1])
    if n < 1:
        raise ValueError(f"deadline {deadline} is not after the last year {s.index[-1]}")
    w = s.iloc[-window:]
    if len(w) < 2 or (w <= 0).any():
        raise ValueError("need at least two positive values for a log-linear trend")
    g0 = 100 * math.expm1(_slope(w.index.to_numpy(float), np.log(w.to_numpy())))
    last = float(s.iloc[-1])
    if g0 <= 0:
        return {
            "growth_pct": g0,
            "required_change_pp": 0.0,
            "level_at_deadline": last,
            "average_growth_pct": 0.0,
        }
    level = last * math.prod(1 + g0 * (1 - k / n) / 100 for k in range(1, n + 1))
    return {
        "growth_pct": g0,
        "required_change_pp": -g0 / n,
        "level_at_deadline": level,
        "average_growth_pct": 100 * ((level / last) ** (1 / n) - 1),
    }
