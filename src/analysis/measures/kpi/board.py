"""KPI 8: whether senior partners from the five statutory sectors attended the YJS management board.

This KPI is about the board's partners, not about children: nothing in it is a count of children, so it is
published without the small-number rules that protect children (the report marks it so).

The YJB's definition (docs/kpi-definitions.md, "KPI 8"; its `kpi8_summary_v8`, from the template only): the five
statutory sectors are local authority children's social care, local authority education, police, probation and
health (`OTHER` is recorded but not in the KPI). The YJB adds up the raw attendances, which with more than one board
meeting in a quarter no longer reads as "sectors of five"; decision D14 settles it:

* **Headline** ``kpi8_senior_sectors``: the sectors (of the five) that had a senior partner at **every** board
  meeting in the quarter ÷ 5. With one meeting a quarter this is the YJB's figure. A quarter with no meeting has no
  sector represented (0 of 5); the per-meeting measures below then have no meetings to divide by.
* **Per meeting** (D14 asks for both): ``kpi8_senior_attendance`` and ``kpi8_delegated_attendance``, the meetings at
  which each sector had a senior (or a delegated or non-senior) partner ÷ the meetings in the quarter. A sector
  with no row for a meeting is taken as not attending it. ``All`` is the five sectors' places at every meeting
  together: attendances ÷ (5 × meetings), the YJB's raw sum over its expected places.

Breakdowns: the headline has ``all`` (``All``); the per-meeting measures ``sector``, with the labels of `SECTORS`
in order, then ``All``. A board meeting is a `meeting_date` in the quarter (any sector's row).

No confidence intervals: the five sectors and the quarter's meetings are every one there is, not a sample, so a
share of them has no sampling error to show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.data.quarters import Period
from analysis.safety.figures import TOTAL, frame

TABLE = "board_attendance"
SECTORS = {
    "LA_CHILDRENS_SOCIAL_CARE": "Local authority children's social care",
    "LA_EDUCATION": "Local authority education",
    "POLICE": "Police",
    "PROBATION": "Probation",
    "HEALTH": "Health",
}
SECTOR_UNIT = "% of the five statutory sectors"
MEETING_UNIT = "% of board meetings (All: of the five sectors' places at them)"


def _shares(measure: str, breakdown: str, groups: list[str], x, n, period: Period, unit: str) -> pd.DataFrame:
    """One share row per group: `x` of `n`, in %, without an interval (see the module's docstring)."""
    num, den = np.asarray(x, float), np.asarray(n, float)
    with np.errstate(all="ignore"):
        value = np.where(den > 0, 100 * num / den, np.nan)
    rows = pd.DataFrame(
        {
            "measure": measure,
            "breakdown": breakdown,
            "group": groups,
            "period": period.label,
            "kind": "share",
            "numerator": num,
            "denominator": den,
            "value": value,
            "unit": unit,
        }
    )
    return frame(rows)


def count(attendance: pd.DataFrame, period: Period) -> pd.DataFrame:
    """KPI 8 from the `board_attendance` rows (any quarter's: those of meetings in `period` are used), as figures:
    the measures and groups in the module's docstring."""
    held = attendance[attendance["meeting_date"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]
    meetings = held["meeting_date"].nunique()
    statutory = held[held["sector"].isin(list(SECTORS))]

    def attended(level: str) -> pd.Series:
        """For each sector, the meetings at which a partner at `level` attended."""
        rows = statutory[(statutory["attendance"] == level).to_numpy(bool)]
        return rows.groupby(rows["sector"].astype(str))["meeting_date"].nunique().reindex(list(SECTORS), fill_value=0)

    senior, delegated = attended("SENIOR"), attended("DELEGATED")
    every = int(((senior == meetings) & (meetings > 0)).sum())
    groups = [*SECTORS.values(), TOTAL]
    places = [meetings] * len(SECTORS) + [meetings * len(SECTORS)]
    return pd.concat(
        [
            _shares("kpi8_senior_sectors", "all", [TOTAL], [every], [len(SECTORS)], period, SECTOR_UNIT),
            _shares("kpi8_senior_attendance", "sector", groups, [*senior, senior.sum()], places, period, MEETING_UNIT),
            _shares(
                "kpi8_delegated_attendance",
                "sector",
                groups,
                [*delegated, delegated.sum()],
                places,
                period,
                MEETING_UNIT,
            ),
        ],
        ignore_index=True,
    )


def missing(tables: dict) -> str:
    """What KPI 8 lacks, in a sentence ("" when nothing is missing)."""
    if tables.get(TABLE) is not None:
        return ""
    return f"KPI 8 (management board attendance) is not counted: the extract has no {TABLE}.csv."


def figures(tables: dict, period: Period) -> pd.DataFrame | None:
    """KPI 8 for the quarter `period`, or None without `board_attendance`."""
    attendance = tables.get(TABLE)
    return None if attendance is None else count(attendance, period)
