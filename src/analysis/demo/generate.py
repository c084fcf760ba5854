"""A deterministic synthetic demo extract, shaped like a northern English borough.

`generate(out_dir)` writes every extract of the data contract (`contract.EXTRACTS`)
as `<name>.csv`. All the data are invented: no real child, pupil or school is
behind any row. The volumes are shaped like Rotherham's published figures
(docs/methodology.md, Published figures the project reproduces): about 25,000
children aged 10 to 17, a few hundred youth justice outcomes a year (mostly diversion), about 50 first time entrants
a year, a caseload of 150 to 200 children in any quarter, and a borough-wide
school census with suspensions and permanent exclusions.

The same arguments always give byte-identical files: every random draw comes
from `numpy.random.default_rng` seeded by `seed` (one independent stream per
section), rows are sorted by their identifier, and the CSV layout is the one
`pandas.DataFrame.to_csv(index=False, lineterminator="\\n")` writes (large
tables are written through pyarrow in exactly that layout, for speed).

`scale` multiplies the numbers of children, pupils and population; every step
is vectorised, so scale=100 (about 20 million pupil rows, 1.1 GB of CSV) runs
in well under a minute in under 3 GB of memory.

With `bad_rows=True` a small share of rows (0.4%, at least one per case-level
extract) is added that each break one contract rule: an unknown code, an
impossible date, an end before a start, an outcome before its offence, a
duplicate identifier, a reference to a child, offence or pupil that does not
exist, a blank required value, an out-of-range number. They are copies of
real rows with one value spoiled and a new identifier (or the same one, for
duplicates), so dropping them leaves the rest of the data whole.

The model, in brief:

* Offending children start offending at a steady rate, aged 10 to 17, from a
  year before the history starts (2019-04-01); only offences from 2019-04-01
  are kept, but caseload episodes still open then are. Each child has a latent
  propensity that sets how often they offend again (gaps of about 4 months)
  and lifts the tier of their outcomes; later and more serious offences get
  higher tiers, and a child sentenced at one tier rarely drops more than one
  tier below it. Girls offend less, reoffend less and get fewer court
  outcomes. Offences stop at 18. Outcomes follow offences by 1-8 weeks
  (diversion), 2-10 weeks (cautions) or 1-6 months (court); an outcome due
  after the extract date is not there yet, and a few offences never get one.
* Ethnicity follows the population with Mixed, Black and Other children over-
  represented (relative rates of 2 to 3); a few children have no ethnicity.
* Caseload episodes follow outcomes that bring YJS work (diversion with YJS
  involvement, cautions, orders, custody), plus prevention work for children
  with no offence (yet), bail supervision and remands.
* Pupils are borough cohorts followed from Year 3 to Year 13 through the
  spring censuses, with some joining and leaving and fewer than half staying
  on into Years 12 and 13. YJS children are pupils too (about 90% of those of
  school age are linked); they are far more likely to be suspended,
  permanently excluded or in alternative provision. A few links (0.4%) are
  linkage errors that no contract rule catches: a child the matching missed
  is linked to another child's pupil record. Permanent exclusions have blank
  `sessions` (the return records no length); suspensions and lunchtime
  suspensions have 1 to 30 sessions.
* NC year uses the DfE rule: age on 31 August before the academic year minus 4
  (reception children are 4 on that day; Year 7 children are 11).
* Most youth conditional cautions and court outcomes have an AssetPlus
  assessment up to five weeks before them, whose Y/N flags (substance misuse,
  mental health, speech and language, NEET, child in need, child protection,
  exploitation) are shaped like the 2022-23 plan's 42 children. Extracts added
  to the contract later (assessments) draw from random streams of their own,
  so the files that existed before stay byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from analysis.data import codes, contract

HISTORY_START = "2019-04-01"
FIRST_ACADEMIC_YEAR = 2019  # 2019/20
BAD_ROW_RATE = 0.004
POPULATION_SOURCE = "Synthetic demo population (shaped like ONS Census 2021)"
POPULATION_VINTAGE = "2021"
ARROW_WRITE_MIN_ROWS = 100_000  # larger tables are written through pyarrow (same bytes)

# --- Identifiers: prefix and digits ------------------------------------------------------
IDS = {
    "child": ("C", 6),
    "offence": ("O", 7),
    "outcome": ("D", 7),
    "episode": ("EP", 7),
    "remand": ("RM", 6),
    "care": ("LA", 6),
    "send": ("SN", 6),
    "pupil": ("P", 7),
    "exclusion": ("EX", 7),
    "school": ("S", 5),
    "assessment": ("AS", 6),
}
DANGLING_OFFSET = 500_000  # references to records that do not exist start this far above the largest id

# --- Population: shares of the 10-17 population by detailed ethnicity ------------------------
POP_SHARE = {
    "WBRI": 0.8670,
    "WIRI": 0.0015,
    "WIRT": 0.0015,
    "WROM": 0.0035,
    "WOTH": 0.0385,
    "MWBC": 0.0080,
    "MWBA": 0.0030,
    "MWAS": 0.0080,
    "MOTH": 0.0060,
    "AIND": 0.0025,
    "APKN": 0.0290,
    "ABAN": 0.0010,
    "CHNE": 0.0015,
    "AOTH": 0.0060,
    "BCRB": 0.0010,
    "BAFR": 0.0090,
    "BOTH": 0.0030,
    "OARB": 0.0050,
    "OOTH": 0.0050,
}
POP_TOTAL = 25_000
POP_AGE_WEIGHTS = np.array([1.04, 1.035, 1.03, 1.02, 1.0, 0.98, 0.965, 0.95])  # ages 10..17
POP_MALE_SHARE = 0.511
# Relative likelihood of YJS involvement by ethnic group (the disproportionality to find).
YJS_GROUP_FACTOR = {"White": 1.0, "Mixed": 2.1, "Asian": 0.9, "Black": 2.4, "Other": 2.5}
YJS_UNKNOWN_ETHNICITY = {"": 0.025, "NOBT": 0.01, "REFU": 0.005}
PUPIL_UNKNOWN_ETHNICITY = {"": 0.004, "NOBT": 0.004, "REFU": 0.003}

ETH_CODES = list(codes.ETHNICITY)  # position = category code

# --- Offending -------------------------------------------------------------------------
NEW_OFFENDERS_PER_YEAR = 250
PREVENTION_PER_YEAR = 80
FEMALE_SHARE = 0.31
AGE_FIRST_OFFENCE = {10: 0.02, 11: 0.04, 12: 0.08, 13: 0.13, 14: 0.18, 15: 0.20, 16: 0.19, 17: 0.16}
OFFENCE_CATEGORIES = {  # category: (weight, typical seriousness score)
    "VIOLENCE_AGAINST_THE_PERSON": (35.0, 3),
    "CRIMINAL_DAMAGE": (14.0, 2),
    "PUBLIC_ORDER": (9.0, 2),
    "THEFT_AND_HANDLING": (9.0, 2),
    "DRUGS": (7.5, 3),
    "MOTORING_OFFENCES": (6.0, 2),
    "OTHER": (5.0, 2),
    "BURGLARY": (2.0, 4),
    "SEXUAL_OFFENCES": (1.8, 5),
    "ROBBERY": (1.5, 6),
    "RACIALLY_AGGRAVATED": (1.5, 3),
    "VEHICLE_THEFT": (1.5, 3),
    "BREACH_OF_STATUTORY_ORDER": (1.5, 3),
    "ARSON": (0.7, 4),
    "BREACH_OF_BAIL": (0.7, 2),
    "FRAUD_AND_FORGERY": (0.4, 3),
    "BREACH_OF_CONDITIONAL_DISCHARGE": (0.3, 2),
    "NOT_KNOWN": (0.5, 2),
    "DEATH_OR_INJURY_BY_DANGEROUS_DRIVING": (0.1, 7),
}
SERIOUSNESS_BLANK = 0.02
# Latent tier model: thresholds between Diversion | Pre-court | First-tier | Community | Custody.
TIER_THRESHOLDS = np.array([2.0, 3.1, 4.9, 6.5])
OUTCOMES_BY_TIER = {
    "Diversion": {
        "COMMUNITY_RESOLUTION_POLICE_FACILITATED": 113,
        "COMMUNITY_RESOLUTION_OTHER_AGENCY_FACILITATED": 16,
        "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT": 129,
        "NO_FURTHER_ACTION_OUTCOME_20_21": 87,
        "NO_FURTHER_ACTION_OUTCOME_22": 60,
        "NO_FURTHER_ACTION_OUTCOME_22_DEFERRED_PROSECUTION": 7,
        "YOUTH_RESTORATIVE_DISPOSAL": 8,
        "OTHER_INFORMAL_ACTION": 6,
    },
    "Pre-court": {"YOUTH_CAUTION": 40, "YOUTH_CONDITIONAL_CAUTION": 60},
    "First-tier": {
        "REFERRAL_ORDER": 23,
        "CONDITIONAL_DISCHARGE": 6,
        "FINE": 4,
        "DISQUALIFICATION_FROM_DRIVING": 1.5,
        "COMPENSATION_ORDER": 1,
        "ABSOLUTE_DISCHARGE": 0.7,
        "BIND_OVER": 0.7,
        "DEFERRED_SENTENCE": 1,
        "REPARATION_ORDER": 0.6,
    },
    "Community": {"YOUTH_REHABILITATION_ORDER": 80, "YOUTH_REHABILITATION_ORDER_ISS": 20},
    "Custody": {"DETENTION_AND_TRAINING_ORDER": 85, "SECTION_250": 12, "SECTION_254": 2, "SECTION_259": 1},
}
OUTCOME_DELAY_DAYS = {  # tier: (min, max) days from offence to outcome
    "Diversion": (7, 56),
    "Pre-court": (14, 70),
    "First-tier": (30, 182),
    "Community": (30, 182),
    "Custody": (30, 150),
}
NO_OUTCOME_SHARE = 0.03
SECOND_OUTCOME_SHARE = 0.15  # of court offences below custody: a compensation order or disqualification as well
OTHER_RESIDENCE_SHARE = 0.03

# --- Schools ---------------------------------------------------------------------------
PUPILS_PER_YEAR_GROUP = 3000
SCHOOLS = {"PRIMARY": 100, "SECONDARY": 16, "SPECIAL": 7, "AP": 2}  # at scale 1
SPECIAL_SHARE = 0.015
SIXTH_FORM_STAY = (0.45, 0.9)  # P(in Year 12 | Year 11), P(in Year 13 | Year 12)
YJS_SIXTH_FORM_STAY = (0.25, 0.8)
SUSPENSION_BASE = {
    3: 0.0035,
    4: 0.005,
    5: 0.008,
    6: 0.012,
    7: 0.039,
    8: 0.054,
    9: 0.065,
    10: 0.068,
    11: 0.05,
    12: 0.009,
    13: 0.005,
}
YEAR_FACTOR = {2019: 0.75, 2020: 0.8, 2021: 1.0, 2022: 1.05, 2023: 1.1, 2024: 1.12, 2025: 1.15}
SESSIONS = {
    1: 0.08,
    2: 0.30,
    3: 0.06,
    4: 0.22,
    5: 0.03,
    6: 0.12,
    8: 0.05,
    10: 0.06,
    12: 0.03,
    14: 0.02,
    16: 0.01,
    20: 0.01,
    30: 0.01,
}
SUSPENSION_REASONS = {
    "persistent_disruptive": 46,
    "verbal_adult": 14,
    "physical_pupils": 12,
    "other": 6,
    "physical_adult": 5,
    "verbal_pupil": 5,
    "damage": 2,
    "drug_alcohol": 2,
    "offensive_weapon": 1,
    "bullying": 1,
    "racist_abuse": 1,
    "sexual_misconduct": 1,
    "theft": 0.6,
    "media_technology": 0.6,
    "abuse_sex_gender": 0.3,
    "abuse_disability": 0.1,
    "public_health": 0.4,
}
PERM_REASONS = {
    "persistent_disruptive": 35,
    "physical_pupils": 15,
    "physical_adult": 13,
    "drug_alcohol": 10,
    "offensive_weapon": 8,
    "verbal_adult": 8,
    "other": 4,
    "sexual_misconduct": 2,
    "damage": 2,
    "bullying": 1,
    "racist_abuse": 1,
    "theft": 1,
}
POST_EXCLUSION = {
    "PRU": 70,
    "ALTERNATIVE_PROVISION": 8,
    "NEW_SCHOOL": 8,
    "REINSTATED": 3,
    "ELECTIVE_HOME_EDUCATION": 3,
    "NOT_IN_EDUCATION": 2,
    "NOT_KNOWN": 2,
    "": 4,
}
LINK_ERROR_RATE = 0.004  # pupil links that point at another child's pupil record
COVID_CLOSURES = (("2020-03-23", "2020-07-21", 0.08), ("2021-01-05", "2021-03-07", 0.1))

# --- AssetPlus assessments -------------------------------------------------------------
# Children on a youth conditional caution or above are assessed with AssetPlus near each such outcome. The share
# flagged Y for each concern is shaped like the 2022-23 plan's 42 children (docs/methodology.md, published figure
# 1.5): substance misuse 17, mental health 15, speech and language 20, NEET 9, child in need 18, child protection 19,
# CCE/CSE 4.
ASSESSMENT_SHARE = 0.9  # of YCC-or-above outcome occasions with an assessment
ASSESSMENT_FLAG_RATES = {
    "concerns_substance_misuse": 17 / 42,
    "concerns_mental_health": 15 / 42,
    "concerns_speech_language_communication": 20 / 42,
    "neet": 9 / 42,
    "children_in_need": 18 / 42,
    "child_protection_plan": 19 / 42,
    "exploitation_concerns": 4 / 42,
}
ASSESSMENT_STICKY = ("children_in_need", "child_protection_plan")  # "now or before": once Y, always Y
ASSESSMENT_CHANGE = 0.12  # chance another flag differs at a later assessment
ASSESSMENT_BLANK = 0.03  # chance a flag is not recorded


# ======================================================================================
# Dates (int days since 1970-01-01) and small helpers
# ======================================================================================


def _day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


def _ymd(days):
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def _add_years(days, years):
    """The same day and month `years` later (29 February becomes 1 March)."""
    y, m, d = _ymd(days)
    month = ((y + years - 1970) * 12 + m - 1).astype("datetime64[M]")
    return month.astype("datetime64[D]").astype(np.int64) + d - 1


def _age(dob, at):
    yb, mb, db = _ymd(dob)
    ya, ma, da = _ymd(at)
    return ya - yb - ((ma * 100 + da) < (mb * 100 + db))


def _reception_year(dob):
    """The academic year (by its starting calendar year) a child born on dob starts reception."""
    y, m, _ = _ymd(dob)
    return y + (m >= 9) + 4


def _choice(rng, options: dict, size: int):
    keys = list(options)
    p = np.array([options[k] for k in keys], dtype=float)
    return rng.choice(len(keys), size=size, p=p / p.sum()), keys


def _uniform_days(rng, lo, hi):
    """Integer days uniformly in [lo, hi] (arrays or scalars)."""
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    return lo + np.floor(rng.random(np.broadcast(lo, hi).shape) * (hi - lo + 1)).astype(np.int64)


def _within(counts):
    """For groups of sizes `counts` laid out one after another: each row's position within its group."""
    starts = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
    return np.arange(int(np.sum(counts)), dtype=np.int64) - np.repeat(starts, counts), starts


