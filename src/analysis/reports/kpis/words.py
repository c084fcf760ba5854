"""The KPI report's words: what each KPI counts (the YJB's definition, in plain English), one sentence on the
quarter's figure, whether it moved across the quarters, and what is missing when a file was not supplied. Written
from published figures only: a withheld figure is called withheld."""

from __future__ import annotations

import pandas as pd

from analysis.data.quarters import Quarter
from analysis.measures.kpi import kpi_return
from analysis.present import formatting
from analysis.reports.kpis.measures import KPIS, Kpi, Result, Series
from analysis.safety import figures
from analysis.safety.suppression import SYMBOL
from analysis.stats.trend import Trend

# What each KPI counts, as the YJB defines it (docs/kpi-definitions.md gives the YJB views each follows).
DEFINITIONS = {
    1: "Of the children whose order or out-of-court programme closed in the quarter, the share living in suitable "
    "accommodation at its end. A child with two addresses at that time counts as suitable only if both were; "
    "unknown suitability counts as unsuitable; a child with no accommodation record stays in the total.",
    2: "Of the children whose order or programme closed in the quarter, the share in suitable education, training "
    "or employment (ETE) at its end. As for accommodation, every placement current at that time must be suitable, "
    "and a child with no ETE record stays in the total.",
    3: "Of the children with an identified special educational need or disability (SEND) at the end of an order or "
    "programme closing in the quarter, the share with a formal plan in place (an education, health and care plan, "
    "or a SEN support plan).",
    4: "Of the children with an identified mental health or emotional wellbeing need (screened before the order "
    "closed, or already in treatment when it began), the share offered an intervention during the order or "
    "already receiving one.",
    5: "Of the children with an identified substance misuse need (screened before the order closed, or already in "
    "treatment when it began), the share offered a targeted intervention, specialist treatment or complex care "
    "during the order, or already receiving one.",
    6: "Of the children whose out-of-court disposal with YJS intervention ended in the quarter, the share who "
    "completed the intervention. A child with two programmes can count as both completing and not completing.",
    7: "Of the children whose order or programme closed in the quarter, the share supported by wider services at "
    "any time during it: looked after, on a child protection plan, a child in need, or on an early help plan.",
    8: "Of the five statutory partners (children's social care, education, police, probation and health), how many "
    "were represented by a senior partner at every management board meeting in the quarter. This is about the "
    "board, not children.",
    9: "Offences of drugs, robbery or violence against the person with a seriousness score of 5 or more that "
    "resulted in a caution or sentence in the quarter, by children aged 10 to 17 living in the area, per 10,000 "
    "children aged 10 to 17. A quarter's rate is about a quarter of a year's.",
    10: "Of the victims of offences by children whose order closed in the quarter who agreed to be contacted by the "
    "YJS, the share who took part in restorative justice.",
}

SUMMARY_COLUMNS = {
    "Counted": ("*", "numerator"),
    "Out of": ("*", "denominator"),
    "Figure": ("*", "value"),
}
TABLE_MEASURE = "kpi"  # the measure name the summary and trend tables give every KPI's row (for display only)


def _shown(row: pd.Series | None, field: str = "value") -> bool:
    return row is not None and not row["suppressed"] and not pd.isna(row[field])


def figure_text(row: pd.Series | None) -> str:
    if row is None:
        return formatting.NOT_AVAILABLE
    return formatting.figure(row["value"], row["kind"], bool(row["suppressed"]))


def quarter_sentence(row: pd.Series | None, kpi: Kpi, quarter_label: str) -> str:
    """The quarter's headline in one sentence, from the published total row."""
    if row is None:
        return f"There were no figures for {kpi.title} in {quarter_label}."
    if row["suppressed"]:
        return f"{kpi.title}: the figure for {quarter_label} is withheld ({SYMBOL}) so that no child can be identified."
    if row["kind"] == "rate":
        offences = formatting.plural(int(row["numerator"]), "offence")
        return (
            f"{kpi.title}: {offences} in {quarter_label}, a rate of {row['value']:,.1f} per 10,000 children aged 10 "
            "to 17."
        )
    if pd.isna(row["value"]):
        return f"{kpi.title}: no one was counted in {quarter_label}, so there is no figure."
    counted = "" if pd.isna(row["numerator"]) else f" ({int(row['numerator']):,} of {int(row['denominator']):,})"
    return f"{kpi.title}: {row['value']:,.1f}%{counted} in {quarter_label}."


