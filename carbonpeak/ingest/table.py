"""Stage 01: read the statistics as delivered (CSV/XLSX, Chinese or English headers, any
accepted unit) into typed tables in canonical units, one Parquet file per table.

Problems that affect single rows or columns become findings and the rest of the table is
kept, so that one bad cell never takes a whole province down; only a file that cannot be
read at all stops its table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from carbonpeak import confidential, hierarchy_sums, reference
from carbonpeak.findings import ERROR, WARNING, Finding
from carbonpeak.ingest import coerce, glyphs, regionnames
from carbonpeak.ingest.headers import known_headers, match_header
from carbonpeak.ingest.layout import TOTAL_LABELS, header_key
from carbonpeak.ingest.readers import NonFinite, read_raw

SOURCE_ROW = "_source_row"
SOURCE_FILE = "_source_file"


_norm = header_key


NUMERIC_TYPES = {"number"}


@dataclass
class TableResult:
    name: str
    frame: pd.DataFrame | None
    source: Path | None
    findings: list[Finding] = field(default_factory=list)
    # canonical column -> the header as written in the file, for messages about that column
    headers: dict[str, str] = field(default_factory=dict)
    # a table delivered one file per month (`multi_file`): every file, and every row of
    # every file before revisions are resolved (a later file may revise an earlier month)
    sources: list[Path] = field(default_factory=list)
    versions: pd.DataFrame | None = None
    # the cells a later file revised (revisions.REVISION_COLUMNS), resolved here once for
    # the whole run: a period's rows and revisions are these filtered to it
    revisions: pd.DataFrame | None = None


def read_table(path: Path, name: str, spec: dict) -> TableResult:
    """Read one delivered file into the canonical columns, collecting findings."""
    findings: list[Finding] = []
    raw = read_raw(path, name, known_headers(spec), sheet=spec.get("sheet"))
    fname = path.name
    secret = confidential.is_confidential(name)

    def finding(check, message, severity=ERROR, row=None, column=None, region=None, fld=None):
        findings.append(Finding(name, check, severity, message, fname, row, column, region, fld))

    # Without a recognised header row the first row was taken as one: in a confidential
    # table its cells may be a firm's data, so columns are then named by position only.
    def shown(header: str) -> str:
        if secret and not raw.header_found:
            return f"第{raw.positions.get(header, '?')}列"
        return header

    seen = "、".join(shown(h) for h in raw.frame.columns[:15])
    mapping: dict[str, tuple[str, float]] = {}
    for header in raw.frame.columns:
        m = match_header(raw.duplicate_headers.get(header, header), spec)
        if isinstance(m, str):
            finding("unknown_unit", m, row=raw.header_row, column=header)
        elif m is None:
            if header in raw.duplicate_headers:
                continue
            finding("unknown_column",
                    f"未识别的列「{shown(header)}」，已忽略；如为必需指标请改用标准列名",
                    severity=WARNING, row=raw.header_row, column=shown(header))
        elif m.column in {c for c, _ in mapping.values()}:
            first = next(h for h, (c, _) in mapping.items() if c == m.column)
            title = spec["columns"][m.column].get("title_zh", m.column)
            finding("duplicate_column",
                    f"第{raw.positions[first]}列「{shown(first)}」与第{raw.positions[header]}列"
                    f"「{shown(raw.duplicate_headers.get(header, header))}」都是「{title}」，"
                    "无法判断该用哪一列；请删除其中一列",
                    row=raw.header_row, column=shown(header), fld=m.column)
        else:
            mapping[header] = (m.column, m.factor)
    present = {c for c, _ in mapping.values()}
    for column, col_spec in spec["columns"].items():
        if col_spec.get("required") and column not in present:
            aliases = "、".join(col_spec.get("aliases", [])[:3])
            finding("missing_column",
                    f"缺少必需列「{col_spec.get('title_zh', column)}」（{column}，可用列名：{aliases}）；"
                    f"「{spec.get('title_zh', name)}」第{raw.header_row}行的表头为：{seen}",
                    row=raw.header_row, column=col_spec.get("title_zh", column), fld=column)

    header_of = {c: h for h, (c, _) in mapping.items()}
    if any(f.field in spec.get("key", []) for f in findings if f.check == "missing_column"):
        # Without its key (region, year, credit code) no row can be placed: the table is
        # unusable as a whole, and its findings say which column and which headers were seen.
        return TableResult(name, None, path,
                           [confidential.redact(f) for f in _dated(findings, [], fname, spec)],
                           header_of)
    has_county = "county" in spec["columns"]
    records = [r for r in (_record(raw.frame.iloc[i], src_row, fname, spec, mapping, header_of,
                                   has_county, finding, name)
                           for i, src_row in enumerate(raw.source_rows)) if r is not None]
    totals = [r for r in (_record(raw.total_frame.loc[n], n, fname, spec, mapping, header_of,
                                  has_county, finding, name, total=True)
                          for n in (raw.total_frame.index if raw.total_frame is not None
                                    else [])) if r is not None]

    if any(s["type"] == "period" for s in spec["columns"].values()):
        records = _periods(records, fname, header_of, finding)
        totals = _periods(totals, fname, header_of, finding)
    columns = [*spec["columns"], SOURCE_ROW, SOURCE_FILE]
    frame = _typed(pd.DataFrame.from_records(records, columns=columns), spec)
    frame = _province_rows(frame, totals, spec, name, finding, raw)
    if secret:
        frame = _reconcile(frame, spec, name, finding, header_of)
    if raw.repeated_header_rows:
        rows = "、".join(str(r) for r in raw.repeated_header_rows)
        finding("repeated_header_dropped", f"第{rows}行与表头相同（疑似两份表格拼接），已剔除",
                severity=WARNING, row=raw.repeated_header_rows[0])
    findings += glyphs.check_frame(frame, name, spec, header_of)
    findings = _dated(findings, records + totals, fname, spec)
    return TableResult(name, frame, path, [confidential.redact(f) for f in findings], header_of)


def _dated(findings: list[Finding], records: list[dict], fname: str, spec: dict
           ) -> list[Finding]:
    """Each finding with the year or period of the row it is about (Finding.period), so
    that a run counts only what it reads. A monthly file's finding about no dated row (its
    header, a row whose period cannot be read) is dated by the month the file's name
    states, else by the latest period it holds; an annual table's stays undated (every
    year). A finding about the date cell itself is not dated by it (a year of 2099 dates
    nothing): a monthly file's is dated by the file."""
    from carbonpeak.ingest import periods

    monthly = any(s["type"] == "period" for s in spec["columns"].values())
    dating = "period" if monthly else next(
        (c for c, s in spec["columns"].items() if s["type"] == "year" and s.get("required")),
        None)
    if dating is None:
        return findings
    dates = {}
    for rec in records:
        value = rec.get(dating)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            dates[rec[SOURCE_ROW]] = str(value) if monthly else str(int(value))
    fallback = None
    if monthly:
        named = periods.from_file_name(fname)
        fallback = (f"{named[0]}-{named[1]:02d}" if named
                    else max(dates.values(), default=None))
    return [f if f.period else replace(
        f, period=fallback if f.field == dating else dates.get(f.row, fallback))
        for f in findings]


