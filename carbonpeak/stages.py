"""The three once-per-run stages as single calls, so each notebook stays a few lines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import yaml

from carbonpeak import ingest, reference, sources
from carbonpeak.errors import PeriodNotCovered
from carbonpeak.findings import WARNING, Finding
from carbonpeak.paths import resolve
from carbonpeak.textsafe import strip_bidi

MAX_DATASET_YML_BYTES = 64 * 1024
MAX_META_TEXT = 300  # characters of one dataset.yml value shown in reports


class _NoAliasLoader(yaml.SafeLoader):
    """dataset.yml is input: YAML aliases (&a / *a) could multiply a tiny file into
    megabytes (a "billion laughs"), and a description never needs them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "YAML 别名（*）不允许使用", mark)
        return super().compose_node(parent, index)


def load_dataset_meta(data_dir: Path) -> tuple[dict, list[Finding]]:
    """dataset.yml beside the data (title, vintage, whether it is illustrative), and a
    warning instead of a traceback when it is unusable: the reports then say so."""
    path = Path(data_dir) / "dataset.yml"
    fallback = {"vintage_zh": f"{Path(data_dir).name}（未提供数据说明）"}
    if not path.exists():
        return fallback, []

    def problem(message: str, row: int | None = None) -> tuple[dict, list[Finding]]:
        fallback["vintage_zh"] = f"{Path(data_dir).name}（数据说明文件无法使用）"
        return fallback, [Finding("dataset", "dataset_meta", WARNING, message + "，已忽略该文件",
                                  file="dataset.yml", row=row)]

    if sources.refusal(path, Path(data_dir).resolve()):
        return problem("dataset.yml 不是数据文件夹中的普通文件")
    if path.stat().st_size > MAX_DATASET_YML_BYTES:
        return problem(f"dataset.yml 超过 {MAX_DATASET_YML_BYTES // 1024} KB 的上限")
    try:
        data = yaml.load(path.read_bytes().decode("utf-8"), Loader=_NoAliasLoader)  # noqa: S506
    except UnicodeDecodeError:
        return problem("dataset.yml 不是 UTF-8 编码")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        return problem(f"dataset.yml 不是有效的 YAML（{getattr(e, 'problem', None) or e}）", row)
    if data is None:
        return fallback, []
    if not isinstance(data, dict):
        return problem(f"dataset.yml 应为“键: 值”的映射，实际为{type(data).__name__}")
    meta, dropped = {}, []
    for key, value in data.items():
        if isinstance(value, bool | int | float) and not isinstance(key, bool):
            meta[str(key)] = value
        elif isinstance(value, str):
            meta[str(key)] = strip_bidi(value)[:MAX_META_TEXT]
        else:
            dropped.append(str(key))
    findings = [] if not dropped else problem(
        f"dataset.yml 中的 {'、'.join(dropped[:5])} 不是单个文字或数字")[1]
    return meta, findings


def dataset_meta(data_dir: Path) -> dict:
    return load_dataset_meta(data_dir)[0]