# ======================================================================================
# Column builders (categoricals keep large tables small)
# ======================================================================================


def _fmt_ids(kind: str, nums) -> np.ndarray:
    prefix, width = IDS[kind]
    nums = np.asarray(nums, dtype=np.int64)
    return np.char.add(prefix, np.char.zfill(nums.astype(str), width))


def _cats(values) -> pd.Index:
    """Categories for a text column (arrow-backed strings: compact even for millions of ids)."""
    return pd.Index(np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values, dtype="str")


def _id_col(kind: str, nums) -> pd.Categorical:
    nums = np.asarray(nums, dtype=np.int64)
    ok = nums >= 0
    uniq, inv = np.unique(nums[ok], return_inverse=True)
    codes_ = np.full(len(nums), -1, dtype=np.int64)
    codes_[ok] = inv
    return pd.Categorical.from_codes(codes_, categories=_cats(_fmt_ids(kind, uniq)))


def _small_id_col(kind: str, nums, universe) -> pd.Categorical:
    """Like _id_col for a column drawn from a small known set of numbers (no sort of the column)."""
    universe = np.unique(np.asarray(universe, dtype=np.int64))
    rank = np.full(int(universe.max()) + 1, -1, dtype=np.int32)
    rank[universe] = np.arange(len(universe), dtype=np.int32)
    return pd.Categorical.from_codes(rank[np.asarray(nums)], categories=_cats(_fmt_ids(kind, universe)))


def _date_col(days, blank=None) -> pd.Categorical:
    days = np.asarray(days, dtype=np.int64)
    ok = np.ones(len(days), bool) if blank is None else ~np.asarray(blank, bool)
    uniq, inv = np.unique(days[ok], return_inverse=True)
    codes_ = np.full(len(days), -1, dtype=np.int64)
    codes_[ok] = inv
    cats = np.datetime_as_string(uniq.astype("datetime64[D]"), unit="D")
    return pd.Categorical.from_codes(codes_, categories=_cats(cats))


def _code_col(idx, keys) -> pd.Categorical:
    """idx: positions in keys; keys may include "" for blank."""
    keys = list(keys)
    idx = np.asarray(idx, dtype=np.int64)
    if "" in keys:
        blank = keys.index("")
        mapping = np.array([i - (i > blank) if i != blank else -1 for i in range(len(keys))], dtype=np.int64)
        idx = mapping[idx]
        keys = [k for k in keys if k != ""]
    return pd.Categorical.from_codes(idx, categories=_cats(keys))


def _int_col(values, blank=None) -> pd.arrays.IntegerArray:
    values = np.asarray(values)
    if values.dtype.kind != "i":
        values = values.astype(np.int64)
    mask = np.zeros(len(values), bool) if blank is None else np.asarray(blank, bool)
    return pd.arrays.IntegerArray(values, mask)


# ======================================================================================
# Population
# ======================================================================================


def _population(rng, scale):
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


LOOKED_AFTER_RATE = 0.012  # about 120 per 10,000 children aged 10 to 17 (England's rate is about 70 for all under 18s)


def _looked_after_population(rng, population):
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


def _ethnicity(rng, n, group_factor=None, unknown=None):
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


# ======================================================================================
# Youth justice: children, offences, outcomes, caseload, remands
# ======================================================================================


