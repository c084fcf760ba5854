"""The committee pack's HTML (publish/pack.py): cover, contents, the summary first, the notes once, text escaped."""

from __future__ import annotations

import re
from datetime import date

from analysis.data.quarters import Quarter
from analysis.publish import pack

QUARTER = Quarter.parse("2025-26 Q4")
SHARED = "<p><strong>Small numbers.</strong> Counts of 1 to 4 are shown as [c].</p>"


def _cell(inner: str) -> str:
    return (
        '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell" id="cell-id=c1">\n'
        f'<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">\n{inner}\n</div>\n</div>'
    )


def _page(title: str, sections: list[str], own_note: str, shared: bool = True) -> str:
    """A report page shaped as rendering.to_html writes one (lab template, no code)."""
    body = _cell(f'<h1 id="{title.replace(" ", "-")}">{title}<a class="anchor-link" href="#x">¶</a></h1>')
    for section in sections:
        body += _cell(f'<h2 id="{section}">{section}<a class="anchor-link" href="#{section}">¶</a></h2><p>Text.</p>')
    body += _cell(
        '<h2 id="Notes-on-methods">Notes on methods<a class="anchor-link" href="#Notes-on-methods">¶</a></h2>'
    )
    notes = own_note + ("\n" + SHARED if shared else "")
    body += _cell(notes)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/><title>Old title</title>'
        '<meta content="default-src \'none\'" http-equiv="Content-Security-Policy"/><style>p {}</style></head>'
        f'<body class="jp-Notebook"><main>\n{body}\n</main></body></html>'
    )


def _reports():
    return [
        pack.read_report("00_overview", _page("Overview", ["Summary", "Caseload"], "<p>About the caseload.</p>")),
        pack.read_report("10_disparity", _page("Disparity", ["Summary"], "<p>About disparity.</p>")),
        pack.read_report("90_summary", _page("Quarterly summary", ["In brief"], "<p>About the summary.</p>")),
    ]


def _assemble(reports=None, area="Demo borough", restricted=False, pages=None, contact=pack.CONTACT) -> str:
    reports = reports or _reports()
    head = pack.head(_page("x", [], ""), "The pack's title")
    return pack.assemble(
        reports,
        head,
        area=area,
        quarter=QUARTER,
        restricted=restricted,
        produced=date(2026, 5, 7),
        extract_date=date(2026, 4, 20),
        contact=contact,
        pages=pages,
    )


def _running(doc: str) -> str:
    """The running header's styles, written for this pack."""
    at = doc.rindex("@top-left")
    return doc[at : doc.index("</style>", at)]


def _cover(doc: str) -> str:
    return doc[doc.index('<section class="pack-cover"') : doc.index("</section>")]


def test_a_report_page_is_taken_apart_into_title_sections_body_and_notes():
    report = pack.read_report("10_disparity", _page("Disparity", ["Summary", "Trend"], "<p>Own.</p>"))
    assert report.title == "Disparity"
    assert report.sections == [("pack-10_disparity-Summary", "Summary"), ("pack-10_disparity-Trend", "Trend")]
    assert "Notes on methods" not in report.body and "Own." not in report.body
    assert report.notes == ["<p>Own.</p>", SHARED]
    # ids and the links to them are the pack's own: every report has a "Summary"
    assert 'id="pack-10_disparity-Summary"' in report.body and 'href="#pack-10_disparity-Summary"' in report.body
    assert 'id="Summary"' not in report.body


def test_the_cover_names_area_quarter_marking_date_and_contact():
    cover = _cover(_assemble(contact="Performance team, 01234 567890"))
    for text in ("Demo borough", "2025-26 Q4", "January 2026 to March 2026", "PUBLIC", "7 May 2026", "20 April 2026"):
        assert text in cover, text
    assert "Performance team, 01234 567890" in cover and "RESTRICTED" not in cover
    restricted = _cover(_assemble(restricted=True))
    assert "RESTRICTED" in restricted and "PUBLIC" not in restricted and "do not publish" in restricted
    assert pack.CONTACT in restricted  # the default contact line


