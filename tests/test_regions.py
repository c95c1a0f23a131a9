"""The region hierarchy of data/reference/regions.csv: province > municipalities > counties,
checked on load, and the rules built on it (who is reported on, province = Σ cities)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonpeak import hierarchy_sums, reference
from carbonpeak.errors import ConfigError
from carbonpeak.ingest import regionnames

# The county-level units of each city as the retired counties.csv listed them (city_code
# column), by the last two digits of their GB/T 2260 codes.
OLD_COUNTIES = {
    "330100": "02 05 06 08 09 10 11 12 13 14 22 27 82",
    "330200": "03 05 06 11 12 13 25 26 81 82",
    "330300": "02 03 04 05 24 26 27 28 29 81 82 83",
    "330400": "02 11 21 24 81 82 83",
    "330500": "02 03 21 22 23",
    "330600": "02 03 04 24 81 83",
    "330700": "02 03 23 26 27 81 82 83 84",
    "330800": "02 03 22 24 25 81",
    "330900": "02 03 21 22",
    "331000": "02 03 04 22 23 24 81 82 83",
    "331100": "02 21 22 23 24 25 26 27 81",
}


def _lines(ref_dir) -> list[str]:
    return (ref_dir / "regions.csv").read_text(encoding="utf-8").splitlines()


def _write(ref_dir, lines: list[str]) -> None:
    (ref_dir / "regions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _line_of(lines: list[str], code: str) -> int:
    """The 1-based line of a region's row, as an editor shows it."""
    return next(n for n, line in enumerate(lines, 1) if line.startswith(code + ","))


class TestTheHierarchy:
    def test_one_province_eleven_cities_ninety_counties(self):
        assert len(reference.hierarchy()) == 102
        assert reference.codes_at("province") == ["330000"] == [reference.province_code()]
        assert len(reference.codes_at("municipality")) == 11
        counties = [reference.region_name(c) for c in reference.codes_at("county")]
        assert len(counties) == 90
        # GB/T 2260: 37 districts, 20 county-level cities, 33 counties (景宁畲族自治县 included)
        assert sum(n.endswith("区") for n in counties) == 37
        assert sum(n.endswith("市") for n in counties) == 20
        assert sum(n.endswith("县") for n in counties) == 33

    def test_every_parent_is_one_level_up(self):
        assert reference.parent(reference.province_code()) is None
        for code in reference.hierarchy():
            if code == reference.province_code():
                continue
            up = reference.parent(code)
            assert (reference.LEVELS.index(reference.level(up))
                    == reference.LEVELS.index(reference.level(code)) - 1), code
            assert code in reference.children(up)

    def test_children_of_each_city_are_the_old_county_list(self):
        cities = reference.children(reference.province_code())
        assert cities == sorted(OLD_COUNTIES)
        for city, tails in OLD_COUNTIES.items():
            assert reference.children(city) == [city[:4] + t for t in tails.split()], city
            assert all(reference.level(c) == "county" for c in reference.children(city))

    def test_names_and_short_names(self):
        assert reference.region_name("330111") == "富阳区"
        assert reference.short_name("330111") == "富阳"
        assert reference.short_name("331127") == "景宁"  # 景宁畲族自治县
        assert reference.short_name("330100") == "杭州"
        with pytest.raises(KeyError, match="339999"):
            reference.level("339999")

    def test_the_chain_reports_on_the_province_and_its_cities(self):
        assert reference.REPORTED_LEVELS == ("province", "municipality")
        assert reference.region_codes() == [reference.province_code(),
                                            *reference.children(reference.province_code())]
        # a county resolves through the hierarchy to its city, not as a region of its own
        assert "富阳区" not in reference.region_lookup() and "330111" not in reference.region_lookup()
        assert regionnames.county_of("杭州市富阳区") == ("富阳区", "330100")
        assert regionnames.county_of("331127") == ("景宁畲族自治县", "331100")


class TestValidation:
    def test_unknown_level_names_row_and_column(self, ref_dir):
        lines = _lines(ref_dir)
        n = _line_of(lines, "330111")
        lines[n - 1] = lines[n - 1].replace(",county,", ",district,")
        _write(ref_dir, lines)
        with pytest.raises(ConfigError, match=rf"regions\.csv 第{n}行，level列：未知的层级「district」"):
            reference.hierarchy()

    def test_a_parent_that_does_not_exist(self, ref_dir):
        lines = _lines(ref_dir)
        n = _line_of(lines, "330205")
        lines[n - 1] = lines[n - 1].replace(",330200,", ",339900,")
        _write(ref_dir, lines)
        with pytest.raises(ConfigError, match=rf"第{n}行，parent_code列：上级地区「339900」不存在"):
            reference.region_codes()

    def test_a_parent_that_is_not_one_level_up(self, ref_dir):
        lines = _lines(ref_dir)
        n = _line_of(lines, "330902")
        lines[n - 1] = lines[n - 1].replace(",330900,", ",330000,")
        _write(ref_dir, lines)
        with pytest.raises(ConfigError, match=rf"第{n}行，parent_code列：county 330902 的上级应为 "
                                              "municipality，「330000」是 province"):
            reference.hierarchy()

    def test_a_duplicate_code(self, ref_dir):
        lines = _lines(ref_dir)
        first = _line_of(lines, "330483")
        lines.append(lines[first - 1])
        _write(ref_dir, lines)
        with pytest.raises(ConfigError, match=rf"第{len(lines)}行，region_code列：代码 330483 重复"
                                              rf"（第{first}行已有）"):
            reference.hierarchy()

    def test_the_province_has_no_parent_and_there_is_one(self, ref_dir):
        lines = _lines(ref_dir)
        n = _line_of(lines, "330000")
        original = lines[n - 1]
        lines[n - 1] = original.replace("province,,", "province,330100,")
        _write(ref_dir, lines)
        with pytest.raises(ConfigError, match=rf"第{n}行，parent_code列：province 330000"):
            reference.hierarchy()
        lines[n - 1] = original
        lines.append("340000,安徽省,安徽,province,,Anhui")
        _write(ref_dir, lines)
        with pytest.raises(ConfigError, match=rf"第{len(lines)}行，level列：应有且只有一个 province"):
            reference.hierarchy()

    def test_a_missing_column_names_the_header(self, ref_dir):
        lines = _lines(ref_dir)
        n = next(i for i, line in enumerate(lines, 1) if line.startswith("region_code,"))
        _write(ref_dir, [line.replace(",parent_code", ",parent") for line in lines])
        with pytest.raises(ConfigError, match=rf"第{n}行（表头）：缺少列 parent_code"):
            reference.hierarchy()

    def test_a_run_refuses_the_broken_file_before_any_kernel(self, ref_dir):
        lines = _lines(ref_dir)
        n = _line_of(lines, "330111")
        lines[n - 1] = lines[n - 1].replace(",county,", ",town,")
        _write(ref_dir, lines)
        with pytest.raises(ConfigError, match="regions.csv"):
            reference.LOADERS["regions.csv"]()


