"""Executed notebook -> HTML a councillor can read: no code, real alt text, no scripts from the internet, and a
contents list at the top of every long page."""

from __future__ import annotations

import html
import re
import threading
from functools import cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"
# Every page (the reports and the quarter's index) tells the browser to run no script and fetch nothing: its charts
# are inline PNGs and its styles inline, so nothing else is needed, and text from an input file that slipped past
# escaping still could not run or call out.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)
_one_at_a_time = threading.Lock()
# A page with this many sections (h2 headings) or more gets a contents list at its top
CONTENTS_FROM = 3
_H2 = re.compile(r"<h2\b([^>]*)>(.*?)</h2>", re.S)
_ID = re.compile(r"""\sid=(["'])(.*?)\1""")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]*>")


@cache
def exporter() -> HTMLExporter:
    """One exporter for every page: building one compiles its templates, a quarter of a second each time."""
    return HTMLExporter(
        template_name="yjs_report",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def to_html(notebook: Path, html_path: Path, title: str) -> None:
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["title"] = title
    # Parameter cells print nothing; drop them so the page holds only the report.
    nb.cells = [c for c in nb.cells if not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
    with _one_at_a_time:  # the exporter sets filters for the notebook it converts
        body, _ = exporter().from_notebook_node(nb, resources={"content_security_policy": CONTENT_SECURITY_POLICY})
    html_path.write_text(with_contents(body), encoding="utf-8")


def with_contents(page: str, at_least: int = CONTENTS_FROM) -> str:
    """The page with a contents list (links to each h2 section) before its first section, if it has `at_least`
    sections. Every h2 gets an id if it has none (Markdown headings have one from nbconvert; a heading written as
    HTML by a cell may not)."""
    sections: list[tuple[str, str]] = []
    used = {m.group(2) for m in _ID.finditer(page)}

    def heading(match: re.Match) -> str:
        attributes, inner = match.groups()
        found = _ID.search(attributes)
        if found:
            anchor = html.unescape(found.group(2))
        else:
            anchor = f"section-{len(sections) + 1}"
            while anchor in used:
                anchor += "-1"
            used.add(anchor)
            attributes = f' id="{html.escape(anchor)}"{attributes}'
        text = _TAG.sub("", _ANCHOR.sub("", inner)).strip()
        sections.append((anchor, text))
        return f"<h2{attributes}>{inner}</h2>"

    page = _H2.sub(heading, page)
    if len(sections) < at_least:
        return page
    first = _H2.search(page)
    assert first is not None
    cell = page.rfind('<div class="jp-Cell ', 0, first.start())  # before the notebook cell holding the first section
    at = cell if cell >= 0 else first.start()
    items = "".join(f'<li><a href="#{html.escape(anchor)}">{text}</a></li>' for anchor, text in sections)
    nav = (
        '<nav class="page-contents" aria-labelledby="page-contents-title">'
        f'<p class="page-contents-title" id="page-contents-title">Contents</p><ol>{items}</ol></nav>\n'
    )
    return page[:at] + nav + page[at:]