def _record(cells, src_row, fname, spec, mapping, header_of, has_county, finding, name,
            total=False) -> dict | None:
    """One file row as canonical values, or None when it cannot be attributed to a region."""
    rec: dict = {SOURCE_ROW: int(src_row), SOURCE_FILE: fname}
    region = None
    if "region_code" in header_of and spec.get("level") == "county":
        if total:
            return None  # a 合计 row of a county file: the city's own row is the city's total
        region = _county(cells[header_of["region_code"]], src_row, fname, header_of, finding,
                         name)
        if region is None:
            return None
        rec["region_code"] = region
    elif "region_code" in header_of:
        text = cells[header_of["region_code"]]
        region = regionnames.city_of(text)
        county = regionnames.county_of(text) if region is None else None
        if total and text is not None and header_key(str(text)) in TOTAL_LABELS:
            region = reference.province_code()
        elif total:  # 合计 in another column: not a region's row
            return None
        elif county and has_county:  # 杭州市富阳区 in a list of firms: city and county
            region = county[1]
            if "county" in header_of and cells[header_of["county"]] is None:
                rec["county"] = county[0]
        if region is None:
            # A warning: the row cannot be attributed to a region, so it cannot block
            # one; the region it was meant for is caught as missing by the suite.
            hint = ("应为行政区划代码（如330100）或地区名称（如杭州市）"
                    if not county else f"这是{reference.region_name(county[1])}的县级单位，"
                    "本表应填设区市合计")
            finding("unknown_region",
                    f"无法识别的地区{confidential.quote(name, text, None)}，{hint}，该行已忽略",
                    severity=WARNING, row=src_row, column=header_of["region_code"],
                    fld="region_code")
            return None
    rec["region_code"] = region
    for header, (column, factor) in mapping.items():
        if column == "region_code" or (column in rec and rec[column] is not None):
            continue
        text = cells[header]
        col_spec = spec["columns"][column]
        try:
            value = coerce.cell(text, col_spec)
            if col_spec["type"] in NUMERIC_TYPES and value is not None:
                value *= factor
                if not math.isfinite(value):
                    raise NonFinite(f"换算单位后数值超出可计算的范围（{text}）")
        except NonFinite as e:
            finding("not_a_number", str(e), row=src_row, column=header, region=region,
                    fld=column)
            value = None
        except ValueError as e:
            message = (str(e) if col_spec["type"] != "number"
                       else f"应为数值，实际为{confidential.quote(name, text, region)}")
            finding("not_a_number", message, row=src_row, column=header, region=region,
                    fld=column)
            value = None
        rec[column] = value
    return rec


