"""GX Data Docs for the run's quality/docs/: GX's pages for each suite and validation,
made readable offline, under an index page of our own."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

from carbonpeak import reference
from carbonpeak.findings import ERROR
from carbonpeak.paths import TEMPLATES_DIR

QUALITY_TEMPLATES = TEMPLATES_DIR / "quality"

# What GX's pages pull from the network (Bootstrap, jQuery, Vega, Font Awesome from CDNs,
# a logo from S3). The docs must open offline, so these tags go and a small stylesheet
# (templates/quality/offline.css) takes Bootstrap's place.
_EXTERNAL_TAG = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*/?>"
    r"|<img\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*/?>"
    r"|<(?:link|img)\b[^>]*\b(?:href|src)=[\"']?(?:\.\.?/)*static/[^>]*/?>",
    re.IGNORECASE | re.DOTALL)
_EXTERNAL_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*", re.IGNORECASE)


def make_offline(html: str) -> str:
    """GX's Data Docs page without anything fetched from the network."""
    html = _EXTERNAL_TAG.sub("", html)
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.IGNORECASE | re.DOTALL)
    html = _EXTERNAL_URL.sub("#", html)
    style = _render("offline_head.html.j2")
    if re.search(r"<head[^>]*>", html, re.IGNORECASE):
        return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + style, html, count=1,
                      flags=re.IGNORECASE)
    return style + html


def build_data_docs(ctx, docs_dir: Path, summary: list[dict] | None = None) -> None:
    """GX's pages for each suite and validation, made readable offline, under an index of
    our own (GX's index draws its table with JavaScript from a CDN)."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "show_how_to_buttons": False,
    }
    try:
        ctx.add_data_docs_site(site_name="carbonpeak", site_config=site)
        ctx.build_data_docs(site_names=["carbonpeak"])
    except Exception as e:  # noqa: BLE001 - docs are a courtesy; results.json is the record
        (docs_dir / "ERROR.txt").write_text(f"Data Docs could not be built: {e}\n")
        return
    shutil.rmtree(docs_dir / "static", ignore_errors=True)  # CDN-bound scripts, fonts, logos
    for page in docs_dir.rglob("*.html"):
        page.write_text(make_offline(page.read_text(encoding="utf-8")), encoding="utf-8")
    (docs_dir / "index.html").write_text(docs_index(docs_dir, summary or []), encoding="utf-8")


def docs_index(docs_dir: Path, summary: list[dict]) -> str:
    """A plain page linking each table's validation result and suite, with its counts."""
    rows = []
    for table, spec in reference.tables().items():
        mine = [s for s in summary if s["table"] == table]
        failed = [s for s in mine if s["verdict"] == "fail"]
        errors = sum(s["severity"] == ERROR for s in failed)
        links = [{"href": p.relative_to(docs_dir).as_posix(), "label": label}
                 for label, pattern in (("检查结果", f"validations/{table}/**/*.html"),
                                        ("检查规则", f"expectations/{table}.html"))
                 for p in sorted(docs_dir.glob(pattern))[-1:]]
        rows.append({"title": spec.get("title_zh", table), "table": table, "checks": len(mine),
                     "errors": errors, "notes": len(failed) - errors, "links": links})
    return _render("docs_index.html.j2", rows=rows)


@cache
def _env():
    """Autoescaping, like the report's environment (carbonpeak.report.view), which the
    quality stage does not import: report reads quality, not the other way round."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(QUALITY_TEMPLATES)),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def _render(template: str, **view) -> str:
    return _env().get_template(template).render(**view)
