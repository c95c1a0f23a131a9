"""`python -m carbonpeak peak`: the peak outlook for any long CSV of yearly CO2 by region.

So an analyst can run published inventories (e.g. the CEADs city series) through exactly the
rules the reports apply. Columns are found by header, Chinese or English: a region (code,
adcode, or a name such as 杭州市), a year, and one CO2 value per row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from carbonpeak import reference
from carbonpeak.errors import InputError
from carbonpeak.ingest.layout import header_key
from carbonpeak.ingest.readers import parse_number

REGION = ("region_code", "adcode", "code", "地区代码", "行政区划代码", "区划代码", "代码")
REGION_NAME = ("region", "region_name", "city", "city_name", "name", "地区", "城市", "地区名称",
               "城市名称", "名称")
YEAR = ("year", "年份", "年", "年度")
VALUE = ("co2", "co2_mt", "co2_total", "value", "emissions", "二氧化碳排放", "二氧化碳排放量",
         "碳排放", "碳排放量", "排放量", "co2排放")

COLUMNS = ["region_code", "region_name", "classification", "label_zh", "status",
           "data_end_year", "max_year", "projected_peak_year", "projected_peak_year_low",
           "projected_peak_year_high", "growth_pct", "growth_low_pct", "growth_high_pct",
           "required_change_pp", "prev_status", "note_zh"]


def _find(headers: dict[str, str], names: tuple[str, ...]) -> str | None:
    keys = {header_key(n) for n in names}
    return next((h for k, h in headers.items() if k in keys), None)


def read_series(path: Path) -> pd.DataFrame:
    """`region_code, year, co2` from a long CSV; errors name the file, row and column."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as e:
        raise InputError(f"{path}: 无法读取（{e}）") from e
    headers = {header_key(c): c for c in raw.columns}
    region = _find(headers, REGION) or _find(headers, REGION_NAME)
    year, value = _find(headers, YEAR), _find(headers, VALUE)
    missing = [w for w, c in (("地区（region_code/adcode/地区）", region), ("年份（year/年份）", year),
                              ("二氧化碳排放（co2/value/排放量）", value)) if c is None]
    if missing:
        raise InputError(f"{path}: 缺少列 {'、'.join(missing)}；现有列：{'、'.join(raw.columns)}")
    lookup = reference.region_lookup()
    rows = []
    for i, r in raw.iterrows():
        line = i + 2  # header is line 1
        text = str(r[region]).strip()
        code = lookup.get(text.lower(), text)
        try:
            y, v = parse_number(r[year]), parse_number(r[value])
        except ValueError as e:
            raise InputError(f"{path} 第{line}行：{e}") from e
        if y is None or y != int(y):
            raise InputError(f"{path} 第{line}行，列「{year}」：应为四位年份，实际为「{r[year]}」")
        if v is None:
            continue  # an empty value is a missing year
        rows.append((code, int(y), v))
    if not rows:
        raise InputError(f"{path}: 没有数据行")
    return pd.DataFrame(rows, columns=["region_code", "year", "co2"])


def outlook_table(series: pd.DataFrame, year: int, deadline: int | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per region: class, status, peak years, growth and the reason; projection)."""
    from carbonpeak.indicators.emissions import peak_outlook

    deadline = deadline or reference.catalog()["industrial_co2_peak"]["target"]
    co2 = series.rename(columns={"co2": "co2_total"})
    co2 = co2.assign(co2_excl_state_listed=co2["co2_total"])
    out, projection = peak_outlook(co2, year, deadline)
    names = {r["region_code"]: r["name"] for r in reference.regions()}
    out["region_name"] = out["region_code"].map(names).fillna("")
    return out[COLUMNS], projection


def main(series_path: str, year: int, out: str | None = None) -> int:
    table, _ = outlook_table(read_series(Path(series_path)), year)
    if out:
        table.to_csv(out, index=False, encoding="utf-8")
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.max_colwidth", 200):
        brief = table[["region_code", "region_name", "label_zh", "status", "max_year",
                       "projected_peak_year", "growth_pct", "note_zh"]]
        print(brief.to_string(index=False, float_format=lambda x: f"{x:.1f}"))
    return 0
