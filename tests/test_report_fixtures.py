"""A small, complete stage-03 run folder for report tests: every data contract the report
renders (indicators, series, decomposition, peak outlook, CO2, sectors, enterprises, quality).

`make_run_dir(path)` is imported by the other report tests; the tests in this file check that
the fixture honours the contracts the report relies on.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from carbonpeak import reference
from carbonpeak.indicators import OUTPUT_COLUMNS

YEAR = 2025
MALICIOUS = "<script>alert(1)</script>有限公司"
SECTORS = [("steel", "钢铁"), ("building_materials", "建材"), ("petrochemical", "石化"),
           ("chemical", "化工"), ("paper", "造纸"), ("chemical_fibre", "化纤"), ("dyeing", "印染")]


def _credit_code(code: str, i: int) -> str:
    return f"91{code}MA{i:07d}X"[:18]


def enterprise_frame(code: str, n: int = 14) -> pd.DataFrame:
    """Enterprises of one municipality; names say which city they belong to."""
    rng = np.random.default_rng(int(code))
    short = reference.region_name(code)[:-1]
    grade = rng.integers(1, 6, n)
    energy = rng.integers(300, 90_000, n).astype(float)
    df = pd.DataFrame({
        "credit_code": [_credit_code(code, i) for i in range(n)],
        "name": [f"{short}第{i}号测试化工有限公司" for i in range(n)],
        "county": f"{short}测试区", "industry_code": "C26", "industry_zh": "化学原料和化学制品制造业",
        "energy_tce": energy,
        "tier": np.where(energy >= 5000, "≥5000", np.where(energy >= 1000, "1000–5000", "<1000")),
        "L": rng.uniform(0.2, 3.0, n), "K": rng.uniform(0.4, 2.5, n), "grade": grade,
        "level": np.where(grade <= 2, "低碳", np.where(grade <= 4, "中碳", "高碳")),
    })
    if code == "330100":  # a name with markup must appear as text
        df.loc[0, ["name", "grade"]] = [MALICIOUS, 5]
        df.loc[0, "energy_tce"] = 99_999.0
    return df


def indicator_rows(year: int = YEAR) -> pd.DataFrame:
    rows = []
    codes = reference.region_codes()
    for k, code in enumerate(codes):
        name = reference.region_name(code)
        value = 21.0 - 1.6 * k if code != "330900" else -3.2
        status = "green" if value >= 16 else ("yellow" if value >= 0 else "red")
        base = {c: np.nan for c in OUTPUT_COLUMNS}
        rows.append({**base, "region_code": code, "region_name": name,
                     "indicator_id": "energy_intensity_reduction",
                     "name_zh": "规上单位工业增加值能耗较2020年下降", "year": year, "value": value,
                     "unit": "%", "baseline_year": 2020, "baseline_value": 0.0, "target_year": 2025,
                     "target_value": 16.0, "stretch_target_value": 18.0, "required_value": 16.0,
                     "stretch_required_value": 18.0, "stretch_met": value >= 18,
                     "status": status, "status_zh": reference.grading()["status_zh"][status],
                     "prev_value": value - 3.0, "prev_status": "green",
                     "projected_value": value, "projection_year": 2025,
                     "grading_preset": "ndrc_2021", "quality_verdict": "pass",
                     "not_rated_reason": "",
                     "rank": np.nan if code == reference.province_code() else k,
                     "rank_of": 11})
        province_only = code == reference.province_code()
        rows.append({**base, "region_code": code, "region_name": name,
                     "indicator_id": "green_parks", "name_zh": "绿色低碳工业园区", "year": year,
                     "value": 46.0 if province_only else np.nan, "unit": "个",
                     "baseline_year": 2020, "baseline_value": 0.0, "target_year": 2025,
                     "target_value": 50.0, "required_value": 50.0,
                     "status": "yellow" if province_only else "not_rated",
                     "status_zh": "黄" if province_only else "未评级",
                     "prev_value": 38.0 if province_only else np.nan,
                     "prev_status": "yellow" if province_only else "not_rated",
                     "projection_year": 2025, "grading_preset": "gap_10pct",
                     "quality_verdict": "pass", "rank_of": 0,
                     "not_rated_reason": "" if province_only else "该指标仅考核全省，不分解到设区市"})
    return pd.DataFrame(rows)[OUTPUT_COLUMNS]


def make_run_dir(run_dir: Path, year: int = YEAR, *, enterprises: bool = True) -> Path:
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    codes = reference.region_codes()
    munis = reference.children(reference.province_code())
    ind = indicator_rows(year)
    ind.to_csv(run_dir / "indicators.csv", index=False)
    series = []
    for code in codes:
        v = float(ind[(ind.region_code == code)
                      & (ind.indicator_id == "energy_intensity_reduction")]["value"].iloc[0])
        for y in range(2020, year + 1):
            t = (y - 2020) / (year - 2020)
            req = (1 - (1 - 0.16) ** ((y - 2020) / 5)) * 100
            st = (1 - (1 - 0.18) ** ((y - 2020) / 5)) * 100
            series.append({"region_code": code, "indicator_id": "energy_intensity_reduction",
                           "year": y, "value": v * t, "required_value": req,
                           "stretch_required_value": st, "level": 0.6 * (1 - v * t / 100)})
    pd.DataFrame(series).to_parquet(run_dir / "indicator_series.parquet", index=False)
    pd.DataFrame([{"region_code": c, "effect": e, "value": x, "base_year": 2020, "year": year}
                  for c in codes for e, x in (("structure", -0.021), ("intensity", -0.064),
                                              ("total", -0.085))]
                 ).to_csv(run_dir / "decomposition.csv", index=False)
    labels = {"peaked": "已达峰", "plateau": "平台期", "rising": "仍在上升"}
    peak = []
    for i, c in enumerate(codes):
        cls = ["peaked", "plateau", "rising"][i % 3]
        peak.append({"region_code": c, "classification": cls, "label_zh": labels[cls],
                     "last_year": year, "last_value": 1000 + 50 * i, "max_year": 2022,
                     "max_value": 1100 + 50 * i,
                     "projected_peak_year": np.nan if cls == "peaked" else 2028 + i % 4,
                     "projected_peak_level": np.nan if cls == "peaked" else 1200 + 50 * i,
                     "growth_pct": [-1.5, 0.4, 2.1][i % 3], "required_change_pp": 0.6,
                     "on_track": cls != "rising"})
    pd.DataFrame(peak).to_csv(run_dir / "peak_outlook.csv", index=False)
    pd.DataFrame([{"region_code": c, "year": y, "co2_total": 900 + 30 * (y - 2015) - (y > 2022) * 40,
                   "co2_excl_state_listed": 850 + 25 * (y - 2015)}
                  for c in codes for y in range(2015, year + 1)]
                 ).to_csv(run_dir / "co2_series.csv", index=False)
    pd.DataFrame([{"region_code": c, "year": y, "sector": s, "sector_zh": zh,
                   "energy": 100 + 30 * j + (y - 2020) * 2, "value_added_comparable": 50 + 10 * j
                   + (y - 2020) * 4, "intensity": (100 + 30 * j + (y - 2020) * 2)
                   / (50 + 10 * j + (y - 2020) * 4)}
                  for c in codes for y in (2020, year) for j, (s, zh) in enumerate(SECTORS)]
                 ).to_csv(run_dir / "sector_energy.csv", index=False)
    summary = []
    if enterprises:
        (run_dir / "enterprise").mkdir(exist_ok=True)
        for c in munis:
            e = enterprise_frame(c)
            e.to_parquet(run_dir / "enterprise" / f"{c}.parquet", index=False)
            for dim, col in (("tier", "tier"), ("grade", "grade")):
                for k, n in e[col].value_counts().items():
                    summary.append({"region_code": c, "dimension": dim, "key": k, "count": n})
        pd.DataFrame(summary).to_csv(run_dir / "enterprise_summary.csv", index=False)
    (run_dir / "quality").mkdir(exist_ok=True)
    verdicts = {c: {"verdict": "pass", "errors": 0, "warnings": 0,
                    "checks": [{"table": "industry_annual", "check": "not_null",
                                "title_zh": "必填字段不为空", "severity": "error",
                                "verdict": "pass"}]} for c in codes}
    verdicts["330900"] = {"verdict": "warning", "errors": 0, "warnings": 1, "checks": []}
    findings = [{"file": "industry_annual.csv", "table": "industry_annual", "row": 7,
                 "column": "energy_consumption", "message": "能耗较上年增长超过30%，请核实",
                 "severity": "warning", "region_code": "330900"}]
    (run_dir / "quality" / "results.json").write_text(
        json.dumps({"verdicts": verdicts, "findings": findings}, ensure_ascii=False),
        encoding="utf-8")
    (run_dir / "run.json").write_text(json.dumps({
        "year": year, "generated": "2026-01-15",
        "dataset": {"illustrative": True, "banner_zh": "示例数据，非官方统计",
                    "vintage_zh": "测试数据"}}, ensure_ascii=False), encoding="utf-8")
    return run_dir


def test_fixture_covers_every_region_and_contract(tmp_path):
    d = make_run_dir(tmp_path / "run")
    ind = pd.read_csv(d / "indicators.csv", dtype={"region_code": str})
    assert set(ind["region_code"]) == set(reference.region_codes())
    assert list(ind.columns) == OUTPUT_COLUMNS
    for name in ("decomposition.csv", "peak_outlook.csv", "co2_series.csv", "sector_energy.csv",
                 "enterprise_summary.csv", "enterprise/330100.parquet", "quality/results.json"):
        assert (d / name).exists(), name
