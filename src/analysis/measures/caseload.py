"""The YJS caseload during a period, and its split by tier.

A child is on the caseload during a period if any of their intervention
episodes overlaps it (started by its last day and not ended before its first).
Each child is counted once, under the most intensive tier they were on during
the period (custody first, then bail and remand, community, first-tier,
pre-court, diversion, prevention).
"""

from __future__ import annotations

import pandas as pd

from analysis.data import codes
from analysis.data.quarters import Period
from analysis.safety import figures

TIER_PRIORITY = ("Custody", "Bail and remand", "Community", "First-tier", "Pre-court", "Diversion", "Prevention")


def on_caseload(caseload: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per child on the caseload during `period`, with their main tier."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    overlaps = (caseload["start_date"] <= end) & (caseload["end_date"].isna() | (caseload["end_date"] >= start))
    episodes = caseload.loc[overlaps.fillna(False).astype(bool), ["child_id", "episode_type"]].copy()
    tier = episodes["episode_type"].map({k: v[1] for k, v in codes.EPISODE_TYPES.items()})
    episodes["tier"] = pd.Categorical(tier, categories=TIER_PRIORITY, ordered=True)
    main = episodes.sort_values(["child_id", "tier"]).drop_duplicates("child_id")
    return main[["child_id", "tier"]].assign(tier=lambda d: d["tier"].astype(str)).reset_index(drop=True)


def by_tier(children: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Children on the caseload by main tier, as figures (count and share of the caseload)."""
    total = len(children)
    counts = children["tier"].value_counts()
    rows = [
        {
            "measure": "caseload",
            "breakdown": "tier",
            "group": tier,
            "period": period.label,
            "kind": "share",
            "numerator": int(counts.get(tier, 0)),
            "denominator": total,
            "value": 100 * counts.get(tier, 0) / total if total else float("nan"),
            "unit": "% of children on the caseload",
        }
        for tier in reversed(TIER_PRIORITY)
    ]
    rows.append(
        {
            "measure": "caseload",
            "breakdown": "tier",
            "group": figures.TOTAL,
            "period": period.label,
            "kind": "share",
            "numerator": total,
            "denominator": total,
            "value": 100.0 if total else float("nan"),
            "unit": "% of children on the caseload",
        }
    )
    return figures.frame(rows)
