"""The shipped monthly sample: adds up to the annual table, and tells its planted stories."""


import pandas as pd
import pytest

from carbonpeak import ingest, reference
from carbonpeak.barometer import run_barometer
from carbonpeak.paths import SAMPLE_DIR
from tools import sample as annual_sample
from tools import sample_monthly as monthly_sample


@pytest.fixture(scope="module")
def files() -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_csv(p, dtype={"region_code": str})
            for p in sorted(SAMPLE_DIR.glob("industry_monthly_*.csv"))}


@pytest.fixture(scope="module")
def monthly(files) -> pd.DataFrame:
    """Every region and period, the later file winning (the revision applied)."""
    df = pd.concat(list(files.values()), ignore_index=True)
    return df.drop_duplicates(["region_code", "period"], keep="last")


@pytest.fixture(scope="module")
def barometer(tmp_path_factory, clean_run):
    run = tmp_path_factory.mktemp("run")
    ingest.build_warehouse(SAMPLE_DIR, run / "warehouse")
    run_barometer(run, "2026-10")
    history = pd.read_csv(run / "barometer_history.csv", dtype={"region_code": str})
    energy = history[history["indicator_id"] == "energy_intensity"]
    return run, energy.pivot(index="region_code", columns="period", values="status")


def test_one_file_per_month_from_2024_02_to_2026_10(files):
    months = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(2, 13)] + \
        [f"2026-{m:02d}" for m in range(2, 11)]
    assert list(files) == [f"industry_monthly_{p}.csv" for p in months]


def test_committed_files_are_what_the_generator_writes(files):
    want = monthly_sample.files(monthly_sample.generate(annual_sample.generate(), SAMPLE_DIR))
    assert list(want) == list(files)
    for name, df in want.items():
        pd.testing.assert_frame_equal(df.reset_index(drop=True), files[name], check_dtype=False,
                                      rtol=0, atol=1e-9)


@pytest.mark.parametrize("year", [2024, 2025])
def test_december_is_the_annual_table(monthly, year):
    annual = pd.read_csv(SAMPLE_DIR / "industry_annual.csv", dtype={"region_code": str})
    a = annual[annual["year"] == year].set_index("region_code")
    dec = monthly[monthly["period"] == f"{year}-12"].set_index("region_code")
    assert sorted(dec.index) == reference.region_codes()
    for col in ("energy_consumption", "feedstock_energy", "value_added_growth"):
        pd.testing.assert_series_equal(dec[col].sort_index(), a[col].sort_index(),
                                       check_names=False)


def test_province_is_the_sum_of_the_cities_and_cumulative_never_falls(monthly):
    for col in ("energy_consumption", "feedstock_energy", "electricity"):
        prov = monthly[monthly["region_code"] == "330000"].set_index("period")[col]
        cities = monthly[monthly["region_code"] != "330000"].groupby("period")[col].sum()
        assert (prov - cities).abs().max() < 0.01  # rounding of 11 two-decimal values
        s = monthly.sort_values("period").assign(year=monthly["period"].str[:4])
        assert (s.groupby(["region_code", "year"])[col].diff().dropna() > 0).all()


def test_spring_festival_dip(monthly):
    # 1–2月 covers two months but less than 2/12 of the year's energy
    hz = monthly[monthly["region_code"] == "330100"].set_index("period")["energy_consumption"]
    assert hz["2025-02"] / hz["2025-12"] < 2 / 12 * 0.92


def test_city_that_turns_red_and_recovers(barometer):
    _, energy = barometer
    story = energy.loc[monthly_sample.RED_THEN_RECOVER]
    assert story["2026-02"] == "green"
    assert list(story[["2026-05", "2026-06", "2026-07"]]) == ["red"] * 3
    assert "red" not in list(story[["2026-08", "2026-09", "2026-10"]])


def test_city_that_slides_from_green_to_yellow(barometer):
    _, energy = barometer
    story = energy.loc[monthly_sample.GREEN_TO_YELLOW]
    months = list(story.index)
    assert list(story[months[:5]]) == ["green"] * 5  # 1–2月 … 1–6月
    assert list(story[months[5:]]) == ["yellow"] * (len(months) - 5)  # 1–7月 …


def test_one_revised_month(files, barometer):
    region, revised, by = monthly_sample.REVISED
    first = files[f"industry_monthly_{revised}.csv"].set_index("region_code")
    again = files[f"industry_monthly_{by}.csv"]
    again = again[again["period"] == revised].set_index("region_code")
    assert sorted(again.index) == ["330000", region]
    assert again.at[region, "energy_consumption"] > first.at[region, "energy_consumption"]
    run, _ = barometer
    rev = pd.read_csv(run / "revisions.csv", dtype={"region_code": str})
    assert set(zip(rev["region_code"], rev["period"], rev["column"], strict=True)) == {
        (region, revised, "energy_consumption"), ("330000", revised, "energy_consumption")}
    assert set(rev["old_file"]) == {f"industry_monthly_{revised}.csv"}
    assert set(rev["new_file"]) == {f"industry_monthly_{by}.csv"}
