"""The data contract: which files an extract holds, their columns and rules.

`data/README.md` is the analysts' copy of this module; a test in `tests/unit/test_project.py`
checks that every file and column named here is documented there.

Every extract is a CSV file with a header row, UTF-8 (a byte-order mark is
fine). Dates are written YYYY-MM-DD or DD/MM/YYYY. Blank cells are missing
values. Columns not in the contract are ignored and never reach a report, so
an extract may carry names or free text without them leaking.

Some files are optional (`Extract.optional`): the AssetPlus assessments and the
files the YJB's key performance indicators need (docs/kpi-definitions.md,
"Proposed optional input files"). A service that cannot supply one leaves it
out; the report sections that need it say it was not supplied, and every other
figure is published as usual. In the optional files a date written 1900-01-01,
the YJB systems' "no date", is read as blank (decision D12).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.data import codes


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "id", "date", "int", "code", "text"
    description: str
    required: bool = True  # must a value be present?
    codes: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None  # a regular expression the whole value must match ([0-9], not \d: any script's digits)
    pattern_hint: str = ""
    code_labels: tuple[str, ...] = ()  # what each code means, in the order of `codes`


@dataclass(frozen=True)
class Reference:
    """A column whose values must exist in another extract's column."""

    column: str
    extract: str
    target: str


@dataclass(frozen=True)
class Extract:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    # ordered (earlier, later) date pairs: a later date before the earlier one breaks a rule
    date_order: tuple[tuple[str, str], ...] = ()
    reference_data: bool = False  # a reference table rather than case-level data
    joined_rules: tuple[str, ...] = ()  # rules that join other files, in words (validation.py applies them)
    optional: bool = False  # may be left out of an extract: the sections that need it then say it was not supplied

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _label(value) -> str:
    if hasattr(value, "tier"):
        return f"{value.label} ({value.tier})"
    if isinstance(value, tuple):
        return f"{value[0]} ({value[1]})" if isinstance(value[1], str) else value[0]
    return str(value)


def _code(name, description, code_list, required=True):
    return Column(
        name,
        "code",
        description,
        required=required,
        codes=tuple(code_list),
        code_labels=tuple(_label(v) for v in code_list.values()),
    )


CHILD_ID = Column(
    "child_id", "id", "Pseudonymous child identifier from the case management system (never a name or PNC number)."
)

EXTRACTS: dict[str, Extract] = {}


def _add(extract: Extract) -> None:
    EXTRACTS[extract.name] = extract


_add(
    Extract(
        "extract_info",
        "About the extract: one row per field. Fields: area_name (the YJS or local authority), extract_date (the day the data were taken).",
        (
            Column("field", "text", "area_name or extract_date."),
            Column("value", "text", "The value of the field."),
        ),
        key=("field",),
    )
)

_add(
    Extract(
        "children",
        "One row per child known to the YJS.",
        (
            CHILD_ID,
            Column("date_of_birth", "date", "Date of birth."),
            _code("sex", "YJB sex code: 1 male, 2 female, 9 not known.", codes.SEX_YJB),
            _code(
                "ethnicity",
                "Detailed ethnicity (ONS 2021 categories as 4-letter codes; REFU refused, NOBT not obtained; blank is not known).",
                codes.ETHNICITY,
                required=False,
            ),
        ),
        key=("child_id",),
    )
)

_add(
    Extract(
        "offences",
        "One row per offence.",
        (
            Column("offence_id", "id", "Offence identifier."),
            Column("child_id", "id", "The child who committed the offence."),
            Column("offence_date", "date", "Date the offence was committed."),
            _code("offence_category", "YJB offence category.", codes.OFFENCE_CATEGORIES),
            Column(
                "seriousness_score",
                "int",
                "YJB seriousness (gravity) score, 1 (least) to 8 (most serious); blank if not scored.",
                required=False,
                minimum=codes.SERIOUSNESS_MIN,
                maximum=codes.SERIOUSNESS_MAX,
            ),
        ),
        key=("offence_id",),
        references=(Reference("child_id", "children", "child_id"),),
    )
)

