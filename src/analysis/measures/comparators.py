"""Published comparator figures: load and check ``data/reference/comparators.csv``.

The file holds figures other people published (the YJB Youth Data Summary as
printed in an area's youth justice plan), one row per area, measure, period and
publication, so a report can set a locally computed figure beside them. Columns:

area_type         this_yjs, police_force_area, yjs_family or england_and_wales (`codes.AREA_TYPES`)
area_name         the area as the publication names it ("South Yorkshire PCC", "YOT Family", "National")
measure           binary_reoffending_rate, reoffences_per_reoffender, custody_rate_per_1000 or
                  first_time_entrants_change (`MEASURES`)
period            the period as ``Mon YYYY to Mon YYYY`` (the MoJ's calendar-month labels),
                  e.g. ``Jul 2019 to Jun 2020``
value             the figure exactly as printed (``25.0``, ``4.30``, ``0.00``, ``-19.6``): the text is kept, so it
                  reads back as published; a minus sign only for a change, which can be a fall
unit              the unit the measure must have (see `MEASURES`)
publication       the document the figure was copied from
publication_date  when it was published or signed off: ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` where only
                  that is known
source            where in the publication (table or chart) the figure is

Figures are revised between publications (the 2019/21 and 2022-23 Rotherham
plans give different custody rates for the same years: docs/methodology.md, published figure I-14), so the
same area, measure and period may appear once per publication; both rows are
kept, and `latest` picks the most recent publication's figure. Values are as
published, including the plans' own slips: the 2019/21 plan's text calls the
Jul 2016 to Jun 2017 figures "Jun 15 - Jun 16" (I-10) and prints a ratio with a
% sign (I-12); the tables are followed here.

A change (``first_time_entrants_change``) is the percentage change the publication gives for the 12 months named
in ``period`` against the 12 months before them, as printed (``-27`` for "-27%"): the plans give the change in
first time entrants for the area, its YJS family and England and Wales, not the rates.

Any problem stops the load with `ComparatorError`, one message per problem
naming the file, the line (the header is line 1), the column and the rule.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data import codes
from analysis.safety import figures

COLUMNS = ("area_type", "area_name", "measure", "period", "value", "unit", "publication", "publication_date", "source")
KEY = ("area_type", "area_name", "measure", "period", "publication")


@dataclass(frozen=True)
class Measure:
    label: str
    unit: str
    kind: str  # the figures kind: share, mean or rate
    maximum: float
    minimum: float = 0  # below 0 only for a change, which can be a fall


CHANGE_UNIT = "% change on the 12 months before"


MEASURES = {
    "binary_reoffending_rate": Measure("Binary reoffending rate", "%", "share", 100),
    "reoffences_per_reoffender": Measure("Reoffences per reoffender", "reoffences per reoffender", "mean", 100),
    "custody_rate_per_1000": Measure(
        "Custody rate per 1,000 children aged 10 to 17", "per 1,000 children aged 10 to 17", "rate", 1000
    ),
    "first_time_entrants_change": Measure(
        "Change in first time entrants on the 12 months before", CHANGE_UNIT, "share", 1000, minimum=-100
    ),
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PERIOD = re.compile(rf"^({'|'.join(MONTHS)}) (\d{{4}}) to ({'|'.join(MONTHS)}) (\d{{4}})$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
DEFAULT_PATH = paths.COMPARATORS


class ComparatorError(ValueError):
    """The comparators file cannot be used: one message per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def __str__(self) -> str:
        return "The comparators file cannot be used until these problems are fixed:" + "".join(
            f"\n  - {p}" for p in self.problems
        )