def _youth_justice(rng, scale, start, ed):
    burn = start - 365
    span_years = (ed - burn) / 365.25
    n = int(rng.poisson(NEW_OFFENDERS_PER_YEAR * span_years * scale))
    first = rng.integers(burn, ed, n)
    female = rng.random(n) < FEMALE_SHARE
    sex = np.where(female, 2, 1)
    sex[rng.random(n) < 0.003] = 9
    age_idx, age_keys = _choice(rng, AGE_FIRST_OFFENCE, n)
    age0 = np.array(age_keys)[age_idx]
    dob = _add_years(first, -age0) - rng.integers(0, 365, n)
    eth = _ethnicity(rng, n, YJS_GROUP_FACTOR, YJS_UNKNOWN_ETHNICITY)
    q = rng.beta(2.0, 3.6, n) * np.where(female, 0.75, 1.0)
    nev = np.minimum(rng.geometric(1 - q), 30)

    # --- events (an offending episode: one or more offences on a day, one disposal) ----
    k, starts = _within(nev)
    ev_child = np.repeat(np.arange(n), nev)
    gaps = np.round(rng.lognormal(np.log(115), 0.9, len(ev_child))).astype(np.int64) + 1
    gaps[starts] = 0
    cs = np.cumsum(gaps)
    ev_date = np.repeat(first, nev) + cs - np.repeat(cs[starts], nev)
    keep = (ev_date < ed) & (_age(dob[ev_child], ev_date) < 18)
    ev_child, ev_date, k = ev_child[keep], ev_date[keep], k[keep]
    ne = len(ev_child)

    # offences of each event
    n_off = 1 + (rng.random(ne) < 0.12) + (rng.random(ne) < 0.025)
    _, off_starts = _within(n_off)
    off_event = np.repeat(np.arange(ne), n_off)
    cat_idx, cat_keys = _choice(rng, {c: w for c, (w, _) in OFFENCE_CATEGORIES.items()}, len(off_event))
    base = np.array([OFFENCE_CATEGORIES[c][1] for c in cat_keys])[cat_idx]
    score = np.clip(base + rng.choice([-1, 0, 1], size=len(off_event), p=[0.25, 0.5, 0.25]), 1, 8)
    score_blank = rng.random(len(off_event)) < SERIOUSNESS_BLANK
    ev_score = np.maximum.reduceat(np.where(score_blank, base, score), off_starts)

    # tiers
    latent = (
        rng.logistic(size=ne)
        + 0.6 * np.minimum(k, 4)
        + 3.0 * (q[ev_child] - 0.36)
        - 0.7 * female[ev_child]
        + 0.55 * (ev_score - 3)
    )
    raw = np.searchsorted(TIER_THRESHOLDS, latent)
    prev_max = pd.Series(raw).groupby(ev_child).cummax().groupby(ev_child).shift(1).fillna(-1).to_numpy(np.int64)
    tier = np.maximum(raw, prev_max - 1)
    tiers = list(codes.TIERS)
    ev_outcome = np.empty(ne, dtype=object)
    ev_delay = np.zeros(ne, dtype=np.int64)
    for t, name in enumerate(tiers):
        m = tier == t
        idx, keys = _choice(rng, OUTCOMES_BY_TIER[name], int(m.sum()))
        ev_outcome[m] = np.array(keys, dtype=object)[idx]
        lo, hi = OUTCOME_DELAY_DAYS[name]
        ev_delay[m] = rng.integers(lo, hi + 1, int(m.sum()))
    ev_out_date = ev_date + ev_delay
    ev_has_outcome = (ev_out_date <= ed) & (rng.random(ne) >= NO_OUTCOME_SHARE)

    # --- offences and outcomes inside the history window ----------------------------------
    in_window = ev_date >= start
    off_keep = in_window[off_event]
    off = pd.DataFrame(
        {
            "child": ev_child[off_event][off_keep],
            "event": off_event[off_keep],
            "date": ev_date[off_event][off_keep],
            "category": np.array(cat_keys, dtype=object)[cat_idx][off_keep],
            "score": score[off_keep],
            "score_blank": score_blank[off_keep],
        }
    )
    off["seq"] = np.arange(len(off))
    off = off.sort_values(["date", "child", "seq"], kind="stable").reset_index(drop=True)
    off["offence_num"] = np.arange(1, len(off) + 1)

    has = ev_has_outcome[off["event"].to_numpy()]
    out = off.loc[has, ["offence_num", "child", "event", "date", "category"]].copy()
    ev = out["event"].to_numpy()
    out["outcome_date"] = ev_out_date[ev]
    out["legal_outcome"] = ev_outcome[ev]
    # a few court offences get a second outcome on the same day
    court_tier = tier[ev]
    second = (court_tier >= 2) & (court_tier <= 3) & (rng.random(len(out)) < SECOND_OUTCOME_SHARE)
    extra = out.loc[second].copy()
    motoring = extra["category"].to_numpy() == "MOTORING_OFFENCES"
    extra["legal_outcome"] = np.where(motoring, "DISQUALIFICATION_FROM_DRIVING", "COMPENSATION_ORDER")
    same = extra["legal_outcome"].to_numpy() == out.loc[second, "legal_outcome"].to_numpy()
    extra.loc[same, "legal_outcome"] = np.where(motoring[same], "FINE", "CONDITIONAL_DISCHARGE")
    out["rank"] = 0
    extra["rank"] = 1
    out = pd.concat([out, extra], ignore_index=True)
    other_child = rng.random(n) < OTHER_RESIDENCE_SHARE
    flip = rng.random(len(out)) < 0.005
    out["other"] = other_child[out["child"].to_numpy()] ^ flip
    out = out.sort_values(["outcome_date", "child", "offence_num", "rank"], kind="stable").reset_index(drop=True)
    out["outcome_num"] = np.arange(1, len(out) + 1)

    # --- caseload episodes from outcomes (any event, including the year before the window) --
    has_ev = np.flatnonzero(ev_has_outcome)
    eo = ev_outcome[has_ev]
    od = ev_out_date[has_ev]
    r = rng.random(len(has_ev))
    months = lambda lo, hi: np.round(rng.uniform(lo, hi, len(has_ev)) * 30.44).astype(np.int64)
    rules = [  # outcome codes, probability of YJS work, episode type, duration in days
        (
            ("COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT", "NO_FURTHER_ACTION_OUTCOME_22_DEFERRED_PROSECUTION"),
            1.0,
            "DIVERSION",
            rng.integers(63, 121, len(has_ev)),
        ),
        (("NO_FURTHER_ACTION_OUTCOME_22",), 0.8, "DIVERSION", rng.integers(63, 121, len(has_ev))),
        (("YOUTH_RESTORATIVE_DISPOSAL",), 0.5, "DIVERSION", rng.integers(42, 91, len(has_ev))),
        (("YOUTH_CAUTION",), 0.8, "YOUTH_CAUTION", rng.integers(90, 126, len(has_ev))),
        (("YOUTH_CONDITIONAL_CAUTION",), 1.0, "YOUTH_CONDITIONAL_CAUTION", rng.integers(90, 126, len(has_ev))),
        (
            ("REFERRAL_ORDER",),
            1.0,
            "REFERRAL_ORDER",
            np.round(rng.choice([3, 4, 6, 9, 12], len(has_ev), p=[0.25, 0.15, 0.3, 0.15, 0.15]) * 30.44).astype(
                np.int64
            ),
        ),
        (("REPARATION_ORDER",), 1.0, "REPARATION_ORDER", rng.integers(60, 92, len(has_ev))),
        (("YOUTH_REHABILITATION_ORDER",), 1.0, "YOUTH_REHABILITATION_ORDER", months(6, 24)),
        (("YOUTH_REHABILITATION_ORDER_ISS",), 1.0, "YRO_ISS", months(6, 12)),
        (("SECTION_250", "SECTION_254", "SECTION_259"), 1.0, "SECTION_250", months(12, 36)),
    ]
    ep_child, ep_start, ep_len, ep_type = [], [], [], []
    for outcome_codes, p, etype, dur in rules:
        m = np.isin(eo, outcome_codes) & (r < p)
        ep_child.append(ev_child[has_ev][m])
        ep_start.append(od[m])
        ep_len.append(dur[m])
        ep_type.append(np.full(int(m.sum()), etype, dtype=object))
    dto = eo == "DETENTION_AND_TRAINING_ORDER"
    term = np.round(rng.choice([4, 6, 8, 10, 12, 18, 24], len(has_ev)) * 30.44).astype(np.int64)[dto]
    half = term // 2
    ep_child += [ev_child[has_ev][dto], ev_child[has_ev][dto]]
    ep_start += [od[dto], od[dto] + half]
    ep_len += [half, term - half]
    ep_type += [
        np.full(int(dto.sum()), "DTO_CUSTODY", dtype=object),
        np.full(int(dto.sum()), "DTO_LICENCE", dtype=object),
    ]

    # remands and bail supervision, for court cases
    court = tier >= 2
    p_remand = np.select([tier == 4, tier == 3, tier == 2], [0.7, 0.35, 0.06], 0.0) * np.where(ev_score >= 4, 1.5, 0.7)
    remanded = court & (rng.random(ne) < p_remand)
    rm_start = ev_date + rng.integers(0, 4, ne)
    rm_end = np.minimum(ev_out_date, rm_start + rng.integers(14, 151, ne))  # open while it runs past the extract
    custodial_p = np.where(tier == 4, 0.6, 0.15)
    rtypes = list(codes.REMAND_TYPES)
    cust_idx, cust_keys = _choice(rng, {"REMAND_IN_CUSTODY": 0.9, "COURT_ORDERED_SECURE_REMAND": 0.1}, ne)
    la_idx, la_keys = _choice(
        rng,
        {
            "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION": 0.55,
            "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION_AND_CURFEW": 0.3,
            "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION_AND_TAG": 0.15,
        },
        ne,
    )
    rm_type = np.where(
        rng.random(ne) < custodial_p,
        np.array(cust_keys, dtype=object)[cust_idx],
        np.array(la_keys, dtype=object)[la_idx],
    )
    rm_keep = remanded & (rm_start <= ed) & (rm_end >= start)
    rm = pd.DataFrame(
        {
            "child": ev_child[rm_keep],
            "start": rm_start[rm_keep],
            "end": rm_end[rm_keep],
            "open": rm_end[rm_keep] > ed,
            "type": rm_type[rm_keep],
        }
    )
    rm = rm.sort_values(["start", "child"], kind="stable").reset_index(drop=True)
    rm["remand_num"] = np.arange(1, len(rm) + 1)
    assert set(rm["type"]) <= set(rtypes)
    ep_child.append(rm["child"].to_numpy())
    ep_start.append(rm["start"].to_numpy())
    ep_len.append(np.where(rm["open"], 10**6, rm["end"] - rm["start"]))
    ep_type.append(np.full(len(rm), "REMAND", dtype=object))
    bail = court & ~remanded & (tier >= 3) & (rng.random(ne) < 0.25)
    bail |= court & ~remanded & (tier == 2) & (rng.random(ne) < 0.015)
    b_start = ev_date + rng.integers(1, 15, ne)
    b_len = np.maximum(ev_out_date - b_start, 7)  # until the outcome (open if that is after the extract)
    ep_child.append(ev_child[bail])
    ep_start.append(b_start[bail])
    ep_len.append(b_len[bail])
    ep_type.append(np.full(int(bail.sum()), "BAIL_SUPERVISION", dtype=object))

    # prevention work before a first offence, for some offending children
    pre = rng.random(n) < 0.12
    p_end = first - rng.integers(7, 60, n)
    p_len = rng.integers(60, 181, n)
    ep_child.append(np.flatnonzero(pre))
    ep_start.append((p_end - p_len)[pre])
    ep_len.append(p_len[pre])
    ep_type.append(np.full(int(pre.sum()), "PREVENTION", dtype=object))

    # --- prevention-only children ---------------------------------------------------------
    npv = int(rng.poisson(PREVENTION_PER_YEAR * span_years * scale))
    pv_start = rng.integers(burn, ed, npv)
    pv_female = rng.random(npv) < 0.35
    pv_sex = np.where(pv_female, 2, 1)
    pv_age = rng.choice(np.arange(9, 17), npv, p=np.array([3, 6, 10, 14, 15, 14, 10, 6]) / 78)
    pv_dob = _add_years(pv_start, -pv_age) - rng.integers(0, 365, npv)
    pv_eth = _ethnicity(rng, npv, YJS_GROUP_FACTOR, YJS_UNKNOWN_ETHNICITY)
    ep_child.append(n + np.arange(npv))
    ep_start.append(pv_start)
    ep_len.append(rng.integers(60, 211, npv))
    ep_type.append(np.full(npv, "PREVENTION", dtype=object))

    ep = pd.DataFrame(
        {
            "child": np.concatenate(ep_child),
            "start": np.concatenate(ep_start),
            "len": np.concatenate(ep_len),
            "type": np.concatenate(ep_type),
        }
    )
    ep["end"] = ep["start"] + ep["len"]
    ep["open"] = ep["end"] > ed
    ep = ep[(ep["start"] <= ed) & (ep["open"] | (ep["end"] >= start))]
    ep = ep.sort_values(["start", "child", "type"], kind="stable").reset_index(drop=True)
    ep["episode_num"] = np.arange(1, len(ep) + 1)

    # --- children: everyone a record refers to ------------------------------------------
    all_dob = np.concatenate([dob, pv_dob])
    all_sex = np.concatenate([sex, pv_sex])
    all_eth = np.concatenate([eth, pv_eth])
    max_tier = np.full(n + npv, -1)
    np.maximum.at(max_tier, ev_child[ev_has_outcome], tier[ev_has_outcome])
    used = np.zeros(n + npv, bool)
    for arr in (off["child"], ep["child"], rm["child"]):
        used[arr.to_numpy()] = True
    kept = np.flatnonzero(used)
    child_num = np.zeros(n + npv, dtype=np.int64)
    child_num[kept] = rng.permutation(len(kept)) + 1
    ch = pd.DataFrame(
        {
            "child": kept,
            "child_num": child_num[kept],
            "dob": all_dob[kept],
            "sex": all_sex[kept],
            "eth": all_eth[kept],
            "max_tier": max_tier[kept],
            "offender": kept < n,
        }
    )
    ch = ch.sort_values("child_num").reset_index(drop=True)
    for df in (off, out, ep, rm):
        df["child_num"] = child_num[df["child"].to_numpy()]
    return {"children": ch, "offences": off, "outcomes": out, "caseload": ep, "remands": rm}