def _county(text, src_row, fname, header_of, finding, name) -> str | None:
    """The county code of a county-level row, or None (with a finding) when the row names no
    county of regions.csv, names a city, or lies outside the city its file is for."""
    column = header_of["region_code"]
    code = regionnames.county_code_of(text)
    if code is None:
        city = regionnames.city_of(text)
        if city is not None:
            finding("total_row_dropped",
                    f"{reference.region_name(city)}的市级行已剔除（本表为县级数据，市级数据以"
                    f"{reference.tables()['industry_annual']['title_zh']}为准）",
                    severity=WARNING, row=src_row, column=column, region=city, fld="region_code")
        else:
            finding("unknown_county",
                    f"无法识别的县（市、区）{confidential.quote(name, text, None)}：应为地区代码表"
                    "（regions.csv）中的行政区划代码（如330111）或名称（如富阳区、杭州市富阳区），该行已忽略",
                    row=src_row, column=column, fld="region_code")
        return None
    city, file_city = reference.parent(code), regionnames.city_named_in(fname)
    if file_city and city != file_city:
        finding("county_wrong_city",
                f"{reference.region_name(code)}属于{reference.region_name(city)}，不属于本文件的"
                f"{reference.region_name(file_city)}，该行已忽略",
                row=src_row, column=column, region=code, fld="region_code")
        return None
    return code


