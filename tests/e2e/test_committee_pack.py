"""The committee pack of the refreshed demo quarter, as a clerk files it: opened with pypdf."""

from __future__ import annotations

import re
import unicodedata

import pytest

from analysis.publish.pdf import find_chromium

pytestmark = pytest.mark.skipif(not find_chromium(), reason="needs Chromium to print")

AREA = "Demo borough (synthetic data)"
QUARTER = "2025-26 Q4"
TITLES = [  # the summary first, then the others in order
    "Quarterly summary",
    "Data quality and cohort overview",
    "Disproportionality: which children are over-represented",
    "Suspensions and permanent exclusions: children known to the YJS and the borough",
    "Reoffending",
    "Key performance indicators",
]


def _squeezed(text: str) -> str:
    """Text without spaces or hyphens, ligatures (ﬀ) as letters: as it reads, however a line wrapped."""
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def pack(refreshed):
    from pypdf import PdfReader

    _, out, _ = refreshed
    reader = PdfReader(out / "2025-26-Q4" / "committee-pack-2025-26-Q4.pdf")
    return reader, [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_the_cover_names_the_area_the_quarter_and_public(pack):
    _, texts = pack
    assert AREA in texts[0] and QUARTER in texts[0] and "PUBLIC" in texts[0] and "RESTRICTED" not in texts[0]
    assert "Committee pack" in texts[0] and "Contact" in texts[0]


def test_the_contents_give_each_reports_page_and_the_report_is_there(pack):
    _, texts = pack
    contents = next(i for i, text in enumerate(texts) if text.count("Contents") and TITLES[-1] in text)
    assert contents < 3
    listed = {}
    for title in TITLES + ["Notes on methods"]:
        found = re.search(re.escape(title) + r"[ .]*?(\d+)(?= |$)", texts[contents])
        assert found, f"{title} is not in the contents"
        listed[title] = int(found.group(1))
    assert list(listed.values()) == sorted(listed.values()) and listed[TITLES[0]] == contents + 2
    for title, page in listed.items():
        # the title is on that page (where it wraps, the text read from the PDF breaks a word or drops a space)
        opening = _squeezed(texts[page - 1])[:400]  # below the running header and the page number
        assert _squeezed(title) in opening, f"{title} does not open page {page}, as the contents say"
    notes = texts[listed["Notes on methods"] - 1 :]
    assert sum(text.count("Small numbers.") for text in notes) == 1  # the notes on methods, once
    assert sum(text.count("Small numbers.") for text in texts) == 1


def test_every_page_has_its_number_and_the_area_and_quarter(pack):
    reader, texts = pack
    total = len(reader.pages)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text, number
        assert f"{AREA}, {QUARTER}" in text and "PUBLIC" in text, number


def test_the_bookmarks_are_the_reports_titles_with_their_sections_beneath(pack):
    reader, _ = pack
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert [t for t in top if t in TITLES] == TITLES
    assert set(top) - set(TITLES) <= {"Youth justice quarterly reports", "Notes on methods"}
    assert not any(re.match(r"\d\d_", t) for t in top)  # no file names
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert any("Headline measures" in [i.title for i in group if not isinstance(i, list)] for group in nested)


def test_the_pack_is_tagged_titled_and_in_english(pack):
    reader, _ = pack
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "en" and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == f"Youth justice quarterly reports: {AREA}, {QUARTER} (committee pack)"