# ======================================================================================
# Care episodes and SEND (for YJS children)
# ======================================================================================


def _care(rng, ch, ed):
    n = len(ch)
    dob = ch["dob"].to_numpy()
    mt = ch["max_tier"].to_numpy()
    p = np.select([mt >= 3, mt >= 1, mt == 0], [0.28, 0.14, 0.07], 0.08)
    lac = rng.random(n) < p
    adult = _add_years(dob, 18)
    s1 = dob + rng.integers(6 * 365, int(17.5 * 365), n)
    s1 = np.minimum(s1, ed - rng.integers(30, 700, n))
    s1 = np.maximum(s1, dob + 3 * 365)
    e1 = np.minimum(s1 + np.round(rng.lognormal(np.log(500), 0.8, n)).astype(np.int64), adult)
    e1 = np.maximum(e1, s1 + 14)
    second = lac & (rng.random(n) < 0.2) & (e1 < ed)
    s2 = e1 + rng.integers(30, 400, n)
    second &= s2 < np.minimum(ed, adult)
    e2 = np.maximum(np.minimum(s2 + np.round(rng.lognormal(np.log(300), 0.8, n)).astype(np.int64), adult), s2 + 14)
    child = np.concatenate([ch["child_num"].to_numpy()[lac], ch["child_num"].to_numpy()[second]])
    start = np.concatenate([s1[lac], s2[second]])
    end = np.concatenate([e1[lac], e2[second]])
    other = rng.random(len(child)) < 0.12
    df = pd.DataFrame({"child_num": child, "start": start, "end": end, "open": end > ed, "other": other})
    df = df.sort_values(["start", "child_num"], kind="stable").reset_index(drop=True)
    df["care_num"] = np.arange(1, len(df) + 1)
    return df


def _send(rng, ch, ed):
    n = len(ch)
    dob = ch["dob"].to_numpy()
    r = rng.random(n)
    ehcp = r < 0.20
    support = (r >= 0.20) & (r < 0.42)
    e_start = np.minimum(dob + rng.integers(5 * 365, 14 * 365, n), ed - rng.integers(30, 400, n))
    e_ceased = rng.random(n) < 0.08
    e_end = e_start + rng.integers(365, 5 * 365, n)
    e_open = ~e_ceased | (e_end > ed)
    prior = ehcp & (rng.random(n) < 0.4) & (e_start - dob > 6 * 365)
    p_start = dob + np.round(4.5 * 365 + rng.random(n) * (e_start - dob - 5 * 365)).astype(np.int64)
    p_end = e_start - 1
    s_start = np.minimum(dob + rng.integers(5 * 365, 13 * 365, n), ed - rng.integers(30, 400, n))
    s_end = s_start + rng.integers(365, 6 * 365, n)
    s_open = (rng.random(n) >= 0.35) | (s_end > ed)
    cn = ch["child_num"].to_numpy()
    df = pd.DataFrame(
        {
            "child_num": np.concatenate([cn[ehcp], cn[prior], cn[support]]),
            "start": np.concatenate([e_start[ehcp], p_start[prior], s_start[support]]),
            "end": np.concatenate([e_end[ehcp], p_end[prior], s_end[support]]),
            "open": np.concatenate([e_open[ehcp], np.zeros(int(prior.sum()), bool), s_open[support]]),
            "status": np.concatenate(
                [
                    np.full(int(ehcp.sum()), "EHCP", dtype=object),
                    np.full(int(prior.sum()), "SEN_SUPPORT", dtype=object),
                    np.full(int(support.sum()), "SEN_SUPPORT", dtype=object),
                ]
            ),
        }
    )
    df = df.sort_values(["start", "child_num", "status"], kind="stable").reset_index(drop=True)
    df["send_num"] = np.arange(1, len(df) + 1)
    return df


# ======================================================================================
# AssetPlus assessments (for children on a youth conditional caution or above)
# ======================================================================================


def _assessments(rng, yj, ed):
    """One assessment for most YCC-or-above outcome occasions, up to five weeks before the outcome.

    Each child has underlying flags (correlated through one shared need factor, so concerns cluster as they do);
    later assessments keep them, except that a non-sticky flag changes now and then, and a few are left blank."""
    from scipy.special import ndtri

    out = yj["outcomes"]
    ycc = codes.LEGAL_OUTCOMES["YOUTH_CONDITIONAL_CAUTION"].rank
    rank = out["legal_outcome"].map(codes.OUTCOME_RANK).to_numpy()
    occ = (
        out.loc[rank >= ycc, ["child_num", "outcome_date"]]
        .drop_duplicates()
        .sort_values(["outcome_date", "child_num"], kind="stable")
        .reset_index(drop=True)
    )
    n = len(occ)
    date = occ["outcome_date"].to_numpy() - rng.integers(0, 36, n)
    keep = (rng.random(n) < ASSESSMENT_SHARE) & (date <= ed)
    kids, child_idx = np.unique(occ["child_num"].to_numpy(), return_inverse=True)
    need = rng.standard_normal(len(kids))
    df = pd.DataFrame({"child_num": occ["child_num"].to_numpy(), "date": date})
    for flag, share in ASSESSMENT_FLAG_RATES.items():
        base = (0.6 * need + 0.8 * rng.standard_normal(len(kids))) > ndtri(1 - share)
        value = base[child_idx]
        if flag not in ASSESSMENT_STICKY:
            value = value ^ (rng.random(n) < ASSESSMENT_CHANGE)
        code = np.where(value, 2, 1)  # positions in ["", "N", "Y"]
        code[rng.random(n) < ASSESSMENT_BLANK] = 0
        df[flag] = code
    df = df[keep].sort_values(["date", "child_num"], kind="stable").reset_index(drop=True)
    df["assessment_num"] = np.arange(1, len(df) + 1)
    return df


