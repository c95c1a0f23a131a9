"""One vocabulary per report mode: a final evaluation (2025, the 十四五 target year) says
nothing of pace, and a monthly barometer brief speaks neither of pace nor of a final
evaluation, while neither annual mode speaks the brief's 较上年同期/预警 — no word that only
another mode's table of words marks as its own (phrases.yml `vocabulary`, `marks`) appears in
any document a mode hands out (PDF text, HTML with its SVG charts, XLSX, CSV, index.html);
and a progress year keeps its own words (tests/test_plan_periods.py reads a 2024 report)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import pdf_text

from carbonpeak import brief, reference
from carbonpeak.report import index, view

pytestmark = pytest.mark.slow

MONTHLY_FIXTURE = Path(__file__).parent / "fixtures" / "monthly_run"


def _foreign(mode: str) -> set[str]:
    """The words other modes mark as their own and this one does not use."""
    table = view.phrases()["vocabulary"]
    own = set(table[mode]["marks"])
    return {w for m, words in table.items() if m != mode for w in words["marks"]} - own


def _progress_only_words() -> set[str]:
    """The progress year's labels that the final evaluation words otherwise (序时进度 …)."""
    progress, final = view.words(False), view.words(True)
    return {progress[k] for k in ("path_term", "stretch_path") if progress[k] != final[k]}


def _documents(year_dir):
    """(file, text) of every document of a period meant for reading."""
    import openpyxl

    yield year_dir / "index.html", (year_dir / "index.html").read_text(encoding="utf-8")
    for region in sorted(p for p in year_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        for f in sorted(region.iterdir()):
            if f.suffix == ".pdf":
                yield f, pdf_text(f)
            elif f.suffix in (".html", ".csv"):
                yield f, f.read_text(encoding="utf-8-sig")
            elif f.suffix == ".xlsx":
                wb = openpyxl.load_workbook(f, read_only=True)
                yield f, "\n".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True)
                                   for c in row if c is not None)


def test_the_final_evaluation_speaks_no_word_of_pace(rendered_run):
    banned = _foreign("final")
    assert _progress_only_words() <= banned  # 序时进度, 力争进度: the plan's pace
    assert {"较上年同期", "一级预警"} <= banned  # the monthly barometer's
    year_dir = rendered_run.out / "2025"
    seen = 0
    for path, text in _documents(year_dir):
        seen += 1
        hits = sorted(w for w in banned if w in text)
        assert not hits, f"{path.relative_to(year_dir)}: {hits}"
    assert seen >= 12 * 4  # every region's PDF, HTML, XLSX and CSVs were read


def test_the_final_evaluation_uses_its_own_words(rendered_run):
    final = view.words(True)
    text = pdf_text(rendered_run.out / "2025" / "330000" / "report.pdf")
    for word in (final["required"], final["required_path"], final["path_term"]):
        assert word in text, word


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> Path:
    """Every brief of the hand-made 1—10月 run (tests/fixtures/monthly_run), each section as
    notebooks 07/08 render it and its downloads, and the monthly index, in a copy."""
    run = tmp_path_factory.mktemp("modes") / "2026-10"
    shutil.copytree(MONTHLY_FIXTURE, run)
    for code in reference.region_codes():
        ctx = brief.load(run, code, "2026-10")
        city = [brief.cover, brief.revision, brief.lights, brief.figures, brief.moves,
                brief.rest_of_year, brief.history, brief.sectors, brief.notes]
        province = [brief.cover, brief.barometer, brief.revision, brief.lights, brief.figures,
                    brief.rest_of_year, brief.province_history, brief.notes]
        html = "".join(str(f(ctx)) for f in (province if ctx.is_province else city))
        html += str(brief.downloads(ctx, run / code))
        (run / code / "report.html").write_text(html, encoding="utf-8")
    (run / "index.html").write_text(index.render(run, "2026-10"), encoding="utf-8")
    return run


def test_a_brief_speaks_neither_of_pace_nor_of_a_final_evaluation(briefs):
    banned = _foreign("monthly")
    assert {"序时进度", "力争进度", "终期", "目标路径"} <= banned
    seen = 0
    for path, text in _documents(briefs):
        seen += 1
        hits = sorted(w for w in banned if w in text)
        assert not hits, f"{path.relative_to(briefs)}: {hits}"
    assert seen >= 12 * 4  # every region's brief (HTML with its SVG), XLSX and CSVs


def test_a_brief_uses_its_own_words(briefs):
    text = "".join((briefs / c / "report.html").read_text(encoding="utf-8")
                   for c in reference.region_codes())
    for word in view.phrases()["vocabulary"]["monthly"]["marks"]:
        assert word in text, word  # red (舟山), yellow (衢州) and green lights
    page = (briefs / "index.html").read_text(encoding="utf-8")
    assert "＝较上年同期不降反升（一级预警）" in page
