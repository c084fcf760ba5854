"""The quarter's index page: each report with its one-line finding, links to the PDFs, figures and manifest."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from analysis.data.quarters import Quarter
from analysis.publish.execute import NotebookRun


def index_page(
    q: Quarter,
    area: str,
    extract_date,
    run_time: datetime,
    runs: list[NotebookRun],
    out_dir: Path,
    pack: str | None = None,
    pdf_note: str | None = None,
    spreadsheets: list[str] = (),
) -> str:
    """The quarter's index: each report with its one-line finding, the extract and run dates, neighbouring quarters.
    Like the reports, it runs no script and fetches nothing (rendering.CONTENT_SECURITY_POLICY)."""
    from analysis.publish.rendering import CONTENT_SECURITY_POLICY

    items = []
    for run in runs:
        if run.error:
            name = html.escape(run.name)
            title = (
                f'<a href="notebooks/{name}.ipynb">{html.escape(run.title)}</a>'
                if run.notebook
                else html.escape(run.title)
            )
            reached = (
                f'<a href="{name}.html">what it reached</a>'
                if run.page
                else "no page: it stopped before its outputs were saved"
                + ("; the notebook, linked here, shows the error" if run.notebook else "")
            )
            items.append(
                f'<li>{title} <strong class="failed">did not finish</strong>: {html.escape(run.error)} ({reached})</li>'
            )
        else:
            pdf_link = f' (<a href="{html.escape(run.name)}.pdf">PDF</a>)' if pack else ""
            items.append(
                f'<li><a href="{html.escape(run.name)}.html">{html.escape(run.title)}</a>{pdf_link}'
                + (f"<br><span>{html.escape(run.headline)}</span>" if run.headline else "")
                + "</li>"
            )
    neighbours = []
    for label, other in (("Previous quarter", q.previous), ("Same quarter last year", q.same_quarter_last_year)):
        if (out_dir / other.slug / "index.html").exists():
            neighbours.append(f'<a href="../{other.slug}/index.html">{label}: {other.label}</a>')
    css = (Path(__file__).parent / "templates" / "yjs_report" / "report.css").read_text()
    pack_link = f'<a href="{pack}">All reports as one A4 PDF for the committee pack</a>' if pack else ""
    extract_text = f"{extract_date:%d %B %Y}".lstrip("0")
    links = [
        f'<a href="{html.escape(name)}">{"Excel" if name.endswith(".xlsx") else "OpenDocument"}</a>'
        for name in spreadsheets
    ]
    tables_line = (
        f"<p>Every table in these reports, one per sheet, as a spreadsheet: {' or '.join(links)}.</p>\n"
        if links
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{html.escape(CONTENT_SECURITY_POLICY)}">
<title>Youth justice quarterly reports: {html.escape(area)}, {q.label}</title>
<style>{css}
body {{ font-family: Arial, Helvetica, sans-serif; }} ul.reports li {{ margin: 0 0 14px; font-size: 19px; }}
ul.reports span {{ font-size: 16px; color: #505a5f; }} .failed {{ color: #d4351c; }}</style></head>
<body><main>
<h1>Youth justice quarterly reports</h1>
<p><strong>Area:</strong> {html.escape(area)}<br><strong>Quarter:</strong> {q.label} ({q.period.months})<br>
<strong>Extract taken:</strong> {extract_text}<br><strong>Reports produced:</strong> {run_time:%d %B %Y at %H:%M} UTC</p>
<h2>Reports</h2>
<ul class="reports">{"".join(items)}</ul>
<p>{" ".join(part for part in (pack_link, html.escape(pdf_note or "")) if part)}</p>
<h2>Other quarters</h2>
<p>{" &middot; ".join(neighbours) if neighbours else "No earlier quarter has been produced in this folder yet."}</p>
<h2>For analysts</h2>
{tables_line}<p><a href="figures.csv">Every figure in these reports</a> (CSV, open-data shape; <a href="figures.meta.csv">what each measure is</a>, <a href="figures_README.md">what the columns mean</a>)
and the <a href="manifest.json">run manifest</a> (parameters, input checksums, package versions). Small numbers are
suppressed as [c] throughout.</p>
</main></body></html>
"""
