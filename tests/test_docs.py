"""Documents generated from reference data are current."""

from tools import datadoc
from carbonpeak.paths import ROOT


def test_data_reference_is_current():
    current = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert current == datadoc.render(), "run: python -m carbonpeak datadoc --out docs/data.md"
