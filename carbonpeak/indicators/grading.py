"""序时进度 (the pace the plan requires by a given year) and the traffic-light rules.

Rules are presets from data/reference/grading.yml; an indicator names one or takes its
kind's default. Every comparison is written so that meeting the pace exactly is green.
"""

from __future__ import annotations

import math

from carbonpeak import reference
from carbonpeak.indicators import enterprise
from carbonpeak.status import GREEN, NOT_RATED, RATED, RED, WORDS, YELLOW


def elapsed_share(year: int, baseline_year: int, target_year: int) -> float:
    return (year - baseline_year) / (target_year - baseline_year)


def required_value(kind: str, target: float, year: int, baseline_year: int, target_year: int,
                   baseline_value: float | None = None) -> float:
    """What the plan requires by `year`: geometric for intensity reductions (in %),
    linear for counts and amounts (from 0) and for levels and shares (from the baseline);
    rates and milestones require their target throughout."""
    share = elapsed_share(year, baseline_year, target_year)
    if kind == "intensity_reduction":
        return (1 - (1 - target / 100) ** share) * 100
    if kind in ("count", "amount"):
        return target * share
    if kind == "rate":
        return target  # an average growth rate is required at the same level every year
    if kind == "budget":
        return target  # the year's own carbon budget is the cap that year
    if kind == "milestone":
        return target  # a deadline (year); graded by the indicator's own rule
    if kind in ("level", "share"):
        if baseline_value is None or math.isnan(baseline_value):
            raise ValueError("a level or share is paced from its baseline value, which is missing")
        return baseline_value + (target - baseline_value) * share
    raise ValueError(f"unknown indicator kind {kind!r}")


def _rule_templates(final: bool) -> dict:
    """The rule sentences of a report mode: a final evaluation's own where grading.yml words
    one (`rule_templates_final_zh`), the progress year's otherwise."""
    cfg = reference.grading()
    own = cfg.get("rule_templates_final_zh") or {} if final else {}
    return {**cfg["rule_templates_zh"], **own}


def rule_text(preset_name: str, target_type: str = "binding", final: bool = False) -> str:
    """The sentence that states a preset's rule, for the methods annex and table notes; with
    `final`, as the final evaluation (终期评估) states it for the targets due in its year.

    Built from the method's template in grading.yml filled with the preset's own parameters
    (and, for the peak outlook, the `peak` thresholds and the deadline), so a threshold
    changed in grading.yml changes every sentence that states it."""
    cfg = reference.grading()
    preset = cfg["presets"][preset_name]
    method = preset["method"]
    params = {k: v for k, v in preset.items() if not isinstance(v, dict)}
    params.update(preset.get("bands", {}))
    if method == "precomputed":
        peak = cfg["peak"]
        params.update(peak, half=peak["window"] // 2,
                      deadline=reference.catalog()["industrial_co2_peak"]["target"])
    text = _squeeze(_rule_templates(final)[method].format(**params))
    if target_type == "stretch":
        text += stretch_text(final)
    return text


def stretch_text(final: bool = False) -> str:
    """The cap on a 力争 (stretch) target missed, as the report's mode words it."""
    worst = reference.grading().get("stretch_worst_status", YELLOW)
    return _rule_templates(final)["stretch"].format(worst_zh=WORDS[worst])


def cap_stretch(status: str) -> str:
    """A 力争 (stretch) target missed is at worst `stretch_worst_status` (grading.yml)."""
    worst = reference.grading().get("stretch_worst_status", YELLOW)
    return worst if status == RED else status


def preset_for(entry: dict) -> tuple[str, dict]:
    cfg = reference.grading()
    name = entry.get("grading") or cfg["default_by_kind"][entry["kind"]]
    return name, cfg["presets"][name]


TOLERANCE = 1e-9  # relative: float noise of paced targets (16.000000000000004 % is 16 %)


def _tol(x: float) -> float:
    return TOLERANCE * max(1.0, abs(x))


def meets(value: float, required: float, higher_is_better: bool = True) -> bool:
    """value at or beyond required, exact equality included despite float noise ("以上/达到")."""
    sign = 1 if higher_is_better else -1
    return sign * (value - required) >= -_tol(required)


