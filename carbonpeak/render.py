"""Executed notebook -> self-contained HTML (nbconvert, in-process) -> A4 PDF (WeasyPrint).

Both libraries are imported lazily and their exporters reused across regions in one
process: through the CLIs each would cost seconds per report.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from carbonpeak.paths import TEMPLATES_DIR

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


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
    return exporter


@cache
def css() -> str:
    return (TEMPLATES_DIR / "report" / "report.css").read_text(encoding="utf-8")


def notebook_to_html(nb, title: str, running_header: str) -> str:
    """HTML for an executed notebook node; refuses to produce anything that calls out."""
    header_css = running_header.replace("\\", "").replace('"', "").replace("<", "")
    resources = {"report": {"title": title, "running_header_css": header_css, "css": css(),
                            "default_alt": title}}
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    html = add_contents(html)
    if _EXTERNAL.search(html) or "<script" in html.lower():
        raise ValueError("report HTML would load an external resource or run a script")
    return html


_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<body>.*?)</h2>", re.S)
# report.contents(); nbconvert may reorder its attributes
_TOC = re.compile(r'<nav[^>]*class="toc"[^>]*>\s*<p class="toc-title">目录</p>\s*</nav>')
_TAG = re.compile(r"<[^>]+>")


def add_contents(html: str, min_sections: int = 5) -> str:
    """Number every h2 (id="sec-N") and, when the report has a contents placeholder
    (report.contents()) and at least `min_sections` sections, list them there. On paper
    each entry carries its page number (WeasyPrint's target-counter)."""
    entries = []

    def number(m: re.Match) -> str:
        attrs = re.sub(r'\sid="[^"]*"', "", m.group("attrs"))
        body = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", m.group("body"), flags=re.S)
        entries.append((f"sec-{len(entries) + 1}", _TAG.sub("", body).strip()))
        return f'<h2 id="{entries[-1][0]}"{attrs}>{body}</h2>'

    html = _H2.sub(number, html)
    if len(entries) < min_sections:
        return _TOC.sub("", html)
    # two lists side by side (CSS columns would cost WeasyPrint a balancing pass per page)
    half = (len(entries) + 1) // 2
    lists = "".join(
        f'<ol start="{start + 1}">'
        + "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in entries[start:start + half])
        + "</ol>" for start in (0, half) if entries[start:start + half])
    toc = ('<nav class="toc" aria-label="目录"><p class="toc-title">目录</p>'
           f'<div class="toc-cols">{lists}</div></nav>')
    return _TOC.sub(lambda _: toc, html, count=1)


def html_to_pdf(html: str, out: Path, base_url: Path | None = None) -> None:
    from weasyprint import HTML

    HTML(string=html, base_url=str(base_url or out.parent)).write_pdf(out)
