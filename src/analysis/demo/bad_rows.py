"""The bad rows planted in the demo extract (`generate(..., bad_rows=True)`): a small share of rows (0.4%, at least
one per case-level extract) is added that each break one contract rule: an unknown code, an impossible date, an
end before a start, an outcome before its offence, a duplicate identifier, a reference to a child, offence or
pupil that does not exist, a blank required value, an out-of-range number. They are copies of real rows with one
value spoiled and a new identifier (or the same one, for duplicates), so dropping them leaves the rest of the
data whole. `_bad_kinds` lists the spoils of each extract; `add_bad_rows` inserts them in identifier order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import contract
from analysis.demo.columns import fmt_ids, is_masked_int, text_categories
from analysis.demo.files import frame
from analysis.demo.shape import BAD_ROW_RATE, DANGLING_OFFSET

ID_KIND = {
    "children": "child",
    "offences": "offence",
    "outcomes": "outcome",
    "caseload": "episode",
    "remands": "remand",
    "care_episodes": "care",
    "send": "send",
    "pupils": "pupil",
    "exclusions": "exclusion",
    "assessments": "assessment",
}


def _fmt_day(d) -> str:
    return str(np.datetime64(int(d), "D"))


class BadRows:
    """Context for making bad rows: new and dangling identifiers."""

    def __init__(self, frames, rng):
        self.rng = rng
        self.max = {
            "child": int(frames["children"]["_key"].max()),
            "pupil": int(frames["pupils"]["_key"].max() // 64),
            "offence": int(frames["offences"]["_key"].max()),
        }

    def dangling(self, kind, n):
        base = self.max[kind] + DANGLING_OFFSET
        return list(fmt_ids(kind, base + np.arange(n)))


def _bad_kinds(name, bad: BadRows):
    """For each case-level extract: a list of (label, keep_id, function(rows) -> rows)."""
    rng = bad.rng

    def setcol(col, values):
        def f(df):
            v = values(len(df)) if callable(values) else values
            df[col] = v
            return df

        return f

    def cycle(options):
        return lambda n: [options[i % len(options)] for i in range(n)]

    def end_before_start(df):
        starts = pd.to_datetime(df["start_date"])
        df["end_date"] = (starts - pd.to_timedelta(rng.integers(5, 60, len(df)), unit="D")).dt.strftime("%Y-%m-%d")
        return df

    def shift_date(col, days):
        def f(df):
            d = pd.to_datetime(df[col]) + pd.Timedelta(days=days)
            df[col] = d.dt.strftime("%Y-%m-%d")
            return df

        return f

    def outcome_before_offence(df):
        d = df["_date"].to_numpy() - rng.integers(3, 40, len(df))
        df["outcome_date"] = [_fmt_day(x) for x in d]
        return df

    dangling_child = lambda n: bad.dangling("child", n)
    dangling_pupil = lambda n: bad.dangling("pupil", n)
    bad_dates = cycle(["31/02/2023", "not a date", "2099-01-01"])
    kinds = {
        "children": [
            ("unknown ethnicity", False, setcol("ethnicity", "XXXX")),
            ("impossible date of birth", False, setcol("date_of_birth", cycle(["31/02/2009", "not a date"]))),
            ("blank sex", False, setcol("sex", None)),
            ("duplicate child_id", True, shift_date("date_of_birth", 400)),
        ],
        "offences": [
            ("seriousness 9", False, setcol("seriousness_score", 9)),
            ("unknown category", False, setcol("offence_category", "SHOPLIFTING")),
            ("impossible offence date", False, setcol("offence_date", bad_dates)),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("blank category", False, setcol("offence_category", None)),
            ("duplicate offence_id", True, shift_date("offence_date", -3)),
        ],
        "outcomes": [
            ("unknown legal outcome", False, setcol("legal_outcome", cycle(["CAUTION_OLD", "REPRIMAND"]))),
            ("outcome before offence", False, outcome_before_offence),
            ("unknown offence", False, setcol("offence_id", lambda n: bad.dangling("offence", n))),
            ("blank residence", False, setcol("residence", None)),
            ("impossible outcome date", False, setcol("outcome_date", bad_dates)),
            ("duplicate outcome_id", True, setcol("residence", "OTHER")),
        ],
        "caseload": [
            ("end before start", False, end_before_start),
            ("unknown episode type", False, setcol("episode_type", "ASSET_ONLY")),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("impossible start date", False, setcol("start_date", cycle(["not a date", "31/02/2023"]))),
            ("duplicate episode_id", True, shift_date("start_date", -7)),
        ],
        "remands": [
            ("end before start", False, end_before_start),
            ("unknown remand type", False, setcol("remand_type", "SECURE_CHILDRENS_HOME")),
            ("unknown child", False, setcol("child_id", dangling_child)),
        ],
        "care_episodes": [
            ("unknown code", False, setcol("placed_by_other_authority", "U")),
            ("end before start", False, end_before_start),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("duplicate care_episode_id", True, setcol("placed_by_other_authority", "Y")),
        ],
        "send": [
            ("unknown status", False, setcol("send_status", "STATEMENT")),
            ("end before start", False, end_before_start),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("impossible start date", False, setcol("start_date", cycle(["31/02/2023", "not a date"]))),
        ],
        "assessments": [
            ("unknown flag", False, setcol("concerns_mental_health", "U")),
            ("impossible assessment date", False, setcol("assessment_date", bad_dates)),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("blank assessment date", False, setcol("assessment_date", None)),
            ("duplicate assessment_id", True, setcol("neet", "Y")),
        ],
        "pupils": [
            ("unknown ethnicity", False, setcol("ethnicity", "XXXX")),
            ("unknown SEN provision", False, setcol("sen_provision", "S")),
            ("nc_year 15", False, setcol("nc_year", 15)),
            ("unknown sex", False, setcol("sex", "U")),
            ("blank school", False, setcol("school_id", None)),
            ("duplicate pupil and year", True, setcol("sen_provision", "K")),
        ],
        "exclusions": [
            ("sessions 0", False, setcol("sessions", 0)),
            ("unknown category", False, setcol("category", "INTERNAL")),
            ("unknown pupil", False, setcol("pupil_id", dangling_pupil)),
            ("impossible start date", False, setcol("start_date", cycle(["2099-01-01", "31/02/2023", "not a date"]))),
            ("blank reason", False, setcol("reason", None)),
            ("duplicate exclusion_id", True, setcol("sessions", 2)),
        ],
        "pupil_link": [
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("unknown pupil", False, None),  # made in add_bad_rows
            ("duplicate child_id", True, None),  # made in add_bad_rows
        ],
    }
    return kinds[name]


def _extend_categories(cats: pd.Index, values: list):
    """Codes of values (None for blank) in cats, adding the values cats lacks.

    Scans cats once instead of hashing it: cats may hold millions of pupil ids."""
    wanted = sorted({v for v in values if v is not None})
    pos = np.flatnonzero(cats.isin(wanted))
    found = dict(zip(cats[pos], pos))
    new = [v for v in wanted if v not in found]
    found.update({v: len(cats) + i for i, v in enumerate(new)})
    if new:
        cats = cats.append(text_categories(new))
    return cats, np.array([found[v] if v is not None else -1 for v in values], dtype=np.int64)


def add_bad_rows(name, df, bad: BadRows, unlinked_children, rate=BAD_ROW_RATE):
    """df with about `rate` of its rows (at least one) added as spoiled copies of random rows."""
    n = len(df)
    if n == 0:
        return df
    id_col = contract.EXTRACTS[name].columns[0].name
    kinds = _bad_kinds(name, bad)
    nb = max(1, int(round(rate * n)))
    src = np.sort(bad.rng.choice(n, size=nb, replace=nb > n))
    rows = df.iloc[src].reset_index(drop=True)
    rows = rows.astype(
        {
            c: object
            for c in rows.columns
            if isinstance(rows[c].dtype, pd.CategoricalDtype) or is_masked_int(rows[c].dtype)
        }
    )
    which = np.arange(nb) % len(kinds)
    parts = []
    next_num = (bad.max["pupil"] if name == "pupils" else int(df["_key"].max())) + 1
    for j, (label, keep_id, spoil) in enumerate(kinds):
        part = rows[which == j].copy()
        if part.empty:
            continue
        if name == "pupil_link":
            if label == "unknown child":
                part = spoil(part)
                part["_key"] = bad.max["child"] + DANGLING_OFFSET + np.arange(len(part))
            elif label == "unknown pupil":  # a real child without a link, linked to a pupil that does not exist
                kids = unlinked_children[: len(part)]
                part = part.iloc[: len(kids)].copy()
                part["child_id"] = list(fmt_ids("child", kids))
                part["pupil_id"] = bad.dangling("pupil", len(part))
                part["_key"] = kids
            else:  # a linked child linked to a second pupil
                part["pupil_id"] = list(df["pupil_id"].to_numpy()[(src[which == j] + 1) % n])
            parts.append(part)
            continue
        part = spoil(part)
        if not keep_id:  # a new identifier, after the largest one
            nums = next_num + np.arange(len(part))
            next_num += len(part)
            part[id_col] = list(fmt_ids(ID_KIND[name], nums))
            part["_key"] = nums * 64 + part["_key"].to_numpy() % 64 if name == "pupils" else nums
        parts.append(part)
    badf = pd.concat(parts, ignore_index=True)
    badf = badf.iloc[np.argsort(badf["_key"].to_numpy(), kind="stable")].reset_index(drop=True)
    # insert each bad row after the rows with the same or a smaller key (df is sorted by key)
    key = df["_key"].to_numpy()
    assert bool((key[1:] >= key[:-1]).all()), name
    pos = np.searchsorted(key, badf["_key"].to_numpy(), side="right")
    cols = {}
    for c in df.columns:
        a, b = df[c], badf[c]
        if isinstance(a.dtype, pd.CategoricalDtype):
            cats, b_codes = _extend_categories(a.cat.categories, list(b.astype(object).where(b.notna(), None)))
            a_codes = a.cat.codes.to_numpy()
            if len(cats) > np.iinfo(a_codes.dtype).max:
                a_codes = a_codes.astype(np.int64)
            cols[c] = pd.Categorical.from_codes(np.insert(a_codes, pos, b_codes), categories=cats)
        elif is_masked_int(a.dtype):
            b_mask = b.isna().to_numpy()
            b_vals = np.array([0 if m else int(v) for v, m in zip(b, b_mask)], dtype=np.int64)
            vals = np.insert(a.to_numpy(dtype=a.dtype.numpy_dtype, na_value=0), pos, b_vals.astype(a.dtype.numpy_dtype))
            mask = np.insert(a.isna().to_numpy(), pos, b_mask)
            cols[c] = pd.arrays.IntegerArray(vals, mask)
        else:
            cols[c] = np.insert(a.to_numpy(), pos, b.to_numpy().astype(a.to_numpy().dtype))
    return frame(cols)
