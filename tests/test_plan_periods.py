"""Plan periods: a reporting year evaluates the indicators of its own five-year plan period
(十四五 2021–2025, 十五五 2026–2030); the target year's report is the final evaluation
(终期评估: met / not met); a 2026 run grades against 十五五 with baseline 2025."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from carbonpeak import reference
from carbonpeak.errors import ConfigError
from carbonpeak.indicators import grading
from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.report import front, narrative, overview
from carbonpeak.report import load as load_context
from carbonpeak.report.appendix import methodology_view
from carbonpeak.report.next_steps import next_steps, next_view

HANGZHOU, WENZHOU, NINGBO = "330100", "330300", "330200"
ENERGY_GROWTH = {WENZHOU: 1.10}  # energy use 2026 on 2025; every other city +1 %
VA_GROWTH = 6.0  # comparable-price growth of value added in 2026, every region


# --- the catalog ------------------------------------------------------------------------

def test_every_indicator_names_a_known_plan_period():
    known = {p["id"] for p in reference.plan_periods()}
    for ind, e in reference.catalog().items():
        assert set(reference.entry_periods(e)) <= known and reference.entry_periods(e), ind


def test_a_year_picks_the_indicators_of_its_period():
    assert reference.plan_period_for(2025)["name_zh"] == "十四五"
    assert reference.plan_period_for(2026)["name_zh"] == "十五五"
    now, later = reference.catalog_for(2025), reference.catalog_for(2026)
    assert "energy_intensity_reduction" in now and "energy_intensity_reduction" not in later
    assert "energy_intensity_reduction_15th" in later
    assert later["energy_intensity_reduction_15th"]["baseline_year"] == 2025
    # the peak outlook spans both periods
    assert "industrial_co2_peak" in now and "industrial_co2_peak" in later


def test_an_unknown_plan_period_is_a_clear_error_naming_the_entry(tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    shutil.copytree(reference.REFERENCE_DIR, ref)
    path = ref / "indicators.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  plan_period: 14th\n", "  plan_period: 16th\n", 1),
                    encoding="utf-8")
    monkeypatch.setattr(reference, "REFERENCE_DIR", ref)
    reference.catalog.cache_clear()
    try:
        with pytest.raises(ConfigError, match="energy_intensity_reduction.*16th"):
            reference.catalog()
    finally:
        reference.catalog.cache_clear()


def test_shipped_15th_targets_are_marked_illustrative():
    rows = reference.plan_targets()
    assert rows and all(r["illustrative"] for r in rows.values())
    assert all("示例值" in r["source_zh"] for r in rows.values())


def test_15th_pace_uses_baseline_2025():
    # 13.5 % over 2025→2030, geometric: after one year 1 − 0.865^(1/5) = 2.8589 %
    assert grading.required_value("intensity_reduction", 13.5, 2026, 2025, 2030) == \
        pytest.approx(2.8589, abs=1e-4)
    assert grading.required_value("intensity_reduction", 13.5, 2030, 2025, 2030) == \
        pytest.approx(13.5)


# --- 2025: the 十四五 final evaluation -----------------------------------------------------

@pytest.fixture(scope="module")
def run_2025(clean_run) -> Path:
    return clean_run  # stages 01–03 on the sample for 2025, shared by the session


def test_the_2025_report_reads_as_a_final_evaluation(run_2025):
    ctx = load_context(run_2025, HANGZHOU, 2025)
    assert narrative.is_final(ctx)
    assert front.title(ctx) == "杭州市工业领域碳达峰“十四五”终期评估报告（2025年）"
    cover = front.cover_view(ctx)
    assert "终期评估" in cover["kicker"] and "终期评估" in cover["period"]

    msgs = narrative.key_messages(ctx)
    assert "本报告为终期评估" in msgs[0]
    ind = ctx.indicators.set_index("indicator_id")
    due = ind[ind["target_year"] == 2025]
    met = int((due["status"] == "green").sum())
    unmet = int(due["status"].isin(["yellow", "red"]).sum())
    assert f"已完成{met}项，未完成{unmet}项" in msgs[0]
    # no "on pace" wording for targets that fell due
    assert not any("落后于序时进度" in m for m in msgs)

    view = overview.overview_view(ctx)
    assert view["final"]
    words = {r["name"]: r["word"] for r in view["rows"] if "name" in r}
    energy = reference.catalog()["energy_intensity_reduction"]["name_zh"]
    assert words[energy] == ("已完成" if ind.at["energy_intensity_reduction", "status"] == "green"
                             else "未完成")
    # the stretch target (力争18%) is judged separately: met or not met
    stretch = next(r["stretch"] for r in view["rows"] if r.get("name") == energy)
    met18 = ind.at["energy_intensity_reduction", "value"] >= 18
    assert stretch == "力争18.0%" + ("，已完成" if met18 else "，未完成")
    # the peak outlook (target 2030) is not due: it keeps its judgement wording
    peak = reference.catalog()["industrial_co2_peak"]["name_zh"]
    assert words[peak] not in ("已完成", "未完成")

    sentences = narrative.summary_sentences(ctx)
    assert "“十四五”目标年" in sentences[0]
    for s in sentences:
        if "能耗下降" in s and "20" in s:
            assert "序时进度" not in s


def test_final_evaluation_next_steps_point_to_the_next_period(run_2025):
    ctx = load_context(run_2025, NINGBO, 2025)
    view = next_view(ctx)
    assert view["final"] and view["next_period"]["name_zh"] == "十五五"
    later = {s["name"]: s for s in view["successors"]}
    s = later["单位工业增加值能耗下降（十五五）"]
    # Ningbo's illustrative row in plan_targets.csv: 14 %, stretch 15 %
    # and the first year on the target path: 1 − (1 − 14 %)^(1/5) = 2.97 % -> 3.0%
    assert s["goal"] == "，2030年较2025年下降14.0%，力争15.0%，2026年（首年）需较2025年下降3.0%"
    assert s["illustrative"] and "示例值" in s["source"]
    html = str(next_steps(ctx))
    assert "十五五（2026—2030年）继续考核的目标" in html
    assert "<strong>示例值（非正式文件）</strong>" in html  # marked once, visibly


def test_intermediate_years_keep_pace_wording(tmp_path):
    from test_report_fixtures import make_run_dir

    ctx = load_context(make_run_dir(tmp_path / "2024", 2024), HANGZHOU, 2024)
    assert not narrative.is_final(ctx)
    assert front.title(ctx) == "杭州市工业领域碳达峰进度报告（2024年）"
    assert front.cover_view(ctx)["period"] == "“十四五”第4年"
    s = " ".join(narrative.summary_sentences(ctx))
    assert "达到序时进度（绿灯）" in s and "终期评估" not in s and "已完成" not in s
    view = overview.overview_view(ctx)
    assert not view["final"]
    assert view["words"]["required"] == "序时进度要求"  # the progress year's table of words
    table = str(overview.headline_table(ctx))
    assert "序时进度要求为按计划进度本年度应达到的水平" in table and "目标要求" not in table
    assert {r["word"] for r in view["rows"] if r.get("status") == "green"} == {"达到进度"}


# --- 2026: an annual run graded against 十五五 -------------------------------------------

def _with_2026(src: Path, dst: Path) -> Path:
    """The sample with a 2026 year added: every city's energy +1 % on 2025 (Wenzhou +10 %),
    value added +6 % at comparable prices; the province row moves by the cities' changes."""
    shutil.copytree(src, dst)
    ia = pd.read_csv(dst / "industry_annual.csv", dtype={"region_code": str})
    last = ia[ia["year"] == 2025].set_index("region_code")
    new = last.copy()
    for code in new.index:
        if code == reference.province_code():
            continue
        f = ENERGY_GROWTH.get(code, 1.01)
        new.loc[code, ["energy_consumption", "feedstock_energy"]] *= f
    cities = new.index != reference.province_code()
    for col in ("energy_consumption", "feedstock_energy"):
        delta = (new.loc[cities, col] - last.loc[cities, col]).sum()
        new.loc[reference.province_code(), col] = last.loc[reference.province_code(), col] + delta
    new["value_added"] = new["value_added"] * (1 + VA_GROWTH / 100)
    new["value_added_growth"] = VA_GROWTH
    new["year"] = 2026
    pd.concat([ia, new.reset_index()[ia.columns]]).to_csv(dst / "industry_annual.csv",
                                                         index=False)
    ef = pd.read_csv(dst / "energy_by_fuel.csv", dtype={"region_code": str})
    e26 = ef[ef["year"] == 2025].copy()
    e26["energy"] = e26["energy"] * e26["region_code"].map(
        lambda c: ENERGY_GROWTH.get(c, 1.01))
    e26["year"] = 2026
    pd.concat([ef, e26]).to_csv(dst / "energy_by_fuel.csv", index=False)
    sv = pd.read_csv(dst / "sector_value_added.csv", dtype={"region_code": str})
    s26 = sv[sv["year"] == 2025].copy()
    s26["value_added"] *= 1 + VA_GROWTH / 100
    s26["value_added_growth"] = VA_GROWTH
    s26["year"] = 2026
    pd.concat([sv, s26]).to_csv(dst / "sector_value_added.csv", index=False)
    return dst


