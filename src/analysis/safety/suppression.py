"""Small-number suppression: the one place that decides what may be published.

Rules (project choice following the GSS symbols guidance; see the notes in each
report and docs/disclosure.md):

* **Primary.** A count of 1 to `up_to` (default 4) children or events is shown
  as ``[c]``. Zero is shown: it identifies no one. A share or mean built on
  such a count is withheld too, and so is a share whose complement (the rest
  of its denominator) is that small ("57 of 60" reveals the other 3), and a
  share, rate or mean whose denominator (children or pupils) itself is that small.
* **Secondary.** No withheld cell may be worked out from the cells that are
  shown. Within a table (rows of the same measure, breakdown and period) that
  shows a total row (group ``All``), a single withheld cell could be recovered
  by subtraction, so the next smallest non-zero cell is withheld as well; if
  there is none, the total is withheld. Reports add the sums that cross tables
  (a total shown elsewhere, a subtotal, the row and column totals of a two-way
  table) as `relations`; a cell is protected when the sums, with the shown
  cells fixed, leave it free to take more than one value (`determined`). This
  repeats until no withheld cell can be recovered.
* Ratios are withheld when either of the two counts they compare is small.
* **Audit.** Last, `disclosure` checks the result as an intruder would, over whole numbers (a withheld small
  count lies between 1 and `up_to`) and across everything the report has shown, and withholds more if any
  withheld small count could still be worked out exactly.

Withheld figures lose their numerator, denominator, value and interval in every output, so
neither a table, a chart nor the figures file can show them.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd

from analysis.safety import disclosure
from analysis.safety.figures import TOTAL

SYMBOL = "[c]"
DEFAULT_UP_TO = 4


def _small(values, up_to: int) -> np.ndarray:
    """1 to `up_to` (a missing value is not small)."""
    values = np.asarray(values, dtype=float)
    return (values >= 1) & (values <= up_to)


def primary(fig: pd.DataFrame, up_to: int = DEFAULT_UP_TO) -> pd.Series:
    """Rows withheld on their own numbers."""
    kind = fig["kind"].to_numpy()
    numerator, denominator = fig["numerator"].to_numpy(dtype=float), fig["denominator"].to_numpy(dtype=float)
    mask = _small(numerator, up_to)
    mask |= (kind == "share") & (_small(denominator - numerator, up_to) | _small(denominator, up_to))
    mask |= np.isin(kind, ("mean", "rate")) & _small(denominator, up_to)
    mask |= (kind == "ratio") & _small(fig["numerator_2"].to_numpy(dtype=float), up_to)
    return pd.Series(mask, index=fig.index)


Relation = dict  # {row label: coefficient}: the figures' numerators, times their coefficients, add up to zero


def table_relations(fig: pd.DataFrame) -> list[Relation]:
    """The sums every table states: in each table of counts or shares (rows of the same report, measure,
    breakdown and period) that has a total row (group ``All``), the total is the sum of the other rows."""
    keys = [k for k in ("report", "measure", "breakdown", "period") if k in fig]
    tables: dict[tuple, tuple[list, list]] = {}  # table key -> (total rows, other rows), in order
    kinds, groups = fig["kind"].to_numpy(), fig["group"].to_numpy()
    for label, kind, group, *key in zip(fig.index, kinds, groups, *(fig[k].to_numpy() for k in keys)):
        if kind in ("count", "share"):
            totals, parts = tables.setdefault(tuple(key), ([], []))
            (totals if group == TOTAL else parts).append(label)
    return [
        {total: 1.0, **dict.fromkeys(parts, -1.0)} for totals, parts in tables.values() if parts for total in totals
    ]


def total_of(total, parts) -> Relation:
    """The relation 'total = sum of parts' (row labels), for a report's own cross-table sums."""
    relation = {total: 1.0}
    for i in parts:
        relation[i] = relation.get(i, 0.0) - 1.0
    return relation


