"""Which regions a run is asked for: `--level` and `--regions` read against the hierarchy of
regions.csv. Counties are asked for by level (county, all), by code, or with their city
(`330100+`); which of them a run can report on is known only once their rows are ingested
(RunFolder.reported_codes), so the chain drops the ones without data then."""

from __future__ import annotations

from carbonpeak import errors, reference

# --level -> the levels of regions.csv it reports on
LEVEL_CHOICES = {"city": reference.REPORTED_LEVELS, "county": ("county",),
                 "all": reference.LEVELS}


def select(regions: str, level: str | None, counties_delivered: bool) -> list[str]:
    """The codes asked for, province first then cities then counties (code order within a
    level). Without --level, the levels the data hold: counties too when a county table was
    delivered. An unknown code or level is a RunError naming it."""
    if level is not None and level not in LEVEL_CHOICES:
        raise errors.RunError(f"unknown level {level!r}; choose from "
                              f"{', '.join(LEVEL_CHOICES)} (--level)")
    levels = LEVEL_CHOICES[level or ("all" if counties_delivered else "city")]
    if regions.strip() == "all":
        return reference.region_codes(levels)
    hierarchy = reference.hierarchy()
    wanted: list[str] = []
    tokens = [t.strip() for t in regions.split(",") if t.strip()]
    for token in tokens:
        code, with_children = token.removesuffix("+"), token.endswith("+")
        if code not in hierarchy:
            raise errors.RunError(
                f"unknown region code {token!r}; known: all, a code of regions.csv (330100, "
                f"330109) or a city with its counties (330100+) (--regions)")
        wanted += [code, *(reference.children(code) if with_children else [])]
    if not wanted:
        raise errors.RunError(f"unknown region code {regions!r}; known: all, a code of "
                              "regions.csv or a city with its counties (330100+) (--regions)")
    order = list(hierarchy)
    depth = {lv: i for i, lv in enumerate(reference.LEVELS)}
    return sorted(set(wanted), key=lambda c: (depth[hierarchy[c]["level"]], order.index(c)))
