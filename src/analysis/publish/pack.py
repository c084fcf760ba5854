"""The committee pack: the quarter's reports as one A4 document, as a clerk files it, printed by the system Chromium.

One HTML document is built from the reports' executed pages: a cover (area, quarter, PUBLIC or RESTRICTED, the date
produced, who to contact), the contents with page numbers, the summary and then the other reports (each from a new
page), and the reports' notes on methods once, in an appendix: a note that several reports carry is printed once,
under the reports it belongs to, and a report's own notes under its name. Every page carries the area and quarter,
the marking, and its page number (CSS ``@page`` margin boxes).

Chromium has no ``target-counter()``, so the contents' page numbers come from a first print: each contents entry
links to its section, Chromium writes those links' targets as named destinations, and pypdf reads the page each one
landed on. The pack is then printed again with those numbers. The numbers sit in boxes of a fixed width, so the
second print lays out exactly as the first; this is checked, and the pack printed once more if not.

Chromium prints tagged PDFs (``/StructTreeRoot``, ``/MarkInfo``, ``/Lang`` from ``<html lang>``), titled from the
document's ``<title>`` and shown by that title (``/DisplayDocTitle``); its outline (bookmarks) is made from the
headings: each report's title at the top level, its sections beneath. The PDF is not changed afterwards, so the
tags stay as Chromium wrote them.

Text from the inputs (the area's name) and the contact line are escaped here, in the page and in the CSS of the
running header; the reports' own pages were escaped when they were made.
"""

from __future__ import annotations

import html
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analysis.data.quarters import Quarter

CONTACT = "Youth Justice Service performance team"  # the cover's contact line unless --set contact=... says otherwise
NOTES_ID = "Notes-on-methods"  # the heading each report's notes on methods start with (## Notes on methods)
TITLE = "Youth justice quarterly reports"
CSS = Path(__file__).parent / "templates" / "pack" / "pack.css"
PLACEHOLDER = "0"  # a page number before the first print: the numbers' boxes are of a fixed width
PRINTS = 3  # at most: the first for the page numbers, the second with them, a third only if the second moved

_HEADING = re.compile(r"<h([12])\b([^>]*)>(.*?)</h\1>", re.S)
_ID = re.compile(r"""\sid=(["'])(.*?)\1""")
_TAG = re.compile(r"<[^>]*>")
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)


@dataclass
class Report:
    """One report's page, taken apart for the pack."""

    name: str  # the page's file name without .html, e.g. 90_summary
    title: str  # its first heading, as HTML text (escaped)
    body: str  # the report without its notes on methods, every id (and link to one) made the pack's own
    sections: list[tuple[str, str]] = field(default_factory=list)  # (id in the pack, heading as HTML) of each h2
    notes: list[str] = field(default_factory=list)  # its notes on methods, one HTML block (paragraph, list) each

    @property
    def anchor(self) -> str:
        return f"pack-{self.name}"


def _text(fragment: str) -> str:
    """A heading's HTML as text for the contents (still escaped): without tags or its ¶ link."""
    return " ".join(_TAG.sub("", _ANCHOR.sub("", fragment)).split())


def _own_ids(fragment: str, prefix: str) -> str:
    """The fragment's ids, and the links to them, made unique in the pack (every report has a "Summary")."""
    fragment = re.sub(r"""(\s(?:id|for)=["'])""", rf"\1{prefix}-", fragment)
    fragment = re.sub(r"""(\s(?:aria-labelledby|aria-describedby)=["'])([^"']*)""", _prefixed_list(prefix), fragment)
    return re.sub(r"""(\shref=["']#)""", rf"\1{prefix}-", fragment)


def _prefixed_list(prefix: str):
    return lambda m: m.group(1) + " ".join(f"{prefix}-{i}" for i in m.group(2).split())


def _main(page: str) -> str:
    start, end = page.find("<main>"), page.rfind("</main>")
    if start < 0 or end < 0:
        raise ValueError("not a report page (no <main>)")
    return page[start + len("<main>") : end]


def _note_blocks(notes: str) -> list[str]:
    """The notes section's paragraphs and lists, each as HTML, without the section's heading."""
    from bs4 import BeautifulSoup, Tag

    blocks = []
    for rendered in BeautifulSoup(notes, "html.parser").select("div.jp-RenderedHTMLCommon"):
        for child in rendered.children:
            if isinstance(child, Tag) and not (child.name == "h2" and child.get("id") == NOTES_ID):
                blocks.append(str(child))
    return blocks


