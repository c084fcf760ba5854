"""Reading figures already published: earlier quarters' figures.csv, and this refresh's per-report files."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.quarters import Quarter
from analysis.measures import history
from analysis.present import formatting
from analysis.reports.summary import measures as summary
from analysis.safety import figures

Q = Quarter.parse("2025-26 Q4")
EARLIER = Q.history(5)[:-1]  # 2024-25 Q4 to 2025-26 Q3


def _figures_file(
    folder, quarter: Quarter, rri: float | None, tracker: float | None = 25.0, suppressed=False, caseload: int = 150
) -> None:
    """A quarter's published figures.csv, as the refresh writes it (quarter column first)."""
    rows = [
        {
            "report": "10_disproportionality",
            "measure": "cautioned_or_sentenced_rri_vs_white",
            "breakdown": "ethnic_minority",
            "group": "Ethnic minority groups",
            "period": quarter.year_ending.label,
            "kind": "ratio",
            "numerator": 14,
            "denominator": 2200,
            "value": rri,
            "lower": 1.7,
            "upper": 5.8,
            "numerator_2": 45,
            "unit": "relative rate index",
        },
        {
            "report": "10_disproportionality",
            "measure": "cautioned_or_sentenced_rri_vs_white",
            "breakdown": "ethnic_minority",
            "group": "Ethnic minority groups",
            "period": quarter.previous.year_ending.label,
            "kind": "ratio",
            "numerator": 9,
            "denominator": 2200,
            "value": 1.1,
            "lower": 0.5,
            "upper": 2.0,
            "numerator_2": 45,
            "unit": "relative rate index",
        },
        {
            "report": "30_reoffending",
            "measure": "tracker_reoffenders",
            "breakdown": "all",
            "group": "All",
            "period": quarter.year_ending.label,
            "kind": "share",
            "numerator": 15,
            "denominator": 60,
            "value": tracker,
            "unit": "%",
        },
        {
            "report": "90_summary",
            "measure": "children_on_caseload",
            "breakdown": "quarter",
            "group": quarter.label,
            "period": quarter.period.label,
            "kind": "count",
            "numerator": caseload,
            "value": caseload,
            "unit": "children",
        },
    ]
    fig = figures.frame([r for r in rows if r["value"] is not None])
    if suppressed:
        fig.loc[fig["report"] == "30_reoffending", ["numerator", "denominator", "value"]] = float("nan")
        fig.loc[fig["report"] == "30_reoffending", "suppressed"] = True
    fig.insert(0, "quarter", quarter.label)
    (folder / quarter.slug).mkdir(parents=True)
    fig.to_csv(folder / quarter.slug / "figures.csv", index=False)


@pytest.fixture
def reports(tmp_path):
    """Three earlier quarters published, one (2025-26 Q2) missing; 2025-26 Q1's tracker figure withheld."""
    _figures_file(tmp_path, Quarter.parse("2024-25 Q4"), 2.1, 30.0, caseload=139)
    _figures_file(tmp_path, Quarter.parse("2025-26 Q1"), 2.5, suppressed=True)
    _figures_file(tmp_path, Quarter.parse("2025-26 Q3"), 3.0, 20.0, caseload=170)
    return tmp_path


def test_load_finds_published_quarters_and_names_the_missing_one(reports):
    hist = history.load(reports, EARLIER)
    assert [q.label for q in hist.found] == ["2024-25 Q4", "2025-26 Q1", "2025-26 Q3"]
    assert [q.label for q in hist.missing] == ["2025-26 Q2"]
    assert set(hist.figures["quarter"]) == {"2024-25 Q4", "2025-26 Q1", "2025-26 Q3"}
    assert hist.figures["suppressed"].dtype == bool


def test_blank_reports_dir_reads_nothing(reports):
    hist = history.load("", EARLIER)
    assert hist.empty and hist.missing == EARLIER and hist.figures.empty


def test_series_gives_a_row_per_quarter_with_gaps_for_missing_and_withheld(reports):
    hist = history.load(reports, EARLIER)
    s = history.series(hist, EARLIER, "30_reoffending", "tracker_reoffenders", period_of=lambda q: q.year_ending.label)
    assert list(s["quarter"]) == [q.label for q in EARLIER]
    assert list(s["found"]) == [True, True, False, True]
    assert list(s["has_figure"]) == [True, True, False, True]
    assert s.loc[0, "value"] == 30.0 and s.loc[3, "value"] == 20.0
    assert bool(s.loc[1, "suppressed"]) and pd.isna(s.loc[1, "value"])  # withheld stays withheld
    rri = history.series(
        hist,
        EARLIER,
        "10_disproportionality",
        "cautioned_or_sentenced_rri_vs_white",
        "ethnic_minority",
        "Ethnic minority groups",
        period_of=lambda q: q.year_ending.label,
    )
    assert list(rri["value"].astype(float).fillna(-1)) == [
        2.1,
        2.5,
        -1,
        3.0,
    ]  # each quarter's own 12 months, not the earlier one


