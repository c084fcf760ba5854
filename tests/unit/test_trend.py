"""Tests for trend across periods that do not overlap (analysis.stats.trend): hand-worked values, cross-checks with
statsmodels' score tests, Holm's rule, and the false-alarm rate and power by simulation at the demo's sizes."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from analysis.stats import trend


def test_cochran_armitage_by_hand():
    # 1, 2, 3, 4, 5, 6 of 10 in six periods: p = 21/60 = 0.35, T = Σ t (x - 3.5) = 0 - 1.5 - 1 + 1.5 + 6 + 12.5 = 17.5,
    # Σnt² - (Σnt)²/N = 550 - 150²/60 = 175, z = (17.5 - 0.5) / sqrt(0.35 x 0.65 x 175) = 17 / 6.30971 = 2.69426
    result = trend.proportions([1, 2, 3, 4, 5, 6], [10] * 6)
    assert result.z == pytest.approx(17 / math.sqrt(0.35 * 0.65 * 175), rel=1e-12)
    assert result.p_value == pytest.approx(math.erfc(result.z / math.sqrt(2)), rel=1e-12)
    assert result.p_value == pytest.approx(0.0070546, abs=1e-6)
    assert result.periods == 6 and result.judged().direction == "up"
    uncorrected = trend.proportions([1, 2, 3, 4, 5, 6], [10] * 6, continuity=False)
    assert uncorrected.z == pytest.approx(17.5 / math.sqrt(0.35 * 0.65 * 175), rel=1e-12)


def test_poisson_score_test_by_hand():
    # 10, 8, 6, 6, 4, 2 events: rate 6, U = Σ t (y - 6) = 0 + 2 + 0 + 0 - 8 - 20 = -26,
    # spread Σt² - (Σt)²/6 = 55 - 225/6 = 17.5, z = -(26 - 0.5) / sqrt(6 x 17.5) = -2.48856
    result = trend.counts([10, 8, 6, 6, 4, 2])
    assert result.z == pytest.approx(-25.5 / math.sqrt(105), rel=1e-12)
    assert result.p_value == pytest.approx(0.0128267, abs=1e-6)
    assert result.judged().direction == "down" and result.judged(0.01).direction == "none"


@pytest.mark.parametrize("seed", range(5))
def test_both_equal_statsmodels_score_tests(seed):
    """Cochran-Armitage is the score test of a logistic regression on the period, and the counts' test that of a
    Poisson regression with the exposure as offset: statsmodels computes both its own way."""
    rng = np.random.default_rng(seed)
    k = 12
    t = np.arange(k, dtype=float)
    n = rng.integers(8, 30, k)
    x = rng.binomial(n, 0.2 + 0.01 * t)
    exog = np.ones((k, 1))
    binomial = sm.GLM(np.column_stack([x, n - x]), exog, family=sm.families.Binomial()).fit()
    chi2 = float(binomial.score_test(exog_extra=t[:, None]).statistic[0])
    assert trend.proportions(x, n, continuity=False).z ** 2 == pytest.approx(chi2, rel=1e-9)
    e = rng.uniform(20_000, 30_000, k)
    y = rng.poisson(e * 5e-4)
    poisson = sm.GLM(y, exog, family=sm.families.Poisson(), offset=np.log(e)).fit()
    chi2 = float(poisson.score_test(exog_extra=t[:, None]).statistic[0])
    assert trend.counts(y, e, continuity=False).z ** 2 == pytest.approx(chi2, rel=1e-9)


def test_too_few_periods_or_nothing_to_drift_give_no_signal():
    assert not trend.counts([0, 9, 30, 60, 90]).tested  # five periods: no test
    assert not trend.counts([0] * 10 + [1, 1]).tested  # two events: no test
    assert not trend.proportions([10] * 6, [11] * 6).tested  # only six children not in the share
    assert trend.counts([0, 0, 0, 0, 0]).p_value == 1.0
    assert trend.proportions([5, 5, 5, 5], [5, 5, 5, 5]).p_value == 1.0  # all of them, every period
    assert trend.proportions([0, 1, 2, 3, 4, 5, 6], [0, 10, 10, 10, 10, 10, 10]).periods == 6  # empty one left out
    with pytest.raises(ValueError):
        trend.proportions([3], [2])


# --- calibration at the demo's sizes ------------------------------------------------------------------------------
# The summary tests each headline measure over the last 12 quarters: at the demo's sizes a measure that does not
# change must be called a rise or fall in at most 5% of runs, and a rise like the demo's reoffending rate must be seen.

RUNS = 4000
QUARTERS = 12


@pytest.mark.parametrize("share", [0.05, 0.25, 0.45])
def test_a_stable_share_is_called_a_trend_in_at_most_5_percent_of_runs(share):
    """Twelve quarterly cohorts of 10 to 25 children (the demo's are 11 to 19), nothing changing."""
    rng = np.random.default_rng(20261203)
    n = rng.integers(10, 26, (RUNS, QUARTERS))
    x = rng.binomial(n, share)
    alarms = sum(trend.proportions(x[i], n[i]).judged().direction != "none" for i in range(RUNS))
    assert alarms / RUNS <= 0.05


@pytest.mark.parametrize("per_quarter", [0.5, 1, 3, 12])
def test_stable_counts_are_called_a_trend_in_at_most_5_percent_of_runs(per_quarter):
    """Twelve quarters of events at the demo's rates: custodial sentences and remands (under 1 to 3 a quarter),
    first time entrants (about 12)."""
    rng = np.random.default_rng(7)
    y = rng.poisson(per_quarter, (RUNS, QUARTERS))
    alarms = sum(trend.counts(y[i]).judged().direction != "none" for i in range(RUNS))
    assert alarms / RUNS <= 0.05


def test_a_rise_like_the_demos_reoffending_rate_is_seen():
    """The demo's 3-month cohorts (11 to 19 children) reoffend at about 17% three years before the latest and 40% at
    the latest: a steady rise of that size is seen as a rise in more than half of runs (about 58 in 100), and never
    as a fall."""
    rng = np.random.default_rng(11)
    n = rng.integers(11, 20, (RUNS, QUARTERS))
    x = rng.binomial(n, np.linspace(0.17, 0.40, QUARTERS))
    verdicts = [trend.proportions(x[i], n[i]).judged().direction for i in range(RUNS)]
    assert verdicts.count("up") / RUNS >= 0.5
    assert "down" not in verdicts
