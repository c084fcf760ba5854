"""KPI 10: whether the victims of children whose orders closed in the quarter engaged with restorative justice.

The YJB's definition (docs/kpi-definitions.md, "KPI 10"; its `kpi10_victim_case_level_v8`): the unit is the
**victim** (distinct `victim_id`), not the child. Every offence of every order closing in the quarter brings its
victims (`orders.all_closing`, before the most serious order is picked), so a victim of a less serious offence on
the same order counts too; a victim linked to two offences, or to two children, is one victim. A victim counts as
consenting, engaging and so on if any of their rows says so, and the consent must be on the same row (the YJB tests
each victim intervention, then counts distinct victims).

Measures (kind share unless said; ``all``, ``All``):

``kpi10_victims_engaged_rj``          (the headline) victims who consented to contact and engaged with restorative
                                      justice ÷ victims who consented to be contacted by the YJS
``kpi10_victims``                     victims linked to an order closing (a count of victims; 10a)
``kpi10_children_with_victims``       children with an order closing who have an identified victim ÷ children
                                      with an order closing (10b)
``kpi10_victims_consented``           victims who consented to contact ÷ victims
``kpi10_victims_view_sought``         consented victims asked their view before the out-of-court decision or the
                                      court order's planning ÷ consented victims (10d)
``kpi10_victims_progress_information``          consented victims given information on the case's progress ÷
                                                consented victims (10e, the YJB's `_v8`)
``kpi10_victims_progress_information_of_asked`` victims given it ÷ victims who asked for it (decision D16: the
                                                template's and older view's reading, printed beside it)
``kpi10_victims_support_information``           consented victims given information on support services ÷
                                                consented victims (10f, `_v8`)
``kpi10_victims_support_information_of_asked``  victims given it ÷ victims who asked for additional support (D16)
``kpi10_victims_contacted``           victims the YJS contacted (a contact date) ÷ victims (10g)

10g departs from the YJB on purpose: the YJB divides every contacted victim by the consenting ones, which can pass
100% (a victim is often contacted to ask for consent); dividing by all victims keeps the YJB's count as the
numerator and gives a share that means something. Victims without consent are outside every other denominator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.quarters import Period
from analysis.measures.kpi import orders
from analysis.safety.figures import TOTAL, frame

TABLE = "victims"
CONSENTED = "% of victims who consented to be contacted"


def _yes(column: pd.Series) -> np.ndarray:
    """Whether each Y/N code is ``Y`` (blank is not)."""
    return column.astype("string").eq("Y").fillna(False).to_numpy(bool)


def _share(measure: str, x: int, n: int, period: Period, unit: str) -> dict:
    """A share of victims (or children), for the whole quarter."""
    return orders.share(measure, "all", TOTAL, int(x), int(n), period, unit)


def count(closing: pd.DataFrame, all_closing: pd.DataFrame, victims: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPI 10 from the closing population (one row per child, `orders.closing`), every order and offence closing
    (`orders.all_closing`) and the `victims` rows, as figures: the measures in the module's docstring."""
    linked = victims[victims["offence_id"].isin(all_closing["offence_id"]) & victims["victim_id"].notna()]
    consent = _yes(linked["consent_to_contact"])
    requested, progress = _yes(linked["progress_requested"]), _yes(linked["progress_provided"])
    asked, support = _yes(linked["support_requested"]), _yes(linked["support_provided"])
    flags = pd.DataFrame(
        {
            "victims": True,
            "consented": consent,
            "engaged": consent & _yes(linked["engaged_rj"]),
            "view_sought": consent & _yes(linked["view_sought_prior"]),
            "progress": consent & progress,
            "progress_asked": requested,
            "progress_of_asked": requested & progress,
            "support": consent & support,
            "support_asked": asked,
            "support_of_asked": asked & support,
            "contacted": linked["contact_date"].notna().to_numpy(bool),
        }
    )
    n = flags.groupby(linked["victim_id"].astype(str).to_numpy()).any().sum()
    children = closing["child_id"].nunique()
    with_victims = closing.loc[closing["child_id"].isin(linked["child_id"]), "child_id"].nunique()
    people, asked_unit = "% of children with an order closing", "% of victims who asked for it"
    return frame(
        [
            _share("kpi10_victims_engaged_rj", n["engaged"], n["consented"], period, CONSENTED),
            {
                "measure": "kpi10_victims",
                "breakdown": "all",
                "group": TOTAL,
                "period": period.label,
                "kind": "count",
                "numerator": n["victims"],
                "value": n["victims"],
                "unit": "victims of children with an order closing",
            },
            _share("kpi10_children_with_victims", with_victims, children, period, people),
            _share("kpi10_victims_consented", n["consented"], n["victims"], period, "% of victims"),
            _share("kpi10_victims_view_sought", n["view_sought"], n["consented"], period, CONSENTED),
            _share("kpi10_victims_progress_information", n["progress"], n["consented"], period, CONSENTED),
            _share(
                "kpi10_victims_progress_information_of_asked",
                n["progress_of_asked"],
                n["progress_asked"],
                period,
                asked_unit,
            ),
            _share("kpi10_victims_support_information", n["support"], n["consented"], period, CONSENTED),
            _share(
                "kpi10_victims_support_information_of_asked",
                n["support_of_asked"],
                n["support_asked"],
                period,
                asked_unit,
            ),
            _share("kpi10_victims_contacted", n["contacted"], n["victims"], period, "% of victims"),
        ]
    )


def missing(tables: dict) -> str:
    """What KPI 10 lacks, in a sentence ("" when nothing is missing)."""
    if tables.get(TABLE) is not None:
        return ""
    return f"KPI 10 (victims) is not counted: the extract has no {TABLE}.csv."


def figures(tables: dict, period: Period) -> pd.DataFrame | None:
    """KPI 10 for the quarter `period` from the validated tables, or None without `victims`."""
    victims = tables.get(TABLE)
    if victims is None:
        return None
    return count(orders.closing(tables, period), orders.all_closing(tables, period), victims, period)
