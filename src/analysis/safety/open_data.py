"""The quarter's ``figures.csv`` in an open-data shape, after the DfE's explore-education-statistics (EES) standard.

The reports keep their own figures record (`analysis.safety.figures`: one row per figure, with the counts behind it
in ``numerator``/``denominator``/``numerator_2``), which feeds suppression, the disclosure audit and the pages. What
is published for reuse is this shape instead (columns in ``src/analysis/publish/reference/figures_README.md``):

* one way of writing each period: ``time_period`` and ``time_identifier`` (EES vocabulary where one fits), with
  ``period_start`` and ``period_end`` as ISO dates (`parse_period` reads every period wording the reports use);
* filters ``breakdown`` and ``group``, with ``All`` for the total; a time series (breakdown ``trend``, whose groups
  are periods) is published as ``all``/``All`` of each period, so every period's figure has an ``All`` row;
* one indicator per ``measure``, unique across reports (`published_name`), each described once in
  ``figures.meta.csv`` (unit, kind, definition, decimal places, the count measures it is built on);
* every count a figure rests on as a row of its own (`COUNT_NAMES`), withheld exactly where the figure it comes from
  is withheld; a ratio's reference group as a row of its own (value 1 by definition);
* a figure the reports show twice (two reports, or one table twice) is published once, naming both reports.

Nothing here computes a new number from the data: every value is one a report shows (or a ratio's reference value
of 1, which holds by definition), so the disclosure audit has seen all of it. `to_internal` reads the shape back
into the figures record (for `analysis.measures.history`), with the reports' own measure names.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analysis.safety import figures as figures_module
from analysis.safety.figures import TOTAL

COLUMNS = [
    "time_period",
    "time_identifier",
    "period_start",
    "period_end",
    "geographic_level",
    "report",
    "measure",
    "breakdown",
    "group",
    "value",
    "lower",
    "upper",
    "suppressed",
    "source",
]
KEY = ["measure", "breakdown", "group", "time_period", "time_identifier"]  # unique in figures.csv
META_COLUMNS = [
    "measure",
    "label",
    "kind",
    "unit",
    "decimal_places",
    "numerator_measure",
    "denominator_measure",
    "definition",
]
GEOGRAPHIC_LEVEL = "Local authority"  # the youth justice service's own area; comparators say theirs in `group`
REPORTS_SEPARATOR = "; "
FIGURES_FILE, META_FILE = "figures.csv", "figures.meta.csv"

# --- periods -----------------------------------------------------------------------------------------------------

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH = r"([A-Za-z]+)"
QUARTER_OF_MONTH = {4: 1, 7: 2, 10: 3, 1: 4}
TIME_IDENTIFIERS = (  # every time_identifier used, EES vocabulary first
    "Financial year",
    "Financial year Q1",
    "Financial year Q2",
    "Financial year Q3",
    "Financial year Q4",
    "Calendar year",
    "Academic year",
    "Academic year to date",  # 1 September to period_end
    "Rolling N months ending <Month>",  # N months ending with the named month of time_period's year
    "As at",  # one day: time_period is YYYYMMDD
)


@dataclass(frozen=True)
class PeriodSpec:
    time_period: str
    time_identifier: str
    start: date | None
    end: date | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.time_period, self.time_identifier)


def _month(name: str) -> int:
    try:
        return MONTHS[name.lower()]
    except KeyError:
        raise ValueError(f"not a month: {name!r}") from None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _fy(first_year: int) -> str:
    return f"{first_year}{(first_year + 1) % 100:02d}"


def span(start: date, end: date) -> PeriodSpec:
    """Whole months from `start` to `end` (inclusive), named the one way this file names them."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if start.day == 1 and end == _month_end(end.year, end.month):
        if months == 3 and start.month in QUARTER_OF_MONTH:
            first = start.year if start.month >= 4 else start.year - 1
            return PeriodSpec(_fy(first), f"Financial year Q{QUARTER_OF_MONTH[start.month]}", start, end)
        if months == 12 and start.month == 4:
            return PeriodSpec(_fy(start.year), "Financial year", start, end)
        if months == 12 and start.month == 1:
            return PeriodSpec(str(start.year), "Calendar year", start, end)
        if months == 12 and start.month == 9:
            return PeriodSpec(_fy(start.year), "Academic year", start, end)
        return PeriodSpec(str(end.year), f"Rolling {months} months ending {calendar.month_name[end.month]}", start, end)
    raise ValueError(f"not whole months: {start} to {end}")