def period_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day of a ``Mon YYYY to Mon YYYY`` period, or None if it is not written that way."""
    match = _PERIOD.match(text)
    if not match:
        return None
    start = pd.Timestamp(int(match[2]), MONTHS.index(match[1]) + 1, 1)
    end = pd.Timestamp(int(match[4]), MONTHS.index(match[3]) + 1, 1) + pd.offsets.MonthEnd(0)
    return start, end


def _date_ok(text: str) -> bool:
    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")]
    try:
        pd.Timestamp(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def _read(path: Path) -> list[list[str]]:
    name = path.name
    if not path.exists():
        raise ComparatorError(
            [
                f"{name}: the file is missing ({path}). It ships with the product as "
                "data/reference/comparators.csv; restore it from git or point comparators_path at a copy."
            ]
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise ComparatorError(
            [f"{name}: cannot be read as UTF-8 text (byte {err.start}). Save it as 'CSV UTF-8'."]
        ) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise ComparatorError([f"{name}: the file is empty; it needs the header row {','.join(COLUMNS)}."])
    return rows


def check(rows: list[list[str]], name: str = "comparators.csv") -> list[str]:
    """Every problem with the rows of the file (the first row is the header), as messages."""
    header = [h.strip() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return [f"{name}, line 1: missing column(s) {', '.join(missing)}; the header must be {','.join(COLUMNS)}."]
    problems: list[str] = []
    seen: dict[tuple, int] = {}
    where = {c: header.index(c) for c in COLUMNS}
    if len(rows) == 1:
        return [f"{name}: has a header but no figures."]
    for line, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            problems.append(
                f"{name}, line {line}: has {len(raw)} cells, the header has {len(header)} "
                "(a comma in an unquoted value?)."
            )
            continue
        row = {c: raw[i].strip() for c, i in where.items()}

        def bad(column: str, rule: str) -> None:
            problems.append(f"{name}, line {line}, column {column}: {rule} (value {row[column]!r}).")

        for column in COLUMNS:
            if not row[column]:
                bad(column, "value missing (every column is required)")
        if row["area_type"] and row["area_type"] not in codes.AREA_TYPES:
            bad("area_type", f"must be one of {', '.join(codes.AREA_TYPES)}")
        measure = MEASURES.get(row["measure"])
        if row["measure"] and measure is None:
            bad("measure", f"must be one of {', '.join(MEASURES)}")
        if row["period"] and (bounds := period_bounds(row["period"])) is None:
            bad("period", "must be written like 'Jul 2019 to Jun 2020'")
        elif row["period"] and bounds[1] <= bounds[0]:
            bad("period", "ends before it starts")
        if row["value"]:
            if not _NUMBER.match(row["value"]):
                bad(
                    "value",
                    "must be a number written with digits and a decimal point, as published (no %, commas or symbols)",
                )
            elif measure is not None and float(row["value"]) > measure.maximum:
                bad("value", f"must be at most {measure.maximum:g} for {row['measure']}")
            elif measure is not None and float(row["value"]) < measure.minimum:
                bad("value", f"must be at least {measure.minimum:g} for {row['measure']}")
        if measure is not None and row["unit"] and row["unit"] != measure.unit:
            bad("unit", f"must be '{measure.unit}' for {row['measure']}")
        if row["publication_date"] and not _date_ok(row["publication_date"]):
            bad(
                "publication_date",
                "must be a date written YYYY-MM-DD (or YYYY-MM, or YYYY where only the year is known)",
            )
        key = tuple(row[c] for c in KEY)
        if all(key):
            if key in seen:
                problems.append(
                    f"{name}, line {line}: repeats line {seen[key]} (same area, measure, period and publication). "
                    "A revised figure belongs to a different publication."
                )
            else:
                seen[key] = line
    return problems


def load(path: str | Path = DEFAULT_PATH) -> pd.DataFrame:
    """The checked comparator figures.

    Returns the file's columns (``value`` as a float) plus ``value_as_published``
    (the text exactly as in the file), ``decimals`` (the decimal places
    published), ``period_start``/``period_end`` and ``publication_order`` (a
    sortable publication date).
    """
    path = Path(path)
    rows = _read(path)
    problems = check(rows, path.name)
    if problems:
        raise ComparatorError(problems)
    header = [h.strip() for h in rows[0]]
    body = [[cell.strip() for cell in r] for r in rows[1:] if any(cell.strip() for cell in r)]
    df = pd.DataFrame(body, columns=header)[list(COLUMNS)].astype(str)
    df["value_as_published"] = df["value"]
    df["decimals"] = df["value"].str.split(".").str[1].str.len().fillna(0).astype(int)
    df["value"] = df["value"].astype(float)
    bounds = df["period"].map(period_bounds)
    df["period_start"] = pd.to_datetime(bounds.str[0])
    df["period_end"] = pd.to_datetime(bounds.str[1])
    df["publication_order"] = pd.to_datetime(
        df["publication_date"].where(df["publication_date"].str.len() > 4, df["publication_date"] + "-01"),
        format="mixed",
    )
    return df


def latest(df: pd.DataFrame) -> pd.DataFrame:
    """One figure per area, measure and period: the one from the most recent publication."""
    ordered = df.sort_values(["publication_order", "publication"], kind="stable")
    return ordered.drop_duplicates(["area_type", "area_name", "measure", "period"], keep="last").sort_index()


def revisions(df: pd.DataFrame) -> pd.DataFrame:
    """Figures published more than once with different values: one row per publication of each."""
    keys = ["area_type", "area_name", "measure", "period"]
    differs = df.groupby(keys)["value_as_published"].transform("nunique") > 1
    return df[differs].sort_values(keys + ["publication_order"], kind="stable")


def table(df: pd.DataFrame, measure: str, publication: str | None = None) -> pd.DataFrame:
    """Areas by period for one measure (latest publication of each figure unless one is named), as published text."""
    chosen = df[df["measure"] == measure]
    chosen = chosen[chosen["publication"] == publication] if publication else latest(chosen)
    order = list(
        dict.fromkeys(
            chosen.sort_values("area_type", key=lambda s: s.map(list(codes.AREA_TYPES).index), kind="stable")[
                "area_name"
            ]
        )
    )
    periods = list(dict.fromkeys(chosen.sort_values("period_start", kind="stable")["period"]))
    return chosen.pivot(index="area_name", columns="period", values="value_as_published").reindex(
        index=order, columns=periods
    )


def display_kind(unit: str, decimals: int) -> str:
    """The figures kind that makes the reports print a published value with the decimals it was published with
    (shares print as 25.0%, ratios to two places as 4.47 or 0.12). A change prints with a % sign, to the decimals
    each figure was published with (-27%, -19.6%), which `by_area` gives the table."""
    if unit == "%" and decimals == 1:
        return "share"
    if unit == CHANGE_UNIT and decimals in (0, 1, 2):
        return "share"
    if unit != "%" and decimals == 2:
        return "ratio"
    raise ValueError(f"No figures kind prints a value in '{unit}' to {decimals} decimal places as published")


def as_figures(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The latest published figures for one measure in the figures shape (group = area as published).

    These are other people's published aggregates: there are no counts, so
    nothing is suppressed. ``kind`` is chosen by `display_kind`, so tables print
    each value exactly as published; ``unit`` names the unit and the source.
    """
    chosen = latest(df[df["measure"] == measure])
    chosen = chosen.assign(_area=chosen["area_type"].map(list(codes.AREA_TYPES).index)).sort_values(
        ["period_start", "_area"], kind="stable"
    )
    rows = [
        {
            "measure": f"published_{measure}",
            "breakdown": "area",
            "group": r.area_name,
            "period": r.period,
            "kind": display_kind(r.unit, r.decimals),
            "value": r.value,
            "unit": f"{r.unit} (as published: {r.source})",
        }
        for r in chosen.itertuples()
    ]
    return figures.frame(rows)


