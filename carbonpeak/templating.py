"""The report templates' Jinja2 environment and stylesheet, and the filled contents list:
what the report sections need (in the kernels) and what the HTML export needs (in the render
workers, which import this module and not the report package, nor pandas with it).

Autoescaping is on for every template, so a name from the data can never become markup. A
section's notebook output carries its own copy of the stylesheet for JupyterLab, marked with
NOTEBOOK_STYLE_MARK; the export drops those copies and inlines the sheet once.
"""

from __future__ import annotations

from functools import cache

from carbonpeak import status
from carbonpeak.paths import TEMPLATES_DIR

REPORT_TEMPLATES = TEMPLATES_DIR / "report"
NOTEBOOK_STYLE_MARK = "data-carbonpeak-notebook"


@cache
def css() -> str:
    return (REPORT_TEMPLATES / "report.css").read_text(encoding="utf-8")


@cache
def env():
    import jinja2

    e = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(REPORT_TEMPLATES)),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=False)
    e.globals["status_zh"] = status.WORDS  # grading.yml: the one table of status words
    e.globals["reason_zh"] = status.REASONS
    return e


def render(template: str, **view) -> str:
    return env().get_template(template).render(**view)


def contents_html(entries: list[tuple[str, str]]) -> str:
    """The filled contents (目录) from (id, heading) pairs: two short lists side by side."""
    half = (len(entries) + 1) // 2
    lists = [{"start": start + 1, "entries": [{"id": i, "text": t}
                                              for i, t in entries[start:start + half]]}
             for start in (0, half) if entries[start:start + half]]
    return render("sections/contents.html.j2", lists=lists)