def missing_sentence(kpi: Kpi, why: str) -> str:
    """Why a KPI is not counted, and that the figures which do not need the missing file are published as usual."""
    return f"{why} Every figure that does not need it is published as usual."


def direction_sentence(result: Trend, kpi: Kpi, first: str, last: str) -> str:
    """Whether the headline rose or fell across the quarters more than chance would explain."""
    if not kpi.about_children:
        return ""
    span = f"the {result.periods} quarters from {first} to {last}"
    if result.periods < 2:
        return "There are no earlier quarters in this extract to compare with."
    if not result.tested:
        noun = "offences" if kpi.number == 9 else "children"
        return f"Too few {noun} across {span} to test whether it is rising or falling."
    if result.direction == "none":
        return f"Across {span} it shows no rise or fall larger than chance would explain."
    verb = "rose" if result.direction == "up" else "fell"
    return f"Across {span} it {verb} by more than chance would explain: a signal to look into."


def summary_title(results: dict[int, Result]) -> str:
    """The chart's title: the highest and lowest of the shown shares among the KPIs about children."""
    rows = {n: r.total for n, r in results.items()}
    shares = {
        n: r["value"]
        for n, r in rows.items()
        if r is not None and _shown(r) and r["kind"] == "share" and KPIS[n - 1].about_children
    }
    if len(shares) < 2:
        return "The key performance indicators this quarter"
    high, low = max(shares, key=shares.get), min(shares, key=shares.get)
    return (
        f"Of the KPIs shown, {KPIS[high - 1].name.lower()} is highest at {shares[high]:.0f}% and "
        f"{KPIS[low - 1].name.lower()} lowest at {shares[low]:.0f}%"
    )


NOTES = """**The key performance indicators.** Since April 2023 every youth justice service reports ten key performance indicators (KPIs) to the Youth Justice Board (YJB) each quarter. This report counts them from the case-level extract by the YJB's own rules, which are public as the views of its reporting pipeline (the Ministry of Justice repository `modernisation-platform-environments`, the `yjb_kpi_case_level` views): KPI 1 follows `kpi1_acc_case_level_v8`, KPI 2 `kpi2_ete_case_level_v8`, KPI 3 `kpi3_sendaln_case_level_v8`, KPI 4 `kpi4_mh_case_level_v8`, KPI 5 `kpi5_substance_m_case_level_v8`, KPI 6 `kpi6_oocd_case_level_v8`, KPI 7 `kpi7_wider_services_case_level_v8`, KPI 8 `kpi8_summary_v8`, KPI 9 `kpi9_sv_case_level_v8` and KPI 10 `kpi10_victim_case_level_v8`. Where the YJB has two versions of a view, the current (`_v8`) one is followed, as it is what the YJB's dashboards read. The project's docs/kpi-definitions.md sets out each rule and every choice below.

**Who is counted.** Except for KPIs 6, 8 and 9, the children counted are those whose order or out-of-court programme with YJS intervention ended in the quarter (its end date in the quarter, both ends included, from 1 April 2023), who lived in this YJS area on the date of the outcome it delivers and were aged 10 to 17 when it began (for custody, on the day custody began). A child whose two orders end in the quarter is counted once, under the more serious (custody, then a youth rehabilitation order, a referral order, a youth conditional caution, a youth caution, and an out-of-court disposal; of equal seriousness, the later). A detention and training order is one order: it ends when the licence ends, and "at the start" means the day before custody began. Reparation orders and other first-tier sentences have no column in the YJB's return and are left out. KPI 6 counts every out-of-court programme ending in the quarter, KPI 9 offences by the date of their caution or sentence, KPI 8 the board's meetings.

**Choices where the YJB's rules are silent or not public.** Some of the YJB's functions and look-up tables are not public, so the report chooses, and says so: the order of seriousness above; compulsory school age is taken as lasting until the last Friday of June of the school year in which the child turns 16; a record current "at the start" began on or before the start and had not ended before it, one current "at the end" had not ended before the order's end; a blank date (or the YJB systems' 1900-01-01) means "not done" or "still open"; where the extract does not say which order delivers which outcome (episode_links.csv absent), each order is linked to the child's latest matching outcome on or before it began. For KPI 8 with more than one board meeting in a quarter, a sector counts only if a senior partner attended every meeting. KPI 9 counts every caution or sentence (the YJB's view leaves out those with no linked YJS programme) and takes age on the offence date (the YJB uses age at first hearing for court outcomes, which the extract does not hold). Outcomes changed on appeal cannot be seen in the extract and should be removed at source.

**Direction over the quarters.** Each KPI's headline is shown for the quarters since April 2023 that the extract covers from their first day (at most eight). Whether it rose or fell across them more than chance would explain is tested on the quarters, which do not overlap: a Cochran-Armitage test for trend for shares, a score test for a trend in Poisson counts for the serious violence rate. Fewer than six quarters, or too few children, give no test. The board's attendance is not tested: it is not a sample.

**The KPI return.** The last section lays the quarter's counts out as the YJB's KPI return does (its rows, in its words, and a column for each type of order), so the analyst can check them against what the case management system submitted. They are the same figures as above, withheld in the same way."""


