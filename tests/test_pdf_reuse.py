"""A report whose page comes out the same keeps its published PDF: WeasyPrint is most of a
report's cost, and a changed county file changes the pages of that county's city (its
county section) and the province, not those of the other cities."""

from __future__ import annotations

import json
import shutil

import pytest

from carbonpeak.paths import SAMPLE_DIR
from carbonpeak.run import runner

REGIONS = "330100,330200"  # 杭州 (萧山's city) and 宁波


def _raise_energy(data, county: str, year: int, factor: float) -> None:
    path = data / "industry_annual_county.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("energy_consumption")
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == county and cells[1] == str(year):
            cells[col] = f"{float(cells[col]) * factor:.2f}"
            lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def reuse_sequence(tmp_path_factory):
    """杭州 and 宁波 in HTML and PDF; 萧山's 2025 energy rises 0.4 % (within Σ counties =
    city); the same two again; then 宁波 with --force."""
    root = tmp_path_factory.mktemp("pdf-reuse")
    data, out = root / "data", root / "out"
    shutil.copytree(SAMPLE_DIR, data)
    steps = {}

    def step(name, regions, force=False):
        logs = []
        rc = runner.run(data, 2025, regions, out, "html,pdf", jobs=2, force=force,
                        log=logs.append)
        m = json.loads((out / "2025" / "manifest.json").read_text(encoding="utf-8"))
        pdf = {c: (out / "2025" / c / "report.pdf").read_bytes() for c in REGIONS.split(",")}
        html = {c: (out / "2025" / c / "report.html").read_text(encoding="utf-8")
                for c in REGIONS.split(",")}
        steps[name] = {"rc": rc, "logs": logs, "regions": m["regions"], "pdf": pdf,
                       "html": html}

    step("first", REGIONS)
    _raise_energy(data, "330109", 2025, 1.004)
    step("county_changed", REGIONS)
    step("forced", "330200", force=True)
    return steps


@pytest.mark.slow
def test_an_unchanged_page_keeps_its_pdf_and_a_changed_one_is_laid_out(reuse_sequence):
    first, after = reuse_sequence["first"], reuse_sequence["county_changed"]
    assert first["rc"] == 0 and after["rc"] == 0, after["logs"]
    assert not any(r.get("pdf_kept") for r in first["regions"].values())
    # 杭州's county section shows 萧山: a new page, a new PDF
    assert after["html"]["330100"] != first["html"]["330100"]
    assert after["regions"]["330100"]["pdf_kept"] is False
    assert after["regions"]["330100"]["pdf_from"] != first["regions"]["330100"]["pdf_from"]
    # 宁波's page is byte for byte the same: its PDF is the one published, not laid out again
    assert after["html"]["330200"] == first["html"]["330200"]
    assert after["regions"]["330200"]["pdf_kept"] is True
    assert after["regions"]["330200"]["pdf_from"] == first["regions"]["330200"]["pdf_from"]
    assert after["pdf"]["330200"] == first["pdf"]["330200"]
    assert any(line.startswith("[") and "330200" in line and "PDF unchanged" in line
               for line in after["logs"]), after["logs"]


@pytest.mark.slow
def test_force_lays_every_pdf_out_again(reuse_sequence):
    forced = reuse_sequence["forced"]
    assert forced["rc"] == 0, forced["logs"]
    assert forced["regions"]["330200"]["pdf_kept"] is False