_add(
    Extract(
        "outcomes",
        "One row per legal outcome of an offence (an offence may have several).",
        (
            Column("outcome_id", "id", "Outcome identifier."),
            Column("offence_id", "id", "The offence the outcome is for."),
            Column("child_id", "id", "The child (must be the offence's child)."),
            Column(
                "outcome_date",
                "date",
                "Date of the caution, conviction or other outcome: places the outcome in a period.",
            ),
            _code("legal_outcome", "YJB legal outcome code; each maps to a tier.", codes.LEGAL_OUTCOMES),
            _code(
                "residence", "Where the child lived on the outcome date: LOCAL (this YJS) or OTHER.", codes.RESIDENCE
            ),
        ),
        key=("outcome_id",),
        references=(Reference("offence_id", "offences", "offence_id"), Reference("child_id", "children", "child_id")),
    )
)

_add(
    Extract(
        "caseload",
        "One row per YJS intervention episode (order, programme or voluntary work).",
        (
            Column("episode_id", "id", "Episode identifier."),
            CHILD_ID,
            Column("start_date", "date", "Start of the episode."),
            Column("end_date", "date", "End of the episode; blank while open.", required=False),
            _code("episode_type", "Type of intervention; each maps to a caseload tier.", codes.EPISODE_TYPES),
        ),
        key=("episode_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("start_date", "end_date"),),
    )
)

_add(
    Extract(
        "remands",
        "One row per remand episode.",
        (
            Column("remand_id", "id", "Remand identifier."),
            CHILD_ID,
            Column("start_date", "date", "Start of the remand."),
            Column("end_date", "date", "End of the remand; blank while open.", required=False),
            _code("remand_type", "YJB remand decision.", codes.REMAND_TYPES),
        ),
        key=("remand_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("start_date", "end_date"),),
    )
)

_add(
    Extract(
        "care_episodes",
        "One row per period a YJS child was looked after, from children's social care.",
        (
            Column("care_episode_id", "id", "Care episode identifier."),
            CHILD_ID,
            Column("start_date", "date", "Start of the period of care."),
            Column("end_date", "date", "End of the period of care; blank while looked after.", required=False),
            _code(
                "placed_by_other_authority",
                "Y if another local authority looks after the child and placed them here.",
                codes.YES_NO,
            ),
        ),
        key=("care_episode_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("start_date", "end_date"),),
    )
)

_add(
    Extract(
        "send",
        "One row per period a YJS child had special educational needs recorded.",
        (
            Column("send_id", "id", "SEND record identifier."),
            CHILD_ID,
            Column("start_date", "date", "Start of the status."),
            Column("end_date", "date", "End of the status; blank while current.", required=False),
            _code("send_status", "EHCP (education, health and care plan) or SEN_SUPPORT.", codes.SEND_STATUS),
        ),
        key=("send_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("start_date", "end_date"),),
    )
)

_add(
    Extract(
        "assessments",
        "One row per AssetPlus assessment (or review) of a YJS child, from the case management system: the concerns and "
        "circumstances it records, each Y (yes), N (no) or blank (not recorded). Names follow the YJB's AssetPlus "
        "vocabulary. The summary report describes children on a youth conditional caution or above from their latest "
        "assessment; SEN and EHCP come from send.csv and looked-after status from care_episodes.csv.",
        (
            Column("assessment_id", "id", "Assessment identifier (AssetPlus assessmentID)."),
            CHILD_ID,
            Column("assessment_date", "date", "Date the assessment or review was completed."),
            _code(
                "concerns_substance_misuse",
                "Concerns about substance misuse (AssetPlus concernsSubstanceMisuse).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "concerns_mental_health",
                "Concerns about mental health (AssetPlus concernsMentalHealth).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "concerns_speech_language_communication",
                "Concerns about speech, language and communication (AssetPlus concernsSpeechLanguageCommunication).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "neet",
                "Not in education, employment or training at the assessment (from the AssetPlus ETE status).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "children_in_need",
                "A child in need now or at any time before (AssetPlus careChildInNeed).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "child_protection_plan",
                "On a child protection plan now or at any time before (AssetPlus careChildProtectionPlan).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "exploitation_concerns",
                "Concerns about criminal or sexual exploitation (CCE or CSE; AssetPlus exploitation flags).",
                codes.YES_NO,
                required=False,
            ),
        ),
        key=("assessment_id",),
        references=(Reference("child_id", "children", "child_id"),),
        optional=True,
    )
)

_add(
    Extract(
        "pupils",
        "Borough-wide school census: one row per pupil per academic year (spring census). Every pupil on roll in the "
        "census counts, so it is the headcount the DfE divides exclusions by.",
        (
            Column(
                "pupil_id",
                "id",
                "Pseudonymous pupil identifier (never the UPN): the same pupil keeps it in every year and in exclusions.csv.",
            ),
            Column(
                "academic_year",
                "text",
                "Academic year, written 2021/22.",
                pattern=r"[0-9]{4}/[0-9]{2}",
                pattern_hint="written like 2021/22",
            ),
            Column("school_id", "id", "School identifier."),
            _code("phase", "School phase.", codes.SCHOOL_PHASES),
            Column(
                "nc_year",
                "int",
                "National curriculum year (0 is reception): age on 31 August before the academic year, minus 4.",
                minimum=0,
                maximum=14,
            ),
            _code("sex", "School census sex: M or F.", codes.SEX_CENSUS),
            _code("ethnicity", "Detailed ethnicity, same codes as children.csv.", codes.ETHNICITY, required=False),
            _code("sen_provision", "SEN provision: E (EHC plan), K (SEN support), N (none).", codes.SEN_PROVISION),
        ),
        key=("pupil_id", "academic_year"),
    )
)

_add(
    Extract(
        "exclusions",
        "Borough-wide suspensions and permanent exclusions: one row per exclusion, as in the school census exclusions "
        "return. A pupil excluded by two schools has rows from each. LNCH lunchtime suspensions are counted separately "
        "from suspensions, as the DfE does.",
        (
            Column("exclusion_id", "id", "Exclusion identifier."),
            Column("pupil_id", "id", "The pupil excluded."),
            Column("school_id", "id", "The school that excluded."),
            _code(
                "category",
                "FIXD suspension (formerly fixed-period exclusion), PERM permanent exclusion, LNCH lunchtime suspension.",
                codes.EXCLUSION_CATEGORIES,
            ),
            Column("start_date", "date", "First day of the exclusion: places it in a term and an academic year."),
            Column(
                "sessions",
                "int",
                "Length in sessions (a session is half a school day). Give it for FIXD and LNCH (a "
                "suspension without it still counts, but adds no days lost); blank for PERM, which has no length.",
                required=False,
                minimum=1,
                maximum=90,
            ),
            _code("reason", "Main reason, as named in the DfE open data.", codes.EXCLUSION_REASONS),
            Column("nc_year", "int", "National curriculum year at the time.", minimum=0, maximum=14),
            _code(
                "post_exclusion_provision",
                "For permanent exclusions: where the pupil now receives education (blank if not recorded).",
                codes.POST_EXCLUSION_PROVISION,
                required=False,
            ),
        ),
        key=("exclusion_id",),
        references=(Reference("pupil_id", "pupils", "pupil_id"),),
    )
)

_add(
    Extract(
        "pupil_link",
        "Links YJS children to their pupil records: one row per matched child. Each pupil_id should appear once: a "
        "pupil linked to two or more children is a linkage error, and the exclusions report counts those children as "
        "unmatched (with that reason) rather than guess which link is right.",
        (
            CHILD_ID,
            Column("pupil_id", "id", "The matched pupil (unique: one child per pupil)."),
        ),
        key=("child_id",),
        references=(Reference("child_id", "children", "child_id"), Reference("pupil_id", "pupils", "pupil_id")),
    )
)

_add(
    Extract(
        "population",
        "Reference: the local population aged 10 to 17 by single year of age, sex and ethnicity.",
        (
            Column("source", "text", "Where the estimate comes from, e.g. 'ONS Census 2021, custom dataset'."),
            Column("vintage", "text", "The estimate's reference date or year, e.g. '2021'."),
            Column("age", "int", "Single year of age.", minimum=10, maximum=17),
            _code("sex", "1 male, 2 female.", {"1": "Male", "2": "Female"}),
            _code("ethnicity", "Detailed ethnicity code; NOBT where the source gives no ethnicity.", codes.ETHNICITY),
            Column("population", "int", "Number of children.", minimum=0, maximum=10_000_000),
        ),
        key=("age", "sex", "ethnicity"),
        reference_data=True,
    )
)

_add(
    Extract(
        "looked_after_population",
        "Reference: children aged 10 to 17 looked after by the local authority, by single year of age and sex "
        "(e.g. from the SSDA903 return at 31 March), the comparison for looked-after children in the cohort.",
        (
            Column("source", "text", "Where the count comes from, e.g. 'SSDA903, children looked after at 31 March'."),
            Column("vintage", "text", "The count's reference date or year, e.g. '31 March 2025'."),
            Column("age", "int", "Single year of age.", minimum=10, maximum=17),
            _code("sex", "1 male, 2 female.", {"1": "Male", "2": "Female"}),
            Column("looked_after", "int", "Number of children looked after.", minimum=0, maximum=1_000_000),
        ),
        key=("age", "sex"),
        reference_data=True,
    )
)

# --- optional files for the YJB key performance indicators (docs/kpi-definitions.md) ------------------------------
# Validated after every required file, so their references to those files can be checked.


def _dates_of(*specs: tuple[str, str, bool]) -> tuple[Column, ...]:
    return tuple(Column(name, "date", description, required=required) for name, description, required in specs)


_add(
    Extract(
        "episode_links",
        "Links each YJS intervention episode (order or programme) to the legal outcome(s) it delivers, and records "
        "whether an out-of-court programme was completed. One row per episode and outcome. Needed by KPIs 1 to 7 and "
        "10: the type of order and the out-of-court outcome come from the linked outcome.",
        (
            Column("episode_id", "id", "The caseload.csv episode (YJB interventionProgrammeID)."),
            Column(
                "outcome_id",
                "id",
                "The outcomes.csv outcome the episode delivers (YJB link_offence_intervention_programme).",
            ),
            _code(
                "successfully_completed",
                "For out-of-court programmes (DIVERSION, YOUTH_CAUTION, YOUTH_CONDITIONAL_CAUTION): was the "
                "intervention completed (YJB kpi6SuccessfullyCompleted); blank for court orders.",
                codes.YES_NO,
                required=False,
            ),
        ),
        key=("episode_id", "outcome_id"),
        references=(
            Reference("episode_id", "caseload", "episode_id"),
            Reference("outcome_id", "outcomes", "outcome_id"),
        ),
        joined_rules=("the outcome's `child_id` must be the episode's `child_id`",),
        optional=True,
    )
)

_add(
    Extract(
        "accommodation",
        "One row per period a YJS child lived at an address type (YJB residence item). Needed by KPI 1.",
        (
            Column("accommodation_id", "id", "Accommodation record identifier."),
            CHILD_ID,
            *_dates_of(
                ("start_date", "First day at this accommodation (YJB date).", True),
                ("end_date", "Last day; blank while the child still lives there (YJB kpi1EndDate).", False),
            ),
            _code("accommodation_type", "YJB kpi1AccommodationType.", codes.ACCOMMODATION_TYPES),
            _code("suitability", "YJB kpi1AccommodationSuitability; UNKNOWN counts as unsuitable.", codes.SUITABILITY),
            _code(
                "primary_residence",
                "Is this the child's main address (YJB kpi1PrimaryResidence); blank = yes.",
                codes.YES_NO,
                required=False,
            ),
        ),
        key=("accommodation_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("start_date", "end_date"),),
        optional=True,
    )
)

_add(
    Extract(
        "ete_status",
        "One row per education, training or employment placement (YJB ete_status item). Needed by KPI 2 and a "
        "KPI 3 sub-measure.",
        (
            Column("ete_id", "id", "ETE record identifier."),
            CHILD_ID,
            *_dates_of(
                ("start_date", "Start of the placement.", True),
                ("end_date", "End; blank while current.", False),
            ),
            _code(
                "provision_type",
                "YJB provisionType; NONE is not in education, training or employment.",
                codes.ETE_PROVISION_TYPES,
            ),
            _code("suitability", "YJB suitability; UNKNOWN counts as unsuitable.", codes.SUITABILITY),
            Column(
                "hours_offered",
                "int",
                "Hours a week offered (YJB hoursOffered).",
                required=False,
                minimum=0,
                maximum=codes.ETE_HOURS_MAX,
            ),
            Column(
                "hours_attended",
                "int",
                "Hours a week attended (YJB hours).",
                required=False,
                minimum=0,
                maximum=codes.ETE_HOURS_MAX,
            ),
        ),
        key=("ete_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("start_date", "end_date"),),
        optional=True,
    )
)

_add(
    Extract(
        "send_aln",
        "One row per period a YJS child had an identified special educational need (YJB sendaln item). Needed by "
        "KPI 3. send.csv (EHCP or SEN support, from the council) stays as it is; without this file KPI 3 may be "
        "derived from send.csv (decision D8).",
        (
            Column("send_aln_id", "id", "Record identifier."),
            CHILD_ID,
            *_dates_of(
                ("start_date", "When the need was identified or recorded (YJB kpi3SENDStartDate).", True),
                ("end_date", "When it ended; blank while current (YJB kpi3SENDEndDate).", False),
            ),
            _code("identified_send", "SEND (Wales: ALN) identified (YJB kpi3IdentifiedSENDALN).", codes.YES_NO),
            _code(
                "formal_plan",
                "A formal plan is in place for the current academic year (YJB kpi3SENDFormalPlan).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "plan_type",
                "The kind of plan: this project's addition, for the board.",
                codes.SEND_PLAN_TYPES,
                required=False,
            ),
        ),
        key=("send_aln_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("start_date", "end_date"),),
        optional=True,
    )
)

_add(
    Extract(
        "health_interventions",
        "One row per identified need and the intervention that followed, for mental health and emotional wellbeing "
        "(YJB kpi4MentalHealthWellbeing) or substance misuse (YJB kpi5SubstanceMisuse). Needed by KPIs 4 and 5. "
        "The intervention type must belong to the row's domain (NO_INTERVENTION belongs to both).",
        (
            Column("health_id", "id", "Record identifier."),
            CHILD_ID,
            _code("domain", "MENTAL_HEALTH (KPI 4) or SUBSTANCE_MISUSE (KPI 5).", codes.HEALTH_DOMAINS),
            *_dates_of(
                (
                    "date_need_identified",
                    "Screening date that identified the need (YJB kpi4MHDateScreened, kpi5SMDateScreened); blank = "
                    "not screened or no need.",
                    False,
                ),
                ("date_referred", "Referral date (YJB ...DateReferred).", False),
                ("date_offered", "Date an intervention was offered (YJB ...DateOffered).", False),
                (
                    "date_attended_start",
                    "First attendance (YJB ...DateAttendedStart); a date before the order's start, with "
                    "date_attended_end blank or after the start, means already in treatment.",
                    False,
                ),
                ("date_attended_end", "Last attendance (YJB ...DateAttendedEnd); blank while attending.", False),
            ),
            _code(
                "intervention_type",
                "YJB kpi4MHInterventionType (mental health) or kpi5SMInterventionType (substance misuse).",
                codes.HEALTH_INTERVENTION_TYPES,
            ),
        ),
        key=("health_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("date_attended_start", "date_attended_end"),),
        joined_rules=("`intervention_type` must belong to the row's `domain`",),
        optional=True,
    )
)

_add(
    Extract(
        "care_status",
        "One row per period a child had a children's services status (YJB care_status item). Needed by KPI 7. "
        "LOOKED_AFTER rows may be left out when care_episodes.csv holds the child's periods of care: it is read "
        "first (decision D18).",
        (
            Column("care_status_id", "id", "Record identifier."),
            CHILD_ID,
            _code(
                "status",
                "The KPI 7 status (the YJB's raw codes sit behind a lookup that is not public).",
                codes.CARE_STATUSES,
            ),
            *_dates_of(
                ("start_date", "Start of the status (for a referral: the referral date).", True),
                ("end_date", "End; blank while current.", False),
            ),
        ),
        key=("care_status_id",),
        references=(Reference("child_id", "children", "child_id"),),
        date_order=(("start_date", "end_date"),),
        optional=True,
    )
)

_add(
    Extract(
        "victims",
        "One row per victim per victim intervention (YJB victim_intervention with link_offence_victim_intervention). "
        "Needed by KPI 10. Victims are identified only by a pseudonymous id: no names or contact details.",
        (
            Column("victim_intervention_id", "id", "YJB victimInterventionID (one restorative justice process)."),
            Column("victim_id", "id", "YJB victimID; the same victim keeps it across offences."),
            Column("offence_id", "id", "The offence the victim is linked to."),
            Column("child_id", "id", "The child (must be the offence's child)."),
            _code(
                "victim_type", "YJB victimType (codes unverified, decision D17).", codes.VICTIM_TYPES, required=False
            ),
            _code(
                "consent_to_contact",
                "The victim consents to be contacted by the YJS (YJB consentYJSContact).",
                codes.YES_NO,
            ),
            Column(
                "contact_date", "date", "First YJS contact (YJB yjscontactDate); blank = not contacted.", required=False
            ),
            _code(
                "view_sought_prior",
                "Asked their view before the out-of-court decision or court-order planning (YJB viewPrior).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "engaged_rj",
                "Engaged with a restorative justice opportunity (YJB engagedRJ).",
                codes.YES_NO,
                required=False,
            ),
            *_dates_of(
                ("rj_start_date", "Start of the restorative justice work (YJB engagedRJStart).", False),
                ("rj_end_date", "End of the restorative justice work (YJB engagedRJEnd).", False),
            ),
            _code(
                "progress_requested",
                "Asked for information on the case's progress (YJB progressRequest).",
                codes.YES_NO,
                required=False,
            ),
            _code("progress_provided", "Given that information (YJB progressProvided).", codes.YES_NO, required=False),
            _code(
                "support_requested",
                "Asked for additional support (YJB additionalSupportRequest).",
                codes.YES_NO,
                required=False,
            ),
            _code(
                "support_provided",
                "Given information on support services (YJB additionalSupportProvided).",
                codes.YES_NO,
                required=False,
            ),
        ),
        key=("victim_intervention_id", "victim_id"),
        references=(Reference("offence_id", "offences", "offence_id"), Reference("child_id", "children", "child_id")),
        joined_rules=("`child_id` must be the `child_id` of the offence",),
        optional=True,
    )
)

_add(
    Extract(
        "board_attendance",
        "One row per YJS management board meeting and sector: who attended. Needed by KPI 8. Not personal data.",
        (
            Column("meeting_date", "date", "Date of the YJS management board meeting; places it in a quarter."),
            _code(
                "sector",
                "The statutory sector (YJB return columns a to e), or OTHER (not in the headline).",
                codes.BOARD_SECTORS,
            ),
            _code("attendance", "Who attended for the sector.", codes.BOARD_ATTENDANCE),
            _code(
                "new_partner",
                "The attendee was new to the board (YJB 'If attended - was this a new partner?').",
                codes.YES_NO,
                required=False,
            ),
        ),
        key=("meeting_date", "sector"),
        optional=True,
    )
)

# Order matters: an extract is validated after the extracts it refers to.
ORDER = tuple(EXTRACTS)
CASE_LEVEL = tuple(n for n, e in EXTRACTS.items() if not e.reference_data and n != "extract_info")
EXTRACT_INFO_FIELDS = ("area_name", "extract_date")
OPTIONAL = tuple(n for n, e in EXTRACTS.items() if e.optional)


# --- the contract as Markdown, for data/README.md ------------------------------------

DOC_START = "<!-- contract:start (generated from src/analysis/data/contract.py by `python -m analysis contract`) -->"
DOC_END = "<!-- contract:end -->"

_KINDS = {"id": "identifier", "date": "date", "int": "whole number", "code": "code", "text": "text"}


def _codes_of(extract_name: str, column: Column) -> str:
    return "; ".join(f"`{c}` {label}" for c, label in zip(column.codes, column.code_labels))


def markdown() -> str:
    """The files, columns and rules of the contract as Markdown tables."""
    out = []
    for extract in EXTRACTS.values():
        heading = f"### `{extract.file}`" + (" (optional)" if extract.optional else "")
        out.append(f"{heading}\n\n{extract.description}")
        if extract.optional:
            out.append(
                "Optional: if it is not supplied, the report sections that need it say so and every other figure is "
                "published as usual. A date written 1900-01-01 is read as blank."
            )
        if extract.key:
            out.append(f"Unique key: {' + '.join(f'`{k}`' for k in extract.key)}.")
        rules = [f"`{r.column}` must exist in `{EXTRACTS[r.extract].file}` (`{r.target}`)" for r in extract.references]
        rules += [f"`{later}` may not be before `{earlier}`" for earlier, later in extract.date_order]
        rules += list(extract.joined_rules)
        if rules:
            out.append("Rules: " + "; ".join(rules) + ".")
        lines = ["| column | type | required | description |", "|---|---|---|---|"]
        for c in extract.columns:
            kind = _KINDS[c.kind]
            if c.minimum is not None:
                kind += f" {c.minimum} to {c.maximum}"
            desc = c.description
            if c.codes:
                desc += "<br>Codes: " + _codes_of(extract.name, c) + "."
            lines.append(f"| `{c.name}` | {kind} | {'yes' if c.required else 'no'} | {desc} |")
        out.append("\n".join(lines))
    return "\n\n".join(out)


def update_doc(path) -> bool:
    """Rewrite the generated part of data/README.md; True if it changed."""
    from pathlib import Path

    path = Path(path)
    text = path.read_text()
    head, rest = text.split(DOC_START, 1)
    _, tail = rest.split(DOC_END, 1)
    new = f"{head}{DOC_START}\n\n{markdown()}\n\n{DOC_END}{tail}"
    path.write_text(new)
    return new != text