def read_report(name: str, page: str) -> Report:
    """A report's page (HTML, as rendering.to_html writes it) taken apart: title, sections, body and notes."""
    main = _main(page)
    at = main.find(f'id="{NOTES_ID}"')
    if at >= 0:  # the notes start with the cell that holds their heading, and run to the end of the report
        cell = main.rfind('<div class="jp-Cell ', 0, at)
        body, notes = main[:cell], main[cell:]
    else:
        body, notes = main, ""
    body = _own_ids(body, f"pack-{name}")
    title, sections = "", []
    for match in _HEADING.finditer(body):
        level, attributes, inner = match.groups()
        if level == "1" and not title:
            title = _text(inner)
        elif level == "2" and (found := _ID.search(attributes)):
            sections.append((html.unescape(found.group(2)), _text(inner)))
    title = title or html.escape(name.split("_", 1)[-1].replace("_", " ").capitalize())
    return Report(name, title, body, sections, _note_blocks(notes))


def head(page: str, title: str) -> str:
    """A report page's <head> (its styles and its Content-Security-Policy: no script), with the pack's title."""
    start, end = page.find("<head>"), page.find("</head>")
    if start < 0 or end < 0:
        raise ValueError("not a report page (no <head>)")
    inner = page[start + len("<head>") : end]
    inner = re.sub(r"<title>.*?</title>", "", inner, count=1, flags=re.S)
    return f"<head>\n<title>{html.escape(title)}</title>{inner}"


