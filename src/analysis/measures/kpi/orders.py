"""The KPIs' shared population: children with an order closing in the quarter (docs/kpi-definitions.md,
"The shared population").

`closing(tables, period)` returns one row per child: the child's most serious order whose episode ended in the
quarter, with these columns (dates as pandas Timestamps):

=================  ==============================================================================================
child_id           the child
episode_id         the caseload episode (the YJS programme) that closed
outcome_id         the legal outcome it delivers (episode_links.csv, or inferred: see `link_outcomes`)
offence_id         that outcome's offence
legal_outcome      that outcome's code
type_of_order      one of the keys of `TYPES`
start_date         the episode's start
end_date           the episode's end (in the quarter)
outcome_date       the outcome's date
start_point        the date "at start" is tested on: start_date, or for custody the day before custody began
date_of_birth      the child's
age_at_start       whole years on start_date (custody: on outcome_date)
sex, ethnicity     the child's codes (children.csv)
=================  ==============================================================================================

`all_closing(tables, period)` is the same before the most serious order is picked (one row per episode and
outcome; KPI 10 uses every offence of every order closing).
"""

from __future__ import annotations

# The YJB's six types of order (its `type_of_order`), in the order the KPI return lays them out, with the
# return's column prefix and the caseload episode types that deliver each.
TYPES = {
    "oocd": ("Out-of-court disposals with YJS intervention", "ns", ("DIVERSION",)),
    "youth_caution": ("Youth cautions with YJS intervention", "yjs", ("YOUTH_CAUTION",)),
    "ycc": ("Youth conditional cautions", "ycc", ("YOUTH_CONDITIONAL_CAUTION",)),
    "referral_order": ("Referral orders", "ro", ("REFERRAL_ORDER",)),
    "yro": ("Youth rehabilitation orders", "yro", ("YOUTH_REHABILITATION_ORDER", "YRO_ISS")),
    "custody": ("Custodial sentences", "cust", ("DTO_CUSTODY", "DTO_LICENCE", "SECTION_250")),
}
LABELS = {key: label for key, (label, _, _) in TYPES.items()}
EPISODE_TYPE = {episode: key for key, (_, _, episodes) in TYPES.items() for episode in episodes}
KPI_START = "2023-04-01"  # the KPIs began with orders closing from 1 April 2023

# KPI 6's six out-of-court outcomes (the YJB return's columns), with the legal outcome codes each takes. The YJB's
# codes carry a "_WITH_YJS_INVOLVEMENT" suffix the contract's do not: an outcome delivered by a YJS programme (a
# DIVERSION, YOUTH_CAUTION or YOUTH_CONDITIONAL_CAUTION episode linked to it) is "with YJS involvement" (decision
# D9). Other diversion outcomes (youth restorative disposal, other informal action) are not among the six and do
# not count in any KPI; they are counted as left out, so the analyst can check against the YJB return.
OOCD_OUTCOMES = {
    "community_resolution": (
        "Community resolution with YJS intervention",
        (
            "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT",
            "COMMUNITY_RESOLUTION_POLICE_FACILITATED",
            "COMMUNITY_RESOLUTION_OTHER_AGENCY_FACILITATED",
        ),
    ),
    "nfa_o22_yjs": ("Outcome 22 with YJS intervention", ("NO_FURTHER_ACTION_OUTCOME_22",)),
    "nfa_o22_deferred_yjs": (
        "Outcome 22 deferred prosecution with YJS intervention",
        ("NO_FURTHER_ACTION_OUTCOME_22_DEFERRED_PROSECUTION",),
    ),
    "nfa_o20_21_yjs": ("Outcome 20/21 with YJS intervention", ("NO_FURTHER_ACTION_OUTCOME_20_21",)),
    "yc_yjs": ("Youth caution with YJS intervention", ("YOUTH_CAUTION",)),
    "ycc": ("Youth conditional caution", ("YOUTH_CONDITIONAL_CAUTION",)),
}
OOCD_OUTCOME = {code: key for key, (_, codes_) in OOCD_OUTCOMES.items() for code in codes_}

# `oocd_programmes(tables, period)` returns one row per out-of-court programme (DIVERSION, YOUTH_CAUTION or
# YOUTH_CONDITIONAL_CAUTION episode) ending in the quarter, not one per child (KPI 6 keeps every programme), with
# the shared rules applied (local on the outcome date, aged 10 to 17 at the start, end date from 1 April 2023):
# child_id, episode_id, outcome_id, legal_outcome, oocd_outcome (a key of OOCD_OUTCOMES), successfully_completed
# ("Y", "N" or missing, from episode_links.csv), start_date, end_date, age_at_start, sex, ethnicity.
