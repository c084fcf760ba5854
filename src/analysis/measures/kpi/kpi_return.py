"""The quarter's KPI figures laid out as the YJB's KPI return: its rows, in its words, and a column per type of order
(docs/kpi-definitions.md, "The KPI return template").

The YJB's return is a grid of counts, one per KPI, that a case management system fills in each quarter. Setting the
product's counts out the same way lets the analyst check them cell by cell against what was submitted. Every cell
is a count the KPI report has already published (a KPI's numerator, or the denominator it is a share of), taken as
published: a withheld count stays withheld, so the return shows nothing the report does not. Where the YJB splits a
row further than the case-level figures do (KPI 1's accommodation types, KPI 2's school-age columns, KPI 9's age
bands), the row is given once for all of them; the YJB's own column or row name is kept in the row label so the two
can be matched. `layout` builds the grids; a test checks that every cell equals the figure it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.measures.kpi import board, orders
from analysis.safety import figures

ALL = figures.TOTAL


@dataclass(frozen=True)
class Row:
    label: str  # the YJB return's row (its description, or its column for the time points)
    measure: str
    field: str = "numerator"  # or "denominator": the children a share is of
    breakdown: str = "type_of_order"
    group: str | None = None  # for a one-column grid: the figure's group (e.g. an offence category)


def _order_rows(headline: str, closing: str, rows: list[tuple[str, str, str]]) -> tuple[Row, ...]:
    return (Row(closing, headline, "denominator"), *(Row(label, measure, field) for label, measure, field in rows))


CLOSING = "Number of children with an order closing in the period"
ENDING = "Number of  children with an order ending in the period"  # the YJB's double space, as in its return

# KPI number -> (column breakdown, the rows). Column breakdowns: "type_of_order" (the six types, then All),
# "oocd_outcome" (KPI 6's six outcomes, then All), "sector" (KPI 8's five sectors, then All), or "all" (one column).
RETURN: dict[int, tuple[str, tuple[Row, ...]]] = {
    1: (
        "type_of_order",
        _order_rows(
            "kpi1_suitable_accommodation",
            f"{CLOSING} (_total)",
            [
                ("Suitable accommodation at the start (_start_yes)", "kpi1_suitable_start", "numerator"),
                ("Unsuitable accommodation at the start (_start_no)", "kpi1_unsuitable_start", "numerator"),
                ("Suitable accommodation at the end (_end_yes)", "kpi1_suitable_accommodation", "numerator"),
                ("Unsuitable accommodation at the end (_end_no)", "kpi1_unsuitable_end", "numerator"),
                ("No accommodation recorded at the end (not in the return)", "kpi1_not_recorded_end", "numerator"),
            ],
        ),
    ),
    2: (
        "type_of_order",
        _order_rows(
            "kpi2_suitable_ete",
            CLOSING,
            [
                (
                    "Number of children in suitable ETE with an order closing in the period: start (_start)",
                    "kpi2_suitable_start",
                    "numerator",
                ),
                (
                    "Number of children in suitable ETE with an order closing in the period: end (_end)",
                    "kpi2_suitable_ete",
                    "numerator",
                ),
                (
                    "Unsuitable ETE at the end (not in the return)",
                    "kpi2_unsuitable_end",
                    "numerator",
                ),
                ("No ETE recorded at the end (not in the return)", "kpi2_not_recorded_end", "numerator"),
            ],
        ),
    ),
    3: (
        "type_of_order",
        _order_rows(
            "kpi3_identified_send",
            ENDING,
            [
                ("Number with an identified SEND/ALN", "kpi3_identified_send", "numerator"),
                (
                    "Number of children who have a formal plan in place for the current academic year",
                    "kpi3_send_formal_plan",
                    "numerator",
                ),
                (
                    "Number of children with an identified SEND/ALN need in suitable ETE",
                    "kpi3_identified_suitable_ete",
                    "numerator",
                ),
            ],
        ),
    ),
    4: (
        "type_of_order",
        _order_rows(
            "kpi4_mental_health_need",
            f"{ENDING} (_total)",
            [
                (
                    "Number receiving treatment for mental health or emotional wellbeing prior to the start of the "
                    "order (_start)",
                    "kpi4_mental_health_in_treatment_at_start",
                    "numerator",
                ),
                (
                    "Number of children with a screened OR identified need for an intervention to improve mental "
                    "health or emotional wellbeing (_end, with those in treatment before)",
                    "kpi4_mental_health_need",
                    "numerator",
                ),
                (
                    "Offered an intervention, or already receiving one (the headline's numerator)",
                    "kpi4_mental_health_offered",
                    "numerator",
                ),
            ],
        ),
    ),
    5: (
        "type_of_order",
        _order_rows(
            "kpi5_substance_misuse_need",
            "Number of children with an order ending in the period (_total)",
            [
                (
                    "Number of children in existing treatment or support prior to the start of the order (_start)",
                    "kpi5_substance_misuse_in_treatment_at_start",
                    "numerator",
                ),
                (
                    "Number of children with a screened OR identified need for intervention/treatment to address "
                    "substance misuse (_end, with those in treatment before)",
                    "kpi5_substance_misuse_need",
                    "numerator",
                ),
                (
                    "Offered an intervention, or already receiving one (the headline's numerator)",
                    "kpi5_substance_misuse_offered",
                    "numerator",
                ),
            ],
        ),
    ),
    6: (
        "oocd_outcome",
        (
            Row(ENDING, "kpi6_oocd_completed", "denominator", "oocd_outcome"),
            Row(
                "Number of children who completed intervention programmes in the quarter",
                "kpi6_oocd_completed",
                breakdown="oocd_outcome",
            ),
            Row(
                "Number of children who did not complete intervention programmes in the quarter",
                "kpi6_oocd_not_completed",
                breakdown="oocd_outcome",
            ),
            Row(
                "Completion not recorded (not in the return)",
                "kpi6_oocd_completion_not_recorded",
                breakdown="oocd_outcome",
            ),
        ),
    ),
    7: (
        "type_of_order",
        _order_rows(
            "kpi7_wider_services",
            f"{ENDING} (_total)",
            [
                (
                    "Supported by wider services during the order (looked after, child protection plan, child in "
                    "need or early help plan; each child once)",
                    "kpi7_wider_services",
                    "numerator",
                ),
                (
                    "Number of children who were already open to Early Help services prior to start of order",
                    "kpi7_early_help_before",
                    "numerator",
                ),
                ("Number of children referred to Early Help services", "kpi7_early_help_referred", "numerator"),
            ],
        ),
    ),
    8: (
        "sector",
        (
            Row("Senior partner (meetings attended)", "kpi8_senior_attendance", breakdown="sector"),
            Row("Delegated or non-senior partner (meetings attended)", "kpi8_delegated_attendance", breakdown="sector"),
        ),
    ),
    9: (
        "all",
        tuple(
            Row(
                f"Offences with a gravity score of 5 or more for {category} offences resulting in a caution or "
                "sentence in the quarter",
                "kpi9_serious_violence_offences",
                breakdown="offence_category",
                group=category,
            )
            for category in ("Drugs", "Robbery", "Violence against the person")
        ),
    ),
    10: (
        "all",
        (
            Row(
                "Number of children with an order closing with an identified victim or victims of youth crime",
                "kpi10_children_with_victims",
                breakdown="all",
            ),
            Row("Total number of victims", "kpi10_victims", breakdown="all"),
            Row("Number of victims who consent to be contacted by the YJS", "kpi10_victims_consented", breakdown="all"),
            Row(
                "Number of victims engaged with on restorative justice opportunities",
                "kpi10_victims_engaged_rj",
                breakdown="all",
            ),
            Row(
                "Number of victims asked their view prior to OOCD decision-making and planning for statutory court "
                "orders",
                "kpi10_victims_view_sought",
                breakdown="all",
            ),
            Row(
                "Number of victims who requested information about the progress of the child's case",
                "kpi10_victims_progress_information_of_asked",
                "denominator",
                breakdown="all",
            ),
            Row(
                "Of those, the number of victims provided with information about the progress of the child's case",
                "kpi10_victims_progress_information_of_asked",
                breakdown="all",
            ),
            Row(
                "The number of victims who asked for additional support",
                "kpi10_victims_support_information_of_asked",
                "denominator",
                breakdown="all",
            ),
            Row(
                "Of those victims who asked for additional support, the number provided with information on "
                "appropriate support services",
                "kpi10_victims_support_information_of_asked",
                breakdown="all",
            ),
        ),
    ),
}

# The columns of each kind of grid: (figures group, column header). The type-of-order headers are the YJB return's
# column prefixes, so the grid reads against it.
COLUMNS = {
    "type_of_order": [(label, f"{label} ({prefix}_)") for label, prefix, _ in orders.TYPES.values()] + [(ALL, ALL)],
    "oocd_outcome": [(label, label) for label, _ in orders.OOCD_OUTCOMES.values()] + [(ALL, ALL)],
    "sector": [(label, label) for label in board.SECTORS.values()],
    "all": [(ALL, "Count")],
}


@dataclass(frozen=True)
class Grid:
    kpi: int
    figures: pd.DataFrame  # one row per cell: group = the return's row, measure = the column's header
    columns: dict[str, tuple[str, str]]  # header -> (measure, field) for rep.table
    rows: list[str]


def grid(kpi: int, fig: pd.DataFrame) -> Grid:
    """KPI `kpi`'s return from its published figures: each cell a count as published (withheld stays withheld);
    a cell whose figure does not exist is left out (the table shows [z], not applicable)."""
    kind, rows = RETURN[kpi]
    columns = COLUMNS[kind]
    index = {(r["measure"], r["breakdown"], r["group"]): r for r in fig.to_dict("records")}
    cells = []
    for row in rows:
        for group, header in columns:
            source = index.get((row.measure, row.breakdown, row.group or group))
            if source is None:
                continue
            cells.append(
                {
                    "measure": header,
                    "breakdown": f"kpi{kpi}_return",
                    "group": row.label,
                    "period": source["period"],
                    "kind": "count",
                    "numerator": source[row.field],
                    "value": source[row.field],
                    "unit": source["unit"],
                    "suppressed": bool(source["suppressed"]),
                }
            )
    return Grid(
        kpi,
        figures.frame(cells),
        {header: (header, "numerator") for _, header in columns},
        [row.label for row in rows],
    )


# Return rows the case-level figures give for all types of order together, one row per group of a breakdown (the
# YJB's accommodation, provision and hours rows, and KPI 9's age columns): KPI -> [(title, breakdown, row header,
# {column header: measure})]. `rep.table` shows them straight from the published figures (breakdown, then rows).
BY_GROUP: dict[int, list[tuple[str, str, str, dict[str, str]]]] = {
    1: [
        (
            "rows by accommodation type, all types of order",
            "accommodation_type",
            "Accommodation (the return's rows)",
            {
                "Start, suitable (_start_yes)": "kpi1_accommodation_start_suitable",
                "Start, unsuitable (_start_no)": "kpi1_accommodation_start_unsuitable",
                "End, suitable (_end_yes)": "kpi1_accommodation_end_suitable",
                "End, unsuitable (_end_no)": "kpi1_accommodation_end_unsuitable",
            },
        )
    ],
    2: [
        (
            "rows by provision, all types of order",
            "provision_type",
            "Provision (the return's rows)",
            {"Start (_start)": "kpi2_provision_start", "End (_end)": "kpi2_provision_end"},
        ),
        (
            "hours per week, all types of order",
            "hours_band",
            "Hours per week",
            {
                "Offered, start": "kpi2_hours_offered_start",
                "Offered, end": "kpi2_hours_offered_end",
                "Attended, start": "kpi2_hours_attended_start",
                "Attended, end": "kpi2_hours_attended_end",
            },
        ),
    ],
    9: [
        (
            "offences by the return's age columns (age10to15, age16to17)",
            "age_band_template",
            "Age on the offence date",
            {"Serious violence offences": "kpi9_serious_violence_offences"},
        )
    ],
}