def _css_string(text: str) -> str:
    """Text as a CSS string: every character but letters, digits and spaces as a hex escape (ended by a space, which
    the escape takes as its own), so that nothing in it (a quote, a backslash, "</style>") can end the string or the
    style sheet."""
    return '"' + "".join(c if c.isalnum() and c.isascii() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def _grouped_notes(reports: list[Report]) -> list[tuple[list[Report], list[str]]]:
    """The notes, each once: grouped by the reports that carry it (those every report carries first, then those
    several carry, then each report's own), in the order they first appear."""
    carried: dict[str, list[Report]] = {}
    for report in reports:
        for block in report.notes:
            key = " ".join(block.split())
            if report not in carried.setdefault(key, []):
                carried[key].append(report)
    first_seen = {}
    for report in reports:
        for block in report.notes:
            first_seen.setdefault(" ".join(block.split()), block)
    groups: dict[tuple[str, ...], list[str]] = {}
    for key, block in first_seen.items():
        groups.setdefault(tuple(r.name for r in carried[key]), []).append(block)
    by_name = {r.name: r for r in reports}
    order = sorted(groups, key=lambda names: (-len(names), [list(by_name).index(n) for n in names]))
    return [([by_name[n] for n in names], groups[names]) for names in order]


def _notes_heading(owners: list[Report], everyone: int) -> str:
    if len(owners) == everyone and everyone > 1:
        return "For every report"
    if len(owners) == 1:
        return owners[0].title
    return "For " + ", ".join(r.title for r in owners[:-1]) + " and " + owners[-1].title


def _ordered(reports: list[Report]) -> list[Report]:
    """The summary (90 to 99) first, then the others in their order."""
    from analysis.publish.schedule import is_summary

    return [r for r in reports if is_summary(Path(r.name))] + [r for r in reports if not is_summary(Path(r.name))]


def contents_anchors(reports: list[Report]) -> list[str]:
    """What the contents list (each entry's link target), in order."""
    found = []
    for report in _ordered(reports):
        found += [report.anchor, *(anchor for anchor, _ in report.sections)]
    return found + (["pack-notes"] if any(r.notes for r in reports) else [])


def _entry(anchor: str, text: str, pages: dict[str, int] | None, kind: str) -> str:
    number = str(pages[anchor]) if pages and anchor in pages else PLACEHOLDER
    return (
        f'<li class="{kind}"><a href="#{html.escape(anchor)}"><span class="entry">{text}</span>'
        f'<span class="leader" aria-hidden="true"></span><span class="page">{number}</span></a>'
    )


def assemble(
    reports: list[Report],
    page_head: str,
    *,
    area: str,
    quarter: Quarter,
    restricted: bool,
    produced: date,
    extract_date: date | None = None,
    contact: str = CONTACT,
    pages: dict[str, int] | None = None,
) -> str:
    """The pack as one HTML document. `pages` gives the page each contents entry starts on (by its anchor), from an
    earlier print; without it the contents show placeholders of the same width."""
    reports = _ordered(reports)
    marking = "RESTRICTED" if restricted else "PUBLIC"
    area_html, contact_html = html.escape(area), html.escape(contact)
    running = f"{area}, {quarter.label}"
    groups = _grouped_notes(reports)

    contents = []
    for report in reports:
        items = "".join(_entry(a, text, pages, "section") + "</li>" for a, text in report.sections)
        contents.append(_entry(report.anchor, report.title, pages, "report") + (f"<ol>{items}</ol>" if items else ""))
        contents[-1] += "</li>"
    notes_html = []
    for i, (owners, blocks) in enumerate(groups):
        heading = _notes_heading(owners, len(reports))
        notes_html.append(f'<h2 id="pack-notes-{i + 1}">{heading}</h2>\n' + "\n".join(blocks))
    if groups:  # where each group of notes lands is not known before printing: the appendix has one entry
        contents.append(_entry("pack-notes", "Notes on methods", pages, "report") + "</li>")

    produced_text = f"{produced:%d %B %Y}".lstrip("0")
    extract_line = f"<dt>Extract taken</dt><dd>{f'{extract_date:%d %B %Y}'.lstrip('0')}</dd>" if extract_date else ""
    restricted_line = (
        '<p class="pack-restricted">RESTRICTED: contains unsuppressed small numbers. For the board\'s private '
        "session only; do not publish or forward.</p>"
        if restricted
        else ""
    )
    running_css = f"""@page {{
  @top-left {{ content: {_css_string(running)}; }}
  @top-right {{ content: {_css_string(marking)}; }}
}}"""
    parts = "\n".join(f'<section class="pack-report" id="{r.anchor}">\n{r.body}\n</section>' for r in reports)
    notes_section = (
        '<section class="pack-notes" id="pack-notes">\n<h1>Notes on methods</h1>\n'
        "<p>The notes on methods of the reports in this pack, each printed once: first those that several reports "
        "share, then each report's own.</p>\n" + "\n".join(notes_html) + "\n</section>"
        if groups
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
{page_head}
<style type="text/css">
{CSS.read_text(encoding="utf-8")}
{running_css}
</style>
</head>
<body class="jp-Notebook pack{" restricted" if restricted else ""}">
<main>
<section class="pack-cover" id="pack-cover">
<p class="pack-marking">{marking}</p>
<h1>{TITLE}</h1>
<p class="pack-area">{area_html}</p>
<p class="pack-quarter">{quarter.label} <span>({quarter.period.months})</span></p>
<p class="pack-kind">Committee pack</p>
{restricted_line}
<dl class="pack-facts">
<dt>Produced</dt><dd>{produced_text}</dd>
{extract_line}
<dt>Contact</dt><dd>{contact_html}</dd>
</dl>
</section>
<nav class="pack-contents" aria-labelledby="pack-contents">
<h2 id="pack-contents">Contents</h2>
<ol>
{"".join(contents)}
</ol>
</nav>
{parts}
{notes_section}
</main>
</body>
</html>
"""


def _pages(pdf: Path) -> dict[str, int]:
    """The page (from 1) each named destination (the targets of links: the contents', the headings' own) is on."""
    return {name: page for name, (page, _) in _destinations(pdf).items()}


def _destinations(pdf: Path) -> dict[str, tuple[int, float]]:
    """Each named destination's page (from 1) and how far below the page's top edge it is (points)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    found = {}
    for name, destination in reader.named_destinations.items():
        try:
            number = reader.get_destination_page_number(destination)
            below = float(reader.pages[number].mediabox.top) - float(destination.top or 0)
        except (KeyError, ValueError, AttributeError, TypeError, IndexError):
            continue
        found[str(name).removeprefix("/")] = (number + 1, below)
    return found


def _outline(pdf: Path) -> dict[str, int]:
    """The page (from 1) of each bookmark, by its text without spaces (Chromium drops the space where a heading
    wraps); the first, if two have the same text."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    found: dict[str, int] = {}
    items = list(reader.outline)
    while items:
        item = items.pop(0)
        if isinstance(item, list):
            items[:0] = item
            continue
        try:
            found.setdefault("".join(str(item.title).split()), reader.get_destination_page_number(item) + 1)
        except (KeyError, ValueError, AttributeError, TypeError):
            continue
    return found


FRONT_PAGES = 2  # the cover, and the contents on a page of their own (if they run longer, the second print says so)
AT_THE_TOP = 20.0  # points: a heading this close to the page's top edge has nothing of the report above it


def predicted(reports: list[Report], pdfs: dict[str, Path]) -> dict[str, int] | None:
    """Where each contents entry will land, from each report's own PDF (printed with the same page size, margins and
    styles, each report starting on a new page): its sections' pages, and its pages before its notes. None if a
    report has no PDF. A guess that saves a print: the pack's first print is checked against it."""
    from pypdf import PdfReader

    pages, start = {}, FRONT_PAGES + 1
    for report in _ordered(reports):
        pdf = pdfs.get(report.name)
        if pdf is None or not pdf.exists():
            return None
        places, marked = _destinations(pdf), _outline(pdf)
        pages[report.anchor] = start
        for anchor, text in report.sections:
            own = anchor.removeprefix(f"{report.anchor}-")
            page = places[own][0] if own in places else marked.get("".join(html.unescape(text).split()))
            if page is None:
                return None
            pages[anchor] = start + page - 1
        if NOTES_ID in places:
            page, below = places[NOTES_ID]
            length = page - 1 if below <= AT_THE_TOP else page
        else:
            length = len(PdfReader(pdf).pages)
        start += max(length, 1)
    pages["pack-notes"] = start
    return pages


def _fix_outline(pdf: Path, headings: list[str]) -> None:
    """Chromium's bookmarks lose the space where a heading wraps ("areover-represented"): each bookmark whose text
    is a heading's but for spaces gets the heading's text. Written as an incremental update (the bytes Chromium wrote,
    its tags among them, stay as they are, with the changed bookmarks after them)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    wanted = {"".join(h.split()): h for h in headings}
    writer = PdfWriter(pdf, incremental=True)
    root = writer.root_object.get("/Outlines")
    changed = False
    stack = [root.get_object().get("/First")] if root is not None else []
    while stack:
        ref = stack.pop()
        if ref is None:
            continue
        item = ref.get_object()
        title = str(item.get("/Title", ""))
        proper = wanted.get("".join(title.split()))
        if proper is not None and proper != title:
            item[NameObject("/Title")] = TextStringObject(proper)
            changed = True
        stack.extend(item.get(key) for key in ("/Next", "/First"))
    if changed:
        with pdf.open("wb") as handle:
            writer.write(handle)


def make_pack(
    pages: list[Path],
    pack: Path,
    browser: str,
    *,
    area: str,
    quarter: Quarter,
    restricted: bool,
    produced: date,
    extract_date: date | None = None,
    contact: str = CONTACT,
    stop: threading.Event | None = None,
) -> Path:
    """Print the reports' pages (HTML; each report's own PDF beside it, if printed, saves a print) as one committee
    pack at `pack`, with the contents' page numbers right."""
    from analysis.publish.pdf import print_pdf

    texts = {page.stem: page.read_text(encoding="utf-8") for page in pages}
    reports = [read_report(name, text) for name, text in texts.items()]
    title = f"{TITLE}: {area}, {quarter.label} (committee pack)"
    page_head = head(next(iter(texts.values())), title)  # assemble adds the pack's styles and closes it
    details = {
        "area": area,
        "quarter": quarter,
        "restricted": restricted,
        "produced": produced,
        "extract_date": extract_date,
        "contact": contact,
    }
    numbers = predicted(reports, {page.stem: page.with_suffix(".pdf") for page in pages})
    anchors = contents_anchors(reports)
    with tempfile.TemporaryDirectory(prefix="pack-") as folder:
        source, printed = Path(folder) / "pack.html", Path(folder) / "pack.pdf"
        for _ in range(PRINTS):
            source.write_text(assemble(reports, page_head, pages=numbers, **details), encoding="utf-8")
            print_pdf(source, printed, browser, stop=stop)
            landed = _pages(printed)
            if numbers is not None and all(k in numbers and landed.get(k) == numbers[k] for k in anchors):
                break
            numbers = {k: v for k, v in landed.items() if k in anchors}
        headings = [html.unescape(TITLE), "Contents", "Notes on methods"]
        headings += [html.unescape(_text(h)) for r in reports for h in [r.title, *(t for _, t in r.sections)]]
        headings += [html.unescape(_notes_heading(owners, len(reports))) for owners, _ in _grouped_notes(reports)]
        _fix_outline(printed, headings)
        shutil.move(printed, pack)
    return pack