def _last_months(year: int, month: int, months: int = 12) -> PeriodSpec:
    end = _month_end(year, month)
    first = date(year, month, 1)
    y, m = divmod(first.year * 12 + first.month - 1 - (months - 1), 12)
    return span(date(y, m + 1, 1), end)


def _quarter(first_year: int, q: int) -> PeriodSpec:
    month = {1: 4, 2: 7, 3: 10, 4: 1}[q]
    year = first_year if q < 4 else first_year + 1
    return span(date(year, month, 1), _month_end(year, month + 2))


def _academic(first_year: int) -> PeriodSpec:
    return span(date(first_year, 9, 1), date(first_year + 1, 8, 31))


def _as_at(day: date) -> PeriodSpec:
    return PeriodSpec(day.strftime("%Y%m%d"), "As at", None, day)


_PATTERNS: list[tuple[str, object]] = [
    (r"year ending " + _MONTH + r" (\d{4})", lambda m, y: _last_months(int(y), _month(m))),
    (r"(\d{4})-\d{2} Q([1-4])(?: \(.*\))?", lambda y, q: _quarter(int(y), int(q))),
    (
        _MONTH + r" (\d{4}) to " + _MONTH + r" (\d{4})",
        lambda m1, y1, m2, y2: span(date(int(y1), _month(m1), 1), _month_end(int(y2), _month(m2))),
    ),
    (r"financial year (\d{4})-\d{2}", lambda y: span(date(int(y), 4, 1), date(int(y) + 1, 3, 31))),
    (r"(?:academic year|school census) (\d{4})/\d{2}", lambda y: _academic(int(y))),
    (
        r"academic year (\d{4})/\d{2} to (\d{1,2}) " + _MONTH + r" (\d{4})",
        lambda y, d, m, y2: PeriodSpec(
            _fy(int(y)), "Academic year to date", date(int(y), 9, 1), date(int(y2), _month(m), int(d))
        ),
    ),
    (r"(\d{4})", lambda y: span(date(int(y), 1, 1), date(int(y), 12, 31))),
    (
        r"(?:exclusions on record up to |extract of )?(\d{1,2}) " + _MONTH + r" (\d{4})(?: and \d{4})?",
        lambda d, m, y: _as_at(date(int(y), _month(m), int(d))),
    ),
]


def parse_period(label: str) -> PeriodSpec:
    """Every period wording the reports use, as one `PeriodSpec` (raises ValueError for one it does not know).

    ``year ending March 2026``, ``Apr 2025 to Mar 2026`` and ``financial year 2025-26`` are all ``202526``
    ``Financial year``; ``2025-26 Q4``, ``2025-26 Q4 (January to March 2026)`` and ``Jan 2026 to Mar 2026`` are all
    ``202526`` ``Financial year Q4``."""
    text = str(label).strip()
    for pattern, make in _PATTERNS:
        m = re.fullmatch(pattern, text, flags=re.IGNORECASE)
        if m:
            return make(*m.groups())  # type: ignore[operator]
    raise ValueError(f"Period {label!r} is not in a form figures.csv knows; add it to open_data._PATTERNS")


AS_GIVEN = "Period as given"


def period_spec(label) -> PeriodSpec:
    """`parse_period`, or for a period in no known form (text from an input file, such as a population table's own
    date) the text itself as `time_period`, with `time_identifier` "Period as given": a refresh never stops on it."""
    try:
        return parse_period(label)
    except ValueError:
        return PeriodSpec(str(label), AS_GIVEN, None, None)


def period_key(label) -> tuple[str, str]:
    """A period's (time_period, time_identifier), to compare periods however they are worded (one in no known
    form is its own text, "Period as given")."""
    return period_spec(label).key


def label(spec: PeriodSpec) -> str:
    """The period in words, one wording per period (the wording the reports use most)."""
    ident, start, end = spec.time_identifier, spec.start, spec.end
    if ident == AS_GIVEN:
        return spec.time_period
    if ident == "As at" and end is not None:
        return f"{end.day} {calendar.month_name[end.month]} {end.year}"
    assert start is not None and end is not None
    if ident.startswith("Financial year Q"):
        return (
            f"{start.year if start.month >= 4 else start.year - 1}-{spec.time_period[-2:]} Q{ident[-1]} "
            f"({calendar.month_name[start.month]} to {calendar.month_name[end.month]} {end.year})"
        )
    if ident == "Academic year":
        return f"academic year {start.year}/{spec.time_period[-2:]}"
    if ident == "Academic year to date":
        day = f"{end.day} {calendar.month_name[end.month]} {end.year}"
        return f"academic year {start.year}/{spec.time_period[-2:]} to {day}"
    if ident in ("Financial year", "Calendar year") or ident.startswith("Rolling 12 months"):
        return f"year ending {calendar.month_name[end.month]} {end.year}"
    return f"{calendar.month_abbr[start.month]} {start.year} to {calendar.month_abbr[end.month]} {end.year}"


