"""A run for year Y reads the inputs as they stood for Y: nothing dated later reaches any
indicator, projection or table a report draws on; a year the data do not cover stops."""

import pandas as pd
import pytest

from carbonpeak import indicators, ingest, quality
from carbonpeak.errors import PeriodNotCovered
from carbonpeak.paths import SAMPLE_DIR

OUTPUTS = ("indicators.csv", "co2_series.csv", "peak_outlook.csv", "peak_projection.csv",
           "sector_energy.csv", "decomposition.csv")


def _run(data, run, year):
    ingest.run_ingest(data, run, year)
    quality.run_quality(run, year)
    indicators.run_indicators(run, year)


def _truncate(src, dst, year):
    dst.mkdir()
    for f in src.iterdir():
        if f.suffix != ".csv":
            (dst / f.name).write_bytes(f.read_bytes())
            continue
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        col = "start_year" if "start_year" in df else "year"
        df = df[pd.to_numeric(df[col]) <= year]
        if "completion_year" in df:
            later = pd.to_numeric(df["completion_year"], errors="coerce") > year
            df.loc[later, "completion_year"] = ""
            df.loc[later & (df["status"] == "completed"), "status"] = "in_progress"
        if len(df):  # a table with nothing up to the year is not delivered
            df.to_csv(dst / f.name, index=False)


@pytest.mark.slow  # two more whole runs of stages 01–03, for 2023
def test_run_for_2023_equals_a_run_on_data_truncated_to_2023(tmp_path, run_planted):
    truncated = tmp_path / "truncated"
    _truncate(SAMPLE_DIR, truncated, 2023)
    run_planted(SAMPLE_DIR, tmp_path / "full", 2023)  # the sample's warehouse
    _run(truncated, tmp_path / "cut", 2023)
    for name in OUTPUTS:
        a = pd.read_csv(tmp_path / "full" / name, dtype=str, keep_default_na=False)
        b = pd.read_csv(tmp_path / "cut" / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(a, b, obj=name)
    ind = pd.read_csv(tmp_path / "full" / "indicators.csv")
    assert (ind["year"] == 2023).all()
    co2 = pd.read_csv(tmp_path / "full" / "co2_series.csv")
    proj = pd.read_csv(tmp_path / "full" / "peak_projection.csv")
    assert co2["year"].max() == 2023 and proj["year"].min() == 2023


def test_as_of_drops_later_rows_and_blanks_later_dates():
    tables = {
        "industry_annual": pd.DataFrame({"region_code": ["330100"] * 3, "year": [2022, 2023, 2024],
                                         "value_added": [1.0, 2.0, 3.0]}),
        "retrofit_projects": pd.DataFrame({"region_code": ["330100"] * 3,
                                           "start_year": [2022, 2023, 2024],
                                           "completion_year": [2023, 2024, pd.NA],
                                           "status": ["completed", "completed", "planned"]}),
        "enterprises": None,
    }
    out = indicators.as_of(tables, 2023)
    assert out["industry_annual"]["year"].tolist() == [2022, 2023]
    assert out["retrofit_projects"]["start_year"].tolist() == [2022, 2023]
    assert out["retrofit_projects"]["completion_year"].isna().tolist() == [False, True]
    assert out["retrofit_projects"]["status"].tolist() == ["completed", "in_progress"]
    assert out["enterprises"] is None


@pytest.mark.parametrize("year", [1999, 2030])
def test_a_year_the_data_do_not_cover_stops_and_names_the_years(year):
    headline = pd.DataFrame({"region_code": ["330100"] * 3, "year": [2016, 2017, 2019]})
    with pytest.raises(PeriodNotCovered, match=f"没有{year}年的数据：数据覆盖2016—2019年（缺2018年）"):
        indicators.as_of({"industry_annual": headline}, year)
    assert PeriodNotCovered.exit_code == 2


def test_check_period_after_ingest(tmp_path):
    ingest.run_ingest(SAMPLE_DIR, tmp_path, 2030)
    with pytest.raises(PeriodNotCovered, match="没有2030年的数据：数据覆盖2016—2025年"):
        ingest.check_period(tmp_path, 2030)
    ingest.check_period(tmp_path, 2025)  # covered: no error


@pytest.mark.slow
def test_run_for_a_year_the_data_lack_exits_2_before_any_report(tmp_path):
    from carbonpeak.run import runner

    lines = []
    code = runner.run(SAMPLE_DIR, 2030, "330100", tmp_path / "out", "html", log=lines.append)
    assert code == 2
    assert any("没有2030年的数据：数据覆盖2016—2025年" in str(line) for line in lines)
    assert not list((tmp_path / "out").glob("2030/*/report.html"))
