"""The annexes: data quality, and a concise methods annex in plain Chinese generated from the
indicator catalog and the grading presets (the full technical reference is
docs/methodology.md, for analysts)."""

from __future__ import annotations

import re
from pathlib import PurePath

from carbonpeak import reference
from carbonpeak.indicators import enterprise, grading
from carbonpeak.report.context import ReportContext
from carbonpeak.report.fmt import isna, tagged
from carbonpeak.report.fmt import value as fmt_value
from carbonpeak.report.narrative import due, is_final
from carbonpeak.report.rows import entry, ordered
from carbonpeak.report.view import HTML, headed, phrases, say, section, words

# A clause that points at a file of the package is for analysts, not for the reader.
_FILE = re.compile(r"[（(]?[^，。；（(]*?[\w./-]+\.(?:ya?ml|csv|parquet|py|md|json)\b[^，。；）)]*[）)]?")
# a bracket that holds a working note goes whole (not leaving "；，见方法说明）")
_PENDING = re.compile(r"[（(][^）)]*(?:待核[实对]|尚待)[^）)]*[）)]|，?[^，。；（(]*尚待[^，。；]*")


def plain(text) -> str:
    """Catalog text as a reader sees it: no file names of the package, no working notes."""
    if isna(text) or not text:
        return ""
    t = _PENDING.sub("", _FILE.sub("", str(text)))
    t = re.sub(r"[；，]\s*([。；]|$)", r"\1", t).strip("；， ")
    return re.sub(r"\s+", " ", t)


# A check whose verdict is "note" only records something (a file matched by its headers, an
# optional table not delivered): it passed, and its findings read as 说明, not as problems.
PASSED = ("pass", "note", None)
LEVEL_ZH = {"error": "错误", "warning": "提示", "info": "说明"}


def verdict_word(verdict, default: str = "—") -> str:
    """A region's data-quality verdict in words (phrases.yml `quality_verdict`), the same on
    the cover, in the annex, in a brief and on the index page."""
    return phrases()["quality_verdict"].get(verdict, default)


def verdict_legend(verdicts) -> str:
    """The meanings of the verdicts among `verdicts` that need one (通过（有提示）, 未通过),
    as one sentence: '数据质量：通过（有提示）＝…；未通过＝….' ('' when none is present)."""
    meaning = phrases()["quality_verdict_meaning"]
    present = set(verdicts)
    items = [f"{verdict_word(v)}＝{meaning[v]}" for v in meaning if v in present]
    return phrases()["quality_verdict_legend"].format(items="；".join(items)) if items else ""


def quality_view(ctx: ReportContext) -> dict:
    v = ctx.verdict
    checks = v.get("checks") or []
    titles = {k: e.get("title_zh", "数据表") for k, e in reference.tables().items()
              if isinstance(e, dict)}
    by_table: dict[str, list[dict]] = {}
    for c in checks:
        by_table.setdefault(str(c.get("table")), []).append(c)
    tables = [{"name": titles.get(t, "其他数据表"), "n": len(cs),
               "ok": sum(c.get("verdict") in PASSED for c in cs),
               "failed": sum(c.get("verdict") not in PASSED for c in cs)}
              for t, cs in by_table.items()]
    failed = [{"table": titles.get(str(c.get("table")), "其他数据表"),
               "what": c.get("title_zh") or "检查项",
               "level": LEVEL_ZH.get(c.get("severity"), "提示")}
              for c in checks if c.get("verdict") not in PASSED]
    findings = [{"level": LEVEL_ZH.get(f.get("severity"), "提示"),
                 "file": PurePath(str(f.get("file"))).name if f.get("file")
                 else titles.get(str(f.get("table")), "—"),
                 "row": f.get("row") or "—", "column": f.get("column") or "—",
                 "message": f.get("message") or ""} for f in ctx.findings]
    return {"verdict": verdict_word(v.get("verdict")), "errors": v.get("errors", 0),
            "warnings": v.get("warnings", 0), "tables": tables, "failed": failed,
            "findings": findings}


