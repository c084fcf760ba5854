"""Headline tiles (analysis.present.tiles, and the summary's tiles in analysis.reports.summary.words): the figure,
the change, a direction mark that follows the test for trend, a sparkline with gaps, alt text stating the finding,
and input text escaped."""

from __future__ import annotations

import math

from analysis.data.quarters import Quarter
from analysis.present import tiles
from analysis.reports.summary import measures as summary
from analysis.reports.summary import words
from analysis.stats.trend import Trend

Q = Quarter.parse("2025-26 Q4")


def test_a_sparkline_leaves_gaps_for_figures_not_shown_and_marks_the_latest():
    svg = tiles.sparkline([1.0, 2.0, math.nan, 3.0, 4.0, 5.0], "Rose from 1 to 5")
    assert svg.count("<polyline") == 2  # before and after the gap
    assert svg.count("<circle") == 1 and 'role="img"' in svg and 'aria-label="Rose from 1 to 5"' in svg
    assert "<circle" not in tiles.sparkline([1.0, 2.0, math.nan], "latest not shown")
    assert "<polyline" not in tiles.sparkline([math.nan, 2.0], "one point")


def test_tile_text_from_input_files_is_escaped():
    t = tiles.Tile(
        "Rate",
        "1.0",
        "2025",
        "Up.",
        "concern",
        "Rising.",
        "alt <b>",
        [1.0, 2.0],
        comparator="<script>alert(1)</script>: 3.0",
    )
    page = tiles.tiles_html([t], "Headline measures")
    assert "<script>" not in page and "&lt;script&gt;" in page and 'aria-label="alt &lt;b&gt;"' in page


def _fig():
    from test_summary import _headlines  # the hand-built headline figures of the summary's unit tests

    return _headlines(47, 42, 20)


def _dirs(direction, tested=True):
    trend = Trend(
        2.5 if direction == "up" else -2.5, 0.01, 12, "score test for trend in Poisson counts", direction, tested
    )
    return {"fte_rate": summary.Direction("fte_rate", trend, "quarters", "2023-24 Q1", "2025-26 Q4")}


def test_a_rise_in_a_measure_where_lower_is_better_is_a_concern_and_a_fall_an_improvement():
    rising = {t.title: t for t in words.tiles(_fig(), Q, _dirs("up"))}
    fte = rising["First time entrants per 100,000 children aged 10 to 17"]
    assert (fte.figure, fte.mark, fte.change) == ("188.0", "concern", "Up from 80.0 a year earlier.")
    assert fte.alt.startswith("First time entrants per 100,000 children aged 10 to 17, year ending March 2026: 188.0.")
    assert "Concern: Rising across the last 12 quarters, more than chance would explain." in fte.alt
    falling = {t.title: t for t in words.tiles(_fig(), Q, _dirs("down"))}
    assert falling["First time entrants per 100,000 children aged 10 to 17"].mark == "improvement"
    steady = {t.title: t for t in words.tiles(_fig(), Q, _dirs("none"))}
    assert steady["First time entrants per 100,000 children aged 10 to 17"].mark == "no significant change"
    untested = {t.title: t for t in words.tiles(_fig(), Q, _dirs("none", tested=False))}
    assert untested["First time entrants per 100,000 children aged 10 to 17"].mark == "not tested"


def test_measures_never_tested_say_why_and_missing_figures_show_x():
    by_title = {t.title: t for t in words.tiles(_fig(), Q, _dirs("up"))}
    caseload = by_title["Children on the YJS caseload"]
    assert caseload.mark == "not tested" and caseload.mark_text == "Not tested: a count of every child supervised."
    assert caseload.figure == "[x]"  # not in the fixture
    assert all(t.alt and t.mark in tiles.MARKS for t in by_title.values())
