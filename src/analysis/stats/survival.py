"""The Kaplan-Meier (product-limit) estimate for right-censored durations, with a log(-log) interval.

Each subject has a duration (from the start of follow-up to the event, or to the
end of follow-up when the event was not seen: censored) and an event flag (1 or
True where the duration ended in the event, 0 or False where it was censored).
Methods follow the project methodology (``docs/methodology.md``, Kaplan-Meier):

- the survival function S(t), the share without the event by time t: at each
  time t with d events among the n subjects still followed (durations of t or
  more), S(t) = S(before t) x (1 - d/n);
- its standard error by Greenwood's formula: var S(t) = S(t)^2 x the sum, over
  event times up to t, of d / (n (n - d));
- the interval on the log(-log) scale of S (theta = log(-log S), se(theta) =
  se(S) / (S |log S|)), mapped back: exp(-exp(theta +/- z se(theta))).

The arithmetic is statsmodels' ``SurvfuncRight`` (``statsmodels.duration.survfunc``),
written out here because importing statsmodels (and with it ``scipy.stats``)
would cost the reports that use this estimate more than the estimate itself
(decision 0005); ``tests/unit/test_survival.py`` checks that the two agree.

Invalid input (durations and flags of different lengths, durations that are
not finite numbers, flags other than 0 and 1, a level outside (0, 1)) raises
``ValueError``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.stats import intervals

__all__ = ["kaplan_meier", "log_log_interval", "product_limit"]

FloatArray = npt.NDArray[np.float64]


def _arrays(durations: npt.ArrayLike, events: npt.ArrayLike) -> tuple[FloatArray, npt.NDArray[np.int_]]:
    """Durations as floats and event flags as 0 and 1, checked."""
    days = np.asarray(durations, dtype=float)
    flags = np.asarray(events)
    if days.ndim != 1 or flags.shape != days.shape:
        raise ValueError(
            f"durations and events must be one-dimensional and of the same length, got {days.shape} and {flags.shape}"
        )
    if not np.isfinite(days).all():
        raise ValueError("durations must be finite numbers")
    if not np.isin(flags, (0, 1)).all():
        raise ValueError("events must be 0 or 1 (True or False)")
    return days, flags.astype(int)


def product_limit(durations: npt.ArrayLike, events: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The Kaplan-Meier estimate of survival: the times at which an event happened, the estimate just after each,
    and its Greenwood standard error.

    The same arithmetic as statsmodels' ``SurvfuncRight`` (``surv_times``, ``surv_prob``, ``surv_prob_se``).
    Where every subject still followed has the event, S falls to 0 and its standard error is nan from then on.
    """
    days, flags = _arrays(durations, events)
    status = flags.astype(float)
    times, rank = np.unique(days, return_inverse=True)
    n_events = np.bincount(rank, weights=status, minlength=len(times))
    at_risk = np.cumsum(np.bincount(rank, minlength=len(times))[::-1])[::-1]
    keep = np.flatnonzero(n_events > 0)
    times, n_events, at_risk = times[keep], n_events[keep], at_risk[keep]
    step = 1 - n_events / at_risk.astype(np.float64)
    none_left = step < 1e-16
    surv = np.exp(np.cumsum(np.log(np.where(none_left, 1e-16, step))))
    surv[none_left] = 0
    terms = n_events / np.clip(at_risk * (at_risk - n_events), 1e-12, np.inf).astype(np.float64)
    terms[(at_risk == n_events) | (at_risk == 0)] = np.nan
    se = np.sqrt(np.cumsum(terms))
    known = np.isfinite(se) | (surv != 0)
    se[known] *= surv[known]
    se[~known] = np.nan
    return times, surv, se


def log_log_interval(surv: float, se: float, z: float) -> tuple[float, float]:
    """The interval for a survival estimate `surv` with standard error `se`, on the log(-log) scale.

    Where S is 1 (no event yet) the lower limit is undefined (nan) and the upper is 1; where S is 0 the lower
    limit is 0 and the upper undefined.
    """
    if 0 < surv < 1:
        with np.errstate(all="ignore"):
            theta, se_theta = np.log(-np.log(surv)), se / (surv * abs(np.log(surv)))
        return float(np.exp(-np.exp(theta + z * se_theta))), float(np.exp(-np.exp(theta - z * se_theta)))
    if surv == 1.0:
        return np.nan, 1.0
    return 0.0, np.nan


def kaplan_meier(
    durations: npt.ArrayLike, events: npt.ArrayLike, at: Sequence[float], level: float = 0.95
) -> pd.DataFrame:
    """The Kaplan-Meier estimate read at each of the times `at` (``np.inf``: the end of follow-up, where the curve
    ends), with its interval at `level`.

    One row per time. Columns: time; subjects (all of them); at_risk (still
    followed after the time: durations longer than it); events (events at or
    before the time); survival (the estimate of S); lower and upper (its
    interval on the log(-log) scale, from the Greenwood standard error; see
    `log_log_interval` for S of 0 or 1). Before the first event S is 1.
    """
    days, flags = _arrays(durations, events)
    z = intervals.z_value(level)
    times, surv_at, se_at = product_limit(days, flags)
    rows = []
    for t in at:
        if not len(times) or t < times[0]:
            surv, se = 1.0, 0.0
        else:
            i = int(np.searchsorted(times, t, side="right") - 1)
            surv, se = float(surv_at[i]), float(se_at[i])
        lower, upper = log_log_interval(surv, se, z)
        rows.append(
            {
                "time": float(t),
                "subjects": len(days),
                "at_risk": int((days > t).sum()),
                "events": int(flags[days <= t].sum()),
                "survival": surv,
                "lower": lower,
                "upper": upper,
            }
        )
    return pd.DataFrame(rows, columns=["time", "subjects", "at_risk", "events", "survival", "lower", "upper"])
