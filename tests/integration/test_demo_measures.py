"""Measures on generated demo extracts: what the unit tests check on hand-made tables also holds on a realistic
extract, and the demo is shaped like the plans it imitates."""

from analysis.data import codes, extract
from analysis.data.quarters import Quarter, reoffending_cohort
from analysis.data.validation import validate_folder
from analysis.measures import reoffending
from analysis.reports.summary import measures as summary

YEAR = Quarter.parse("2025-26 Q4").year_ending


def test_counts_by_cohort_match_cohort_by_cohort_on_the_demo_extract(tmp_path):
    from analysis.demo import generate

    generate(data := tmp_path / "demo", scale=0.5)
    tables = validate_folder(data).tables
    events = reoffending.index_events(tables)
    quarters = Quarter.parse("2025-26 Q4").history(16)
    periods = [reoffending_cohort(q, months) for q in quarters for months in (3, 12)]
    expected = []
    for period in periods:
        members = reoffending.cohort(events, period)
        expected.append(reoffending.cohort_counts(members, reoffending.proven_reoffences(tables, members)))
    assert sum(e["reoffences"] for e in expected) > 100  # the demo has reoffending to count
    assert reoffending.counts_by_cohort(tables, events, periods) == expected


def test_demo_assessments_are_shaped_like_the_plans_42_children(tmp_path):
    """The demo's AssetPlus flags give shares near the 2022-23 plan's (docs/methodology.md, published figure 1.5): e.g.
    substance misuse 17 of 42."""
    from analysis import demo

    demo.generate(tmp_path / "demo", bad_rows=False)
    tables = extract.load(tmp_path / "demo", tmp_path / "work").tables
    fig = summary.characteristics(tables, YEAR)
    n = fig.loc[fig["measure"] == "ycc_or_above_children", "numerator"].iloc[0]
    shares = fig[fig["measure"] == "ycc_or_above_characteristic"].set_index("group")["value"]
    assert 30 <= n <= 80
    for label in codes.ASSESSMENT_FLAGS.values():
        assert 0 < shares[label] < 70, (label, shares[label])
    assert shares[summary.NO_ASSESSMENT] < 25  # most are assessed