def test_other_reports_history_table_shows_missing_quarters_as_not_available(reports):
    hist = history.load(reports, EARLIER)
    this = figures.frame(
        [
            {
                "report": "10_disproportionality",
                "measure": "cautioned_or_sentenced_rri_vs_white",
                "breakdown": "ethnic_minority",
                "group": "Ethnic minority groups",
                "period": Q.year_ending.label,
                "kind": "ratio",
                "numerator": 14,
                "value": 3.2,
                "unit": "x",
            }
        ]
    )
    table = summary.other_history(hist, this, Q.history(5))
    rri = table[table["measure"] == "rri"].set_index("group")
    assert rri.loc["2025-26 Q4", "value"] == 3.2 and rri.loc["2025-26 Q3", "value"] == 3.0
    missing = rri.loc["2025-26 Q2"]
    assert (
        not missing["suppressed"]
        and formatting.figure(missing["value"], missing["kind"], missing["suppressed"]) == "[x]"
    )
    tracker = table[table["measure"] == "tracker"].set_index("group")
    assert (
        formatting.figure(tracker.loc["2025-26 Q1", "value"], "share", tracker.loc["2025-26 Q1", "suppressed"]) == "[c]"
    )
    assert (
        formatting.figure(tracker.loc["2025-26 Q4", "value"], "share", tracker.loc["2025-26 Q4", "suppressed"]) == "[x]"
    )


def test_this_run_prefers_the_refresh_files_and_never_reads_its_own(tmp_path, reports):
    run = tmp_path / "build"
    run.mkdir()
    figures.frame(
        [{"report": "10_disproportionality", "measure": "m", "kind": "count", "numerator": 9, "value": 9}]
    ).to_csv(run / "figures-10_disproportionality.csv", index=False)
    figures.frame([{"report": "90_summary", "measure": "m", "kind": "count", "numerator": 7, "value": 7}]).to_csv(
        run / "figures-90_summary.csv", index=False
    )
    fig, source = history.this_run(run, reports, Quarter.parse("2025-26 Q3"))
    assert source == "this refresh" and set(fig["report"]) == {"10_disproportionality"}
    fig, source = history.this_run("", reports, Quarter.parse("2025-26 Q3"))
    assert source == "the published figures for 2025-26 Q3" and "90_summary" not in set(fig["report"])
    assert history.this_run(tmp_path / "empty", "", Q) == (None, "none")
    assert history.this_run("", reports, Quarter.parse("2025-26 Q2")) == (None, "none")


def test_revisions_compare_what_was_published_with_what_is_computed_now(reports):
    hist = history.load(reports, EARLIER)
    previous = Quarter.parse("2025-26 Q3")
    now = figures.frame(
        [
            {
                "report": "90_summary",
                "measure": "children_on_caseload",
                "breakdown": "quarter",
                "group": previous.label,
                "period": previous.period.label,
                "kind": "count",
                "numerator": 175,
                "value": 175,
                "unit": "children",
            }
        ]
    )
    rev = history.revisions(hist, previous, now, "90_summary", ["children_on_caseload", "first_time_entrants_rate"])
    assert rev.to_dict("records") == [
        {
            "measure": "children_on_caseload",
            "period": previous.period.label,
            "kind": "count",
            "unit": "children",
            "published": 170.0,
            "now": 175.0,
        }
    ]
    from analysis.reports.summary import words

    text = words.revisions_sentence(rev, previous, True)
    assert "children on the caseload (2025-26 Q3 (October to December 2025)) now 175, published as 170" in text
    same = history.revisions(
        hist, previous, now.assign(value=170.0, numerator=170.0), "90_summary", ["children_on_caseload"]
    )
    assert same.empty
    assert "match those its own summary published" in words.revisions_sentence(same, previous, True)


def test_history_sentence_names_found_and_missing_quarters(reports):
    from analysis.reports.summary import words

    hist = history.load(reports, EARLIER)
    text = words.history_sentence(hist, str(reports), EARLIER)
    assert "found in the output folder: 2024-25 Q4, 2025-26 Q1, 2025-26 Q3" in text
    assert "Not found: 2025-26 Q2" in text
    assert "does not look for earlier quarters" in words.history_sentence(history.load("", EARLIER), "", EARLIER)


def test_read_figures_round_trips_the_refresh_file(tmp_path):
    fig = figures.frame(
        [
            {
                "report": "r",
                "measure": "m",
                "breakdown": "b",
                "group": "2021",
                "period": "2021",
                "kind": "share",
                "numerator": None,
                "denominator": None,
                "value": None,
                "suppressed": True,
            }
        ]
    )
    fig.insert(0, "quarter", "2025-26 Q4")
    fig.to_csv(tmp_path / "figures.csv", index=False)
    back = history.read_figures(tmp_path / "figures.csv")
    assert back.loc[0, "group"] == "2021" and back.loc[0, "period"] == "2021"
    assert bool(back.loc[0, "suppressed"]) and pd.isna(back.loc[0, "value"]) and back.loc[0, "quarter"] == "2025-26 Q4"
