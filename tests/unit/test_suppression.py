import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.safety import figures, suppression

import intruder


def _table(counts: dict, measure="m", kind="count"):
    total = sum(counts.values())
    rows = [
        {
            "measure": measure,
            "breakdown": "b",
            "group": g,
            "kind": kind,
            "numerator": n,
            "denominator": total if kind == "share" else np.nan,
            "value": n if kind == "count" else 100 * n / total,
        }
        for g, n in counts.items()
    ]
    rows.append(
        {
            "measure": measure,
            "breakdown": "b",
            "group": "All",
            "kind": kind,
            "numerator": total,
            "denominator": total if kind == "share" else np.nan,
            "value": total if kind == "count" else 100.0,
        }
    )
    return figures.frame(rows)


def test_primary_counts_one_to_four_zero_shown():
    fig = figures.frame([figures.count("m", n, group=str(n)) for n in (0, 1, 4, 5)])
    out = suppression.apply(fig)
    assert list(out["suppressed"]) == [False, True, True, False]
    assert out.loc[1, "value"] != out.loc[1, "value"]  # NaN: the number is gone


def test_threshold_is_configurable():
    fig = figures.frame([figures.count("m", n, group=str(n)) for n in (5, 9, 10)])
    assert list(suppression.apply(fig, up_to=9)["suppressed"]) == [True, True, False]
    assert not suppression.apply(fig, up_to=0)["suppressed"].any()


def test_secondary_hides_next_smallest_when_one_cell_is_recoverable():
    out = suppression.apply(_table({"a": 3, "b": 10, "c": 40}))
    assert out.set_index("group")["suppressed"].to_dict() == {"a": True, "b": True, "c": False, "All": False}


def test_secondary_hides_total_when_no_other_cell():
    out = suppression.apply(_table({"a": 3, "b": 0, "c": 0}))
    assert out.set_index("group")["suppressed"].to_dict() == {"a": True, "b": False, "c": False, "All": True}


def test_two_hidden_cells_are_enough():
    out = suppression.apply(_table({"a": 3, "b": 2, "c": 40}))
    assert out.set_index("group")["suppressed"].to_dict() == {"a": True, "b": True, "c": False, "All": False}


def test_shares_hidden_with_small_complement_or_base():
    # "57 of 60" reveals the other 3; "2 of 3" has a small base
    fig = figures.frame(
        [
            {"measure": "s", "group": "x", "kind": "share", "numerator": 57, "denominator": 60, "value": 95.0},
            {"measure": "t", "group": "y", "kind": "share", "numerator": 0, "denominator": 3, "value": 0.0},
            {"measure": "u", "group": "z", "kind": "share", "numerator": 30, "denominator": 60, "value": 50.0},
        ]
    )
    assert list(suppression.apply(fig)["suppressed"]) == [True, True, False]


def test_ratio_hidden_when_comparison_count_small():
    fig = figures.frame(
        [{"measure": "rri", "group": "g", "kind": "ratio", "numerator": 40, "numerator_2": 3, "value": 2.0}]
    )
    assert suppression.apply(fig)["suppressed"].all()


def test_restricted_keeps_numbers_but_marks_them():
    out = suppression.apply(_table({"a": 3, "b": 10}), restricted=True)
    assert out.set_index("group").loc["a", "numerator"] == 3
    assert out.set_index("group").loc["a", "suppressed"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8))
def test_no_hidden_cell_can_be_recovered_from_the_total(counts):
    out = suppression.apply(_table({f"g{i}": n for i, n in enumerate(counts)}))
    cells = out[out["group"] != "All"]
    total_shown = not out[out["group"] == "All"]["suppressed"].iloc[0]
    hidden = cells[cells["suppressed"]]
    # no small count is ever shown
    shown = out[~out["suppressed"]]
    assert not shown["numerator"].between(1, 4).any()
    # with the total shown, a single hidden cell would be recoverable by subtraction
    if total_shown:
        assert len(hidden) != 1


def test_count_text():
    assert suppression.count_text(1234) == "1,234"
    assert suppression.count_text(3, suppressed=True) == "[c]"
    assert suppression.count_text(float("nan")) == "[x]"  # not available, as every other figure shows it


# --- two-way tables and sums across tables ------------------------------------------------------------------


