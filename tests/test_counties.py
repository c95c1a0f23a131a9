"""The county level: county rows as bureaus deliver them, Σ counties = city, county targets,
county indicators recomputed by hand from the county rows, the run's selection of regions,
and each county's firms in its own file only."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from carbonpeak import errors, reference
from carbonpeak.paths import REFERENCE_DIR, SAMPLE_DIR
from carbonpeak.run.selection import select

COUNTY_FILE = "industry_annual_county.csv"
ADDITIVE = ["value_added", "energy_consumption", "feedstock_energy"]


def _regions() -> dict[str, dict]:
    """regions.csv read here with the csv module, not through the package."""
    with (REFERENCE_DIR / "regions.csv").open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["region_code"]: r for r in rows}


def _county_rows() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / COUNTY_FILE, dtype={"region_code": str})


def _reduction(rows: pd.DataFrame, year: int, base: int = 2020) -> float:
    """The documented formula: intensity = (energy − feedstock) ÷ comparable value added,
    comparable VA chained from the base year's current-price VA by the comparable growth."""
    g = rows.set_index("year").sort_index()
    va = float(g.at[base, "value_added"])
    for y in range(base + 1, year + 1):
        va *= 1 + float(g.at[y, "value_added_growth"]) / 100
    i_now = (g.at[year, "energy_consumption"] - g.at[year, "feedstock_energy"]) / va
    i_base = (g.at[base, "energy_consumption"] - g.at[base, "feedstock_energy"]) \
        / g.at[base, "value_added"]
    return (1 - i_now / i_base) * 100


def test_the_sample_counties_add_up_to_their_cities():
    regions = _regions()
    counties = _county_rows()
    cities = pd.read_csv(SAMPLE_DIR / "industry_annual.csv", dtype={"region_code": str})
    counties["city"] = counties["region_code"].map(lambda c: regions[c]["parent_code"])
    assert set(counties["region_code"]) == {c for c, r in regions.items()
                                            if r["level"] == "county"}
    sums = counties.groupby(["city", "year"])[ADDITIVE].sum()
    own = cities.set_index(["region_code", "year"])[ADDITIVE].reindex(sums.index)
    assert ((sums / own - 1).abs() <= 0.005).all().all()


class TestCountyIndicators:
    def test_headline_figures_equal_a_recomputation_from_the_county_rows(self, clean_run):
        ind = pd.read_csv(clean_run / "indicators.csv", dtype={"region_code": str})
        rows = _county_rows()
        mine = ind[ind["indicator_id"] == "energy_intensity_reduction"].set_index("region_code")
        for code, grp in rows.groupby("region_code"):
            assert mine.at[code, "value"] == pytest.approx(_reduction(grp, 2025), abs=1e-9)

    def test_a_district_behind_while_its_city_is_ahead(self, clean_run):
        ind = pd.read_csv(clean_run / "indicators.csv", dtype={"region_code": str})
        e = ind[ind["indicator_id"] == "energy_intensity_reduction"].set_index("region_code")
        assert e.at["330100", "status"] == "green"
        # 萧山区: its own (illustrative) target of 17 % from county_targets.csv; 4.8 % < 17 %
        assert e.at["330109", "target_value"] == 17
        assert e.at["330109", "status"] == "yellow"
        assert e.at["330109", "rank"] == 13 and e.at["330109", "rank_of"] == 13
        # 上城区 has no target of its own: 杭州's, which is the province's 16 %
        assert e.at["330102", "target_value"] == 16
        assert e.at["330102", "target_source_zh"].startswith("采用所属设区市目标")
        # ranks are among the city's counties: 宁波's 10 counties rank 1..10
        nb = e[e.index.str.startswith("3302") & (e.index != "330200")]
        assert sorted(nb["rank"].astype(int)) == list(range(1, 11))

    def test_indicators_without_county_data_are_not_provided_not_failed(self, clean_run):
        ind = pd.read_csv(clean_run / "indicators.csv", dtype={"region_code": str})
        county = ind[ind["region_code"] == "330109"].set_index("indicator_id")
        assert county.at["co2_intensity_reduction", "status_reason"] == "not_provided"
        assert county.at["steel_benchmark_share", "status_reason"] == "not_provided"
        assert (county["quality_verdict"] == "pass").all()
        # counts from the lists, placed by county: 萧山's green factories since 2021
        gm = pd.read_csv(SAMPLE_DIR / "green_manufacturing.csv", dtype=str)
        mine = gm[(gm["region_code"] == "330100") & (gm["county"] == "萧山区")
                  & (gm["kind"] == "factory") & (gm["year"].astype(int) > 2020)]
        assert county.at["green_factories", "value"] == len(mine)
        assert county.at["green_factories", "status_reason"] == "no_local_target"

    def test_the_city_rows_are_those_of_a_run_without_counties(self, clean_run, tmp_path,
                                                               run_planted):
        data = tmp_path / "data"
        shutil.copytree(SAMPLE_DIR, data)
        (data / COUNTY_FILE).unlink()
        run_planted(data, tmp_path / "run")
        without = pd.read_csv(tmp_path / "run" / "indicators.csv", dtype=str)
        full = pd.read_csv(clean_run / "indicators.csv", dtype=str)
        full = full[full["region_code"].isin(reference.region_codes())]
        pd.testing.assert_frame_equal(without.reset_index(drop=True),
                                      full.reset_index(drop=True))


