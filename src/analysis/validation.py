"""Check an extract folder against the data contract.

Two kinds of problem, handled differently:

* **File problems** (a missing or unreadable file, a missing column, an
  unusable extract_info.csv) stop the run: `ExtractError` carries one message
  per problem, each naming the file and what to do.
* **Row problems** (a blank required value, a wrong type, an unknown code, an
  impossible date, dates in the wrong order, a duplicate id, a reference to a
  row that does not exist) do not: the row is set aside with every rule it
  broke, and the rest goes on. For every extract, rows received = rows
  accepted + rows set aside.

Row numbers are the line numbers of the CSV file (the header is line 1), so an
analyst can open the file at the right place.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pyarrow
import pyarrow.compute as pc

from .contract import EXTRACT_INFO_FIELDS, EXTRACTS, Column, Extract

EARLIEST_DATE = pd.Timestamp("1990-01-01")
DATE_FORMS = "YYYY-MM-DD or DD/MM/YYYY"


class ExtractError(Exception):
    """Problems that stop the run: the extract cannot be read as the contract says."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def __str__(self) -> str:
        head = "The extract cannot be used until these problems are fixed (see data/README.md for the contract):"
        return head + "".join(f"\n  - {p}" for p in self.problems)


@dataclass
class Validated:
    """The accepted rows (typed), the rows set aside (as received, with reasons) and the counts."""

    info: dict[str, object]
    tables: dict[str, pd.DataFrame]
    set_aside: dict[str, pd.DataFrame]
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)

    @property
    def counts(self) -> pd.DataFrame:
        rows = []
        for name, table in self.tables.items():
            aside = len(self.set_aside.get(name, ()))
            rows.append({"extract": EXTRACTS[name].file, "received": len(table) + aside, "accepted": len(table), "set_aside": aside})
        return pd.DataFrame(rows)

    @property
    def extract_date(self) -> date:
        return self.info["extract_date"]

    @property
    def area_name(self) -> str:
        return self.info["area_name"]


# --- parsing helpers -------------------------------------------------------------

