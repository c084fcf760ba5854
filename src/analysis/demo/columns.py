"""Small helpers the demo's builders share: dates as integer days since 1970-01-01 (`day`, `ymd`, `add_years`,
`age`), a weighted random choice (`choice`), positions within groups (`within`), and the column builders that turn
numbers into the contract's text columns (`fmt_ids`, `id_col`, `small_id_col`, `date_col`, `code_col`, `int_col`).
Text columns are pandas categoricals over arrow-backed strings, so even the pupil tables with millions of rows
stay small in memory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.demo.shape import IDS

# ======================================================================================
# Dates (int days since 1970-01-01) and small helpers
# ======================================================================================


def day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


def ymd(days):
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def add_years(days, years):
    """The same day and month `years` later (29 February becomes 1 March)."""
    y, m, d = ymd(days)
    month = ((y + years - 1970) * 12 + m - 1).astype("datetime64[M]")
    return month.astype("datetime64[D]").astype(np.int64) + d - 1


def age(dob, at):
    yb, mb, db = ymd(dob)
    ya, ma, da = ymd(at)
    return ya - yb - ((ma * 100 + da) < (mb * 100 + db))


def choice(rng, options: dict, size: int):
    keys = list(options)
    p = np.array([options[k] for k in keys], dtype=float)
    return rng.choice(len(keys), size=size, p=p / p.sum()), keys


def within(counts):
    """For groups of sizes `counts` laid out one after another: each row's position within its group."""
    starts = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
    return np.arange(int(np.sum(counts)), dtype=np.int64) - np.repeat(starts, counts), starts


# ======================================================================================
# Column builders (categoricals keep large tables small)
# ======================================================================================


def fmt_ids(kind: str, nums) -> np.ndarray:
    prefix, width = IDS[kind]
    nums = np.asarray(nums, dtype=np.int64)
    return np.char.add(prefix, np.char.zfill(nums.astype(str), width))


def text_categories(values) -> pd.Index:
    """Categories for a text column (arrow-backed strings: compact even for millions of ids)."""
    return pd.Index(np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values, dtype="str")


def id_col(kind: str, nums) -> pd.Categorical:
    nums = np.asarray(nums, dtype=np.int64)
    ok = nums >= 0
    uniq, inv = np.unique(nums[ok], return_inverse=True)
    codes_ = np.full(len(nums), -1, dtype=np.int64)
    codes_[ok] = inv
    return pd.Categorical.from_codes(codes_, categories=text_categories(fmt_ids(kind, uniq)))


def small_id_col(kind: str, nums, universe) -> pd.Categorical:
    """Like id_col for a column drawn from a small known set of numbers (no sort of the column)."""
    universe = np.unique(np.asarray(universe, dtype=np.int64))
    rank = np.full(int(universe.max()) + 1, -1, dtype=np.int32)
    rank[universe] = np.arange(len(universe), dtype=np.int32)
    return pd.Categorical.from_codes(rank[np.asarray(nums)], categories=text_categories(fmt_ids(kind, universe)))


def date_col(days, blank=None) -> pd.Categorical:
    days = np.asarray(days, dtype=np.int64)
    ok = np.ones(len(days), bool) if blank is None else ~np.asarray(blank, bool)
    uniq, inv = np.unique(days[ok], return_inverse=True)
    codes_ = np.full(len(days), -1, dtype=np.int64)
    codes_[ok] = inv
    cats = np.datetime_as_string(uniq.astype("datetime64[D]"), unit="D")
    return pd.Categorical.from_codes(codes_, categories=text_categories(cats))


def code_col(idx, keys) -> pd.Categorical:
    """idx: positions in keys; keys may include "" for blank."""
    keys = list(keys)
    idx = np.asarray(idx, dtype=np.int64)
    if "" in keys:
        blank = keys.index("")
        mapping = np.array([i - (i > blank) if i != blank else -1 for i in range(len(keys))], dtype=np.int64)
        idx = mapping[idx]
        keys = [k for k in keys if k != ""]
    return pd.Categorical.from_codes(idx, categories=text_categories(keys))


def int_col(values, blank=None) -> pd.arrays.IntegerArray:
    values = np.asarray(values)
    if values.dtype.kind != "i":
        values = values.astype(np.int64)
    mask = np.zeros(len(values), bool) if blank is None else np.asarray(blank, bool)
    return pd.arrays.IntegerArray(values, mask)


def is_masked_int(dtype) -> bool:
    return pd.api.types.is_integer_dtype(dtype) and isinstance(dtype, pd.api.extensions.ExtensionDtype)
