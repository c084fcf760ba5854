from datetime import date

import pytest

from analysis.data.quarters import (
    Quarter,
    QuarterError,
    academic_year,
    academic_year_of,
    latest_complete_reoffending_cohort,
    reoffending_cohort,
    reoffending_cohort_complete,
    reoffending_wait_ends,
)


@pytest.mark.parametrize(
    "text",
    [
        "2022-23 Q4",
        "2022/23 Q4",
        "2022-2023 Q4",
        "Q4 2022-23",
        "FY2022-23 Q4",
        "2022-23-Q4",
        " 2022-23  q4 ",
        "fy 2022/2023 q4",
    ],
)
def test_accepted_spellings(text):
    assert Quarter.parse(text) == Quarter(2022, 4)


@pytest.mark.parametrize("text", ["2022 Q4", "2022-24 Q4", "Q5 2022-23", "2022-23", "March 2023", "", "2022-23 Q0"])
def test_rejected_spellings_show_accepted_forms(text):
    with pytest.raises(QuarterError) as err:
        Quarter.parse(text)
    assert '"2022-23 Q4"' in str(err.value)


@pytest.mark.parametrize(
    "q, start, end",
    [
        (1, date(2022, 4, 1), date(2022, 6, 30)),
        (2, date(2022, 7, 1), date(2022, 9, 30)),
        (3, date(2022, 10, 1), date(2022, 12, 31)),
        (4, date(2023, 1, 1), date(2023, 3, 31)),
    ],
)
def test_financial_quarters(q, start, end):
    quarter = Quarter(2022, q)
    assert (quarter.start, quarter.end) == (start, end)
    assert Quarter.containing(start) == quarter and Quarter.containing(end) == quarter


def test_labels_and_windows():
    q = Quarter.parse("2022-23 Q4")
    assert q.label == "2022-23 Q4" and q.slug == "2022-23-Q4"
    assert q.year_ending.label == "year ending March 2023"
    assert (q.year_ending.start, q.year_ending.end) == (date(2022, 4, 1), date(2023, 3, 31))
    assert q.period.months == "January 2023 to March 2023"
    assert q.previous == Quarter(2022, 3) and q.same_quarter_last_year == Quarter(2021, 4)
    assert Quarter(2022, 1).previous == Quarter(2021, 4)
    assert q.history(3) == [Quarter(2022, 2), Quarter(2022, 3), Quarter(2022, 4)]
    # the plan's "Q1 (Measure - Jul17/Jun18)" window
    assert Quarter.parse("2018-19 Q1").year_ending.months == "July 2017 to June 2018"


def test_academic_year_to_date():
    ay = Quarter.parse("2021-22 Q4").academic_year_to_date
    assert (ay.start, ay.end) == (date(2021, 9, 1), date(2022, 3, 31))
    assert ay.label.startswith("academic year 2021/22")
    q2 = Quarter.parse("2022-23 Q2").academic_year_to_date  # ends 30 September: one month in
    assert (q2.start, q2.end) == (date(2022, 9, 1), date(2022, 9, 30))
    assert academic_year_of(date(2022, 8, 31)) == "2021/22" and academic_year_of(date(2022, 9, 1)) == "2022/23"
    assert academic_year("2021/22").end == date(2022, 8, 31)
    with pytest.raises(QuarterError):
        academic_year("2021/23")


def test_reoffending_cohort_needs_follow_up_and_wait():
    # July to June 2020 cohort was the one published in the 2021-22 Q4 data (plan, 18-month lag)
    # a cohort to the end of June 2020 is followed for 12 months and a 6-month wait: to the end of December 2021
    assert reoffending_cohort_complete(date(2020, 6, 30), date(2021, 12, 31))
    assert not reoffending_cohort_complete(date(2020, 6, 30), date(2021, 12, 30))
    assert reoffending_wait_ends(date(2024, 9, 30)) == date(2026, 3, 31)
    assert reoffending_wait_ends(date(2024, 9, 15)) == date(2026, 3, 15)
    latest = latest_complete_reoffending_cohort(date(2026, 4, 20))
    assert (latest.start, latest.end) == (date(2024, 7, 1), date(2024, 9, 30))
    assert latest.label == "Jul 2024 to Sep 2024"
    twelve = latest_complete_reoffending_cohort(date(2026, 4, 20), months=12)
    assert (twelve.start, twelve.end) == (date(2023, 10, 1), date(2024, 9, 30))
    assert reoffending_cohort(Quarter.parse("2019-20 Q1"), 12).label == "Jul 2018 to Jun 2019"
