"""The local 10 to 17 population from the reference table: totals, groups, and the source line charts print."""

from __future__ import annotations

import pandas as pd

from analysis.measures.characteristics import ethnic_groups


def total(tables: dict) -> int:
    return int(tables["population"]["population"].sum())


def source_note(tables: dict) -> str:
    """'Synthetic demo population (shaped like ONS Census 2021), 2021' – printed under every population-based figure."""
    pop = tables["population"]
    pairs = sorted(set(zip(pop["source"], pop["vintage"])))
    return "; ".join(f"{source}, {vintage}" for source, vintage in pairs)


def by(tables: dict, breakdown: str) -> pd.Series:
    """Population by 'ethnic_group', 'ethnicity' (detailed code), 'sex' (Male/Female) or 'age'."""
    pop = tables["population"].copy()
    if breakdown == "ethnic_group":
        pop["ethnic_group"] = ethnic_groups(pop["ethnicity"]).to_numpy()
    if breakdown == "sex":
        pop["sex"] = pop["sex"].map({"1": "Male", "2": "Female"})
    return pop.groupby(breakdown)["population"].sum().astype(int)
