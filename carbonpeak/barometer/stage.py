"""Stage 06: the barometer of one cumulative period, written into the run folder:
barometer.csv, barometer_history.csv (with each month's lights as first delivered where a
later revision touched them: published.py), monthly_series.csv, revisions.csv."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carbonpeak import ingest, reference, runfolder
from carbonpeak.barometer import lights as barometer
from carbonpeak.barometer import series
from carbonpeak.barometer.published import COLUMNS as PUBLISHED_COLUMNS
from carbonpeak.barometer.published import published
from carbonpeak.ingest import revisions
from carbonpeak.paths import resolve
from carbonpeak.period import Period
from carbonpeak.quality import blocked_by

TABLE = "industry_monthly"
BAROMETER_COLUMNS = ["region_code", "region_name", "period", "indicator_id", "name_zh", "value",
                     "unit", "required", "annual_target", "status", "status_reason",
                     "estimated", "rest_required", "rest_change", "previous_period",
                     "previous_status", "target_source_zh", "illustrative", "revised"]
# published_*: the light on the data as its month delivered them, where a later revision
# touched what it reads (barometer/published.py); empty elsewhere
HISTORY_COLUMNS = ["region_code", "period", "indicator_id", "value", "status",
                   "published_value", "published_status"]
REVISIONS_COLUMNS = ["region_code", "period", "column", "old_value", "new_value", "old_file",
                     "new_file"]


@dataclass
class Inputs:
    """What a period's barometer reads: the monthly rows (revisions applied), the revised
    cells, the month each file delivers, last year's annual CO2 and annual table."""
    rows: pd.DataFrame
    revised: pd.DataFrame
    delivered: pd.Series
    co2: pd.DataFrame | None
    annual: pd.DataFrame | None

    def series(self, period: Period) -> pd.DataFrame:
        return series.build(self.rows, period.year, period.key, self.co2, self.annual)


def inputs(warehouse: Path, period: Period) -> Inputs:
    """The inputs of `period`: no row or annual figure dated after it is read; a later
    file's revision of a month up to it is."""
    from carbonpeak.indicators.emissions import co2_series

    rows, revised, delivered = [], [], []
    for table in reference.with_counties(TABLE):  # the cities' rows, then the counties'
        r, changed = series.monthly_rows(ingest.load_table(warehouse, table),
                                         ingest.load_revisions(warehouse, table), period.key)
        rows.append(r)
        revised.append(changed)
        delivered.append(revisions.delivered_months(ingest.load_versions(warehouse, table)))
    rows, revised = _stack(rows), _stack(revised)
    last = period.year - 1
    annual = ingest.load_table(warehouse, "industry_annual")
    if annual is not None:
        annual = annual[pd.to_numeric(annual["year"], errors="coerce") == last]
    fuel = ingest.load_table(warehouse, "energy_by_fuel")
    co2 = None
    if fuel is not None:
        co2 = co2_series({"energy_by_fuel": fuel[pd.to_numeric(fuel["year"]) == last]})
    delivered = pd.concat([d for d in delivered if len(d)] or [pd.Series(dtype=object)])
    return Inputs(rows, revised, delivered, co2, annual)


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    kept = [f for f in frames if len(f)]
    return pd.concat(kept, ignore_index=True) if kept else frames[0]


def blocked_regions(run_dir: Path, period: Period) -> dict[str, set[str]]:
    """Per month of the period's year up to it, the regions whose lights of that month read
    a monthly row that failed the quality gate with an error (their lights are not rated:
    failed_quality). A finding blocks the months whose lights read its date (Period.reads:
    the month, the same month last year, last year's 1–12月); an undated one (a whole
    table) every month. The gate's own rule decides which regions (quality.blocked_by, as
    for the annual indicators): a finding without a region blocks every region."""
    results = runfolder.RunFolder(run_dir).load_quality_results(missing_ok=True)
    tables = reference.with_counties(TABLE)
    findings = [f for f in results.get("findings", []) if f["table"] in tables]
    lights = {"lights": {"inputs": {TABLE: list(reference.tables()[TABLE]["columns"])}}}
    return {p.key: set(blocked_by([f for f in findings if p.reads(f.get("period"), own_only=True)],
                                  lights).get("lights", {}))
            for p in period.months_of_year()}


def compute(data: pd.DataFrame, revised: pd.DataFrame, period: Period,
            blocked: dict[str, set[str]] | None = None,
            first_shown: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(barometer rows of `period`, history of every monthly period of its year);
    `blocked`: month -> the regions whose lights of that month failed the gate; `first_shown`:
    the lights as their month delivered them, where a later revision touched them
    (published.published)."""
    blocked = blocked or {}
    history, current = [], []
    periods = period.months_of_year()
    this_year = revised[revised["period"].str[:4] == str(period.year)] if len(revised) \
        else revised
    split = barometer.by_region(data)
    for region in reference.with_county_rows(set(data["region_code"].astype(str))):
        graded = {p.key: barometer.grade_period(data, p, region,
                                                region in blocked.get(p.key, ()),
                                                split.get(region, {}))
                  for p in periods}
        for p in periods:
            history += [{"region_code": region, "period": p.key, **{k: r[k] for k in
                         ("indicator_id", "value", "status")}} for r in graded[p.key]]
        prev = period.previous()
        before = {r["indicator_id"]: r["status"] for r in graded[prev.key]} if prev else {}
        was_revised = bool(len(this_year) and (this_year["region_code"] == region).any())
        for r in graded[period.key]:
            meta = barometer.INDICATORS[r["indicator_id"]]
            current.append({**r, "region_code": region,
                            "region_name": reference.region_name(region),
                            "period": period.key, "name_zh": meta["name_zh"],
                            "unit": meta["unit"],
                            "previous_period": prev.key if prev else "",
                            "previous_status": before.get(r["indicator_id"], ""),
                            "revised": was_revised})
    history = pd.DataFrame(history, columns=HISTORY_COLUMNS[:5])
    if first_shown is None:
        first_shown = pd.DataFrame(columns=PUBLISHED_COLUMNS)
    history = history.merge(first_shown, how="left", on=PUBLISHED_COLUMNS[:3])
    return pd.DataFrame(current, columns=BAROMETER_COLUMNS), history[HISTORY_COLUMNS]


def run_barometer(run_dir, period) -> pd.DataFrame:
    """Write the period's barometer files into run_dir; return barometer.csv's rows."""
    run_dir, period = resolve(run_dir), Period.parse(period)
    if not period.is_monthly:
        raise ValueError(f"the barometer is for a cumulative month (YYYY-MM), not {period}")
    folder = runfolder.RunFolder(run_dir)
    warehouse = folder.warehouse.path
    got = inputs(warehouse, period)
    data, revised = got.series(period), got.revised
    blocked = blocked_regions(run_dir, period)
    shown = published(got.rows, revised, got.delivered, period, got.co2, got.annual, blocked)
    table, history = compute(data, revised, period, blocked, shown)
    table.to_csv(folder.file(runfolder.BAROMETER), index=False, encoding="utf-8")
    history.to_csv(folder.file(runfolder.BAROMETER_HISTORY), index=False, encoding="utf-8")
    data.to_csv(folder.file(runfolder.MONTHLY_SERIES), index=False, encoding="utf-8")
    revised.reindex(columns=REVISIONS_COLUMNS).to_csv(folder.file(runfolder.REVISIONS),
                                                      index=False, encoding="utf-8")
    return table