def _progress(value: float, required: float, base: float, higher: bool) -> dict:
    """Change due since the baseline, change done, completion ratio and gap (behind > 0)."""
    sign = 1 if higher else -1
    due, done = required - base, value - base
    gap = sign * (required - value)
    scale = abs(due) or abs(required) or 1.0
    if abs(due) <= _tol(required):
        completion = 1.0 if meets(value, required, higher) else 0.0
    else:
        completion = done / due
    return {"due": due, "done": done, "gap": gap, "scale": scale, "completion": completion}


def grade(value: float | None, required: float, preset: dict, higher_is_better: bool = True,
          baseline_value: float | None = None) -> str:
    """Status for one value against the required pace.

    `value` and `required` are progress in the indicator's unit; for intensity reductions
    they are the cumulative reduction in %, so a negative value means intensity rose. A value
    exactly at a threshold lands on the side the plan's wording puts it ("以上/达到"), float
    noise notwithstanding.
    """
    if value is None or math.isnan(value) or required is None or math.isnan(required):
        return NOT_RATED  # nothing to grade, or nothing to grade against
    method = preset["method"]
    if method == "direction_and_pace":
        if value < -_tol(value):
            return RED  # 不降反升
        return GREEN if meets(value, required) else YELLOW
    pr = _progress(value, required, baseline_value or 0.0, higher_is_better)
    if method in ("relative_gap", "budget_cap"):  # a budget: over it by ≤ max_gap is yellow
        if meets(value, required, higher_is_better):
            return GREEN
        return YELLOW if pr["gap"] <= preset["max_gap"] * pr["scale"] + _tol(pr["scale"]) \
            else RED
    if method == "completion_ratio":
        if meets(value, required, higher_is_better):
            return GREEN
        bands = preset["bands"]
        ratio = pr["completion"]
        if ratio >= bands["green"] - TOLERANCE:
            return GREEN
        return YELLOW if ratio >= bands["yellow"] - TOLERANCE else RED
    raise ValueError(f"unknown grading method {method!r}")


def explain(row) -> dict | None:
    """The arithmetic a reader needs to check a yellow or red light, for one indicators.csv
    row (a dict or a pandas row): base value, change due to date, change done, completion,
    the gap and the gap rule's limit, and `text_zh`, the footnote sentence built from
    grading.yml. None for green, not rated and the peak outlook (its note says why)."""
    get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
    status = get("status")
    if status not in (YELLOW, RED):
        return None
    cfg = reference.grading()
    entry = reference.catalog().get(get("indicator_id"), {})
    name = get("grading_preset") or preset_for(entry)[0]
    preset = cfg["presets"][name]
    method = preset["method"]
    if method == "precomputed":
        return None
    value, required = float(get("value")), float(get("required_value"))
    base = get("baseline_value")
    base = 0.0 if base is None or (isinstance(base, float) and math.isnan(base)) else float(base)
    higher = entry.get("higher_is_better", True)
    pr = _progress(value, required, base, higher)
    out = {"preset": name, "method": method, "base_year": int(get("baseline_year")),
           "year": int(get("year")), "base": base, "required": required, "value": value,
           "unit": get("unit") or "", "due": pr["due"], "done": pr["done"],
           "completion": pr["completion"], "gap": pr["gap"]}
    fmt = dict(out, unit_change="个百分点" if out["unit"] == "%" else out["unit"])
    counted_kind = entry.get("kind") in ("count", "amount")
    if method == "direction_and_pace":
        fmt.update(done_word="下降" if value >= 0 else "上升", value_abs=abs(value),
                   limit_zh="不降反升为红灯" if value < 0 else "下降但未达序时进度为黄灯")
        out["limit"] = 0.0
    else:
        fmt.update(
            verb="提高" if pr["due"] >= 0 else "减少",
            actual_verb="提高" if pr["done"] >= 0 else "减少",
            due_abs=_round(abs(pr["due"])), done_abs=_round(abs(pr["done"])),
            base=_round(base), required=_round(required), value=_round(value),
            gap=_round(pr["gap"]))
        if method in ("relative_gap", "budget_cap"):
            out["max_gap"] = preset["max_gap"]
            out["limit"] = preset["max_gap"] * pr["scale"]
            fmt.update(max_gap=preset["max_gap"], limit=_round(out["limit"]))
        else:
            fmt.update(preset["bands"])
            out["limit"] = preset["bands"]["yellow"]
    key = "relative_gap_count" if method == "relative_gap" and counted_kind else method
    out["text_zh"] = _squeeze(cfg["explain_templates_zh"][key].format(**fmt))
    return out


