"""The intruder's audit (analysis.safety.disclosure): after suppression, no withheld count of 1 to 4 can be worked out.

Each check uses the independent intruder in tests/intruder.py, not the production code."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.safety import disclosure, figures, suppression

import intruder


def _rows(measure, breakdown, counts: dict, period="p", kind="count"):
    total = sum(counts.values())
    out = [
        {
            "measure": measure,
            "breakdown": breakdown,
            "group": g,
            "period": period,
            "kind": kind,
            "numerator": n,
            "value": n,
        }
        for g, n in counts.items()
    ]
    out.append(
        {
            "measure": measure,
            "breakdown": breakdown,
            "group": "All",
            "period": period,
            "kind": kind,
            "numerator": total,
            "value": total,
        }
    )
    return out


def _safe(fig, out, sums=()):
    """No small count shown, none pinned."""
    shown = out.loc[~out["suppressed"], "numerator"]
    assert not shown.between(1, 4).any()
    assert (
        intruder.pinned(
            fig["numerator"], out["suppressed"], intruder.table_sums(fig) + list(sums), tables=intruder.tables_of(fig)
        )
        == []
    )


def test_the_issue_example_each_reason_is_not_pinned_to_one():
    # permanent exclusions by reason: a total of 4, four reasons of 1 and the rest 0. Withholding the five small
    # cells alone lets anyone read each reason as 1 (each is at least 1 and they add up to at most 4).
    counts = {"Sexual misconduct": 1, "Theft": 1, "Drugs": 1, "Assault": 1, "Bullying": 0, "Racist abuse": 0}
    fig = figures.frame(_rows("yjs_permanent_exclusions_by_reason", "reason", counts))
    naive = suppression.primary(fig)
    assert intruder.pinned(fig["numerator"], naive, intruder.table_sums(fig))  # the leak, as the issue found it
    out = suppression.apply(fig)
    _safe(fig, out)


def test_a_complement_across_rates_is_protected():
    # All 89 of 93 and Not looked after 88 of 92 would give Looked after as 1 of 1
    rows = [
        {
            "measure": "yjs_suspension_rate",
            "breakdown": "looked_after",
            "group": g,
            "period": "p",
            "kind": "rate",
            "numerator": n,
            "denominator": d,
            "value": 100 * n / d,
        }
        for g, n, d in (("Looked after", 1, 1), ("Not looked after", 88, 92), ("All", 89, 93))
    ]
    fig = figures.frame(rows)
    out = suppression.apply(fig)
    assert out.set_index("group").loc["Looked after", "suppressed"]  # a denominator of 1 is withheld too
    hidden = out["suppressed"]
    for column in ("numerator", "denominator"):
        assert intruder.pinned(fig[column], hidden, intruder.table_sums(fig), tables=intruder.tables_of(fig)) == []


def test_small_denominators_are_withheld():
    fig = figures.frame(
        [
            {"measure": "r", "group": "g", "kind": "rate", "numerator": 0, "denominator": 3, "value": 0.0},
            {"measure": "m", "group": "g", "kind": "mean", "numerator": 7, "denominator": 2, "value": 3.5},
            {"measure": "s", "group": "g", "kind": "share", "numerator": 0, "denominator": 4, "value": 0.0},
            {"measure": "r2", "group": "g", "kind": "rate", "numerator": 0, "denominator": 5, "value": 0.0},
        ]
    )
    assert list(suppression.primary(fig)) == [True, True, True, False]


small_or_zero = st.one_of(st.integers(0, 4), st.integers(0, 40))


@settings(max_examples=120, deadline=None)
@given(st.lists(small_or_zero, min_size=1, max_size=7))
def test_one_way_tables(counts):
    fig = figures.frame(_rows("m", "b", {f"g{i}": n for i, n in enumerate(counts)}))
    _safe(fig, suppression.apply(fig))


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda r: st.integers(2, 3).flatmap(
            lambda c: st.lists(st.lists(small_or_zero, min_size=c, max_size=c), min_size=r, max_size=r)
        )
    )
)
def test_two_way_tables(grid):
    # a two-way table as one table per column (each with its All row) plus the row totals, tied by declared sums
    rows, label = [], {}
    for c in range(len(grid[0])):
        for r, line in enumerate(grid):
            label[(c, r)] = len(rows)
            rows.append(
                {
                    "measure": f"col{c}",
                    "breakdown": "row",
                    "group": f"row{r}",
                    "period": "p",
                    "kind": "count",
                    "numerator": line[c],
                    "value": line[c],
                }
            )
        rows.append(
            {
                "measure": f"col{c}",
                "breakdown": "row",
                "group": "All",
                "period": "p",
                "kind": "count",
                "numerator": sum(line[c] for line in grid),
                "value": 0,
            }
        )
    for r, line in enumerate(grid):
        label[("total", r)] = len(rows)
        rows.append(
            {
                "measure": "all_columns",
                "breakdown": "row",
                "group": f"row{r}",
                "period": "p",
                "kind": "count",
                "numerator": sum(line),
                "value": sum(line),
            }
        )
    rows.append(
        {
            "measure": "all_columns",
            "breakdown": "row",
            "group": "All",
            "period": "p",
            "kind": "count",
            "numerator": sum(map(sum, grid)),
            "value": 0,
        }
    )
    fig = figures.frame(rows)
    sums = [
        suppression.total_of(label[("total", r)], [label[(c, r)] for c in range(len(grid[0]))])
        for r in range(len(grid))
    ]
    _safe(fig, suppression.apply(fig, relations=sums), sums)


@settings(max_examples=100, deadline=None)
@given(st.lists(small_or_zero, min_size=2, max_size=5), st.lists(small_or_zero, min_size=1, max_size=4))
def test_tables_linked_across_breakdowns(sex, ethnicity):
    # one cohort split two ways: both tables' totals are the same children. The second split has a 'not known'
    # group that makes up the difference, so the two totals differ only by the not-known count.
    total = sum(sex)
    known = sum(ethnicity)
    if known > total:
        return
    rows = _rows("children", "sex", {f"s{i}": n for i, n in enumerate(sex)})
    rows += _rows("children", "ethnicity", {f"e{i}": n for i, n in enumerate(ethnicity)})
    rows.append(
        {
            "measure": "children",
            "breakdown": "ethnicity_not_known",
            "group": "Not known",
            "period": "p",
            "kind": "count",
            "numerator": total - known,
            "value": total - known,
        }
    )
    fig = figures.frame(rows)
    sex_all = len(sex)
    eth_all = sex_all + 1 + len(ethnicity)
    sums = [{sex_all: 1.0, eth_all: -1.0, len(rows) - 1: -1.0}]
    _safe(fig, suppression.apply(fig, relations=sums), sums)


def test_a_report_table_is_audited_against_what_the_report_already_showed():
    # the first table shows the cohort split by sex; the second, later, by age with the same total: withheld
    # cells of the second must stay free given the first
    ledger = disclosure.Ledger(4)
    first = figures.frame(_rows("children", "sex", {"Male": 30, "Female": 9}))
    out1 = suppression.apply(first, ledger=ledger)
    second = figures.frame(_rows("children", "age", {"10": 1, "11": 0, "12": 38}))
    out2 = suppression.apply(second, ledger=ledger)
    both = pd.concat([first, second], ignore_index=True)
    hidden = pd.concat([out1["suppressed"], out2["suppressed"]], ignore_index=True)
    same_total = {
        int(np.flatnonzero(both["group"] == "All")[0]): 1.0,
        int(np.flatnonzero(both["group"] == "All")[1]): -1.0,
    }
    _safe(both, both.assign(suppressed=hidden), [same_total])
    assert not out1["suppressed"].any()  # what a page already shows is never changed


def test_the_audit_reports_pinned_and_shown_small_counts():
    fig = figures.frame(_rows("m", "b", {"a": 1, "b": 1, "c": 0})).assign(report="r", exempt=False, audited=True)
    # a and b withheld, the total 2 shown: each is at least 1, so both are 1
    result = disclosure.audit(fig.assign(withheld=[True, True, False, False]), [], 4)
    assert result.pinned and not result.safe
    # the total withheld too: a + b = t, t from 1 to 4, leaves each from 1 to 3
    result = disclosure.audit(fig.assign(withheld=[True, True, False, True]), [], 4)
    assert result.safe and result.narrowest == (1, 3) and result.small_withheld == 3
    # a shown count of 1 is reported, unless it is an exempt (not known) count
    assert disclosure.audit(fig.assign(withheld=[True, False, False, True]), [], 4).shown_small
    exempt = fig.assign(withheld=[False, True, False, True], exempt=[True, False, False, False])
    assert not disclosure.audit(exempt, [], 4).shown_small


def test_the_audit_asks_a_report_to_withhold_more_and_it_does(tmp_path):
    # a figure in one report gives away a withheld count in another: the audit names a figure to withhold,
    # and a report opened afterwards withholds it
    first = figures.frame(_rows("children", "sex", {"Male": 30, "Female": 2})).assign(report="a")
    second = figures.frame(_rows("children", "sex", {"Male": 30, "Female": 2})).assign(report="b")
    second.loc[second["group"] == "Male", "numerator"] = 30
    both = pd.concat([first, second], ignore_index=True)
    # report a withheld Female and Male; report b withheld Female only, and shows Male 30 and All 32
    both = both.assign(withheld=[True, True, False, False, True, False], exempt=False, audited=True)
    assert not disclosure.audit(both, [], 4).safe
    asked = disclosure.widen(both, [], 4, tmp_path)
    assert asked
    for report, n in asked.items():
        wanted = disclosure.asked_to_withhold(tmp_path, report)
        assert len(wanted) == n


def test_earlier_quarters_in_the_folder_are_part_of_what_the_intruder_holds(tmp_path):
    # this quarter withholds a = 2 and, to protect it, b = 30; but last quarter's folder showed b = 30 for the same
    # period, so a = 32 - 30 could be worked out. The audit sees it, and asks for a figure of this quarter only.
    now = figures.frame(_rows("children", "sex", {"a": 2, "b": 30})).assign(report="r")
    ledger = now.assign(withheld=[True, True, False], exempt=False, audited=True)
    assert disclosure.audit(ledger, [], 4).safe
    before = figures.frame(
        [
            {
                "measure": "children",
                "breakdown": "sex",
                "group": "b",
                "period": "p",
                "kind": "count",
                "numerator": 30,
                "value": 30,
                "report": "r",
                "unit": "children",
            }
        ]
    )
    both = disclosure.with_earlier(ledger, [before])
    assert not disclosure.audit(both, [], 4).safe
    asked = disclosure.widen(both, [], 4, tmp_path)
    assert asked == {"r": 1}
    assert disclosure.asked_to_withhold(tmp_path, "r") == set(disclosure.keys(now[now["group"] == "All"]))


def test_an_earlier_quarter_read_back_from_the_open_data_file_is_linked_whatever_the_period_wording(tmp_path):
    # last quarter's folder (the open-data figures.csv) showed b = 30 for April to June 2022, withholding a and the
    # total; this quarter shows the total, 32, for the same period, withholding a = 2 and b. The file reads the
    # period back in its own words, not the report's, yet it is the same period: a = 32 - 30 is caught.
    from analysis.measures import history
    from analysis.safety import open_data

    period = "Apr 2022 to Jun 2022"
    before = figures.frame(_rows("children", "sex", {"a": 2, "b": 30}, period=period)).assign(
        report="r", unit="children", suppressed=[True, False, True]
    )
    published, meta = open_data.to_open_data(before)
    folder = tmp_path / "2022-23-Q1"
    folder.mkdir()
    figures.to_csv(published, folder / open_data.FIGURES_FILE)
    figures.to_csv(meta, folder / open_data.META_FILE)
    earlier = history.read_figures(folder / open_data.FIGURES_FILE)
    shown = earlier[~earlier["suppressed"]]
    assert shown[["group", "numerator"]].values.tolist() == [["b", 30.0]]
    assert set(earlier["period"]) == {"2022-23 Q1 (April to June 2022)"}  # not the report's wording

    now = figures.frame(_rows("children", "sex", {"a": 2, "b": 30}, period=period)).assign(report="r")
    ledger = now.assign(withheld=[True, True, False], exempt=False, audited=True)
    assert disclosure.audit(ledger, [], 4).safe  # this quarter alone gives nothing away
    both = disclosure.with_earlier(ledger, [earlier])
    result = disclosure.audit(both, [], 4)
    assert not result.safe and result.pinned == [f"r: children by sex, {period} (a)"]
    asked = disclosure.widen(both, [], 4, tmp_path)
    assert asked == {"r": 1}  # a figure of this quarter (the total), never the earlier quarter's
    assert disclosure.asked_to_withhold(tmp_path, "r") == set(disclosure.keys(now[now["group"] == "All"]))


def test_a_time_series_point_is_the_same_count_as_its_period_total_read_back():
    # a report's trend (groups are periods) is published as all/All of each period; an earlier quarter read back
    # has the All row. Both stand for one count, so they are one quantity in the audit.
    point = figures.frame(
        [dict(measure="m", breakdown="trend", group="2022-23 Q1", period="2022-23 Q1", kind="count", numerator=30)]
    ).assign(report="r", withheld=False, exempt=False, audited=True)
    read_back = figures.frame(
        [
            dict(
                measure="m",
                breakdown="all",
                group="All",
                period="2022-23 Q1 (April to June 2022)",
                kind="count",
                numerator=30,
                value=30,
                unit="count",
            )
        ]
    ).assign(report="r")
    model = disclosure.build(disclosure.with_earlier(point, [read_back]), 4)
    assert len(model.value) == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(small_or_zero, min_size=2, max_size=7), st.integers(0, 2**32 - 1))
def test_the_quick_range_of_one_sum_matches_the_integer_programme(counts, seed):
    # one table with some cells withheld at random: the shortcut for a component held by one sum gives the same
    # ranges as solving it, and the same pinned counts
    fig = figures.frame(_rows("m", "b", {f"g{i}": n for i, n in enumerate(counts)})).assign(report="r")
    rng = np.random.default_rng(seed)
    withheld = pd.Series(rng.random(len(fig)) < 0.5, index=fig.index)
    model = disclosure.build(fig, 4)
    quick = disclosure.bounds(model, withheld).set_index("quantity")
    slow_one_sum = disclosure._one_sum
    try:
        disclosure._one_sum = lambda *args: None
        slow = disclosure.bounds(model, withheld).set_index("quantity")
    finally:
        disclosure._one_sum = slow_one_sum
    assert list(quick.index) == list(slow.index)
    if slow.empty:
        return
    exact = slow[slow["exact"].astype(bool)]
    assert (quick.loc[exact.index, ["lowest", "highest"]] == exact[["lowest", "highest"]]).all().all()
    assert ((quick["lowest"] <= slow["lowest"]) & (quick["highest"] >= slow["highest"])).all()
