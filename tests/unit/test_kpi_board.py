"""KPI 8 (management board attendance): two board meetings in 2025-26 Q1, counted by hand (decision D14).

=========================  ===================  ===================
sector                     meeting 10 April     meeting 26 June
=========================  ===================  ===================
children's social care     senior               senior
education                  senior               delegated
police                     delegated            delegated
probation                  senior               (no row)
health                     none                 senior
other                      senior               senior
=========================  ===================  ===================

A meeting on 1 July (the next quarter) with every sector senior is not counted.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import board

PERIOD = Period(date(2025, 4, 1), date(2025, 6, 30), "2025-26 Q1")


def attendance() -> pd.DataFrame:
    rows = [
        ("2025-04-10", "LA_CHILDRENS_SOCIAL_CARE", "SENIOR"),
        ("2025-04-10", "LA_EDUCATION", "SENIOR"),
        ("2025-04-10", "POLICE", "DELEGATED"),
        ("2025-04-10", "PROBATION", "SENIOR"),
        ("2025-04-10", "HEALTH", "NONE"),
        ("2025-04-10", "OTHER", "SENIOR"),
        ("2025-06-26", "LA_CHILDRENS_SOCIAL_CARE", "SENIOR"),
        ("2025-06-26", "LA_EDUCATION", "DELEGATED"),
        ("2025-06-26", "POLICE", "DELEGATED"),
        ("2025-06-26", "HEALTH", "SENIOR"),
        ("2025-06-26", "OTHER", "SENIOR"),
        *[("2025-07-01", sector, "SENIOR") for sector in board.SECTORS],
    ]
    frame = pd.DataFrame(rows, columns=["meeting_date", "sector", "attendance"]).assign(new_partner="N")
    return frame.assign(meeting_date=pd.to_datetime(frame["meeting_date"]))


def test_headline_sectors_with_a_senior_partner_at_every_meeting():
    # Senior at both meetings: children's social care only (education delegated in June, probation absent in
    # June, health absent in April; "other" is not a statutory sector). 1 of 5 = 20%.
    kpi8 = board.count(attendance(), PERIOD)
    row = kpi8[kpi8["measure"] == "kpi8_senior_sectors"].iloc[0]
    assert (row["numerator"], row["denominator"], row["value"]) == (1, 5, 20.0)
    assert (row["kind"], row["breakdown"], row["group"], row["unit"]) == (
        "share",
        "all",
        "All",
        "% of the five statutory sectors",
    )
    assert math.isnan(row["lower"])  # every sector there is: no sampling interval


def test_per_meeting_attendance_by_sector():
    kpi8 = board.count(attendance(), PERIOD)

    def cells(measure):
        rows = kpi8[kpi8["measure"] == measure]
        return {g: (n, d) for g, n, d in zip(rows["group"], rows["numerator"], rows["denominator"])}

    # of 2 meetings each; All is of the 5 sectors' 10 places: senior 2 + 1 + 0 + 1 + 1 = 5
    assert cells("kpi8_senior_attendance") == {
        "Local authority children's social care": (2, 2),
        "Local authority education": (1, 2),
        "Police": (0, 2),
        "Probation": (1, 2),
        "Health": (1, 2),
        "All": (5, 10),
    }
    # delegated: education 1 (June) + police 2 = 3 of 10
    assert cells("kpi8_delegated_attendance") == {
        "Local authority children's social care": (0, 2),
        "Local authority education": (1, 2),
        "Police": (2, 2),
        "Probation": (0, 2),
        "Health": (0, 2),
        "All": (3, 10),
    }


def test_one_meeting_gives_the_yjb_reading():
    # Only the April meeting: senior children's social care, education and probation = 3 of 5 = 60%.
    april = attendance()[lambda d: d["meeting_date"] == "2025-04-10"]
    kpi8 = board.count(april, PERIOD)
    assert kpi8.loc[kpi8["measure"] == "kpi8_senior_sectors", "value"].iloc[0] == 60.0


def test_a_quarter_without_a_meeting_has_no_sector_represented():
    later = Period(date(2025, 10, 1), date(2025, 12, 31), "2025-26 Q3")
    kpi8 = board.count(attendance(), later)
    headline = kpi8[kpi8["measure"] == "kpi8_senior_sectors"].iloc[0]
    assert (headline["numerator"], headline["denominator"]) == (0, 5)
    assert kpi8.loc[kpi8["measure"] == "kpi8_senior_attendance", "value"].isna().all()


def test_without_the_file_the_kpi_says_so():
    assert board.figures({}, PERIOD) is None
    assert board.missing({}) == (
        "KPI 8 (management board attendance) is not counted: the extract has no board_attendance.csv."
    )
    assert board.figures({"board_attendance": attendance()}, PERIOD) is not None
