"""Page 1: the cover line, the key messages with the lights tally, and the contents."""

from __future__ import annotations

from carbonpeak.report import narrative
from carbonpeak.report.context import ReportContext
from carbonpeak.report.view import HTML, render, section

VERDICT_ZH = {"pass": "通过", "warning": "通过（有提示）", "fail": "未通过"}


def title(ctx: ReportContext) -> str:
    return f"{ctx.region_name}工业领域碳达峰进度报告（{ctx.year}年）"


def banner(dataset: dict) -> str:
    return dataset.get("banner_zh", "示例数据，非官方统计") if dataset.get("illustrative") else ""


def cover_view(ctx: ReportContext) -> dict:
    return {"banner": banner(ctx.dataset), "title": title(ctx), "region": ctx.region_name,
            "code": ctx.region_code, "year": ctx.year,
            "vintage": ctx.dataset.get("vintage_zh", "—"),
            "verdict": VERDICT_ZH.get(ctx.verdict.get("verdict"), "—"),
            "generated": ctx.generated}


def cover(ctx: ReportContext) -> HTML:
    return section("cover", **cover_view(ctx))


def summary_view(ctx: ReportContext) -> dict:
    n = narrative.counts(ctx.indicators)
    return {"messages": narrative.key_messages(ctx),
            "tallies": [{"status": s, "n": n[s]} for s in ("green", "yellow", "red", "not_rated")],
            "not_applicable": n["not_applicable"]}


def summary(ctx: ReportContext) -> HTML:
    """Three to five key messages and the lights tally: the picture, on page 1."""
    return section("summary", **summary_view(ctx))


def contents() -> HTML:
    """Where the contents go; render.add_contents fills them from the report's headings."""
    return section("contents", lists=[])


def contents_html(entries: list[tuple[str, str]]) -> str:
    """The filled contents: two short lists side by side."""
    half = (len(entries) + 1) // 2
    lists = [{"start": start + 1, "entries": [{"id": i, "text": t}
                                              for i, t in entries[start:start + half]]}
             for start in (0, half) if entries[start:start + half]]
    return render("sections/contents.html.j2", lists=lists)
