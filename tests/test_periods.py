"""Reporting periods: parsing, labels, order, and what `latest` points at."""

from __future__ import annotations

import json

import pytest

from carbonpeak import __main__ as cli
from carbonpeak.run import runlog
from carbonpeak.period import Period


@pytest.mark.parametrize("text, key, label, previous", [
    ("2025", "2025", "2025年", "2024"),
    ("2026-10", "2026-10", "2026年1—10月", "2026-09"),
    ("2026-3", "2026-03", "2026年1—3月", "2026-02"),
    (" 2026-02 ", "2026-02", "2026年1—2月", None),  # 1–2月 is the first period of a year
    ("2025-12", "2025-12", "2025年1—12月", "2025-11"),
])
def test_periods_parse_to_key_label_and_previous(text, key, label, previous):
    p = Period.parse(text)
    assert (p.key, p.label_zh) == (key, label)
    assert (p.previous().key if p.previous() else None) == previous


@pytest.mark.parametrize("text, says", [
    ("2026-01", "use 2026-02"),  # January is published with February
    ("2026-13", "month 13"),
    ("2026-00", "month 0"),
    ("26", "neither a year"),
    ("2026/10", "neither a year"),
    ("1899", "not a reporting year"),
])
def test_bad_periods_say_what_was_expected(text, says):
    with pytest.raises(ValueError, match=says):
        Period.parse(text)


def test_periods_sort_in_publication_order():
    """1–12月 comes before the annual figure of the same year, which comes before any month
    of the next year; same period last year and the months of a year are what they say."""
    order = ["2025-02", "2025-11", "2025-12", "2025", "2026-02", "2026-10"]
    assert [p.key for p in sorted(Period.parse(t) for t in reversed(order))] == order
    assert Period.parse("2026-10").same_period_last_year().key == "2025-10"
    assert [p.key for p in Period.parse("2026-04").months_of_year()] == [
        "2026-02", "2026-03", "2026-04"]


def test_nothing_after_a_period_is_data_of_it():
    p = Period.parse("2026-10")
    assert p.is_after(2026, 11) and not p.is_after(2026, 10) and not p.is_after(2025, 12)
    assert p.is_after(2026)  # the 2026 annual figure is published after 1–12月
    assert not p.is_after(2025)
    assert Period.parse("2025").is_after(2026) and not Period.parse("2025").is_after(2025)


def _published(out, name, exit_code=0, state="current"):
    d = out / name
    d.mkdir(parents=True)
    (d / "status.json").write_text(json.dumps(
        {"exit_code": exit_code, "regions": {"330100": {"state": state}}}), encoding="utf-8")


def test_latest_follows_the_newest_complete_period(tmp_path):
    for name in ("2024", "2025-12", "2025", "2026-09"):
        _published(tmp_path, name)
    _published(tmp_path, "2026-10", state="stale")  # not complete: latest stays put
    (tmp_path / "notes").mkdir()  # not a period
    assert runlog.point_latest(tmp_path) == "2026-09"
    assert (tmp_path / "latest").resolve() == (tmp_path / "2026-09").resolve()
    (tmp_path / "2026-09").rename(tmp_path / "gone")
    assert runlog.point_latest(tmp_path) == "2025"  # the annual report is newer than 1–12月


def test_cli_refuses_a_january_period_and_year_with_period(tmp_path, capsys):
    assert cli.main(["run", "--period", "2026-01", "--out", str(tmp_path)]) == 2
    assert "use 2026-02" in capsys.readouterr().err
    assert cli.main(["run", "--year", "2025", "--period", "2025"]) == 2
