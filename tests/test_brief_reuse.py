"""The monthly chain keeps the annual chain's contract on what is rebuilt: a revised county
figure changes what that county's brief, its city's (所辖县（市、区）晴雨表) and the province's
(各县（市、区）灯号概况) read; a sibling county's brief reads none of it and is kept as
published."""

from __future__ import annotations

import json
import shutil

import pytest

from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.run import runner
from tools import sample_monthly_counties

PERIOD = "2026-10"
CODES = ["330000", "330100", "330109", "330102"]  # the province, 杭州, 萧山, 上城 (杭州's)


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    root = tmp_path_factory.mktemp("brief-reuse")
    data, out = root / "data", root / "out"
    shutil.copytree(SAMPLE_DIR, data)
    steps = {}

    def step(name):
        logs = []
        rc = runner.run(data, PERIOD, ",".join(CODES), out, "html", jobs=2,
                        log=logs.append)
        period_dir = out / PERIOD
        status = json.loads((period_dir / "status.json").read_text(encoding="utf-8"))
        steps[name] = {"rc": rc, "logs": logs, "status": status,
                       "mtime": {c: (period_dir / c / "report.html").stat().st_mtime_ns
                                 for c in CODES},
                       "html": {c: (period_dir / c / "report.html").read_text(encoding="utf-8")
                                for c in CODES}}

    step("first")
    sample_monthly_counties.raise_energy(data, "330109", PERIOD, 1.002)
    step("revised")
    return steps


@pytest.mark.slow
def test_a_revised_county_rebuilds_its_brief_its_citys_and_the_provinces(sequence):
    first, after = sequence["first"], sequence["revised"]
    assert first["rc"] == 0 and after["rc"] == 0, after["logs"]
    assert "1 report(s) read nothing that changed and are kept" in after["logs"], after["logs"]
    sibling = "330102"
    assert after["mtime"][sibling] == first["mtime"][sibling]  # kept, not rebuilt
    assert after["status"]["regions"][sibling]["state"] == "current"
    for code in ("330000", "330100", "330109"):
        assert after["mtime"][code] != first["mtime"][code], code
    # 萧山's own figure moved: its brief and 杭州's county table say so
    assert after["html"]["330109"] != first["html"]["330109"]
    assert after["html"]["330100"] != first["html"]["330100"]