def run_ingest(data_dir, run_dir, year: int) -> pd.DataFrame:
    data_dir, run_dir = resolve(data_dir), resolve(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    meta, meta_findings = load_dataset_meta(data_dir)
    run = {"year": int(year), "data_dir": str(data_dir), "dataset": meta,
           "generated": dt.date.today().isoformat()}
    (run_dir / "run.json").write_text(json.dumps(run, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    results = ingest.ingest(data_dir, run_dir / "warehouse", meta_findings)
    return pd.DataFrame([
        {"表": name, "文件": r.source.name if r.source else "—",
         "行数": 0 if r.frame is None else len(r.frame),
         "错误": sum(f.severity == "error" for f in r.findings),
         "提示": sum(f.severity == "warning" for f in r.findings)}
        for name, r in results.items()
    ])


def run_quality(run_dir, year: int, period: str | None = None) -> pd.DataFrame:
    """GX suites and cross-checks; for a monthly period (YYYY-MM) the monthly table is read
    up to the period and the annual tables up to the year before."""
    from carbonpeak import quality

    run_dir = resolve(run_dir)
    warehouse = run_dir / "warehouse"
    verdicts = quality.check(warehouse, run_dir / "quality", int(year),
                             ingest.load_findings(warehouse), period=period)
    return pd.DataFrame([
        {"地区": reference.region_name(code), "代码": code, **v} for code, v in verdicts.items()
    ])


def as_of(tables: dict[str, pd.DataFrame | None], year: int) -> dict[str, pd.DataFrame | None]:
    """The inputs as they stood for reporting year `year`: rows dated after it are dropped
    (each table's first required year column dates its rows), and later dates in optional
    year columns (e.g. a completion year) are blanked, since they had not happened yet.

    Raises PeriodNotCovered when the headline table has no row for `year`."""
    specs = reference.tables()
    out: dict[str, pd.DataFrame | None] = {}
    for name, df in tables.items():
        if df is None:
            out[name] = None
            continue
        cols = specs.get(name, {}).get("columns", {})
        year_cols = [c for c, spec in cols.items() if spec.get("type") == "year" and c in df]
        dating = next((c for c in year_cols if cols[c].get("required")), None)
        if dating:
            df = df[pd.to_numeric(df[dating], errors="coerce") <= year]
        later = [c for c in year_cols if c != dating]
        if later:
            df = df.copy()
            for c in later:
                after = pd.to_numeric(df[c], errors="coerce") > year
                df.loc[after, c] = pd.NA
                if (name, c) in NOT_YET:  # e.g. completed in a later year: in progress in Y
                    status, done, then = NOT_YET[(name, c)]
                    df.loc[after & (df[status] == done), status] = then
        out[name] = df.reset_index(drop=True)
    _check_covered(tables.get(HEADLINE), year)
    return out


HEADLINE = "industry_annual"
# (table, date column) -> (status column, status on that date, status before it)
NOT_YET = {("retrofit_projects", "completion_year"): ("status", "completed", "in_progress")}


def check_period(run_dir, period) -> None:
    """Raise PeriodNotCovered unless the ingested data cover the period (a year: the headline
    table has its rows; a month: the monthly table has rows for that 1–N月): for the runner
    to call right after stage 01, before anything is rendered (exit code 2)."""
    from carbonpeak.period import Period

    period = Period.parse(period)
    warehouse = resolve(run_dir) / "warehouse"
    if period.annual:
        _check_covered(ingest.load_table(warehouse, HEADLINE), period.year)
    else:
        _check_month_covered(ingest.load_table(warehouse, MONTHLY), period)


MONTHLY = "industry_monthly"


def _check_month_covered(monthly: pd.DataFrame | None, period) -> None:
    title = reference.tables().get(MONTHLY, {}).get("title_zh", MONTHLY)
    if monthly is None or monthly.empty:
        raise PeriodNotCovered(f"没有{title}（{MONTHLY}）数据，无法编制{period.label_zh}晴雨表。"
                               "请在数据目录中放入各月的1—N月累计数据文件。")
    have = sorted(set(monthly["period"].astype(str)))
    if period.key in have:
        return
    raise PeriodNotCovered(f"{title}（{MONTHLY}）没有{period.label_zh}（{period.key}）的数据："
                           f"数据覆盖{have[0]}至{have[-1]}（共{len(have)}期）。"
                           f"请选择已有数据的期次，或补充{period.key}的数据文件。")


def _check_covered(headline: pd.DataFrame | None, year: int) -> None:
    if headline is None:
        return  # a missing headline table is reported by the ingest stage
    years = sorted({int(y) for y in pd.to_numeric(headline["year"], errors="coerce").dropna()})
    if year in years:
        return
    title = reference.tables()[HEADLINE].get("title_zh", HEADLINE)
    covered = f"{years[0]}—{years[-1]}年" if years else "无任何年份"
    gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years)) if years else []
    note = f"（缺{'、'.join(map(str, gaps))}年）" if gaps else ""
    raise PeriodNotCovered(f"{title}（{HEADLINE}）没有{year}年的数据：数据覆盖{covered}{note}。"
                           f"请选择数据覆盖的报告年份，或补充{year}年数据。")


def run_indicators(run_dir, year: int) -> pd.DataFrame:
    """Every catalog indicator for every region, plus the analyses reports draw on:
    CO2 series, peak outlook, LMDI drivers, sector energy, enterprise grades — all from the
    inputs as they stood for `year` (nothing dated later reaches any of them)."""
    from carbonpeak import decomposition, enterprise, indicators, quality
    from carbonpeak.indicators import emissions

    run_dir, year = resolve(run_dir), int(year)
    warehouse = run_dir / "warehouse"
    tables = as_of({name: ingest.load_table(warehouse, name) for name in reference.tables()},
                   year)
    findings = quality.load_results(run_dir / "quality")["findings"]
    blocked = quality.blocked_by(findings, reference.catalog())
    current, series = indicators.compute_all(tables, year, blocked)
    current.to_csv(run_dir / "indicators.csv", index=False, encoding="utf-8")
    series.to_parquet(run_dir / "indicator_series.parquet", index=False)
    # drivers are decomposed since the baseline of the year's plan period (2020 or 2025); the
    # peak outlook spans both periods and counts the change since its own baseline
    base = reference.plan_period_for(year)["baseline_year"]
    if tables.get("energy_by_fuel") is not None:
        co2 = emissions.co2_series(tables)
        co2.to_csv(run_dir / "co2_series.csv", index=False)
        catalog = reference.catalog()["industrial_co2_peak"]
        outlook, projection = emissions.peak_outlook(co2, year, catalog["target"],
                                                     catalog["baseline_year"])
        outlook.to_csv(run_dir / "peak_outlook.csv", index=False)
        projection.to_csv(run_dir / "peak_projection.csv", index=False)
        if tables.get("sector_value_added") is not None:
            sectors = decomposition.sector_energy(tables, base)
            sectors.to_csv(run_dir / "sector_energy.csv", index=False)
            decomposition.decomposition(sectors, base, year).to_csv(
                run_dir / "decomposition.csv", index=False)
    if tables.get("enterprises") is not None:
        enterprise.write(enterprise.evaluate(tables["enterprises"], year), run_dir)
    return current[["region_name", "indicator_id", "value", "required_value", "status", "rank"]]