# --- the summary and trend tables: every KPI's headline on one row (display only, from published figures) ----------


def summary_frame(results: dict[int, Result]) -> pd.DataFrame:
    """One row per KPI: its published headline total, or a row of [x] when a file it needs was not supplied."""
    rows = []
    for result in results.values():
        total = result.total
        if total is None:
            rows.append(
                {"measure": TABLE_MEASURE, "group": result.kpi.title, "kind": "share", "unit": "%", "suppressed": False}
            )
        else:
            rows.append(total.to_dict() | {"measure": TABLE_MEASURE, "group": result.kpi.title})
    return figures.frame(rows)


def summary_note(results: dict[int, Result]) -> str:
    """What the columns mean, and which KPIs could not be counted and why."""
    note = (
        "Counted and Out of are the YJB's numerator and denominator: children, except KPI 8 (statutory sectors of "
        "five at the management board), KPI 9 (offences, per 10,000 of the population aged 10 to 17) and KPI 10 "
        "(victims)."
    )
    gaps = [f"KPI {n}" for n, r in results.items() if r.figures is None]
    if gaps:
        note += f" [x]: not available, as a file it needs was not supplied ({', '.join(gaps)}; see its section)."
    return note


def summary_text(results: dict[int, Result], quarter_label: str) -> str:
    """The report's one-line finding for the index: how many KPIs could be counted, the two about where children
    stand at the end of their orders (accommodation, ETE) when shown, and how many are withheld."""
    counted = [r for r in results.values() if r.figures is not None]
    if len(counted) == len(results):
        text = f"All ten KPIs are counted for {quarter_label}."
    else:
        text = (
            f"{len(counted)} of the ten KPIs are counted for {quarter_label} (the others need files this extract "
            "does not hold)."
        )
    ends = [
        (phrase, r.total)
        for phrase, r in (
            ("in suitable accommodation", results.get(1)),
            ("in suitable education, training or employment", results.get(2)),
        )
        if r is not None and _shown(r.total)
    ]
    if ends:
        parts = " and ".join(f"{row['value']:.1f}% {phrase}" for phrase, row in ends)
        text += f" At the end of their orders, {parts}."
    withheld = [r for r in counted if r.total is not None and r.total["suppressed"]]
    if withheld:
        n = len(withheld)
        text += f" {n} of the KPIs {'is' if n == 1 else 'are'} withheld ({SYMBOL}) so that no child can be identified."
    return text