def test_the_running_header_names_area_quarter_and_marking():
    doc = _assemble(restricted=True)
    style = _running(doc)
    assert r"Demo borough\2c  2025\2d 26 Q4" in style and "RESTRICTED" in style


def test_the_summary_comes_first_and_each_report_starts_a_section_of_its_own():
    doc = _assemble()
    starts = [doc.index(f'<section class="pack-report" id="pack-{n}">') for n in ("90_summary", "00_overview")]
    assert starts == sorted(starts) and doc.index('id="pack-10_disparity"') > starts[1]
    assert doc.index("<h1>Notes on methods</h1>") > doc.index('id="pack-10_disparity"')


def test_the_contents_list_every_report_and_section_with_its_page():
    anchors = pack.contents_anchors(_reports())
    assert anchors == [
        "pack-90_summary",
        "pack-90_summary-In brief",
        "pack-00_overview",
        "pack-00_overview-Summary",
        "pack-00_overview-Caseload",
        "pack-10_disparity",
        "pack-10_disparity-Summary",
        "pack-notes",
    ]
    pages = {anchor: 3 + i for i, anchor in enumerate(anchors)}
    doc = _assemble(pages=pages)
    contents = doc[doc.index('<nav class="pack-contents"') : doc.index("</nav>")]
    entries = re.findall(
        r'href="#([^"]+)"><span class="entry">([^<]+)</span>.*?<span class="page">(\d+)</span>', contents
    )
    assert [(a, int(p)) for a, _, p in entries] == list(pages.items())
    assert [t for _, t, _ in entries][:3] == ["Quarterly summary", "In brief", "Overview"]
    placeholders = _assemble()  # before the first print: numbers of the same width
    assert re.findall(r'<span class="page">(\d+)</span>', placeholders) == [pack.PLACEHOLDER] * len(anchors)


def test_notes_several_reports_share_are_printed_once_and_each_reports_own_under_its_name():
    doc = _assemble()
    notes = doc[doc.index("<h1>Notes on methods</h1>") :]
    assert doc.count("<strong>Small numbers.</strong>") == 1
    assert notes.index("For every report") < notes.index("Small numbers") < notes.index("Quarterly summary")
    for title, own in (("Quarterly summary", "About the summary"), ("Disparity", "About disparity")):
        assert notes.index(f">{title}</h2>") < notes.index(own)
    assert notes.index("About the summary") < notes.index("About the caseload") < notes.index("About disparity")


def test_a_note_two_of_three_reports_share_is_under_both_their_names():
    reports = _reports()
    reports[1] = pack.read_report("10_disparity", _page("Disparity", [], "<p>About disparity.</p>", shared=False))
    notes = _assemble(reports)
    notes = notes[notes.index("<h1>Notes on methods</h1>") :]
    assert "For every report" not in notes and "For Quarterly summary and Overview</h2>" in notes


def test_text_from_the_inputs_is_escaped_in_the_page_and_in_its_styles():
    hostile = '</style><script>alert(1)</script><img src=x onerror=alert(2)> "quoted" \\ \n'
    doc = _assemble(area=hostile, contact=hostile)
    assert "<script>" not in doc and "<img src=x" not in doc and "</style><script>" not in doc
    assert doc.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # the cover's area and contact lines
    style = _running(doc)
    assert "<" not in style and '"quoted"' not in style and "\\3c " in style


def test_the_pack_keeps_the_pages_styles_and_their_policy_under_its_own_title():
    doc = _assemble()
    assert doc.count("<title>") == 1 and "<title>The pack&#x27;s title</title>" in doc
    assert "Content-Security-Policy" in doc and "Old title" not in doc
    assert '<html lang="en">' in doc
