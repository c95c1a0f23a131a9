"""The README's "Add an indicator" steps, followed on a temporary copy of the project: a
catalog entry + a function + its test make the indicator appear in indicators.csv, in the
report, in its methods annex and in docs/data.md, and the project's own tests stay green."""

import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from carbonpeak.paths import ROOT

pytestmark = pytest.mark.slow  # copies the project, runs `python -m carbonpeak` and pytest

NEW_ID = "retrofit_energy_saved"
NAME = "节能降碳技改项目累计节能量"
TARGET_TEXT = "技改项目累计节能100万吨标准煤（示例）"

# Step 1: the catalog entry, with every field the README lists.
ENTRY = f"""
{NEW_ID}:
  name_zh: {NAME}
  short_zh: 技改累计节能量
  unit: 万吨标准煤
  plan_section: 三、主要任务（三）
  task_group: retrofit
  lead_zh: 省经信厅
  kind: amount
  plan_period: 14th
  baseline_year: 2020
  target_year: 2025
  target: 100
  target_scope: province
  higher_is_better: true
  target_text_zh: {TARGET_TEXT}
  function: completed_saving
  params: {{table: retrofit_projects}}
  province: sum
  inputs:
    retrofit_projects: [status, completion_year, energy_saved, region_code]
  formula_zh: 2021年起完工的节能降碳技改项目年节能量之和（万吨标准煤）。
  pace_zh: 序时进度按线性：第t年应累计 100 × (t − 2020)/5 万吨标准煤。
  source_zh: 省经信厅技改项目库。
"""

# Step 2: the function, in carbonpeak/indicators/metrics.py, registered by @indicator.
FUNCTION = '''

@indicator
def completed_saving(tables, entry) -> pd.DataFrame:
    """Yearly energy saved by the projects completed since the baseline year, summed (万tce)."""
    p = tables[entry["params"]["table"]]
    p = p[(p["status"] == "completed") & (p["completion_year"] > entry["baseline_year"])]
    yearly = p.groupby(["region_code", "completion_year"])["energy_saved"].sum() / 10000
    wide = yearly.unstack(fill_value=0.0).cumsum(axis=1)
    out = wide.stack().rename("value").rename_axis(["region_code", "year"]).reset_index()
    return out.astype({"year": int})
'''

# Step 3: a test with a value worked out by hand.
TEST = f'''
import pandas as pd

from carbonpeak import reference
from carbonpeak.indicators import series_for


def test_completed_saving_by_hand():
    projects = pd.DataFrame({{
        "region_code": ["330100", "330100", "330100", "330200"],
        "status": ["completed", "completed", "in_progress", "completed"],
        "completion_year": pd.array([2021, 2023, None, 2022], dtype="Int64"),
        "energy_saved": [5000.0, 15000.0, 9000.0, 2000.0],
    }})
    s = series_for(reference.catalog()["{NEW_ID}"], {{"retrofit_projects": projects}})
    got = s.set_index(["region_code", "year"])["value"]
    # 杭州: 0.5 万tce in 2021, still 0.5 in 2022, 0.5 + 1.5 = 2.0 in 2023; the province adds 宁波
    assert got["330100", 2021] == 0.5 and got["330100", 2022] == 0.5
    assert got["330100", 2023] == 2.0
    assert got["330000", 2022] == 0.5 + 0.2
'''

COPY = ["carbonpeak", "data", "docs", "expectations", "notebooks", "pipelines", "tests", "tools",
        "pyproject.toml", "README.md"]


def _run(args, cwd, timeout=600):
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    r = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return r


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=ignore)
        else:
            shutil.copy2(src, root / name)
    # 1. the catalog entry
    with (root / "data/reference/indicators.yml").open("a", encoding="utf-8") as f:
        f.write(ENTRY)
    # 2. the function, registered by its @indicator decorator
    with (root / "carbonpeak/indicators/metrics.py").open("a", encoding="utf-8") as f:
        f.write(FUNCTION)
    # 3. its test, and its id in the catalog test's list of ids
    (root / "tests/test_new_indicator.py").write_text(TEST, encoding="utf-8")
    cat_test = root / "tests/test_indicators_catalog.py"
    text = cat_test.read_text(encoding="utf-8")
    cat_test.write_text(text.replace('PLAN_IDS = {', f'PLAN_IDS = {{\n    "{NEW_ID}",', 1),
                        encoding="utf-8")
    # the generated docs, as the README says
    _run(["-m", "tools", "datadoc"], root)
    _run(["-m", "tools", "grading-doc"], root)
    _run(["-m", "carbonpeak", "run", "--data", "data/sample", "--year", "2025", "--regions",
          "330100", "--out", str(root / "out"), "--formats", "html", "--jobs", "1"], root,
         timeout=900)
    return root


def test_the_new_indicator_is_computed_graded_and_ranked(project):
    ind = pd.read_csv(project / "out/2025/indicators.csv", dtype={"region_code": str})
    new = ind[ind["indicator_id"] == NEW_ID].set_index("region_code")
    # the province, its 11 cities and the sample's 90 counties (projects placed by credit code)
    assert len(new) == 102 and new.at["330100", "name_zh"] == NAME
    # worked out from the sample's project list, independently of the package
    p = pd.read_csv(project / "data/sample/retrofit_projects.csv", dtype={"region_code": str})
    done = p[(p["status"] == "completed") & (p["completion_year"] <= 2025)]
    assert new.at["330100", "value"] == pytest.approx(
        done.loc[done["region_code"] == "330100", "energy_saved"].sum() / 10000)
    assert new.at["330000", "value"] == pytest.approx(done["energy_saved"].sum() / 10000)
    assert new.at["330000", "status"] in {"green", "yellow", "red"}
    assert new.at["330100", "status_reason"] == "no_local_target"  # a provincial total


def test_it_appears_in_the_report_and_its_methods_annex(project):
    html = (project / "out/2025/330100/report.html").read_text(encoding="utf-8")
    body, annex = html[:html.rindex("附录一")], html[html.rindex("附录二"):]
    assert NAME in body  # in the overview table, before the appendices
    assert TARGET_TEXT in annex and "省经信厅技改项目库" in annex


def test_it_appears_in_docs_data_md(project):
    doc = (project / "docs/data.md").read_text(encoding="utf-8")
    section = doc[doc.index("## `retrofit_projects`"):]
    assert NEW_ID in section.split("\n## ")[0]


def test_the_project_tests_the_readme_names_pass(project):
    _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_new_indicator.py",
          "tests/test_indicators_catalog.py::test_catalog_holds_every_target_of_the_plan",
          "tests/test_docs.py",
          "tests/test_grading.py::test_grading_page_states_the_rules_the_code_applies"], project)
