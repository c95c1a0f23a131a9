"""Stage 03 as one call, so that notebook 03 stays a few lines."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference, runfolder
from carbonpeak.indicators import counties, decomposition, emissions, engine, enterprise
from carbonpeak.indicators.as_of import as_of
from carbonpeak.ingest.warehouse import load_table
from carbonpeak.paths import resolve
from carbonpeak.quality.check import blocked_by


def run_indicators(run_dir, year: int) -> pd.DataFrame:
    """Every catalog indicator for every region, plus the analyses reports draw on:
    CO2 series, peak outlook, LMDI drivers, sector energy, enterprise grades — all from the
    inputs as they stood for `year` (nothing dated later reaches any of them)."""
    folder, year = runfolder.RunFolder(resolve(run_dir)), int(year)
    wh = folder.warehouse.path
    tables = as_of({name: load_table(wh, name) for name in reference.tables()},
                   year)
    findings = folder.load_quality_results()["findings"]
    blocked = blocked_by(findings, reference.catalog())
    current, series = engine.compute_all(tables, year, blocked)
    county_tables, county_codes = counties.county_tables(tables)
    if county_codes:
        c_current, c_series = engine.compute_all(county_tables, year, blocked, county_codes,
                                                 absent="not_provided")
        current = pd.concat([current, c_current], ignore_index=True)
        series = pd.concat([series, c_series], ignore_index=True)
    current.to_csv(folder.indicators, index=False, encoding="utf-8")
    series.to_parquet(folder.file(runfolder.INDICATOR_SERIES), index=False)
    # drivers are decomposed since the baseline of the year's plan period (2020 or 2025); the
    # peak outlook spans both periods and counts the change since its own baseline
    base = reference.plan_period_for(year)["baseline_year"]
    if tables.get("energy_by_fuel") is not None:
        co2 = emissions.co2_series(tables)
        co2.to_csv(folder.file(runfolder.CO2_SERIES), index=False)
        catalog = reference.catalog()["industrial_co2_peak"]
        outlook, projection = emissions.peak_outlook(co2, year, catalog["target"],
                                                     catalog["baseline_year"])
        outlook.to_csv(folder.file(runfolder.PEAK_OUTLOOK), index=False)
        projection.to_csv(folder.file(runfolder.PEAK_PROJECTION), index=False)
        if tables.get("sector_value_added") is not None:
            sectors = decomposition.sector_energy(tables, base)
            sectors.to_csv(folder.file(runfolder.SECTOR_ENERGY), index=False)
            decomposition.decomposition(sectors, base, year).to_csv(
                folder.file(runfolder.DECOMPOSITION), index=False)
    if tables.get("enterprises") is not None:
        placed = county_tables.get("enterprises")  # each county's own firms, in its own file
        enterprise.write(enterprise.evaluate(tables["enterprises"], year), folder.path,
                         None if placed is None else enterprise.evaluate(placed, year))
    return current[["region_name", "indicator_id", "value", "required_value", "status", "rank"]]

