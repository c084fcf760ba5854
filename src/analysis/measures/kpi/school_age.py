"""Compulsory school age on a date, which splits KPI 2 into school age and above school age.

The YJB's `f_isSchoolAgeStart` and `f_isSchoolAgeEnd` are not public. Decision D5 takes the statute for England: a
child is of compulsory school age until the last Friday of June of the school year (September to August) in which
they turn 16. So a child born on 31 August leaves in the June before that birthday, one born on 1 September a year
later. The last Friday itself is still school age; the Saturday after is not. (Children in the KPIs are 10 or older,
so the lower limit of school age never matters.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FRIDAY = 4  # pandas' day of the week, Monday = 0


def leaving_date(date_of_birth: pd.Series) -> pd.Series:
    """The last day of compulsory school age: the last Friday of June of the school year in which the child turns
    16 (that school year ends in June of the year of the 16th birthday, or of the year after for a birthday from
    1 September)."""
    dob = pd.to_datetime(date_of_birth)
    year = dob.dt.year + 16 + (dob.dt.month >= 9).astype(int)
    june_30 = pd.to_datetime(year.astype("Int64").astype(str) + "-06-30", format="%Y-%m-%d", errors="coerce")
    back = (june_30.dt.day_of_week - FRIDAY) % 7
    return june_30 - pd.to_timedelta(back, unit="D")


def school_age(date_of_birth: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """True where the child is of compulsory school age on the date (on or before `leaving_date`); False for a missing
    date of birth or date."""
    leaves = leaving_date(date_of_birth)
    on = pd.to_datetime(on)
    result = (on <= leaves).to_numpy() if isinstance(on, pd.Series) else (leaves >= on).to_numpy()
    return pd.Series(np.asarray(result, dtype=bool), index=leaves.index)
