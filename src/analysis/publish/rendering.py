"""Executed notebook -> HTML a councillor can read: no code, real alt text, no scripts from the internet."""

from __future__ import annotations

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
    html_path.write_text(body, encoding="utf-8")