# --- measure names -------------------------------------------------------------------------------------------------

COHORTS = ("cautioned_or_sentenced", "any_outcome", "caseload", "court", "custody")  # disproportionality's cohorts
RENAMES: dict[tuple[str, str], str] = {  # (report, the report's own name) -> the published name, where they differ
    ("30_reoffending", "reoffenders"): "binary_reoffending_rate",
    ("90_summary", "reoffenders"): "binary_reoffending_rate",
    ("30_reoffending", "tracker_reoffenders"): "tracker_reoffending_rate",
    ("00_overview", "first_time_entrants"): "first_time_entrants_share",
    ("00_overview", "caseload"): "caseload_share",
    **{("10_disproportionality", f"{c}_children"): f"{c}_share" for c in COHORTS},
}
_BACK = {(report, new): old for (report, old), new in RENAMES.items()}
# The counts each published figure rests on: (numerator, denominator) measure names where they are not the
# defaults `<measure>_numerator` and `<measure>_denominator`. A count shown under several figures is one row.
COUNT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "binary_reoffending_rate": ("reoffenders", "cohort_children"),
    "reoffences_per_reoffender": ("proven_reoffences", "reoffenders"),
    "reoffences_per_child": ("proven_reoffences", "cohort_children"),
    "tracker_reoffending_rate": ("tracker_reoffenders", "tracked_children"),
    "tracker_reoffences_per_reoffender": ("tracker_reoffences", "tracker_reoffenders"),
    "tracker_reoffences_per_child": ("tracker_reoffences", "tracked_children"),
    "tracker_no_further_offence": ("tracker_children_no_further_offence", "tracked_children"),
    "first_time_entrants_share": ("first_time_entrants", None),
    "first_time_entrants_rate": ("first_time_entrants", "population_aged_10_to_17"),
    "serious_violence_rate": ("serious_violence_offences", "population_aged_10_to_17"),
    **{
        f"{c}_{kind}": (f"{c}_children", None)
        for c in COHORTS
        for kind in ("share", "rate", "share_gap", "disproportionality_ratio", "rri_vs_white", "rri_vs_others")
    },
    **{
        f"{c}_{k}": (f"{c}_children", f"{c}_share_denominator")
        for c in COHORTS
        for k in ("share_gap", "disproportionality_ratio")
    },
    **{f"{c}_rate": (f"{c}_children", f"{c}_rate_population") for c in COHORTS},
    **{f"{c}_rri_vs_white": (f"{c}_children", f"{c}_rate_population") for c in COHORTS},
    **{f"{c}_rri_vs_others": (f"{c}_children", f"{c}_rate_population") for c in COHORTS},
}
REFERENCE_GROUPS = {"_rri_vs_white": "White"}  # measure ending -> its reference group (value 1 by definition)


def published_name(report: str, measure: str) -> str:
    return RENAMES.get((report, measure), measure)


def reports_name(report: str, measure: str) -> str:
    """The report's own name for a published measure (`published_name` undone)."""
    return _BACK.get((report, measure), measure)


def count_names(measure: str) -> tuple[str, str]:
    num, den = COUNT_NAMES.get(measure, (None, None))
    return num or f"{measure}_numerator", den or f"{measure}_denominator"


def reference_group(measure: str) -> str | None:
    return next((g for end, g in REFERENCE_GROUPS.items() if measure.endswith(end)), None)


# --- the internal record to the open-data shape ---------------------------------------------------------------------

_SOURCE = re.compile(r"^(.*?)\s*\(as published: (.*)\)$")


def _split_unit(unit: str) -> tuple[str, str]:
    m = _SOURCE.match(unit or "")
    return (m.group(1), m.group(2)) if m else (unit or "", "")


class FiguresConflict(ValueError):
    """Two rows would publish different numbers under one key (measure, breakdown, group, period)."""