def _squeeze(text: str) -> str:
    """Chinese sentences from folded YAML: no spaces between the lines."""
    return "".join(text.split())


def _round(x: float) -> float:
    """Numbers as a reader checks them: four significant digits at most after the point."""
    return float(f"{x:.4g}") if abs(x) < 1e4 else round(x, 1)


def doc_markdown() -> str:
    """docs/grading.md: the grading, peak and 碳效码 rules exactly as the code applies them,
    from grading.yml, carbon_efficiency.yml and the catalog (tests/test_grading.py keeps the
    file in step)."""
    cfg, cat, co2s = reference.grading(), reference.catalog(), reference.co2_scope()
    kinds = {"intensity_reduction": "强度下降率", "count": "累计数量", "amount": "累计量",
             "level": "水平值", "share": "比例", "rate": "年均增速", "milestone": "里程碑",
             "budget": "年度碳排放预算"}
    lines = [
        "# 评级与达峰研判规则",
        "",
        "本页由 `python -m tools grading-doc` 依据 `data/reference/grading.yml`、"
        "`data/reference/carbon_efficiency.yml` 与指标目录生成，"
        "与代码执行的规则逐字一致；修改阈值后重新生成（测试会检查本页是否过期）。",
        "",
        "## 序时进度",
        "",
        "第 t 年应完成的进度：强度下降率按几何路径 1 − (1 − R)^((t − 基期)/(目标年 − 基期))；"
        "累计数量、累计量按线性 目标 × (t − 基期)/(目标年 − 基期)；水平值、比例自基期水平线性推进至目标"
        "（须降至零的指标，如小型燃煤锅炉台数，同样按线性减少）；年均增速每年均要求达到目标。"
        "“应完成进度”指截至当年自基期起应完成的变化量。",
        "",
        "## 规划期与终期评估",
        "",
        "| 规划期 | 基期 | 评价年份 | 目标年 |",
        "|---|---|---|---|",
        *(f"| {p['name_zh']} | {p['baseline_year']} | {p['first_year']}—{p['target_year']} | "
          f"{p['target_year']} |" for p in reference.plan_periods()),
        "",
        "报告年份只评价其所属规划期的指标；十五五指标以2025年为基期计算序时进度。",
        "",
        _squeeze(cfg["final_evaluation_zh"].format(years="、".join(
            f"{p['name_zh']}为{p['target_year']}年" for p in reference.plan_periods()))),
        "",
        "## 评级规则",
        "",
    ]
    for name, preset in cfg["presets"].items():
        used = [kinds.get(k, k) for k, p in cfg["default_by_kind"].items() if p == name]
        named = [e["short_zh"] for e in cat.values() if e.get("grading") == name]
        scope = "、".join(used + named) or "按指标目录指定"
        lines += [f"### {preset['title_zh']}（`{name}`）", "",
                  f"适用：{scope}。", "", rule_text(name), ""]
        if rule_text(name, final=True) != rule_text(name):  # as the final evaluation words it
            lines += [f"终期评估（目标年为报告年份的指标）：{rule_text(name, final=True)}", ""]
    worst = WORDS[cfg.get("stretch_worst_status", YELLOW)]
    stretch = [e["short_zh"] for e in cat.values() if e.get("target_type") == "stretch"]
    lines += [
        "## 约束性目标与力争目标",
        "",
        f"规划写作“以上、超过、达到、全面”的为约束性目标；写作“力争”的为力争目标（{'、'.join(stretch)}），"
        f"力争目标未达序时进度时最多为{worst}灯。同时设有力争值的约束性指标（如能耗强度下降16%、力争18%）"
        "按约束值评级，另列是否达到力争值的序时进度。",
        "",
        "## 边界",
        "",
        f"与目标或序时进度的比较容许 {TOLERANCE:g} 的相对浮点误差：恰好等于目标或阈值的数值落在规划措辞"
        "所指的一侧（“以上”“达到”含等于；差距恰等于黄灯上限为黄灯）。",
        "",
        "## 未评级的原因",
        "",
        "| 原因 | 含义 |",
        "|---|---|",
        *(f"| {w} | {cfg['status_reason_meaning_zh'][c]} |"
          for c, w in cfg["status_reason_zh"].items()),
        "",
        f"报告与下载文件的“状态”列：{'、'.join(cfg['status_zh'][k] for k in RATED)}；"
        f"{cfg['status_reason_zh']['not_applicable']}的指标写“{cfg['status_reason_zh']['not_applicable']}”，"
        f"其余未评级的指标写“{cfg['status_zh']['not_rated']}”，原因类别另列；图例只列出本报告中出现的类别。",
        "",
        "## 达峰研判",
        "",
        rule_text("peak_outlook"),
        "",
        "做法：对工业二氧化碳排放（含国家单列项目）年度序列，取截至报告年份的数据；先作三年滑动中位数"
        "（两端用 Tukey 端点规则），使单年尖峰或低谷既不成为最高值，也不打断“近年均低于最高值”；"
        "相邻两年变化（缺年按年均计）达到阶跃阈值、前后两年均为常规变化且此后未回落的，视为新项目投产或关停造成的一次性阶跃，"
        "计算趋势增速时剔除；但此后各年均低于下降前水平、持续到最近一年的下降是排放本身的回落，不作阶跃剔除。"
        "平滑会把最近一年的大幅回落藏在最高值之后：最近一年观测值低于平滑最高值达到阈值的，不判为仍在上升（上升已中断），也不外推。趋势增速为对数排放对年份的 Theil–Sen 斜率（scipy.stats.theilslopes），"
        f"区间为其 {cfg['peak']['confidence']:.0%} 置信区间；另报告排放对年份的 Kendall τ（Mann–Kendall 趋势检验）及其 p 值。",
        "",
        "同一个趋势增速 g 决定：分类（上升或平台）、推算路径、推算达峰年份和所需回落速度；报告正文、图中标注（推算峰值或期限年水平、所需路径终点）"
        "和附录规则都引用这同一组数字（report/outlook.py）。"
        "推算路径自报告年份的平滑水平出发：增速持续回落时按观测到的回落速度 d（个百分点/年）逐年递减至零后持平，"
        "否则保持 g；区间下限、上限分别用 g 置信区间的两端。所需路径：增速自 g 每年回落 g/N 个百分点（N = 期限年 − 最新数据年），"
        "在期限年恰降为零，即在期限年达峰。仍在上升的地区，只有观测到的回落速度不低于所需回落速度时，推算达峰年份才不晚于期限年，评为绿灯。",
        "",
        f"{co2s['name']}：{co2s['basis']}{co2s['applied']}有国家单列项目的地区计算其排放占比及占基期以来排放增量的比重，"
        f"比重达到{cfg['peak']['state_listed_dominant_pct']:g}%以上时在达峰展望中专段说明。",
        "",
        "报告年份以后的数据一律不用：第03步先将每张带年份的表截至报告年份（完成年份晚于报告年份的视为当年尚未完成），"
        "数据不含报告年份的规上工业主表时，运行以退出码2停止并说明数据覆盖的年份。",
        "",
        "| 参数 | 取值 |",
        "|---|---|",
    ]
    for key, value in cfg["peak"].items():
        if not isinstance(value, dict):
            lines.append(f"| `{key}` | {value} |")
    ce = reference.carbon_efficiency()
    lines += ["", "## 工业碳效码", ""]
    for sentence in enterprise.rule_text():
        lines += [sentence, ""]
    lines += ["参数（`data/reference/carbon_efficiency.yml`，恰等于分界值的归入较优一档）：", "",
              "| 参数 | 取值 |", "|---|---|",
              *(f"| `{k}` | {ce[k]} |"
                for k in ("grade_cutpoints", "level_cutpoints", "industry_mean"))]
    return "\n".join(lines) + "\n"