def _components(relations: list[Relation]) -> list[tuple[list, list[Relation]]]:
    """Group relations that share a row, so each group can be solved on its own."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for relation in relations:
        first, *rest = relation
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict = {}
    for relation in relations:
        groups.setdefault(find(next(iter(relation))), []).append(relation)
    out = []
    for rels in groups.values():
        cells = list(dict.fromkeys(i for r in rels for i in r))
        out.append((cells, rels))
    return out


def determined(cells: list, relations: list[Relation], hidden: set) -> set:
    """The hidden cells whose values follow from the shown ones through the relations.

    A hidden cell is determined exactly when its unit vector lies in the row space of the relations restricted to
    the hidden cells, i.e. when every solution of the relations with the shown cells fixed gives it the same value
    (linear algebra over the real numbers; the checks in the tests also use the fact that counts are not negative).
    """
    unknown = [c for c in cells if c in hidden]
    if not unknown:
        return set()
    col = {c: j for j, c in enumerate(unknown)}
    a = np.zeros((len(relations), len(unknown)))
    for i, relation in enumerate(relations):
        for cell, coef in relation.items():
            if cell in col:
                a[i, col[cell]] += coef
    if not a.any():
        return set()
    _, s, vt = np.linalg.svd(a)
    rank = int((s > 1e-9 * max(1.0, s.max())).sum())
    free = vt[rank:]  # basis of the solutions with the shown cells held fixed
    if len(free) == 0:
        return set(unknown)
    return {c for c, j in col.items() if np.abs(free[:, j]).max() < 1e-9}


def secondary(fig: pd.DataFrame, mask: pd.Series, relations: list[Relation] | None = None) -> pd.Series:
    """Extend `mask` so that no withheld cell can be worked out from the shown ones.

    The sums are each table's own (`table_relations`: a total row is the sum of its table) plus any a report
    adds (`relations`: a total shown in another table, a subtotal, row and column totals of a two-way table).
    While a withheld cell can be worked out, one more cell that shares a sum with it is withheld: the one that
    leaves fewest cells recoverable, and among those the smallest non-zero cell that is not a total (then a
    total, then a zero). With only a table's own total this is the familiar rule: withhold the next smallest
    cell, or the total if there is none; in a two-way table it finds the usual pattern of four cells.
    """
    mask = mask.copy()
    relations = table_relations(fig) + list(relations or [])
    if not relations or not mask.any():
        return mask
    values = fig["numerator"]
    totals = {next(iter(r)) for r in relations}
    for cells, rels in _components(relations):
        hidden = {c for c in cells if mask[c]}
        if not hidden:
            continue
        partners: dict[Hashable, set[Hashable]] = {c: set() for c in cells}  # cell -> the cells it shares a sum with
        for relation in rels:
            for c in relation:
                partners[c].update(relation)

        def rank(c):
            v = values[c]
            return (not (v > 0), c in totals, v if v > 0 else 0, cells.index(c))

        while found := determined(cells, rels, hidden):
            # cells sharing a sum with a recoverable one (any shown cell, if none does)
            options = {c for f in found for c in partners[f]} - hidden or set(cells) - hidden
            if not options:
                break
            # the cell that leaves fewest recoverable, the smallest non-zero non-total among equals
            chosen = min(options, key=lambda c: (len(determined(cells, rels, hidden | {c})), rank(c)))
            hidden.add(chosen)
        mask.loc[list(hidden)] = True
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


def apply(
    fig: pd.DataFrame,
    up_to: int = DEFAULT_UP_TO,
    restricted: bool = False,
    extend=None,
    relations: list[Relation] | None = None,
    exempt: pd.Series | None = None,
    ledger: disclosure.Ledger | None = None,
    also: pd.Series | None = None,
) -> pd.DataFrame:
    """Return the figures with `suppressed` set and withheld numbers removed.

    `extend(fig, mask) -> mask` may widen what is withheld, for rules that span tables (a rate built on a
    count withheld elsewhere, parts within a whole); it sees the unblanked figures. `relations` are sums that
    cross tables, for the secondary rule (see `secondary`). Rows marked in `exempt` are not withheld for their
    own numbers (only counts of records with a value not known, whose report says why), though they may still
    be withheld to protect another figure. Rows marked in `also` are withheld as if they were small (the quarter's
    audit asks for them when a figure in another report would otherwise give a withheld count away).

    Last, the intruder's audit (`disclosure`): with whole numbers, the 1-to-`up_to` range of a small count and
    everything the report has already shown (`ledger`), may any withheld small count be worked out exactly? If
    so, more of these figures are withheld until none can.
    """
    first = primary(fig, up_to)
    if exempt is not None:
        first &= ~exempt.to_numpy()
    if also is not None:
        first |= also.to_numpy(bool)
    mask = secondary(fig, first, relations)
    if extend is not None:
        mask = extend(fig, mask)
    ledger = ledger or disclosure.Ledger(up_to)
    mask = ledger.protect(fig, mask, relations, exempt, extend)
    return withhold(fig, mask, up_to, restricted)


def count_text(n: float, suppressed: bool = False) -> str:
    """A count for a table or sentence: thousands separators, the suppression symbol, or [x] (the GSS symbol for
    not available, as every other figure shows it) where there is no count, such as a year the extract does not
    cover."""
    if suppressed:
        return SYMBOL
    if n is None or pd.isna(n):
        return "[x]"
    return f"{int(round(n)):,}"
