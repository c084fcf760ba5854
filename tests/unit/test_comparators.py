"""The published comparators file: values read back exactly as published, revisions kept, clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.data import codes
from analysis.measures import comparators
from analysis.present import formatting, narrative

from conftest import REPO

PATH = REPO / "data" / "reference" / "comparators.csv"
PLAN_19 = "Rotherham Youth Justice Plan 2019/21"
PLAN_22 = "Rotherham Youth Justice Plan 2022-23"
AREAS = ("Rotherham", "South Yorkshire PCC", "YOT Family", "National")

# The published tables, copied from the plans (docs/methodology.md, published figures 1.3.1, 1.3.2, 1.4.1, 1.4.2,
# 1.1.2): area -> values by period.
PUBLISHED = {
    # 2019/21 plan, text under chart 1a: "Rotherham continues to see a reduction in FTE (-27%) which is similar to our
    # PCC region and significantly lower than those in our YOT family (-16%) and nationally (-19.6%)"; the review of
    # 2018 performance: "reduced by 27% in the period Jan to Dec 2018". No figure is printed for the PCC region.
    (PLAN_19, "first_time_entrants_change", ("Jan 2018 to Dec 2018",)): {
        "Rotherham": ("-27",),
        "YOT Family": ("-16",),
        "National": ("-19.6",),
    },
    (PLAN_19, "binary_reoffending_rate", ("Jul 2015 to Jun 2016", "Jul 2016 to Jun 2017")): {
        "Rotherham": ("27.5", "33.0"),
        "South Yorkshire PCC": ("31.3", "34.3"),
        "YOT Family": ("40.6", "40.2"),
        "National": ("41.6", "39.8"),
    },
    (PLAN_19, "reoffences_per_reoffender", ("Jul 2015 to Jun 2016", "Jul 2016 to Jun 2017")): {
        "Rotherham": ("2.77", "3.47"),
        "South Yorkshire PCC": ("3.43", "3.97"),
        "YOT Family": ("3.91", "3.87"),
        "National": ("3.82", "3.96"),
    },
    (PLAN_22, "binary_reoffending_rate", ("Jul 2018 to Jun 2019", "Jul 2019 to Jun 2020")): {
        "Rotherham": ("29.7", "25.0"),
        "South Yorkshire PCC": ("29.6", "26.9"),
        "YOT Family": ("35.8", "31.9"),
        "National": ("37.2", "33.6"),
    },
    (PLAN_22, "reoffences_per_reoffender", ("Jul 2018 to Jun 2019", "Jul 2019 to Jun 2020")): {
        "Rotherham": ("4.47", "4.47"),
        "South Yorkshire PCC": ("4.30", "3.28"),
        "YOT Family": ("4.04", "3.55"),
        "National": ("3.82", "3.61"),
    },
    (
        PLAN_19,
        "custody_rate_per_1000",
        (
            "Apr 2014 to Mar 2015",
            "Apr 2015 to Mar 2016",
            "Apr 2016 to Mar 2017",
            "Apr 2017 to Mar 2018",
            "Apr 2018 to Mar 2019",
        ),
    ): {
        "Rotherham": ("0.45", "0.46", "0.25", "0.41", "0.12"),
        "South Yorkshire PCC": ("0.52", "0.35", "0.28", "0.29", "0.23"),
        "YOT Family": ("0.43", "0.41", "0.39", "0.28", "0.20"),
        "National": ("0.44", "0.41", "0.44", "0.38", "0.31"),
    },
    (
        PLAN_22,
        "custody_rate_per_1000",
        (
            "Apr 2017 to Mar 2018",
            "Apr 2018 to Mar 2019",
            "Apr 2019 to Mar 2020",
            "Apr 2020 to Mar 2021",
            "Apr 2021 to Mar 2022",
        ),
    ): {
        "Rotherham": ("0.41", "0.12", "0.16", "0.04", "0.00"),
        "South Yorkshire PCC": ("0.29", "0.18", "0.19", "0.06", "0.22"),
        "YOT Family": ("0.31", "0.24", "0.20", "0.14", "0.09"),
        "National": ("0.37", "0.30", "0.22", "0.13", "0.11"),
    },
}


@pytest.fixture(scope="module")
def comps():
    return comparators.load(PATH)


def test_every_published_value_reads_back_exactly(comps):
    expected = 0
    for (publication, measure, periods), table in PUBLISHED.items():
        for area, values in table.items():
            for period, text in zip(periods, values):
                row = comps[
                    (comps["publication"] == publication)
                    & (comps["measure"] == measure)
                    & (comps["area_name"] == area)
                    & (comps["period"] == period)
                ]
                assert len(row) == 1, (publication, measure, area, period)
                assert row["value_as_published"].iloc[0] == text
                assert row["value"].iloc[0] == float(text)
                expected += 1
    assert len(comps) == expected == 75


def test_reports_print_values_as_published(comps):
    for measure in comparators.MEASURES:
        fig = comparators.as_figures(comps, measure)
        latest = comparators.latest(comps[comps["measure"] == measure]).set_index(["area_name", "period"])
        for row in fig.itertuples():
            published = latest.loc[(row.group, row.period), "value_as_published"]
            if measure == "first_time_entrants_change":  # printed to each figure's own decimals (see by_area)
                shown = formatting.figure(row.value, row.kind, decimals=len(published.partition(".")[2]))
            else:
                shown = formatting.figure(row.value, row.kind)
            with_sign = measure in ("binary_reoffending_rate", "first_time_entrants_change")
            assert shown == (published + "%" if with_sign else published)


def test_area_types_follow_the_code_list(comps):
    assert set(comps["area_type"]) == set(codes.AREA_TYPES)
    assert comps.groupby("area_name")["area_type"].first().to_dict() == {
        "Rotherham": "this_yjs",
        "South Yorkshire PCC": "police_force_area",
        "YOT Family": "yjs_family",
        "National": "england_and_wales",
    }
    assert set(comps["publication_date"]) == {"2019", "2022-07-14"}
    assert (
        comps["source"]
        .str.startswith(("Rotherham Youth Justice Plan 2019/21, ", "Rotherham Youth Justice Plan 2022-23, "))
        .all()
    )


def test_revised_figures_keep_both_publications_and_latest_picks_the_newer(comps):
    # Published figure I-14 (docs/methodology.md): Apr 2018 to Mar 2019, South Yorkshire PCC custody rate 0.23 (2019/21
    # plan) then 0.18 (2022-23 plan)
    rows = comps[
        (comps["measure"] == "custody_rate_per_1000")
        & (comps["area_name"] == "South Yorkshire PCC")
        & (comps["period"] == "Apr 2018 to Mar 2019")
    ]
    assert dict(zip(rows["publication"], rows["value_as_published"])) == {PLAN_19: "0.23", PLAN_22: "0.18"}
    latest = comparators.latest(comps)
    pick = latest[
        (latest["measure"] == "custody_rate_per_1000")
        & (latest["area_name"] == "South Yorkshire PCC")
        & (latest["period"] == "Apr 2018 to Mar 2019")
    ]
    assert pick["value_as_published"].tolist() == ["0.18"]
    revised = comparators.revisions(comps)
    cells = set(zip(revised["area_name"], revised["period"]))
    # Rotherham's own figures were not revised (0.41, 0.12 in both); SY PCC Apr17-Mar18 was 0.29 in both
    assert cells == {
        ("South Yorkshire PCC", "Apr 2018 to Mar 2019"),
        ("YOT Family", "Apr 2017 to Mar 2018"),
        ("YOT Family", "Apr 2018 to Mar 2019"),
        ("National", "Apr 2017 to Mar 2018"),
        ("National", "Apr 2018 to Mar 2019"),
    }
    assert len(revised) == 10


def test_table_lays_out_areas_by_period(comps):
    t = comparators.table(comps, "binary_reoffending_rate")
    assert list(t.index) == list(AREAS)
    assert list(t.columns) == [
        "Jul 2015 to Jun 2016",
        "Jul 2016 to Jun 2017",
        "Jul 2018 to Jun 2019",
        "Jul 2019 to Jun 2020",
    ]
    assert t.loc["Rotherham", "Jul 2019 to Jun 2020"] == "25.0"


def test_first_time_entrant_changes_print_as_published_one_column_per_area(comps):
    fig = comparators.latest_period(comparators.as_figures(comps, "first_time_entrants_change"))
    shown, columns, places = comparators.by_area(fig, comps)
    # the plan gives no figure for South Yorkshire PCC ("similar to our PCC region"), so it has no column
    assert list(columns) == ["Rotherham (This YJS)", "YOT Family (YJS family)", "National (England and Wales)"]
    assert places == {"Rotherham (This YJS)": 0, "YOT Family (YJS family)": 0, "National (England and Wales)": 1}
    printed = {
        header: formatting.figure(
            shown.loc[shown["measure"] == measure, "value"].iloc[0], "share", decimals=places[header]
        )
        for header, (measure, _) in columns.items()
    }
    assert printed == {
        "Rotherham (This YJS)": "-27%",
        "YOT Family (YJS family)": "-16%",
        "National (England and Wales)": "-19.6%",
    }
    assert shown["group"].tolist() == ["Jan 2018 to Dec 2018"] * 3
    assert comparators.sources(comps, fig).startswith(
        "Source: Rotherham Youth Justice Plan 2019/21, first time entrants, text under chart 1a"
    )
    assert comparators.sources(comps, fig).count("Source") == 1  # one page, named once


def test_the_overview_says_whose_changes_and_which_comparator_is_missing(comps):
    other = narrative.fte_comparators(comps, "Demo borough", "comparators.csv")
    assert "12 months Jan 2018 to Dec 2018, against the 12 months before" in other
    assert "Rotherham Youth Justice Plan 2019/21" in other and "2022-23" not in other
    assert "no figure for the police force area (South Yorkshire PCC)." in other
    assert "These are not figures for Demo borough" in other
    own = narrative.fte_comparators(comps, "Rotherham", "comparators.csv")
    assert "These are not figures" not in own and "Police National Computer" in own
    none = comps[comps["measure"] != "first_time_entrants_change"]
    assert "holds no published first time entrant figures" in narrative.fte_comparators(none, "Rotherham", "c.csv")


def _rate(value, period, suppressed=False):
    return pd.Series({"value": value, "period": period, "suppressed": suppressed})


def test_the_local_change_is_labelled_as_a_different_period():
    # 200.0 to 150.0 per 100,000 is a fall of 50 / 200 = 25%
    text = narrative.fte_local_change(
        _rate(150.0, "year ending March 2026"), _rate(200.0, "year ending March 2025"), "Demo"
    )
    assert "fell by 25% between the year ending March 2025 and the year ending March 2026" in text
    assert "(200.0 then 150.0 per 100,000" in text and "not a like-for-like comparison" in text
    # 165.4 to 189.6 (the demo quarter): 24.2 / 165.4 = 14.6%, so 15%
    assert "rose by 15%" in narrative.fte_local_change(_rate(189.6, "b"), _rate(165.4, "a"), "Demo")
    withheld = narrative.fte_local_change(_rate(150.0, "b"), _rate(np.nan, "a", suppressed=True), "Demo")
    assert "cannot be given" in withheld and "150.0" not in withheld
    assert "cannot be given" in narrative.fte_local_change(_rate(10.0, "b"), _rate(0.0, "a"), "Demo")


def test_no_serious_violence_comparators_is_said(comps):
    assert narrative.serious_violence_comparators(comps) == (
        "No published serious youth violence rates for the YJS family, the region or England and Wales are held, so "
        "the rate is not compared with other areas here."
    )


HEADER = "area_type,area_name,measure,period,value,unit,publication,publication_date,source\n"
GOOD = 'this_yjs,Rotherham,binary_reoffending_rate,Jul 2018 to Jun 2019,25.0,%,Plan,2022-07-14,"Plan, table 2c"\n'


def _problems(tmp_path, text, name="comparators.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(comparators.ComparatorError) as err:
        comparators.load(path)
    return err.value.problems, str(err.value)


def test_a_good_file_loads(tmp_path):
    path = tmp_path / "comparators.csv"
    fall = (
        "this_yjs,Rotherham,first_time_entrants_change,Jan 2018 to Dec 2018,-19.6,"
        "% change on the 12 months before,P,2019,P\n"
    )
    path.write_text(HEADER + GOOD + fall, encoding="utf-8")
    loaded = comparators.load(path)
    assert loaded["value_as_published"].tolist() == ["25.0", "-19.6"]
    assert loaded["value"].tolist() == [25.0, -19.6] and loaded["decimals"].tolist() == [1, 1]


@pytest.mark.parametrize(
    "bad, column, rule",
    [
        (
            "region,Rotherham,binary_reoffending_rate,Jul 2019 to Jun 2020,25.0,%,Plan,2022-07-14,Plan",
            "area_type",
            "must be one of this_yjs",
        ),
        (
            "this_yjs,Rotherham,reoffending,Jul 2019 to Jun 2020,25.0,%,Plan,2022-07-14,Plan",
            "measure",
            "must be one of binary_reoffending_rate",
        ),
        (
            "this_yjs,Rotherham,binary_reoffending_rate,Jul 19 - Jun 20,25.0,%,Plan,2022-07-14,Plan",
            "period",
            "written like 'Jul 2019 to Jun 2020'",
        ),
        (
            "this_yjs,Rotherham,binary_reoffending_rate,Jul 2020 to Jun 2019,25.0,%,Plan,2022-07-14,Plan",
            "period",
            "ends before it starts",
        ),
        (
            "this_yjs,Rotherham,binary_reoffending_rate,Jul 2019 to Jun 2020,25%,%,Plan,2022-07-14,Plan",
            "value",
            "must be a number",
        ),
        (
            "this_yjs,Rotherham,binary_reoffending_rate,Jul 2019 to Jun 2020,125.0,%,Plan,2022-07-14,Plan",
            "value",
            "at most 100",
        ),
        (
            "this_yjs,Rotherham,binary_reoffending_rate,Jul 2019 to Jun 2020,-25.0,%,Plan,2022-07-14,Plan",
            "value",
            "must be at least 0 for binary_reoffending_rate",
        ),
        (
            "this_yjs,Rotherham,first_time_entrants_change,Jan 2018 to Dec 2018,-127,"
            "% change on the 12 months before,Plan,2019,Plan",
            "value",
            "must be at least -100 for first_time_entrants_change",
        ),
        (
            "this_yjs,Rotherham,first_time_entrants_change,Jan 2018 to Dec 2018,-27,%,Plan,2019,Plan",
            "unit",
            "must be '% change on the 12 months before'",
        ),
        (
            "this_yjs,Rotherham,binary_reoffending_rate,Jul 2019 to Jun 2020,25.0,per cent,Plan,2022-07-14,Plan",
            "unit",
            "must be '%'",
        ),
        (
            "this_yjs,Rotherham,binary_reoffending_rate,Jul 2019 to Jun 2020,25.0,%,Plan,14/07/2022,Plan",
            "publication_date",
            "YYYY-MM-DD",
        ),
        (
            "this_yjs,Rotherham,binary_reoffending_rate,Jul 2019 to Jun 2020,25.0,%,Plan,2022-02-30,Plan",
            "publication_date",
            "YYYY-MM-DD",
        ),
        (
            "this_yjs,,binary_reoffending_rate,Jul 2019 to Jun 2020,25.0,%,Plan,2022-07-14,Plan",
            "area_name",
            "value missing",
        ),
    ],
)
def test_row_problems_name_file_line_column_and_rule(tmp_path, bad, column, rule):
    problems, text = _problems(tmp_path, HEADER + GOOD + bad + "\n", "my_comparators.csv")
    assert len(problems) == 1
    assert problems[0].startswith(f"my_comparators.csv, line 3, column {column}: ") and rule in problems[0]
    assert text.startswith("The comparators file cannot be used until these problems are fixed:")


def test_every_problem_is_reported_at_once(tmp_path):
    bad = "region,Rotherham,binary_reoffending_rate,Jul 19 - Jun 20,25%,%,Plan,2022-07-14,Plan\n"
    problems, _ = _problems(tmp_path, HEADER + bad)
    assert [p.split(": ")[0] for p in problems] == [
        "comparators.csv, line 2, column area_type",
        "comparators.csv, line 2, column period",
        "comparators.csv, line 2, column value",
    ]


def test_a_repeated_row_is_an_error_but_a_revision_is_not(tmp_path):
    problems, _ = _problems(tmp_path, HEADER + GOOD + GOOD)
    assert problems == [
        "comparators.csv, line 3: repeats line 2 (same area, measure, period and publication). "
        "A revised figure belongs to a different publication."
    ]
    revised = GOOD.replace("25.0,%,Plan,2022-07-14", "25.2,%,Later plan,2023-07-01")
    path = tmp_path / "ok.csv"
    path.write_text(HEADER + GOOD + revised, encoding="utf-8")
    assert comparators.latest(comparators.load(path))["value_as_published"].tolist() == ["25.2"]


def test_file_problems(tmp_path):
    problems, _ = _problems(tmp_path, HEADER.replace(",unit", ""))
    assert problems == [
        "comparators.csv, line 1: missing column(s) unit; the header must be "
        "area_type,area_name,measure,period,value,unit,publication,publication_date,source."
    ]
    problems, _ = _problems(tmp_path, HEADER + GOOD.replace(",Plan,2022", ",Plan,extra,2022"))
    assert problems == ["comparators.csv, line 2: has 10 cells, the header has 9 (a comma in an unquoted value?)."]
    problems, _ = _problems(tmp_path, "")
    assert "the file is empty" in problems[0]
    problems, _ = _problems(tmp_path, HEADER)
    assert problems == ["comparators.csv: has a header but no figures."]
    with pytest.raises(comparators.ComparatorError, match="the file is missing"):
        comparators.load(tmp_path / "nowhere.csv")
    (tmp_path / "latin.csv").write_bytes(HEADER.encode() + GOOD.replace("Rotherham", "Rötherham").encode("latin-1"))
    with pytest.raises(comparators.ComparatorError, match="UTF-8"):
        comparators.load(tmp_path / "latin.csv")