def trend_columns(quarters: list[Quarter]) -> dict[str, tuple[str, str, str]]:
    return {q.label: (TABLE_MEASURE, "value", q.period.label) for q in quarters}


def trend_frame(results: dict[int, Result], series: dict[int, Series]) -> pd.DataFrame:
    """One row per KPI and quarter (display only): each KPI's published headline in each quarter."""
    frames = [s.figures.assign(measure=TABLE_MEASURE, group=f"{n} {results[n].kpi.short}") for n, s in series.items()]
    return figures.frame(pd.concat(frames, ignore_index=True)) if frames else figures.frame([])


def trend_text(results: dict[int, Result], series: dict[int, Series], quarters: list[Quarter]) -> str:
    """Which KPIs rose or fell across the quarters more than chance would explain, which did not, and which had too
    few children to test, in a few sentences."""
    if len(quarters) < 2:
        return "The extract covers no earlier quarter since the KPIs began, so there is nothing to compare with yet."
    span = f"the {len(quarters)} quarters from {quarters[0].label} to {quarters[-1].label}"
    moved: dict[str, list[str]] = {"up": [], "down": [], "none": [], "untested": []}
    for number, s in series.items():
        kpi = results[number].kpi
        if not kpi.about_children:
            continue
        key = s.trend.direction if s.trend.tested and s.trend.periods >= 2 else "untested"
        short = kpi.short if kpi.short.isupper() or kpi.short.split()[0].isupper() else kpi.short.lower()
        moved[key].append(f"KPI {number} ({short})")
    lines = []
    for key, verb in (("up", "rose"), ("down", "fell")):
        if moved[key]:
            lines.append(
                f"Across {span}, {_listed(moved[key])} {verb} by more than chance would explain: a signal to look into."
            )
    if moved["none"]:
        lines.append(
            f"Across {span}, {_listed(moved['none'])} showed no rise or fall larger than chance would explain."
        )
    if moved["untested"]:
        lines.append(f"There were too few children (or offences) to test {_listed(moved['untested'])} for a trend.")
    lines.append(
        "Board attendance (KPI 8) is not tested: the partners are not a sample. The notes say how the tests work."
    )
    return " ".join(lines)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def section_text(result: Result, quarter_label: str, series: Series | None) -> str:
    """The section's closing sentences: the quarter's figure and its direction, or what is missing."""
    if result.figures is None:
        return missing_sentence(result.kpi, result.missing)
    text = quarter_sentence(result.total, result.kpi, quarter_label)
    if result.missing:  # counted, but from a fallback or without a sub-measure: say which file
        text += " " + result.missing
    if series is not None:
        text += " " + direction_sentence(series.trend, result.kpi, series.first, series.last)
    return text.strip()


# --- each KPI's own tables ------------------------------------------------------------------------------------------

# The headline table's three figure columns, by KPI where they are not children.
HEADLINE_HEADERS = {
    8: ("Sectors", "Of", "Figure"),
    9: ("Offences", "Children aged 10 to 17", "Per 10,000"),
    10: ("Victims", "Of those who consented", "Figure"),
}
ROW_HEADERS = {"type_of_order": "Type of order", "oocd_outcome": "Out-of-court disposal", "all": "Area"}


def _headline_table(result: Result, period_label: str) -> dict:
    kpi, fig = result.kpi, result.figures
    counted, of, figure = HEADLINE_HEADERS.get(kpi.number, ("Children", "Of", "Figure"))
    return {
        "fig": fig,
        "columns": {
            counted: (kpi.headline, "numerator"),
            of: (kpi.headline, "denominator"),
            figure: (kpi.headline, "value"),
        },
        "caption": f"{kpi.title}, {period_label}",
        "row_header": ROW_HEADERS.get(kpi.breakdown, "Group"),
        "breakdown": kpi.breakdown,
        "interval": kpi.headline if kpi.about_children else None,
    }


def _share_columns(measures: dict[str, str]) -> dict[str, tuple[str, str]]:
    """A count and its percentage for each measure: {header: measure} -> rep.table columns."""
    out = {}
    for header, measure in measures.items():
        out[header] = (measure, "numerator")
        out[f"{header} (%)"] = (measure, "value")
    return out


