"""Is a measure going up or down? Tests for a trend across periods that do not overlap.

A rolling 12-month figure moves a quarter at a time, so two successive figures share nine months of children: they
are not independent, and comparing two of them (or their intervals) says little. These tests use periods that do not
overlap (quarterly cohorts, or counts in each quarter) and every such period the extract supports, and ask whether
the measure drifts up or down across them more than chance would explain.

* **Proportions** (a share of a cohort, e.g. children who reoffend): the Cochran–Armitage test for trend. With
  ``x_i`` of ``n_i`` in period ``i`` (scored ``t_i`` = 0, 1, 2, ...), the pooled share ``p = Σx / Σn`` and
  ``T = Σ t_i (x_i − n_i p)``, ``z = T / sqrt(p (1 − p) [Σ n_i t_i² − (Σ n_i t_i)² / Σ n_i])``.
* **Counts** (events in each period, e.g. first time entrants), optionally against an exposure (the population):
  the score test for the slope of a Poisson regression of the count on the period. With the pooled rate
  ``λ = Σy / Σe``, ``U = Σ t_i (y_i − e_i λ)`` and ``z = U / sqrt(λ [Σ e_i t_i² − (Σ e_i t_i)² / Σ e_i])``.

Both are score tests (the score test of a logistic and of a Poisson regression on the period): closed forms, no
fitting, defined for any counts including zeros, two-sided. The numerator is moved half a step towards zero (a
continuity correction), since ``Σ t x`` moves in whole steps: at the small numbers of a local youth justice service
the uncorrected test raises slightly more than 5% false alarms, the corrected one fewer. The p-value is from the
normal distribution (``math.erfc``, so no statistics library is imported). The simulations in
``tests/unit/test_trend.py`` show the false-alarm rate at the demo's sizes and the power to see a rise like the
demo's reoffending rate. docs/methodology.md (Quarterly summary) explains the choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LEVEL = 0.05  # the chance of a false alarm the summary accepts for each measure
MIN_PERIODS = 6  # fewer periods than this give no test
MIN_EVENTS = 10  # nor fewer events (or, for a share, fewer than this in or out of it) than this


@dataclass(frozen=True)
class Trend:
    """The result of a test for trend: z (positive when the measure rises), its two-sided p-value, and the number of
    periods it used. `direction` is "up", "down" or "none" once `judged` against a significance level."""

    z: float
    p_value: float
    periods: int
    method: str
    direction: str = "none"
    tested: bool = True  # False: too few periods or events for a test (p_value is then 1)

    def judged(self, level: float = LEVEL) -> Trend:
        """The same result, with `direction` set: "up" or "down" if p < level, else "none"."""
        signal = self.tested and self.p_value < level
        direction = ("up" if self.z > 0 else "down") if signal else "none"
        return Trend(self.z, self.p_value, self.periods, self.method, direction, self.tested)


def _two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def _score_test(
    observed: np.ndarray, weights: np.ndarray, scores: np.ndarray, method: str, binomial: bool, continuity: bool
) -> Trend:
    """z = Σ t (y − w m) / sqrt(v [Σ w t² − (Σ w t)² / Σ w]) with m the pooled mean per unit weight and v its
    variance per unit weight: m (1 − m) for a proportion (`binomial`), m for a Poisson count. With `continuity`,
    the numerator is moved half a step towards zero."""
    total, events = weights.sum(), observed.sum()
    few = events < MIN_EVENTS or (binomial and total - events < MIN_EVENTS)
    if len(observed) < MIN_PERIODS or total <= 0 or few:
        return Trend(0.0, 1.0, len(observed), method, tested=False)
    mean = observed.sum() / total
    variance = mean * (1 - mean) if binomial else mean
    spread = (weights * scores**2).sum() - (weights * scores).sum() ** 2 / total
    if variance <= 0 or spread <= 0:  # no events, all events, or one period: nothing can drift
        return Trend(0.0, 1.0, len(observed), method)
    score = float((scores * (observed - weights * mean)).sum())
    if continuity:
        score = math.copysign(max(abs(score) - 0.5, 0.0), score)
    z = score / math.sqrt(variance * spread)
    return Trend(z, _two_sided(z), len(observed), method)


def proportions(successes, totals, scores=None, continuity: bool = True) -> Trend:
    """Cochran–Armitage test for a trend in the share ``successes / totals`` across ordered periods (periods with
    no one in them are left out). Scores default to 0, 1, 2, ... in the order given."""
    x, n = np.asarray(successes, float), np.asarray(totals, float)
    t = np.arange(len(x), dtype=float) if scores is None else np.asarray(scores, float)
    if np.any(x < 0) or np.any(x > n):
        raise ValueError("successes must lie between 0 and the totals")
    keep = n > 0
    return _score_test(x[keep], n[keep], t[keep], "Cochran–Armitage test for trend", True, continuity)


def counts(events, exposure=None, scores=None, continuity: bool = True) -> Trend:
    """Score test for a trend in Poisson counts across ordered periods (a rate if `exposure`, e.g. the population,
    is given). Scores default to 0, 1, 2, ... in the order given."""
    y = np.asarray(events, float)
    e = np.ones_like(y) if exposure is None else np.asarray(exposure, float)
    t = np.arange(len(y), dtype=float) if scores is None else np.asarray(scores, float)
    if np.any(y < 0) or np.any(e <= 0):
        raise ValueError("counts must not be negative and exposures must be positive")
    return _score_test(y, e, t, "score test for trend in Poisson counts", False, continuity)