def _findings(run: Path, table: str = "industry_annual_county") -> list[dict]:
    results = json.loads((run / "quality" / "results.json").read_text(encoding="utf-8"))
    return [f for f in results["findings"] if f["table"] == table]


class TestCountyDeliveries:
    def test_counties_that_do_not_add_up_to_their_city_are_an_error(self, tmp_path,
                                                                    run_planted):
        data = tmp_path / "data"
        shutil.copytree(SAMPLE_DIR, data)
        df = _county_rows()
        hit = (df["region_code"] == "330111") & (df["year"] == 2025)
        df.loc[hit, "energy_consumption"] *= 1.5
        df.to_csv(data / COUNTY_FILE, index=False)
        run_planted(data, tmp_path / "run")
        sums = [f for f in _findings(tmp_path / "run")
                if f["check"] == "energy_consumption_parent_sum"]
        assert sums and all(f["severity"] == "error" for f in sums)
        assert "杭州市" in sums[0]["message"] and "富阳" in sums[0]["message"]
        assert {f["region_code"] for f in sums} == set(reference.children("330100"))
        ind = pd.read_csv(tmp_path / "run" / "indicators.csv", dtype={"region_code": str})
        e = ind[ind["indicator_id"] == "energy_intensity_reduction"].set_index("region_code")
        assert e.at["330111", "status_reason"] == "failed_quality"
        assert e.at["330100", "status"] == "green"  # the city itself is not touched
        assert e.at["330211", "status"] != "not_rated"  # nor another city's counties

    def test_per_city_files_with_a_total_row_and_a_stray_county(self, tmp_path, run_planted):
        data = tmp_path / "data"
        shutil.copytree(SAMPLE_DIR, data)
        df = _county_rows()
        (data / COUNTY_FILE).unlink()
        names = {c: r["name"] for c, r in _regions().items()}
        for city, name in (("330100", "杭州市"), ("330200", "宁波市")):
            part = df[df["region_code"].map(lambda c, city=city: c[:4] == city[:4])].copy()
            part["region_code"] = part["region_code"].map(names)  # written by name
            total = part.groupby("year", as_index=False)[ADDITIVE].sum()
            total["region_code"] = "合计"
            out = pd.concat([part, total])
            if city == "330100":  # a 宁波 county in 杭州's file
                stray = df[(df["region_code"] == "330211")].head(1).copy()
                stray["region_code"] = "镇海区"
                stray["year"] = 2015
                out = pd.concat([out, stray])
            out.rename(columns={"region_code": "县（市、区）"}).to_csv(
                data / f"{name}各区县规上工业主要指标.csv", index=False)
        run_planted(data, tmp_path / "run")
        found = _findings(tmp_path / "run")
        wrong = [f for f in found if f["check"] == "county_wrong_city"]
        assert len(wrong) == 1 and "镇海区属于宁波市，不属于本文件的杭州市" in wrong[0]["message"]
        assert wrong[0]["file"] == "杭州市各区县规上工业主要指标.csv"
        assert not [f for f in found if f["severity"] == "error" and f is not wrong[0]]
        wh = pd.read_parquet(tmp_path / "run" / "warehouse" / "industry_annual_county.parquet")
        assert set(wh["region_code"]) == {*reference.children("330100"),
                                          *reference.children("330200")}

    def test_an_unknown_county_and_two_files_that_disagree(self, tmp_path, run_planted):
        data = tmp_path / "data"
        shutil.copytree(SAMPLE_DIR, data)
        df = _county_rows()
        bad = df.head(1).copy()
        bad["region_code"] = "330199"
        pd.concat([df, bad]).to_csv(data / COUNTY_FILE, index=False)
        again = df[df["region_code"] == "330109"].copy()
        again.loc[again["year"] == 2025, "energy_consumption"] += 1.0
        same = df[df["region_code"] == "330110"]
        pd.concat([again, same]).to_csv(data / "industry_annual_county_2.csv", index=False)
        run_planted(data, tmp_path / "run")
        found = _findings(tmp_path / "run")
        unknown = [f for f in found if f["check"] == "unknown_county"]
        assert len(unknown) == 1 and "330199" in unknown[0]["message"]
        clash = [f for f in found if f["check"] == "county_conflict" and f["severity"] == "error"]
        assert [f["region_code"] for f in clash] == ["330109"]
        assert COUNTY_FILE in clash[0]["message"] and "industry_annual_county_2.csv" in \
            clash[0]["message"]
        twice = [f for f in found if f["check"] == "county_conflict"
                 and f["severity"] == "warning"]
        # the same rows delivered twice are a warning (萧山's other years too), not a conflict
        assert {f["region_code"] for f in twice} == {"330109", "330110"}
        assert not [f for f in twice if "2025年" in f["message"] and f["region_code"] == "330109"]
        ind = pd.read_csv(tmp_path / "run" / "indicators.csv", dtype={"region_code": str})
        e = ind[ind["indicator_id"] == "energy_intensity_reduction"].set_index("region_code")
        assert e.at["330109", "status_reason"] == "failed_quality"
        assert e.at["330110", "status"] == "green"


