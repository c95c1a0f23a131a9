"""Documents generated from reference data are current."""

from carbonpeak.paths import ROOT
from tools import datadoc


def test_data_reference_is_current():
    current = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert current == datadoc.render(), "run: python -m tools datadoc --out docs/data.md"
