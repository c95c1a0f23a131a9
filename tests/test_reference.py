"""Reference files are re-read when they change: an edited catalog reaches a running kernel."""

import os

import pytest
from helpers import edit_text

from carbonpeak import reference
from carbonpeak.errors import ConfigError
from carbonpeak.report import rows


def test_an_edited_catalog_is_seen_without_restarting(ref_dir):
    before = reference.catalog()["green_parks"]["name_zh"]
    assert reference.catalog() is reference.catalog()  # unchanged file: the cached object
    edit_text(ref_dir / "indicators.yml", f"name_zh: {before}", "name_zh: 绿色低碳园区（改）")
    assert reference.catalog()["green_parks"]["name_zh"] == "绿色低碳园区（改）"


def test_a_change_of_the_same_size_and_time_is_still_seen_by_its_mtime(ref_dir):
    path = ref_dir / "grading.yml"
    assert "plateau_band_pct: 1.0 " in path.read_text(encoding="utf-8")
    reference.grading()
    st = path.stat()
    edit_text(path, "plateau_band_pct: 1.0 ", "plateau_band_pct: 2.0 ")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert reference.grading()["peak"]["plateau_band_pct"] == 2.0


def test_derived_lookups_follow_the_files(ref_dir):
    labels = reference.grading()["status_reason_zh"]
    assert rows.reason_labels() == labels
    edit_text(ref_dir / "grading.yml", f"no_data: {labels['no_data']}", "no_data: 未报送")
    assert rows.reason_labels()["no_data"] == "未报送"
    edit_text(ref_dir / "regions.csv", "杭州市", "杭州市（改）")
    assert reference.region_name("330100") == "杭州市（改）"
    assert reference.region_lookup()["杭州市（改）"] == "330100"


def test_another_reference_folder_is_read_at_once(ref_dir, monkeypatch):
    edit_text(ref_dir / "indicators.yml", "short_zh: 绿色低碳工业园区", "short_zh: 园区甲")
    assert reference.catalog()["green_parks"]["short_zh"] == "园区甲"
    monkeypatch.undo()  # back to the project's own folder, no cache_clear needed
    assert reference.catalog()["green_parks"]["short_zh"] == "绿色低碳工业园区"


def test_cache_clear_still_works():
    reference.catalog.cache_clear()
    assert "green_parks" in reference.catalog()


def test_the_catalog_is_checked_again_when_plan_periods_change(ref_dir):
    assert "green_parks" in reference.catalog()
    edit_text(ref_dir / "plan_periods.yml", "id: 14th", "id: 14th-renamed")
    with pytest.raises(ConfigError, match="14th"):
        reference.catalog()
