"""Compulsory school age (decision D5): until the last Friday of June of the school year in which the child turns 16."""

from __future__ import annotations

import pandas as pd

from analysis.measures.kpi.school_age import leaving_date, school_age


def dates(*texts: str | None) -> pd.Series:
    return pd.Series([pd.Timestamp(t) if t else pd.NaT for t in texts])


def test_born_31_august_leaves_a_year_before_born_1_september():
    # Born 31 Aug 2008: 16 on 31 Aug 2024, in the school year 2023/24, so leaves on the last Friday of June 2024.
    # 30 June 2024 was a Sunday, so that Friday is 28 June. Born 1 Sep 2008: 16 on 1 Sep 2024, school year 2024/25;
    # 30 June 2025 was a Monday, so the last Friday is 27 June 2025.
    assert list(leaving_date(dates("2008-08-31", "2008-09-01"))) == [
        pd.Timestamp("2024-06-28"),
        pd.Timestamp("2025-06-27"),
    ]


def test_the_last_friday_is_still_school_age_and_the_day_after_is_not():
    born = dates("2008-08-31", "2008-08-31", "2008-09-01", "2008-09-01")
    on = dates("2024-06-28", "2024-06-29", "2024-06-29", "2025-06-28")
    assert list(school_age(born, on)) == [True, False, True, False]


def test_last_friday_when_30_june_is_a_friday_and_a_missing_birth_date():
    # 30 June 2028 is a Friday: a child born 1 May 2012 (16 in May 2028) leaves on 30 June 2028 itself.
    assert leaving_date(dates("2012-05-01")).iloc[0] == pd.Timestamp("2028-06-30")
    assert list(school_age(dates("2012-05-01", None), pd.Timestamp("2028-06-30"))) == [True, False]
