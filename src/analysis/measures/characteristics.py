"""A child's characteristics on a given date: age, sex, ethnic group, looked-after and SEND status.

Functions take a frame of (child_id, date) pairs so that every analysis asks
the same question the same way: "what was true of this child on this day?".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.data.lookup import mapped


def age_on(date_of_birth: pd.Series, on: pd.Series | pd.Timestamp) -> pd.Series:
    """Age in completed years on a date (a birthday on the date counts)."""
    dob = pd.to_datetime(date_of_birth)
    on = pd.to_datetime(on)
    years = on.year - dob.dt.year if isinstance(on, pd.Timestamp) else on.dt.year - dob.dt.year
    on_month = on.month if isinstance(on, pd.Timestamp) else on.dt.month
    on_day = on.day if isinstance(on, pd.Timestamp) else on.dt.day
    before_birthday = (on_month < dob.dt.month) | ((on_month == dob.dt.month) & (on_day < dob.dt.day))
    return (years - before_birthday.astype(int)).astype("Int64")


def in_episode(pairs: pd.DataFrame, episodes: pd.DataFrame, date_column: str = "date") -> pd.Series:
    """For each (child_id, date) row of `pairs`, is the date inside any of the child's episodes?

    Episodes have child_id, start_date and end_date (blank = still open); both
    ends count as inside.
    """
    if pairs.empty:
        return pd.Series(False, index=pairs.index, dtype=bool)
    left = pairs[["child_id", date_column]].reset_index(names="_row")
    merged = left.merge(episodes[["child_id", "start_date", "end_date"]], on="child_id", how="inner")
    inside = (merged["start_date"] <= merged[date_column]) & (
        merged["end_date"].isna() | (merged["end_date"] >= merged[date_column])
    )
    hit = set(merged.loc[inside.fillna(False).astype(bool), "_row"])
    return pd.Series([row in hit for row in left["_row"]], index=pairs.index, dtype=bool)


def looked_after_on(
    tables: dict, pairs: pd.DataFrame, date_column: str = "date", *, include_placed_here: bool = True
) -> pd.Series:
    """Was the child looked after on the date? Children placed here by another
    authority count unless `include_placed_here` is False."""
    care = tables["care_episodes"]
    if not include_placed_here:
        care = care[care["placed_by_other_authority"] != "Y"]
    return in_episode(pairs, care, date_column)


SEND_LABELS = ("EHCP", "SEN support", "No SEN recorded")


def send_on(tables: dict, pairs: pd.DataFrame, date_column: str = "date") -> pd.Series:
    """SEND status on the date: 'EHCP' outranks 'SEN support'; otherwise 'No SEN recorded'."""
    send = tables["send"]
    ehcp = in_episode(pairs, send[send["send_status"] == "EHCP"], date_column)
    support = in_episode(pairs, send[send["send_status"] == "SEN_SUPPORT"], date_column)
    return pd.Series(np.select([ehcp, support], SEND_LABELS[:2], SEND_LABELS[2]), index=pairs.index)


def ethnic_groups(ethnicity: pd.Series) -> pd.Series:
    """The five-group label (or 'Not known') of each detailed code."""
    lookup = {code: group for code, (_, group) in codes.ETHNICITY.items()}
    return ethnicity.map(lookup).fillna(codes.NOT_KNOWN).astype(str)


def ethnicity_labels(ethnicity: pd.Series) -> pd.Series:
    lookup = {code: label for code, (label, _) in codes.ETHNICITY.items()}
    return ethnicity.map(lookup).fillna(codes.NOT_KNOWN).astype(str)


def describe(tables: dict, pairs: pd.DataFrame, date_column: str = "date") -> pd.DataFrame:
    """Characteristics of each (child_id, date) row: sex, ethnic group and detail, age, looked after, SEND."""
    children = tables["children"].set_index("child_id")
    out = pairs.copy()
    ids = out["child_id"]
    out["sex"] = ids.map(children["sex"]).map(codes.SEX_YJB).fillna("Not known").astype(str)
    ethnicity = ids.map(children["ethnicity"])
    out["ethnic_group"] = ethnic_groups(ethnicity).to_numpy()
    out["ethnicity"] = ethnicity_labels(ethnicity).to_numpy()
    out["age"] = age_on(mapped(ids, children["date_of_birth"]), out[date_column]).to_numpy()
    out["looked_after"] = looked_after_on(tables, out, date_column).map(
        {True: "Looked after", False: "Not looked after"}
    )
    out["send"] = send_on(tables, out, date_column)
    return out
