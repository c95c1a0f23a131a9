"""What one region's report is built from: the stage-03 tables of one run, filtered to the
region before any section sees them (carbonpeak/report_reads.py selects them).

Confidentiality: a municipality's context loads its own enterprise file only
(`enterprise/<region_code>.parquet`); the province's context loads none, only the public
aggregates in `enterprise_summary.csv`. A table a run did not produce is recorded in
`missing`, and the section that needs it says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonpeak import pipeline, reference, report_reads
from carbonpeak.paths import resolve
from carbonpeak.period import Period


@dataclass
class ReportContext:
    region_code: str
    region_name: str
    year: int
    indicators: pd.DataFrame  # this region's rows for the reporting year
    all_regions: pd.DataFrame  # the province's, the cities' and the peers' rows (public)
    counties: pd.DataFrame  # the rows of the county-level units below this region (public)
    series: pd.DataFrame  # this region's indicator series
    findings: list[dict]  # quality findings that touch this region
    verdict: dict
    dataset: dict
    generated: str
    run_dir: Path | None = None
    decomposition: pd.DataFrame | None = None  # this region's rows
    peak: pd.DataFrame | None = None  # every region (public)
    projection: pd.DataFrame | None = None  # this region's peak_projection rows
    co2: pd.DataFrame | None = None  # this region's series
    co2_all: pd.DataFrame | None = None  # every region's series (public aggregates)
    sectors: pd.DataFrame | None = None  # this region's rows
    enterprises: pd.DataFrame | None = None  # CONFIDENTIAL: this municipality's own firms only
    enterprise_summary: pd.DataFrame | None = None  # public aggregates, every region
    missing: dict[str, str] = field(default_factory=dict)  # section -> file that is absent
    # a county's indicators without county data (未提供): left out of its report but named
    not_provided: list[str] = field(default_factory=list)

    @property
    def is_province(self) -> bool:
        return self.region_code == reference.province_code()

    @property
    def level(self) -> str:
        return reference.level(self.region_code)

    @property
    def is_county(self) -> bool:
        return self.level == "county"

    def has_rows(self, attr: str) -> bool:
        """A stage-03 table of this report holds rows of this region: a county's report
        leaves out the sections of tables delivered for cities only, rather than show them
        empty."""
        df = getattr(self, attr)
        if df is None or len(df) == 0:
            return False
        return "region_code" not in df or (df["region_code"].astype(str)
                                           == self.region_code).any()

    @property
    def period(self) -> Period:
        return Period(self.year)

    @property
    def chain(self) -> pipeline.Pipeline:
        """The annual chain's declaration (pipelines/annual.yml): the report's titles and the
        final-evaluation rule come from there, as for the runner."""
        return pipeline.for_period(self.period)


def load(run_dir: Path | str, region_code: str, year: int) -> ReportContext:
    run_dir, region_code = resolve(run_dir), str(region_code)  # 330100 as a number works too
    fields = report_reads.select(report_reads.run_tables(run_dir), region_code)
    return ReportContext(region_code=region_code,
                         region_name=reference.region_name(region_code), year=int(year),
                         run_dir=run_dir, **fields)
