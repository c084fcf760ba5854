"""The charts: afcharts' style and palettes, findings as titles, [c] for withheld values, nothing told by colour
alone (direct labels, patterns), axis titles, byte-identical images; and the contents list of a long page."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from afcharts.af_colours import get_af_colours
from matplotlib.patches import Rectangle

from analysis.data.quarters import Quarter
from analysis.present import charts
from analysis.present.charts import Series
from analysis.publish import rendering
from analysis.reports.disproportionality import charts as dpc
from analysis.reports.reoffending import charts as reoffending_charts

TEXT = dict(title="The finding", subtitle="What, where, when", source="Source: somewhere.")


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


def test_palettes_and_style_come_from_afcharts():
    assert charts.CATEGORICAL == tuple(get_af_colours("categorical"))
    assert charts.DUO == tuple(get_af_colours("duo"))
    assert (charts.FOCUS, charts.CONTEXT) == tuple(get_af_colours("focus"))
    # the afcharts style sheet is in force: its base size, its y grid, its colour cycle, no frame on the legend
    assert charts.BASE_SIZE == 14
    assert matplotlib.rcParams["axes.grid"] and matplotlib.rcParams["axes.grid.axis"] == "y"
    assert [c.upper() for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]] == list(charts.CATEGORICAL)
    assert not matplotlib.rcParams["legend.frameon"]
    # what the product fixes on top: a font every machine has, a fixed SVG salt, no maths from input text
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"]
    assert matplotlib.rcParams["svg.hashsalt"] == "yjs"
    assert not matplotlib.rcParams["text.parse_math"]


def test_text_colour_keeps_dark_series_colours_and_greys_light_ones():
    assert charts.contrast("#000000") == 21
    assert charts.text_colour(charts.CATEGORICAL[0]) == charts.CATEGORICAL[0]  # dark blue: 10:1 on white
    assert charts.text_colour(charts.CATEGORICAL[1]) == charts.TEXT_GREY  # turquoise: 3:1, too light for text
    assert charts.contrast(charts.TEXT_GREY) >= 4.5


def test_every_chart_keeps_its_title_subtitle_and_source():
    fig = charts.horizontal_bars(["a", "b"], [1, 2], **TEXT)
    assert {"The finding", "What, where, when", "Source: somewhere."} <= set(_texts(fig))


def test_horizontal_bars_write_c_for_withheld_values_and_draw_no_bar():
    fig = charts.horizontal_bars(["a", "b", "c"], [10, 3, 7], [False, True, False], **TEXT)
    ax = fig.axes[0]
    assert "[c]" in _texts(fig) and "10" in _texts(fig) and "3" not in _texts(fig)
    assert len([p for p in ax.patches if isinstance(p, Rectangle)]) == 2


def test_a_bar_picked_out_in_colour_is_picked_out_in_bold_too():
    fig = charts.horizontal_bars(["Here", "There"], [1, 2], emphasis=[True, False], colours=["#000", "#ccc"], **TEXT)
    weights = {t.get_text(): t.get_fontweight() for t in fig.axes[0].get_yticklabels()}
    assert weights == {"Here": "bold", "There": "normal"}


def test_lines_are_labelled_where_they_end_and_differ_in_dash_and_marker():
    fig = charts.lines(["Q1", "Q2", "Q3"], {"Ours": [1, 2, 3], "Theirs": [3, 2, 1]}, **TEXT)
    ax = fig.axes[0]
    assert "Ours: 3" in _texts(fig) and "Theirs: 1" in _texts(fig)
    assert ax.get_legend() is None  # labels on the lines, not a key to match colours against
    drawn = ax.get_lines()
    assert len({ln.get_linestyle() for ln in drawn}) == 2 and len({ln.get_marker() for ln in drawn}) == 2


def test_direct_labels_of_lines_that_end_close_together_do_not_overlap():
    fig = charts.lines(["a", "b"], {"One": [10, 50], "Two": [10, 50.5], "Three": [10, 49.5]}, **TEXT)
    heights = sorted(t.get_position()[1] for t in fig.axes[0].texts if ":" in t.get_text())
    low, high = fig.axes[0].get_ylim()
    assert min(np.diff(heights)) >= (high - low) * 0.07 - 1e-9


def test_lines_have_axis_titles_and_mark_withheld_points():
    fig = charts.lines(
        ["a", "b", "c"],
        {"Rate": [1, np.nan, 3]},
        withheld=[False, True, False],
        x_label="Months since",
        y_label="% reoffended",
        **TEXT,
    )
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Months since" and ax.get_ylabel() == "% reoffended"
    assert [t.get_text() for t in ax.texts].count("[c]") == 1


def test_a_point_standing_alone_gets_its_interval_as_a_line():
    fig = charts.lines(
        ["a", "b", "c", "d"],
        {"Rate": [5, np.nan, 3, 4]},
        bands={"Rate": ([4, np.nan, 2, 3], [6, np.nan, 4, 5])},
        **TEXT,
    )
    assert len(fig.axes[0].collections) >= 2  # the band, and the error bar of the first point


def test_grouped_bars_differ_in_pattern_and_their_key_shows_it():
    series = [Series("Cautioned", [2.0, 1.0]), Series("Any outcome", [1.5, 1.2]), Series("Caseload", [1.1, 0.9])]
    fig = dpc.grouped_bars(["Mixed", "Asian"], series, **TEXT)
    ax = fig.axes[0]
    hatches = {c.get_label(): c.patches[0].get_hatch() for c in ax.containers if getattr(c, "patches", None)}
    assert len(set(hatches.values())) == 3  # one plain, two patterned
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Cautioned", "Any outcome", "Caseload"]
    assert len({h.get_hatch() for h in legend.legend_handles}) == 3


def test_grouped_bars_write_c_and_x():
    series = [Series("A", [2.0, np.nan], suppressed=[False, False]), Series("B", [np.nan, 1.0], [True, False])]
    texts = _texts(dpc.grouped_bars(["One", "Two"], series, **TEXT))
    assert "[c]" in texts and "[x]" in texts


def test_reoffending_trend_names_the_year_of_every_labelled_cohort_and_marks_withheld_ones():
    q = Quarter.parse("2025-26 Q4")
    cohorts = q.history(8)  # oldest first
    groups = [c.period.label for c in cohorts]
    status = pd.DataFrame(
        {"group": groups, "period": [c.period for c in cohorts], "complete": [True] * 5 + [False] * 3}
    )
    suppressed = [False, True, False, False, True, False, True, False]
    fig_trend = pd.DataFrame(
        {
            "measure": "reoffenders",
            "group": groups,
            "value": [30.0, np.nan, 40, 35, np.nan, 45, np.nan, 20],
            "lower": [20.0, np.nan, 30, 25, np.nan, 35, np.nan, 10],
            "upper": [40.0, np.nan, 50, 45, np.nan, 55, np.nan, 30],
            "suppressed": suppressed,
            "numerator": 5,
            "denominator": 10,
        }
    )
    from analysis.reports.reoffending import words

    original = words.trend_title
    words.trend_title = lambda *a: "A finding"
    try:
        fig, title, alt = reoffending_charts.trend(fig_trend, status, "Area")
    finally:
        words.trend_title = original
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks and all(t.splitlines()[-1].isdigit() and len(t.splitlines()[-1]) == 4 for t in ticks)
    assert [t.get_text() for t in ax.texts].count("[c]") == 3
    assert ax.get_xlabel()
    assert "Cohorts still maturing" in [t.get_text() for t in ax.texts]


def test_charts_are_byte_identical_when_drawn_again():
    def draw():
        return charts.png(charts.lines(["a", "b"], {"x": [1, 2], "y": [2, 1]}, **TEXT))

    assert draw() == draw()


# --- the contents list of a long page -----------------------------------------------------------------------------
def _page(*headings: str) -> str:
    cells = "".join(
        f'<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><h2 id="{h.replace(" ", "-")}">{h}'
        f'<a class="anchor-link" href="#{h.replace(" ", "-")}">¶</a></h2><p>text</p></div>'
        for h in headings
    )
    return f'<main><div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><h1 id="T">Title</h1></div>{cells}</main>'


def test_a_page_with_three_sections_gets_a_contents_list_before_the_first():
    page = rendering.with_contents(_page("Summary", "Trend", "Notes on methods"))
    assert page.count('<nav class="page-contents"') == 1
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert '<a href="#Summary">Summary</a>' in nav and '<a href="#Notes-on-methods">Notes on methods</a>' in nav
    assert "¶" not in nav
    assert page.index("<h1") < page.index("<nav") < page.index('<h2 id="Summary"')
    assert page.index("<nav") < page.index('<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"><h2')


def test_a_short_page_gets_no_contents_list():
    page = _page("Summary", "Notes")
    assert rendering.with_contents(page) == page


def test_a_heading_without_an_id_gets_one_and_the_contents_links_to_it():
    page = rendering.with_contents(_page("One", "Two") + "<h2>Three &amp; more</h2>")
    assert '<h2 id="section-3">Three &amp; more</h2>' in page
    assert '<a href="#section-3">Three &amp; more</a>' in page


def test_links_are_underlined_on_every_page():
    css = (rendering.TEMPLATES / "yjs_report" / "report.css").read_text()
    screen = css.split("@media print")[0]
    rule = next(line for line in screen.splitlines() if line.startswith("body a, body a:link"))
    assert "text-decoration: underline" in rule and ".jp-RenderedHTMLCommon a" in rule
    assert "--link: #1d70b8" in screen  # 5.2:1 on white
    assert charts.contrast("#1d70b8") >= 4.5 and charts.contrast("#1d70b8", "#f3f2f1") >= 4.5
