"""Whether the ingested data cover the requested period: checked by the ingest stage, so
that a period the data lack stops the run before anything is checked or rendered (exit 2)."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference
from carbonpeak.errors import InputError, PeriodNotCovered
from carbonpeak.ingest.warehouse import load_findings, load_table
from carbonpeak.paths import resolve
from carbonpeak.period import Period
from carbonpeak.runfolder import RunFolder

HEADLINE = "industry_annual"

MONTHLY = "industry_monthly"


def check_period(run_dir, period) -> None:
    """Raise PeriodNotCovered unless the ingested data cover the period (a year: the headline
    table has its rows; a month: the monthly table has rows for that 1–N月): for the runner
    the ingest stage raises it before anything is checked or rendered (exit code 2)."""
    period = Period.parse(period)
    warehouse = RunFolder(resolve(run_dir)).warehouse.path
    if period.annual:
        check_covered(load_table(warehouse, HEADLINE), period.year)
    else:
        _check_month_covered(load_table(warehouse, MONTHLY), period)


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


def check_covered(headline: pd.DataFrame | None, year: int) -> None:
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



def check_headline(warehouse) -> None:
    """No headline table after ingest: nothing can be rendered; say why, naming the file."""
    if load_table(warehouse, HEADLINE) is not None:
        return
    why = [f"{f.file or ''}: {f.message}" for f in load_findings(warehouse)
           if f.table == HEADLINE]
    raise InputError(f"the headline table {HEADLINE} could not be read: "
                     + ("; ".join(why[:3]) or "no usable file"))
