"""The suite files under expectations/ (one per table) and what their top-level `meta`
declares: which cross-row rules apply to which columns, and the expectations those
declarations imply, so a new table needs a suite file, not code."""

from __future__ import annotations

import json
from functools import cache

from carbonpeak import hierarchy_sums, reference
from carbonpeak.findings import ERROR, WARNING
from carbonpeak.paths import EXPECTATIONS_DIR

DEFAULT_JUMP_FACTOR = 1.5  # year-over-year change that deserves a second look (warning)
DEFAULT_SLIP_FACTOR = 100  # a factor this large is a unit slip (万元/亿元 is ×10,000): error
DEFAULT_SUM_TOLERANCE = 0.005


@cache
def suite_file(table: str) -> dict:
    path = EXPECTATIONS_DIR / f"{table}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def settings(table: str) -> dict:
    """The suite's top-level `meta`: which cross-row rules apply to which columns."""
    return suite_file(table).get("meta", {})


def _title(table: str, column: str) -> str:
    spec = reference.tables()[table]["columns"].get(column, {})
    return spec.get("title_zh", column)


def _exp(column: str, check: str, severity: str, fields: list[str], title: str,
         kind: str = "expect_column_values_to_be_between", **kwargs) -> dict:
    return {"type": kind, "kwargs": {"column": column, **kwargs},
            "meta": {"id": check, "severity": severity, "fields": fields, "title_zh": title,
                     "derived_from": "meta"}}


def derived_expectations(table: str) -> list[dict]:
    """The expectations that the cross-row declarations in the suite's `meta` imply."""
    meta, out = settings(table), []
    ps = meta.get("province_sum") or {}
    tol, n = ps.get("tolerance", hierarchy_sums.TOLERANCE), len(hierarchy_sums.summed())
    for col in ps.get("columns", []):
        out.append(_exp(f"_province_gap__{col}", f"{col}_province_sum", ps.get("severity", ERROR),
                        [col], f"全省{_title(table, col)}应等于{n}个设区市之和（误差不超过{tol:.1%}）",
                        min_value=-tol, max_value=tol))
    pp = meta.get("parent_sum") or {}
    tol = pp.get("tolerance", hierarchy_sums.TOLERANCE)
    for col in pp.get("columns", []):
        other = reference.tables()[pp["table"]]["title_zh"]
        out.append(_exp(f"_parent_gap__{col}", f"{col}_parent_sum", pp.get("severity", ERROR),
                        [col], f"各县（市、区）的{_title(table, col)}之和应等于所属设区市的数值"
                        f"（{other}，误差不超过{tol:.1%}）", min_value=-tol, max_value=tol))
    yoy = meta.get("year_over_year") or {}
    slip = yoy.get("unit_slip_factor", DEFAULT_SLIP_FACTOR)
    jump = yoy.get("warning_factor", DEFAULT_JUMP_FACTOR)
    for col in yoy.get("columns", []):
        t = _title(table, col)
        out.append(_exp(f"_scale__{col}", f"{col}_unit_slip", ERROR, [col],
                        f"{t}与同一序列其他年份相差{slip:g}倍以上，疑似单位错误"
                        "（如万元/亿元、吨/万吨）", min_value=1 / slip, max_value=slip,
                        strict_min=True, strict_max=True))
        out.append(_exp(f"_yoy__{col}", f"{col}_jump", WARNING, [col],
                        f"{t}较上年变动超出{1 / jump:.2g}至{jump:g}倍，请核实",
                        min_value=1 / jump, max_value=jump))
    for col in meta.get("credit_codes", []):
        out.append(_exp(f"_valid__{col}", f"{col}_check_digit", ERROR, [],
                        f"{_title(table, col)}须为18位且校验码正确（GB 32100-2015）",
                        kind="expect_column_values_to_be_in_set", value_set=[True]))
    for ref in meta.get("references", []):
        col, other = ref["column"], ref["table"]
        out.append(_exp(f"_known__{col}", f"{col}_known_in_{other}", ref.get("severity", ERROR),
                        ref.get("fields", []), f"{_title(table, col)}须能在"
                        f"{reference.tables()[other]['title_zh']}中找到",
                        kind="expect_column_values_to_be_in_set", value_set=[True]))
    for rule in meta.get("group_totals", []):
        col, other, to = rule["column"], rule["table"], rule.get("to", rule["column"])
        tol = rule.get("tolerance", DEFAULT_SUM_TOLERANCE)
        by = "、".join(_title(table, b) for b in rule["by"])
        equal = rule.get("relation", "equal") == "equal"
        what = rule.get("title_zh") or f"同一{by}的{_title(table, col)}合计"
        out.append(_exp(_share_column(rule), _share_check(rule), rule.get("severity", ERROR),
                        rule.get("fields", [col]),
                        f"{what}{'应等于' if equal else '不应超过'}"
                        f"{reference.tables()[other]['title_zh']}中的{_title(other, to)}"
                        + (f"（误差不超过{tol:.1%}）" if equal else ""),
                        min_value=1 - tol if equal else 0, max_value=1 + tol))
    return out


def _share_column(rule: dict) -> str:
    return f"_share_of__{rule['column']}__{rule['table']}__{rule.get('to', rule['column'])}"


def _share_check(rule: dict) -> str:
    relation = "sums_to" if rule.get("relation", "equal") == "equal" else "not_above"
    return rule.get("id") or f"{rule['column']}_{relation}_{rule['table']}"


def expectations_for(table: str) -> list[dict]:
    return [*suite_file(table).get("expectations", []), *derived_expectations(table)]