class TestCountsFollowTheFile:
    """Sentences and checks that say how many cities count them in regions.csv."""

    @pytest.fixture
    def ten_cities(self, ref_dir):
        lines = [line for line in _lines(ref_dir)
                 if not line.startswith("3311")]  # 丽水 and its counties
        _write(ref_dir, lines)

    def test_rank_and_sums_say_ten_without_lishui(self, ten_cities):
        from carbonpeak.quality import monthly
        from carbonpeak.quality.suites import derived_expectations
        from carbonpeak.report import narrative

        assert len(reference.children(reference.province_code())) == 10
        assert narrative.rank_phrase(10, 10, "330100") == "在10个设区市中居末位"
        assert narrative.rank_phrase(3, 9, "330100") == "在9个有数据的设区市中居第3位"
        titles = [e["meta"]["title_zh"] for e in derived_expectations("industry_annual")
                  if e["meta"]["id"].endswith("_province_sum")]
        assert titles and all("应等于10个设区市之和" in t for t in titles)
        df = pd.DataFrame({"region_code": ["330000"], "period": ["2026-10"],
                           "energy_consumption": [1.0], "_source_file": ["m.csv"],
                           "_source_row": [2]})
        _, summary = monthly.run({"industry_monthly": df}, {})
        [row] = [s for s in summary if s["check"] == "monthly_province_sum"]
        assert row["title_zh"] == "全省1—N月数据等于10个设区市之和"

    def test_the_sample_count_is_eleven(self):
        from carbonpeak.report import narrative

        assert narrative.rank_phrase(11, 11, "330100") == "在11个设区市中居末位"
        assert narrative.rank_phrase(10, 11, "330100") == "在11个设区市中居第10位"

    def test_an_edited_county_is_read_again(self, ref_dir):
        lines = _lines(ref_dir)
        n = _line_of(lines, "330111")
        lines[n - 1] = lines[n - 1].replace("富阳区,富阳,", "富春区,富春,")
        _write(ref_dir, lines)
        assert regionnames.county_of("杭州市富春区") == ("富春区", "330100")
        assert regionnames.county_of("富阳区") is None


class TestProvinceEqualsSumOfCities:
    def _frame(self):
        cities = reference.children(reference.province_code())
        rows = [{"region_code": c, "year": y, "v": float(i + 1) * (y - 2020)}
                for i, c in enumerate(cities) for y in (2021, 2022)]
        rows += [{"region_code": "330000", "year": 2021, "v": 66.0 * 1.004},
                 {"region_code": "330000", "year": 2022, "v": 132.0 * 1.01},
                 {"region_code": "330111", "year": 2021, "v": 1e6}]  # a county: not summed
        return pd.DataFrame(rows)

    def test_child_sums_count_the_province_children_only(self):
        sums = hierarchy_sums.child_sums(self._frame(), ["v"], ["year"])
        # Σ 1..11 = 66 in 2021 and twice that in 2022; the county row is not a child
        assert sums.loc[2021, "v"] == 66.0 and sums.loc[2022, "v"] == 132.0
        assert list(sums["_children"]) == [11, 11]

    def test_parent_gap_on_the_province_rows(self):
        df = self._frame()
        gap = hierarchy_sums.parent_gap(df, "v", ["year"])
        prov = df["region_code"] == "330000"
        assert gap[prov].tolist() == pytest.approx([0.004, 0.01])
        assert gap[~prov].isna().all()
        present = pd.Series(df["region_code"] != "330100", index=df.index)  # 杭州 missing
        gap = hierarchy_sums.parent_gap(df, "v", ["year"], rows=present)
        assert gap[prov].tolist() == pytest.approx([66 * 1.004 / 65 - 1, 132 * 1.01 / 130 - 1])

    def test_off_by_more_than_the_tolerance(self):
        assert hierarchy_sums.TOLERANCE == 0.005
        assert not hierarchy_sums.off(100.4, 100.0) and hierarchy_sums.off(100.6, 100.0)
        assert hierarchy_sums.off(1.0, 0.0) and not hierarchy_sums.off(0.0, 0.0)
        assert not hierarchy_sums.off(101.9, 100.0, 0.02) and hierarchy_sums.off(102.1, 100.0, 0.02)
        assert np.isnan(hierarchy_sums.parent_gap(
            pd.DataFrame({"region_code": ["330000"], "v": [1.0]}), "v", []).iloc[0])
