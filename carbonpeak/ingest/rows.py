"""A file's rows as typed columns: which region each row belongs to (or why it belongs to
none), then every mapped column coerced at once (coerce.column), each bad cell a finding
naming file, row, column and what was expected.

Findings come in the order of the file: a row's region first, then its cells left to right
as mapped. A row that cannot be attributed to a region is dropped before its cells are read.
"""

from __future__ import annotations

import functools

import numpy as np

from carbonpeak import confidential, reference
from carbonpeak.findings import WARNING
from carbonpeak.ingest import coerce, regionnames
from carbonpeak.ingest.layout import TOTAL_LABELS, header_key
from carbonpeak.ingest.readers import NonFinite

SOURCE_ROW = "_source_row"
SOURCE_FILE = "_source_file"


def columns(cells, src_rows, fname, spec, mapping, header_of, finding, name,
            total=False) -> dict[str, np.ndarray]:
    """The rows of `cells` (a raw frame of text) that belong to a region, as canonical
    columns of Python values (None when empty; float64 with NaN for number columns) plus
    SOURCE_ROW and SOURCE_FILE; `total`: the 合计 rows, of which only a province total is
    kept."""
    n = len(src_rows)
    src = np.asarray(src_rows, dtype=np.int64).reshape(n)
    region = np.full(n, None, dtype=object)
    county = np.full(n, None, dtype=object)
    keep = np.ones(n, dtype=bool)
    pending: list[tuple[int, int, dict]] = []  # (row position, column order, finding)
    if "region_code" in header_of:
        texts = cells[header_of["region_code"]].tolist()
        fill = "county" in header_of  # a county-qualified name fills an empty county cell
        county_cells = cells[header_of["county"]].tolist() if fill else []
        decide = _city_row
        if spec.get("level") == "county":  # the city a per-city file is for, once a file
            decide = functools.partial(_county_row, file_city=regionnames.city_named_in(fname))
        memo: dict[object, tuple] = {}
        for i, text in enumerate(texts):
            if text not in memo:
                memo[text] = decide(text, total, fname, header_of, name,
                                    has_county="county" in spec["columns"])
            code, county_name, problem = memo[text]
            region[i] = code
            keep[i] = code is not None
            if problem is not None:
                pending.append((i, -1, dict(problem, row=int(src[i]))))
            if fill and county_name is not None and county_cells[i] is None:
                county[i] = county_name
    at = np.flatnonzero(keep)
    rows, regions, filled = src[at], region[at], county[at]
    out: dict[str, np.ndarray] = {SOURCE_ROW: rows, "region_code": regions,
                                  SOURCE_FILE: np.full(len(at), fname, dtype=object)}
    for order, (header, (column, factor)) in enumerate(mapping.items()):
        if column == "region_code":
            continue
        col_spec = spec["columns"][column]
        texts = cells[header].to_numpy(dtype=object)[at].tolist()
        values, errors = coerce.column(texts, col_spec, factor)
        if column == "county" and filled.any():  # 杭州市富阳区 named the county: keep it
            values = np.where(filled != None, filled, values)  # noqa: E711
            errors = {i: e for i, e in errors.items() if filled[i] is None}
        out[column] = values
        for i, e in errors.items():
            message = (str(e) if isinstance(e, NonFinite) or col_spec["type"] != "number"
                       else f"应为数值，实际为{confidential.quote(name, texts[i], regions[i])}")
            pending.append((int(at[i]), order, dict(
                check="not_a_number", message=message, row=int(rows[i]), column=header,
                region=regions[i], fld=column)))
    for _, _, problem in sorted(pending, key=lambda p: (p[0], p[1])):
        finding(**problem)
    return out


def _city_row(text, total, fname, header_of, name, has_county) -> tuple:
    """(region, county name to fill in, finding or None) of a row of a city-level table."""
    region = regionnames.city_of(text)
    county = regionnames.county_of(text) if region is None else None
    if total and text is not None and header_key(str(text)) in TOTAL_LABELS:
        return reference.province_code(), None, None
    if total:  # 合计 in another column: not a region's row
        return None, None, None
    if county and has_county:  # 杭州市富阳区 in a list of firms: city and county
        return county[1], county[0], None
    if region is not None:
        return region, None, None
    # A warning: the row cannot be attributed to a region, so it cannot block one; the
    # region it was meant for is caught as missing by the suite.
    hint = ("应为行政区划代码（如330100）或地区名称（如杭州市）"
            if not county else f"这是{reference.region_name(county[1])}的县级单位，"
            "本表应填设区市合计")
    return None, None, dict(
        check="unknown_region",
        message=f"无法识别的地区{confidential.quote(name, text, None)}，{hint}，该行已忽略",
        severity=WARNING, column=header_of["region_code"], fld="region_code")


def _county_row(text, total, fname, header_of, name, has_county,
                file_city: str | None = None) -> tuple:
    """(county code, None, finding or None) of a row of a county-level table: None (with a
    finding) when the row names no county of regions.csv, names a city, or lies outside the
    city its file is for (`file_city`: regionnames.city_named_in of the file's name); a 合计 row is the city's own row's business, dropped."""
    if total:
        return None, None, None
    column = header_of["region_code"]
    code = regionnames.county_code_of(text)
    if code is None:
        city = regionnames.city_of(text)
        if city is not None:
            return None, None, dict(
                check="total_row_dropped",
                message=f"{reference.region_name(city)}的市级行已剔除（本表为县级数据，市级数据以"
                f"{reference.tables()['industry_annual']['title_zh']}为准）",
                severity=WARNING, column=column, region=city, fld="region_code")
        return None, None, dict(
            check="unknown_county",
            message=f"无法识别的县（市、区）{confidential.quote(name, text, None)}：应为地区代码表"
            "（regions.csv）中的行政区划代码（如330111）或名称（如富阳区、杭州市富阳区），该行已忽略",
            column=column, fld="region_code")
    city = reference.parent(code)
    if file_city and city != file_city:
        return None, None, dict(
            check="county_wrong_city",
            message=f"{reference.region_name(code)}属于{reference.region_name(city)}，不属于本文件的"
            f"{reference.region_name(file_city)}，该行已忽略",
            column=column, region=code, fld="region_code")
    return code, None, None
