"""An intruder for the tests, written apart from `analysis.safety.disclosure` (which it checks).

Given true figures, what was withheld and the sums that hold, it asks an integer programme (scipy's HiGHS)
for the smallest and largest value of each withheld small count, as someone holding every shown number would:
counts are whole, a withheld count of 1 to k lies from 1 to k, any other withheld count is at least 1 (zeros
are shown); in a table (`tables`: a label per row) that withholds a 0 or every cell, any withheld count may
be 0 (the notes say so). Each figure row is one unknown; a test names which rows hold the
same count by giving the sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp


def table_sums(fig: pd.DataFrame) -> list[dict]:
    """Each table's All row is the sum of the table's other rows (rows of one measure, breakdown and period)."""
    sums = []
    keys = [c for c in ("report", "measure", "breakdown", "period") if c in fig]
    for _, rows in fig.groupby(keys, sort=False):
        total = rows.index[rows["group"] == "All"]
        parts = rows.index[rows["group"] != "All"]
        for t in total:
            if len(parts):
                sums.append({t: 1, **dict.fromkeys(parts, -1)})
    return sums


def tables_of(fig: pd.DataFrame) -> pd.Series:
    keys = [c for c in ("report", "measure", "breakdown", "period") if c in fig]
    return fig[keys].astype(str).agg("|".join, axis=1)


def _extremes(target, unknowns: list, equal: list[dict], at_most: list[dict], known, lower: dict, upper: dict) -> list:
    """The lowest and highest whole value of `target`, over the `unknowns` (with their bounds), given sums that
    equal zero and sums that are at most zero (dicts of unknown or known name: coefficient; `known[name]` is a
    known one's value)."""
    j = {u: i for i, u in enumerate(unknowns)}
    cons = []
    for rels, low in ((equal, 0.0), (at_most, -np.inf)):
        lines, rhs = [], []
        for rel in rels:
            line, right = np.zeros(len(unknowns)), 0.0
            for u, c in rel.items():
                if u in j:
                    line[j[u]] += c
                else:
                    right -= c * known[u]
            if line.any():
                lines.append(line)
                rhs.append(right)
        if lines:
            cons.append(LinearConstraint(np.array(lines), rhs if low == 0.0 else -np.inf, rhs))
    bounds = Bounds([lower[u] for u in unknowns], [upper[u] for u in unknowns])
    got = []
    for sign in (1, -1):
        c = np.zeros(len(unknowns))
        c[j[target]] = sign
        res = milp(c, integrality=np.ones(len(unknowns)), bounds=bounds, constraints=cons)
        assert res.status == 0, res.message  # the true values always fit
        got.append(round(res.x[j[target]]))
    return got


def ranges(
    values: pd.Series, withheld: pd.Series, sums: list[dict], k: int = 4, tables: pd.Series | None = None
) -> pd.DataFrame:
    """For every withheld row with a true value of 1 to k: the lowest and highest value it can take."""
    hidden = list(values.index[withheld.to_numpy(bool)])
    if not hidden:
        return pd.DataFrame(columns=["row", "lowest", "highest"])
    true = values[hidden].to_numpy(float)
    small = (true >= 1) & (true <= k)
    lower = np.where(true > 0, 1.0, 0.0)
    if tables is not None:
        w = withheld.to_numpy(bool)
        blurred = set(tables[w & (values.to_numpy(float) == 0)]) | (set(tables) - set(tables[~w]))
        lower[tables[hidden].isin(blurred).to_numpy()] = 0.0
    upper = np.where(small, float(k), np.inf)
    out = []
    for r in np.array(hidden, dtype=object)[small]:
        low, high = _extremes(r, hidden, sums, [], values, dict(zip(hidden, lower)), dict(zip(hidden, upper)))
        out.append({"row": r, "lowest": low, "highest": high})
    return pd.DataFrame(out)


def pinned(
    values: pd.Series, withheld: pd.Series, sums: list[dict], k: int = 4, tables: pd.Series | None = None
) -> list:
    """The withheld small rows that only one value fits."""
    r = ranges(values, withheld, sums, k, tables)
    return list(r.loc[r["lowest"] == r["highest"], "row"]) if len(r) else []


# --- a whole quarter ---------------------------------------------------------------------------------------------

FIELDS = {
    "count": ["numerator"],
    "share": ["numerator", "denominator"],
    "rate": ["numerator", "denominator"],
    "mean": ["numerator", "denominator"],
    "ratio": ["numerator", "numerator_2"],
}


def quarter(fig: pd.DataFrame, k: int = 4) -> dict:
    """Attack a quarter's figures (true numbers with `withheld`, `exempt` and `audited` columns, as the reports
    keep them for the runner's audit): which withheld small counts are pinned, which small counts are shown.

    Every count a figure rests on is an unknown; two are one unknown when the same number over k stands for the
    same group and period (a breakdown's All row being the same group in every breakdown), or the same small
    number for the same measure, group and period, or a share's base is its table's total. Sums: a breakdown's
    groups add to its All row; a comparison with all other children adds to a total."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    fig = fig[fig["audited"].astype(bool)]
    long = []
    for fieldname in ("numerator", "denominator", "numerator_2"):
        uses = fig["kind"].map(lambda kind: fieldname in FIELDS[kind]).astype(bool)
        v = fig[fieldname].astype(float)
        ok = uses & v.notna() & (v >= 0) & (v == v.round())
        part = fig.loc[ok, ["report", "measure", "breakdown", "group", "period", "withheld", "exempt"]].copy()
        part["row"], part["field"], part["v"] = part.index, fieldname, v[ok]
        long.append(part)
    s = pd.concat(long, ignore_index=True)
    s["table"] = s[["report", "measure", "breakdown", "period"]].astype(str).agg("|".join, axis=1)
    n = len(s)
    # one unknown per class of the same count: connected components of a graph of 'same' edges
    edges = []
    is_all = s["group"] == "All"
    key = pd.DataFrame(
        {
            "b": s["breakdown"].where(~is_all, "*"),
            "g": s["group"],
            "p": s["period"],
            "v": s["v"],
            "m": s["measure"].where(s["v"] <= k, "*"),
        }
    )
    nonzero = s["v"] > 0
    for _, idx in key[nonzero].groupby(list(key.columns)).groups.items():
        idx = list(idx)
        edges += [(idx[0], j) for j in idx[1:]]
    tot = s[is_all & (s["field"] == "numerator")].drop_duplicates("table").set_index("table")
    den = s[(s["field"] == "denominator") & nonzero]
    for i, r in den.iterrows():
        if r["table"] in tot.index and tot.loc[r["table"], "v"] == r["v"]:
            edges.append(
                (i, s.index.get_loc(s[(s["table"] == r["table"]) & is_all & (s["field"] == "numerator")].index[0]))
            )
    e = np.array(edges or [(0, 0)])
    graph = coo_array((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    _, cls = connected_components(graph, directed=False)
    s["u"] = cls
    unknowns = s.groupby("u").agg(
        v=("v", "first"), shown=("withheld", lambda w: (~w.astype(bool)).any()), exempt=("exempt", "any")
    )
    # sums
    sums = []
    slot = {(r, f): u for r, f, u in zip(s["row"], s["field"], s["u"])}
    for _, t in fig.groupby(["report", "measure", "breakdown", "period"], sort=False):
        whole, parts = t.index[t["group"] == "All"], t.index[t["group"] != "All"]
        for f in ("numerator", "denominator"):
            for w in whole:
                if len(parts) and (w, f) in slot and all((p, f) in slot for p in parts):
                    rel = {}
                    for u, c in [(slot[(w, f)], 1)] + [(slot[(p, f)], -1) for p in parts]:
                        rel[u] = rel.get(u, 0) + c
                    sums.append(rel)
    totals = s[is_all & (s["field"] == "numerator") & nonzero]
    firsts = totals.drop_duplicates(["report", "breakdown", "period", "v"]).set_index(
        ["report", "breakdown", "period", "v"]
    )["u"]
    for row in fig.index[fig["kind"] == "ratio"]:
        if (row, "numerator") in slot and (row, "numerator_2") in slot:
            r = fig.loc[row]
            total = r["numerator"] + r["numerator_2"]
            if (r["report"], r["breakdown"], r["period"], total) in firsts.index:
                u = firsts.loc[(r["report"], r["breakdown"], r["period"], total)]
                sums.append({u: 1, slot[(row, "numerator")]: -1, slot[(row, "numerator_2")]: -1})
    le = [
        (slot[(r, "numerator")], slot[(r, "denominator")])
        for r in fig.index[fig["kind"] == "share"]
        if (r, "numerator") in slot and (r, "denominator") in slot
    ]
    sums = [{u: c for u, c in rel.items() if c} for rel in sums]
    sums = [rel for rel in sums if len(rel) > 1 and sum(c * unknowns.loc[u, "v"] for u, c in rel.items()) == 0]
    # what the intruder knows of each hidden unknown
    hidden = unknowns.index[~unknowns["shown"]]
    small = unknowns["v"].between(1, k)
    hidden_tables = s.groupby("table")["withheld"].all()
    zero_tables = set(s.loc[s["withheld"].astype(bool) & (s["v"] == 0), "table"])
    blurred = set(hidden_tables[hidden_tables].index) | zero_tables
    u_blurred = s.groupby("u")["table"].agg(lambda ts: bool(set(ts) & blurred))
    lower = {u: 0.0 if unknowns.loc[u, "v"] == 0 or u_blurred[u] else 1.0 for u in hidden}
    upper = {u: float(k) if small[u] else np.inf for u in hidden}
    hid = set(hidden)
    result = {"pinned": [], "shown_small": [], "ranges": []}
    for u in unknowns.index[small & unknowns["shown"] & ~unknowns["exempt"]]:
        result["shown_small"].append(s.loc[s["u"] == u, "table"].iloc[0])
    # solve each hidden small unknown over every sum and bound that reaches it through hidden unknowns
    bounds_le = [{a: 1, b: -1} for a, b in le if a in hid or b in hid]  # a share's count - its base <= 0
    links = [rel for rel in sums if hid & rel.keys()] + bounds_le
    for target in [u for u in hidden if small[u]]:
        group, frontier = {target}, [target]
        while frontier:
            u = frontier.pop()
            for rel in links:
                if u in rel:
                    for w in rel:
                        if w in hid and w not in group:
                            group.add(w)
                            frontier.append(w)
        mine = [rel for rel in links if group & rel.keys()]
        got = _extremes(
            target,
            sorted(group),
            [r for r in mine if r not in bounds_le],
            [r for r in mine if r in bounds_le],
            unknowns["v"],
            lower,
            upper,
        )
        result["ranges"].append(got)
        if got[0] == got[1]:
            result["pinned"].append(s.loc[s["u"] == target, "table"].iloc[0])
    return result
