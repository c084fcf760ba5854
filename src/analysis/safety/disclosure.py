"""The intruder's audit: what could anyone work out about a withheld count from everything published?

`suppression` applies the rules (primary: counts of 1 to k withheld; secondary: enough more withheld that no
withheld count follows by subtraction). This module checks the result the way an intruder would attack it, and
withholds more where the check fails. The intruder (written down in docs/disclosure.md) knows:

* every number shown in the quarter's pages and ``figures.csv``;
* that counts are whole numbers and not negative, and that a share's count is no more than its base;
* that zeros are shown, so a withheld count is at least 1, except in a table that withholds a 0 (only ever
  done to protect another count) or withholds every cell, where any withheld count may be 0;
* which withheld counts are small (from 1 to k), as if the intruder could tell them from those withheld to
  protect another: the strongest assumption, since pages and sentences do not say which is which;
* every sum that holds within and across tables: a breakdown's groups add up to its ``All`` row; the same count
  appears in several places (a cohort in every breakdown, a numerator of one figure as the numerator or base of
  another, the same figure in two reports, the same count in an earlier quarter's figures.csv however its period is
  worded there, a time series' point as its period's total); a share's base is the table's total; a comparison
  with "all other children" counts the rest of the total; and the sums the reports declare.

Sums and repeated counts are found from the true figures: a sum is added when it holds, and a count is treated
as the same quantity wherever the same number over k stands for the same group and period (and a small one for
the same measure too). Linking two counts that only happen to be equal makes the intruder stronger than a real
one, so the audit errs on the safe side; equal small counts of different measures are not linked, since they
coincide too often (where two such cells truly are one count, the reports' own rules withhold both).

A withheld small count is **pinned** when only one whole number fits everything shown. `bounds` finds, by
integer programming (HiGHS, through `scipy.optimize.milp`), the smallest and largest value each withheld small
count can take; `protect` withholds further figures, those that lose least, until nothing is pinned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from analysis.safety import open_data
from analysis.safety.figures import TOTAL

TABLE = ("quarter", "report", "measure", "breakdown", "period")
SLOT_FIELDS = {  # the counts each kind of figure rests on
    "count": ("numerator",),
    "share": ("numerator", "denominator"),
    "rate": ("numerator", "denominator"),
    "mean": ("numerator", "denominator"),
    "ratio": ("numerator", "numerator_2"),
}


TREND = "trend"  # a time series: its groups are periods, each its period's total


def _period_keys(periods: np.ndarray) -> np.ndarray:
    """Each period as `open_data.period_key` names it (one text per period, however the period is worded)."""
    keys = {p: "\x1f".join(open_data.period_key(p)) for p in dict.fromkeys(periods)}
    return np.array([keys[p] for p in periods], dtype=object)


def _whole(values: np.ndarray) -> np.ndarray:
    return np.isfinite(values) & (values >= 0) & (np.abs(values - np.round(values)) < 1e-9)


@dataclass
class Model:
    """The counts behind a set of figures, as the intruder sees them.

    `slot_of[(row, field)]` is the quantity a figure's count stands for; each quantity has its true `value`
    and the figure rows that show it (`rows`). `relations` are sums (coefficient per quantity, adding up to 0),
    `at_most` pairs (a, b) with a <= b (a share's count and its base)."""

    up_to: int
    value: np.ndarray
    rows: list[list]
    slot_of: dict[tuple, int]
    relations: list[dict[int, float]] = field(default_factory=list)
    at_most: list[tuple[int, int]] = field(default_factory=list)
    groups: list[list[str]] = field(default_factory=list)  # the groups each quantity stands for
    table_of: dict = field(default_factory=dict)  # figure row -> its table (report, measure, breakdown, period)

    def small(self) -> np.ndarray:
        return (self.value >= 1) & (self.value <= self.up_to)


class _Parent(dict):
    def find(self, x):
        root = x
        while self.setdefault(root, root) != root:
            root = self[root]
        while self[x] != root:
            self[x], x = root, self[x]
        return root

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self[max(ra, rb)] = min(ra, rb)


def build(fig: pd.DataFrame, up_to: int, declared: list[dict] | None = None, audited: pd.Series | None = None) -> Model:
    """The model of the counts behind `fig` (true values, before any are blanked).

    `declared` are sums the reports state (row label: coefficient, over the rows' numerators); `audited` marks
    the rows about children (counts of rows of data are left out)."""
    rows = fig.index if audited is None else fig.index[audited.to_numpy(bool)]
    sub = fig.loc[rows]
    kinds = sub["kind"].to_numpy()
    slots: list[tuple] = []  # (row, field)
    values: list[float] = []
    for fieldname in ("numerator", "denominator", "numerator_2"):
        vals = sub[fieldname].to_numpy(dtype=float)
        uses = np.array([fieldname in SLOT_FIELDS.get(k, ()) for k in kinds], bool) & _whole(vals)
        for row, v in zip(rows[uses], vals[uses]):
            slots.append((row, fieldname))
            values.append(float(round(v)))
    index = {s: i for i, s in enumerate(slots)}
    parent = _Parent()
    for i in range(len(slots)):
        parent.find(i)
    meta = {c: sub[c].astype(str).to_numpy() for c in ("report", "measure", "breakdown", "group", "period")}
    # the period however it is worded (an earlier quarter read back from the open-data figures.csv says
    # "2022-23 Q1 (April to June 2022)" where a report says "Apr 2022 to Jun 2022"), to link counts across quarters
    meta["period_key"] = _period_keys(meta["period"])
    # a table is one report's measure, breakdown and period, in one quarter (earlier quarters: `with_earlier`)
    meta["quarter"] = sub["quarter"].astype(str).to_numpy() if "quarter" in sub else np.full(len(sub), "")
    pos = {row: j for j, row in enumerate(rows)}

    def m(row, c):
        return meta[c][pos[row]]

    # One quantity wherever the same count of more than k stands for the same group and period (any report,
    # measure or place in a figure), or the same small count for the same measure, group and period (another
    # breakdown or report); a breakdown's total counts as the same group in every breakdown (one cohort); a
    # share's base is its table's total.
    same: dict[tuple, int] = {}
    for i, (row, _field) in enumerate(slots):
        if values[i] == 0:
            continue
        group, breakdown = m(row, "group"), m(row, "breakdown")
        if breakdown == TREND:  # a time series' point is its period's total (as figures.csv publishes it)
            group = TOTAL
        # small counts are linked only within a measure: across measures, equal small numbers are mostly chance
        key = (
            "*" if group == TOTAL else breakdown,
            group,
            m(row, "period_key"),
            values[i],
            m(row, "measure") if values[i] <= up_to else "*",
        )
        if key in same:
            parent.union(same[key], i)
        else:
            same[key] = i
    totals: dict[tuple, int] = {}  # (report, measure, breakdown, period) -> the All row's numerator slot
    all_by_value: dict[tuple, int] = {}  # (report, breakdown, period, value) -> an All row's numerator slot
    for i, (row, fieldname) in enumerate(slots):
        if fieldname == "numerator" and m(row, "group") == TOTAL:
            totals.setdefault(tuple(m(row, c) for c in TABLE), i)
            all_by_value.setdefault((m(row, "report"), m(row, "breakdown"), m(row, "period"), values[i]), i)
    for i, (row, fieldname) in enumerate(slots):
        if fieldname == "denominator" and values[i] > 0:
            j = totals.get(tuple(m(row, c) for c in TABLE))
            if j is not None and values[j] == values[i]:
                parent.union(i, j)

    roots = sorted({parent.find(i) for i in range(len(slots))})
    qid = {r: q for q, r in enumerate(roots)}
    slot_of = {s: qid[parent.find(i)] for s, i in index.items()}
    value = np.zeros(len(roots))
    members: list[list] = [[] for _ in roots]
    for (row, fieldname), q in slot_of.items():
        value[q] = values[index[(row, fieldname)]]
        members[q].append(row)
    model = Model(
        up_to,
        value,
        [list(dict.fromkeys(r)) for r in members],
        slot_of,
        groups=[sorted({m(r, "group") for r in rows_}) for rows_ in members],
        table_of={r: tuple(m(r, c) for c in TABLE) for r in rows},
    )

    def add(relation: dict[int, float]) -> None:
        relation = {q: c for q, c in relation.items() if c}
        if len(relation) > 1 and abs(sum(c * value[q] for q, c in relation.items())) < 1e-6:
            model.relations.append(relation)

    def combine(pairs) -> dict[int, float]:
        out: dict[int, float] = {}
        for q, c in pairs:
            out[q] = out.get(q, 0.0) + c
        return out

    # A breakdown's groups add up to its All row (numerators; and bases, where each group has its own).
    tables: dict[tuple, tuple[list, list]] = {}
    for row in rows:
        key = tuple(m(row, c) for c in TABLE)
        tables.setdefault(key, ([], []))[m(row, "group") == TOTAL].append(row)
    for parts, whole in tables.values():
        for fieldname in ("numerator", "denominator"):
            if not parts or not whole:
                continue
            part_slots = [slot_of[(r, fieldname)] for r in parts if (r, fieldname) in slot_of]
            for w in whole:
                if (w, fieldname) in slot_of and len(part_slots) == len(parts):
                    add(combine([(slot_of[(w, fieldname)], 1.0)] + [(q, -1.0) for q in part_slots]))
    # A comparison with all other children: the group's count and the others' add up to a total shown.
    for (row, fieldname), q in list(slot_of.items()):
        if fieldname != "numerator_2" or (row, "numerator") not in slot_of:
            continue
        n = slot_of[(row, "numerator")]
        j = all_by_value.get((m(row, "report"), m(row, "breakdown"), m(row, "period"), value[n] + value[q]))
        if j is not None:
            add(combine([(slot_of[slots[j]], 1.0), (n, -1.0), (q, -1.0)]))
    # Sums the reports declare (over numerators).
    for relation in declared or []:
        pairs = [(slot_of[(r, "numerator")], c) for r, c in relation.items() if (r, "numerator") in slot_of]
        if len(pairs) == len(relation):
            add(combine(pairs))
    # A share's count is no more than its base.
    for row in rows[kinds == "share"]:
        if (row, "numerator") in slot_of and (row, "denominator") in slot_of:
            a, b = slot_of[(row, "numerator")], slot_of[(row, "denominator")]
            if a != b:
                model.at_most.append((a, b))
    return model


def lowest_possible(model: Model, withheld: pd.Series) -> np.ndarray:
    """What the intruder knows as each quantity's least value: 1, since zeros are shown, unless one of its tables
    withholds a 0 or shows nothing at all (then a withheld cell there may be 0)."""
    hidden = withheld.to_dict()
    blurred = {
        model.table_of[r]
        for q, rows in enumerate(model.rows)
        if model.value[q] == 0
        for r in rows
        if hidden.get(r, False) and r in model.table_of
    }
    shows = {t for r, t in model.table_of.items() if not hidden.get(r, False)}
    blurred |= set(model.table_of.values()) - shows
    return np.array(
        [
            0.0 if model.value[q] == 0 or any(model.table_of.get(r) in blurred for r in rows) else 1.0
            for q, rows in enumerate(model.rows)
        ]
    )


def known(model: Model, withheld: pd.Series) -> np.ndarray:
    """Quantities shown somewhere: a quantity is hidden only where every figure showing it is withheld."""
    hidden = withheld.to_dict()
    return np.array([any(not hidden.get(r, False) for r in rows) for rows in model.rows], bool)


def _components(model: Model, unknown: np.ndarray) -> list[tuple[list[int], list[int], list[int]]]:
    """Groups of unknown quantities tied together by sums or bounds: (quantities, relation ids, at-most ids)."""
    parent = _Parent()
    for u in np.flatnonzero(unknown):
        parent.find(int(u))
    for relation in model.relations:
        qs = [q for q in relation if unknown[q]]
        for q in qs[1:]:
            parent.union(qs[0], q)
    for a, b in model.at_most:
        if unknown[a] and unknown[b]:
            parent.union(int(a), int(b))
    groups: dict[int, tuple[list, list, list]] = {}
    for u in np.flatnonzero(unknown):
        groups.setdefault(parent.find(int(u)), ([], [], []))[0].append(int(u))
    for i, relation in enumerate(model.relations):
        qs = [q for q in relation if unknown[q]]
        if qs:
            groups[parent.find(qs[0])][1].append(i)
    for i, (a, b) in enumerate(model.at_most):
        if unknown[a] or unknown[b]:
            groups[parent.find(a if unknown[a] else b)][2].append(i)
    return list(groups.values())


class _Problem:
    """One component as an integer programme over its unknown quantities, with the shown ones fixed: a small
    quantity lies from 1 to k, any other is at least 1 (zeros are shown); the least is 0 where a 0 is withheld
    in the same table (see `lowest_possible`)."""

    def __init__(
        self, model: Model, qs: list[int], rel_ids: list[int], le_ids: list[int], unknown: np.ndarray, least: np.ndarray
    ):
        self.qs = qs
        col = {q: j for j, q in enumerate(qs)}
        small = model.small()
        n = len(qs)
        lower = least[qs]
        upper = np.array([float(model.up_to) if small[q] else np.inf for q in qs])
        rows: list[int] = []  # the constraint matrix, as coordinates
        cols: list[int] = []
        data: list[float] = []
        lo: list[float] = []  # each constraint's bounds
        hi: list[float] = []
        r = 0
        for i in rel_ids:
            rhs = 0.0
            for q, c in model.relations[i].items():
                if unknown[q]:
                    rows.append(r)
                    cols.append(col[q])
                    data.append(c)
                else:
                    rhs -= c * model.value[q]
            lo.append(rhs)
            hi.append(rhs)
            r += 1
        for i in le_ids:  # a - b <= 0, with a shown side moved across
            a, b = model.at_most[i]
            rhs = 0.0
            for q, c in ((a, 1.0), (b, -1.0)):
                if unknown[q]:
                    rows.append(r)
                    cols.append(col[q])
                    data.append(c)
                else:
                    rhs -= c * model.value[q]
            lo.append(-np.inf)
            hi.append(rhs)
            r += 1
        self.n = n
        self.bounds = Bounds(lower, upper)
        self.constraints = (
            [LinearConstraint(coo_array((data, (rows, cols)), shape=(r, n)).tocsr(), lo, hi)] if r else []
        )
        self.col = col

    def extreme(self, q: int, sign: float) -> tuple[float, np.ndarray]:
        """The smallest (sign 1) or largest (sign -1) value of quantity q, and a solution reaching it."""
        c = np.zeros(self.n)
        c[self.col[q]] = sign
        res = milp(
            c, integrality=np.ones(self.n), bounds=self.bounds, constraints=self.constraints, options={"presolve": True}
        )
        if res.x is None:  # cannot happen for the true figures, which satisfy every constraint
            raise RuntimeError(f"disclosure audit: no solution ({res.message})")
        x = np.round(res.x)
        return float(x[self.col[q]]), x[: len(self.qs)]


def _one_sum(
    model: Model, qs: list[int], rel_ids: list[int], le_ids: list[int], unknown: np.ndarray, least: np.ndarray
) -> dict[int, tuple[float, float]] | None:
    """The exact range of every quantity of a component held by one sum with coefficients of 1 and -1 (the
    common case: the withheld cells of one table), without an integer programme: each is the sum's remainder
    less what the others can take, within its own bounds. With whole-number bounds and unit coefficients every
    whole number in between is reachable. None where the component is not of that shape."""
    if len(rel_ids) != 1:
        return None
    upper = {q: float(model.up_to) if model.small()[q] else np.inf for q in qs}
    lower = {q: float(least[q]) for q in qs}
    for i in le_ids:  # a share's count is at most its base: with one side shown, a bound on the other
        a, b = model.at_most[i]
        if unknown[a] and unknown[b]:
            return None
        if unknown[a]:
            upper[a] = min(upper[a], model.value[b])
        else:
            lower[b] = max(lower[b], model.value[a])
    relation = model.relations[rel_ids[0]]
    coef = {q: c for q, c in relation.items() if unknown[q]}
    if any(abs(c) != 1 for c in coef.values()):
        return None
    remainder = -sum(c * model.value[q] for q, c in relation.items() if not unknown[q])  # sum of coef * x
    # what each term c * x can contribute, and what all the others together can
    term_lo = {q: min(c * lower[q], c * upper[q]) for q, c in coef.items()}
    term_hi = {q: max(c * lower[q], c * upper[q]) for q, c in coef.items()}
    out = {}
    for q, c in coef.items():
        rest_lo = sum(v for t, v in term_lo.items() if t != q)
        rest_hi = sum(v for t, v in term_hi.items() if t != q)
        a, b = sorted(((remainder - rest_hi) * c, (remainder - rest_lo) * c))
        out[q] = (max(a, lower[q]), min(b, upper[q]))
    return out


def bounds(model: Model, withheld: pd.Series, *, focus: set | None = None) -> pd.DataFrame:
    """For every hidden small quantity: the smallest and largest whole value the intruder can give it.

    Only whether each can take two values is needed: once a solution shows a quantity free (its value differs
    from the true one), it is not solved further, and its range is reported as at least that wide. With
    `focus` (figure rows), only the quantities tied to those rows are looked at."""
    unknown = ~known(model, withheld)
    least = lowest_possible(model, withheld)
    small = model.small()
    out = []
    for qs, rel_ids, le_ids in _components(model, unknown):
        if focus is not None and not any(r in focus for q in qs for r in model.rows[q]):
            continue
        targets = [q for q in qs if small[q]]
        if not targets:
            continue
        lo = {q: model.value[q] for q in targets}
        hi = dict(lo)
        problem: _Problem | None = None
        solved: set[int] = set()

        def learn(solver: _Problem, x: np.ndarray) -> None:
            """What a solution `x` of `solver` shows: each target can take the value it has there."""
            for t in targets:
                xt = x[solver.col[t]]
                lo[t], hi[t] = min(lo[t], xt), max(hi[t], xt)

        if (quick := _one_sum(model, qs, rel_ids, le_ids, unknown, least)) is not None:
            for q in targets:
                lo[q], hi[q] = quick[q]
            targets_done = True
        else:
            targets_done = False
        for q in targets:
            if targets_done or lo[q] < hi[q]:
                continue
            if not rel_ids and not le_ids:  # free within its bounds
                lo[q], hi[q] = least[q], float(model.up_to)
                continue
            problem = problem or _Problem(model, qs, rel_ids, le_ids, unknown, least)
            for sign in (1.0, -1.0):
                v, x = problem.extreme(q, sign)
                (lo if sign > 0 else hi)[q] = v
                learn(problem, x)
                if lo[q] < hi[q]:  # free: two values fit (how much further it reaches is not needed)
                    break
            else:
                solved.add(q)
        for q in targets:
            out.append(
                {
                    "quantity": q,
                    "value": model.value[q],
                    "lowest": lo[q],
                    "highest": hi[q],
                    "exact": q in solved or lo[q] == hi[q],
                }
            )
    return pd.DataFrame(out, columns=["quantity", "value", "lowest", "highest", "exact"])


def pinned(model: Model, withheld: pd.Series, focus: set | None = None) -> list[int]:
    """The hidden small quantities that only one whole number fits."""
    b = bounds(model, withheld, focus=focus)
    return b.loc[b["lowest"] == b["highest"], "quantity"].astype(int).tolist()


def _neighbours(model: Model, stuck: list[int], withheld: pd.Series) -> tuple[set[int], set[int], set[int]]:
    """Around the pinned quantities: the hidden ones tied to them (with them), the shown ones in a sum or bound
    with any of those (whose withholding could free them), and the shown ones in a sum with a pinned one itself."""
    unknown = ~known(model, withheld)
    reach = set(stuck)
    for qs, _, _ in _components(model, unknown):
        if reach & set(qs):
            reach |= set(qs)
    near: set[int] = set()
    direct: set[int] = set()
    for relation in model.relations:
        if reach & relation.keys():
            near.update(relation)
            if set(stuck) & relation.keys():
                direct.update(relation)
    for a, b in model.at_most:
        if a in reach or b in reach:
            near.update((a, b))
    return reach, {q for q in near if not unknown[q]}, {q for q in direct if not unknown[q]}


LOOKAHEAD = 6  # choices tried, in order of preference, before taking the first that frees nothing yet


def protect(model: Model, withheld: pd.Series, candidates: pd.Series | None = None) -> pd.Series:
    """Withhold more figures until no hidden small count is pinned.

    While one is, the shown counts in a sum with it (or with a hidden count tied to it) are the choices. In order
    of preference (in the same sum as the pinned count, fewest figures withheld, the smallest non-zero count that
    is not a total), the first that leaves fewer counts pinned is withheld; if none of the first few does, the
    most preferred is (hiding more always frees in the end). `candidates` limits which figures may be withheld
    (those not yet shown to a reader). Returns the widened mask; raises `Unprotectable` if no further figure
    can be withheld while a count is still pinned."""
    withheld = withheld.astype(bool).copy()
    allowed = set(withheld.index if candidates is None else withheld.index[candidates.to_numpy(bool)])
    focus = None if candidates is None else allowed
    is_total = np.array([any(group == TOTAL for group in model_groups) for model_groups in model.groups], bool)
    stuck = set(pinned(model, withheld, focus))
    while stuck:
        reach, near, direct = _neighbours(model, sorted(stuck), withheld)
        options = [t for t in near if all(r in allowed for r in model.rows[t] if not withheld[r])]
        if not options:
            raise Unprotectable(model, sorted(stuck), withheld)
        local = {r for q in reach for r in model.rows[q]}
        here = len(stuck & reach)

        def preference(t):
            v = model.value[t]
            return (t not in direct, sum(not withheld[r] for r in model.rows[t]), v == 0, bool(is_total[t]), v, t)

        options.sort(key=preference)
        chosen: int | None = None
        left: set[int] = set()  # the counts still pinned once `chosen` is withheld
        for t in options[:LOOKAHEAD]:
            trial = withheld.copy()
            trial.loc[model.rows[t]] = True
            after = set(pinned(model, trial, local | set(model.rows[t])))
            if len(after) < here:
                chosen, left = t, after
                break
        if chosen is None:
            chosen = options[0]
            trial = withheld.copy()
            trial.loc[model.rows[chosen]] = True
            left = set(pinned(model, trial, local | set(model.rows[chosen])))
        withheld.loc[model.rows[chosen]] = True
        stuck = (stuck - reach) | left
    return withheld


class Unprotectable(Exception):
    """No further figure can be withheld to free a pinned count (the caller names the table)."""

    def __init__(self, model: Model, stuck: list[int], withheld: pd.Series):
        self.rows = [r for q in stuck for r in model.rows[q]]
        self.withheld = withheld  # as far as it got
        super().__init__(f"{len(stuck)} withheld small count(s) could still be worked out exactly")


# --- one report's figures as published so far, and the quarter's audit ----------------------------------------------

LEDGER_COLUMNS = ("withheld", "exempt", "audited")


class Ledger:
    """Everything one report has published so far, with its true numbers (for the audit; never published).

    Each `protect` call audits a new table against all the report has already shown: only the new table's figures
    may be withheld further, since the earlier ones are already on the page."""

    def __init__(self, up_to: int):
        self.up_to = up_to
        self.parts: list[pd.DataFrame] = []
        self.relations: list[dict] = []
        self.size = 0

    def frame(self) -> pd.DataFrame:
        return pd.concat(self.parts, ignore_index=True) if self.parts else pd.DataFrame()

    def protect(
        self,
        fig: pd.DataFrame,
        mask: pd.Series,
        relations=(),
        exempt: pd.Series | None = None,
        extend=None,
        audited: bool = True,
    ) -> pd.Series:
        """`mask` widened until no withheld small count, in this table or an earlier one, is pinned (as far as
        this table's own figures can do it); `extend` (the report's own rules) is applied again after each
        widening. Records the table."""
        labels = {label: self.size + i for i, label in enumerate(fig.index)}
        part = fig.reset_index(drop=True)
        part.index += self.size
        part["withheld"] = mask.to_numpy(bool)
        part["exempt"] = np.zeros(len(fig), bool) if exempt is None else exempt.to_numpy(bool)
        part["audited"] = audited
        rels = [{labels[r]: c for r, c in relation.items() if r in labels} for relation in relations or ()]
        rels = [r for r in rels if len(r) > 1]
        if audited and len(fig):
            everything = pd.concat([*self.parts, part])
            declared = self.relations + rels
            model = build(everything, self.up_to, declared, everything["audited"].astype(bool))
            new = pd.Series(everything.index >= self.size, index=everything.index)
            withheld = everything["withheld"].astype(bool)
            while True:  # `mask` has the report's own rules applied: apply them again only after a widening
                before = withheld[new].to_numpy()
                try:
                    withheld = protect(model, withheld, candidates=new)
                except Unprotectable as stuck:
                    # only a figure already on the page would free it: the quarter's audit will find it, and ask
                    # this report to withhold that figure from the start when it runs again
                    withheld = stuck.withheld
                if extend is None or (withheld[new].to_numpy() == before).all():
                    break
                widened = extend(fig, pd.Series(withheld[new].to_numpy(), index=fig.index))
                if (widened.to_numpy() == withheld[new].to_numpy()).all():
                    break
                withheld.loc[new] = widened.to_numpy()
            part["withheld"] = withheld[new].to_numpy()
            mask = pd.Series(part["withheld"].to_numpy(), index=fig.index)
        self.parts.append(part)
        self.relations += rels
        self.size += len(fig)
        return mask

    def save(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.frame().to_pickle(folder / f"{name}.pkl")
        (folder / f"{name}.json").write_text(json.dumps([{str(k): v for k, v in r.items()} for r in self.relations]))


KEY = ["measure", "breakdown", "group", "period", "unit"]  # what names a figure within its report


def keys(fig: pd.DataFrame) -> pd.Series:
    """Each figure's name within its report, as text (to ask a report to withhold it when it runs again)."""
    return fig[KEY].astype(str).agg("\x1f".join, axis=1)


def asked_to_withhold(folder: Path, report: str) -> set[str]:
    """The figures the quarter's audit asked this report to withhold (`keys`), if any."""
    path = folder / "withhold.json"
    return set(json.loads(path.read_text()).get(report, [])) if path.exists() else set()


def widen(fig: pd.DataFrame, relations: list[dict], up_to: int, folder: Path) -> dict[str, int]:
    """Choose, across the whole quarter, further figures to withhold so that no withheld small count is pinned,
    and write them for the reports to withhold when they run again (added to any asked for before). Returns how
    many figures each report is asked to withhold; raises `Unprotectable` if none would do. Earlier quarters'
    figures (`with_earlier`) are already published: they are never chosen."""
    model = build(fig, up_to, relations, fig["audited"].astype(bool))
    before = fig["withheld"].astype(bool)
    after = protect(model, before, candidates=~_earlier(fig))
    added = fig[after & ~before & ~_earlier(fig)]
    path = folder / "withhold.json"
    asked = json.loads(path.read_text()) if path.exists() else {}
    for report, rows in added.groupby("report", sort=False):
        asked[report] = sorted(set(asked.get(report, [])) | set(keys(rows)))
    path.write_text(json.dumps(asked, indent=1))
    return added.groupby("report", sort=False).size().to_dict()


def load_ledgers(folder: Path, names: list[str]) -> tuple[pd.DataFrame, list[dict]]:
    """The saved ledgers of these reports, as one frame (rows in figures.csv order) and their declared sums."""
    frames, relations, offset = [], [], 0
    for name in names:
        if not (folder / f"{name}.pkl").exists():
            continue
        frame = pd.read_pickle(folder / f"{name}.pkl").reset_index(drop=True)
        frame.index += offset
        frames.append(frame)
        relations += [
            {int(k) + offset: v for k, v in r.items()} for r in json.loads((folder / f"{name}.json").read_text())
        ]
        offset += len(frame)
    return (pd.concat(frames) if frames else pd.DataFrame()), relations


def _earlier(fig: pd.DataFrame) -> pd.Series:
    return fig["earlier"].astype(bool) if "earlier" in fig else pd.Series(False, index=fig.index)


def with_earlier(ledger: pd.DataFrame, earlier: list[pd.DataFrame]) -> pd.DataFrame:
    """A quarter's ledger with earlier quarters' published figures (as `history.read_figures` reads them) added,
    for an intruder who holds those too. Their numbers are what was shown (withheld ones are blank, so they are
    not counted as known), they are never chosen to be withheld now, and a small count they show is not this
    quarter's to answer for."""
    parts = [ledger.assign(earlier=False, quarter="")]
    for fig in earlier:
        parts.append(
            fig.assign(
                withheld=fig["suppressed"].astype(bool).to_numpy(),
                exempt=True,
                audited=(fig["unit"] != "rows").to_numpy(),
                earlier=True,
            )
        )
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


@dataclass
class Audit:
    """What the quarter's audit found (for the manifest, and to stop a refresh that would disclose)."""

    up_to: int
    tables: int = 0
    figures: int = 0
    withheld: int = 0
    small_withheld: int = 0
    narrowest: tuple[int, int] | None = None  # the narrowest range found (every one is at least as wide)
    pinned: list[str] = field(default_factory=list)  # tables with a small count worked out exactly
    shown_small: list[str] = field(default_factory=list)  # tables showing a count of 1 to k (not exempt)

    @property
    def safe(self) -> bool:
        return not self.pinned and not self.shown_small

    def record(self) -> dict:
        return {
            "rule": f"counts from 1 to {self.up_to} withheld, and enough others that none can be worked out",
            "tables_audited": self.tables,
            "figures_audited": self.figures,
            "figures_withheld": self.withheld,
            "small_counts_withheld": self.small_withheld,
            # each withheld small count can take at least as many values as this range holds
            "narrowest_range_found": list(self.narrowest) if self.narrowest else None,
            "pinned": self.pinned,
            "small_counts_shown": self.shown_small,
        }


def _table_name(fig: pd.DataFrame, row) -> str:
    r = fig.loc[row]
    return f"{r['report']}: {r['measure']} by {r['breakdown']}, {r['period']} ({r['group']})"


def audit(fig: pd.DataFrame, relations: list[dict], up_to: int) -> Audit:
    """The intruder's audit of a quarter's figures (a ledger frame: true numbers and what was withheld)."""
    result = Audit(up_to)
    if fig.empty:
        return result
    audited = fig["audited"].astype(bool)
    withheld = fig["withheld"].astype(bool)
    model = build(fig, up_to, relations, audited)
    ranges = bounds(model, withheld)
    now = audited & ~_earlier(fig)
    result.tables = fig[now].groupby(["report", "measure", "breakdown", "period"], sort=False).ngroups
    result.figures = int(now.sum())
    result.withheld = int((withheld & now).sum())
    result.small_withheld = len(ranges)
    if len(ranges):
        width = ranges["highest"] - ranges["lowest"]
        i = width.idxmin()
        result.narrowest = (int(ranges.at[i, "lowest"]), int(ranges.at[i, "highest"]))
    for q in ranges.loc[ranges["lowest"] == ranges["highest"], "quantity"].astype(int):
        result.pinned.append(_table_name(fig, model.rows[q][0]))
    shown = known(model, withheld)
    exempt = fig["exempt"].astype(bool)
    for q in np.flatnonzero(model.small() & shown):
        rows = [r for r in model.rows[q] if not withheld[r]]
        if not any(exempt[r] for r in rows):
            result.shown_small.append(_table_name(fig, rows[0]))
    result.pinned = list(dict.fromkeys(result.pinned))
    result.shown_small = list(dict.fromkeys(result.shown_small))
    return result
