"""Tests for analysis.stats.intervals.

Expected values come from docs/methodology.md (Worked examples), the
PHE Python port check value for Byar's method, the scipy documentation
example for the Katz interval, and cross-checks against statsmodels and
scipy implementations.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats.contingency import relative_risk
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from analysis.stats.intervals import (
    BYARS_THRESHOLD,
    katz_ratio,
    poisson_count,
    rate,
    share_ratio,
    significance,
    wilson,
    z_value,
)

LEVELS = [0.90, 0.95, 0.99, 0.998]


def _no_warnings(func, *args, **kwargs):
    """Call func turning every warning (numpy RuntimeWarning included) into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            return func(*args, **kwargs)


# --- z ------------------------------------------------------------------------


def test_z_value():
    assert z_value(0.95) == pytest.approx(1.959963984540054)
    assert z_value(0.998) == pytest.approx(3.090232306167813)


@pytest.mark.parametrize("level", [0, 1, -0.5, 1.5, 95])
def test_bad_level_raises(level):
    with pytest.raises(ValueError):
        wilson(1, 10, level=level)


# --- Wilson -------------------------------------------------------------------


@pytest.mark.parametrize(
    "x, n, lower, upper",
    [
        (37, 100, 0.282, 0.468),  # methodology 9.4
        (12, 40, 0.181, 0.454),  # methodology 9.4
        (30, 180, 0.119, 0.228),  # methodology 9.5
    ],
)
def test_wilson_worked_examples(x, n, lower, upper):
    lo, hi = wilson(x, n)
    assert round(float(lo), 3) == lower
    assert round(float(hi), 3) == upper


def test_wilson_hand_formula():
    # PHE wilson_lower/upper written out by hand for 37/100.
    z = 1.959963984540054
    x, n = 37, 100
    root = z * math.sqrt(z**2 + 4 * x * (1 - x / n))
    lo, hi = wilson(x, n)
    assert lo == pytest.approx((2 * x + z**2 - root) / (2 * (n + z**2)), rel=1e-12)
    assert hi == pytest.approx((2 * x + z**2 + root) / (2 * (n + z**2)), rel=1e-12)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("n", [1, 2, 3, 7, 40, 100, 1000])
def test_wilson_matches_statsmodels(n, level):
    x = np.unique(np.r_[0, 1, np.linspace(0, n, 12).round(), n - 1, n].clip(0, n))
    lo, hi = wilson(x, n, level=level)
    sm_lo, sm_hi = proportion_confint(x, n, alpha=1 - level, method="wilson")
    np.testing.assert_allclose(lo, sm_lo, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hi, sm_hi, rtol=1e-10, atol=1e-12)


def test_wilson_boundaries():
    lo, hi = wilson(0, 25)
    assert lo == 0.0 and 0 < hi < 1
    lo, hi = wilson(25, 25)
    assert hi == 1.0 and 0 < lo < 1
    # Symmetry: interval for x is the mirror of the interval for n - x.
    lo0, hi0 = wilson(0, 25)
    assert lo == pytest.approx(1 - hi0) and hi == pytest.approx(1 - lo0)


def test_wilson_zero_denominator():
    lo, hi = _no_warnings(wilson, 0, 0)
    assert math.isnan(lo) and math.isnan(hi)


def test_wilson_invalid():
    with pytest.raises(ValueError):
        wilson(5, 4)
    with pytest.raises(ValueError):
        wilson(-1, 4)


def test_wilson_vectorised_matches_scalar():
    x = np.array([0, 3, 10, 0])
    n = np.array([10, 10, 10, 0])
    lo, hi = _no_warnings(wilson, x, n)
    assert lo.shape == hi.shape == (4,)
    for i in range(4):
        slo, shi = wilson(int(x[i]), int(n[i]))
        np.testing.assert_equal([lo[i], hi[i]], [slo, shi])


# --- Poisson counts and rates ---------------------------------------------------


def _byars_by_hand(x, z=1.959963984540054):
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lower, upper


def test_byars_lower_100_phe_check_value():
    lo, hi = poisson_count(100)
    assert lo == pytest.approx(81.36210549052788, rel=1e-13)
    assert hi == pytest.approx(_byars_by_hand(100)[1], rel=1e-13)