def _assessment_frame(a):
    columns = {
        "assessment_id": _id_col("assessment", a["assessment_num"]),
        "child_id": _id_col("child", a["child_num"]),
        "assessment_date": _date_col(a["date"]),
    }
    for flag in ASSESSMENT_FLAG_RATES:
        columns[flag] = _code_col(a[flag], ["", "N", "Y"])
    return _frame(columns | {"_key": a["assessment_num"].to_numpy(), "_date": a["date"].to_numpy()})


# ======================================================================================
# Schools: pupils, exclusions, pupil link
# ======================================================================================


def _term_days(year: int):
    """Weekdays in the terms of academic year `year`/`year+1` and a weight for each (closures)."""
    spans = [
        ((year, 9, 3), (year, 10, 23)),
        ((year, 11, 2), (year, 12, 19)),
        ((year + 1, 1, 5), (year + 1, 2, 13)),
        ((year + 1, 2, 23), (year + 1, 3, 31)),
        ((year + 1, 4, 16), (year + 1, 5, 22)),
        ((year + 1, 6, 2), (year + 1, 7, 21)),
    ]
    days = np.concatenate(
        [np.arange(_day(f"{a[0]}-{a[1]:02d}-{a[2]:02d}"), _day(f"{b[0]}-{b[1]:02d}-{b[2]:02d}") + 1) for a, b in spans]
    )
    days = days[((days + 3) % 7) < 5]  # 1970-01-01 was a Thursday: (d + 3) % 7 is 0 on Mondays
    w = np.ones(len(days))
    for lo, hi, f in COVID_CLOSURES:
        w[(days >= _day(lo)) & (days <= _day(hi))] = f
    return days, w / w.sum()