CHARACTERISTIC_TABLES = (("ethnic_group", "Ethnic group"), ("age_band", "Age at the start"), ("sex", "Sex"))


def _by_characteristic(what: str, measure: str, note: str) -> list[tuple[str, str, str, dict, str]]:
    """The YJB's case-level splits of a measure by the child: ethnic group, age band and sex, a table each."""
    return [
        (
            f"{what}, by {header[0].lower()}{header[1:]}",
            breakdown,
            header,
            {"Children": (measure, "numerator"), "%": (measure, "value")},
            note,
        )
        for breakdown, header in CHARACTERISTIC_TABLES
    ]


def _health_tables(need: str, prefix: str) -> list[tuple[str, str, str, dict, str]]:
    """KPIs 4 and 5 are laid out alike: the need by type of order, then interventions offered and attended."""
    return [
        (
            f"Children with an identified {need} need, by type of order",
            "type_of_order",
            "Type of order",
            _share_columns({"Identified need": f"{prefix}_need"})
            | {"Already in treatment at the start": (f"{prefix}_in_treatment_at_start", "numerator")},
            "Identified need as a percentage of all children with that type of order closing.",
        ),
        (
            "Interventions offered and attended, by type",
            "intervention_type",
            "Intervention",
            {
                "Children offered": (f"{prefix}_offered_by_intervention", "numerator"),
                "Attended": (f"{prefix}_attended", "numerator"),
                "Attended (% of offered)": (f"{prefix}_attended", "value"),
                "Did not attend": (f"{prefix}_not_attended", "numerator"),
            },
            "A child offered two types of intervention is counted under each, and once in All.",
        ),
    ]