def test_exact_count_4_worked_example():
    lo, hi = poisson_count(4)
    assert round(float(lo), 2) == 1.09
    assert round(float(hi), 2) == 10.24


def test_rate_small_count_worked_example():
    # methodology 9.3: 4 in 25,000 -> 0.16 (0.044 to 0.410) per 1,000.
    value, lo, hi = rate(4, 25_000)
    assert value == pytest.approx(0.16)
    assert round(float(lo), 3) == 0.044
    assert round(float(hi), 3) == 0.410


def test_rate_byars_worked_example():
    # methodology 9.2: 85 in 60,714 -> 140.0 (111.8 to 173.1) per 100,000.
    value, lo, hi = rate(85, 60_714, per=100_000)
    assert round(float(value), 1) == 140.0
    assert round(float(lo), 1) == 111.8
    assert round(float(hi), 1) == 173.1
    blo, bhi = _byars_by_hand(85)
    assert lo == pytest.approx(blo / 60_714 * 100_000, rel=1e-12)
    assert hi == pytest.approx(bhi / 60_714 * 100_000, rel=1e-12)


@pytest.mark.parametrize("level", LEVELS)
def test_exact_branch_matches_statsmodels_and_chi2(level):
    x = np.arange(0, BYARS_THRESHOLD)
    lo, hi = poisson_count(x, level=level)
    sm_lo, sm_hi = confint_poisson(x, 1, method="exact-c", alpha=1 - level)
    np.testing.assert_allclose(lo, sm_lo, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hi, sm_hi, rtol=1e-10)
    alpha = 1 - level
    for xi, low, h in zip(x[1:], lo[1:], hi[1:]):
        assert low == pytest.approx(stats.chi2.ppf(alpha / 2, 2 * xi) / 2, rel=1e-12)
        assert h == pytest.approx(stats.chi2.ppf(1 - alpha / 2, 2 * xi + 2) / 2, rel=1e-12)


@pytest.mark.parametrize("x", range(BYARS_THRESHOLD))
def test_exact_branch_inverts_poisson_tails(x):
    # Exact (Garwood) limits: P(X >= x | lower) = alpha/2, P(X <= x | upper) = alpha/2.
    lo, hi = poisson_count(x)
    if x > 0:
        assert stats.poisson.sf(x - 1, lo) == pytest.approx(0.025, rel=1e-8)
    else:
        assert lo == 0.0
    assert stats.poisson.cdf(x, hi) == pytest.approx(0.025, rel=1e-8)


def test_zero_count():
    lo, hi = _no_warnings(poisson_count, 0)
    assert lo == 0.0
    assert hi == pytest.approx(-math.log(0.025))  # 3.689
    value, rlo, rhi = _no_warnings(rate, 0, 1000)
    assert value == 0.0 and rlo == 0.0 and rhi == pytest.approx(3.6888794541139354)


def test_switch_at_ten():
    assert BYARS_THRESHOLD == 10
    exact9 = (stats.chi2.ppf(0.025, 18) / 2, stats.chi2.ppf(0.975, 20) / 2)
    np.testing.assert_allclose(poisson_count(9), exact9, rtol=1e-12)
    np.testing.assert_allclose(poisson_count(10), _byars_by_hand(10), rtol=1e-12)
    exact10 = (stats.chi2.ppf(0.025, 20) / 2, stats.chi2.ppf(0.975, 22) / 2)
    assert poisson_count(10)[0] != pytest.approx(exact10[0], rel=1e-6)
    # Same rule in the vectorised call.
    lo, hi = poisson_count(np.array([9, 10]))
    np.testing.assert_allclose([lo[0], hi[0]], exact9, rtol=1e-12)
    np.testing.assert_allclose([lo[1], hi[1]], _byars_by_hand(10), rtol=1e-12)


def test_byars_within_0_2_percent_of_exact():
    # PHE technical guide: Byar's is within 0.2% of exact for x >= 10 at 95%.
    x = np.arange(10, 500)
    lo, hi = poisson_count(x)
    ex_lo, ex_hi = confint_poisson(x, 1, method="exact-c", alpha=0.05)
    assert np.max(np.abs(lo / ex_lo - 1)) < 0.002
    assert np.max(np.abs(hi / ex_hi - 1)) < 0.002