def _rows(fig: pd.DataFrame) -> list[dict]:
    """Every published row (figures, the counts they rest on, reference groups), before rows repeated are merged."""
    out: list[dict] = []
    records = fig.to_dict("records")
    has = {  # (measure, field): some figure of the measure shows that count
        (m, f)
        for f in ("numerator", "denominator", "numerator_2")
        for m in fig.loc[fig[f].notna() & ~fig["suppressed"], "measure"].unique()
    }
    for r in records:
        measure = published_name(r["report"], r["measure"])
        breakdown, group = r["breakdown"], r["group"]
        if breakdown == "trend":  # a time series: its groups are the periods
            breakdown, group = "all", TOTAL
        unit, source = _split_unit(r["unit"])
        base = {"report": r["report"], "breakdown": breakdown, "period": r["period"], "source": source}
        shown = not r["suppressed"]

        def number(v):
            return float(v) if shown and v is not None and np.isfinite(v) else np.nan

        out.append(
            base
            | {
                "measure": measure,
                "group": group,
                "value": number(r["value"]),
                "lower": number(r["lower"]),
                "upper": number(r["upper"]),
                "suppressed": not shown,
                "kind": r["kind"],
                "unit": unit,
                "of": None,
            }
        )
        if r["kind"] == "count":
            continue
        num, den = count_names(measure)
        counts = [(num, group, r["numerator"], "numerator"), (den, group, r["denominator"], "denominator")]
        ref = reference_group(measure)
        if ref is not None:
            counts.append((num, ref, r["numerator_2"], "numerator"))
        for name, g, v, role in counts:
            if not r["suppressed"] and (v is None or not np.isfinite(v)):
                continue  # no such count behind this figure
            if r["suppressed"] and (r["measure"], role if g == group else "numerator_2") not in has:
                continue  # withheld, and no figure of this measure shows such a count
            out.append(
                base
                | {
                    "measure": name,
                    "group": g,
                    "value": number(v),
                    "lower": np.nan,
                    "upper": np.nan,
                    "suppressed": not shown,
                    "kind": "count",
                    "unit": "",
                    "of": (measure, role, unit),
                }
            )
    # a ratio's reference group: 1 by definition, in every table of the ratio
    tables = {(row["measure"], row["breakdown"], row["period"]): row for row in out if row["of"] is None}
    for (measure, _breakdown, _period), row in tables.items():
        ref = reference_group(measure)
        if ref is not None:
            out.append(
                row | {"group": ref, "value": 1.0, "lower": np.nan, "upper": np.nan, "suppressed": False, "of": None}
            )
    return out