def _schools(rng, scale, ed, ch, send):
    ey, em, _ = _ymd(np.array([ed]))
    last_year = int(ey[0] - (em[0] < 9))
    years = np.arange(FIRST_ACADEMIC_YEAR, last_year + 1)
    c_lo, c_hi = FIRST_ACADEMIC_YEAR - 13, last_year - 3  # reception cohorts seen in Years 3 to 13

    # --- YJS children as pupils -------------------------------------------------------------
    cdob = ch["dob"].to_numpy()
    ccoh = _reception_year(cdob)
    csex = ch["sex"].to_numpy()
    eligible = (csex != 9) & (ccoh >= c_lo) & (ccoh <= c_hi)
    u = rng.random(len(ch))
    has_pupil = eligible & (u < 0.95)
    linked = eligible & (u < 0.90)
    yi = np.flatnonzero(has_pupil)
    ny = len(yi)
    # SEND periods by child, for the census SEN provision
    cn = ch["child_num"].to_numpy()
    pos = pd.Series(np.arange(len(ch)), index=cn)
    big = 10**7
    e_start = np.full(len(ch), big)
    e_end = np.full(len(ch), big)
    s_start = np.full(len(ch), big)
    s_end = np.full(len(ch), big)
    for status, st, en in (("EHCP", e_start, e_end), ("SEN_SUPPORT", s_start, s_end)):
        rows = send[send["status"] == status]
        # each child has at most one period of each status
        idx = pos[rows["child_num"].to_numpy()].to_numpy()
        st[idx] = rows["start"].to_numpy()
        en[idx] = np.where(rows["open"].to_numpy(), big, rows["end"].to_numpy())
    ever_ehcp = e_start < big

    # --- general pupils --------------------------------------------------------------------
    cohorts = np.arange(c_lo, c_hi + 1)
    yjs_per_cohort = np.bincount(ccoh[yi] - c_lo, minlength=len(cohorts))
    size = np.round(
        PUPILS_PER_YEAR_GROUP * scale * (1 + 0.006 * (cohorts - 2014)) * rng.normal(1, 0.015, len(cohorts))
    ).astype(np.int64)
    size = np.maximum(size - yjs_per_cohort, 0)
    ng = int(size.sum())
    g_coh = np.repeat(cohorts, size)
    npup = ng + ny
    coh = np.concatenate([g_coh, ccoh[yi]])
    is_yjs = np.r_[np.zeros(ng, bool), np.ones(ny, bool)]
    yjs_child = np.r_[np.full(ng, -1), yi]  # row in ch
    male = np.concatenate([rng.random(ng) < 0.511, csex[yi] == 1])
    eth = np.concatenate([_ethnicity(rng, ng, None, PUPIL_UNKNOWN_ETHNICITY), ch["eth"].to_numpy()[yi]])
    sen_u = rng.random(npup)
    special = np.where(
        is_yjs, np.r_[np.zeros(ng, bool), ever_ehcp[yi]] & (rng.random(npup) < 0.2), sen_u < SPECIAL_SHARE
    )
    frailty = rng.lognormal(-0.32, 0.8, npup)  # mean about 1
    offender_yjs = np.r_[np.zeros(ng, bool), ch["offender"].to_numpy()[yi]]
    yjs_mult = np.where(offender_yjs, 10.0, np.where(is_yjs, 5.0, 1.0))

    first = np.maximum(years[0], coh + 3)
    last = np.minimum(years[-1], coh + 13)
    stay12 = np.where(is_yjs, YJS_SIXTH_FORM_STAY[0], SIXTH_FORM_STAY[0])
    stay13 = np.where(is_yjs, YJS_SIXTH_FORM_STAY[1], SIXTH_FORM_STAY[1])
    s12 = rng.random(npup) < stay12
    s13 = s12 & (rng.random(npup) < stay13)
    last = np.where(s12, np.where(s13, last, np.minimum(last, coh + 12)), np.minimum(last, coh + 11))
    join = (rng.random(npup) < 0.07) & (last > first)
    first = np.where(join, first + np.floor(rng.random(npup) * (last - first + 1)).astype(np.int64), first)
    leave = (rng.random(npup) < 0.05) & (last > first) & ~is_yjs
    last = np.where(leave, first + np.floor(rng.random(npup) * (last - first + 1)).astype(np.int64), last)
    nyears = np.maximum(last - first + 1, 0)
    # a YJS child is linked only to a pupil who is in at least one census
    linked[yi] &= nyears[ng:] > 0

    # alternative provision: a few pupils move to AP for the rest of Years 7 to 11
    p_ap = np.minimum(0.009 * yjs_mult**1.2 * np.minimum(frailty, 4), 0.6) * ~special
    ap = rng.random(npup) < p_ap
    ap_from = rng.choice(np.arange(5, 12), npup, p=np.array([1, 2, 5, 8, 9, 7, 4]) / 36)

    # schools
    n_sch = {ph: max(1 if ph in ("SPECIAL", "AP") else 2, int(round(k * scale))) for ph, k in SCHOOLS.items()}
    sch_offset, off_ = {}, 0
    for ph in SCHOOLS:
        sch_offset[ph] = off_
        off_ += n_sch[ph]
    school_num = rng.permutation(off_) + 101  # school ids S00101 upwards, shuffled
    sch_weights = {ph: rng.lognormal(0, 0.45, n_sch[ph]) for ph in SCHOOLS}
    pick = {
        ph: rng.choice(n_sch[ph], npup, p=sch_weights[ph] / sch_weights[ph].sum()) + sch_offset[ph] for ph in SCHOOLS
    }

    # pupil numbers: shuffled, so YJS pupils are not told apart by their ids
    pnum = rng.permutation(npup) + 1
    order = np.argsort(pnum)
    # pupil-years, laid out in pupil-number order then year (compact types: there are millions)
    ny_o = nyears[order]
    k, _ = _within(ny_o)
    pr = np.repeat(order, ny_o).astype(np.int32)  # pupil row for each pupil-year
    year = (first[pr] + k).astype(np.int16)
    del k
    nc = (year - coh[pr]).astype(np.int8)
    phase = np.where(nc <= 6, 0, 1).astype(np.int8)  # PRIMARY, SECONDARY
    phase[ap[pr] & (nc >= ap_from[pr]) & (nc <= 11)] = 3
    phase[special[pr]] = 2
    phases = list(SCHOOLS)
    picks = np.stack([pick[ph] for ph in phases]).astype(np.int32)
    school = picks[phase, pr]
    del picks
    # SEN provision: a fixed latent need, so E and K change only as the rates change with NC year
    e_cut = (SPECIAL_SHARE + 0.022 + 0.0015 * np.clip(np.arange(15) - 3, 0, 8)).astype(np.float32)
    k_cut = e_cut + np.where(np.arange(15) <= 6, 0.145, 0.125).astype(np.float32)
    uu = sen_u.astype(np.float32)[pr]
    sen = np.full(len(pr), 2, dtype=np.int8)
    sen[uu < k_cut[nc]] = 1
    sen[uu < e_cut[nc]] = 0
    del uu
    sen[special[pr]] = 0
    yrow = np.flatnonzero(is_yjs[pr])
    if len(yrow):
        child_row = yjs_child[pr[yrow]]
        census = np.array([_day(f"{y + 1}-01-16") for y in range(1990, 2100)])[year[yrow] - 1990]
        e_on = (e_start[child_row] <= census) & (census <= e_end[child_row])
        s_on = (s_start[child_row] <= census) & (census <= s_end[child_row])
        ysen = np.where(e_on, 0, np.where(s_on, 1, 2))
        ysen[special[pr[yrow]]] = 0
        sen[yrow] = ysen

    pupils = {
        "pupil_num": np.repeat(np.arange(1, npup + 1, dtype=np.int32), ny_o),
        "year": year,
        "nc": nc,
        "phase": phase,
        "school": school_num.astype(np.int32)[school],
        "male": male[pr],
        "eth": eth.astype(np.int8)[pr],
        "sen": sen,
        "school_universe": school_num,
    }

    # --- exclusions --------------------------------------------------------------------------
    f32 = np.float32
    lam = np.array([SUSPENSION_BASE.get(i, 0.0) for i in range(15)], dtype=f32)[nc]
    lam *= np.array([YEAR_FACTOR.get(y, YEAR_FACTOR[max(YEAR_FACTOR)]) for y in range(1990, 2100)], dtype=f32)[
        year - 1990
    ]
    lam *= np.where(male, f32(1.45), f32(0.5))[pr]
    lam *= np.array([2.0, 2.2, 0.8], dtype=f32)[sen]
    lam *= np.array([1.0, 1.0, 0.5, 0.8], dtype=f32)[phase]
    lam *= (frailty * yjs_mult).astype(f32)[pr]
    p_any = -np.expm1(-lam)
    del lam
    hit = np.flatnonzero(rng.random(len(pr), dtype=f32) < p_any)
    del p_any
    mu = 1.3 * np.where(is_yjs[pr[hit]], 2.2, 1.0) * np.minimum(frailty[pr[hit]], 3) ** 0.3
    nb_n = 1.2
    n_susp = 1 + rng.negative_binomial(nb_n, nb_n / (nb_n + mu))
    p_perm = (
        0.015
        * (n_susp / 2.4) ** 0.8
        * np.where(is_yjs[pr[hit]], 5.0, 1.0)
        * np.array([1.0, 1.0, 0.3, 0.4])[phase[hit]]
        * (nc[hit] >= 1)
    )
    perm = rng.random(len(hit)) < np.minimum(p_perm, 0.9)
    n_rows = n_susp + perm
    kx, _ = _within(n_rows)
    py = np.repeat(hit, n_rows)  # pupil-year row
    is_perm = np.repeat(perm, n_rows) & (kx == np.repeat(n_rows, n_rows) - 1)
    x_date = np.zeros(len(py), dtype=np.int64)
    hit_year = year[hit]
    row_hit = np.repeat(np.arange(len(hit)), n_rows)
    for y in np.unique(hit_year):
        days, w = _term_days(int(y))
        cw = np.cumsum(w)
        cw[-1] = 1.0
        # a permanent exclusion's day first; the pupil's suspensions fall before it
        h = np.flatnonzero(hit_year == y)
        perm_pos = np.minimum(np.searchsorted(cw, rng.random(len(h)), side="right"), len(days) - 1)
        limit = np.ones(len(hit))
        limit[h] = np.where(perm[h], cw[perm_pos], 1.0)
        m = np.flatnonzero(year[py] == y)
        pos = np.minimum(np.searchsorted(cw, rng.random(len(m)) * limit[row_hit[m]], side="right"), len(days) - 1)
        x_date[m] = days[pos]
        ppos = np.zeros(len(hit), dtype=np.int64)
        ppos[h] = perm_pos
        mp = m[is_perm[m]]
        x_date[mp] = days[ppos[row_hit[mp]]]
    # each pupil-year's exclusions in date order, a permanent exclusion last
    o = np.lexsort((is_perm, x_date, py))
    py, x_date, is_perm = py[o], x_date[o], is_perm[o]
    lnch = ~is_perm & (rng.random(len(py)) < 0.02)
    cat = np.where(is_perm, 1, np.where(lnch, 2, 0))  # FIXD, PERM, LNCH
    s_idx, s_keys = _choice(rng, SESSIONS, len(py))
    sessions = np.array(s_keys)[s_idx]
    sessions = np.where(lnch, 1, sessions)
    sessions = np.where(
        is_perm, rng.integers(6, 31, len(py)), sessions
    )  # drawn (keeps later draws), blanked on writing
    reason_keys = list(codes.EXCLUSION_REASONS)
    ri, rk = _choice(rng, SUSPENSION_REASONS, len(py))
    pi, pk = _choice(rng, PERM_REASONS, len(py))
    reason = np.where(
        is_perm, np.array([reason_keys.index(c) for c in pk])[pi], np.array([reason_keys.index(c) for c in rk])[ri]
    )
    covid_year = np.isin(year[py], (2020, 2021))
    reason = np.where(
        (reason == reason_keys.index("public_health")) & ~covid_year, reason_keys.index("persistent_disruptive"), reason
    )
    post_keys = list(POST_EXCLUSION)
    qi, _ = _choice(rng, POST_EXCLUSION, len(py))
    post = np.where(is_perm, qi, post_keys.index(""))
    x_school = school[py]
    # now and then the first exclusion of a pupil-year is from another school (the pupil moved)
    moved = (np.r_[True, py[1:] != py[:-1]]) & (rng.random(len(py)) < 0.03) & np.r_[py[1:] == py[:-1], False]
    ph = phase[py]
    lo = np.array([sch_offset[p] for p in phases])[ph]
    cnt = np.array([n_sch[p] for p in phases])[ph]
    other = lo + (x_school - lo + 1 + np.floor(rng.random(len(py)) * np.maximum(cnt - 1, 1)).astype(np.int64)) % cnt
    x_school = np.where(moved & (cnt > 1), other, x_school)
    keep = x_date <= ed
    o = np.lexsort((pupils["pupil_num"][py], x_date))
    o = o[keep[o]]
    excl = {
        "date": x_date[o],
        "pupil_num": pupils["pupil_num"][py][o],
        "school": school_num[x_school][o],
        "cat": cat[o],
        "sessions": sessions[o],
        "reason": reason[o],
        "nc": nc[py][o],
        "post": post[o],
    }
    excl["exclusion_num"] = np.arange(1, len(o) + 1)

    link = pd.DataFrame({"child_num": cn[yi][linked[yi]], "pupil_num": pnum[ng:][linked[yi]]})
    # linkage errors (no contract rule catches them): now and then a child the matching missed is linked to
    # another child's pupil record, so that pupil has two children (drawn last, so nothing else changes)
    spare = np.flatnonzero(eligible & ~linked)
    n_err = min(len(spare), len(link), int(rng.poisson(LINK_ERROR_RATE * len(link))))
    wrong = rng.choice(spare, size=n_err, replace=False)
    target = rng.choice(len(link), size=n_err, replace=False)
    linked[wrong] = True
    link = pd.concat([link, pd.DataFrame({"child_num": cn[wrong], "pupil_num": link["pupil_num"].to_numpy()[target]})])
    link = link.sort_values("child_num").reset_index(drop=True)
    unlinked_children = np.sort(cn[~linked])
    return pupils, excl, link, unlinked_children, phases, post_keys


# ======================================================================================
# Formatting, bad rows and writing
# ======================================================================================