def test_rate_zero_denominator():
    out = _no_warnings(rate, 3, 0)
    assert all(math.isnan(v) for v in out)


def test_rate_negative_raises():
    with pytest.raises(ValueError):
        rate(-1, 100)


# --- Katz ratio -------------------------------------------------------------------


def test_katz_worked_example_rri():
    # methodology 9.5: 30/1,500 vs 150/30,000 -> RRI 4.0 (2.71 to 5.90).
    r, lo, hi = katz_ratio(30, 1500, 150, 30000)
    assert r == pytest.approx(4.0)
    assert round(float(lo), 2) == 2.71
    assert round(float(hi), 2) == 5.90


def test_katz_scipy_docs_example():
    r, lo, hi = katz_ratio(10, 75, 12, 225)
    assert r == pytest.approx(2.5)
    assert round(float(lo), 3) == 1.126
    assert round(float(hi), 3) == 5.550


def test_katz_hand_formula():
    a, n1, b, n2 = 30, 1500, 150, 30000
    se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    _, lo, hi = katz_ratio(a, n1, b, n2)
    assert lo == pytest.approx(4.0 * math.exp(-1.959963984540054 * se), rel=1e-12)
    assert hi == pytest.approx(4.0 * math.exp(1.959963984540054 * se), rel=1e-12)


@pytest.mark.parametrize("level", [0.90, 0.95, 0.998])
@pytest.mark.parametrize(
    "a, n1, b, n2",
    [
        (10, 75, 12, 225),
        (30, 1500, 150, 30000),
        (1, 2, 1, 3),
        (5, 5, 3, 9),
        (7, 40, 40, 40),
        (85, 60714, 400, 480000),
        (3, 10, 30, 100),
    ],
)
def test_katz_matches_scipy(a, n1, b, n2, level):
    res = relative_risk(a, n1, b, n2)
    ci = res.confidence_interval(confidence_level=level)
    r, lo, hi = katz_ratio(a, n1, b, n2, level=level)
    assert r == pytest.approx(res.relative_risk, rel=1e-12)
    assert lo == pytest.approx(ci.low, rel=1e-10)
    assert hi == pytest.approx(ci.high, rel=1e-10)


@pytest.mark.parametrize(
    "args, ratio",
    [
        ((0, 100, 5, 100), 0.0),  # a == 0: ratio 0, no interval
        ((5, 100, 0, 100), math.nan),  # b == 0: ratio undefined
        ((0, 100, 0, 100), math.nan),
        ((0, 0, 5, 100), math.nan),  # zero denominators
        ((5, 100, 0, 0), math.nan),
        ((0, 0, 0, 0), math.nan),
        ((3, 0, 5, 100), math.nan),  # count with no denominator: nan, no raise
    ],
)
def test_katz_zero_counts_no_warnings(args, ratio):
    r, lo, hi = _no_warnings(katz_ratio, *args)
    if math.isnan(ratio):
        assert math.isnan(r)
    else:
        assert r == ratio
    assert math.isnan(lo) and math.isnan(hi)


def test_katz_vectorised_with_zeros_no_warnings():
    a = np.array([30, 0, 5, 10])
    n1 = np.array([1500, 100, 100, 75])
    b = np.array([150, 5, 0, 12])
    n2 = np.array([30000, 100, 100, 225])
    r, lo, hi = _no_warnings(katz_ratio, a, n1, b, n2)
    np.testing.assert_allclose(r, [4.0, 0.0, np.nan, 2.5])
    assert np.isnan(lo[1:3]).all() and np.isnan(hi[1:3]).all()
    assert lo[3] == pytest.approx(1.1261564003469628)


def test_katz_invalid():
    with pytest.raises(ValueError):
        katz_ratio(11, 10, 1, 10)
    with pytest.raises(ValueError):
        katz_ratio(-1, 10, 1, 10)


# --- share ratio ------------------------------------------------------------------