def _two_way(grid: list[list[int]]):
    """A two-way table as tidy rows: cells (r, c), row totals, column totals and the grand total, with the
    relations that tie them together (each row total and column total is the sum of its cells)."""
    rows, relations = [], []
    n_r, n_c = len(grid), len(grid[0])
    label = {}

    def add(measure, group, n):
        label[(measure, group)] = len(rows)
        rows.append({"measure": measure, "breakdown": "b", "group": group, "kind": "count", "numerator": n, "value": n})

    for r in range(n_r):
        for c in range(n_c):
            add(f"col{c}", f"row{r}", grid[r][c])
        add("all_columns", f"row{r}", sum(grid[r]))
    for c in range(n_c):
        add(f"col{c}", "All", sum(grid[r][c] for r in range(n_r)))
    add("all_columns", "All", sum(map(sum, grid)))
    # column totals are each column measure's own "All" row (table_relations finds them); row totals cross tables
    for r in range(n_r):
        relations.append(
            suppression.total_of(label[("all_columns", f"row{r}")], [label[(f"col{c}", f"row{r}")] for c in range(n_c)])
        )
    return figures.frame(rows), relations


def test_two_way_table_protects_against_row_and_column_totals():
    # a 3 in the corner: withholding the next smallest in its column alone would leave it recoverable from its row
    fig, relations = _two_way([[3, 20, 30], [25, 40, 50], [35, 45, 60]])
    out = suppression.apply(fig, relations=relations)
    hidden = set(out.index[out["suppressed"]])
    assert hidden  # more than the one small cell
    assert (
        intruder.pinned(
            fig["numerator"], out["suppressed"], intruder.table_sums(fig) + relations, tables=intruder.tables_of(fig)
        )
        == []
    )
    # the usual four-cell pattern: the 3, one cell in its row, one in its column and the cell completing the rectangle
    assert len(hidden) == 4


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda n_r: st.integers(min_value=1, max_value=4).flatmap(
            lambda n_c: st.lists(
                st.lists(st.integers(min_value=0, max_value=25), min_size=n_c, max_size=n_c), min_size=n_r, max_size=n_r
            )
        )
    )
)
def test_no_hidden_cell_of_a_two_way_table_can_be_recovered(grid):
    fig, relations = _two_way(grid)
    out = suppression.apply(fig, relations=relations)
    assert not out.loc[~out["suppressed"], "numerator"].between(1, 4).any()
    # no withheld small count can be worked out, by an intruder who knows it lies from 1 to 4 (tests/intruder.py)
    assert (
        intruder.pinned(
            fig["numerator"], out["suppressed"], intruder.table_sums(fig) + relations, tables=intruder.tables_of(fig)
        )
        == []
    ), grid


def test_a_not_known_count_is_protected_from_two_shown_totals():
    # all children 61 = 59 of known ethnicity + 2 not known: with 61 and 59 shown, the 2 would be recoverable
    fig = figures.frame(
        [
            {
                "measure": "children",
                "breakdown": "ethnic_group",
                "group": "White",
                "kind": "count",
                "numerator": 40,
                "value": 40,
            },
            {
                "measure": "children",
                "breakdown": "ethnic_group",
                "group": "Black",
                "kind": "count",
                "numerator": 19,
                "value": 19,
            },
            {
                "measure": "children",
                "breakdown": "ethnic_group",
                "group": "All",
                "kind": "count",
                "numerator": 59,
                "value": 59,
            },
            {
                "measure": "children",
                "breakdown": "ethnic_group_not_known",
                "group": "Not known",
                "kind": "count",
                "numerator": 2,
                "value": 2,
            },
            {"measure": "children", "breakdown": "sex", "group": "All", "kind": "count", "numerator": 61, "value": 61},
        ]
    )
    relations = [suppression.total_of(4, [2, 3])]
    assert list(suppression.apply(fig)["suppressed"]) == [False, False, False, True, False]  # the leak, without the sum
    out = suppression.apply(fig, relations=relations)
    hidden = set(out.index[out["suppressed"]])
    assert 3 in hidden and {2, 4} & hidden
    assert (
        intruder.pinned(
            fig["numerator"], out["suppressed"], intruder.table_sums(fig) + relations, tables=intruder.tables_of(fig)
        )
        == []
    )
