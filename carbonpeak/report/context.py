"""What one region's report is built from: the stage-03 tables of one run, filtered to the
region before any section sees them.

Confidentiality: a municipality's context loads its own enterprise file only
(`enterprise/<region_code>.parquet`); the province's context loads none, only the public
aggregates in `enterprise_summary.csv`. A table a run did not produce is recorded in
`missing`, and the section that needs it says so in one line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from carbonpeak import pipeline, reference, runfolder
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


def _counties_below(code: str) -> list[str]:
    """The county-level units under a city, or under the province (all of them)."""
    if reference.level(code) == "county":
        return []
    return [c for c in reference.codes_at("county")
            if code in (reference.parent(c), reference.parent(reference.parent(c)))]


def own(df: pd.DataFrame | None, code: str) -> pd.DataFrame | None:
    if df is None:
        return None
    return df[df["region_code"].astype(str) == code].reset_index(drop=True)


def load(run_dir: Path | str, region_code: str, year: int) -> ReportContext:
    run_dir, region_code = resolve(run_dir), str(region_code)  # 330100 as a number works too
    folder = runfolder.RunFolder(run_dir)
    ind = folder.load_indicators()
    series = folder.load_indicator_series()
    quality = folder.load_quality_results()
    run = folder.load_run()
    findings = [f for f in quality.get("findings", [])
                if f.get("region_code") in (None, region_code)]
    ctx = ReportContext(
        region_code=region_code,
        region_name=reference.region_name(region_code),
        year=int(year),
        indicators=ind[ind["region_code"] == region_code].reset_index(drop=True),
        # the province, its cities and the region's peers: what the report compares with
        all_regions=ind[ind["region_code"].isin(
            {*reference.region_codes(), *reference.peers(region_code)})].reset_index(drop=True),
        counties=ind[ind["region_code"].isin(_counties_below(region_code))].reset_index(drop=True),
        series=series[series["region_code"] == region_code].reset_index(drop=True),
        findings=findings,
        verdict=quality.get("verdicts", {}).get(region_code,
                                                {"verdict": "pass", "errors": 0, "warnings": 0}),
        dataset=run.get("dataset", {}),
        generated=run.get("generated", dt.date.today().isoformat()),
        run_dir=run_dir,
    )
    files = {"decomposition": runfolder.DECOMPOSITION, "peak": runfolder.PEAK_OUTLOOK,
             "co2": runfolder.CO2_SERIES, "sectors": runfolder.SECTOR_ENERGY,
             "enterprise_summary": runfolder.ENTERPRISE_SUMMARY}
    for attr, name in files.items():
        df = folder.load_csv(name, missing_ok=True)
        if df is None:
            ctx.missing[attr] = name
        elif attr in ("decomposition", "co2", "sectors"):
            if attr == "co2":
                ctx.co2_all = df.assign(region_code=df["region_code"].astype(str))
            df = own(df, region_code)
        setattr(ctx, attr, df)
    proj = folder.load_csv(runfolder.PEAK_PROJECTION, missing_ok=True)
    ctx.projection = own(proj, region_code) if proj is not None else None
    if ctx.is_county:
        absent = ctx.indicators["status_reason"] == "not_provided"
        ctx.not_provided = list(ctx.indicators.loc[absent, "indicator_id"])
        ctx.indicators = ctx.indicators[~absent].reset_index(drop=True)
    if not ctx.is_province:  # the province report shows aggregates only, never firms
        ctx.enterprises = folder.load_enterprises(region_code)
        if ctx.enterprises is None:
            ctx.missing["enterprises"] = "enterprises"
    return ctx
