"""Small-number suppression: the one place that decides what may be published.

Rules (project choice following the GSS symbols guidance; see the notes in each
report and methodology.md section 5):

* **Primary.** A count of 1 to `up_to` (default 4) children or events is shown
  as ``[c]``. Zero is shown: it identifies no one. A share or mean built on
  such a count is withheld too, and so is a share whose complement (the rest
  of its denominator) is that small ("57 of 60" reveals the other 3), and a
  share or mean whose denominator itself is that small.
* **Secondary.** Within a table (rows of the same measure, breakdown and
  period) that shows a total row (group ``All``), a single withheld cell could
  be recovered by subtraction, so the next smallest non-zero cell is withheld
  as well; if there is none, the total is withheld. This repeats until no
  withheld cell can be recovered.
* Ratios are withheld when either of the two counts they compare is small.

Withheld figures lose their numerator, denominator, value and interval in every output, so
neither a table, a chart nor the figures file can show them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .figures import TOTAL

SYMBOL = "[c]"
DEFAULT_UP_TO = 4


def _small(values: pd.Series, up_to: int) -> pd.Series:
    return values.between(1, up_to).fillna(False).astype(bool)


def primary(fig: pd.DataFrame, up_to: int = DEFAULT_UP_TO) -> pd.Series:
    """Rows withheld on their own numbers."""
    kind = fig["kind"]
    small_num = _small(fig["numerator"], up_to)
    small_den = _small(fig["denominator"], up_to)
    complement = _small(fig["denominator"] - fig["numerator"], up_to)
    mask = small_num.copy()
    mask |= (kind == "share") & (complement | small_den)
    mask |= (kind == "mean") & small_den
    mask |= (kind == "ratio") & _small(fig["numerator_2"], up_to)
    return mask


def secondary(fig: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Extend `mask` so that no withheld cell can be recovered from a shown total."""
    mask = mask.copy()
    keys = ["report", "measure", "breakdown", "period"]
    for _, rows in fig.groupby(keys, sort=False, dropna=False):
        if rows["kind"].iloc[0] not in ("count", "share"):
            continue
        is_total = rows["group"] == TOTAL
        if not is_total.any():
            continue
        cells = rows.index[~is_total]
        total = rows.index[is_total]
        while True:
            hidden = [i for i in cells if mask[i]]
            if len(hidden) != 1 or mask[total].all():
                break
            shown = fig.loc[[i for i in cells if not mask[i]], "numerator"]
            shown = shown[shown > 0]
            if shown.empty:
                mask[total] = True
            else:
                mask[shown.sort_values(kind="stable").index[0]] = True
    return mask


def withhold(fig: pd.DataFrame, mask: pd.Series, up_to: int = DEFAULT_UP_TO, restricted: bool = False) -> pd.DataFrame:
    """Set `suppressed` from `mask` and remove the withheld numbers, denominator included (it may be a count
    withheld elsewhere, such as the previous stage of a chain).

    In restricted mode (the board's private session) nothing is removed, but
    `suppressed` still marks what the public version would withhold.
    """
    out = fig.copy()
    out["suppressed"] = mask.to_numpy()
    if not restricted:
        out.loc[mask, ["numerator", "denominator", "value", "lower", "upper", "numerator_2"]] = np.nan
    return out


def apply(fig: pd.DataFrame, up_to: int = DEFAULT_UP_TO, restricted: bool = False, extend=None) -> pd.DataFrame:
    """Return the figures with `suppressed` set and withheld numbers removed.

    `extend(fig, mask) -> mask` may widen what is withheld, for rules that span tables (a rate built on a
    count withheld elsewhere, parts within a whole); it sees the unblanked figures.
    """
    mask = secondary(fig, primary(fig, up_to))
    if extend is not None:
        mask = extend(fig, mask)
    return withhold(fig, mask, up_to, restricted)


def count_text(n: float, suppressed: bool = False) -> str:
    """A count for a table or sentence: thousands separators, or the suppression symbol."""
    if suppressed:
        return SYMBOL
    if n is None or pd.isna(n):
        return ".."
    return f"{int(round(n)):,}"
