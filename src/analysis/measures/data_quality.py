"""How much of each extract could be used, and how complete the key fields are."""

from __future__ import annotations

import pandas as pd

from analysis.safety import figures


def rows_received(counts: pd.DataFrame, period_label: str) -> pd.DataFrame:
    """Rows received, accepted and set aside per extract file, as figures (received = accepted + set aside)."""
    rows = []
    for _, c in counts.iterrows():
        assert c["received"] == c["accepted"] + c["set_aside"], f"{c['extract']}: counts do not add up"
        for measure in ("received", "accepted", "set_aside"):
            rows.append(
                {
                    "measure": f"rows_{measure}",
                    "breakdown": "extract",
                    "group": c["extract"],
                    "period": period_label,
                    "kind": "count",
                    "numerator": int(c[measure]),
                    "value": int(c[measure]),
                    "unit": "rows",
                }
            )
    return figures.frame(rows)


def completeness(tables: dict, period_label: str) -> pd.DataFrame:
    """Shares of key fields that are not known, as figures."""
    children = tables["children"]
    offences = tables["offences"]
    ethnicity_unknown = (children["ethnicity"].isna() | children["ethnicity"].isin(["REFU", "NOBT"])).sum()
    sex_unknown = (children["sex"] == "9").sum()
    seriousness_missing = offences["seriousness_score"].isna().sum()
    unmatched = (~children["child_id"].isin(tables["pupil_link"]["child_id"])).sum()
    specs = [
        (
            "children_ethnicity_not_known",
            "Children whose ethnicity is not known (blank, refused or not obtained)",
            ethnicity_unknown,
            len(children),
        ),
        ("children_sex_not_known", "Children whose sex is not known", sex_unknown, len(children)),
        ("offences_without_seriousness", "Offences with no seriousness score", seriousness_missing, len(offences)),
        ("children_without_pupil_match", "Children not matched to a school census record", unmatched, len(children)),
    ]
    rows = [
        {
            "measure": measure,
            "breakdown": "field",
            "group": label,
            "period": period_label,
            "kind": "share",
            "numerator": int(n),
            "denominator": int(d),
            "value": 100 * n / d if d else float("nan"),
            "unit": "% of records",
        }
        for measure, label, n, d in specs
    ]
    return figures.frame(rows)
