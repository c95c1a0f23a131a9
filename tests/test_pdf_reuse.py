"""Only what changed is rebuilt. A changed county file changes what that county's report, its
city's and the province's read (and its siblings', which compare with it): the others read
nothing that changed and are kept as published. A report rebuilt for another reason (new
code) whose page comes out the same keeps its published PDF: WeasyPrint is most of a
report's cost."""

from __future__ import annotations

import json
import shutil

import pytest

from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.run import freshness, runner
from tools import sample_counties

CODES = ["330100", "330200", "330109"]  # 杭州, 宁波, 萧山区 (杭州's)


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    """The three reports in HTML and PDF; 萧山's 2025 energy rises 0.4 % (within Σ counties
    = city); a new code version that changes no page; 宁波 with --force."""
    root = tmp_path_factory.mktemp("reuse")
    data, out = root / "data", root / "out"
    shutil.copytree(SAMPLE_DIR, data)
    steps = {}

    def step(name, regions, force=False):
        logs = []
        rc = runner.run(data, 2025, ",".join(regions), out, "html,pdf", jobs=2, force=force,
                        log=logs.append)
        year_dir = out / "2025"
        m = json.loads((year_dir / "manifest.json").read_text(encoding="utf-8"))
        status = json.loads((year_dir / "status.json").read_text(encoding="utf-8"))
        steps[name] = {
            "rc": rc, "logs": logs, "regions": m["regions"], "status": status,
            "pdf": {c: (year_dir / c / "report.pdf").read_bytes() for c in CODES},
            "html": {c: (year_dir / c / "report.html").read_text(encoding="utf-8")
                     for c in CODES},
            "mtime": {c: (year_dir / c / "report.pdf").stat().st_mtime_ns for c in CODES}}

    step("first", CODES)
    sample_counties.raise_energy(data, "330109", 2025, 1.004)
    step("county_changed", CODES)
    with pytest.MonkeyPatch.context() as mp:
        real = freshness.code_hashes
        mp.setattr(freshness, "code_hashes", lambda: {**real(), "carbonpeak/new.py": "0"})
        step("code_changed", CODES)
    step("forced", ["330200"], force=True)
    return steps


@pytest.mark.slow
def test_a_changed_county_rebuilds_the_reports_that_read_it_and_keeps_the_others(sequence):
    first, after = sequence["first"], sequence["county_changed"]
    assert first["rc"] == 0 and after["rc"] == 0, after["logs"]
    assert "1 report(s) read nothing that changed and are kept" in after["logs"], after["logs"]
    for code in ("330100", "330109"):  # 萧山's own figures, and 杭州's county section
        assert after["html"][code] != first["html"][code]
        assert after["regions"][code]["reads"] != first["regions"][code]["reads"]
        assert after["regions"][code]["pdf_kept"] is False
    # 宁波 read nothing that changed: not rendered, its files untouched, current
    assert after["mtime"]["330200"] == first["mtime"]["330200"]
    assert after["regions"]["330200"]["reads"] == first["regions"]["330200"]["reads"]
    assert after["regions"]["330200"]["built_from"] == after["regions"]["330100"]["built_from"]
    assert after["status"]["regions"]["330200"]["state"] == "current"
    assert not any("330200" in line for line in after["logs"] if line.startswith("["))


@pytest.mark.slow
def test_a_rebuilt_page_that_comes_out_the_same_keeps_its_pdf(sequence):
    before, after = sequence["county_changed"], sequence["code_changed"]
    assert after["rc"] == 0, after["logs"]
    for code in CODES:  # new code: every report rebuilt, every page the same
        assert after["html"][code] == before["html"][code]
        assert after["regions"][code]["pdf_kept"] is True
        assert after["regions"][code]["pdf_from"] == before["regions"][code]["pdf_from"]
        assert after["pdf"][code] == before["pdf"][code]
        assert any(line.startswith("[") and code in line and "PDF unchanged" in line
                   for line in after["logs"]), after["logs"]


@pytest.mark.slow
def test_force_renders_and_lays_out_again(sequence):
    forced = sequence["forced"]
    assert forced["rc"] == 0, forced["logs"]
    assert forced["regions"]["330200"]["pdf_kept"] is False
    assert forced["mtime"]["330200"] != sequence["code_changed"]["mtime"]["330200"]
