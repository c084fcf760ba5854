"""The numbers that shape the demo extract, in one place: how many children, offences, pupils and schools there
are at scale 1, how they split by age, sex and ethnicity, how often children offend again, are remanded, assessed,
suspended or excluded, how long things take, and what share of rows is spoiled. The volumes are shaped like
Rotherham's published figures (docs/methodology.md, Published figures the project reproduces): about 25,000
children aged 10 to 17, a few hundred youth justice outcomes a year (mostly diversion), about 50 first time
entrants a year, a caseload of 150 to 200 children in any quarter, and a borough-wide school census with
suspensions and permanent exclusions. The code that draws from these numbers is in the other modules.
"""

from __future__ import annotations

import numpy as np

from analysis.data import codes

# --- History, bad rows and the population file's labels ----------------------------------
HISTORY_START = "2019-04-01"
FIRST_ACADEMIC_YEAR = 2019  # 2019/20
BAD_ROW_RATE = 0.004
POPULATION_SOURCE = "Synthetic demo population (shaped like ONS Census 2021)"
POPULATION_VINTAGE = "2021"

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
    "accommodation": ("AC", 6),
    "ete": ("ET", 6),
    "send_aln": ("SA", 6),
    "health": ("HI", 6),
    "care_status": ("CS", 6),
    "victim_intervention": ("VI", 6),
    "victim": ("V", 6),
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
LOOKED_AFTER_RATE = 0.012  # about 120 per 10,000 children aged 10 to 17 (England's rate is about 70 for all under 18s)
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