def _merge(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per key: reports joined; a count shown anywhere is shown (the audit counts it as known wherever one
    figure shows it); different numbers under one key are an error."""
    rows = rows.copy()
    shown = rows[~rows["suppressed"]]
    clash = shown.groupby(KEY, sort=False)["value"].agg(lambda v: v.round(9).nunique(dropna=False) > 1)
    if clash.any():
        bad = [" | ".join(map(str, k)) for k in clash[clash].index[:10]]
        raise FiguresConflict("Different figures under one name in figures.csv: " + "; ".join(bad))
    rows["_shown"] = ~rows["suppressed"]
    rows["_order"] = np.arange(len(rows))
    rows = rows.sort_values(["_shown", "_order"], ascending=[False, True], kind="stable")
    reports = rows.groupby(KEY, sort=False)["report"].agg(lambda r: REPORTS_SEPARATOR.join(dict.fromkeys(r)))
    firsts = rows.drop_duplicates(KEY).set_index(KEY)
    firsts["report"] = reports
    return firsts.reset_index().sort_values("_order", kind="stable").drop(columns=["_shown", "_order"])


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def to_open_data(fig: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The quarter's figures (every report's, as `figures.frame` holds them) as published: (figures, metadata)."""
    fig = figures_module.frame(fig.drop(columns=["quarter"], errors="ignore"))
    rows = pd.DataFrame(
        _rows(fig),
        columns=[
            "report", "measure", "breakdown", "group", "period", "value", "lower", "upper", "suppressed",
            "source", "kind", "unit", "of",
        ],
    )  # fmt: skip
    if rows.empty:  # no report got as far as a figure: the files still have their columns
        return pd.DataFrame(columns=COLUMNS), pd.DataFrame(columns=META_COLUMNS)
    specs = {p: period_spec(p) for p in rows["period"].unique()}
    rows["time_period"] = rows["period"].map(lambda p: specs[p].time_period)
    rows["time_identifier"] = rows["period"].map(lambda p: specs[p].time_identifier)
    rows["period_start"] = rows["period"].map(lambda p: _iso(specs[p].start))
    rows["period_end"] = rows["period"].map(lambda p: _iso(specs[p].end))
    rows["geographic_level"] = np.where(rows["breakdown"] == "area", "", GEOGRAPHIC_LEVEL)
    merged = _merge(rows)
    meta = metadata(merged)
    return merged[COLUMNS].reset_index(drop=True), meta


DECIMALS = {"count": 0, "share": 1, "rate": 1, "mean": 2, "ratio": 2}


def _words(measure: str) -> str:
    return measure.replace("_", " ").capitalize()


def metadata(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per measure in `rows` (as `_merge` leaves them): its label, kind, unit, decimal places, the count
    measures it rests on and a definition (the reports' own words for the unit, every wording they use)."""
    out = []
    for measure, these in rows.groupby("measure", sort=False):
        kind = these["kind"].iloc[0]
        units = list(dict.fromkeys(u for u in these["unit"] if u))
        made_from = [o for o in these["of"] if o is not None]
        if kind == "count" and made_from and not units:
            parents = list(dict.fromkeys(f"{m} ({u})" if u else m for m, _, u in made_from))
            roles = list(dict.fromkeys(role for _, role, _ in made_from))
            definition = f"The count that is the {' and '.join(roles)} of: " + "; ".join(parents)
            unit = "count"
        else:
            definition = "; ".join(units) if units else _words(measure)
            unit = _unit(kind, units)
        num, den = count_names(measure) if kind != "count" else ("", "")
        present = set(rows["measure"])
        if measure.endswith("_rri_vs_white"):
            definition += ". The reference group (White children) is shown with a value of 1"
        out.append(
            {
                "measure": measure,
                "label": _words(measure),
                "kind": kind,
                "unit": unit,
                "decimal_places": DECIMALS.get(kind, 1),
                "numerator_measure": num if num in present else "",
                "denominator_measure": den if den in present else "",
                "definition": definition,
            }
        )
    return pd.DataFrame(out, columns=META_COLUMNS).sort_values("measure", kind="stable").reset_index(drop=True)


def _unit(kind: str, units: list[str]) -> str:
    """The unit in a few words: the same for every row of a measure (the reports' words go in the definition)."""
    text = " ".join(units)
    if kind == "count":
        return "rows" if units == ["rows"] else "count"
    if "percentage points" in text:
        return "percentage points"
    if kind == "share":
        return "%"
    for per in ("per 100,000", "per 10,000", "per 1,000", "per 100 pupils", "per 100"):
        if per in text:
            return per
    return {"mean": "mean", "ratio": "ratio"}.get(kind, kind)


# --- the open-data shape back to the internal record ---------------------------------------------------------------


def is_open_data(raw: pd.DataFrame) -> bool:
    return "time_identifier" in raw.columns and "measure" in raw.columns


def to_internal(raw: pd.DataFrame, meta: pd.DataFrame | None) -> pd.DataFrame:
    """A published figures.csv (and its metadata) as the figures record, as the reports would name it: one row per
    report that showed the figure, the report's own measure name, the period in words (`label`), the unit and kind
    from the metadata (a count's numerator is its value). A count published only as the base of another figure
    keeps its published name (suffixed ``_count`` where a report's own figure now has that name)."""
    kinds = dict(zip(meta["measure"], meta["kind"])) if meta is not None else {}
    units = dict(zip(meta["measure"], meta["unit"])) if meta is not None else {}
    df = raw.copy()
    df["report"] = df["report"].astype(str).str.split(REPORTS_SEPARATOR)
    df = df.explode("report", ignore_index=True)
    renamed_from = {old for (_, old) in RENAMES}
    rows = []
    for r in df.to_dict("records"):
        published = str(r["measure"])
        kind = kinds.get(published, "count")
        own = reports_name(r["report"], published)
        if own == published and kind == "count" and published in renamed_from:
            own = f"{published}_count"
        start = (
            date.fromisoformat(r["period_start"]) if isinstance(r["period_start"], str) and r["period_start"] else None
        )
        end = date.fromisoformat(r["period_end"]) if isinstance(r["period_end"], str) and r["period_end"] else None
        spec = PeriodSpec(str(r["time_period"]), str(r["time_identifier"]), start, end)
        unit = str(units.get(published, ""))
        source = r.get("source")
        if isinstance(source, str) and source:
            unit = f"{unit} (as published: {source})"
        value = pd.to_numeric(r["value"], errors="coerce")
        rows.append(
            {
                "report": r["report"],
                "measure": own,
                "breakdown": r["breakdown"],
                "group": r["group"],
                "period": label(spec),
                "kind": kind if kind in figures_module.KINDS else "count",
                "numerator": value if kind == "count" else np.nan,
                "value": value,
                "lower": pd.to_numeric(r["lower"], errors="coerce"),
                "upper": pd.to_numeric(r["upper"], errors="coerce"),
                "unit": unit,
                "suppressed": str(r["suppressed"]).strip().lower() in ("true", "1"),
            }
        )
    return figures_module.frame(rows)