def isin(values: pd.Series, allowed) -> pd.Series:
    """`values.isin(allowed)` for text, done in Arrow: pandas 3 converts `allowed` one value at a
    time in Python, which takes minutes for millions of identifiers. Missing values are never in."""
    arr = pyarrow.array(values.astype("string[pyarrow]"))
    allowed = pd.Series(list(allowed) if isinstance(allowed, (set, frozenset, list, tuple)) else allowed)
    value_set = pyarrow.array(allowed.dropna().astype("string[pyarrow]").unique()).cast(arr.type)
    hit = pc.is_in(arr, value_set=value_set).fill_null(False)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates, falling back to UK day/month/year; anything else is NaT."""
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(values.where(iso.isna()), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk).astype("datetime64[ns]")


def parse_ints(values: pd.Series) -> pd.Series:
    ok = values.str.fullmatch(r"[+-]?\d+").fillna(False).astype(bool)
    return pd.to_numeric(values.where(ok), errors="coerce").astype("Int64")


def _tidy(values: pd.Series) -> pd.Series:
    """Trim spaces and make blank cells missing, in Arrow."""
    arr = pc.utf8_trim_whitespace(pyarrow.array(values.astype("string[pyarrow]")))
    arr = pc.if_else(pc.equal(arr, ""), pyarrow.scalar(None, arr.type), arr)
    return pd.Series(arr.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow", na_value=np.nan)), index=values.index)


def read_csv(path: Path, name: str) -> pd.DataFrame:
    """Read a CSV as text, or raise ExtractError naming the file and the trouble."""
    if not path.exists():
        raise ExtractError([f"{name}: the file is missing from {path.parent}. Every extract in the contract is required."])
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow", encoding="utf-8-sig")
    except Exception:  # Arrow's reader is fast but terse: let the C parser name the problem
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise ExtractError([f"{name}: cannot be read as UTF-8 text (byte {err.start}). Save it as 'CSV UTF-8' and try again."])
        except pd.errors.EmptyDataError:
            raise ExtractError([f"{name}: the file is empty; it needs at least the header row."])
        except (pd.errors.ParserError, csv.Error) as err:
            raise ExtractError([f"{name}: is not a readable CSV file ({' '.join(str(err).split())})."])
    frame.columns = [str(c).strip() for c in frame.columns]
    return pd.DataFrame({c: _tidy(frame[c]) for c in frame.columns}, index=frame.index) if len(frame) else frame


# --- the contract as pandera schemas -------------------------------------------------

def _checks(column: Column, extract_date: pd.Timestamp) -> list:
    import pandera.pandas as pa  # imported when validating, so report kernels that read the cache skip it

    if column.kind == "date":
        return [
            pa.Check(lambda s: parse_dates(s).notna(), error=f"not a date: write dates as {DATE_FORMS}"),
            pa.Check(lambda s: ~(parse_dates(s) > extract_date), error=f"date after the extract date ({extract_date:%d %B %Y})"),
            pa.Check(lambda s: ~(parse_dates(s) < EARLIEST_DATE), error=f"date before {EARLIEST_DATE:%Y}, which cannot be right"),
        ]
    if column.kind == "int":
        checks = [pa.Check(lambda s: s.str.fullmatch(r"[+-]?\d+").fillna(False).astype(bool), error="not a whole number")]
        lo, hi = column.minimum, column.maximum
        if lo is not None or hi is not None:
            def _within_contract_range(s, lo=lo, hi=hi):
                n = parse_ints(s)
                ok = pd.Series(True, index=s.index)
                if lo is not None:
                    ok &= ~(n < lo).fillna(False)
                if hi is not None:
                    ok &= ~(n > hi).fillna(False)
                return ok.astype(bool)
            checks.append(pa.Check(_within_contract_range, error=f"outside the allowed range {lo} to {hi}"))
        return checks
    if column.kind == "code":
        allowed = set(column.codes)
        shown = ", ".join(column.codes[:8]) + (", ..." if len(column.codes) > 8 else "")
        return [pa.Check(lambda s: isin(s, allowed), error=f"not a code in the contract's list ({shown})")]
    if column.pattern:
        return [pa.Check(lambda s: s.str.fullmatch(column.pattern).fillna(False).astype(bool), error=f"not {column.pattern_hint}")]
    return []


def schema_for(extract: Extract, extract_date: pd.Timestamp):
    import pandera.pandas as pa

    columns = {c.name: pa.Column(nullable=not c.required, checks=_checks(c, extract_date), coerce=False) for c in extract.columns}
    return pa.DataFrameSchema(columns, strict=False, name=extract.file)


def _rule_text(check: str, column: str) -> str:
    if check == "not_nullable":
        return "value missing (required)"
    return check


# --- validating one extract -------------------------------------------------------------

def _row_problems(frame: pd.DataFrame, extract: Extract, extract_date: pd.Timestamp) -> pd.Series:
    """Every rule each row breaks, as one text per row index (rows with none are absent)."""
    import pandera.pandas as pa

    try:
        schema_for(extract, extract_date).validate(frame[[c.name for c in extract.columns]], lazy=True)
        return pd.Series(dtype=object)
    except pa.errors.SchemaErrors as err:
        crashed = err.failure_cases[err.failure_cases["index"].isna()]
        if len(crashed):  # a check that raised is a bug in this package, not in the data
            raise RuntimeError(f"{extract.file}: a validation check failed to run: {crashed.iloc[0]['failure_case']}")
        cases = err.failure_cases
    values = cases["failure_case"].astype(object).where(cases["failure_case"].notna(), None)
    text = [
        f"{col}: {_rule_text(check, col)}" + (f" (value '{val}')" if val is not None else "")
        for col, check, val in zip(cases["column"], cases["check"], values)
    ]
    return pd.Series(text, index=cases["index"].astype(int).to_numpy()).groupby(level=0).agg("; ".join)


def _typed(frame: pd.DataFrame, extract: Extract) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for column in extract.columns:
        values = frame[column.name]
        if column.kind == "date":
            out[column.name] = parse_dates(values)
        elif column.kind == "int":
            out[column.name] = parse_ints(values)
        else:
            out[column.name] = values.astype("string")
    return out


class _Collector:
    """Problems found after the type checks, keyed by row index."""

    def __init__(self):
        self.problems: dict[int, list[str]] = {}

    def add(self, mask: pd.Series, texts: pd.Series | str) -> None:
        idx = mask[mask].index
        if isinstance(texts, str):
            texts = pd.Series(texts, index=idx)
        for i in idx:
            self.problems.setdefault(int(i), []).append(str(texts[i]))


def validate_extract(raw: pd.DataFrame, extract: Extract, extract_date: pd.Timestamp,
                     accepted: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split one extract into accepted (typed) rows and rows set aside (as received, with line and problems)."""
    lines = pd.Series(np.arange(len(raw)) + 2, index=raw.index)
    found = _Collector()
    first = _row_problems(raw, extract, extract_date)
    found.add(pd.Series(raw.index.isin(first.index), index=raw.index), first.reindex(raw.index))
    typed = _typed(raw, extract)

    for earlier, later in extract.date_order:
        wrong = (typed[later] < typed[earlier]).fillna(False).astype(bool)
        found.add(wrong, f"{later} is before {earlier}")

    if extract.key:
        keys = list(extract.key)
        dup = raw.duplicated(keys, keep="first") & raw[keys].notna().all(axis=1)
        if dup.any():
            involved = raw.loc[raw.duplicated(keys, keep=False), keys].reset_index()
            first_line = involved.groupby(keys)["index"].transform("first").set_axis(involved["index"])
            texts = ("duplicate " + " + ".join(keys) + " (first seen on line "
                     + (first_line.reindex(raw.index) + 2).astype("Int64").astype(str) + ")")
            found.add(dup, texts)

    for ref in extract.references:
        parent = accepted.get(ref.extract)
        known = parent[ref.target] if parent is not None else pd.Series([], dtype="string")
        missing = raw[ref.column].notna() & ~isin(raw[ref.column], known)
        found.add(missing, f"{ref.column} '" + raw[ref.column].astype(str) + f"' not found among the accepted rows of {EXTRACTS[ref.extract].file}")

    _special_rules(extract.name, raw, typed, accepted, found)

    bad = pd.Series(False, index=raw.index)
    bad[list(found.problems)] = True
    set_aside = raw[bad].copy()
    set_aside.insert(0, "line", lines[bad])
    set_aside["problems"] = [ "; ".join(found.problems[int(i)]) for i in set_aside.index]
    return typed[~bad].reset_index(drop=True), set_aside.reset_index(drop=True)


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """values[key] for each key (NaN/NaT where the key is unknown), keeping the dtype of `values`."""
    return pd.Series(values.reindex(keys.astype(object)).to_numpy(), index=keys.index)


