"""Executed notebook -> self-contained HTML (nbconvert, in-process) -> A4 PDF (WeasyPrint).

Both libraries are imported lazily and their exporters reused across regions in one
process: through the CLIs each would cost seconds per report.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from carbonpeak.paths import TEMPLATES_DIR
from carbonpeak.run.contents import add_contents
from carbonpeak.templating import NOTEBOOK_STYLE_MARK, css

__all__ = ["add_contents", "css", "html_to_pdf", "keep_pdf", "notebook_to_html", "pdf_key"]

_NOTEBOOK_STYLE = re.compile(rf"<style {NOTEBOOK_STYLE_MARK}>.*?</style>", re.S)
# Attributes in the report template's own markup that would make the page load something:
# external src/href, <script>, <link>, @import. Text in the data (a URL in a name) is text,
# escaped by the templates, and never matches these.
_LOADS = re.compile(r"""<(?:script|link|iframe|object|embed)\b|"""
                    r"""<[a-z]+[^>]*\s(?:src|href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//|"""
                    r"""@import""", re.I)


def without_notebook_style(html: str) -> str:
    """A section's HTML output without the stylesheet it carries for JupyterLab."""
    return _NOTEBOOK_STYLE.sub("", html)


def b64_text(text: str) -> str:
    """An inline SVG chart as base64 for a data: URL."""
    return base64.b64encode(text.encode()).decode()


# Jinja filters the report template uses; the CLI takes them as
# --TemplateExporter.filters={name: "carbonpeak.run.render.<function>"} (see bench.py).
FILTERS = {"without_notebook_style": without_notebook_style, "b64_text": b64_text}


@cache
def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    for name, function in FILTERS.items():
        exporter.register_filter(name, function)
    return exporter


def check_loads_nothing(html: str) -> None:
    """The render guard: refuse a page that would fetch or run anything."""
    if m := _LOADS.search(html):
        raise ValueError(f"report HTML would load an external resource: {m.group(0)[:60]!r}")


def _css_string(text: str) -> str:
    return text.replace("\\", "").replace('"', "").replace("<", "")


def notebook_to_html(nb, title: str, running_header: str, running_title: str = "") -> str:
    """HTML for an executed notebook node; refuses to produce anything that calls out.
    running_header goes top left on every printed page, running_title (when given) top
    right, instead of the stylesheet's default."""
    resources = {"report": {"title": title, "running_header_css": _css_string(running_header),
                            "running_title_css": _css_string(running_title), "css": css(),
                            "default_alt": title}}
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    html = add_contents(html)
    check_loads_nothing(html)
    return html


def _relative(target: str, folder: Path) -> str:
    """file:///…/330100/indicators-330100.csv -> indicators-330100.csv: a link in the PDF
    points at the file beside it, wherever the folder is copied."""
    u = urlparse(target)
    if u.scheme != "file":
        return target
    rel = os.path.relpath(unquote(u.path), folder).replace(os.sep, "/")
    return rel + (f"#{u.fragment}" if u.fragment else "")


def html_to_pdf(html: str, out: Path, base_url: Path | None = None) -> None:
    from weasyprint import HTML

    folder = Path(base_url or out.parent).resolve()
    doc = HTML(string=html, base_url=str(folder) + os.sep).render()
    for page in doc.pages:
        page.links = [(kind, _relative(target, folder) if kind == "external" else target,
                       rect, box) for kind, target, rect, box in page.links]
    doc.write_pdf(out)


def pdf_key(html: str) -> str:
    """What a report's PDF is a function of: its HTML (stylesheet, charts and links inline)
    and the WeasyPrint that lays it out. manifest.json keeps it beside each region's files."""
    import weasyprint

    return f"{hashlib.sha256(html.encode()).hexdigest()}:weasyprint-{weasyprint.__version__}"


def keep_pdf(published: Path, key: str, recorded: str | None, out: Path) -> bool:
    """The published PDF copied to `out` when it was laid out from the same HTML (`key` ==
    the `recorded` one): WeasyPrint is most of a report's cost, and an unchanged page lays out
    the same. False (nothing copied) when there is no such PDF."""
    if not recorded or recorded != key or not published.is_file():
        return False
    shutil.copyfile(published, out)
    return True
