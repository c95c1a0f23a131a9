"""Page 1: the cover line, the key messages with the lights tally, and the contents."""

from __future__ import annotations

from carbonpeak import reference
from carbonpeak.report import narrative
from carbonpeak.report.appendix import verdict_word
from carbonpeak.report.context import ReportContext
from carbonpeak.report.view import HTML, say, section
from carbonpeak.status import KEYS as STATUSES


def title(ctx: ReportContext) -> str:
    """The document title, from the pipeline file, as the runner prints it on the page."""
    return ctx.chain.report_titles(ctx.region_name, ctx.period)[0]


def period_line(ctx: ReportContext) -> str:
    """Where the reporting year sits in its plan period: the target year (final evaluation)
    or year k of the period."""
    p = narrative.plan_period(ctx)
    if p is None:
        return ""
    if narrative.is_final(ctx):
        return say("cover.period_final", period=p["name_zh"])
    return say("cover.period_year", period=p["name_zh"], k=ctx.year - p["baseline_year"])


def basis(ctx: ReportContext) -> str:
    """The documents the targets come from: the plan, and for a later period the documents
    (or 示例值 marking) of the reference files its numeric targets are taken from."""
    text = say("cover.basis")
    sources = [s for s in ctx.indicators.get("target_source_zh", []) if isinstance(s, str) and s]
    extra = [s for s in dict.fromkeys(sources) if s not in text and "实施方案" not in s]
    if extra:
        text += say("cover.basis_more", sources="；".join(extra))
    if narrative.illustrative_targets(ctx.indicators):
        text += say("cover.illustrative")
    return text


def banner(dataset: dict) -> str:
    return dataset.get("banner_zh", "示例数据，非官方统计") if dataset.get("illustrative") else ""


def cover_view(ctx: ReportContext) -> dict:
    return {"banner": banner(ctx.dataset), "title": title(ctx), "region": ctx.region_name,
            "code": ctx.region_code, "year": ctx.year, "period": period_line(ctx),
            "kicker": ctx.chain.kicker(ctx.period), "basis": basis(ctx),
            "vintage": ctx.dataset.get("vintage_zh", "—"),
            "verdict": verdict_word(ctx.verdict.get("verdict")),
            "generated": ctx.generated, **up_links(ctx.region_code)}


def up_links(code: str) -> dict:
    """The report one level up (a county's city, a city's province) and where the region is
    listed in the index (a county under its city's list): the annual reports' and the
    briefs' covers alike."""
    up = reference.parent(code)
    county = reference.level(code) == "county"
    return {"parent": {"code": up, "name": reference.region_name(up)} if up else None,
            "index_anchor": f"#counties-{up}" if county else ""}


def cover(ctx: ReportContext) -> HTML:
    return section("cover", **cover_view(ctx))


def summary_view(ctx: ReportContext) -> dict:
    n = narrative.counts(ctx.indicators)
    return {"messages": narrative.key_messages(ctx),
            "tallies": [{"status": s, "n": n[s]} for s in STATUSES],
            "not_applicable": n["not_applicable"]}


def summary(ctx: ReportContext) -> HTML:
    """Three to five key messages and the lights tally: the picture, on page 1."""
    return section("summary", **summary_view(ctx))


def contents() -> HTML:
    """Where the contents go; render.add_contents fills them from the report's headings."""
    return section("contents", lists=[])
