"""The bad rows planted in the optional KPI files of the demo extract, as `bad_rows` does for the others: a small share
of rows (0.4%, at least one of each kind) is added as copies of real rows with one value spoiled: an unknown code, a
blank required value, a child, offence, episode or outcome that does not exist, an end before its start, a duplicate
key, a child who is not the offence's or the outcome's, an intervention type of the other domain. Each file's spoils
are in `KINDS`. Separately, a few blank dates of real rows are written 1900-01-01, as the YJB's systems send "no
date": those rows are not bad, and the loader reads the date as blank (`write_no_dates`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.columns import fmt_ids
from analysis.demo.shape import BAD_ROW_RATE, DANGLING_OFFSET

NO_DATE = "1900-01-01"
# the column given a new identifier for a bad row (the file's first), and the kind of identifier
NEW_ID = {
    "accommodation": "accommodation",
    "ete_status": "ete",
    "send_aln": "send_aln",
    "health_interventions": "health",
    "care_status": "care_status",
    "victims": "victim_intervention",
}
# the blank dates of real rows that may be written 1900-01-01 instead
NO_DATE_COLUMNS = {
    "accommodation": ("end_date",),
    "ete_status": ("end_date",),
    "send_aln": ("end_date",),
    "health_interventions": ("date_need_identified", "date_offered", "date_attended_end"),
    "care_status": ("end_date",),
    "victims": ("contact_date", "rj_end_date"),
}


def _dangling(kind: str, largest: int, n: int) -> list[str]:
    return list(fmt_ids(kind, largest + DANGLING_OFFSET + np.arange(n)))


def _set(column, value):
    def spoil(rows, rng, ctx):
        rows[column] = value(len(rows), ctx) if callable(value) else value
        return rows

    return spoil


def _both(values: dict):
    def spoil(rows, rng, ctx):
        for column, value in values.items():
            rows[column] = value
        return rows

    return spoil


def _end_before_start(start="start_date", end="end_date"):
    def spoil(rows, rng, ctx):
        starts = pd.to_datetime(rows[start])
        rows[end] = (starts - pd.to_timedelta(rng.integers(5, 60, len(rows)), unit="D")).dt.strftime("%Y-%m-%d")
        return rows

    return spoil


def _other_child(rows, rng, ctx):
    """A child who exists, but not the one the row's outcome or offence belongs to."""
    children = ctx["children"]
    rows["child_id"] = [children[(children.index(c) + 1) % len(children)] for c in rows["child_id"]]
    return rows


def _other_outcome(rows, rng, ctx):
    """An outcome that exists but belongs to another child than the episode."""
    owners = ctx["outcome_child"]
    picked = []
    for episode in rows["episode_id"]:
        child = ctx["episode_child"][episode]
        picked.append(next(o for o, c in owners.items() if c != child))
    rows["outcome_id"] = picked
    return rows


def _unknown_child(n, ctx):
    return _dangling("child", ctx["max_child"], n)


