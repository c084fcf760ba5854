"""What a ratio (a relative rate index or a share ratio) says, in words, with how sure we can be.

Shared by every report that states a ratio: the disproportionality report's readings and the summary's line about
them use the same words for the same figure.
"""

from __future__ import annotations

import pandas as pd

from analysis.stats import intervals

MORE = "more likely, and the difference is unlikely to be chance"
LESS = "less likely, and the difference is unlikely to be chance"
ABOUT = "about as likely"
TOO_FEW = "too few children to tell"
WITHHELD = "withheld"  # never "too few": a figure withheld to protect another can rest on any number
NONE_IN_GROUP = "no children in this group"
NO_POPULATION = "no population figure for this group"
NO_COMPARISON = "no children in the comparison group, so no comparison can be made"
NOT_POSSIBLE = "cannot be calculated"
# Not clearly different from 1, and the whole 95% interval lies between half and double: "about as likely".
ABOUT_AS_LIKELY_WITHIN = (0.5, 2.0)


def missing(value) -> bool:
    return value is None or pd.isna(value)


def reading(r: pd.Series | None) -> str:
    """What a ratio (a relative rate index or a share ratio) says, in words, with how sure we can be."""
    if r is None or (missing(r["numerator"]) and not r["suppressed"]):
        return NOT_POSSIBLE
    if r["suppressed"]:
        return WITHHELD
    if r["numerator"] == 0:
        return NONE_IN_GROUP
    measure = str(r["measure"])
    population_based = not measure.startswith("decision_") and (measure.endswith("_rate") or "_rri_" in measure)
    if population_based and (missing(r["denominator"]) or r["denominator"] == 0):
        return NO_POPULATION
    if "_rri_" in measure and r["numerator_2"] == 0:
        return NO_COMPARISON
    if missing(r["value"]):
        return NO_POPULATION if measure.endswith("_disproportionality_ratio") else NOT_POSSIBLE
    if missing(r["lower"]) or missing(r["upper"]):
        return NOT_POSSIBLE
    verdict = intervals.significance(r["lower"], r["upper"])
    if verdict == "higher":
        return MORE
    if verdict == "lower":
        return LESS
    low, high = ABOUT_AS_LIKELY_WITHIN
    return ABOUT if r["lower"] >= low and r["upper"] <= high else TOO_FEW