def by_period(fig: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """Published figures (from `as_figures`) laid out for ``rep.table``: one column per period, one row per area."""
    periods = list(dict.fromkeys(fig["period"]))
    return fig.assign(measure=fig["period"]), {p: (p, "value") for p in periods}


def latest_period(fig: pd.DataFrame) -> pd.DataFrame:
    """Published figures (from `as_figures`) for their most recent period only."""
    if fig.empty:
        return fig
    ends = fig["period"].map(lambda p: (period_bounds(p) or (pd.NaT, pd.NaT))[1])
    return fig[ends == ends.max()].reset_index(drop=True)


def by_area(fig: pd.DataFrame, comps: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, str]], dict[str, int]]:
    """Published figures (from `as_figures`) laid out for ``rep.table``: one row per period, one column per area
    (headed "YOT Family (YJS family)"), with the decimal places each area's figure was published with, so that
    -27 prints as -27% and -19.6 as -19.6%. Returns (figures, columns, decimals).

    Decimals are set per column, so an area whose figures were published to different decimals in the periods given
    is an error: lay out one period at a time (`latest_period`)."""
    rows = latest(comps)
    published = {
        (f"published_{r.measure}", r.area_name, r.period): (r.area_type, r.decimals) for r in rows.itertuples()
    }
    order = list(codes.AREA_TYPES)
    columns: dict[str, tuple[str, str]] = {}
    decimals: dict[str, int] = {}
    shown = []
    for r in fig.to_dict("records"):
        area_type, places = published[(r["measure"], r["group"], r["period"])]
        header = f"{r['group']} ({codes.AREA_TYPES[area_type]})"
        if decimals.setdefault(header, places) != places:
            raise ValueError(f"{r['group']}'s figures were published to different decimals: show one period at a time")
        columns[header] = (f"{area_type}:{r['group']}", "value")
        shown.append(r | {"measure": f"{area_type}:{r['group']}", "group": r["period"]})
    ordered = sorted(columns, key=lambda h: order.index(columns[h][0].split(":")[0]))
    return figures.frame(shown), {h: columns[h] for h in ordered}, decimals


def this_area(comps: pd.DataFrame) -> str:
    names = list(dict.fromkeys(comps.loc[comps["area_type"] == "this_yjs", "area_name"]))
    return names[0] if names else "this area"


def same_area(comps: pd.DataFrame, area_name: str) -> bool:
    """Does the comparator file's own area (this_yjs) name the area of the extract?"""
    this = this_area(comps).lower()
    return this != "this area" and (this in area_name.lower() or area_name.lower() in this)


def sources(comps: pd.DataFrame, fig: pd.DataFrame) -> str:
    """'Source: ...' for published figures (from `as_figures`): each publication's table or page once."""
    keys = set(zip(fig["measure"].str.removeprefix("published_"), fig["group"], fig["period"]))
    rows = latest(comps)
    chosen = [
        s for m, a, p, s in zip(rows["measure"], rows["area_name"], rows["period"], rows["source"]) if (m, a, p) in keys
    ]
    return "Source: " + "; ".join(dict.fromkeys(chosen)) + "." if chosen else ""
