"""The report's contents (目录), filled from the exported page's h2 headings.

The page is read with the standard library's HTML parser, which knows where tags end and
skips the text of <style> and <script>, and edited in place at the positions it reports:
everything outside the headings and the contents placeholder is passed through byte for
byte (the page carries base64 charts that must not be re-serialised).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from carbonpeak.templating import contents_html


@dataclass
class _Heading:
    start: int  # where <h2 begins
    tag_end: int  # just after the start tag's >
    attrs: list[tuple[str, str | None]]
    text: list[str] = field(default_factory=list)
    anchors: list[tuple[int, int]] = field(default_factory=list)  # nbconvert's ¶ links


def _classes(attrs: list[tuple[str, str | None]]) -> list[str]:
    return " ".join(v or "" for k, v in attrs if k == "class").split()


class _Outline(HTMLParser):
    """Where the h2 headings, their anchor links and the empty contents placeholders are
    (a nav.toc holding nothing but its p.toc-title 目录)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self._html = html
        self._lines = [0]  # where each line starts: getpos() counts lines and columns
        while (i := html.find("\n", self._lines[-1])) >= 0:
            self._lines.append(i + 1)
        self.headings: list[_Heading] = []
        self.placeholders: list[tuple[int, int]] = []
        self._h2: _Heading | None = None
        self._anchor: int | None = None  # start of an anchor link inside the heading
        self._toc: tuple[int, int] | None = None  # the open nav.toc: (start, nav depth)
        self._depth = 0  # navs open
        self._empty = False  # the open nav.toc holds only its title so far
        self._title: str | None = None  # text of the open p.toc-title, else None

    def _here(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def _end_of_tag(self, start: int) -> int:
        return self._html.index(">", start) + 1

    def handle_starttag(self, tag, attrs):
        start = self._here()
        if tag == "h2" and self._h2 is None:
            self._h2 = _Heading(start, start + len(self.get_starttag_text()), attrs)
        elif tag == "a" and self._h2 is not None and "anchor-link" in _classes(attrs):
            self._anchor = start
        if tag == "nav":
            self._depth += 1
            if "toc" in _classes(attrs) and self._toc is None:
                self._toc, self._empty = (start, self._depth), True
                return
        if self._toc is not None:
            if tag == "p" and "toc-title" in _classes(attrs) and self._title is None:
                self._title = ""
            else:
                self._empty = False

    def handle_endtag(self, tag):
        start = self._here()
        if tag == "a" and self._anchor is not None:
            self._h2.anchors.append((self._anchor, self._end_of_tag(start)))
            self._anchor = None
        elif tag == "h2" and self._h2 is not None:
            self.headings.append(self._h2)
            self._h2 = None
        elif tag == "p" and self._title is not None:
            self._empty = self._empty and self._title.strip() == "目录"
            self._title = None
        elif tag == "nav":
            if self._toc is not None and self._toc[1] == self._depth:
                if self._empty:
                    self.placeholders.append((self._toc[0], self._end_of_tag(start)))
                self._toc = None
            self._depth -= 1

    def handle_data(self, data):
        if self._h2 is not None and self._anchor is None:
            self._h2.text.append(data)
        if self._title is not None:
            self._title += data
        elif self._toc is not None and data.strip():
            self._empty = False


def _numbered(heading: _Heading, key: str) -> str:
    """The heading's start tag with id `key` first and any id it had dropped."""
    attrs = "".join(f" {k}" if v is None else f' {k}="{escape(v)}"'
                    for k, v in heading.attrs if k != "id")
    return f'<h2 id="{key}"{attrs}>'


def add_contents(html: str, min_sections: int = 5) -> str:
    """Give every h2 an id (sec-N) and, when the report has a contents placeholder
    (report.contents()) and at least `min_sections` sections, list them there (the
    contents template). On paper each entry carries its page number. The page-1 heading
    (class page1) is not listed."""
    outline = _Outline(html)
    outline.feed(html)
    outline.close()
    entries, edits = [], []  # edits: (start, end, replacement), in page order
    for h in outline.headings:
        if "page1" in _classes(h.attrs):
            continue
        entries.append((f"sec-{len(entries) + 1}", "".join(h.text).strip()))
        edits.append((h.start, h.tag_end, _numbered(h, entries[-1][0])))
        edits += [(a, b, "") for a, b in h.anchors]
    filled = len(entries) >= min_sections
    for i, (a, b) in enumerate(outline.placeholders):
        if not filled:
            edits.append((a, b, ""))
        elif i == 0:
            edits.append((a, b, contents_html(entries)))
    out, at = [], 0
    for a, b, text in sorted(edits):
        out += [html[at:a], text]
        at = b
    return "".join(out) + html[at:]
