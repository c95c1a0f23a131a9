"""What one brief is built from: the stage-06 files of a monthly run (barometer.csv,
barometer_history.csv, monthly_series.csv, revisions.csv), filtered to the region as they are
read, before any section sees them.

Confidentiality: a municipality's context keeps its own rows, its counties' and the province
aggregate only; no other city's name or value reaches a city brief. A county's keeps its
own, its city's and the province's rows, never a sibling county's. The province's context
keeps every region (the province brief compares its cities).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonpeak import reference, runfolder
from carbonpeak.brief import basis
from carbonpeak.paths import resolve
from carbonpeak.period import Period

INDICATORS = ("energy_intensity", "co2_intensity", "co2_total")  # report order
FILES = {"barometer": runfolder.BAROMETER, "history": runfolder.BAROMETER_HISTORY,
         "series": runfolder.MONTHLY_SERIES, "revisions": runfolder.REVISIONS}
BOOLS = ("estimated", "illustrative", "revised", "co2_estimated")


@dataclass
class BriefContext:
    region_code: str
    region_name: str
    period: Period
    barometer: pd.DataFrame  # this region's rows (the province: every region's)
    history: pd.DataFrame  # every monthly period of the year up to this one
    series: pd.DataFrame
    revisions: pd.DataFrame
    province: pd.DataFrame  # the province's own barometer rows (public aggregate)
    dataset: dict = field(default_factory=dict)
    generated: str = ""
    verdict: str = ""
    run_dir: Path | None = None
    missing: list[str] = field(default_factory=list)
    basis: dict = field(default_factory=dict)  # what the lights rest on (basis.py)
    co2_base: pd.DataFrame | None = None  # last year's annual CO2, both scopes (kept regions)

    @property
    def is_province(self) -> bool:
        return self.region_code == reference.province_code()

    def rows(self, code: str | None = None) -> pd.DataFrame:
        """One region's barometer rows in report order (default: this brief's region)."""
        code = code or self.region_code
        df = self.barometer[self.barometer["region_code"] == code]
        return df.set_index("indicator_id").reindex(
            [i for i in INDICATORS if i in set(df["indicator_id"])]).reset_index()


def _co2_base(folder: runfolder.RunFolder, year: int, keep: set[str] | None
              ) -> pd.DataFrame | None:
    """Last year's annual industrial CO2 on both scopes (含/不含国家单列项目), from the run's
    warehouse: the base of the brief's CO2 (不含) beside the figure an annual report shows
    (含). None when the run has no fuel table."""
    from carbonpeak import ingest
    from carbonpeak.indicators.emissions import co2_series

    try:
        fuel = ingest.load_table(folder.warehouse.path, "energy_by_fuel")
    except (OSError, ValueError):
        return None
    if fuel is None or fuel.empty:
        return None
    fuel = fuel[pd.to_numeric(fuel["year"], errors="coerce") == year]
    if fuel.empty:
        return None
    co2 = co2_series({"energy_by_fuel": fuel})
    co2["region_code"] = co2["region_code"].astype(str)
    return co2 if keep is None else co2[co2["region_code"].isin(keep)].reset_index(drop=True)


def _bool(v) -> bool:
    return str(v).strip().lower() in ("true", "1", "yes")


def _read(folder: runfolder.RunFolder, name: str, keep: set[str] | None
          ) -> pd.DataFrame | None:
    """A contract file, region codes as text, filtered to `keep` (None: every region)."""
    df = folder.load_csv(name, missing_ok=True,
                         dtype={"region_code": str, "period": str, "previous_period": str,
                                "status": str, "previous_status": str, "status_reason": str,
                                "published_status": str})
    if df is None:
        return None
    if keep is not None:
        df = df[df["region_code"].isin(keep)]
    for col in BOOLS:
        if col in df:
            df[col] = df[col].map(_bool)
    return df.reset_index(drop=True)


EMPTY = {"barometer": ["region_code", "indicator_id", "status"],
         "history": ["region_code", "period", "indicator_id", "value", "status"],
         "series": ["region_code", "period"],
         "revisions": ["region_code", "period", "column", "old_value", "new_value"]}


def kept(code: str) -> set[str]:
    """The regions whose rows a brief of `code` reads: its own, the province's, its city's
    (a county) or its counties' (a city); never a sibling's."""
    province = reference.province_code()
    if reference.level(code) == "county":
        return {code, reference.parent(code), province}
    return {code, province, *reference.children(code)}


def run_tables(run_dir: Path | str, period: str | Period) -> dict:
    """The run-folder files every brief of `period` reads, each loaded once (every region's
    rows, nothing dated after the period): `select` takes one brief's share of them."""
    folder = runfolder.RunFolder(resolve(run_dir))
    period = Period.parse(period)
    out: dict = {"folder": folder, "period": period, "missing": []}
    for attr, name in FILES.items():
        df = _read(folder, name, None)
        if df is None:
            out["missing"].append(name)
            df = pd.DataFrame(columns=EMPTY[attr])
        if "period" in df and attr != "series":  # nothing after the brief's own period
            dates = {p: Period.parse(p) <= period for p in df["period"].unique()}
            df = df[df["period"].map(dates).astype(bool)]
        out[attr] = df.reset_index(drop=True)
    if "period" in out["barometer"]:
        bar = out["barometer"]
        out["barometer"] = bar[bar["period"] == period.key].reset_index(drop=True)
    out["run"] = folder.load_run(missing_ok=True)
    out["quality"] = folder.load_quality_results(missing_ok=True)
    out["co2_base"] = _co2_base(folder, period.year - 1, None)
    return out


def select(tables: dict, region_code: str) -> dict:
    """The fields of one brief's context from `run_tables`: the rows of the regions it reads
    (`kept`; the province: every region's), its findings and the data set's description."""
    code, period = str(region_code), tables["period"]
    province = reference.province_code()
    keep = None if code == province else kept(code)

    def mine(df: pd.DataFrame | None) -> pd.DataFrame | None:
        if df is None or keep is None:
            return df
        return df[df["region_code"].astype(str).isin(keep)].reset_index(drop=True)

    bar, quality, run = mine(tables["barometer"]), tables["quality"], tables["run"]
    # the region's own rows and findings only; nothing said before the gate has run
    rests = basis.basis(quality, code, period) if quality else {}
    return {"region_code": code, "region_name": reference.region_name(code), "period": period,
            "barometer": bar, "history": mine(tables["history"]),
            "series": mine(tables["series"]), "revisions": mine(tables["revisions"]),
            "province": bar[bar["region_code"] == province].reset_index(drop=True),
            "dataset": run.get("dataset", {}) or {},
            "generated": run.get("generated", dt.date.today().isoformat()),
            "verdict": basis.verdict(rests) if quality else "",
            "missing": list(tables["missing"]), "basis": rests,
            "co2_base": mine(tables["co2_base"])}


def load(run_dir: Path | str, region_code: str, period: str | Period) -> BriefContext:
    run_dir = resolve(run_dir)
    return BriefContext(**select(run_tables(run_dir, period), region_code), run_dir=run_dir)
