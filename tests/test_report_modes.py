"""One vocabulary per report mode: a final evaluation (2025, the 十四五 target year) says
nothing of pace — no word that only the progress year's table of words holds appears in any
document it hands out (PDF text, HTML with its SVG charts, XLSX, CSV, index.html) — and a
progress year keeps its own words (tests/test_plan_periods.py reads a 2024 report)."""

from __future__ import annotations

import pytest
from helpers import pdf_text

from carbonpeak.report import view

pytestmark = pytest.mark.slow


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
    banned = _progress_only_words()
    assert "序时进度" in banned  # the word the plan's pace is named by
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
