"""Has a yearly CO2 series peaked, and what would it take to peak by the deadline?

Real annual series swing ±5–15 % a year, have one-year spikes and dips, steps (a plant opens
or closes) and gaps, and some end before the reporting year. The rules below are meant to
give a verdict that one point cannot flip. Every cut-point comes in `params` (the caller
reads them from data/reference/grading.yml, section `peak`); docs/grading.md states them.

- The series is read up to the reporting year. Data ending before it -> not rated ("data
  ended"), with the picture as of the last data year kept for the note.
- Fewer than `min_obs` observations in the last `window` years -> insufficient data.
- Spike-resistant levels: a running median of three (Tukey's end-point rule at the ends), so a
  single spike or dip never sets the maximum nor breaks "recent values stay below it".
- Steps: a year-on-year change of at least `step_min_pct` (annualised over a gap) that
  persists into the next observation is a step (a plant opening or closing), not growth;
  but a fall whose lower level lasts to the last year is the decline itself, not removed.
- ONE growth measure g: the Theil–Sen slope of ln(CO2) over the window, steps removed, as
  %/yr, with its confidence interval (scipy.stats.theilslopes). It drives the class
  (rising if g > `plateau_band_pct`), the projection, the projected peak and the required
  deceleration.
- peaked: the smoothed maximum lies at least `min_years_since_max` years back, the smoothed
  values of the last `confirm_years` years are all at least `below_max_pct` % below it, and
  the level is not climbing back: with the maximum inside the window, the Theil–Sen slope of
  ln(CO2, smoothed) since the maximum is at most +`plateau_band_pct` %/yr; with an older
  maximum, the slope over the window is at most −`plateau_band_pct` %/yr (a clear fall).
  A series below an older maximum without that fall is a plateau. Kendall's tau of value vs
  year over the window (the Mann–Kendall test) is reported with its p-value.
- rising: g > `plateau_band_pct`, unless the last observed value lies at least
  `last_below_max_pct` % below the smoothed maximum (growth has stopped, whatever the
  smoothed trend says); anything else is a plateau (flat, or falling but the peak not yet
  confirmed). A stalled series is not extrapolated (no projection, no required pace).
- Sustained slowdown: g over the later half of the window is at least `slowdown_min_pp`
  below g over the earlier half and at most `slowdown_max_growth_pct`, and each of the last
  `confirm_years` annual rates (steps removed) is below the earlier growth too; the observed deceleration d (pp/yr) is their difference
  divided by the distance between the halves' mid-years. Without it d = 0.
- Projection from the smoothed level of the last data year: growth g + d·k (k years ahead),
  floored at min(g, 0); trend_low / trend_high use the ends of g's confidence interval. The
  projected peak is the year that growth reaches zero: last + ceil(g/|d|).
- Required path: growth falls linearly from g to zero in the deadline year, i.e. by g/N
  pp a year (N = deadline − last year); following it, growth in the deadline year is 0.
  A rising series is on track only with a sustained slowdown at least that fast, which is
  the same as a projected peak no later than the deadline.
- Status: peaked -> green; plateau -> yellow; rising -> green when on track, else red;
  insufficient data or data ended -> not rated.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

CLASSES = ("peaked", "plateau", "rising", "insufficient_data", "data_ended")


def _clean(series: pd.Series, year: int | None) -> pd.Series:
    s = pd.to_numeric(series, errors="coerce").dropna().astype(float)
    s.index = s.index.astype(int)
    s = s[s > 0].sort_index()
    s = s[~s.index.duplicated(keep="last")]
    return s if year is None else s[s.index <= year]


def smooth(values: np.ndarray) -> np.ndarray:
    """Running median of three with Tukey's end-point rule: one spike or dip disappears."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    if n < 3:
        return v.copy()
    out = v.copy()
    for i in range(1, n - 1):
        out[i] = np.median(v[i - 1:i + 2])
    out[0] = np.median([v[0], out[1], 3 * out[1] - 2 * out[2]])
    out[-1] = np.median([v[-1], out[-2], 3 * out[-2] - 2 * out[-3]])
    return out


def find_steps(s: pd.Series, step_min_pct: float) -> list[dict]:
    """One-off steps: a change of at least `step_min_pct` %/yr (annualised over a gap) between
    two ordinary years, which persists (the next change is small). Successive large changes
    are growth, not a step. A fall whose lower level lasts to the last year (every later
    value below the one before the fall) is the decline itself, not a step to remove."""
    years, logs = s.index.to_numpy(), np.log(s.to_numpy())
    limit = math.log1p(step_min_pct / 100)
    rate = [math.nan] + [(logs[i] - logs[i - 1]) / (years[i] - years[i - 1])
                         for i in range(1, len(s))]
    steps = []
    for i in range(1, len(s) - 1):
        if rate[i] < 0 and (logs[i:] < logs[i - 1]).all():
            continue
        if (abs(rate[i]) >= limit and abs(rate[i + 1]) < min(limit, abs(rate[i]) / 2)
                and (i == 1 or abs(rate[i - 1]) < limit)):
            jump = logs[i] - logs[i - 1]
            steps.append({"year": int(years[i]), "log_jump": float(jump),
                          "gap": int(years[i] - years[i - 1]), "pct": 100 * math.expm1(jump)})
    return steps


