"""No input text is trusted: text from an extract or the comparator file reaches a page, a chart or a table file only
as text, never as HTML, Markdown, a chart's maths or a spreadsheet formula."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime

import nbformat
import pandas as pd
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from analysis.data.contract import EXTRACTS
from analysis.data.quarters import Quarter
from analysis.measures.history import read_figures
from analysis.present import charts, formatting
from analysis.publish import execute, index, runner, schedule
from analysis.publish.rendering import CONTENT_SECURITY_POLICY
from analysis.safety import figures

from conftest import DEMO, QUARTER, REPO

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
COMMAND = "+cmd|' /C calc'!A0"
MATHS = "$\\alpha$ and $\\frac{$"  # the second would stop matplotlib drawing, if read as maths
BOLD = "**bold**"
LINK = "[link](javascript:alert(1))"
HOSTILE = (SCRIPT, IMAGE, FORMULA, COMMAND, MATHS, BOLD, LINK)

# what each would look like had it been read as HTML or Markdown, rather than shown as written
LIVE = ("<script", IMAGE, "<strong>bold</strong>", "<em>bold", 'href="javascript', 'href="http://x')


def _live(html_text: str) -> list[str]:
    return [sign for sign in LIVE if sign.lower() in html_text.lower()]


# --- the helpers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE + ("a\n\n# heading\n- item", "see https://x.example/y", "&lt;b&gt;"))
def test_plain_text_shows_as_written_in_markdown(text):
    page = markdown2html_mistune(f"**Area:** {formatting.plain(text)}")
    assert _live(page) == [] and "<h1" not in page and "<li" not in page and "<a " not in page, page
    assert page.count("<p>") == 1  # one paragraph: a line break in the text starts nothing new


def test_plain_leaves_ordinary_text_alone():
    for text in (
        "Demo borough (synthetic data)",
        "Rotherham Youth Justice Plan 2022-23",
        "South Yorkshire PCC",
        "Rotherham Youth Justice Plan 2019/21, chart 2c (re-offences per re-offender)",
        "comparators.csv",
        "ethnicity: not a code in the contract's list",
    ):
        assert formatting.plain(text) == text


@pytest.mark.parametrize("area", HOSTILE)
def test_sentences_naming_areas_and_publications_show_them_as_written(area):
    from analysis.measures import comparators
    from analysis.present import narrative
    from analysis.reports.reoffending import words as reoffending_text
    from analysis.reports.summary import words as summary_text

    comps = comparators.load()  # another area's figures: the sentences name the extract's area and the file
    hostile = comps.assign(area_name=comps["area_name"] + " " + area, publication=area + " " + comps["publication"])
    no_figures = figures.frame([])
    for table, name in ((comps, area), (hostile, area), (hostile, "Rotherham " + area)):  # both wordings
        for sentence in (
            reoffending_text.comparator_intro(table, name, area + ".csv"),
            reoffending_text.local_and_published(no_figures, "All", table, name),
            summary_text.comparators_intro(table, name, area + ".csv"),
        ):
            assert _live(markdown2html_mistune(sentence)) == [], sentence
    rows = figures.frame(
        [
            figures.count("rows_received", 10, breakdown="extract", group="pupils.csv", unit="rows"),
            figures.count("rows_set_aside", 2, breakdown="extract", group="pupils.csv", unit="rows"),
        ]
    )
    sentence = narrative.data_quality(rows, {"pupils.csv": f"{area} (2)"})
    assert _live(markdown2html_mistune(sentence)) == [], sentence


def test_a_published_table_file_holds_no_formula_and_reads_back_as_written(tmp_path):
    fig = figures.frame(
        [
            {
                "measure": "m",
                "group": FORMULA,
                "period": "-2021",
                "kind": "count",
                "numerator": -1.5,
                "value": -2.0,
                "unit": "@children",
            },
            {
                "measure": "m",
                "group": "All",
                "period": "\t2021",
                "kind": "share",
                "numerator": 3,
                "value": 1.5,
                "unit": COMMAND,
            },
            {"measure": "m", "group": "'quoted", "period": "\r2021", "kind": "rate", "numerator": 2, "value": 0.25},
        ]
    )
    fig.insert(0, "quarter", QUARTER)
    path = tmp_path / "figures.csv"
    figures.to_csv(fig, path)
    rows = list(csv.DictReader(path.open(newline="")))
    for row in rows:
        for column in ("quarter", *figures.TEXT):
            assert not row[column].startswith(figures.FORMULA_STARTS), (column, row[column])
    assert [r["group"] for r in rows] == ["'" + FORMULA, "All", "'quoted"]
    assert [r["numerator"] for r in rows] == ["-1.5", "3.0", "2.0"]  # numbers stay numbers
    assert rows[2]["period"] == "\n2021"  # a lone carriage return would start a new row in a spreadsheet
    back = read_figures(path)
    for column in ("group", "unit"):
        assert back[column].tolist() == fig[column].tolist()
    assert back["period"].tolist() == ["-2021", "\t2021", "\n2021"]
    assert back["numerator"].tolist() == [-1.5, 3.0, 2.0]


def test_ordinary_figures_are_written_as_before(tmp_path):
    fig = figures.frame(
        [
            figures.count("caseload", 12, group="Diversion", period="2025-26 Q4"),
            {"measure": "change", "kind": "rate", "value": -1.5, "unit": "percentage points"},
        ]
    )
    figures.to_csv(fig, tmp_path / "safe.csv")
    fig.to_csv(tmp_path / "plain.csv", index=False)
    assert (tmp_path / "safe.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()


def test_a_dollar_in_a_chart_is_a_dollar_not_maths():
    fig = charts.lines(
        ["2024", MATHS],
        {MATHS: [1.0, 2.0], "Other": [2.0, 3.0]},
        title=MATHS,
        subtitle=MATHS,
        source=MATHS,
        y_label=MATHS,
    )
    assert charts.png(fig)  # "$\frac{$" read as maths would raise here
    assert not any(text.get_parse_math() for text in fig.texts)
    fig = charts.horizontal_bars([MATHS, "b"], [1, 2], title=MATHS, subtitle=MATHS, source=MATHS)
    assert charts.png(fig)


def test_the_index_escapes_what_it_is_given_and_allows_no_script(tmp_path):
    run = execute.NotebookRun("00_overview", title=SCRIPT, headline=IMAGE)
    failed = execute.NotebookRun("10_disproportionality", title=BOLD, error=f"cell 3 failed with {SCRIPT}")
    page = index.index_page(
        Quarter.parse(QUARTER), SCRIPT, pd.Timestamp("2026-04-20"), datetime.now(UTC), [run, failed], tmp_path
    )
    assert _live(page) == [] and "&lt;script&gt;" in page
    assert 'http-equiv="Content-Security-Policy"' in page and "script-src" not in CONTENT_SECURITY_POLICY
    assert CONTENT_SECURITY_POLICY.startswith("default-src 'none'")


# --- end to end: hostile text in every free-text field -----------------------------------------------------------


def _rewrite(path, change) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False, lineterminator="\n")


def _plant(folder, comparators_path) -> set[tuple[str, str]]:
    """Hostile text in every free-text column of the contract and the comparator file's text; returns the
    (extract, column) pairs planted, to check against the contract."""
    area = f"{SCRIPT} {MATHS} {BOLD}"

    def info(f):
        f.loc[f["field"] == "area_name", "value"] = area
        f.loc[len(f)] = [FORMULA, SCRIPT]  # a field the contract does not know: ignored

    def population(f):
        f["source"], f["vintage"] = f"{IMAGE} {MATHS}", FORMULA

    def looked_after(f):
        f["source"], f["vintage"] = f"{LINK} {SCRIPT}", COMMAND

    def pupils(f):  # broken on purpose: a few rows set aside, whose values must not reach a report
        f.loc[f.index[:3], "academic_year"] = [SCRIPT, FORMULA, COMMAND]

    _rewrite(folder / "extract_info.csv", info)
    _rewrite(folder / "population.csv", population)
    _rewrite(folder / "looked_after_population.csv", looked_after)
    _rewrite(folder / "pupils.csv", pupils)

    def comparators(f):
        f["area_name"] = f["area_name"].map(
            {"Rotherham": area, "South Yorkshire PCC": IMAGE, "YOT Family": COMMAND, "National": FORMULA}
        )
        f["publication"] = f["publication"].map(
            {p: f"{hostile} {p}" for p, hostile in zip(sorted(set(f["publication"])), (LINK, SCRIPT))}
        )
        f["source"] = f"{MATHS} {IMAGE} " + f["source"]

    shutil.copy(REPO / "data" / "reference" / "comparators.csv", comparators_path)
    _rewrite(comparators_path, comparators)
    assert pd.read_csv(comparators_path, dtype=str)["area_name"].notna().all()  # every area was renamed
    return {
        ("extract_info", "field"),
        ("extract_info", "value"),
        ("population", "source"),
        ("population", "vintage"),
        ("looked_after_population", "source"),
        ("looked_after_population", "vintage"),
        ("pupils", "academic_year"),
    }


@pytest.fixture(scope="module")
def hostile_refresh(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copytree(DEMO, folder, dirs_exist_ok=True)
    comparators_path = tmp_path_factory.mktemp("reference") / "comparators.csv"
    planted = _plant(folder, comparators_path)
    out, work = tmp_path_factory.mktemp("out"), tmp_path_factory.mktemp("work")
    result = runner.refresh(
        QUARTER,
        folder,
        out,
        work_dir=work,
        options={"comparators_path": str(comparators_path)},
        progress=False,
        pdf=False,
    )
    return result, planted


def test_every_free_text_field_of_the_contract_is_planted(hostile_refresh):
    _, planted = hostile_refresh
    text_columns = {(e.name, c.name) for e in EXTRACTS.values() for c in e.columns if c.kind == "text"}
    assert text_columns <= planted, f"plant hostile text in {sorted(text_columns - planted)} too"


def test_hostile_text_stops_no_report(hostile_refresh):
    result, _ = hostile_refresh
    assert not result.failed, [r.error for r in result.failed]


def test_no_page_shows_input_text_as_html_or_markdown(hostile_refresh):
    result, _ = hostile_refresh
    pages = sorted(result.folder.glob("*.html"))
    assert len(pages) == len(schedule.report_notebooks()) + 1
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert _live(text) == [], f"{page.name}: {_live(text)}"
        assert "Content-Security-Policy" in text, page.name
    # not vacuous: the text is on the pages, escaped
    overview = (result.folder / "00_overview.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in overview
    reoffending = (result.folder / "30_reoffending.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in reoffending and "[link](javascript:alert(1))" in reoffending


def test_no_notebook_output_shows_input_text_as_html_or_markdown(hostile_refresh):
    result, _ = hostile_refresh
    for path in sorted((result.folder / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "text/markdown" in data:
                    assert _live(markdown2html_mistune(data["text/markdown"])) == [], path.name
                if "text/html" in data:
                    assert _live(data["text/html"]) == [], path.name


def test_no_table_file_holds_a_live_formula(hostile_refresh):
    result, _ = hostile_refresh
    files = sorted(result.folder.rglob("*.csv"))
    assert files
    for path in files:
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell.startswith(figures.FORMULA_STARTS):
                        float(cell)  # only a negative number may start like a formula
    published = (result.folder / "figures.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in published and "'+cmd|" in published  # not vacuous: the text is there, made text
