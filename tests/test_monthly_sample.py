"""The shipped monthly sample: adds up to the annual table, and tells its planted stories;
its county rows add up to their cities and tell theirs."""


import pandas as pd
import pytest

from carbonpeak import ingest, reference
from carbonpeak.barometer import run_barometer
from carbonpeak.paths import SAMPLE_DIR
from tools import sample as annual_sample
from tools import sample_counties
from tools import sample_monthly as monthly_sample
from tools import sample_monthly_counties as county_sample


@pytest.fixture(scope="module")
def files() -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_csv(p, dtype={"region_code": str})
            for p in sorted(SAMPLE_DIR.glob("industry_monthly_2*.csv"))}


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


@pytest.fixture(scope="module")
def county_files() -> dict[str, pd.DataFrame]:
    return {p.name: pd.read_csv(p, dtype={"region_code": str})
            for p in sorted(SAMPLE_DIR.glob(f"{county_sample.PREFIX}*.csv"))}


@pytest.fixture(scope="module")
def counties(county_files) -> pd.DataFrame:
    return pd.concat(list(county_files.values()), ignore_index=True)


def test_county_files_are_what_the_generator_writes(files, county_files):
    headline = annual_sample.generate()
    monthly = monthly_sample.generate(headline, SAMPLE_DIR)
    want = county_sample.generate(monthly, sample_counties.split(headline))
    assert list(county_files) == [f"{county_sample.PREFIX}{p}.csv"
                                  for p in sorted({n.split("_")[-1][:7] for n in files})]
    got = pd.concat(list(county_files.values()), ignore_index=True)
    pd.testing.assert_frame_equal(want.sort_values(["period", "region_code"]).reset_index(
        drop=True), got.sort_values(["period", "region_code"]).reset_index(drop=True),
        check_dtype=False, rtol=0, atol=1e-9)


def test_every_county_every_month_adding_up_to_its_city(monthly, counties):
    assert counties.groupby("period")["region_code"].nunique().eq(90).all()
    city = counties["region_code"].map(reference.parent)
    for col in ("energy_consumption", "feedstock_energy", "electricity"):
        sums = counties.groupby([city, counties["period"]])[col].sum()
        own = monthly.set_index(["region_code", "period"])[col].reindex(sums.index)
        assert (sums - own).abs().max() < 0.005  # exact to the two decimals delivered


@pytest.mark.parametrize("year", [2024, 2025])
def test_county_december_is_its_annual_row(counties, year):
    annual = pd.read_csv(SAMPLE_DIR / "industry_annual_county.csv", dtype={"region_code": str})
    a = annual[annual["year"] == year].set_index("region_code")
    dec = counties[counties["period"] == f"{year}-12"].set_index("region_code")
    for col in ("energy_consumption", "value_added_growth"):
        assert (dec[col] - a[col].reindex(dec.index)).abs().max() < 0.06, col


def _change(rows: pd.DataFrame, code: str, period: str) -> float:
    """% change of 1–N月 intensity on the same period last year, by hand (docs/monitoring.md):
    [E(t) / E(t−1y)] / (1 + g/100) − 1, E = 综合能源消费量 − 原料用能."""
    r = rows.set_index(["region_code", "period"])
    now, last = r.loc[(code, period)], r.loc[(code, f"{int(period[:4]) - 1}{period[4:]}")]
    e_now = now["energy_consumption"] - now["feedstock_energy"]
    e_last = last["energy_consumption"] - last["feedstock_energy"]
    return 100 * (e_now / e_last / (1 + now["value_added_growth"] / 100) - 1)


def test_a_district_in_red_while_its_city_is_green(barometer, counties):
    run, energy = barometer
    xiaoshan = "330109"
    assert energy.at[xiaoshan, "2026-10"] == "red"
    assert energy.at["330100", "2026-10"] == "green"
    bar = pd.read_csv(run / "barometer.csv", dtype={"region_code": str}).set_index(
        ["region_code", "indicator_id"])
    for code in (xiaoshan, "330102", "331127"):
        row = bar.loc[(code, "energy_intensity")]
        assert row["value"] == pytest.approx(_change(counties, code, "2026-10"), abs=1e-9)
        # no target of its own: its city's, and the brief says so
        assert row["annual_target"] == bar.loc[(reference.parent(code), "energy_intensity"),
                                               "annual_target"]
        assert row["target_source_zh"].startswith("采用所属设区市目标")
    assert _change(counties, xiaoshan, "2026-10") > 0 > _change(counties, "330102", "2026-10")
    # a county has no carbon budget: its total is not rated, for that reason
    assert bar.loc[(xiaoshan, "co2_total"), "status"] == "not_rated"
    assert bar.loc[(xiaoshan, "co2_total"), "status_reason"] == "no_target"