class TestSelection:
    def test_levels_and_cities_with_their_counties(self):
        assert select("all", None, False) == reference.region_codes()
        assert len(select("all", None, True)) == 102
        assert select("all", "city", True) == reference.region_codes()
        assert len(select("all", "county", False)) == 90
        got = select("330109,330100+", None, True)
        assert got[0] == "330100" and got[1:] == reference.children("330100")

    @pytest.mark.parametrize("regions,level", [("339999", None), ("330100,33010", None),
                                               ("all", "town")])
    def test_unknown_codes_and_levels_are_refused(self, regions, level):
        with pytest.raises(errors.RunError, match="--regions|--level"):
            select(regions, level, True)


def test_each_county_file_holds_its_own_firms_only(clean_run):
    """Three levels: a county's enterprise file holds only firms whose county column (or,
    without one, credit-code area) is that county; its city's file holds them too; no firm
    is in two sibling counties' files."""
    regions = _regions()
    by_name = {(r["parent_code"], r["name"]): c for c, r in regions.items()
               if r["level"] == "county"}
    firms = pd.read_csv(SAMPLE_DIR / "enterprises.csv", dtype=str)
    firms["placed"] = [by_name.get((city, county)) for city, county
                       in zip(firms["region_code"], firms["county"], strict=True)]
    folder = clean_run / "enterprise"
    seen: dict[str, str] = {}
    counties = [p for p in folder.glob("*.parquet") if regions[p.stem]["level"] == "county"]
    assert counties
    for path in counties:
        code = path.stem
        names = set(pd.read_parquet(path)["name"])
        expected = set(firms.loc[firms["placed"] == code, "name"])
        assert names == expected
        city = set(pd.read_parquet(folder / f"{regions[code]['parent_code']}.parquet")["name"])
        assert names <= city
        for n in names:
            assert seen.setdefault(n, code) == code
