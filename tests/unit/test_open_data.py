"""figures.csv in its open-data shape: counts as rows, reference groups, All rows, zeros, one wording per period,
withheld counts carried over, unique keys, metadata for every measure, and earlier (old-shape) files still read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.data.quarters import Quarter
from analysis.measures import history
from analysis.safety import figures, open_data
from analysis.safety.open_data import PeriodSpec, parse_period

OLD_SHAPE = Path(__file__).resolve().parents[1] / "fixtures" / "figures-2025-26-Q4-old-shape.csv"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "figures-2025-26-Q4.csv"


# --- periods: every wording in the 2025-26 Q4 demo quarter ----------------------------------------------------


@pytest.mark.parametrize(
    ("label", "time_period", "identifier", "start", "end"),
    [
        ("year ending March 2026", "202526", "Financial year", date(2025, 4, 1), date(2026, 3, 31)),
        ("Apr 2021 to Mar 2022", "202122", "Financial year", date(2021, 4, 1), date(2022, 3, 31)),
        ("financial year 2021-22", "202122", "Financial year", date(2021, 4, 1), date(2022, 3, 31)),
        ("year ending June 2024", "2024", "Rolling 12 months ending June", date(2023, 7, 1), date(2024, 6, 30)),
        ("Jul 2019 to Jun 2020", "2020", "Rolling 12 months ending June", date(2019, 7, 1), date(2020, 6, 30)),
        ("year ending December 2024", "2024", "Calendar year", date(2024, 1, 1), date(2024, 12, 31)),
        ("Jan 2022 to Dec 2022", "2022", "Calendar year", date(2022, 1, 1), date(2022, 12, 31)),
        ("2021", "2021", "Calendar year", date(2021, 1, 1), date(2021, 12, 31)),
        ("2025-26 Q4", "202526", "Financial year Q4", date(2026, 1, 1), date(2026, 3, 31)),
        ("2025-26 Q4 (January to March 2026)", "202526", "Financial year Q4", date(2026, 1, 1), date(2026, 3, 31)),
        ("Jan 2026 to Mar 2026", "202526", "Financial year Q4", date(2026, 1, 1), date(2026, 3, 31)),
        ("2024-25 Q1 (April to June 2024)", "202425", "Financial year Q1", date(2024, 4, 1), date(2024, 6, 30)),
        ("Jul 2024 to Sep 2024", "202425", "Financial year Q2", date(2024, 7, 1), date(2024, 9, 30)),
        ("Oct 2022 to Dec 2022", "202223", "Financial year Q3", date(2022, 10, 1), date(2022, 12, 31)),
        ("academic year 2022/23", "202223", "Academic year", date(2022, 9, 1), date(2023, 8, 31)),
        ("school census 2025/26", "202526", "Academic year", date(2025, 9, 1), date(2026, 8, 31)),
        (
            "academic year 2025/26 to 31 March 2026",
            "202526",
            "Academic year to date",
            date(2025, 9, 1),
            date(2026, 3, 31),
        ),
        (
            "October 2023 to September 2025",
            "2025",
            "Rolling 24 months ending September",
            date(2023, 10, 1),
            date(2025, 9, 30),
        ),
        ("exclusions on record up to 31 March 2026", "20260331", "As at", None, date(2026, 3, 31)),
        ("extract of 20 April 2026", "20260420", "As at", None, date(2026, 4, 20)),
        ("31 March 2025 and 2021", "20250331", "As at", None, date(2025, 3, 31)),
    ],
)
def test_every_period_wording_in_use_reads_one_way(label, time_period, identifier, start, end):
    assert parse_period(label) == PeriodSpec(time_period, identifier, start, end)


def test_every_period_in_the_old_shape_file_is_read():
    old = pd.read_csv(OLD_SHAPE, dtype=str, keep_default_na=False)
    for p in old["period"].unique():
        parse_period(p)  # raises for a wording it does not know
    with pytest.raises(ValueError, match="not in a form"):
        parse_period("sometime soon")


def test_the_same_period_worded_differently_is_one_period():
    q = Quarter.parse("2021-22 Q4")
    assert open_data.period_key(q.label) == open_data.period_key(q.period.label) == ("202122", "Financial year Q4")
    assert open_data.period_key(q.year_ending.label) == open_data.period_key("Apr 2021 to Mar 2022")
    for label in ("year ending March 2026", "2025-26 Q4 (January to March 2026)", "academic year 2022/23"):
        assert open_data.label(parse_period(label)) == label  # read back in the reports' usual words


# --- the shape ------------------------------------------------------------------------------------------------

PERIOD = "year ending March 2026"


def _fig() -> pd.DataFrame:
    rows = [
        # the national binary rate: a share of the cohort, its numerator and base become counts
        dict(report="30_reoffending", measure="cohort_children", kind="count", numerator=40, value=40),
        dict(
            report="30_reoffending",
            measure="reoffenders",
            kind="share",
            numerator=12,
            denominator=40,
            value=30.0,
            unit="% of children in the cohort (binary reoffending rate)",
        ),
        # the same rate in the summary: one row, naming both reports
        dict(
            report="90_summary",
            measure="reoffenders",
            kind="share",
            numerator=12,
            denominator=40,
            value=30.0,
            unit="% of children in the cohort (binary reoffending rate)",
        ),
        # the tracker: withheld, so its counts are withheld too
        dict(
            report="30_reoffending",
            measure="tracker_reoffenders",
            kind="share",
            numerator=np.nan,
            denominator=np.nan,
            value=np.nan,
            suppressed=True,
            unit="% of children tracked",
        ),
        dict(
            report="30_reoffending",
            measure="tracker_reoffenders",
            kind="share",
            breakdown="sex",
            group="Male",
            numerator=7,
            denominator=20,
            value=35.0,
            unit="% of children tracked",
        ),
        # a relative rate index against White children, one group shown
        dict(
            report="10_disproportionality",
            measure="cautioned_or_sentenced_rri_vs_white",
            kind="ratio",
            breakdown="ethnic_group",
            group="Mixed",
            numerator=10,
            denominator=645,
            numerator_2=45,
            value=7.78,
            lower=3.9,
            upper=15.4,
            unit="relative rate index against White children",
        ),
        # a zero is a zero
        dict(
            report="20_exclusions",
            measure="yjs_permanent_exclusions_by_reason",
            kind="count",
            breakdown="reason",
            group="Drugs",
            numerator=0,
            value=0,
            period="academic year 2025/26 to 31 March 2026",
        ),
        # a time series: one row per period, published as its All row
        dict(
            report="00_overview",
            measure="first_time_entrants_rate",
            kind="rate",
            breakdown="trend",
            group=PERIOD,
            numerator=47,
            denominator=24787,
            value=189.6,
            unit="per 100,000 children aged 10 to 17",
        ),
        # a comparator: its publication in `source`
        dict(
            report="90_summary",
            measure="published_binary_reoffending_rate",
            kind="share",
            breakdown="area",
            group="National",
            period="Jul 2019 to Jun 2020",
            value=33.6,
            unit="% (as published: YJB summary, table 2)",
        ),
    ]
    base = {"breakdown": "all", "group": "All", "period": PERIOD, "unit": "children", "suppressed": False}
    return figures.frame([base | r for r in rows])


@pytest.fixture
def published():
    return open_data.to_open_data(_fig())


def _row(fig, measure, breakdown="all", group="All", time_period="202526", time_identifier="Financial year"):
    hit = fig[
        (fig["measure"] == measure)
        & (fig["breakdown"] == breakdown)
        & (fig["group"] == group)
        & (fig["time_period"] == time_period)
        & (fig["time_identifier"] == time_identifier)
    ]
    assert len(hit) == 1, (measure, breakdown, group, len(hit))
    return hit.iloc[0]


def test_columns_and_unique_keys(published):
    fig, meta = published
    assert list(fig.columns) == open_data.COLUMNS
    assert not fig.duplicated(open_data.KEY).any()
    assert list(meta.columns) == open_data.META_COLUMNS


def test_counts_are_rows_of_their_own(published):
    fig, meta = published
    rate = _row(fig, "binary_reoffending_rate")
    assert rate["value"] == 30.0 and rate["report"] == "30_reoffending; 90_summary"
    assert _row(fig, "reoffenders")["value"] == 12 and _row(fig, "cohort_children")["value"] == 40
    m = meta.set_index("measure")
    assert m.loc["binary_reoffending_rate", ["numerator_measure", "denominator_measure"]].tolist() == [
        "reoffenders",
        "cohort_children",
    ]
    assert m.loc["binary_reoffending_rate", "unit"] == "%" and m.loc["reoffenders", "kind"] == "count"
    fte = _row(fig, "first_time_entrants_rate")  # the trend's row for the quarter's 12 months is its All row
    assert fte["value"] == 189.6 and _row(fig, "first_time_entrants")["value"] == 47
    assert _row(fig, "population_aged_10_to_17")["value"] == 24787


def test_a_withheld_figure_withholds_its_counts(published):
    fig, _ = published
    for measure in ("tracker_reoffending_rate", "tracker_reoffenders", "tracked_children"):
        row = _row(fig, measure)
        assert row["suppressed"] and pd.isna(row["value"])
    male = _row(fig, "tracker_reoffenders", "sex", "Male")
    assert not male["suppressed"] and male["value"] == 7
    assert _row(fig, "tracked_children", "sex", "Male")["value"] == 20


def test_a_ratio_has_a_row_for_its_reference_group(published):
    fig, meta = published
    ref = _row(fig, "cautioned_or_sentenced_rri_vs_white", "ethnic_group", "White")
    assert ref["value"] == 1.0 and not ref["suppressed"] and pd.isna(ref["lower"])
    assert _row(fig, "cautioned_or_sentenced_children", "ethnic_group", "White")["value"] == 45
    assert _row(fig, "cautioned_or_sentenced_children", "ethnic_group", "Mixed")["value"] == 10
    assert _row(fig, "cautioned_or_sentenced_rate_population", "ethnic_group", "Mixed")["value"] == 645
    assert "reference group" in meta.set_index("measure").loc["cautioned_or_sentenced_rri_vs_white", "definition"]


def test_zeros_are_zeros_and_comparators_name_their_source(published):
    fig, _ = published
    zero = _row(fig, "yjs_permanent_exclusions_by_reason", "reason", "Drugs", "202526", "Academic year to date")
    assert zero["value"] == 0 and not zero["suppressed"] and zero["period_end"] == "2026-03-31"
    comparator = _row(
        fig, "published_binary_reoffending_rate", "area", "National", "2020", "Rolling 12 months ending June"
    )
    assert comparator["source"] == "YJB summary, table 2" and comparator["value"] == 33.6


def test_the_serious_violence_rate_has_its_counts_and_a_unit_per_10000():
    rows = [
        dict(
            report="00_overview",
            measure=m,
            kind="rate",
            breakdown="trend",
            group=PERIOD,
            period=PERIOD,
            numerator=n,
            denominator=24787,
            value=v,
            unit=unit,
            suppressed=False,
        )
        for m, n, v, unit in (
            ("first_time_entrants_rate", 47, 189.6, "per 100,000 children aged 10 to 17"),
            ("serious_violence_rate", 30, 12.1, "per 10,000 children aged 10 to 17"),
        )
    ]
    fig, meta = open_data.to_open_data(figures.frame(rows))
    assert _row(fig, "serious_violence_rate")["value"] == 12.1
    assert _row(fig, "serious_violence_offences")["value"] == 30
    assert _row(fig, "population_aged_10_to_17")["value"] == 24787  # one row, shared with the FTE rate
    m = meta.set_index("measure")
    assert m.loc["serious_violence_rate", "unit"] == "per 10,000"
    assert m.loc["serious_violence_rate", ["numerator_measure", "denominator_measure"]].tolist() == [
        "serious_violence_offences",
        "population_aged_10_to_17",
    ]


def test_different_numbers_under_one_name_stop_the_refresh():
    fig = _fig()
    fig.loc[2, "value"] = 31.0  # the summary's binary rate differs from the reoffending report's
    with pytest.raises(open_data.FiguresConflict, match="binary_reoffending_rate"):
        open_data.to_open_data(fig)


# --- the demo quarter as published ------------------------------------------------------------------------------


def test_the_golden_figures_are_findable_by_measure_breakdown_group_and_period():
    fig = pd.read_csv(GOLDEN, dtype=str, keep_default_na=False)
    meta = pd.read_csv(GOLDEN.with_name(GOLDEN.stem + ".meta.csv"), dtype=str, keep_default_na=False)
    assert list(fig.columns) == open_data.COLUMNS
    assert not fig.duplicated(open_data.KEY).any()
    assert set(fig["measure"]) == set(meta["measure"])  # every measure described, and nothing else
    assert meta["measure"].is_unique
    assert (fig.loc[fig["suppressed"] == "True", "value"] == "").all()
    assert set(meta["kind"]) <= set(figures.KINDS)
    old = pd.read_csv(OLD_SHAPE, dtype=str, keep_default_na=False)
    assert int((fig["suppressed"] == "True").sum()) >= int((old["suppressed"] == "True").sum())


def test_the_golden_figures_show_every_number_the_old_shape_showed():
    """Every value in the last old-shape file (the same demo quarter) is in the new one, unchanged, and nothing
    withheld there is shown here."""
    new = pd.read_csv(GOLDEN, keep_default_na=False, na_values=[""], dtype={"group": str, "time_period": str})
    old = pd.read_csv(OLD_SHAPE, keep_default_na=False, na_values=[""], dtype={"group": str, "period": str})
    shown = set(np.round(new.loc[~new["suppressed"], "value"].dropna().astype(float), 9))
    values = old.loc[~old["suppressed"], "value"].dropna().astype(float)
    assert set(np.round(values, 9)) <= shown


# --- reading back: both shapes ------------------------------------------------------------------------------------


def test_old_shape_files_are_read_as_they_were(tmp_path):
    back = history.read_figures(OLD_SHAPE)
    assert {"quarter", "report", "measure", "period"} <= set(back.columns)
    rate = history.pick(back, "30_reoffending", "reoffenders", period="Apr 2024 to Mar 2025")
    assert rate is None or rate["kind"] == "share"


def test_new_shape_files_are_read_back_with_the_reports_names(tmp_path, published):
    fig, meta = published
    figures.to_csv(fig, tmp_path / "figures.csv")
    figures.to_csv(meta, tmp_path / "figures.meta.csv")
    back = history.read_figures(tmp_path / "figures.csv")
    share = history.pick(back, "90_summary", "reoffenders", period=PERIOD)
    assert share is not None and share["kind"] == "share" and share["value"] == 30.0
    assert history.pick(back, "30_reoffending", "reoffenders", period="Apr 2025 to Mar 2026")["value"] == 30.0
    count = history.pick(back, "30_reoffending", "reoffenders_count", period=PERIOD)
    assert count["kind"] == "count" and count["numerator"] == 12
    tracker = history.pick(back, "30_reoffending", "tracker_reoffenders", period=PERIOD)
    assert tracker["suppressed"] and pd.isna(tracker["value"])
    comparator = history.pick(back, "90_summary", "published_binary_reoffending_rate", "area", "National")
    assert comparator["unit"] == "% (as published: YJB summary, table 2)"


def test_a_period_in_no_known_form_is_published_as_given_and_reads_back():
    spec = open_data.period_spec('=HYPERLINK("http://x","y")')
    assert spec.key == ('=HYPERLINK("http://x","y")', open_data.AS_GIVEN)
    assert open_data.label(spec) == '=HYPERLINK("http://x","y")'
    assert open_data.period_key("mid-2024 estimate") == ("mid-2024 estimate", "Period as given")


def test_no_figures_give_files_with_their_columns_only():
    published, meta = open_data.to_open_data(figures.frame([]))
    assert list(published.columns) == open_data.COLUMNS and published.empty
    assert list(meta.columns) == open_data.META_COLUMNS and meta.empty
