"""What one region's annual report reads from a run folder: the stage-03 tables filtered to
the region and to the regions it compares with, its quality findings and verdict, the data
set's description, its own firms.

`carbonpeak.report.context` builds a report's context from `select`; the runner digests the
same selection per region (`reads`), so that when one region's inputs change only the reports
that read them are rendered again. It stays out of the report package, which imports the
charting libraries: the runner's process needs only pandas for this.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd

from carbonpeak import reference, runfolder

# context attribute -> the stage-03 file it comes from, and whether the report reads only
# the region's own rows of it (else every region's: public aggregates it compares with)
TABLES = {"decomposition": (runfolder.DECOMPOSITION, True),
          "peak": (runfolder.PEAK_OUTLOOK, False),
          "co2": (runfolder.CO2_SERIES, True),
          "sectors": (runfolder.SECTOR_ENERGY, True),
          "enterprise_summary": (runfolder.ENTERPRISE_SUMMARY, False),
          "projection": (runfolder.PEAK_PROJECTION, True)}
# what a report shows that is not its data: excluded from the digest, so that an unchanged
# report is not rebuilt only to carry another run's date or folder
NOT_READ = ("generated", "run_dir")


def run_tables(run_dir: Path) -> dict:
    """The run-wide files a report reads, each loaded once."""
    folder = runfolder.RunFolder(run_dir)
    out = {"indicators": folder.load_indicators(), "series": folder.load_indicator_series(),
           "quality": folder.load_quality_results(), "run": folder.load_run(),
           "folder": folder}
    for attr, (name, _) in TABLES.items():
        out[attr] = folder.load_csv(name, missing_ok=True)
    co2 = out["co2"]  # every region's series, public aggregates the province compares
    out["co2_all"] = None if co2 is None else co2.assign(region_code=co2["region_code"]
                                                         .astype(str))
    return out


def own(df: pd.DataFrame | None, code: str) -> pd.DataFrame | None:
    if df is None:
        return None
    return df[df["region_code"].astype(str) == code].reset_index(drop=True)


def counties_below(code: str) -> list[str]:
    """The county-level units under a city, or under the province (all of them)."""
    if reference.level(code) == "county":
        return []
    return [c for c in reference.codes_at("county")
            if code in (reference.parent(c), reference.parent(reference.parent(c)))]


def select(tables: dict, region_code: str) -> dict:
    """The fields of a region's report context, from `run_tables`."""
    ind, quality, run = tables["indicators"], tables["quality"], tables["run"]
    out = {
        "indicators": ind[ind["region_code"] == region_code].reset_index(drop=True),
        # the province, its cities and the region's peers: what the report compares with
        "all_regions": ind[ind["region_code"].isin(
            {*reference.region_codes(), *reference.peers(region_code)})].reset_index(drop=True),
        "counties": ind[ind["region_code"].isin(counties_below(region_code))]
        .reset_index(drop=True),
        "series": own(tables["series"], region_code),
        "findings": [f for f in quality.get("findings", [])
                     if f.get("region_code") in (None, region_code)],
        "verdict": quality.get("verdicts", {}).get(
            region_code, {"verdict": "pass", "errors": 0, "warnings": 0}),
        "dataset": run.get("dataset", {}),
        "generated": run.get("generated", dt.date.today().isoformat()),
        "co2_all": tables["co2_all"],
        "missing": {},
    }
    for attr, (name, mine) in TABLES.items():
        df = tables[attr]
        if df is None and attr != "projection":
            out["missing"][attr] = name
        out[attr] = own(df, region_code) if mine else df
    if reference.level(region_code) == "county":
        absent = out["indicators"]["status_reason"] == "not_provided"
        out["not_provided"] = list(out["indicators"].loc[absent, "indicator_id"])
        out["indicators"] = out["indicators"][~absent].reset_index(drop=True)
    if region_code != reference.province_code():  # the province shows aggregates, never firms
        out["enterprises"] = tables["folder"].load_enterprises(region_code)
        if out["enterprises"] is None:
            out["missing"]["enterprises"] = "enterprises"
    return out


def digest(selected: dict, memo: dict[int, bytes] | None = None) -> str:
    """sha256 over what `select` gave, tables as CSV text, the rest as sorted JSON. `memo`
    (id -> text) spares writing a run-wide table every region reads whole once a region."""
    h = hashlib.sha256()
    for key in sorted(k for k in selected if k not in NOT_READ):
        value = selected[key]
        h.update(f"\0{key}\0".encode())
        if isinstance(value, pd.DataFrame):
            text = memo.get(id(value)) if memo is not None else None
            if text is None:
                text = value.to_csv(index=False).encode()
            h.update(text)
        else:
            h.update(json.dumps(value, sort_keys=True, ensure_ascii=False,
                                default=str).encode())
    return h.hexdigest()


def reads(run_dir: Path, codes: list[str], period=None) -> dict[str, str]:
    """Each region's digest of what its report reads from the run folder (an annual run
    folder holds one year: `period` adds nothing)."""
    tables = run_tables(run_dir)
    # the tables every region reads whole: written out once, not once a region
    whole = [attr for attr, (_, mine) in TABLES.items() if not mine] + ["co2_all"]
    memo = {id(df): df.to_csv(index=False).encode() for attr in whole
            if (df := tables[attr]) is not None}
    return {code: digest(select(tables, code), memo) for code in codes}