# Each KPI's further tables: (caption, breakdown, row header, columns, note). Columns as rep.table takes them.
DETAILS: dict[int, list[tuple[str, str, str, dict, str]]] = {
    1: [
        (
            "Children by accommodation at the start and end of the order",
            "time_point",
            "Time",
            _share_columns(
                {"Suitable": "kpi1_suitable", "Unsuitable": "kpi1_unsuitable", "Not recorded": "kpi1_not_recorded"}
            )
            | {"With two or more addresses": ("kpi1_more_than_one_accommodation", "numerator")},
            "Percentages of all children with an order closing. Unknown suitability counts as unsuitable.",
        ),
    ],
    2: [
        (
            "Children by education, training and employment at the start and end of the order",
            "time_point",
            "Time",
            _share_columns(
                {"Suitable": "kpi2_suitable", "Unsuitable": "kpi2_unsuitable", "Not recorded": "kpi2_not_recorded"}
            ),
            "Percentages of all children with an order closing.",
        ),
        (
            "Hours of education, training or employment offered",
            "time_point",
            "Time",
            _share_columns({"Full time": "kpi2_full_time", "Part time": "kpi2_part_time"})
            | {
                "No hours recorded": ("kpi2_no_hours_recorded", "numerator"),
                "Not in ETE": ("kpi2_not_in_ete", "numerator"),
            },
            "Full time is 25 hours a week or more offered for a child of school age, 16 or more above it.",
        ),
        (
            "Children in suitable education, training or employment, of school age and above",
            "school_age",
            "Age at the time",
            {
                "At the start": ("kpi2_suitable_start", "numerator"),
                "At the start (%)": ("kpi2_suitable_start", "value"),
                "At the end": ("kpi2_suitable_end", "numerator"),
                "At the end (%)": ("kpi2_suitable_end", "value"),
            },
            "Percentages of the children of that age at that time. School age lasts until the last Friday of June of "
            "the school year in which a child turns 16.",
        ),
    ],
    3: [
        (
            "Children with an identified SEND, by type of order",
            "type_of_order",
            "Type of order",
            _share_columns({"Identified SEND": "kpi3_identified_send"})
            | {
                "Plan not known": ("kpi3_plan_not_known", "numerator"),
                "In suitable ETE at the end": ("kpi3_identified_suitable_ete", "numerator"),
            },
            "Identified SEND as a percentage of all children with that type of order closing. Plan not known: SEN "
            "support recorded in send.csv, which does not say whether a plan is in place.",
        ),
        *_by_characteristic(
            "Children with an identified SEND",
            "kpi3_identified_send",
            "Percentages of the children in that group with an order closing.",
        ),
    ],
    4: _health_tables("mental health", "kpi4_mental_health"),
    5: _health_tables("substance misuse", "kpi5_substance_misuse"),
    6: [
        (
            "Out-of-court disposals not completed, or with completion not recorded",
            "oocd_outcome",
            "Out-of-court disposal",
            _share_columns(
                {"Not completed": "kpi6_oocd_not_completed", "Not recorded": "kpi6_oocd_completion_not_recorded"}
            ),
            "Percentages of the children with that disposal ending. A child with one programme completed and "
            "another not is counted in both.",
        ),
        *_by_characteristic(
            "Children who completed an out-of-court disposal",
            "kpi6_oocd_completed",
            "Percentages of the children in that group with an out-of-court programme ending.",
        ),
    ],
    7: [
        (
            "Children supported by each wider service, at the start and during the order",
            "status",
            "Service",
            {
                "At the start": ("kpi7_status_start", "numerator"),
                "At the start (%)": ("kpi7_status_start", "value"),
                "During the order": ("kpi7_status_during", "numerator"),
                "During the order (%)": ("kpi7_status_during", "value"),
            },
            "Percentages of all children with an order closing. A child with two services is counted under each.",
        ),
        (
            "Early help, by type of order",
            "type_of_order",
            "Type of order",
            _share_columns(
                {
                    "Open to early help before the order": "kpi7_early_help_before",
                    "Referred during it": "kpi7_early_help_referred",
                }
            ),
            "Percentages of the children with that type of order closing.",
        ),
    ],
    8: [
        (
            "Board meetings each statutory partner attended, by seniority",
            "sector",
            "Statutory partner",
            {
                "Senior partner": ("kpi8_senior_attendance", "numerator"),
                "Senior partner (%)": ("kpi8_senior_attendance", "value"),
                "Delegated partner": ("kpi8_delegated_attendance", "numerator"),
            },
            "Counts are meetings in the quarter; percentages of the meetings held.",
        ),
    ],
    9: [
        (
            "Serious violence offences over 12 months",
            "all",
            "Area",
            {
                "Offences in the 12 months": ("kpi9_serious_violence_rate_12_months", "numerator"),
                "Per 10,000 children aged 10 to 17": ("kpi9_serious_violence_rate_12_months", "value"),
                "Of this quarter's, without a linked YJS programme": ("kpi9_offences_without_yjs_episode", "numerator"),
            },
            "The 12 months ending with the quarter. The YJB's own figure leaves out offences without a linked YJS "
            "programme; this report counts every caution or sentence.",
        ),
        (
            "Serious violence offences in the quarter, by age on the offence date",
            "age_band",
            "Age",
            {"Offences": ("kpi9_serious_violence_offences", "numerator")},
            "",
        ),
        (
            "Children with a serious violence offence in the quarter, by sex",
            "sex",
            "Sex",
            {"Children": ("kpi9_serious_violence_children", "numerator")},
            "",
        ),
        (
            "Children with a serious violence offence in the quarter, by ethnic group",
            "ethnic_group",
            "Ethnic group",
            {"Children": ("kpi9_serious_violence_children", "numerator")},
            "",
        ),
        (
            "Serious violence offences in the quarter, by type of offence",
            "offence_category",
            "Type of offence",
            {"Offences": ("kpi9_serious_violence_offences", "numerator")},
            "",
        ),
        (
            "Serious violence offences in the quarter, by seriousness score",
            "seriousness_score",
            "Seriousness score (1 to 8)",
            {"Offences": ("kpi9_serious_violence_offences", "numerator")},
            "",
        ),
    ],
}