def _periods(records: list[dict], fname: str, header_of: dict, finding) -> list[dict]:
    """Cumulative periods in their canonical form (2026-10), the year column filled from
    them; a period without a year takes the year column's, else the file name's, and a file
    without a period column is the month its name states. A row whose period cannot be
    read is dropped with an error naming file, row and column."""
    from carbonpeak.ingest import periods
    from carbonpeak.period import Period

    named = periods.from_file_name(fname)
    out = []
    for rec in records:
        text = rec.get("period")
        year = rec.get("year") or (named[0] if named else None)
        try:
            if text is None and "period" not in header_of and named:
                key = Period.monthly(*named).key
            else:
                key = periods.parse_cell(text, year)
        except ValueError as e:
            where = header_of.get("period")
            hint = "" if where else "（文件没有统计期列，文件名中也没有年月）"
            finding("bad_period", f"{e}{hint}，该行已忽略", row=rec[SOURCE_ROW], column=where,
                    region=rec.get("region_code"), fld="period")
            continue
        rec["period"] = key
        rec["year"] = Period.parse(key).year
        out.append(rec)
    return out


def _province_rows(frame, totals, spec, name, finding, raw) -> pd.DataFrame:
    """合计 rows and province rows, by what the table declares (tables.yml `province`):

    - `given`: a 合计 row stands for the province where the file has no province row for
      the same key (the suite then checks it against the sum of the cities);
    - `sum`: the table is filled per city; a province (or 合计) row is checked against the
      sum of the cities and dropped, so the province is never counted twice;
    - absent (lists of firms, factories, projects): 合计 rows are dropped.
    """
    mode = spec.get("province")
    key = [k for k in spec.get("key", []) if k != "region_code"]
    total = _typed(pd.DataFrame.from_records(totals, columns=frame.columns), spec) if totals \
        else frame.iloc[0:0]
    kept_totals: list[int] = []
    province = reference.province_code()
    if mode == "given" and len(total):
        prov = frame[frame["region_code"] == province]
        given = set(prov[key].itertuples(index=False, name=None))
        use = total[[tuple(r) not in given and all(pd.notna(v) for v in r)
                     for r in total[key].itertuples(index=False, name=None)]]
        use = use.drop_duplicates(key)
        if len(use):
            frame = pd.concat([frame, use], ignore_index=True)
            kept_totals = [int(r) for r in use[SOURCE_ROW]]
            finding("total_row_as_province",
                    f"文件中没有全省行，合计行（{_rows(kept_totals)}）作为全省数据使用，并与各市之和核对",
                    severity=WARNING, row=kept_totals[0], region=province)
    elif mode == "sum":
        prov = pd.concat([frame[frame["region_code"] == province], total])
        frame = frame[frame["region_code"] != province].reset_index(drop=True)
        if len(prov):
            _check_province_sum(frame, prov, spec, key, finding, raw)
            kept_totals = [int(r) for r in total[SOURCE_ROW]]
    dropped = [r for r in raw.dropped_total_rows if r not in kept_totals]
    if dropped:
        rows = "、".join(str(r) for r in dropped)
        finding("total_row_dropped", f"合计行（第{rows}行）已剔除，合计由各地区数据计算",
                severity=WARNING, row=dropped[0])
    return frame


def _check_province_sum(cities, prov, spec, key, finding, raw) -> None:
    """Province rows of a table filled per city: each additive value must equal the sum of
    the cities for the same key; they are dropped either way (the province is the sum)."""
    tol = spec.get("province_tolerance", hierarchy_sums.TOLERANCE)
    additive = [c for c, s in spec["columns"].items() if s.get("additive")]
    sums = hierarchy_sums.child_sums(cities, additive, key)
    bad = 0
    for _, row in prov.iterrows():
        k = tuple(row[key])
        for col in additive:
            want = sums[col].get(k if len(key) > 1 else k[0]) if len(sums) else None
            got = row[col]
            if pd.isna(got):
                continue
            missing = want is None or pd.isna(want)
            if missing or hierarchy_sums.off(got, want, tol):
                bad += 1
                finding("province_row_mismatch",
                        f"本表按设区市填报，全省行的{spec['columns'][col].get('title_zh', col)}"
                        f"（{got:g}）与各市之和（{'无' if missing else f'{want:g}'}）"
                        f"不一致（允许误差{tol:.1%}）；全省按各市之和计算，请核对或删除全省行",
                        row=int(row[SOURCE_ROW]), column=col, region=reference.province_code(),
                        fld=col)
    if not bad:
        finding("province_row_checked",
                f"本表按设区市填报，全省（或合计）行（{_rows(prov[SOURCE_ROW])}）与各市之和一致，已剔除"
                "（全省按各市之和计算）", severity=WARNING,
                row=int(prov[SOURCE_ROW].iloc[0]), region=reference.province_code())


