"""The brief's Jinja2 environment: its own templates (templates/brief/) first, then the annual
report's (layout, _macros with the light component), so both look the same. Autoescape on.
Sections are returned as carbonpeak.report.view.HTML, which displays in JupyterLab with the
report stylesheet and is exported by the same nbconvert template as the annual report."""

from __future__ import annotations

from functools import cache

import yaml

from carbonpeak import status
from carbonpeak.paths import TEMPLATES_DIR
from carbonpeak.report.view import HTML, REPORT_TEMPLATES, fill

BRIEF_TEMPLATES = TEMPLATES_DIR / "brief"


@cache
def env():
    import jinja2

    e = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(BRIEF_TEMPLATES), str(REPORT_TEMPLATES)]),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    e.globals["status_zh"] = status.WORDS  # grading.yml: the one table of status words
    e.globals["reason_zh"] = status.REASONS
    return e


@cache
def phrases() -> dict:
    """Sentence patterns of the brief (templates/brief/phrases.yml)."""
    return yaml.safe_load((BRIEF_TEMPLATES / "phrases.yml").read_text(encoding="utf-8"))


def say(key: str, **values) -> str:
    """The phrase `key` of the brief's phrase file with its blanks filled."""
    return fill(phrases(), key, **values)


def render(template: str, **view) -> str:
    return env().get_template(template).render(**view)


def section(template: str, **view) -> HTML:
    return HTML(render(f"sections/{template}.html.j2", **view))
