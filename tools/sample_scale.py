"""The sample's list of firms at a chosen size (`python -m tools sample --enterprises N`), to
measure ingest and the enterprise stages on a province-sized list (示例数据，非官方统计).

Firms are spread over every county-level unit of regions.csv in proportion to the county's
industrial value added in the sample (a county with a fifth of its city's output has about a
fifth of its firms), each with a valid credit code (GB 32100 check character) registered in
that county, the sector mix of its city, and the energy and value-added model of the regular
sample (sample_firms.firm_rows). The retrofit projects are re-pointed at the new firms, each
to a firm of its own city, so the cross-table check still finds them; every other table is
the regular sample's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonpeak import reference
from tools import sample_detail as d
from tools import sample_firms as f

SEED = 20230221 + 3  # its own stream: the regular tables do not move
YEARS = (2024, 2025)
SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司", "实业有限公司", "制造有限公司"]


def enterprises(counties: pd.DataFrame, rows: int) -> pd.DataFrame:
    """About `rows` firm-year rows (one per firm and year of YEARS), firms per county in
    proportion to the county's value added in the last year of `counties` (the sample's
    industry_annual_county)."""
    rng = np.random.default_rng(SEED)
    last = counties[counties["year"] == counties["year"].max()]
    weight = last.set_index(last["region_code"].astype(str))["value_added"].astype(float)
    firms = rng.multinomial(max(rows // len(YEARS), 1), (weight / weight.sum()).to_numpy())
    out, used = [], set()
    for county_code, n in zip(weight.index, firms, strict=True):
        city = reference.parent(county_code)
        county, short = reference.region_name(county_code), reference.short_name(county_code)
        sectors = [s for i, s in enumerate(d.SECTORS) if d.ENERGY_SHARE[city][i] > 0]
        p = np.array([d.ENERGY_SHARE[city][d.SECTORS.index(s)] for s in sectors])
        for _ in range(n):
            sector = rng.choice(sectors, p=p / p.sum())
            industry = f.INDUSTRIES[sector][rng.integers(len(f.INDUSTRIES[sector]))]
            name = _name(rng, short, industry[1], used)
            out += f.firm_rows(rng, city, county_code, county, name, sector, industry, YEARS)
    return pd.DataFrame(out)


def repoint(projects: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """The retrofit projects, each carried out by a firm of its own city from `firms`."""
    rng = np.random.default_rng(SEED + 1)
    by_city = firms.drop_duplicates("credit_code").groupby("region_code")["credit_code"]
    codes = {str(c): list(g) for c, g in by_city}
    projects = projects.copy()
    projects["credit_code"] = [rng.choice(codes[str(c)]) if codes.get(str(c)) else code
                               for c, code in zip(projects["region_code"],
                                                  projects["credit_code"], strict=True)]
    return projects


def _name(rng, short: str, word: str, used: set) -> str:
    """A firm name not used yet. A large county runs out of brand pairs for an industry (about
    2,000 names each): after a few draws the name takes a works number (…钢铁3号厂有限公司)."""
    for attempt in range(1_000_000):
        works = f"{attempt - 7}号厂" if attempt >= 8 else ""
        name = (f"{short}{rng.choice(f.BRANDS)}{rng.choice(f.BRANDS)}{word}{works}"
                f"{rng.choice(SUFFIXES)}")
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError(f"no unused firm name for {short}{word}")
