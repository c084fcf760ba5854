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
