"""View models in, HTML out: the Jinja2 environment every report section renders through.

Autoescaping is on for every template, so a name from the data can never become markup.
A rendered section is an `HTML` object: IPython shows it in JupyterLab with the report's own
stylesheet (scoped to the fragment, so Lab's interface keeps its look); the report template
drops that per-fragment stylesheet because the page carries it once.
"""

from __future__ import annotations

from functools import cache

import yaml

from carbonpeak.templating import NOTEBOOK_STYLE_MARK, REPORT_TEMPLATES, css, env, render

__all__ = ["HTML", "NOTEBOOK_STYLE_MARK", "REPORT_TEMPLATES", "css", "env", "fill", "headed",
           "phrases", "render", "say", "section", "words"]


@cache
def phrases() -> dict:
    """Sentence patterns an analyst can edit (templates/report/phrases.yml)."""
    return yaml.safe_load((REPORT_TEMPLATES / "phrases.yml").read_text(encoding="utf-8"))


def fill(patterns: dict, key: str, **values) -> str:
    """The pattern at dotted `key` of a phrase file, its blanks filled (plain text; the
    template escapes it)."""
    pattern = patterns
    for part in key.split("."):
        pattern = pattern[part]
    return str(pattern).format(**values)


def words(final: bool) -> dict:
    """The report mode's table of words (phrases.yml `vocabulary`): the final evaluation's or
    the progress year's, whichever the report is (narrative.is_final decides)."""
    return phrases()["vocabulary"]["final" if final else "progress"]


def say(key: str, **values) -> str:
    """The phrase `key` of the report's phrase file with its blanks filled."""
    return fill(phrases(), key, **values)


class HTML:
    """A rendered section. In a notebook it displays with the report stylesheet; the package
    does not import IPython."""

    def __init__(self, body: str):
        self.body = body

    def _repr_html_(self) -> str:
        return render("notebook_fragment.html.j2", css=css(), body=self.body,
                      mark=NOTEBOOK_STYLE_MARK)

    def __str__(self) -> str:
        return self.body

    def __repr__(self) -> str:  # the executed notebook's text/plain: short, no data
        return "<报告片段>"


def section(template: str, **view) -> HTML:
    return HTML(render(f"sections/{template}.html.j2", **view))


def headed(name: str, body: HTML, province: bool = False, mode: dict | None = None) -> HTML:
    """A section under its heading and introduction (phrases.yml `sections`): whichever
    template renders the section (its data may be missing), the notebook that calls it
    carries no report text and the 目录 lists the same headings. An introduction with
    {blanks} takes them from the report mode's words (`mode`, see `words`)."""
    words = phrases()["sections"][name]
    intro = words.get("intro_province", words.get("intro")) if province else words.get("intro")
    if intro and mode is not None:
        intro = intro.format(**mode)
    head = render("sections/heading.html.j2", heading=words.get("heading", ""),
                  intro=intro or "", level=int(words.get("level", 2)))
    return HTML(head + str(body))