def _frames(yj, care, send, pupils, excl, link, phases, post_keys):
    """Contract-shaped frames (categorical text columns) with a numeric sort key `_key`."""
    f = {}
    ch = yj["children"]
    f["children"] = _frame(
        {
            "child_id": _id_col("child", ch["child_num"]),
            "date_of_birth": _date_col(ch["dob"]),
            "sex": _code_col(ch["sex"].map({1: 0, 2: 1, 9: 2}), ["1", "2", "9"]),
            "ethnicity": pd.Categorical.from_codes(ch["eth"].to_numpy(), categories=_cats(ETH_CODES)),
            "_key": ch["child_num"].to_numpy(),
        }
    )
    off = yj["offences"]
    cats = list(codes.OFFENCE_CATEGORIES)
    f["offences"] = _frame(
        {
            "offence_id": _id_col("offence", off["offence_num"]),
            "child_id": _id_col("child", off["child_num"]),
            "offence_date": _date_col(off["date"]),
            "offence_category": _code_col(off["category"].map(cats.index), cats),
            "seriousness_score": _int_col(off["score"], off["score_blank"]),
            "_key": off["offence_num"].to_numpy(),
            "_date": off["date"].to_numpy(),
        }
    )
    out = yj["outcomes"]
    lo = list(codes.LEGAL_OUTCOMES)
    f["outcomes"] = _frame(
        {
            "outcome_id": _id_col("outcome", out["outcome_num"]),
            "offence_id": _id_col("offence", out["offence_num"]),
            "child_id": _id_col("child", out["child_num"]),
            "outcome_date": _date_col(out["outcome_date"]),
            "legal_outcome": _code_col(out["legal_outcome"].map(lo.index), lo),
            "residence": _code_col(out["other"].astype(int), ["LOCAL", "OTHER"]),
            "_key": out["outcome_num"].to_numpy(),
            "_date": out["date"].to_numpy(),  # the offence date
        }
    )
    ep = yj["caseload"]
    et = list(codes.EPISODE_TYPES)
    f["caseload"] = _frame(
        {
            "episode_id": _id_col("episode", ep["episode_num"]),
            "child_id": _id_col("child", ep["child_num"]),
            "start_date": _date_col(ep["start"]),
            "end_date": _date_col(ep["end"], ep["open"]),
            "episode_type": _code_col(ep["type"].map(et.index), et),
            "_key": ep["episode_num"].to_numpy(),
            "_date": ep["start"].to_numpy(),
        }
    )
    rm = yj["remands"]
    rt = list(codes.REMAND_TYPES)
    f["remands"] = _frame(
        {
            "remand_id": _id_col("remand", rm["remand_num"]),
            "child_id": _id_col("child", rm["child_num"]),
            "start_date": _date_col(rm["start"]),
            "end_date": _date_col(rm["end"], rm["open"]),
            "remand_type": _code_col(rm["type"].map(rt.index), rt),
            "_key": rm["remand_num"].to_numpy(),
            "_date": rm["start"].to_numpy(),
        }
    )
    f["care_episodes"] = _frame(
        {
            "care_episode_id": _id_col("care", care["care_num"]),
            "child_id": _id_col("child", care["child_num"]),
            "start_date": _date_col(care["start"]),
            "end_date": _date_col(care["end"], care["open"]),
            "placed_by_other_authority": _code_col(care["other"].astype(int), ["N", "Y"]),
            "_key": care["care_num"].to_numpy(),
            "_date": care["start"].to_numpy(),
        }
    )
    f["send"] = _frame(
        {
            "send_id": _id_col("send", send["send_num"]),
            "child_id": _id_col("child", send["child_num"]),
            "start_date": _date_col(send["start"]),
            "end_date": _date_col(send["end"], send["open"]),
            "send_status": _code_col((send["status"] == "SEN_SUPPORT").astype(int), ["EHCP", "SEN_SUPPORT"]),
            "_key": send["send_num"].to_numpy(),
            "_date": send["start"].to_numpy(),
        }
    )
    years = np.unique(pupils["year"])
    year_labels = [f"{y}/{(y + 1) % 100:02d}" for y in years]
    max_pupil = int(pupils["pupil_num"].max())
    school_nums = pupils["school_universe"]
    # pupil ids: the rows are in pupil-number order, and every number 1..max occurs
    pid = pd.Categorical.from_codes(
        pupils["pupil_num"] - 1, categories=_cats(_fmt_ids("pupil", np.arange(1, max_pupil + 1)))
    )
    f["pupils"] = _frame(
        {
            "pupil_id": pid,
            "academic_year": pd.Categorical.from_codes(pupils["year"] - years[0], categories=_cats(year_labels)),
            "school_id": _small_id_col("school", pupils["school"], school_nums),
            "phase": pd.Categorical.from_codes(pupils["phase"], categories=_cats(phases)),
            "nc_year": _int_col(pupils["nc"]),
            "sex": pd.Categorical.from_codes((~pupils["male"]).astype(np.int8), categories=_cats(["M", "F"])),
            "ethnicity": pd.Categorical.from_codes(pupils["eth"], categories=_cats(ETH_CODES)),
            "sen_provision": pd.Categorical.from_codes(pupils["sen"], categories=_cats(["E", "K", "N"])),
            "_key": pupils["pupil_num"].astype(np.int64) * 64 + (pupils["year"] - 1990),
        }
    )
    f["exclusions"] = _frame(
        {
            "exclusion_id": _id_col("exclusion", excl["exclusion_num"]),
            "pupil_id": _id_col("pupil", excl["pupil_num"]),
            "school_id": _small_id_col("school", excl["school"], school_nums),
            "category": pd.Categorical.from_codes(excl["cat"], categories=_cats(["FIXD", "PERM", "LNCH"])),
            "start_date": _date_col(excl["date"]),
            "sessions": _int_col(excl["sessions"], excl["cat"] == 1),  # blank for permanent exclusions
            "reason": pd.Categorical.from_codes(excl["reason"], categories=_cats(list(codes.EXCLUSION_REASONS))),
            "nc_year": _int_col(excl["nc"]),
            "post_exclusion_provision": _code_col(excl["post"], post_keys),
            "_key": excl["exclusion_num"],
        }
    )
    f["pupil_link"] = _frame(
        {
            "child_id": _id_col("child", link["child_num"]),
            "pupil_id": _id_col("pupil", link["pupil_num"]),
            "_key": link["child_num"].to_numpy(),
        }
    )
    return f


def _frame(columns: dict) -> pd.DataFrame:
    return pd.DataFrame(columns, copy=False)


def _fmt_day(d) -> str:
    return str(np.datetime64(int(d), "D"))


