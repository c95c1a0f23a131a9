"""What a revision moved: each month's lights on the data as that month delivered them.

A later file may revise a month whose lights were already shown (the sample: 台州's 1–7月
energy, revised in the 2026-08 file). For every month M of the year up to the period and
every region whose lights of M read a cell (M, the same month last year, last year's
1–12月) that a file delivered after M revised, the lights of M are graded again with those
cells put back to their value when M was delivered (revisions.as_delivered): the lights
M's brief showed when it was first issued. barometer_history.csv carries them beside the
lights on today's data (`published_value`, `published_status`; empty where no later
revision touched what the light reads), and the brief and the index name every light that
differs. Late deliveries that are not revisions (a row first delivered in a later file)
are not counted: only the cells of revisions.csv are put back.
"""

from __future__ import annotations

import pandas as pd

from carbonpeak.barometer import lights, series
from carbonpeak.ingest import revisions
from carbonpeak.period import Period

COLUMNS = ["region_code", "period", "indicator_id", "published_value", "published_status"]


def later_revisions(revised: pd.DataFrame, delivered: pd.Series, month: Period
                    ) -> pd.DataFrame:
    """The revised cells that `month`'s lights read and a file delivered after it revised."""
    if revised is None or revised.empty:
        return pd.DataFrame(columns=revisions.REVISION_COLUMNS)
    when = revised["new_file"].map(delivered)
    return revised[(when > month.key) & revised["period"].isin(month.light_dates())]


def published(rows: pd.DataFrame, revised: pd.DataFrame, delivered: pd.Series,
              period: Period, co2_annual: pd.DataFrame | None, annual: pd.DataFrame | None,
              blocked: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """COLUMNS: the lights of each month up to `period` that a later revision touched, on
    the data as that month delivered them (see the module)."""
    blocked = blocked or {}
    out = []
    for month in period.months_of_year():
        later = later_revisions(revised, delivered, month)
        if later.empty:
            continue
        before = series.with_energy(revisions.as_delivered(rows, later, delivered, month.key))
        data = series.build(before, month.year, month.key, co2_annual, annual)
        split = lights.by_region(data)
        for region in sorted(set(later["region_code"].astype(str))):
            for r in lights.grade_period(data, month, region,
                                         region in blocked.get(month.key, ()),
                                         split.get(region, {})):
                out.append({"region_code": region, "period": month.key,
                            "indicator_id": r["indicator_id"], "published_value": r["value"],
                            "published_status": r["status"]})
    return pd.DataFrame(out, columns=COLUMNS)