def test_share_ratio_worked_example():
    # methodology 9.5: 30 of 180 vs population share 1,500/31,500 -> DR 3.50.
    ps = 1500 / 31500
    r, lo, hi = share_ratio(30, 180, ps)
    assert round(float(r), 2) == 3.50
    wlo, whi = wilson(30, 180)
    assert lo == pytest.approx(wlo / ps) and hi == pytest.approx(whi / ps)
    assert lo > 1  # Wilson 11.9% to 22.8% lies wholly above 4.76%
    assert significance(lo, hi) == "higher"


def test_share_ratio_national_example():
    # 11% of the cohort vs 4% of the population -> DR 2.75.
    r, _, _ = share_ratio(11, 100, 0.04)
    assert r == pytest.approx(2.75)


@pytest.mark.parametrize("x, n, ps", [(30, 180, 0.0), (0, 0, 0.05), (3, 0, 0.05)])
def test_share_ratio_nan_cases(x, n, ps):
    out = _no_warnings(share_ratio, x, n, ps)
    assert all(math.isnan(v) for v in out)


def test_share_ratio_zero_count():
    r, lo, hi = _no_warnings(share_ratio, 0, 180, 0.05)
    assert r == 0.0 and lo == 0.0 and hi > 0


@pytest.mark.parametrize("ps", [-0.1, 1.5])
def test_share_ratio_bad_population_share(ps):
    with pytest.raises(ValueError):
        share_ratio(1, 10, ps)


# --- significance -----------------------------------------------------------------


@pytest.mark.parametrize(
    "lower, upper, reference, expected",
    [
        (2.71, 5.90, 1.0, "higher"),
        (0.2, 0.8, 1.0, "lower"),
        (0.8, 1.2, 1.0, "not significant"),
        (1.0, 1.5, 1.0, "not significant"),  # touching the reference
        (0.5, 1.0, 1.0, "not significant"),
        (math.nan, math.nan, 1.0, "not significant"),
        (1.5, math.nan, 1.0, "not significant"),
        (math.nan, 0.5, 1.0, "not significant"),
        (0.119, 0.228, 1500 / 31500, "higher"),
        (0.01, 0.03, 1500 / 31500, "lower"),
    ],
)
def test_significance(lower, upper, reference, expected):
    result = _no_warnings(significance, lower, upper, reference)
    assert result == expected
    assert type(result) is str


def test_significance_vectorised():
    out = significance([2.0, 0.1, np.nan], [3.0, 0.5, 2.0])
    assert list(out) == ["higher", "lower", "not significant"]


# --- properties -------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=100_000)


@st.composite
def x_and_n(draw):
    n = draw(st.integers(min_value=1, max_value=100_000))
    x = draw(st.integers(min_value=0, max_value=n))
    return x, n


levels = st.floats(min_value=0.5, max_value=0.999)


@settings(max_examples=100, deadline=None)
@given(x_and_n(), levels)
def test_wilson_contains_estimate(xn, level):
    x, n = xn
    lo, hi = wilson(x, n, level=level)
    assert 0.0 <= lo <= x / n <= hi <= 1.0


@settings(max_examples=100, deadline=None)
@given(x_and_n(), levels, levels)
def test_wilson_monotone_in_level(xn, l1, l2):
    x, n = xn
    l1, l2 = sorted((l1, l2))
    lo1, hi1 = wilson(x, n, level=l1)
    lo2, hi2 = wilson(x, n, level=l2)
    assert lo2 <= lo1 + 1e-12 and hi1 <= hi2 + 1e-12


@settings(max_examples=100, deadline=None)
@given(counts, levels)
def test_poisson_contains_count(x, level):
    lo, hi = poisson_count(x, level=level)
    assert 0.0 <= lo <= x < hi


@settings(max_examples=100, deadline=None)
@given(x_and_n(), x_and_n(), levels)
def test_katz_contains_ratio(an1, bn2, level):
    (a, n1), (b, n2) = an1, bn2
    r, lo, hi = _no_warnings(katz_ratio, a, n1, b, n2, level=level)
    if a > 0 and b > 0:
        assert lo <= r * (1 + 1e-12) and r <= hi * (1 + 1e-12)
    else:
        assert math.isnan(lo) and math.isnan(hi)
