"""The shipped sample data is what the generator makes, and tells the intended stories."""

import pytest

from carbonpeak import sample
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
