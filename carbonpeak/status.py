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
REASONS = _Table("status_reason_zh")  # not_applicable -> 不适用, no_data -> 未提供 …
MEANINGS = _Table("status_reason_meaning_zh")  # what each not-rated class means
NOT_APPLICABLE = "not_applicable"
UNKNOWN_REASON = "no_data"  # a not-rated row that names no reason: its data are missing


def key(status) -> str:
    """A status as the reports read it: anything else than a light is not rated."""
    return status if status in RATED else NOT_RATED


def word(status) -> str:
    """绿 / 黄 / 红, and 未评级 for anything that is not a light."""
    return WORDS[key(status)]


def reason_word(code: str, default: str = "") -> str:
    """The word of a not-rated reason code (不适用, 无数据 …)."""
    return REASONS.get(code, default)


def reason_of(status, reason) -> str:
    """The not-rated class of a row ('' for a light): its own code, else 未提供 (no_data)."""
    if key(status) != NOT_RATED:
        return ""
    r = reason if isinstance(reason, str) and reason.strip() else ""
    return r.strip() if r.strip() in REASONS else UNKNOWN_REASON


def shown(status, reason=None) -> str:
    """The word of a 状态 column, the same in a report and in every download: 绿 / 黄 / 红,
    不适用 for a row that does not apply to the region, 未评级 for the other not-rated rows."""
    if reason_of(status, reason) == NOT_APPLICABLE:
        return REASONS[NOT_APPLICABLE]
    return word(status)


def legend(reasons) -> list[dict]:
    """The not-rated classes among `reasons` (codes, as reason_of gives them), in
    grading.yml order, each with its word and meaning: a legend lists only these."""
    present = {r for r in reasons if r}
    return [{"code": c, "word": REASONS[c], "meaning": MEANINGS[c]} for c in REASONS
            if c in present]


def legend_text(reasons, where: str = "") -> str:
    """The legend of the not-rated classes among `reasons`, as whole sentences, the same in
    a report, an index and a workbook's 说明: '未评级（原因见{where}）：未分解到市＝…；未提供＝…。
    不适用＝…。' ('' when every row is rated)."""
    items = legend(reasons)
    unrated = [f"{i['word']}＝{i['meaning']}" for i in items if i["code"] != NOT_APPLICABLE]
    text = ""
    if unrated:
        text = WORDS[NOT_RATED] + (f"（原因见{where}）" if where else "") + "：" + \
            "；".join(unrated) + "。"
    return text + "".join(f"{i['word']}＝{i['meaning']}。" for i in items
                          if i["code"] == NOT_APPLICABLE)