def _rows(numbers) -> str:
    """第5、9行 or, for many rows, 第2797–3211行，共415行."""
    numbers = sorted(int(n) for n in numbers)
    if len(numbers) <= 5:
        return f"第{'、'.join(map(str, numbers))}行"
    return f"第{numbers[0]}–{numbers[-1]}行，共{len(numbers)}行"


def _reconcile(frame, spec, name, finding, header_of) -> pd.DataFrame:
    """Rows of a confidential list that could belong to two cities go to neither.

    A firm whose credit code (registration area), county and city disagree, or whose key
    appears under two cities, is excluded from both cities' data with a finding in each
    city's report that names the row but not the firm (the other city must not learn it).
    """
    if "region_code" not in frame:
        return frame
    cities = pd.DataFrame({"region": frame["region_code"]}, index=frame.index)
    if "credit_code" in frame:
        cities["code"] = frame["credit_code"].map(regionnames.credit_code_city)
    if "county" in frame:
        cities["county"] = frame["county"].map(
            lambda t: (regionnames.county_of(t) or (None, None))[1] if pd.notna(t) else None)
    claimed = cities.apply(lambda r: sorted({v for v in r if isinstance(v, str)}), axis=1)
    conflict = claimed.map(len) > 1
    what = {"code": "统一社会信用代码的登记地", "county": "县（市、区）"}
    for i in frame.index[conflict]:
        row = cities.loc[i]
        parts = "、".join(f"{what[k]}属{reference.region_name(row[k])}"
                         for k in ("code", "county") if k in row and isinstance(row[k], str)
                         and row[k] != row["region"])
        for region in claimed[i]:
            finding("region_conflict",
                    f"该行企业填报在{reference.region_name(row['region'])}，但{parts}；"
                    "在核实前不列入任何设区市的名单", row=int(frame.at[i, SOURCE_ROW]),
                    column=header_of.get("region_code"), region=region)
    key = [k for k in spec.get("key", []) if k != "region_code" and k in frame]
    dup = pd.Series(False, index=frame.index)
    if key:
        ok = frame[~conflict].dropna(subset=key)
        spread = ok.groupby(key)["region_code"].transform("nunique")
        dup.loc[spread.index] = spread > 1
        for i in frame.index[dup]:
            others = sorted(set(ok.loc[(ok[key] == frame.loc[i, key]).all(axis=1),
                                       "region_code"]) - {frame.at[i, "region_code"]})
            finding("duplicate_across_regions",
                    f"该行（{'+'.join(spec['columns'][k].get('title_zh', k) for k in key)}）"
                    f"在另外{len(others)}个设区市也有填报；在核实前该行不列入任何设区市的名单",
                    row=int(frame.at[i, SOURCE_ROW]), column=header_of.get(key[0]),
                    region=frame.at[i, "region_code"])
    return frame[~conflict & ~dup].reset_index(drop=True)


def _typed(frame: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Stable dtypes whatever the file held, so the suites' type checks mean something."""
    for column, col_spec in spec["columns"].items():
        col_type = col_spec["type"]
        if col_type == "year":
            frame[column] = pd.array(frame[column], dtype="Int64")
        elif col_type in NUMERIC_TYPES:
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
        elif col_type == "bool":
            frame[column] = pd.array(frame[column], dtype="boolean")
        else:
            frame[column] = frame[column].astype("string")
    return frame
