"""The demo quarter's direction of travel, as a board member reads it: the rising reoffending rate is reported as a
signal with its method named, and the index, the summary and the reoffending report give one reoffending headline."""

from __future__ import annotations

import html
import re
import unicodedata

from conftest import QUARTER

HEADLINE = r"([\d.]+%) of children cautioned, sentenced or released from custody in (\w{3} \d{4} to \w{3} \d{4})"


def _text(path) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", path.read_text())))


def test_the_summary_reports_the_demos_rising_reoffending_as_a_signal_and_names_the_method(refreshed):
    _, out, _ = refreshed
    page = _text(out / QUARTER.replace(" ", "-") / "90_summary.html")
    brief = page[page.index("The quarter in brief ¶") :][:3000]  # the section, not its line in the contents list
    first = brief[len("The quarter in brief") :].strip(" ¶").split(". ")[0]
    assert first.startswith("The binary reoffending rate has risen in each of the last seven quarters"), first
    assert "the rise is larger than chance would explain (Cochran–Armitage test for trend in a share)" in brief
    assert "no headline measure" not in brief


def test_index_summary_and_report_give_the_same_reoffending_headline(refreshed):
    _, out, _ = refreshed
    folder = out / QUARTER.replace(" ", "-")
    index = _text(folder / "index.html")
    item = index[index.index("Reoffending ") :]
    rate, cohort = re.search(HEADLINE, item).groups()
    assert "the latest complete 12-month cohort" in item
    summary = _text(folder / "90_summary.html")
    bullet = summary[summary.index("Reoffending:") :][:600]
    assert re.search(HEADLINE, bullet).groups() == (rate, cohort)
    report = _text(folder / "30_reoffending.html")
    assert re.search(rf"in the latest complete 12-month cohort \({cohort}\), \d+ children \({re.escape(rate)}", report)


def test_the_summary_prints_its_first_page_on_one_a4_sheet_with_the_annex_after(refreshed):
    import pytest
    from pypdf import PdfReader

    from analysis.reports.summary import words

    _, out, _ = refreshed
    pdf = out / QUARTER.replace(" ", "-") / "90_summary.pdf"
    if not pdf.exists():
        pytest.skip("no Chromium, so no PDF to check")
    pages = PdfReader(pdf).pages
    width, height = (float(x) for x in pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    # NFKC: the PDF's text has ligatures ("ﬀ" for "ff")
    first, second = (re.sub(r"\s+", " ", unicodedata.normalize("NFKC", p.extract_text())) for p in pages[:2])
    assert "The quarter in brief" in first and "The binary reoffending rate has risen" in first
    for _, title, _ in words.TILES:  # every tile, whole, on the first page
        assert re.sub(r"\s+", " ", title) in first, title
    assert "Marks: Concern or Improvement" in first and "Annex" not in first
    second = re.sub(r"^\s*Page \d+ of \d+", "", second)  # the page number printed in the page's margin
    assert second.lstrip().startswith("Annex: the quarter in words")
