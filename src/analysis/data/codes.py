"""Code lists of the data contract, in the YJB case-level vocabulary.

Every code an extract may hold is listed here with the plain-English label the
reports print and, where the code list maps to a grouping (ethnic group, tier),
that grouping. `data/README.md` documents the same lists for analysts; a test
checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Sex -------------------------------------------------------------------
# YJB case-level codes (1 male, 2 female; anything else is "not known").
SEX_YJB = {"1": "Male", "2": "Female", "9": "Not known"}
# School census codes.
SEX_CENSUS = {"M": "Male", "F": "Female"}

# --- Ethnicity ---------------------------------------------------------------
# The 19 ONS 2021 categories (the 18 of 2011 plus Roma) as 4-letter codes used
# by English children's services and the school census (Arab, which the DfE
# list folds into "any other", is given OARB), plus two "not known" codes.
# Chinese is Asian, as in the 2011 and 2021 Census (under the 2001 list it
# was "Chinese or other").
ETHNIC_GROUPS = ("White", "Mixed", "Asian", "Black", "Other")
NOT_KNOWN = "Not known"

ETHNICITY = {
    # code: (label, group)
    "WBRI": ("White: English, Welsh, Scottish, Northern Irish or British", "White"),
    "WIRI": ("White: Irish", "White"),
    "WIRT": ("White: Gypsy or Irish Traveller", "White"),
    "WROM": ("White: Roma", "White"),
    "WOTH": ("White: any other White background", "White"),
    "MWBC": ("Mixed: White and Black Caribbean", "Mixed"),
    "MWBA": ("Mixed: White and Black African", "Mixed"),
    "MWAS": ("Mixed: White and Asian", "Mixed"),
    "MOTH": ("Mixed: any other Mixed or multiple background", "Mixed"),
    "AIND": ("Asian: Indian", "Asian"),
    "APKN": ("Asian: Pakistani", "Asian"),
    "ABAN": ("Asian: Bangladeshi", "Asian"),
    "CHNE": ("Asian: Chinese", "Asian"),
    "AOTH": ("Asian: any other Asian background", "Asian"),
    "BCRB": ("Black: Caribbean", "Black"),
    "BAFR": ("Black: African", "Black"),
    "BOTH": ("Black: any other Black, African or Caribbean background", "Black"),
    "OARB": ("Other: Arab", "Other"),
    "OOTH": ("Other: any other ethnic group", "Other"),
    "REFU": ("Refused", NOT_KNOWN),
    "NOBT": ("Information not yet obtained", NOT_KNOWN),
}


def ethnic_group(code: str | None) -> str:
    """The five-group label of a detailed code; blank or unknown-status codes are 'Not known'."""
    if code is None or code == "" or code != code:  # None, blank or NaN
        return NOT_KNOWN
    return ETHNICITY[code][1]


# --- Tiers and legal outcomes -------------------------------------------------
# Outcome tiers in increasing seriousness. "Substantive" outcomes (a youth
# caution, youth conditional caution or court sentence) are the last four.
TIERS = ("Diversion", "Pre-court", "First-tier", "Community", "Custody")
SUBSTANTIVE_TIERS = ("Pre-court", "First-tier", "Community", "Custody")
COURT_TIERS = ("First-tier", "Community", "Custody")

# The outcome types the plans' FTE tables use (section 8 of the 2022-23 plan).
OUTCOME_TYPES = (
    "Youth Caution",
    "Youth Conditional Caution",
    "Referral Order",
    "Youth Rehabilitation Order",
    "Detention and Training Order",
    "Section 250 or longer detention",
    "Other court outcome (discharge, fine etc.)",
    "Diversion",
)


@dataclass(frozen=True)
class LegalOutcome:
    label: str
    tier: str
    outcome_type: str
    rank: int  # seriousness within the whole list: higher is more serious

    @property
    def substantive(self) -> bool:
        return self.tier in SUBSTANTIVE_TIERS

    @property
    def court(self) -> bool:
        return self.tier in COURT_TIERS


_OUTCOMES = [
    # Diversion (non-substantive): community resolutions, Outcome 20/21/22, informal action
    ("COMMUNITY_RESOLUTION_POLICE_FACILITATED", "Community resolution (police facilitated)", "Diversion", "Diversion"),
    (
        "COMMUNITY_RESOLUTION_OTHER_AGENCY_FACILITATED",
        "Community resolution (other agency facilitated)",
        "Diversion",
        "Diversion",
    ),
    (
        "COMMUNITY_RESOLUTION_WITH_YJS_INVOLVEMENT",
        "Community resolution with YJS intervention",
        "Diversion",
        "Diversion",
    ),
    (
        "NO_FURTHER_ACTION_OUTCOME_20_21",
        "Outcome 20/21 (no further action, not in the public interest)",
        "Diversion",
        "Diversion",
    ),
    ("NO_FURTHER_ACTION_OUTCOME_22", "Outcome 22 (diversionary activity, no further action)", "Diversion", "Diversion"),
    (
        "NO_FURTHER_ACTION_OUTCOME_22_DEFERRED_PROSECUTION",
        "Outcome 22 (deferred prosecution)",
        "Diversion",
        "Diversion",
    ),
    ("YOUTH_RESTORATIVE_DISPOSAL", "Youth restorative disposal or intervention", "Diversion", "Diversion"),
    ("OTHER_INFORMAL_ACTION", "Other informal action", "Diversion", "Diversion"),
    # Pre-court (substantive)
    ("YOUTH_CAUTION", "Youth caution", "Pre-court", "Youth Caution"),
    ("YOUTH_CONDITIONAL_CAUTION", "Youth conditional caution", "Pre-court", "Youth Conditional Caution"),
    # First-tier court outcomes
    ("ABSOLUTE_DISCHARGE", "Absolute discharge", "First-tier", "Other court outcome (discharge, fine etc.)"),
    ("BIND_OVER", "Bind over", "First-tier", "Other court outcome (discharge, fine etc.)"),
    (
        "DISQUALIFICATION_FROM_DRIVING",
        "Disqualified from driving",
        "First-tier",
        "Other court outcome (discharge, fine etc.)",
    ),
    ("FINE", "Fine", "First-tier", "Other court outcome (discharge, fine etc.)"),
    ("COMPENSATION_ORDER", "Compensation order", "First-tier", "Other court outcome (discharge, fine etc.)"),
    ("CONDITIONAL_DISCHARGE", "Conditional discharge", "First-tier", "Other court outcome (discharge, fine etc.)"),
    ("DEFERRED_SENTENCE", "Deferred sentence", "First-tier", "Other court outcome (discharge, fine etc.)"),
    ("REPARATION_ORDER", "Reparation order", "First-tier", "Other court outcome (discharge, fine etc.)"),
    ("REFERRAL_ORDER", "Referral order", "First-tier", "Referral Order"),
    # Community
    ("YOUTH_REHABILITATION_ORDER", "Youth rehabilitation order", "Community", "Youth Rehabilitation Order"),
    (
        "YOUTH_REHABILITATION_ORDER_ISS",
        "Youth rehabilitation order with intensive supervision and surveillance",
        "Community",
        "Youth Rehabilitation Order",
    ),
    # Custody
    ("DETENTION_AND_TRAINING_ORDER", "Detention and training order", "Custody", "Detention and Training Order"),
    ("SECTION_250", "Section 250 detention (formerly section 91)", "Custody", "Section 250 or longer detention"),
    ("SECTION_254", "Section 254 detention for extended sentence", "Custody", "Section 250 or longer detention"),
    ("SECTION_259", "Section 259 detention for life", "Custody", "Section 250 or longer detention"),
]
LEGAL_OUTCOMES: dict[str, LegalOutcome] = {
    code: LegalOutcome(label, tier, outcome_type, rank)
    for rank, (code, label, tier, outcome_type) in enumerate(_OUTCOMES)
}
# Each code's tier, type and rank, and the substantive codes, for mapping a column of codes in one go.
OUTCOME_TIER = {code: o.tier for code, o in LEGAL_OUTCOMES.items()}
OUTCOME_TYPE = {code: o.outcome_type for code, o in LEGAL_OUTCOMES.items()}
OUTCOME_RANK = {code: o.rank for code, o in LEGAL_OUTCOMES.items()}
SUBSTANTIVE_OUTCOMES = frozenset(code for code, o in LEGAL_OUTCOMES.items() if o.substantive)

# --- Offences --------------------------------------------------------------
# YJB offence groups as published in the Youth Justice Statistics and the plans.
OFFENCE_CATEGORIES = {
    "VIOLENCE_AGAINST_THE_PERSON": "Violence against the person",
    "ROBBERY": "Robbery",
    "SEXUAL_OFFENCES": "Sexual offences",
    "DRUGS": "Drugs",
    "THEFT_AND_HANDLING": "Theft and handling stolen goods",
    "BURGLARY": "Burglary",
    "CRIMINAL_DAMAGE": "Criminal damage",
    "ARSON": "Arson",
    "PUBLIC_ORDER": "Public order",
    "RACIALLY_AGGRAVATED": "Racially aggravated",
    "FRAUD_AND_FORGERY": "Fraud and forgery",
    "MOTORING_OFFENCES": "Motoring offences",
    "VEHICLE_THEFT": "Vehicle theft or unauthorised taking",
    "DEATH_OR_INJURY_BY_DANGEROUS_DRIVING": "Death or injury by dangerous driving",
    "BREACH_OF_BAIL": "Breach of bail",
    "BREACH_OF_CONDITIONAL_DISCHARGE": "Breach of conditional discharge",
    "BREACH_OF_STATUTORY_ORDER": "Breach of statutory order",
    "OTHER": "Other",
    "NOT_KNOWN": "Not known",
}
SERIOUSNESS_MIN, SERIOUSNESS_MAX = 1, 8  # YJB seriousness (gravity) score

# --- YJS caseload episodes ------------------------------------------------------
# Episode type -> caseload tier. Caseload tiers add the YJS's own prevention
# work and bail and remand supervision to the outcome tiers.
CASELOAD_TIERS = ("Prevention", "Diversion", "Pre-court", "First-tier", "Community", "Custody", "Bail and remand")
EPISODE_TYPES = {
    "PREVENTION": ("Prevention (no offence)", "Prevention"),
    "DIVERSION": ("Diversion with YJS intervention", "Diversion"),
    "YOUTH_CAUTION": ("Youth caution with YJS intervention", "Pre-court"),
    "YOUTH_CONDITIONAL_CAUTION": ("Youth conditional caution", "Pre-court"),
    "REFERRAL_ORDER": ("Referral order", "First-tier"),
    "REPARATION_ORDER": ("Reparation order", "First-tier"),
    "YOUTH_REHABILITATION_ORDER": ("Youth rehabilitation order", "Community"),
    "YRO_ISS": ("Youth rehabilitation order with ISS", "Community"),
    "DTO_CUSTODY": ("Detention and training order (custody part)", "Custody"),
    "DTO_LICENCE": ("Detention and training order (licence part)", "Custody"),
    "SECTION_250": ("Section 250 detention", "Custody"),
    "BAIL_SUPERVISION": ("Bail supervision and support", "Bail and remand"),
    "REMAND": ("Remand", "Bail and remand"),
}

# --- Remands (YJB remandDecision) ---------------------------------------------
REMAND_TYPES = {
    "REMAND_IN_CUSTODY": ("Remand to youth detention accommodation", True),
    "COURT_ORDERED_SECURE_REMAND": ("Court-ordered secure remand", True),
    "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION": ("Remand to local authority accommodation", False),
    "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION_AND_CURFEW": (
        "Remand to local authority accommodation with curfew",
        False,
    ),
    "REMAND_TO_LOCAL_AUTHORITY_ACCOMMODATION_AND_TAG": (
        "Remand to local authority accommodation with electronic tag",
        False,
    ),
}  # code: (label, custodial)

RESIDENCE = {"LOCAL": "Lives in this YJS area", "OTHER": "Lives in another YJS area"}
YES_NO = {"Y": "Yes", "N": "No"}

# --- SEND --------------------------------------------------------------------
SEND_STATUS = {"EHCP": "Education, health and care plan", "SEN_SUPPORT": "SEN support"}
# School census SEN provision codes
SEN_PROVISION = {"E": "Education, health and care plan", "K": "SEN support", "N": "No special educational need"}

# --- AssetPlus assessments (assessments.csv): each flag column, as the plans' characteristics table names it ---
ASSESSMENT_FLAGS = {
    "concerns_substance_misuse": "Substance misuse concerns",
    "concerns_mental_health": "Mental health concerns",
    "concerns_speech_language_communication": "Speech, language and communication concerns",
    "neet": "Not in education, employment or training (NEET)",
    "children_in_need": "Child in need (now or before)",
    "child_protection_plan": "Child protection plan (now or before)",
    "exploitation_concerns": "Criminal or sexual exploitation concerns",
}

# --- Schools and exclusions (DfE school census and exclusions return) --------------
SCHOOL_PHASES = {
    "PRIMARY": "State-funded primary",
    "SECONDARY": "State-funded secondary",
    "SPECIAL": "Special",
    "AP": "Alternative provision or pupil referral unit",
}
EXCLUSION_CATEGORIES = {
    "FIXD": "Suspension",  # the return still codes suspensions FIXD (fixed period)
    "PERM": "Permanent exclusion",
    "LNCH": "Lunchtime suspension",
}
# Reason names as in the DfE open data (perm_<reason>, susp_<reason>), 2020/21 onwards.
EXCLUSION_REASONS = {
    "physical_pupils": "Physical assault against a pupil",
    "physical_adult": "Physical assault against an adult",
    "verbal_pupil": "Verbal abuse or threatening behaviour against a pupil",
    "verbal_adult": "Verbal abuse or threatening behaviour against an adult",
    "bullying": "Bullying",
    "racist_abuse": "Racist abuse",
    "abuse_sex_gender": "Abuse against sexual orientation or gender identity",
    "abuse_disability": "Abuse relating to disability",
    "sexual_misconduct": "Sexual misconduct",
    "drug_alcohol": "Drug and alcohol related",
    "damage": "Damage",
    "theft": "Theft",
    "persistent_disruptive": "Persistent disruptive behaviour",
    "media_technology": "Inappropriate use of social media or online technology",
    "offensive_weapon": "Use or threat of use of an offensive weapon or prohibited item",
    "public_health": "Wilful and repeated transgression of protective measures for public health",
    "other": "Other",
}
POST_EXCLUSION_PROVISION = {
    "PRU": "Pupil referral unit",
    "ALTERNATIVE_PROVISION": "Other alternative provision",
    "NEW_SCHOOL": "Another mainstream or special school",
    "REINSTATED": "Reinstated at the original school",
    "ELECTIVE_HOME_EDUCATION": "Elective home education",
    "NOT_IN_EDUCATION": "Not in education",
    "NOT_KNOWN": "Not known",
}

# --- Published comparators ---------------------------------------------------------
AREA_TYPES = {
    "this_yjs": "This YJS",
    "police_force_area": "Police force area",
    "yjs_family": "YJS family",
    "england_and_wales": "England and Wales",
}

# --- Optional files for the YJB key performance indicators (docs/kpi-definitions.md) ------------------------
# Codes are the YJB case-level vocabulary, so a case management extract maps one to one. Codes marked
# "unverified" were not found in the YJB's published views and are this project's proposal (decision D17).
NO_DATE = "1900-01-01"  # what the YJB's systems send for "no date"; the optional files' loader reads it as blank (D12)

SUITABILITY = {"SUITABLE": "Suitable", "UNSUITABLE": "Unsuitable", "UNKNOWN": "Not known (counted as unsuitable)"}

# accommodation.csv: YJB kpi1AccommodationType -> (label, KPI 1 group). The group is None for the types the
# recording guidance calls always unsuitable, which have no group row in the KPI return.
ACCOMMODATION_TYPES = {
    "AT_HOME": ("At home", "Living with parent(s)"),
    "LIVING_WITH_PARENT_S": ("Living with parent(s)", "Living with parent(s)"),
    "LIVING_WITH_FAMILY_NOT_PARENTS": ("Living with family (not parents)", "Living with family (not parents)"),
    "LIVING_WITH_FRIENDS": ("Living with friends", "Living with friends"),
    "FOSTER_CARE_LA": ("Foster care (local authority)", "Foster care"),
    "FOSTER_CARE_PRIVATE": ("Foster care (private)", "Foster care"),
    "RESIDENTIAL_UNIT_LA": ("Residential unit (local authority)", "Residential unit"),
    "RESIDENTIAL_UNIT_PRIVATE": ("Residential unit (private)", "Residential unit"),
    "RESIDENTIAL_UNIT_SECURE": ("Secure residential unit", "Residential unit"),
    "SUPPORTED_ACCOMMODATION_SUPPORTED_LODGINGS": (
        "Supported accommodation or supported lodgings",
        "Supported accommodation/supported lodgings",
    ),
    "INDEPENDENT_LIVING": ("Independent living", "Independent living"),
    "TEMPORARY_ACCOMMODATION": ("Temporary accommodation", "Temporary accommodation"),
    "BAIL_HOSTEL": ("Bail hostel", "Temporary accommodation"),
    "HOSPITAL": ("Hospital", "Other"),
    "TRAVELLER_SITE": ("Traveller site", "Other"),
    "YOI": ("Young offender institution", "YOI"),
    "STC": ("Secure training centre", "STC"),
    "SCH": ("Secure children's home", "SCH"),
    "BED_AND_BREAKFAST": ("Bed and breakfast (always unsuitable; code unverified)", None),
    "NO_FIXED_ABODE": ("No fixed abode (always unsuitable; code unverified)", None),
    "OTHER": ("Other", "Other"),
    "NOT_KNOWN": ("Not known (always unsuitable; code unverified)", None),
}

# ete_status.csv: YJB provisionType
ETE_PROVISION_TYPES = {
    "MAINSTREAM_SCHOOL": "Mainstream school",
    "SCHOOL_FULL_TIME": "School (full time)",
    "SCHOOL_PART_TIME": "School (part time)",
    "ELECTIVELY_HOME_EDUCATED": "Electively home educated",
    "PUPIL_REFERRAL_UNIT": "Pupil referral unit",
    "ALTERNATIVE_PROVISION": "Alternative provision",
    "ALTERNATIVE_PROVISION_PRU_FULL_TIME": "Alternative provision: PRU (full time)",
    "ALTERNATIVE_PROVISION_PRU_PART_TIME": "Alternative provision: PRU (part time)",
    "ALTERNATIVE_PROVISION_OTHER_FULL_TIME": "Alternative provision: other (full time)",
    "ALTERNATIVE_PROVISION_OTHER_PART_TIME": "Alternative provision: other (part time)",
    "ALTERNATIVE_PROVISION_ABOVE_SCHOOL_AGE": "Alternative provision (above school age)",
    "COLLEGE": "College",
    "UNIVERSITY": "University",
    "EDUCATION_RE_ENGAGEMENT_PROGRAMME": "Education re-engagement programme",
    "TRAINEESHIP": "Traineeship",
    "TRAINING_COURSE_APPRENTICESHIP": "Training course or apprenticeship",
    "SUPPORTED_INTERNSHIP": "Supported internship",
    "MENTORING_CIRCLE": "Mentoring circle",
    "EMPLOYMENT": "Employment",
    "FULL_TIME_EMPLOYMENT": "Full-time employment",
    "PART_TIME_EMPLOYMENT": "Part-time employment",
    "SELF_EMPLOYMENT": "Self-employment",
    "VOLUNTARY_WORK": "Voluntary work",
    "OTHER": "Other",
    "NONE": "Not in education, training or employment",
}
ETE_HOURS_MAX = 60  # hours a week offered or attended

# send_aln.csv: plan_type is this project's addition, for the board
SEND_PLAN_TYPES = {"EHCP": "Education, health and care plan", "SEN_SUPPORT": "SEN support plan", "OTHER": "Other"}

# health_interventions.csv: the domain, and the intervention types each domain allows (NO_INTERVENTION in both)
HEALTH_DOMAINS = {
    "MENTAL_HEALTH": "Mental health and emotional wellbeing (KPI 4)",
    "SUBSTANCE_MISUSE": "Substance misuse (KPI 5)",
}
MENTAL_HEALTH_INTERVENTIONS = {
    "GETTING_ADVICE": "Getting advice",
    "GETTING_HELP": "Getting help",
    "GETTING_ADDITIONAL_HELP": "Getting additional help",
    "GETTING_RISK_SUPPORT": "Getting risk support",
    "NO_INTERVENTION": "No intervention",
}
SUBSTANCE_MISUSE_INTERVENTIONS = {
    "TARGETED_INTERVENTION": "Targeted intervention",
    "SPECIALIST_SUBSTANCE_MISUSE_TREATMENT": "Specialist substance misuse treatment",
    "COMPLEX_CARE": "Complex care",
    "NO_INTERVENTION": "No intervention",
}
HEALTH_INTERVENTIONS_BY_DOMAIN = {
    "MENTAL_HEALTH": tuple(MENTAL_HEALTH_INTERVENTIONS),
    "SUBSTANCE_MISUSE": tuple(SUBSTANCE_MISUSE_INTERVENTIONS),
}
HEALTH_INTERVENTION_TYPES = {
    code: (label, "mental health" if code in MENTAL_HEALTH_INTERVENTIONS else "substance misuse")
    for code, label in (MENTAL_HEALTH_INTERVENTIONS | SUBSTANCE_MISUSE_INTERVENTIONS).items()
    if code != "NO_INTERVENTION"
} | {"NO_INTERVENTION": ("No intervention", "either domain")}

# care_status.csv: the KPI 7 rows (the YJB's raw status codes sit behind a lookup that is not public)
CARE_STATUSES = {
    "LOOKED_AFTER": "Looked after (currently care experienced)",
    "CHILD_PROTECTION_PLAN": "Child protection plan",
    "CHILD_IN_NEED": "Child in need",
    "EARLY_HELP_PLAN": "Early help plan (early intervention plan)",
    "EARLY_HELP_REFERRAL": "Referral to early help",
}

# victims.csv: YJB victimType (codes unverified)
VICTIM_TYPES = {"PERSON": "A person", "BUSINESS": "A business", "OTHER": "Other"}

# board_attendance.csv: the five statutory sectors (YJB return columns a to e) and OTHER, not in the headline
BOARD_SECTORS = {
    "LA_CHILDRENS_SOCIAL_CARE": "Local authority children's social care (a)",
    "LA_EDUCATION": "Local authority education (b)",
    "POLICE": "Police (c)",
    "PROBATION": "Probation (d)",
    "HEALTH": "Health (e)",
    "OTHER": "Other (not in the headline)",
}
STATUTORY_SECTORS = ("LA_CHILDRENS_SOCIAL_CARE", "LA_EDUCATION", "POLICE", "PROBATION", "HEALTH")
BOARD_ATTENDANCE = {
    "SENIOR": "A senior partner attended",
    "DELEGATED": "A delegated or non-senior partner attended",
    "NONE": "Nobody attended",
}
