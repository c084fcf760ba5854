import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import figures, suppression


def _table(counts: dict, measure="m", kind="count"):
    total = sum(counts.values())
    rows = [{"measure": measure, "breakdown": "b", "group": g, "kind": kind, "numerator": n,
             "denominator": total if kind == "share" else np.nan, "value": n if kind == "count" else 100 * n / total}
            for g, n in counts.items()]
    rows.append({"measure": measure, "breakdown": "b", "group": "All", "kind": kind, "numerator": total,
                 "denominator": total if kind == "share" else np.nan, "value": total if kind == "count" else 100.0})
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
    fig = figures.frame([
        {"measure": "s", "group": "x", "kind": "share", "numerator": 57, "denominator": 60, "value": 95.0},
        {"measure": "t", "group": "y", "kind": "share", "numerator": 0, "denominator": 3, "value": 0.0},
        {"measure": "u", "group": "z", "kind": "share", "numerator": 30, "denominator": 60, "value": 50.0},
    ])
    assert list(suppression.apply(fig)["suppressed"]) == [True, True, False]


def test_ratio_hidden_when_comparison_count_small():
    fig = figures.frame([{"measure": "rri", "group": "g", "kind": "ratio", "numerator": 40, "numerator_2": 3, "value": 2.0}])
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
