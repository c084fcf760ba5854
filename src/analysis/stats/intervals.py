"""Confidence intervals for shares, rates and ratios.

Small, pure functions behind the report tables. Each accepts scalars or numpy
arrays (broadcast together) and returns numpy scalars for scalar input and
arrays for array input. Methods follow the project methodology
(``docs/methodology.md``, Confidence intervals and Worked examples):

- proportions: Wilson score interval, as PHE/OHID ``phe_proportion``
  (PHEindicatormethods, ``R/utils.R``);
- counts and crude rates: exact Poisson (chi-squared) for x < 10 and Byar's
  method for x >= 10, as PHE/OHID ``phe_rate``;
- ratios of two proportions or rates (Relative Rate Index): Katz log method,
  as scipy ``relative_risk().confidence_interval()`` and contingencytables
  ``Katz_log_CI_2x2``;
- share-based disproportionality ratio: Wilson interval of the cohort share
  divided by a population share treated as fixed (a project choice).

Undefined results (zero denominators, zero counts where a log is needed) are
returned as ``nan`` without raising and without numpy warnings. Invalid input
(negative counts, numerator above a non-zero denominator, level outside
(0, 1), population share outside [0, 1]) raises ``ValueError``.
"""

from __future__ import annotations

import numpy as np
from scipy import (
    special,  # the quantile functions alone: importing scipy.stats costs each report a second
)

__all__ = [
    "BYARS_THRESHOLD",
    "katz_ratio",
    "poisson_count",
    "rate",
    "share_ratio",
    "significance",
    "wilson",
    "z_value",
]

#: Counts at or above this use Byar's method; below it the exact interval
#: (PHE ``phe_rate``: "exact method for x < 10, Byar's for x >= 10").
BYARS_THRESHOLD = 10


def _out(a):
    """Unwrap 0-d arrays to numpy scalars; leave other arrays alone."""
    return a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a


def z_value(level: float = 0.95) -> float:
    """Two-sided standard normal quantile, z = Phi^-1(1 - alpha/2).

    ``level`` is the confidence level (0.95 gives 1.959964...; 0.998 gives
    3.090232..., the two PHE default levels).
    """
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")
    return float(special.ndtri(1.0 - (1.0 - level) / 2.0))


def _check_nonneg(**arrays):
    for name, arr in arrays.items():
        if np.any(arr < 0):
            raise ValueError(f"{name} must be non-negative")


def _check_le(num, den, num_name, den_name):
    # A zero denominator is reported as nan rather than raised, whatever the
    # numerator, so missing denominators do not stop a whole table.
    if np.any((num > den) & (den > 0)):
        raise ValueError(f"{num_name} must not exceed {den_name}")


def wilson(x, n, level: float = 0.95):
    """Wilson score interval for a proportion x/n.

    Method: Wilson (1927) score interval, as used by PHE/OHID
    ``phe_proportion`` (PHEindicatormethods ``wilson_lower``/``wilson_upper``)::

        (2x + z^2 -/+ z*sqrt(z^2 + 4x(1 - x/n))) / (2(n + z^2))

    Returns ``(lower, upper)`` as proportions (0 to 1). ``n == 0`` gives
    ``(nan, nan)``. ``x == 0`` gives a lower limit of exactly 0 and
    ``x == n`` an upper limit of exactly 1.
    """
    z = z_value(level)
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    _check_nonneg(x=x, n=n)
    _check_le(x, n, "x", "n")
    with np.errstate(all="ignore"):
        centre = 2.0 * x + z * z
        half = z * np.sqrt(z * z + 4.0 * x * (1.0 - x / n))
        denom = 2.0 * (n + z * z)
        lower = (centre - half) / denom
        upper = (centre + half) / denom
    # Exact endpoints at the boundaries (the formula is exact there up to
    # rounding) and nan for an empty denominator.
    lower = np.where(x == 0, 0.0, np.clip(lower, 0.0, 1.0))
    upper = np.where(x == n, 1.0, np.clip(upper, 0.0, 1.0))
    lower = np.where(n == 0, np.nan, lower)
    upper = np.where(n == 0, np.nan, upper)
    return _out(lower), _out(upper)


def _byars(x, z):
    """Byar's approximation to the Poisson count limits (PHE ``byars_*``)."""
    lower = x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * np.sqrt(x))) ** 3
    x1 = x + 1.0
    upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * np.sqrt(x1))) ** 3
    return lower, upper


def _exact(x, level):
    """Exact (chi-squared / Garwood) Poisson count limits (PHE ``poisson_*``)."""
    alpha = 1.0 - level
    # chi2 with 0 degrees of freedom is undefined; the lower limit at x = 0 is 0.
    df_low = np.where(x > 0, 2.0 * x, 1.0)
    # the chi-squared quantile with k degrees of freedom is 2 * gammaincinv(k / 2, p); halved for the count
    lower = np.where(x > 0, special.gammaincinv(df_low / 2.0, alpha / 2.0), 0.0)
    upper = special.gammaincinv(x + 1.0, 1.0 - alpha / 2.0)
    return lower, upper