def quality_section(ctx: ReportContext) -> HTML:
    return headed("quality", section("quality", **quality_view(ctx)))


def short_rule(title_zh: str) -> str:
    """'能耗双控晴雨表（发改办环资〔2021〕629号）' -> '能耗双控晴雨表'."""
    return title_zh.split("（")[0].strip() or title_zh


# After the path the targets are measured against (its words are the report mode's:
# phrases.yml `vocabulary`, path_term and path_text).
OTHER_METHODS = [
    ("因素分解", "把规上工业能耗强度的变化分为两部分：行业结构变化（结构效应）和各行业自身能效变化（强度效应）。"),
    ("企业碳效", "工业碳效码：企业单位增加值碳排放与所属行业平均水平之比，按比值从优到差分为1—{worst}级。"),
    ("预测值", "其他指标按近三年趋势外推，只说明按当前速度可能达到的水平，不是预报；达峰展望的推算见“碳达峰进程研判”。"),
    ("目标", "为省级目标；省里另行分解到设区市的，以分解目标为准。"),
]


def _target_from(row, e: dict) -> str:
    """'；本地区目标13.5%（来源：示例值（非正式文件），示例值）' for a target read from a
    reference file; '；本地区目标尚未设定' when the file has none for the region."""
    if isna(row.target_value):
        return say("method.target_missing")
    source = "" if isna(getattr(row, "target_source_zh", None)) else str(row.target_source_zh)
    illustrative = str(getattr(row, "target_illustrative", "")) in ("True", "true", "1")
    mark = say("method.illustrative") if illustrative and "示例值" not in source else ""
    key = "method.target_budget" if e.get("kind") == "budget" else "method.target_local"
    return say(key, target=fmt_value(row.target_value, e.get("unit") or row.unit),
               year=int(row.year), source=source or "—", mark=mark)


def methodology_view(ctx: ReportContext) -> dict:
    presets = reference.grading().get("presets", {})
    final = is_final(ctx)
    mode = words(final)
    rows, used, pacing = [], [], set()  # pacing: presets a row not yet due is graded by
    for row in ordered(ctx.indicators).itertuples():
        e = entry(row.indicator_id, row)
        key = row.grading_preset if not isna(row.grading_preset) else None
        p = presets.get(key, {}) if key else {}
        if p and key not in used:
            used.append(key)
        if p and not due(row, ctx.year):
            pacing.add(key)
        target = plain(e.get("target_text_zh")) or "—"
        if e.get("targets_from"):  # the number and its source: a reference file, not the plan
            target += _target_from(row, e)
        # the unit in the name's own closing bracket: 新建成绿色低碳工厂（累计，家）
        rows.append({"name": tagged(e["name_zh"], e.get("unit") or row.unit or ""),
                     "target": target,
                     "rule": short_rule(p.get("title_zh", "")) if p else "—",
                     "source": plain(e.get("source_zh")) or "—"})
    rules, scope = [], reference.co2_scope()
    for k in used:
        full = presets[k].get("title_zh", "")
        basis = full.split("（", 1)[1].rstrip("）") if "（" in full else ""
        # a final evaluation states a rule as it applies to its due targets, unless a target
        # due later is graded by the same preset (then the pace rule is the one that holds)
        rules.append({"name": short_rule(full), "basis": basis,
                      "text": grading.rule_text(k, final=final and k not in pacing)})
    return {"rows": rows, "rules": rules,
            "other": [{"name": mode["path_term"], "text": mode["path_text"]}]
            + [{"name": k, "text": v.format(worst=enterprise.worst_grade())}
               for k, v in OTHER_METHODS]
            + [{"name": scope["name"], "text": scope["basis"] + scope["applied"]}]}


def methodology(ctx: ReportContext) -> HTML:
    """The annex: one row per indicator (target, rule, source), each rule once, the methods."""
    return headed("methodology", section("methodology", **methodology_view(ctx)))
