"""Additive LMDI-I decomposition of the change in aggregate energy intensity.

I = E/Y = Σ_i S_i·I_i with S_i = Y_i/Y (share of value added) and I_i = E_i/Y_i. Splits
I^T − I^0 into a structure effect (sector mix) and an intensity effect (sector efficiency)
with no residual (Ang 2004/2005): with e_i = E_i/Y and w_i = L(e_i^T, e_i^0),
structure = Σ w_i ln(S_i^T/S_i^0), intensity = Σ w_i ln(I_i^T/I_i^0).

Zero or missing values raise ValueError rather than being replaced by a small epsilon:
the epsilon result converges only in the limit and hides a sector that appeared or
vanished; the caller should merge such sectors into a residual sector first.
"""

from __future__ import annotations

import math

import pandas as pd

COLUMNS = ("sector", "energy", "value_added")


def log_mean(a: float, b: float) -> float:
    """Logarithmic mean L(a, b) = (a − b)/(ln a − ln b), L(a, a) = a; a, b > 0."""
    if a <= 0 or b <= 0:
        raise ValueError(f"logarithmic mean needs positive values, got {a!r} and {b!r}")
    if math.isclose(a, b, rel_tol=1e-12):
        return (a + b) / 2  # limit of L as b -> a; avoids 0/0
    return (a - b) / (math.log(a) - math.log(b))


def _checked(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{label} frame lacks columns {missing}")
    df = frame.loc[:, list(COLUMNS)]
    dup = df["sector"][df["sector"].duplicated()].unique().tolist()
    if dup:
        raise ValueError(f"{label} frame has duplicate sectors {dup}")
    df = df.set_index("sector").astype(float)
    bad = df.index[~(df > 0).all(axis=1)].tolist()  # also catches NaN
    if bad:
        raise ValueError(
            f"LMDI needs positive energy and value added; {label} year has zero, negative "
            f"or missing values for sectors {bad} (merge them into a residual sector)"
        )
    return df


def decompose_intensity(base: pd.DataFrame, current: pd.DataFrame) -> dict[str, float]:
    """Structure and intensity effects of the change in E/Y; they sum exactly to the total.

    Frames have columns sector, energy, value_added (comparable prices), one row per
    sector; both years must cover the same sectors. Units: those of E/Y (e.g. tce/万元).
    """
    b, c = _checked(base, "base"), _checked(current, "current")
    only = sorted(set(b.index) ^ set(c.index), key=str)
    if only:
        raise ValueError(f"sectors present in only one year: {only} (LMDI needs both years)")
    c = c.loc[b.index]
    y0, y1 = b["value_added"].sum(), c["value_added"].sum()
    structure = intensity = 0.0
    for s in b.index:
        e0, v0 = b.at[s, "energy"], b.at[s, "value_added"]
        e1, v1 = c.at[s, "energy"], c.at[s, "value_added"]
        w = log_mean(e1 / y1, e0 / y0)
        structure += w * math.log((v1 / y1) / (v0 / y0))
        intensity += w * math.log((e1 / v1) / (e0 / v0))
    total = c["energy"].sum() / y1 - b["energy"].sum() / y0
    return {"structure": structure, "intensity": intensity, "total": total}
