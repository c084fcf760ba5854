"""Whether a record was current at the start, at the end or during an order (docs/kpi-definitions.md, "Time points"),
on hand-made dates around one order: start point 1 March 2025, end 30 June 2025."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.measures.kpi import time_points

POPULATION = pd.DataFrame(
    {
        "child_id": ["C1"],
        "type_of_order": ["referral_order"],
        "start_date": [pd.Timestamp("2025-03-01")],
        "start_point": [pd.Timestamp("2025-03-01")],
        "end_date": [pd.Timestamp("2025-06-30")],
    }
)
# id: (start, end); blank end = still open
RECORDS = {
    "before": ("2024-01-01", "2025-02-28"),  # ended the day before the start point: never current
    "to_start": ("2024-01-01", "2025-03-01"),  # ended on the start point: at start, during
    "open": ("2024-06-01", None),  # open: at start, at end, during
    "middle": ("2025-04-01", "2025-05-01"),  # inside the order only: during
    "on_end": ("2025-06-30", None),  # began on the end date: at end, during
    "after": ("2025-07-01", None),  # began after the end: never
    "ends_on_end": ("2025-05-01", "2025-06-30"),  # ended on the end date: at end, during
}


def records() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": list(RECORDS),
            "child_id": "C1",
            "start_date": [pd.Timestamp(s) for s, _ in RECORDS.values()],
            "end_date": [pd.Timestamp(e) if e else pd.NaT for _, e in RECORDS.values()],
        }
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("start", {"to_start", "open"}),
        ("end", {"open", "on_end", "ends_on_end"}),
        ("during", {"to_start", "open", "middle", "on_end", "ends_on_end"}),
    ],
)
def test_a_record_is_current_at_a_time_point_by_its_start_and_end(at, expected):
    got = time_points.current_at(records(), POPULATION, at)
    assert set(got["record_id"]) == expected
    # the child's row comes along, its clashing columns marked as the order's
    assert (got["end_date_order"] == pd.Timestamp("2025-06-30")).all()


def test_custody_is_tested_on_the_day_before_custody_began():
    # Custody from 10 Jan 2025, start point 9 Jan: the flat the child left on 9 Jan counts at the start; a secure
    # children's home from 10 Jan does not.
    custody = POPULATION.assign(start_point=pd.Timestamp("2025-01-09"), type_of_order="custody")
    flat_and_home = pd.DataFrame(
        {
            "record_id": ["flat", "home"],
            "child_id": "C1",
            "start_date": [pd.Timestamp("2023-01-01"), pd.Timestamp("2025-01-10")],
            "end_date": [pd.Timestamp("2025-01-09"), pd.NaT],
        }
    )
    assert list(time_points.current_at(flat_and_home, custody, "start")["record_id"]) == ["flat"]


def test_one_unsuitable_or_unknown_record_makes_the_child_unsuitable_and_no_record_is_not_recorded():
    population = pd.concat([POPULATION.assign(child_id=c) for c in ("C1", "C2", "C3", "C4")], ignore_index=True)
    recs = pd.DataFrame(
        {
            "child_id": ["C1", "C1", "C2", "C3", "C3"],
            "start_date": pd.Timestamp("2025-01-01"),
            "end_date": pd.NaT,
            "suitability": ["SUITABLE", "UNSUITABLE", "UNKNOWN", "SUITABLE", "SUITABLE"],
        }
    )
    got = time_points.suitability(recs, population, "end")
    assert list(got) == ["unsuitable", "unsuitable", "suitable", "not_recorded"]


def test_an_unknown_time_point_is_refused():
    with pytest.raises(ValueError, match="during"):
        time_points.current_at(records(), POPULATION, "release")


def test_with_no_record_current_for_anyone_every_child_is_not_recorded():
    # one record, for a child not in the population: nobody has a record, so all are "not recorded" (the Arrow float
    # column pandas made for an empty mapping once broke this)
    records = pd.DataFrame(
        {
            "child_id": pd.Series(["nobody"], dtype="string[pyarrow]"),
            "start_date": pd.to_datetime(["2025-01-01"]),
            "end_date": pd.to_datetime([None]),
            "suitability": pd.Series(["SUITABLE"], dtype="string[pyarrow]"),
        }
    )
    population = POPULATION.assign(child_id=POPULATION["child_id"].astype("string[pyarrow]"))
    status = time_points.suitability(records, population, "end")
    assert list(status) == ["not_recorded"] * len(population)