def _step_adjusted(s: pd.Series, steps: list[dict]) -> np.ndarray:
    """ln(values) with each step's excess over ordinary growth removed from the years before
    it, so the series ends at its real level and grows at its ordinary pace."""
    years, logs = s.index.to_numpy(), np.log(s.to_numpy())
    if not steps:
        return logs
    step_years = {st["year"] for st in steps}
    rates = [(logs[i] - logs[i - 1]) / (years[i] - years[i - 1])
             for i in range(1, len(s)) if years[i] not in step_years]
    ordinary = float(np.median(rates)) if rates else 0.0
    adj = logs.copy()
    for st in steps:
        adj[years < st["year"]] += st["log_jump"] - ordinary * st["gap"]
    return adj


def _theil(years: np.ndarray, logs: np.ndarray, confidence: float):
    from scipy.stats import theilslopes

    res = theilslopes(logs, years.astype(float), alpha=confidence)
    return res.slope, res.intercept, res.low_slope, res.high_slope


def _pct(log_slope: float) -> float:
    return 100 * math.expm1(log_slope)


def _kendall(years: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    from scipy.stats import kendalltau

    res = kendalltau(years, values)
    return float(res.statistic), float(res.pvalue)


def growth_path(g: float, d: float, n: int) -> list[float]:
    """Growth (%/yr) in each of the next n years: g + d·k, floored at min(g, 0)."""
    return [max(g + d * k, min(g, 0.0)) for k in range(1, n + 1)]


def zero_growth_year(last: int, g: float, d: float) -> int | None:
    """First year whose growth is ≤ 0 on the path g + d·k: the projected peak year."""
    if g <= 0:
        return last
    if d >= 0:
        return None
    return last + math.ceil(round(g / -d, 9))


def assess(series: pd.Series, year: int, params: dict, deadline: int = 2030) -> dict:
    """The peak verdict for one series (index = year) as of reporting year `year`.

    Returns a flat dict (module doc for the rules): classification, status, status_reason,
    class_at_data_end, data_end_year, max_year/max_value (smoothed), years_since_max,
    below_max_pct, growth_pct (g) with growth_low_pct/growth_high_pct, level_trend_pct,
    trend_tau/trend_p (Mann–Kendall), growth_early_pct/growth_late_pct, slowdown_pp,
    deceleration_pp (d), sustained_slowdown, required_change_pp, projected_peak_year
    (+ _low/_high), projected_peak_level, anchor_level, steps, window_start.
    """
    p = params
    s = _clean(series, year)
    out: dict = {"reporting_year": int(year), "deadline": int(deadline), "steps": []}
    if s.empty:
        return {**out, "classification": "insufficient_data", "status": "not_rated",
                "status_reason": "no_data", "data_end_year": None}
    last = int(s.index[-1])
    out["data_end_year"] = last
    out["last_value"] = float(s.iloc[-1])
    w = s[s.index > last - p["window"]]
    out["window_start"] = int(w.index[0])
    out["n_obs"] = len(w)
    if len(w) < p["min_obs"]:
        return {**out, "classification": "insufficient_data", "status": "not_rated",
                "status_reason": "insufficient_data"}

    years = w.index.to_numpy()
    sm = pd.Series(smooth(s.to_numpy()), index=s.index)
    max_value = float(sm.max())
    top = s[sm == max_value]  # years at the smoothed maximum: the highest observed one
    max_year = int(top.idxmax())
    below = 100 * (1 - float(sm.iloc[-p["confirm_years"]:].max()) / max_value)
    ws = sm[sm.index >= years[0]]
    lvl_slope = _theil(years, np.log(ws.to_numpy()), p["confidence"])[0]
    tau, pval = _kendall(years, w.to_numpy())

    steps = find_steps(ws, p["step_min_pct"])
    adj = _step_adjusted(ws, steps)
    slope, _, lo, hi = _theil(years, adj, p["confidence"])
    g, g_lo, g_hi = _pct(slope), _pct(lo), _pct(hi)

    # sustained slowdown: growth over the later half of the window is below the earlier half,
    # and each of the last `confirm_years` observed annual rates (steps removed) is too
    half = len(w) // 2
    early_y, late_y = years[:len(w) - half], years[len(w) - half:]
    g_early = _pct(_theil(early_y, adj[:len(early_y)], p["confidence"])[0])
    g_late = _pct(_theil(late_y, adj[len(early_y):], p["confidence"])[0])
    slowdown = g_early - g_late
    raw_adj = np.log(w.to_numpy()) + (adj - np.log(ws.to_numpy()))
    rates = [_pct((raw_adj[i] - raw_adj[i - 1]) / (years[i] - years[i - 1]))
             for i in range(len(w) - p["confirm_years"], len(w))]
    sustained = (len(late_y) >= 3 and slowdown >= p["slowdown_min_pp"]
                 and g_late <= p["slowdown_max_growth_pct"]
                 and all(r <= g_early - p["slowdown_min_pp"] for r in rates))
    span = float(np.median(late_y) - np.median(early_y))
    d = -slowdown / span if sustained else 0.0

    band = p["plateau_band_pct"]
    since = sm[sm.index >= max_year]
    if last - max_year < p["min_years_since_max"]:
        falling = False
    elif max_year >= years[0]:  # maximum inside the window: the level must not climb back
        falling = _pct(_theil(since.index.to_numpy(), np.log(since.to_numpy()),
                              p["confidence"])[0]) <= band
    else:  # an older maximum: the window itself must fall, else it is a plateau below it
        falling = _pct(lvl_slope) <= -band
    peaked = (last - max_year >= p["min_years_since_max"]
              and below >= p["below_max_pct"] and falling
              and float(s.iloc[-1]) < max_value)  # a last value at a new high is no peak
    # the smoothing keeps a last-year fall out of the maximum and the trend; a last value that
    # far below the smoothed maximum still says growth has stopped: not "rising"
    last_below = 100 * (1 - float(s.iloc[-1]) / max_value)
    stalled = not peaked and g > band and last_below >= p["last_below_max_pct"]
    cls = "peaked" if peaked else "rising" if g > band and not stalled else "plateau"

    n = deadline - last
    required = -max(g, 0.0) / n if n > 0 and not stalled else math.nan
    peak_year = zero_growth_year(last, g, d)
    anchor = float(sm.iloc[-1])  # the spike-resistant level of the last data year
    if cls == "peaked":
        proj_year, proj_level = max_year, max_value
    elif stalled:  # growth broken off: no extrapolation until the data show which way
        proj_year, proj_level = None, None
    elif peak_year is not None and g > 0:
        proj_year = peak_year
        proj_level = anchor * math.prod(1 + x / 100 for x in growth_path(g, d, peak_year - last))
    elif peak_year is not None:  # not growing: the peak so far stands unless growth resumes
        proj_year, proj_level = max_year, max_value
    else:
        proj_year, proj_level = None, None
    extrapolated = cls != "peaked" and not stalled
    on_track = cls == "peaked" or (cls == "rising" and proj_year is not None
                                   and proj_year <= deadline)
    status = {"peaked": "green", "plateau": "yellow"}.get(cls, "green" if on_track else "red")

    out.update({
        "classification": cls, "status": status, "status_reason": "",
        "max_year": max_year, "max_value": max_value, "years_since_max": last - max_year,
        "below_max_pct": below, "last_below_max_pct": last_below, "stalled": bool(stalled),
        "level_trend_pct": _pct(lvl_slope),
        "trend_tau": tau, "trend_p": pval,
        "growth_pct": g, "growth_low_pct": g_lo, "growth_high_pct": g_hi,
        "growth_early_pct": g_early, "growth_late_pct": g_late, "slowdown_pp": slowdown,
        "sustained_slowdown": bool(sustained), "deceleration_pp": d,
        "required_change_pp": required, "anchor_level": anchor,
        "projected_peak_year": proj_year, "projected_peak_level": proj_level,
        "projected_peak_year_low": zero_growth_year(last, g_lo, d) if extrapolated else None,
        "projected_peak_year_high": zero_growth_year(last, g_hi, d) if extrapolated else None,
        "on_track": bool(on_track), "steps": steps,
    })
    if last < year:
        out.update({"class_at_data_end": cls, "classification": "data_ended",
                    "status": "not_rated", "status_reason": "data_ended", "on_track": False,
                    "projected_peak_year": None, "projected_peak_level": None,
                    "projected_peak_year_low": None, "projected_peak_year_high": None})
    return out


def projection(a: dict) -> pd.DataFrame:
    """`year, scenario, co2` from the last data year to the deadline: trend, trend_low,
    trend_high (g and the ends of its interval, with the observed deceleration) and required
    (growth falling linearly from g to zero in the deadline year). Empty when not rated or
    when growth has stalled (nothing to extrapolate)."""
    if a.get("status") == "not_rated" or "anchor_level" not in a or a.get("stalled"):
        return pd.DataFrame(columns=["year", "scenario", "co2"])
    last, n, d = a["data_end_year"], a["deadline"] - a["data_end_year"], a["deceleration_pp"]
    g = a["growth_pct"]
    paths = {"trend": growth_path(g, d, n), "trend_low": growth_path(a["growth_low_pct"], d, n),
             "trend_high": growth_path(a["growth_high_pct"], d, n),
             "required": [max(g, 0.0) * (1 - k / n) for k in range(1, n + 1)]}
    rows = []
    for scenario, rates in paths.items():
        level = a["anchor_level"]
        rows.append((last, scenario, level))
        for k, r in enumerate(rates, start=1):
            level *= 1 + r / 100
            rows.append((last + k, scenario, level))
    return pd.DataFrame(rows, columns=["year", "scenario", "co2"])
