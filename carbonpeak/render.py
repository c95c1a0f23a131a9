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
    if _EXTERNAL.search(html) or "<script" in html.lower():
        raise ValueError("report HTML would load an external resource or run a script")
    return html


def html_to_pdf(html: str, out: Path, base_url: Path | None = None) -> None:
    from weasyprint import HTML

    HTML(string=html, base_url=str(base_url or out.parent)).write_pdf(out)