# KPI 10's measures all have one row ("All"): shown as rows of one table.
VICTIM_ROWS = {
    "kpi10_victims": "Victims of offences by these children",
    "kpi10_children_with_victims": "Children with an identified victim (of children with an order closing)",
    "kpi10_victims_consented": "Victims who consented to be contacted (of all victims)",
    "kpi10_victims_contacted": "Victims contacted by the YJS (of all victims)",
    "kpi10_victims_view_sought": "Asked their view before decisions (of those who consented)",
    "kpi10_victims_progress_information": "Given information on the case's progress (of those who consented)",
    "kpi10_victims_progress_information_of_asked": "Given information on the case's progress (of those who asked)",
    "kpi10_victims_support_information": "Given information on support services (of those who consented)",
    "kpi10_victims_support_information_of_asked": "Given information on support services (of those who asked)",
}
ROW_MEASURE, ROW_COUNT = "row", "row_count"  # a count's row has no "of" or percentage: [z] there


def measures_as_rows(fig: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """One-row measures (group All) as the rows of one table, labelled (display only, from published figures)."""
    rows = fig[fig["measure"].isin(list(labels)) & (fig["group"] == figures.TOTAL)]
    measure = rows["kind"].map(lambda kind: ROW_COUNT if kind == "count" else ROW_MEASURE)
    return figures.frame(rows.assign(group=rows["measure"].map(labels), measure=measure))


def tables(result: Result, period_label: str) -> list[dict]:
    """The section's tables as `rep.table` arguments: the headline by type of order (or as the YJB splits it), then
    the KPI's further figures."""
    if result.figures is None:
        return []
    kpi, fig = result.kpi, result.figures
    out = [_headline_table(result, period_label)]
    present = set(fig["measure"])
    for caption, breakdown, row_header, columns, note in DETAILS.get(kpi.number, []):
        if not any(measure in present for measure, _ in columns.values()):
            continue  # e.g. KPI 3's ETE columns without ete_status.csv
        out.append(
            {
                "fig": fig,
                "columns": columns,
                "caption": f"{kpi.title}: {caption[0].lower()}{caption[1:]}, {period_label}",
                "row_header": row_header,
                "breakdown": breakdown,
                "note": note,
            }
        )
    if kpi.number == 10:
        out.append(
            {
                "fig": measures_as_rows(fig, VICTIM_ROWS),
                "columns": {
                    "Number": ("*", "numerator"),
                    "Of": (ROW_MEASURE, "denominator"),
                    "Figure": (ROW_MEASURE, "value"),
                },
                "caption": f"{kpi.title}: contact, views and information, {period_label}",
                "row_header": "Victims",
                "rows": [label for measure, label in VICTIM_ROWS.items() if measure in present],
                "note": "Victims are counted once however many offences or children they are linked to.",
            }
        )
    return out


def return_tables(results: dict[int, Result], period_label: str) -> list[dict]:
    """The KPI return's grids as `rep.table` arguments, one per KPI counted (see analysis.measures.kpi.kpi_return)."""
    out = []
    for number, result in results.items():
        if result.figures is None:
            continue
        grid = kpi_return.grid(number, result.figures)
        out.append(
            {
                "fig": grid.figures,
                "columns": grid.columns,
                "caption": f"KPI return, {result.kpi.title}, {period_label}",
                "row_header": "Row of the return",
                "rows": grid.rows,
            }
        )
        present = set(result.figures["measure"])
        for title, breakdown, row_header, columns in kpi_return.BY_GROUP.get(number, []):
            if not present.issuperset(columns.values()):
                continue
            out.append(
                {
                    "fig": result.figures,
                    "columns": {header: (measure, "numerator") for header, measure in columns.items()},
                    "caption": f"KPI return, {result.kpi.title}: {title}, {period_label}",
                    "row_header": row_header,
                    "breakdown": breakdown,
                    "note": "Children (offences for KPI 9). A child with two records at a time point is counted in "
                    "each of their rows, and once in All."
                    if number != 9
                    else "",
                }
            )
    return out
