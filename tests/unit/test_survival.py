"""Tests for analysis.stats.survival: the Kaplan-Meier estimate worked out by hand, and checked against statsmodels'
``SurvfuncRight`` (whose arithmetic the module writes out)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.duration.survfunc import SurvfuncRight

from analysis.stats import intervals, survival

# five subjects: the event at day 30; followed 60 days without it; the event at 60; at 90; followed 150 without
DAYS, EVENTS = [30, 60, 60, 90, 150], [1, 0, 1, 1, 0]

durations_and_events = st.lists(st.tuples(st.integers(1, 400), st.booleans()), max_size=40)


def test_product_limit_by_hand():
    times, surv, se = survival.product_limit(DAYS, EVENTS)
    # day 30: 5 followed, 1 event -> S = 4/5; day 60: 4 followed (the one censored at 60 counts), 1 event -> S = 0.6;
    # day 90: 2 followed, 1 event -> S = 0.3; no event at 150 (censored), so no step there
    np.testing.assert_array_equal(times, [30.0, 60.0, 90.0])
    np.testing.assert_allclose(surv, [0.8, 0.6, 0.3], rtol=1e-15)
    # Greenwood: var S = S^2 x sum of d / (n (n - d))
    expected = [0.8 * np.sqrt(1 / 20), 0.6 * np.sqrt(1 / 20 + 1 / 12), 0.3 * np.sqrt(1 / 20 + 1 / 12 + 1 / 2)]
    np.testing.assert_allclose(se, expected, rtol=1e-12)


def test_kaplan_meier_by_hand():
    km = survival.kaplan_meier(DAYS, EVENTS, [0, 29.9, 30, 60.9, 91.3, np.inf]).set_index("time")
    assert list(km["subjects"]) == [5] * 6
    assert list(km["events"]) == [0, 0, 1, 2, 3, 3]  # events at or before the time
    assert list(km["at_risk"]) == [5, 5, 4, 2, 1, 0]  # durations longer than the time
    np.testing.assert_allclose(km["survival"], [1, 1, 0.8, 0.6, 0.3, 0.3], rtol=1e-15)
    # before the first event S is 1: no lower limit, the upper is 1
    assert np.isnan(km.loc[0, "lower"]) and km.loc[0, "upper"] == 1.0
    # log(-log) interval at S = 0.3 with se = 0.3 sqrt(1/20 + 1/12 + 1/2)
    se = 0.3 * np.sqrt(1 / 20 + 1 / 12 + 1 / 2)
    theta, se_theta = np.log(-np.log(0.3)), se / (0.3 * -np.log(0.3))
    lower, upper = np.exp(-np.exp(theta + 1.959964 * se_theta)), np.exp(-np.exp(theta - 1.959964 * se_theta))
    assert km.loc[91.3, "lower"] == pytest.approx(lower, rel=1e-6)
    assert km.loc[91.3, "upper"] == pytest.approx(upper, rel=1e-6)
    assert round(100 * (1 - upper), 1) == 28.1 and round(100 * (1 - lower), 1) == 98.8  # as a share with the event
    estimate = ["survival", "lower", "upper"]
    assert km.loc[np.inf, estimate].equals(km.loc[91.3, estimate])  # the end of follow-up reads the curve's last value


def test_everyone_has_the_event_and_no_one_does():
    km = survival.kaplan_meier([10, 20], [1, 1], [15, np.inf])
    assert list(km["survival"]) == [0.5, 0.0]
    assert km.loc[1, "lower"] == 0.0 and np.isnan(km.loc[1, "upper"])  # S = 0: lower limit 0, no upper
    times, surv, se = survival.product_limit([10, 20], [1, 1])
    assert list(surv) == [0.5, 0.0] and np.isnan(se[1])
    none = survival.kaplan_meier([10, 20], [False, False], [5, np.inf])
    assert list(none["survival"]) == [1.0, 1.0] and none["lower"].isna().all() and (none["upper"] == 1.0).all()
    empty = survival.kaplan_meier([], [], [1.0, np.inf])
    assert list(empty["subjects"]) == [0, 0] and list(empty["survival"]) == [1.0, 1.0]
    assert all(len(a) == 0 for a in survival.product_limit([], []))


@pytest.mark.parametrize(
    ("durations", "events", "message"),
    [
        ([1, 2], [1], "same length"),
        ([1, np.nan], [1, 0], "finite"),
        ([1, 2], [1, 2], "0 or 1"),
    ],
)
def test_invalid_input_raises(durations, events, message):
    with pytest.raises(ValueError, match=message):
        survival.kaplan_meier(durations, events, [1.0])
    with pytest.raises(ValueError, match=message):
        survival.product_limit(durations, events)


def test_invalid_level_raises():
    with pytest.raises(ValueError, match="level"):
        survival.kaplan_meier(DAYS, EVENTS, [1.0], level=1.0)


@settings(max_examples=200, deadline=None)
@given(durations_and_events)
def test_product_limit_matches_statsmodels(subjects):
    days = np.array([d for d, _ in subjects], dtype=float)
    status = np.array([int(r) for _, r in subjects])
    times, surv, se = survival.product_limit(days, status)
    if not len(days):
        assert len(times) == 0
        return
    fit = SurvfuncRight(days, status)
    np.testing.assert_array_equal(times, fit.surv_times)
    np.testing.assert_allclose(surv, fit.surv_prob, rtol=1e-12, atol=0)
    np.testing.assert_allclose(se, fit.surv_prob_se, rtol=1e-12, atol=0, equal_nan=True)


@settings(max_examples=200, deadline=None)
@given(durations_and_events, st.lists(st.floats(0, 450), max_size=6), st.sampled_from([0.9, 0.95, 0.99]))
def test_kaplan_meier_reads_the_statsmodels_curve(subjects, at, level):
    """At any time: S and its standard error are SurvfuncRight's at the last event time up to it (1 and 0 before
    the first), and the interval is the log(-log) one built from them."""
    days = np.array([d for d, _ in subjects], dtype=float)
    status = np.array([int(r) for _, r in subjects])
    km = survival.kaplan_meier(days, status, [*at, np.inf], level)
    fit = SurvfuncRight(days, status) if len(days) else None
    z = intervals.z_value(level)
    for row in km.itertuples():
        s, se = 1.0, 0.0
        if fit is not None and len(fit.surv_times) and row.time >= fit.surv_times[0]:
            i = np.searchsorted(fit.surv_times, row.time, side="right") - 1
            s, se = fit.surv_prob[i], fit.surv_prob_se[i]
        assert row.survival == pytest.approx(s, rel=1e-12, abs=0)
        assert row.at_risk == (days > row.time).sum() and row.events == status[days <= row.time].sum()
        if 0 < s < 1:
            theta, se_theta = np.log(-np.log(s)), se / (s * -np.log(s))
            lower, upper = np.exp(-np.exp(theta + z * se_theta)), np.exp(-np.exp(theta - z * se_theta))
            assert row.lower == pytest.approx(lower, rel=1e-9, nan_ok=True)
            assert row.upper == pytest.approx(upper, rel=1e-9, nan_ok=True)
            assert np.isnan(row.lower) or row.lower <= row.survival <= row.upper
