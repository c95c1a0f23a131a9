"""The shipped sample data is what the generator makes, and tells the intended stories."""

import pandas as pd
import pytest

from tools import sample
from carbonpeak.indicators.intensity import energy_intensity
from carbonpeak.paths import SAMPLE_DIR


def test_committed_sample_is_reproducible(tmp_path):
    sample.write(tmp_path)
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), path.name


def test_shape_and_magnitudes():
    df = sample.generate()
    assert df.groupby("region_code").size().to_dict() == dict.fromkeys(
        ["330000", *sample.OUTPUT_2020], 10)
    prov = df[(df.region_code == "330000") & (df.year == 2020)].iloc[0]
    assert prov["value_added"] == pytest.approx(16700, rel=0.001)


def test_province_is_sum_of_cities():
    df = sample.generate()
    cities = df[df.region_code != "330000"].groupby("year").sum(numeric_only=True)
    prov = df[df.region_code == "330000"].set_index("year")
    for col in ("value_added", "energy_consumption", "feedstock_energy"):
        assert (prov[col] - cities[col]).abs().max() < 0.05, col


def test_stories_ahead_behind_and_rising():
    it = energy_intensity(sample.generate(), 2020).set_index(["region_code", "year"])["intensity"]
    red = 1 - it.xs(2025, level="year") / it.xs(2020, level="year")
    assert red["330900"] < 0  # 舟山 rose
    assert (it["330800"][2021] > it["330800"][2020])  # 衢州 rose in 2021 only
    assert (red > 0.16).sum() >= 3 and ((red > 0) & (red < 0.16)).sum() >= 3
    # a year where nominal value added falls while real value added rises
    z = sample.generate().query("region_code == '330900'").set_index("year")
    assert z.at[2023, "value_added"] < z.at[2022, "value_added"]
    assert z.at[2023, "value_added_growth"] > 0


def test_detail_tables_add_up_to_the_headline():
    head = sample.generate().set_index(["region_code", "year"])
    detail = sample.detail_tables(sample.generate())
    va = detail["sector_value_added"].groupby(["region_code", "year"])["value_added"].sum()
    assert ((va / head["value_added"].reindex(va.index) - 1).abs() < 0.001).all()
    e = detail["energy_by_fuel"].groupby(["region_code", "year"])["energy"].sum()
    assert ((e / head["energy_consumption"].reindex(e.index) - 1).abs() < 0.001).all()
    firms = detail["enterprises"]
    from carbonpeak.methods.credit_code import is_valid_credit_code

    assert firms["credit_code"].map(is_valid_credit_code).all()
    assert set(detail["retrofit_projects"]["credit_code"]) <= set(firms["credit_code"])


@pytest.fixture(scope="module")
def detail():
    return sample.detail_tables(sample.generate())


def test_planted_peak_shapes(detail):
    from carbonpeak.indicators.emissions import co2_series, peak_outlook

    outlook, _ = peak_outlook(co2_series({"energy_by_fuel": detail["energy_by_fuel"]}), 2025)
    cls = outlook.set_index("region_code")["classification"]
    assert cls["331100"] == "peaked"  # 丽水: high point 2021-22, old capacity shut in 2023
    assert cls["330800"] == "plateau"  # 衢州: rose in 2021, flat since
    assert cls["330900"] == "rising" and cls["330000"] == "rising"  # 舟山's refinery
    assert (cls == "rising").sum() >= 8  # most cities still rising, as in the province


def _key_sectors_2025(detail, code):
    e = detail["energy_by_fuel"].query("region_code == @code")
    e = e.groupby(["year", "sector"])["energy"].sum()
    va = detail["sector_value_added"].query("region_code == @code")
    va = va.set_index(["year", "sector"])["value_added"]
    intensity = (e / va).drop("other", level="sector")
    now, base = intensity.xs(2025), intensity.xs(2020)
    share = e.xs(2025).drop("other")
    return now.round(3), (100 * (now / base - 1)).round(1), (100 * share / share.sum()).round(1)


def test_sector_figures_differ_within_each_city(detail):
    # two sectors given the same round share and the same drift used to show identical
    # intensities and changes (杭州: 118.3 万tce three times, −20.5 % five times)
    for code in sample.OUTPUT_2020:
        for name, figures in zip(("intensity", "change", "share"),
                                 _key_sectors_2025(detail, code), strict=True):
            assert not figures.duplicated().any(), (code, name, figures.to_dict())
    _, change, _ = _key_sectors_2025(detail, "330100")
    assert change.max() - change.min() > 5  # sectors save energy at their own pace


def test_city_shares_of_provincial_programmes_differ(detail):
    # the report notes each city's share of a provincial total (占全省x%); all were the
    # city's size, so 杭州 read 占全省19.5% three times
    m = detail["region_metrics"].query("year == 2025").pivot(
        index="region_code", columns="metric", values="value")
    cum = detail["region_metrics"].query("metric == 'distributed_pv_added'").groupby(
        "region_code")["value"].sum()
    proj = detail["retrofit_projects"]
    key = proj[proj["level"] == "provincial_key"].groupby("region_code").size()
    factories = detail["green_manufacturing"].query("kind == 'factory'").groupby(
        "region_code").size()
    shares = {
        "pv": cum.drop("330000") / cum["330000"],
        "building_pv": m["building_materials_pv"].drop("330000")
        / m.at["330000", "building_materials_pv"],
        "key_projects": key / key.sum(),
        "factories": factories / factories.sum(),
        "projects": proj.groupby("region_code").size() / len(proj),
    }
    table = (100 * pd.DataFrame(shares)).round(1)
    for code, row in table.iterrows():  # a small city may repeat a share once, by chance
        assert row.value_counts().max() <= 2, (code, row.to_dict())
    for a in table:
        for b in table:
            if a < b:  # no programme is spread across the cities like another
                assert (table[a] == table[b]).sum() <= 1, (a, b)


def test_benchmark_shares_differ_from_the_overall_share(detail):
    cap = detail["capacity"].query("year == 2025")

    def share(c):
        g = c.groupby("region_code")[["capacity_benchmark", "capacity_total"]].sum()
        return (100 * g["capacity_benchmark"] / g["capacity_total"]).round(1)

    overall = share(cap)
    for sector in ("building_materials", "chemical"):
        by_sector = share(cap[cap["sector"] == sector])
        same = overall.reindex(by_sector.index) == by_sector
        assert not same.any(), (sector, list(by_sector[same].index))
    assert share(cap.assign(region_code="330000")).iloc[0] != 50.0  # not on the target


def test_headline_magnitudes_stay_put():
    # other work is calibrated on these levels (万吨标准煤, 2025): keep them within ±3 %
    e = sample.generate().set_index(["region_code", "year"])["energy_consumption"]
    assert e["330000", 2025] == pytest.approx(13357, rel=0.03)
    assert e["331100", 2025] == pytest.approx(161.2, rel=0.03)
