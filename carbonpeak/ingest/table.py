"""Stage 01: read the statistics as delivered (CSV/XLSX, Chinese or English headers, any
accepted unit) into typed tables in canonical units, one Parquet file per table.

Problems that affect single rows or columns become findings and the rest of the table is
kept, so that one bad cell never takes a whole province down; only a file that cannot be
read at all stops its table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak import confidential, hierarchy_sums, reference
from carbonpeak.findings import ERROR, WARNING, Finding, UnreadableFile
from carbonpeak.ingest import glyphs, regionnames
from carbonpeak.ingest.coerce import NUMERIC_TYPES
from carbonpeak.ingest.headers import known_headers, match_header
from carbonpeak.ingest.readers import read_raw
from carbonpeak.ingest.rows import SOURCE_FILE, SOURCE_ROW
from carbonpeak.ingest.rows import columns as typed_columns

__all__ = ["NUMERIC_TYPES", "SOURCE_FILE", "SOURCE_ROW", "TableResult", "read_table"]


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
    data = typed_columns(raw.frame, raw.source_rows, fname, spec, mapping, header_of, finding,
                        name)
    totals = typed_columns(raw.total_frame if raw.total_frame is not None else raw.frame.iloc[0:0],
                          [] if raw.total_frame is None else list(raw.total_frame.index), fname,
                          spec, mapping, header_of, finding, name, total=True)
    raw.frame = raw.frame.iloc[0:0]  # its cells as read (Python strings) are done with
    if any(s["type"] == "period" for s in spec["columns"].values()):
        data = _periods(data, fname, header_of, finding)
        totals = _periods(totals, fname, header_of, finding)
    frame = _frame(data, spec)
    # what dating the findings needs (_dated), not a second copy of every column
    dates = {SOURCE_ROW} | {c for c, s in spec["columns"].items() if s["type"] in ("year", "period")}
    data = {c: v for c, v in data.items() if c in dates}
    total = _frame(totals, spec) if len(totals[SOURCE_ROW]) else frame.iloc[0:0]
    frame = _province_rows(frame, total, spec, name, finding, raw)
    if secret:
        frame = _reconcile(frame, spec, name, finding, header_of)
    if raw.repeated_header_rows:
        rows = "、".join(str(r) for r in raw.repeated_header_rows)
        finding("repeated_header_dropped", f"第{rows}行与表头相同（疑似两份表格拼接），已剔除",
                severity=WARNING, row=raw.repeated_header_rows[0])
    findings += glyphs.check_frame(frame, name, spec, header_of)
    findings = _dated(findings, [data, totals], fname, spec)
    return TableResult(name, frame, path, [confidential.redact(f) for f in findings], header_of)


def read_each(paths: list[Path], name: str, spec: dict
              ) -> tuple[list[pd.DataFrame], dict[str, str], list[Finding]]:
    """A table delivered in several files, each read on its own, in file-name order: the
    frames with rows, the headers as first written, and every file's findings (a file that
    cannot be read is a finding; the others still count)."""
    findings: list[Finding] = []
    frames, headers = [], {}
    for path in sorted(paths, key=lambda p: p.name):
        try:
            res = read_table(path, name, spec)
        except UnreadableFile as e:
            findings.append(confidential.redact(e.finding))
            continue
        findings += res.findings
        headers.update({c: h for c, h in res.headers.items() if c not in headers})
        if res.frame is not None and len(res.frame):
            frames.append(res.frame)
    return frames, headers, findings


def _dated(findings: list[Finding], parts: list[dict], fname: str, spec: dict
           ) -> list[Finding]:
    """Each finding with the year or period of the row it is about (Finding.period), so
    that a run counts only what it reads. A monthly file's finding about no dated row (its
    header, a row whose period cannot be read) is dated by the month the file's name
    states, else by the latest period it holds; an annual table's stays undated (every
    year). A finding about the date cell itself is not dated by it (a year of 2099 dates
    nothing): a monthly file's is dated by the file. `parts`: the rows read
    (rows.columns), data then totals."""
    from carbonpeak.ingest import periods

    monthly = any(s["type"] == "period" for s in spec["columns"].values())
    dating = "period" if monthly else next(
        (c for c, s in spec["columns"].items() if s["type"] == "year" and s.get("required")),
        None)
    if dating is None:
        return findings
    wanted = {f.row for f in findings if not f.period}  # a million rows, a few findings
    dates, latest = {}, None
    for part in parts:
        for row, value in zip(part[SOURCE_ROW].tolist(), part.get(dating, ()), strict=False):
            if value is None:
                continue
            if monthly and (latest is None or str(value) > latest):
                latest = str(value)
            if row in wanted:
                dates[row] = str(value) if monthly else str(int(value))
    fallback = None
    if monthly:
        named = periods.from_file_name(fname)
        fallback = f"{named[0]}-{named[1]:02d}" if named else latest
    return [f if f.period else replace(
        f, period=fallback if f.field == dating else dates.get(f.row, fallback))
        for f in findings]


def _periods(part: dict, fname: str, header_of: dict, finding) -> dict:
    """Cumulative periods in their canonical form (2026-10), the year column filled from
    them; a period without a year takes the year column's, else the file name's, and a file
    without a period column is the month its name states. A row whose period cannot be
    read is dropped with an error naming file, row and column."""
    from carbonpeak.ingest import periods
    from carbonpeak.period import Period

    named = periods.from_file_name(fname)
    n = len(part[SOURCE_ROW])
    texts = part.get("period", [None] * n)
    years = part.get("year", [None] * n)
    keys, new_years = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    keep = np.zeros(n, dtype=bool)
    for i in range(n):
        text, year = texts[i], years[i] or (named[0] if named else None)
        try:
            if text is None and "period" not in header_of and named:
                key = Period.monthly(*named).key
            else:
                key = periods.parse_cell(text, year)
        except ValueError as e:
            where = header_of.get("period")
            hint = "" if where else "（文件没有统计期列，文件名中也没有年月）"
            finding("bad_period", f"{e}{hint}，该行已忽略", row=int(part[SOURCE_ROW][i]),
                    column=where, region=part["region_code"][i], fld="period")
            continue
        keys[i], new_years[i], keep[i] = key, Period.parse(key).year, True
    out = {c: v[keep] for c, v in part.items()}
    out["period"], out["year"] = keys[keep], new_years[keep]
    return out


def _frame(part: dict, spec: dict) -> pd.DataFrame:
    """The rows read as a frame of the table's columns with stable dtypes (`_typed`)."""
    columns = [*spec["columns"], SOURCE_ROW, SOURCE_FILE]
    n = len(part[SOURCE_ROW])
    if not n:
        return _typed(pd.DataFrame.from_records([], columns=columns), spec)
    # the arrays as they are, not as lists: a million rows of Python objects per column
    # would set the peak memory of ingest
    return _typed(pd.DataFrame({c: part[c] if c in part else np.full(n, None, dtype=object)
                                for c in columns}, columns=columns), spec)


def _province_rows(frame, total, spec, name, finding, raw) -> pd.DataFrame:
    """合计 rows and province rows, by what the table declares (tables.yml `province`):

    - `given`: a 合计 row stands for the province where the file has no province row for
      the same key (the suite then checks it against the sum of the cities);
    - `sum`: the table is filled per city; a province (or 合计) row is checked against the
      sum of the cities and dropped, so the province is never counted twice;
    - absent (lists of firms, factories, projects): 合计 rows are dropped.
    """
    mode = spec.get("province")
    key = [k for k in spec.get("key", []) if k != "region_code"]
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
        cities["code"] = regionnames.credit_code_cities(frame["credit_code"])
    if "county" in frame:
        cities["county"] = regionnames.county_cities(frame["county"])
    # a row claimed by two cities: two of its named cities differ
    conflict = pd.Series(False, index=frame.index)
    for a, b in itertools.combinations([cities[c] for c in cities], 2):
        conflict |= (a.notna() & b.notna() & (a != b)).fillna(False).astype(bool)
    claimed = cities[conflict].apply(
        lambda r: sorted({v for v in r if isinstance(v, str)}), axis=1)
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
