"""The status vocabulary of every light: its keys (indicators.csv `status`, barometer.csv
`status`) and their words. The words live once, in data/reference/grading.yml (`status_zh`,
`status_reason_zh`), and every report, brief, chart and download reads them here, so an
edited word changes everywhere at once (and reaches a running kernel)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from carbonpeak import reference

GREEN, YELLOW, RED, NOT_RATED = "green", "yellow", "red", "not_rated"
RATED = (GREEN, YELLOW, RED)
KEYS = (*RATED, NOT_RATED)  # the order of tallies and legends


class _Table(Mapping):
    """A table of grading.yml, read on every lookup (the loader caches the file)."""

    def __init__(self, key: str):
        self.key = key

    def _table(self) -> dict:
        return reference.grading()[self.key]

    def __getitem__(self, k: str) -> str:
        return self._table()[k]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __repr__(self) -> str:
        return f"grading.yml {self.key}: {dict(self._table())!r}"


WORDS = _Table("status_zh")  # green -> 绿 … not_rated -> 未评级
REASONS = _Table("status_reason_zh")  # not_applicable -> 不适用, no_data -> 无数据 …


def key(status) -> str:
    """A status as the reports read it: anything else than a light is not rated."""
    return status if status in RATED else NOT_RATED


def word(status) -> str:
    """绿 / 黄 / 红, and 未评级 for anything that is not a light."""
    return WORDS[key(status)]


def reason_word(code: str, default: str = "") -> str:
    """The word of a not-rated reason code (不适用, 无数据 …)."""
    return REASONS.get(code, default)