class _Bad:
    """Context for making bad rows: new and dangling identifiers."""

    def __init__(self, frames, rng):
        self.rng = rng
        self.max = {
            "child": int(frames["children"]["_key"].max()),
            "pupil": int(frames["pupils"]["_key"].max() // 64),
            "offence": int(frames["offences"]["_key"].max()),
        }

    def dangling(self, kind, n):
        base = self.max[kind] + DANGLING_OFFSET
        return list(_fmt_ids(kind, base + np.arange(n)))


def _bad_kinds(name, bad: _Bad):
    """For each case-level extract: a list of (label, keep_id, function(rows) -> rows)."""
    rng = bad.rng

    def setcol(col, values):
        def f(df):
            v = values(len(df)) if callable(values) else values
            df[col] = v
            return df

        return f

    def cycle(options):
        return lambda n: [options[i % len(options)] for i in range(n)]

    def end_before_start(df):
        starts = pd.to_datetime(df["start_date"])
        df["end_date"] = (starts - pd.to_timedelta(rng.integers(5, 60, len(df)), unit="D")).dt.strftime("%Y-%m-%d")
        return df

    def shift_date(col, days):
        def f(df):
            d = pd.to_datetime(df[col]) + pd.Timedelta(days=days)
            df[col] = d.dt.strftime("%Y-%m-%d")
            return df

        return f

    def outcome_before_offence(df):
        d = df["_date"].to_numpy() - rng.integers(3, 40, len(df))
        df["outcome_date"] = [_fmt_day(x) for x in d]
        return df

    dangling_child = lambda n: bad.dangling("child", n)
    dangling_pupil = lambda n: bad.dangling("pupil", n)
    bad_dates = cycle(["31/02/2023", "not a date", "2099-01-01"])
    kinds = {
        "children": [
            ("unknown ethnicity", False, setcol("ethnicity", "XXXX")),
            ("impossible date of birth", False, setcol("date_of_birth", cycle(["31/02/2009", "not a date"]))),
            ("blank sex", False, setcol("sex", None)),
            ("duplicate child_id", True, shift_date("date_of_birth", 400)),
        ],
        "offences": [
            ("seriousness 9", False, setcol("seriousness_score", 9)),
            ("unknown category", False, setcol("offence_category", "SHOPLIFTING")),
            ("impossible offence date", False, setcol("offence_date", bad_dates)),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("blank category", False, setcol("offence_category", None)),
            ("duplicate offence_id", True, shift_date("offence_date", -3)),
        ],
        "outcomes": [
            ("unknown legal outcome", False, setcol("legal_outcome", cycle(["CAUTION_OLD", "REPRIMAND"]))),
            ("outcome before offence", False, outcome_before_offence),
            ("unknown offence", False, setcol("offence_id", lambda n: bad.dangling("offence", n))),
            ("blank residence", False, setcol("residence", None)),
            ("impossible outcome date", False, setcol("outcome_date", bad_dates)),
            ("duplicate outcome_id", True, setcol("residence", "OTHER")),
        ],
        "caseload": [
            ("end before start", False, end_before_start),
            ("unknown episode type", False, setcol("episode_type", "ASSET_ONLY")),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("impossible start date", False, setcol("start_date", cycle(["not a date", "31/02/2023"]))),
            ("duplicate episode_id", True, shift_date("start_date", -7)),
        ],
        "remands": [
            ("end before start", False, end_before_start),
            ("unknown remand type", False, setcol("remand_type", "SECURE_CHILDRENS_HOME")),
            ("unknown child", False, setcol("child_id", dangling_child)),
        ],
        "care_episodes": [
            ("unknown code", False, setcol("placed_by_other_authority", "U")),
            ("end before start", False, end_before_start),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("duplicate care_episode_id", True, setcol("placed_by_other_authority", "Y")),
        ],
        "send": [
            ("unknown status", False, setcol("send_status", "STATEMENT")),
            ("end before start", False, end_before_start),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("impossible start date", False, setcol("start_date", cycle(["31/02/2023", "not a date"]))),
        ],
        "assessments": [
            ("unknown flag", False, setcol("concerns_mental_health", "U")),
            ("impossible assessment date", False, setcol("assessment_date", bad_dates)),
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("blank assessment date", False, setcol("assessment_date", None)),
            ("duplicate assessment_id", True, setcol("neet", "Y")),
        ],
        "pupils": [
            ("unknown ethnicity", False, setcol("ethnicity", "XXXX")),
            ("unknown SEN provision", False, setcol("sen_provision", "S")),
            ("nc_year 15", False, setcol("nc_year", 15)),
            ("unknown sex", False, setcol("sex", "U")),
            ("blank school", False, setcol("school_id", None)),
            ("duplicate pupil and year", True, setcol("sen_provision", "K")),
        ],
        "exclusions": [
            ("sessions 0", False, setcol("sessions", 0)),
            ("unknown category", False, setcol("category", "INTERNAL")),
            ("unknown pupil", False, setcol("pupil_id", dangling_pupil)),
            ("impossible start date", False, setcol("start_date", cycle(["2099-01-01", "31/02/2023", "not a date"]))),
            ("blank reason", False, setcol("reason", None)),
            ("duplicate exclusion_id", True, setcol("sessions", 2)),
        ],
        "pupil_link": [
            ("unknown child", False, setcol("child_id", dangling_child)),
            ("unknown pupil", False, None),  # made in _add_bad_rows
            ("duplicate child_id", True, None),  # made in _add_bad_rows
        ],
    }
    return kinds[name]


def _extend_categories(cats: pd.Index, values: list):
    """Codes of values (None for blank) in cats, adding the values cats lacks.

    Scans cats once instead of hashing it: cats may hold millions of pupil ids."""
    wanted = sorted({v for v in values if v is not None})
    pos = np.flatnonzero(cats.isin(wanted))
    found = dict(zip(cats[pos], pos))
    new = [v for v in wanted if v not in found]
    found.update({v: len(cats) + i for i, v in enumerate(new)})
    if new:
        cats = cats.append(_cats(new))
    return cats, np.array([found[v] if v is not None else -1 for v in values], dtype=np.int64)


ID_KIND = {
    "children": "child",
    "offences": "offence",
    "outcomes": "outcome",
    "caseload": "episode",
    "remands": "remand",
    "care_episodes": "care",
    "send": "send",
    "pupils": "pupil",
    "exclusions": "exclusion",
    "assessments": "assessment",
}


def _is_masked_int(dtype) -> bool:
    return pd.api.types.is_integer_dtype(dtype) and isinstance(dtype, pd.api.extensions.ExtensionDtype)


def _add_bad_rows(name, df, bad: _Bad, unlinked_children, rate=BAD_ROW_RATE):
    """df with about `rate` of its rows (at least one) added as spoiled copies of random rows."""
    n = len(df)
    if n == 0:
        return df
    id_col = contract.EXTRACTS[name].columns[0].name
    kinds = _bad_kinds(name, bad)
    nb = max(1, int(round(rate * n)))
    src = np.sort(bad.rng.choice(n, size=nb, replace=nb > n))
    rows = df.iloc[src].reset_index(drop=True)
    rows = rows.astype(
        {
            c: object
            for c in rows.columns
            if isinstance(rows[c].dtype, pd.CategoricalDtype) or _is_masked_int(rows[c].dtype)
        }
    )
    which = np.arange(nb) % len(kinds)
    parts = []
    next_num = (bad.max["pupil"] if name == "pupils" else int(df["_key"].max())) + 1
    for j, (label, keep_id, spoil) in enumerate(kinds):
        part = rows[which == j].copy()
        if part.empty:
            continue
        if name == "pupil_link":
            if label == "unknown child":
                part = spoil(part)
                part["_key"] = bad.max["child"] + DANGLING_OFFSET + np.arange(len(part))
            elif label == "unknown pupil":  # a real child without a link, linked to a pupil that does not exist
                kids = unlinked_children[: len(part)]
                part = part.iloc[: len(kids)].copy()
                part["child_id"] = list(_fmt_ids("child", kids))
                part["pupil_id"] = bad.dangling("pupil", len(part))
                part["_key"] = kids
            else:  # a linked child linked to a second pupil
                part["pupil_id"] = list(df["pupil_id"].to_numpy()[(src[which == j] + 1) % n])
            parts.append(part)
            continue
        part = spoil(part)
        if not keep_id:  # a new identifier, after the largest one
            nums = next_num + np.arange(len(part))
            next_num += len(part)
            part[id_col] = list(_fmt_ids(ID_KIND[name], nums))
            part["_key"] = nums * 64 + part["_key"].to_numpy() % 64 if name == "pupils" else nums
        parts.append(part)
    badf = pd.concat(parts, ignore_index=True)
    badf = badf.iloc[np.argsort(badf["_key"].to_numpy(), kind="stable")].reset_index(drop=True)
    # insert each bad row after the rows with the same or a smaller key (df is sorted by key)
    key = df["_key"].to_numpy()
    assert bool((key[1:] >= key[:-1]).all()), name
    pos = np.searchsorted(key, badf["_key"].to_numpy(), side="right")
    cols = {}
    for c in df.columns:
        a, b = df[c], badf[c]
        if isinstance(a.dtype, pd.CategoricalDtype):
            cats, b_codes = _extend_categories(a.cat.categories, list(b.astype(object).where(b.notna(), None)))
            a_codes = a.cat.codes.to_numpy()
            if len(cats) > np.iinfo(a_codes.dtype).max:
                a_codes = a_codes.astype(np.int64)
            cols[c] = pd.Categorical.from_codes(np.insert(a_codes, pos, b_codes), categories=cats)
        elif _is_masked_int(a.dtype):
            b_mask = b.isna().to_numpy()
            b_vals = np.array([0 if m else int(v) for v, m in zip(b, b_mask)], dtype=np.int64)
            vals = np.insert(a.to_numpy(dtype=a.dtype.numpy_dtype, na_value=0), pos, b_vals.astype(a.dtype.numpy_dtype))
            mask = np.insert(a.isna().to_numpy(), pos, b_mask)
            cols[c] = pd.arrays.IntegerArray(vals, mask)
        else:
            cols[c] = np.insert(a.to_numpy(), pos, b.to_numpy().astype(a.to_numpy().dtype))
    return _frame(cols)


def _arrow_slicer(series: pd.Series):
    """A function (start, stop) -> pyarrow array of those rows, without converting the whole column."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes_ = series.cat.codes.to_numpy()
        cats = series.cat.categories
        if hasattr(cats.array, "__arrow_array__"):
            dictionary = pa.array(cats.array)
        else:
            dictionary = pa.array(cats.to_numpy(dtype=object), type=pa.string())
        if isinstance(dictionary, pa.ChunkedArray):
            dictionary = dictionary.combine_chunks()
        return lambda i, j: dictionary.take(pa.array(codes_[i:j], mask=codes_[i:j] < 0))
    if _is_masked_int(dtype):
        values = series.to_numpy(dtype=dtype.numpy_dtype, na_value=0)
        mask = series.isna().to_numpy()
        return lambda i, j: pa.array(values[i:j], mask=mask[i:j])
    if pd.api.types.is_integer_dtype(dtype):
        values = series.to_numpy()
        return lambda i, j: pa.array(values[i:j])
    column = pa.array(series.to_numpy(dtype=object), from_pandas=True)
    return lambda i, j: column.slice(i, j - i)


def write_csv(df: pd.DataFrame, path: Path, engine: str = "auto", batch_rows: int = 1_000_000) -> None:
    """Write df exactly as `df.to_csv(path, index=False, lineterminator="\\n")` would.

    Large tables go through pyarrow, a batch of rows at a time: much faster, and the
    bytes are the same as long as no value needs quoting, which holds for codes, ids,
    dates and integers (a value that does need quoting sends the table to pandas)."""
    if engine == "pandas" or (engine == "auto" and len(df) < ARROW_WRITE_MIN_ROWS):
        df.to_csv(path, index=False, lineterminator="\n")
        return
    names = [str(c) for c in df.columns]
    slicers = [_arrow_slicer(df[c]) for c in df.columns]
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    try:
        with open(path, "wb") as fh:
            fh.write((",".join(names) + "\n").encode())
            for i in range(0, len(df), batch_rows):
                j = min(i + batch_rows, len(df))
                batch = pa.RecordBatch.from_arrays([f(i, j) for f in slicers], names=names)
                pacsv.write_csv(batch, fh, options)
    except pa.ArrowInvalid:  # a value needs quoting: let pandas do it
        df.to_csv(path, index=False, lineterminator="\n")


# ======================================================================================
# Entry point
# ======================================================================================

OWN_STREAMS = ("assessments",)  # extracts generated (and spoiled) from their own random streams


def generate(
    out_dir: Path,
    *,
    scale: float = 1.0,
    seed: int = 20260331,
    extract_date: str = "2026-04-20",
    area_name: str = "Demo borough (synthetic data)",
    bad_rows: bool = True,
) -> dict[str, int]:
    """Write a synthetic extract (every file of the contract) to out_dir; return rows per file."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ed = _day(extract_date)
    start = _day(HISTORY_START)
    if ed <= start + 365:
        raise ValueError(f"extract_date must be after {HISTORY_START} by more than a year")

    def stream(i):
        return np.random.default_rng([seed, i])

    population = _population(stream(1), scale)
    yj = _youth_justice(stream(2), scale, start, ed)
    ch = yj["children"]
    care = _care(stream(3), ch, ed)
    send = _send(stream(4), ch, ed)
    pupils, excl, link, unlinked, phases, post_keys = _schools(stream(5), scale, ed, ch, send)
    frames = _frames(yj, care, send, pupils, excl, link, phases, post_keys)
    del pupils, excl
    if bad_rows:
        bad = _Bad(frames, stream(6))
        for name in contract.CASE_LEVEL:
            if name not in OWN_STREAMS:
                frames[name] = _add_bad_rows(name, frames[name], bad, unlinked)
    # Extracts added later draw from streams of their own, so the files above stay byte-identical.
    frames["assessments"] = _assessment_frame(_assessments(stream(8), yj, ed))
    if bad_rows:
        frames["assessments"] = _add_bad_rows("assessments", frames["assessments"], _Bad(frames, stream(9)), unlinked)
    frames["extract_info"] = pd.DataFrame({"field": ["area_name", "extract_date"], "value": [area_name, extract_date]})
    frames["population"] = population
    frames["looked_after_population"] = _looked_after_population(stream(7), population)

    counts = {}
    for name, spec in contract.EXTRACTS.items():
        cols = [c.name for c in spec.columns]
        df = frames.pop(name)[cols]
        write_csv(df, out_dir / spec.file)
        counts[name] = len(df)
        del df
    return counts
