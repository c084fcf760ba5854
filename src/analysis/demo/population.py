"""The population files and the ethnicity model: `draw_population` (the 10-17 population by age, sex and detailed
ethnicity, shaped like ONS Census 2021), `draw_looked_after_population` (children looked after at 31 March, by age
and sex), and `draw_ethnicity`, from which youth justice children and pupils draw their ethnicity. Ethnicity
follows the population, with Mixed, Black and Other children over-represented among youth justice children
(relative rates of 2 to 3, `YJS_GROUP_FACTOR`); a few children have no ethnicity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data import codes
from analysis.demo.shape import (
    ETH_CODES,
    LOOKED_AFTER_RATE,
    POP_AGE_WEIGHTS,
    POP_MALE_SHARE,
    POP_SHARE,
    POP_TOTAL,
    POPULATION_SOURCE,
    POPULATION_VINTAGE,
)


def draw_population(rng, scale):
    eth = list(POP_SHARE)
    eth_all = eth + ["NOBT"]  # every detailed code except REFU; the census leaves no one unknown
    ages = np.arange(10, 18)
    age_w = POP_AGE_WEIGHTS / POP_AGE_WEIGHTS.sum()
    a, s, e = np.meshgrid(np.arange(8), np.arange(2), np.arange(len(eth_all)), indexing="ij")
    a, s, e = a.ravel(), s.ravel(), e.ravel()
    share = np.array([POP_SHARE.get(c, 0.0) for c in eth_all])
    sex_w = np.array([POP_MALE_SHARE, 1 - POP_MALE_SHARE])
    expected = POP_TOTAL * scale * age_w[a] * sex_w[s] * share[e]
    pop = rng.poisson(expected)
    order = np.lexsort((np.array(eth_all)[e], s, a))
    df = (
        pd.DataFrame(
            {
                "source": POPULATION_SOURCE,
                "vintage": POPULATION_VINTAGE,
                "age": ages[a],
                "sex": (s + 1).astype(str),
                "ethnicity": np.array(eth_all)[e],
                "population": pop,
            }
        )
        .iloc[order]
        .reset_index(drop=True)
    )
    return df


def draw_looked_after_population(rng, population):
    by = population.groupby(["age", "sex"], as_index=False)["population"].sum()
    return pd.DataFrame(
        {
            "source": "Synthetic demo count (shaped like SSDA903, children looked after at 31 March)",
            "vintage": "31 March 2025",
            "age": by["age"],
            "sex": by["sex"],
            "looked_after": rng.poisson(by["population"].to_numpy() * LOOKED_AFTER_RATE),
        }
    )


def draw_ethnicity(rng, n, group_factor=None, unknown=None):
    """Detailed ethnicity codes (positions in ETH_CODES; -1 blank)."""
    eth = list(POP_SHARE)
    w = np.array([POP_SHARE[c] * (group_factor or {}).get(codes.ethnic_group(c), 1.0) for c in eth])
    w = w / w.sum()
    unknown = unknown or {}
    p_unknown = sum(unknown.values())
    idx = np.array([ETH_CODES.index(c) for c in eth])[rng.choice(len(eth), size=n, p=w)]
    u = rng.random(n)
    edge = 0.0
    for code, p in unknown.items():
        m = (u >= edge) & (u < edge + p)
        idx[m] = -1 if code == "" else ETH_CODES.index(code)
        edge += p
    assert edge == p_unknown
    return idx