def _special_rules(name, raw, typed, accepted, found: _Collector) -> None:
    """Rules that join tables: outcome before offence, offence before age 10, mismatched child."""
    if name == "offences" and "children" in accepted:
        dob = _lookup(typed["child_id"], accepted["children"].set_index("child_id")["date_of_birth"])
        tenth = dob + pd.DateOffset(years=10)
        too_young = (typed["offence_date"] < tenth).fillna(False).astype(bool)
        found.add(too_young, "offence_date is before the child's 10th birthday (the age of criminal responsibility)")
    if name == "outcomes" and "offences" in accepted:
        offences = accepted["offences"].set_index("offence_id")
        offence_date = _lookup(typed["offence_id"], offences["offence_date"])
        early = (typed["outcome_date"] < offence_date).fillna(False).astype(bool)
        found.add(early, "outcome_date is before the offence_date of its offence")
        owner = _lookup(typed["offence_id"], offences["child_id"].astype(object))
        mismatch = (owner.notna() & typed["child_id"].notna() & (owner != typed["child_id"])).fillna(False).astype(bool)
        found.add(mismatch, "child_id differs from the child_id of its offence")


# --- the whole folder --------------------------------------------------------------

def read_info(data_dir: Path) -> dict[str, object]:
    extract = EXTRACTS["extract_info"]
    frame = read_csv(data_dir / extract.file, extract.file)
    missing = [c.name for c in extract.columns if c.name not in frame.columns]
    if missing:
        raise ExtractError([f"{extract.file}: needs the columns field,value (found: {', '.join(frame.columns)})."])
    values = dict(zip(frame["field"], frame["value"]))
    problems = [f"{extract.file}: no row for the field '{f}'." for f in EXTRACT_INFO_FIELDS if pd.isna(values.get(f, np.nan))]
    info: dict[str, object] = {"area_name": values.get("area_name")}
    if "extract_date" in values and not pd.isna(values["extract_date"]):
        parsed = parse_dates(pd.Series([values["extract_date"]]))[0]
        if pd.isna(parsed):
            problems.append(f"{extract.file}: extract_date '{values['extract_date']}' is not a date; write {DATE_FORMS}.")
        else:
            info["extract_date"] = parsed.date()
    if problems:
        raise ExtractError(problems)
    return info


def validate_folder(data_dir: Path) -> Validated:
    """Validate every extract of the contract in `data_dir`."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ExtractError([f"The data folder {data_dir} does not exist."])
    info = read_info(data_dir)
    extract_date = pd.Timestamp(info["extract_date"])

    raw: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    ignored: dict[str, list[str]] = {}
    for name, extract in EXTRACTS.items():
        if name == "extract_info":
            continue
        try:
            frame = read_csv(data_dir / extract.file, extract.file)
        except ExtractError as err:
            problems.extend(err.problems)
            continue
        wanted = [c.name for c in extract.columns]
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            problems.append(
                f"{extract.file}: missing column(s) {', '.join(missing)}. "
                f"The contract needs {', '.join(wanted)}; the file has {', '.join(frame.columns) or 'no columns'}."
            )
            continue
        ignored[name] = [c for c in frame.columns if c not in wanted]
        raw[name] = frame[wanted]
    if problems:
        raise ExtractError(problems)

    tables: dict[str, pd.DataFrame] = {}
    set_aside: dict[str, pd.DataFrame] = {}
    for name, frame in raw.items():
        tables[name], set_aside[name] = validate_extract(frame, EXTRACTS[name], extract_date, tables)
    return Validated(info=info, tables=tables, set_aside=set_aside, ignored_columns={k: v for k, v in ignored.items() if v})


def describe_problems(set_aside: pd.DataFrame, top: int = 5) -> str:
    """The most common reasons rows were set aside, in words, for a report."""
    if set_aside.empty:
        return "none"
    # Reasons only: the values (which may be identifiers) stay in the quarantine file, never in a report.
    reasons = (set_aside["problems"].str.split("; ").explode()
               .str.replace(r" \(.*\)$", "", regex=True).str.replace(r" '[^']*'", "", regex=True))
    counts = reasons.value_counts().head(top)
    return "; ".join(f"{reason} ({n})" for reason, n in counts.items())