@pytest.fixture(scope="module")
def run_2026(tmp_path_factory, run_planted) -> Path:
    """Stages 01–03 for 2026; ingest re-reads the three tables _with_2026 extends."""
    base = tmp_path_factory.mktemp("data2026")
    data = _with_2026(SAMPLE_DIR, base / "data")
    run = tmp_path_factory.mktemp("run2026")
    assert run_planted(data, run, 2026) == {
        "industry_annual", "energy_by_fuel", "sector_value_added"}
    return run


@pytest.fixture(scope="module")
def ind_2026(run_2026) -> pd.DataFrame:
    return pd.read_csv(run_2026 / "indicators.csv", dtype={"region_code": str})


def test_a_2026_run_grades_against_the_15th_period(ind_2026):
    assert set(ind_2026["indicator_id"]) == set(reference.catalog_for(2026))
    assert set(ind_2026["plan_period"]) == {"15th"}
    r = ind_2026.set_index(["region_code", "indicator_id"])
    hz = r.loc[(HANGZHOU, "energy_intensity_reduction_15th")]
    assert hz["baseline_year"] == 2025 and hz["target_year"] == 2030
    # by hand: energy (net of feedstock) ×1.01, comparable value added ×1.06:
    # I(2026)/I(2025) = 1.01/1.06, reduction = 1 − 1.01/1.06 = 4.7170 %
    # (Hangzhou 2025: (1278.89 − 5.12)/4736.45 = 0.26893 tce/万元 -> 2026: 0.25624)
    assert hz["value"] == pytest.approx(4.7170, abs=1e-3)
    assert hz["level"] == pytest.approx(1286.5077 / 5020.637, rel=1e-5)
    # pace of the illustrative 13.5 % after one of five years: 1 − 0.865^(1/5) = 2.8589 %
    assert hz["target_value"] == 13.5 and hz["required_value"] == pytest.approx(2.8589, abs=1e-4)
    assert hz["status"] == "green"
    assert bool(hz["target_illustrative"]) and "示例值" in hz["target_source_zh"]
    # Wenzhou: energy +10 % on +6 % value added: intensity rose 1.10/1.06 − 1 = 3.774 % -> red
    wz = r.loc[(WENZHOU, "energy_intensity_reduction_15th")]
    assert wz["value"] == pytest.approx(-3.7736, abs=1e-3) and wz["status"] == "red"
    # CO2 intensity: every fuel scaled alike, so the same 4.717 % against the 17 % pace
    co2 = r.loc[(HANGZHOU, "co2_intensity_reduction_15th")]
    assert co2["value"] == pytest.approx(4.7170, abs=1e-3)
    assert co2["required_value"] == pytest.approx((1 - 0.83 ** 0.2) * 100)
    # Ningbo's own (illustrative) target with its stretch value
    nb = r.loc[(NINGBO, "energy_intensity_reduction_15th")]
    assert nb["target_value"] == 14 and nb["stretch_target_value"] == 15