KINDS = {  # file: [(what, spoil)]
    "episode_links": [
        ("unknown completion code", _set("successfully_completed", "U")),
        ("unknown episode", _set("episode_id", lambda n, ctx: _dangling("episode", ctx["max_episode"], n))),
        ("unknown outcome", _set("outcome_id", lambda n, ctx: _dangling("outcome", ctx["max_outcome"], n))),
        ("another child's outcome", _other_outcome),
        ("blank outcome", _set("outcome_id", None)),
        ("duplicate episode and outcome", _set("successfully_completed", "Y")),
    ],
    "accommodation": [
        ("unknown accommodation type", _set("accommodation_type", "SOFA_SURFING")),
        ("blank suitability", _set("suitability", None)),
        ("unknown child", _set("child_id", _unknown_child)),
        ("end before start", _end_before_start()),
        ("impossible start date", _set("start_date", "31/02/2023")),
    ],
    "ete_status": [
        ("unknown provision", _set("provision_type", "HOME_TUITION")),
        ("hours out of range", _set("hours_offered", "70")),
        ("unknown child", _set("child_id", _unknown_child)),
        ("end before start", _end_before_start()),
        ("blank suitability", _set("suitability", None)),
    ],
    "send_aln": [
        ("unknown identified code", _set("identified_send", "U")),
        ("blank identified", _set("identified_send", None)),
        ("unknown child", _set("child_id", _unknown_child)),
        ("end before start", _end_before_start()),
    ],
    "health_interventions": [
        ("intervention of the other domain", _both({"domain": "MENTAL_HEALTH", "intervention_type": "COMPLEX_CARE"})),
        ("unknown domain", _set("domain", "PHYSICAL_HEALTH")),
        ("unknown child", _set("child_id", _unknown_child)),
        (
            "attendance ends before it starts",
            _both({"date_attended_start": "2024-05-10", "date_attended_end": "2024-04-01"}),
        ),
        ("a date before 1990 that is not 1900-01-01", _set("date_referred", "1985-06-01")),
    ],
    "care_status": [
        ("unknown status", _set("status", "LAC")),
        ("unknown child", _set("child_id", _unknown_child)),
        ("end before start", _end_before_start()),
        ("blank start", _set("start_date", None)),
    ],
    "victims": [
        ("blank consent", _set("consent_to_contact", None)),
        ("unknown offence", _set("offence_id", lambda n, ctx: _dangling("offence", ctx["max_offence"], n))),
        ("another child than the offence's", _other_child),
        ("unknown code", _set("engaged_rj", "MAYBE")),
        ("duplicate victim intervention and victim", _set("victim_type", "OTHER")),
    ],
    "board_attendance": [
        ("unknown sector", _set("sector", "EDUCATION")),
        ("unknown attendance", _set("attendance", "YES")),
        ("meeting after the extract date", _set("meeting_date", "2099-01-01")),
        ("blank meeting date", _set("meeting_date", None)),
        ("duplicate meeting and sector", _set("new_partner", "Y")),
    ],
}
KEEP_KEY = {"duplicate episode and outcome", "duplicate victim intervention and victim", "duplicate meeting and sector"}


def add_kpi_bad_rows(name: str, df: pd.DataFrame, rng, ctx: dict, rate: float = BAD_ROW_RATE) -> pd.DataFrame:
    """df (text, sorted by its first column) with about `rate` of its rows, and at least one of each kind, added as
    spoiled copies of random rows, in order of the first column (a copy of a key after the row it copies)."""
    kinds = KINDS[name]
    n = len(df)
    nb = max(len(kinds), int(round(rate * n)))
    src = np.sort(rng.choice(n, size=nb, replace=nb > n))
    rows = df.iloc[src].reset_index(drop=True).astype(object)
    which = np.arange(nb) % len(kinds)
    largest = int(df["_key"].max()) if name in NEW_ID else 0
    parts = []
    for j, (what, spoil) in enumerate(kinds):
        part = spoil(rows[which == j].copy(), rng, ctx)
        if name in NEW_ID and what not in KEEP_KEY:
            nums = largest + 1 + np.arange(len(part))
            largest += len(part)
            part[df.columns[0]] = list(fmt_ids(NEW_ID[name], nums))
        parts.append(part)
    out = pd.concat([df.astype(object)] + parts, ignore_index=True)
    first = out[df.columns[0]].fillna("")
    return out.iloc[np.argsort(first.to_numpy(dtype=str), kind="stable")].reset_index(drop=True)


def write_no_dates(name: str, df: pd.DataFrame, rng, share: float = 0.03) -> pd.DataFrame:
    """A few blank dates (at least one) written 1900-01-01, as the YJB's systems send "no date"."""
    df = df.copy()
    for column in NO_DATE_COLUMNS.get(name, ()):
        blank = np.flatnonzero(df[column].to_numpy() == "")
        if not len(blank):
            continue
        k = max(1, int(round(share * len(blank))))
        df.iloc[np.sort(rng.choice(blank, size=k, replace=False)), df.columns.get_loc(column)] = NO_DATE
    return df
