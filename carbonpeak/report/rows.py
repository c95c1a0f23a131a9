"""Indicator rows as the report reads them: catalog entry, plan order, status and the reason
an indicator is not rated (the `status_reason` column when the run has it)."""

from __future__ import annotations

import pandas as pd

from carbonpeak import reference, status
from carbonpeak.report.fmt import isna
from carbonpeak.status import NOT_RATED, RATED

STATUS_ORDER = [*reversed(RATED), NOT_RATED]  # worst first


def entry(indicator_id: str, row=None) -> dict:
    """The catalog entry, or what the indicator row itself says when the catalog lacks it."""
    e = reference.catalog().get(indicator_id)
    if e is not None:
        return e
    name = getattr(row, "name_zh", None) if row is not None else None
    return {"name_zh": name or "未列入目录的指标", "short_zh": name or "未列入目录的指标",
            "unit": getattr(row, "unit", "") if row is not None else "", "kind": "level",
            "plan_section": "", "task_group": "", "lead_zh": "", "formula_zh": ""}


def subject(e: dict) -> str:
    """'单位工业增加值能耗下降' -> '单位工业增加值能耗': the thing that falls, for
    '…较2020年下降20.8%' (the name already says 下降 once)."""
    s = e["short_zh"]
    for tail in ("下降", "降低"):
        if s.endswith(tail) and len(s) > len(tail):
            return s[: -len(tail)]
    return s


def _group_order() -> dict[str, int]:
    return {g["id"]: i for i, g in enumerate(reference.task_groups())}


def ordered(ind: pd.DataFrame) -> pd.DataFrame:
    """Plan order: task group, then catalog order."""
    order, cat = _group_order(), list(reference.catalog())
    key = ind["indicator_id"].map(
        lambda i: (order.get(entry(i).get("task_group"), 99), cat.index(i) if i in cat else 999))
    return ind.assign(_k=key).sort_values("_k", kind="stable").drop(columns="_k")


def group_heading(g: dict) -> str:
    sec = g.get("section", "")
    return f"{sec}　{g['title_zh']}" if sec else g["title_zh"]


def groups() -> list[dict]:
    return [*reference.task_groups(), {"id": "other", "title_zh": "其他指标", "section": ""}]


def status_of(row) -> str:
    return status.key(getattr(row, "status", None))


def reason_code(row) -> str:
    r = getattr(row, "status_reason", None)
    return "" if isna(r) else str(r)


def not_applicable(row) -> bool:
    return status_of(row) == NOT_RATED and reason_code(row) == "not_applicable"


def unrated(row) -> bool:
    """Counts as 未评级: not rated, and not merely not applicable here."""
    return status_of(row) == NOT_RATED and not not_applicable(row)


def reason_labels() -> dict:
    return dict(status.REASONS)


def reason_text(row) -> str:
    """Why not rated, in words: the row's own reason, else the label of its reason code."""
    r = getattr(row, "not_rated_reason", None)
    if not isna(r) and str(r).strip():
        return str(r).strip().rstrip("。")
    return status.REASONS[status.reason_of(status_of(row), reason_code(row))]


def stretch(row) -> bool:
    return str(getattr(row, "target_type", "") or "") == "stretch"


def note(row) -> str:
    """The indicator's own qualitative note (e.g. the peak judgement 平台期), or ''."""
    n = getattr(row, "note", None)
    return "" if isna(n) else str(n).strip()


def is_milestone(row, e: dict) -> bool:
    return e.get("kind") == "milestone" or (getattr(row, "unit", "") == "年"
                                           and isna(getattr(row, "value", None)))


def higher_is_better(e: dict) -> bool:
    return e.get("higher_is_better", True)