def test_total_co2_is_graded_against_the_annual_budget(run_2026, ind_2026):
    co2 = pd.read_csv(run_2026 / "co2_series.csv", dtype={"region_code": str}).set_index(
        ["region_code", "year"])["co2_excl_state_listed"]
    r = ind_2026.set_index(["region_code", "indicator_id"])
    tol = reference.grading()["presets"]["carbon_budget"]["max_gap"]
    for code in (HANGZHOU, WENZHOU):
        row = r.loc[(code, "industrial_co2_budget")]
        budget = reference.carbon_budgets()[(code, 2026)]["co2_budget"]
        assert row["value"] == pytest.approx(co2[(code, 2025)] * ENERGY_GROWTH.get(code, 1.01))
        assert row["required_value"] == budget == row["target_value"]
        expected = ("green" if row["value"] <= budget
                    else "yellow" if row["value"] <= budget * (1 + tol) else "red")
        assert row["status"] == expected
        assert pd.isna(row["rank"])  # tonnes against a city's own budget are not ranked


def test_the_2026_report_says_15th_and_where_targets_come_from(run_2026):
    ctx = load_context(run_2026, HANGZHOU, 2026)
    assert not narrative.is_final(ctx)
    cover = front.cover_view(ctx)
    assert cover["period"] == "“十五五”第1年"
    assert "示例值" in cover["basis"]
    view = overview.overview_view(ctx)
    rows = {r["name"]: r for r in view["rows"] if "name" in r}
    name = reference.catalog()["energy_intensity_reduction_15th"]["name_zh"]
    assert rows[name]["target"] == "13.5%" and "示例值" in rows[name]["target_note"]
    assert rows[name]["required"] == "2.9%"
    # the annex names an indicator with its unit: 规上单位工业增加值能耗较2025年下降（十五五，%）
    annex = {r["name"]: r for r in methodology_view(ctx)["rows"]}
    mine = next(r for k, r in annex.items() if k.startswith(name.removesuffix("）")))
    assert "本地区目标13.5%，来源：示例值（非正式文件）" in mine["target"]
    budget = reference.catalog()["industrial_co2_budget"]["name_zh"]
    assert "2026年预算" in next(r for k, r in annex.items() if k.startswith(budget))["target"]
    text = " ".join(narrative.summary_sentences(ctx))
    assert "终期评估" not in text
    # the first year of a period: the new indicators have no rated previous year
    assert not any("各项指标状态与上年相同" in m for m in narrative.key_messages(ctx))


def test_an_exceeded_budget_asks_to_get_back_within_it(run_2026, ind_2026):
    ctx = load_context(run_2026, WENZHOU, 2026)
    row = ind_2026.set_index(["region_code", "indicator_id"]).loc[
        (WENZHOU, "industrial_co2_budget")]
    item = next(i for i in next_view(ctx)["items"] if i["name"] == "工业碳排放总量与预算")
    over = row["value"] - row["target_value"]
    assert over > 0 and item["gap_word"] == "超出"
    assert item["pace"] == f"2026年排放超出当年预算{over:.1f}万吨，下一年度需压减排放、回到预算以内"
    assert "2030年前" not in item["pace"]