def poisson_count(x, level: float = 0.95):
    """Confidence interval for a Poisson count x.

    Method: PHE/OHID ``phe_rate`` rule -- exact Poisson limits from the
    chi-squared distribution for x < 10::

        lower = chi2_{alpha/2}(2x) / 2,   upper = chi2_{1-alpha/2}(2x + 2) / 2

    and Byar's approximation for x >= 10::

        lower = x (1 - 1/(9x) - z/(3 sqrt(x)))^3
        upper = (x+1) (1 - 1/(9(x+1)) + z/(3 sqrt(x+1)))^3

    Returns ``(lower, upper)`` on the count scale. ``x == 0`` gives a lower
    limit of 0 (upper 3.689 at 95%).
    """
    z = z_value(level)
    x = np.asarray(x, dtype=float)
    _check_nonneg(x=x)
    with np.errstate(all="ignore"):
        ex_lo, ex_hi = _exact(x, level)
        by_lo, by_hi = _byars(x, z)
    use_byars = x >= BYARS_THRESHOLD
    lower = np.where(use_byars, by_lo, ex_lo)
    upper = np.where(use_byars, by_hi, ex_hi)
    return _out(lower), _out(upper)


def rate(x, n, per: float = 1000, level: float = 0.95):
    """Crude rate x/n per ``per`` with a Poisson confidence interval.

    Method: PHE/OHID ``phe_rate`` -- count interval from :func:`poisson_count`
    (exact for x < 10, Byar's for x >= 10) divided by n and multiplied by
    ``per``. Note PHE's default multiplier is 100,000; here it is 1,000.

    Returns ``(value, lower, upper)``. ``n == 0`` gives three nans.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    _check_nonneg(x=x, n=n)
    lo, hi = poisson_count(x, level)
    with np.errstate(all="ignore"):
        scale = np.where(n > 0, per / n, np.nan)
        value = x * scale
        lower = lo * scale
        upper = hi * scale
    return _out(value), _out(lower), _out(upper)


def katz_ratio(a, n1, b, n2, level: float = 0.95):
    """Ratio of two proportions (a/n1)/(b/n2) with the Katz log interval.

    Method: Katz et al. (1978) log interval, as scipy
    ``stats.contingency.relative_risk(a, n1, b, n2).confidence_interval()``
    and contingencytables ``Katz_log_CI_2x2``; docs/methodology.md, Disproportionality (the
    project's choice for the Relative Rate Index)::

        SE[ln R] = sqrt(1/a - 1/n1 + 1/b - 1/n2)
        CI       = exp(ln R -/+ z * SE)

    Returns ``(ratio, lower, upper)``. The interval is ``(nan, nan)`` when
    a == 0, b == 0 or a denominator is 0. The ratio is 0 when a == 0 and
    b > 0, and nan when b == 0 or a denominator is 0. Never raises or warns
    for these cases. (scipy returns (0, nan) for a == 0; contingencytables
    returns [0, inf).)
    """
    z = z_value(level)
    a = np.asarray(a, dtype=float)
    n1 = np.asarray(n1, dtype=float)
    b = np.asarray(b, dtype=float)
    n2 = np.asarray(n2, dtype=float)
    _check_nonneg(a=a, n1=n1, b=b, n2=n2)
    _check_le(a, n1, "a", "n1")
    _check_le(b, n2, "b", "n2")
    dens_ok = (n1 > 0) & (n2 > 0)
    with np.errstate(all="ignore"):
        ratio = (a / n1) / (b / n2)
        ratio = np.where(dens_ok & (b > 0), ratio, np.nan)
        se = np.sqrt(1.0 / a - 1.0 / n1 + 1.0 / b - 1.0 / n2)
        log_r = np.log(ratio)
        lower = np.exp(log_r - z * se)
        upper = np.exp(log_r + z * se)
    ci_ok = dens_ok & (a > 0) & (b > 0)
    lower = np.where(ci_ok, lower, np.nan)
    upper = np.where(ci_ok, upper, np.nan)
    return _out(ratio), _out(lower), _out(upper)


def share_ratio(x, n, population_share, level: float = 0.95):
    """Share-based disproportionality ratio (x/n) / population_share.

    Method: docs/methodology.md, Disproportionality, ``DR_g = (c_g/C) / (p_g/P)``. The
    interval is the Wilson interval of the cohort share x/n (see
    :func:`wilson`) divided by the population share, which is treated as
    fixed because it comes from a census or mid-year estimate. This is a
    project choice, not a sourced official method.

    Returns ``(ratio, lower, upper)``. ``population_share == 0`` or
    ``n == 0`` gives three nans. ``population_share`` must lie in [0, 1].
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    ps = np.asarray(population_share, dtype=float)
    if np.any((ps < 0) | (ps > 1)):
        raise ValueError("population_share must lie between 0 and 1")
    lo, hi = wilson(x, n, level)
    with np.errstate(all="ignore"):
        inv = np.where(ps > 0, 1.0 / ps, np.nan)
        share = np.where(n > 0, x / n, np.nan)
        ratio = share * inv
        lower = lo * inv
        upper = hi * inv
    return _out(ratio), _out(lower), _out(upper)


def significance(lower, upper, reference=1.0):
    """Classify an interval against a reference value (Fingertips style).

    Method: OHID/PHE Fingertips benchmark comparison -- "higher" when the
    interval lies wholly above ``reference`` (lower > reference), "lower"
    when wholly below (upper < reference), otherwise "not significant".
    An interval touching the reference, or with either limit (or the
    reference) nan, is "not significant".

    Returns a ``str`` for scalar input, an array of str for array input.
    """
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    reference = np.asarray(reference, dtype=float)
    valid = ~(np.isnan(lower) | np.isnan(upper) | np.isnan(reference))
    out = np.where(
        valid & (lower > reference),
        "higher",
        np.where(valid & (upper < reference), "lower", "not significant"),
    )
    return str(out[()]) if out.ndim == 0 else out
