"""Why an indicator is not rated, and whether its target is binding or 力争 (stretch)."""

import pandas as pd
import pytest

from carbonpeak import reference
from carbonpeak.indicators import evaluate

CAT = reference.catalog_for(2025)  # the sample run is 2025: the 十四五 indicators
GRADING = reference.grading()


def metrics(rows):
    return pd.DataFrame(rows, columns=["region_code", "year", "metric", "value"])


def sva(rows):
    return pd.DataFrame(rows, columns=["region_code", "year", "sector", "value_added",
                                       "value_added_growth"])


def by_region(cur):
    return cur.set_index("region_code")


def test_reasons_decided_from_the_data():
    # 宁波 has steel (value added) and reports its scrap ratio; 舟山 has no steel at all;
    # 衢州 has steel but reported no scrap ratio; 湖州's inputs failed the quality gate.
    # 宁波: required 30 + 20 × 3/5 = 42; 41 is 1 behind, 1/12 of the progress due -> yellow
    tables = {"region_metrics": metrics([
        ("330200", 2020, "steel_scrap_ratio", 30.0), ("330200", 2023, "steel_scrap_ratio", 41.0),
        ("330500", 2020, "steel_scrap_ratio", 30.0), ("330500", 2023, "steel_scrap_ratio", 40.0),
    ])}
    present = {"steel": {"330000", "330200", "330800", "330500"}}
    cur, _ = evaluate("steel_scrap_ratio", CAT["steel_scrap_ratio"], tables, 2023,
                      {"330500": "region_metrics 第3行：数值无效"}, present=present)
    r = by_region(cur)
    assert (r.at["330200", "status"], r.at["330200", "status_reason"]) == ("yellow", "")
    assert (r.at["330900", "status"], r.at["330900", "status_reason"]) == (
        "not_rated", "not_applicable")
    assert r.at["330900", "not_rated_reason"] == CAT["steel_scrap_ratio"]["absent_zh"]
    assert r.at["330800", "status_reason"] == "no_data"
    assert r.at["330500", "status_reason"] == "failed_quality"
    assert (cur["status_reason"] == "").eq(cur["status"] != "not_rated").all()


def test_provincial_total_is_no_local_target():
    tables = {"region_metrics": metrics([("330900", y, "distributed_pv_added", 10.0)
                                         for y in (2021, 2022, 2023)])}
    cur, _ = evaluate("distributed_pv_added", CAT["distributed_pv_added"], tables, 2023, {})
    r = by_region(cur).loc["330900"]
    assert r["status_reason"] == "no_local_target" and "未分解到设区市" in r["not_rated_reason"]


def test_stretch_target_is_at_worst_yellow_binding_can_be_red():
    # 8 % stretch growth: 2 % a year is far behind, yet only yellow; the same gap against a
    # binding floor would be red
    tables = {"region_metrics": metrics([("330100", y, "sei_value_added_growth", 2.0)
                                         for y in (2021, 2022, 2023)])}
    entry = CAT["sei_value_added_growth"]
    cur, _ = evaluate("sei_value_added_growth", entry, tables, 2023, {})
    assert by_region(cur).loc["330100", ["status", "target_type"]].tolist() == [
        "yellow", "stretch"]
    cur, _ = evaluate("x", {**entry, "target_type": "binding"}, tables, 2023, {})
    assert by_region(cur).loc["330100", ["status", "target_type"]].tolist() == ["red", "binding"]


def test_every_stretch_target_is_a_liqiu_target():
    for ind, e in CAT.items():
        main = e["target_text_zh"].split("，")[0]
        assert (e.get("target_type", "binding") == "stretch") == ("力争" in main), ind


def test_labels_for_every_reason():
    assert GRADING["status_reason_zh"] == {"not_applicable": "不适用",
                                          "no_local_target": "未分解到市",
                                          "no_data": "未提供", "failed_quality": "数据质量未通过",
                                          "no_target": "无目标", "not_provided": "县级未提供"}
    # each class has its own meaning, and no two say the same
    meanings = GRADING["status_reason_meaning_zh"]
    assert set(meanings) == set(GRADING["status_reason_zh"])
    assert len(set(meanings.values())) == len(meanings)


@pytest.fixture(scope="module")
def sample_run(clean_run):
    return pd.read_csv(clean_run / "indicators.csv", dtype={"region_code": str},
                       keep_default_na=False)


def test_sample_run_reasons_and_counts_add_up(sample_run):
    ind = sample_run
    zhoushan = ind[ind["region_code"] == "330900"].set_index("indicator_id")
    for steel in ("steel_scrap_ratio", "steel_benchmark_share", "steel_long_process_cut",
                  "paper_small_coal_boilers", "fibre_small_coal_boilers",
                  "dyeing_water_reuse_rate"):
        assert zhoushan.at[steel, "status_reason"] == "not_applicable", steel
    assert zhoushan.at["green_factories", "status_reason"] == "no_local_target"
    assert set(ind["status_reason"]) >= {"", "not_applicable", "no_local_target"}
    assert set(ind["target_type"]) == {"binding", "stretch"}
    for _, grp in ind.groupby("region_code"):
        counts = grp["status"].value_counts()
        reasons = grp.loc[grp["status"] == "not_rated", "status_reason"].value_counts()
        assert reasons.sum() == counts.get("not_rated", 0)
        assert counts.sum() == len(CAT)
        assert (grp.loc[grp["status"] != "not_rated", "status_reason"] == "").all()


def test_a_table_never_delivered_reads_as_not_provided():
    # no green_manufacturing table at all: the reader is told it was not provided (未提供),
    # a no_data reason, not a quality failure and not "not applicable"
    from carbonpeak.indicators import compute_all

    cur, _ = compute_all({}, 2025, {})
    r = cur[cur["indicator_id"] == "green_factories"].set_index("region_code")
    title = reference.tables()["green_manufacturing"]["title_zh"]
    assert r.at["330100", "status"] == "not_rated"
    assert r.at["330100", "status_reason"] == "no_data"
    assert r.at["330100", "not_rated_reason"] == f"未提供{title}（green_manufacturing.csv）数据"
