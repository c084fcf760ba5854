"""Membership and position lookups on long text columns, done in Arrow.

pandas 3 matches Arrow-backed text against a list one value at a time in Python, and joins on text columns by
factorizing both sides, which takes many seconds for the 20 million pupil identifiers of a national school
census. These hash only the shorter side in Arrow. Values that are not all text are matched as Python objects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _text(values) -> pa.Array | pa.ChunkedArray | None:
    """`values` as Arrow text (no copy for an Arrow-backed column; all blank counts as text), or None if they
    are not all text."""
    if not isinstance(values, (pd.Series, pd.Index, pd.api.extensions.ExtensionArray, np.ndarray)):
        values = list(values)
    try:
        arr = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if pa.types.is_null(arr.type):
        return arr.cast(pa.large_string())
    return arr if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) else None


def _in(values: pa.Array | pa.ChunkedArray, value_set: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Arrow is_in as a numpy mask (blank is never in)."""
    found = pc.is_in(values, value_set=value_set.cast(values.type), skip_nulls=True)
    return found.to_numpy(zero_copy_only=False).astype(bool, copy=False)


def isin(values: pd.Series, allowed) -> np.ndarray:
    """values.isin(allowed) as a numpy mask, fast for long arrow-backed string columns (blank is never in).

    Text is matched in Arrow, hashing the shorter side (when `allowed` is the longer, it is first cut to the
    values that occur in `values`); anything else is matched as Python objects."""
    v, a = _text(values), _text(allowed)
    if v is None or a is None:
        allowed = pd.Series(allowed, dtype=object).dropna()
        index = pd.Index(allowed.unique())
        if not len(index):
            return np.zeros(len(values), bool)
        return index.get_indexer(pd.Series(values, dtype=object).to_numpy()) >= 0
    if len(a) > len(v):
        a = a.filter(_in(a, v))
    return _in(v, a)


def positions(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """The position in `keys` of each of `values` (the first, if a key is repeated), -1 where it is not there
    (blank is never found): a left join's row lookup without the join. Text as in `isin`."""
    v, k = _text(values), _text(keys)
    if v is None or k is None:
        keys = pd.Series(np.asarray(keys, dtype=object)).dropna().drop_duplicates()
        found = pd.Index(keys).get_indexer(pd.Series(values, dtype=object).to_numpy())
        return np.append(keys.index.to_numpy(), -1)[found]  # found is -1 where absent: the appended -1
    candidates = np.arange(len(k))
    if len(k) > len(v):  # hash the shorter side: only the keys that occur in `values` can be found
        candidates = np.flatnonzero(_in(k, v))
        k = k.take(candidates)
    found = pc.index_in(v, value_set=k.cast(v.type), skip_nulls=True).fill_null(-1).to_numpy(zero_copy_only=False)
    return np.append(candidates, -1)[found]


def mapped(values: pd.Series | pd.Index, mapping: pd.Series) -> pd.Series | pd.Index:
    """values.map(mapping), also when `mapping` is empty: pandas 3 cannot map through an empty Series of dates
    ("Cannot cast DatetimeArray to dtype float64"), which an extract with no rows in a table (no children, no
    custody episode matched, no reoffence) gives. Every value is then missing, with the mapping's type."""
    if len(mapping):
        return values.map(mapping)
    missing = pd.Series(pd.array([None] * len(values), dtype=mapping.dtype))
    if isinstance(values, pd.Index):
        return pd.Index(missing, name=values.name)
    return missing.set_axis(values.index).rename(values.name)
