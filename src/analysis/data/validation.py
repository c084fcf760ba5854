"""Check an extract folder against the data contract.

Two kinds of problem, handled differently:

* **File problems** (a missing or unreadable file, a folder where a file should
  be, a missing or repeated column, an unusable extract_info.csv) stop the run:
  `ExtractError` carries one message per problem, each naming the file and what
  to do.
* **Row problems** (a blank required value, a wrong type, an unknown code, an
  impossible date, dates in the wrong order, a duplicate id, a reference to a
  row that does not exist) do not: the row is set aside with every rule it
  broke, and the rest goes on. For every extract, rows received = rows
  accepted + rows set aside.

Row numbers are the line numbers of the CSV file as a text editor shows them
(the header is line 1; blank lines and line breaks inside quoted values count),
so an analyst can open the file at the right place.

Optional files (`contract.OPTIONAL`) may be left out: an absent one is no
problem, is named in `Validated.absent` (so a report can say it was not
supplied) and has no table; a reference to it from another file is not checked.
A present one is checked like any other, except that a date written
1900-01-01 (the YJB systems' "no date", decision D12) is read as blank, and
counted (`Validated.no_date`) so the reports can say so. Any other date before
1990 is set aside, as in every file.

The folder is checked in two passes, so that a national-size extract fits in
memory: first every file's header row (every missing file, unreadable header or
missing column is reported together), then one extract at a time, read, checked
and handed on (`validate_folder(..., on_extract=...)`) before the next is read.
Only the columns later extracts refer to are kept between extracts.
"""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pyarrow
import pyarrow.compute as pc

from analysis.data import lookup
from analysis.data.codes import HEALTH_INTERVENTIONS_BY_DOMAIN, NO_DATE
from analysis.data.contract import EXTRACT_INFO_FIELDS, EXTRACTS, OPTIONAL, Column, Extract

EARLIEST_DATE = pd.Timestamp("1990-01-01")
DATE_FORMS = "YYYY-MM-DD or DD/MM/YYYY"
MAX_INT_DIGITS = 18  # any whole number of up to 18 digits (after leading zeros) fits in int64


class ExtractError(Exception):
    """Problems that stop the run: the extract cannot be read as the contract says."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def __reduce__(self):  # so it crosses from the process that validated, problems intact
        return (type(self), (self.problems,))

    def __str__(self) -> str:
        head = "The extract cannot be used until these problems are fixed (see data/README.md for the contract):"
        return head + "".join(f"\n  - {p}" for p in self.problems)


@dataclass
class Validated:
    """The accepted rows (typed), the rows set aside (as received, with reasons) and the counts.

    `sizes` (accepted, set aside, by extract) and `problems` (the main reasons, by file) say what was found;
    when `validate_folder` hands each extract to a callback, `tables` and `set_aside` stay empty."""

    info: dict[str, object]
    tables: dict[str, pd.DataFrame]
    set_aside: dict[str, pd.DataFrame]
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # extract -> (accepted, set aside)
    problems: dict[str, str] = field(default_factory=dict)  # extract file -> describe_problems(set aside)
    absent: tuple[str, ...] = ()  # optional extracts not supplied (names, in contract order)
    no_date: dict[str, dict[str, int]] = field(default_factory=dict)  # extract file -> column -> 1900-01-01 read blank

    @property
    def counts(self) -> pd.DataFrame:
        rows = [
            {"extract": EXTRACTS[name].file, "received": accepted + aside, "accepted": accepted, "set_aside": aside}
            for name, (accepted, aside) in self.sizes.items()
        ]
        return pd.DataFrame(rows)

    @property
    def extract_date(self) -> date:
        return self.info["extract_date"]

    @property
    def area_name(self) -> str:
        return self.info["area_name"]


# --- parsing helpers -------------------------------------------------------------

_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default text dtype: Arrow strings, NaN for missing


def _arrow(values: pd.Series) -> pyarrow.ChunkedArray:
    """The Arrow strings behind a text column (no copy when it is Arrow-backed already)."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        values = values.astype("string[pyarrow]")
    arr = values.array.__arrow_array__()
    return arr if isinstance(arr, pyarrow.ChunkedArray) else pyarrow.chunked_array([arr])


def isin(values: pd.Series, allowed) -> pd.Series:
    """`values.isin(allowed)` for text, in Arrow (`lookup.isin`), on the values' index. Missing values are never in."""
    return pd.Series(lookup.isin(values, allowed), index=values.index, dtype=bool)


def _parse_dates(values: pd.Series) -> pd.Series:
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(values.where(iso.isna()), format="%d/%m/%Y", errors="coerce")
    return iso.fillna(uk).astype("datetime64[ns]")


def _per_distinct(values: pd.Series, compute: Callable[[pd.Series], pd.Series | pd.DataFrame]):
    """compute(values) for a value-by-value computation, done once per distinct value when a long column
    holds few of them (dates, numbers, codes), then looked up for every row."""
    if len(values) < 10_000:
        return compute(values)
    encoded = _arrow(values).dictionary_encode()  # one dictionary shared by every chunk
    sizes = {len(c.dictionary) for c in encoded.chunks}
    if len(sizes) != 1 or sizes.pop() > len(values) // 4:
        return compute(values)
    dictionary = encoded.chunk(0).dictionary
    distinct = pyarrow.concat_arrays([dictionary, pyarrow.nulls(1, dictionary.type)])  # the last one: missing
    where = np.concatenate(
        [c.indices.fill_null(len(dictionary)).to_numpy(zero_copy_only=False) for c in encoded.chunks]
    )
    del encoded
    result = compute(distinct.to_pandas(types_mapper=lambda t: _TEXT))
    return result.take(where).set_axis(values.index)


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates, falling back to UK day/month/year; anything else is NaT."""
    return _per_distinct(values, _parse_dates)


def _whole(values: pd.Series) -> pd.Series:
    """Is each value written as a whole number, in ASCII digits? (Missing: no.) Not `\\d`, which matches the
    digits of every script (Arabic-Indic, full-width...): those are not read as numbers."""
    return _per_distinct(values, lambda v: v.str.fullmatch(r"[+-]?[0-9]+").fillna(False).astype(bool))


def _read_ints(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The whole numbers (Int64; NA where not one) and, for each row, +1 or -1 where the number has more
    than MAX_INT_DIGITS digits after any leading zeros (too long to read: far outside any range), else 0.
    Done in Arrow. As pd.to_numeric did, only ASCII digits are read: other digits stay NA."""
    if not len(values):
        return pd.Series(pd.array([], dtype="Int64"), index=values.index), np.zeros(0, dtype=np.int8)
    arr = _arrow(values)
    ok = pc.match_substring_regex(arr, r"^[+-]?[0-9]+$").fill_null(False).to_numpy(zero_copy_only=False)
    negative = pc.starts_with(arr, "-").fill_null(False).to_numpy(zero_copy_only=False)
    digits = pc.utf8_ltrim(pc.utf8_ltrim(arr, characters="+-"), characters="0")  # one sign at most, by the pattern
    length = pc.binary_length(digits).fill_null(0).to_numpy(zero_copy_only=False)
    huge = ok & (length > MAX_INT_DIGITS)
    readable = pyarrow.array(ok & ~huge)
    digits = pc.if_else(pc.equal(pc.binary_length(digits), 0), "0", digits)
    number = pc.cast(pc.if_else(readable, digits, pyarrow.scalar(None, digits.type)), pyarrow.int64())
    number = pc.if_else(pyarrow.array(negative), pc.negate(number), number)
    n = number.to_pandas(types_mapper={pyarrow.int64(): pd.Int64Dtype()}.get)
    sign = np.where(negative, -1, 1).astype(np.int8)
    return pd.Series(n.array, index=values.index), np.where(huge, sign, 0).astype(np.int8)


def parse_ints(values: pd.Series) -> pd.Series:
    """Whole numbers as Int64; anything else (and a number too long to read) is NA."""
    return _read_ints(values)[0]


def _tidy_chunk(chunk: pyarrow.Array) -> pyarrow.Array:
    """One chunk of text trimmed, blanks made missing. The text is copied only when some value may need
    trimming (it starts or ends with a byte of a space, ASCII or not); blanks become missing through a new
    validity bitmap."""
    if not len(chunk):
        return chunk
    if chunk.null_count or chunk.offset or not pyarrow.types.is_large_string(chunk.type):
        chunk = pc.utf8_trim_whitespace(chunk)
        return pc.if_else(pc.equal(chunk, ""), pyarrow.scalar(None, chunk.type), chunk)

    def layout(chunk):
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64, count=len(chunk) + 1)
        data = chunk.buffers()[2]
        return offsets, (np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8))

    offsets, data = layout(chunk)
    lengths = np.diff(offsets)
    filled = lengths > 0
    edges = np.concatenate([data[offsets[:-1][filled]], data[offsets[1:][filled] - 1]])
    if ((edges <= 0x20) | (edges >= 0x80)).any():  # a space may be there (every other byte is visible ASCII)
        chunk = pc.utf8_trim_whitespace(chunk)
        if chunk.offset or chunk.null_count:
            return pc.if_else(pc.equal(chunk, ""), pyarrow.scalar(None, chunk.type), chunk)
        offsets, data = layout(chunk)
        lengths = np.diff(offsets)
    blank = lengths == 0
    if not blank.any():
        return chunk
    validity = pyarrow.array(~blank).buffers()[1]
    buffers = chunk.buffers()
    return pyarrow.Array.from_buffers(
        chunk.type,
        len(chunk),
        [validity, buffers[1], buffers[2] or pyarrow.py_buffer(b"")],
        null_count=int(blank.sum()),
    )


def _tidy_arrow(arr: pyarrow.ChunkedArray) -> pyarrow.ChunkedArray:
    """Trim spaces and make blank cells missing (the text is copied only where something was trimmed)."""
    return pyarrow.chunked_array([_tidy_chunk(c) for c in arr.chunks], type=arr.type)


def _tidy(values: pd.Series) -> pd.Series:
    """Trim spaces and make blank cells missing, in Arrow."""
    arr = pc.utf8_trim_whitespace(pyarrow.array(values.astype("string[pyarrow]")))
    arr = pc.if_else(pc.equal(arr, ""), pyarrow.scalar(None, arr.type), arr)
    return pd.Series(arr.to_pandas(types_mapper=lambda t: _TEXT), index=values.index)


# --- reading the files ----------------------------------------------------------------


def _arrow_csv_options(include: list[str] | None = None):
    """What pandas' pyarrow engine uses for dtype=str, keep_default_na=False: every column text, nothing missing."""
    import pyarrow.csv as pacsv

    convert = pacsv.ConvertOptions(
        default_column_type=pyarrow.large_string(),
        null_values=[],
        strings_can_be_null=False,
        include_columns=include or [],
    )
    return pacsv.ReadOptions(), pacsv.ParseOptions(), convert


def _plain_names(names: list[str]) -> bool:
    """Header names that pandas would keep as they are (no blank, no duplicate, even once trimmed)."""
    stripped = [n.strip() for n in names]
    return "" not in names and len(set(names)) == len(names) and len(set(stripped)) == len(stripped)


def _file_problem(path: Path, name: str) -> str | None:
    """What keeps `path` from being read as a file, in words naming it (None when it can be opened): missing, a
    folder, not a plain file, or not readable (permissions; on Windows, open in another program)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        optional = ", ".join(EXTRACTS[n].file for n in OPTIONAL)
        return (
            f"{name}: the file is missing from {path.parent}. It is required: only the optional files "
            f"({optional}) may be left out."
        )
    except OSError as err:
        return f"{name}: cannot be read ({err.strerror or err}). Check that you are allowed to read it."
    if stat.S_ISDIR(mode):
        return f"{name}: is a folder, not a file ({path}). Put the extract file itself there under this name."
    if not stat.S_ISREG(mode):
        return f"{name}: is not a plain file ({path}). Put the extract file itself there under this name."
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError as err:
        return (
            f"{name}: cannot be read ({err.strerror or err}). Check that you are allowed to read it, and close it "
            "if another program (such as Excel) has it open."
        )
    return None


def _check_file(path: Path, name: str) -> None:
    problem = _file_problem(path, name)
    if problem:
        raise ExtractError([problem])


def _repeated_names(names: list[str], name: str) -> list[str]:
    """One problem per column name (trimmed) that the header gives more than once. pandas would rename the
    second ('sex.1') or, once names are trimmed, keep only one of them: neither is safe to guess. Blank names
    (empty columns at the end of a spreadsheet's export) are not names and may repeat."""
    where: dict[str, list[int]] = {}
    for i, n in enumerate(names, start=1):
        if str(n).strip():
            where.setdefault(str(n).strip(), []).append(i)
    return [
        f"{name}: the column '{n}' appears {len(at)} times in the header (columns {', '.join(map(str, at))}). "
        "Each column may appear once: remove or rename the extra one(s)."
        for n, at in where.items()
        if len(at) > 1
    ]


def _check_names(names: list[str], name: str) -> None:
    problems = _repeated_names(names, name)
    if problems:
        raise ExtractError(problems)


def _read_csv_pandas(path: Path, name: str) -> pd.DataFrame:
    """The slower reader, through pandas: it names the trouble when Arrow's reader gives up."""
    _check_file(path, name)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow", encoding="utf-8-sig")
    except Exception:  # Arrow's reader is fast but terse: let the C parser name the problem
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise ExtractError(
                [f"{name}: cannot be read as UTF-8 text (byte {err.start}). Save it as 'CSV UTF-8' and try again."]
            ) from None
        except pd.errors.EmptyDataError:
            raise ExtractError([f"{name}: the file is empty; it needs at least the header row."]) from None
        except (pd.errors.ParserError, csv.Error) as err:
            raise ExtractError([f"{name}: is not a readable CSV file ({' '.join(str(err).split())})."]) from None
        except OSError as err:
            raise ExtractError([f"{name}: cannot be read ({err.strerror or err})."]) from None
    # pandas renames a repeated column ('sex.1'): the header as written says whether one was
    try:
        header = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        names = list(header.iloc[0]) if len(header) else []
    except Exception:  # read whole just now: not expected, and then the names as read are all there is
        names = list(frame.columns)
    _check_names(names, name)
    frame.columns = [str(c).strip() for c in frame.columns]
    return pd.DataFrame({c: _tidy(frame[c]) for c in frame.columns}, index=frame.index) if len(frame) else frame


def _read_csv_arrow(path: Path, columns: list[str] | None = None) -> pd.DataFrame | None:
    """Read (the given trimmed-name columns of) a CSV with Arrow directly, trimming in Arrow before pandas sees
    it; None when the file needs pandas' reader (an error to name, an empty body, unusual header names)."""
    import pyarrow.csv as pacsv

    try:
        if columns is not None:  # Arrow selects by the names as written, which may carry spaces
            with pacsv.open_csv(path, *_arrow_csv_options()) as reader:
                names = reader.schema.names
            if not _plain_names(names):
                return None
            written = {n.strip(): n for n in names}
            if any(c not in written for c in columns):
                return None
            include = [written[c] for c in columns]
        else:
            include = None
        table = pacsv.read_csv(path, *_arrow_csv_options(include))
    except Exception:
        return None
    if table.num_rows == 0 or not _plain_names(table.column_names):
        return None
    from concurrent.futures import ThreadPoolExecutor

    names, arrays = [n.strip() for n in table.column_names], table.columns
    del table

    def tidy(i: int) -> pd.Series:  # each column freed as soon as it is replaced, two at a time
        arr, arrays[i] = arrays[i], None
        return _tidy_arrow(arr).to_pandas(types_mapper=lambda t: _TEXT)

    with ThreadPoolExecutor(2) as pool:
        columns = list(pool.map(tidy, range(len(names))))
    return pd.DataFrame(dict(zip(names, columns)), copy=False)


def read_csv(path: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV as text (spaces trimmed, blank cells missing), or raise ExtractError naming the file and
    the trouble. With `columns`, only those columns (which must be there), in that order."""
    _check_file(path, name)
    frame = _read_csv_arrow(path, columns)
    if frame is None:
        frame = _read_csv_pandas(path, name)
        if columns is not None:
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise ExtractError([_missing_columns(name, columns, list(frame.columns), missing)])
    return frame if columns is None else frame[columns]


def _missing_columns(file: str, wanted: list[str], found: list[str], missing: list[str]) -> str:
    return (
        f"{file}: missing column(s) {', '.join(missing)}. "
        f"The contract needs {', '.join(wanted)}; the file has {', '.join(found) or 'no columns'}."
    )


def read_header(path: Path, name: str) -> list[str]:
    """The column names of a CSV (trimmed), read from its start, or raise ExtractError as `read_csv` does."""
    import pyarrow.csv as pacsv

    _check_file(path, name)
    try:
        with pacsv.open_csv(path, *_arrow_csv_options()) as reader:
            names = reader.schema.names  # as written: Arrow renames nothing
    except Exception:
        names = None
    if names is not None:
        _check_names(names, name)
        if _plain_names(names):
            return [n.strip() for n in names]
    return list(_read_csv_pandas(path, name).columns)  # the whole file, to name its trouble as before


# --- line numbers ---------------------------------------------------------------------

_BLOCK = 1 << 24  # bytes of a file looked at a time when counting lines


def _blocks(path: Path):
    """The file's bytes a block at a time; a block never ends in a carriage return the next byte may pair with."""
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            while block.endswith(b"\r") and (more := handle.read(1)):
                block += more
            yield block


def _line_count(path: Path) -> int:
    """How many lines a text editor shows (a line break is \\n, \\r\\n or \\r; a last line without one counts)."""
    breaks, last = 0, b""
    for block in _blocks(path):
        breaks += block.count(b"\n")
        if b"\r" in block:
            breaks += block.count(b"\r") - block.count(b"\r\n")
        last = block[-1:]
    return breaks + (1 if last not in (b"", b"\n", b"\r") else 0)


def _record_lines(path: Path) -> np.ndarray:
    """The line (from 1) on which each record of a CSV file starts, the header's first: in numpy, a block at a
    time. As the readers do, blank lines (empty, or spaces and tabs only) hold no record, and a line break inside a
    quoted value does not end one: a line break is inside quotes when an odd number of quotes precede it (a
    quote written inside a quoted value is doubled, so this holds for any properly quoted file; the caller checks
    the count of records against the reader's, see `_LineNumbers`)."""
    found: list[np.ndarray] = []
    lines_before, parity, open_start, open_content = 0, 0, 1, False
    for block in _blocks(path):
        b = np.frombuffer(block, dtype=np.uint8)
        lf, cr = b == 10, b == 13
        content = ~(lf | cr | (b == 32) | (b == 9))
        cr[:-1] &= ~lf[1:]  # a carriage return followed by a line feed: one break, at the line feed
        breaks = np.flatnonzero(lf | cr)
        quotes = np.cumsum(b == 34, dtype=np.uint8)  # only the parity matters, so wrapping past 255 is fine
        outside = ((quotes[breaks] + parity) & 1) == 0  # the breaks that end a record (or a blank line)
        ends, end_lines = breaks[outside], lines_before + np.flatnonzero(outside) + 1
        parity = int((int(quotes[-1]) + parity) & 1)
        del lf, cr, quotes
        if len(ends):
            starts = np.concatenate([[0], ends + 1])
            tail = starts[-1] < len(b)
            has = np.logical_or.reduceat(content, starts if tail else starts[:-1])
            closed = has[: len(ends)].copy()
            closed[0] |= open_content
            start_lines = np.concatenate([[open_start], end_lines[:-1] + 1])
            found.append(start_lines[closed])
            open_start, open_content = int(end_lines[-1]) + 1, bool(has[-1]) if tail else False
        else:
            open_content |= bool(content.any())
        lines_before += len(breaks)
        del b, content, breaks
    if open_content:
        found.append(np.array([open_start]))
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, dtype=np.int64)


def _record_lines_csv(path: Path) -> np.ndarray:
    """The same as `_record_lines`, row by row through Python's csv reader: slower, but it reads a quote inside
    an unquoted value (5'10") as the readers do."""
    starts = []
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader, before = csv.reader(handle), 0
        for row in reader:
            if len(row) > 1 or (row and row[0].strip(" \t")):
                starts.append(before + 1)
            before = reader.line_num
    return np.array(starts, dtype=np.int64)


class _LineNumbers:
    """The line of a file on which each row (by position, from 0) starts, as a text editor shows it: the header
    is line 1, and blank lines and line breaks inside quoted values count. Worked out only when asked (for rows
    set aside): the file's lines are counted, and only when there are more lines than rows (blank lines, quoted
    line breaks) is each row's line found (`_record_lines`)."""

    def __init__(self, path: Path | None = None, rows: int = 0):
        self.path, self.rows, self.starts, self.known = path, rows, None, path is None

    def __call__(self, positions) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        if not self.known and len(positions):
            self.known = True
            try:
                if _line_count(self.path) != self.rows + 1:
                    starts = _record_lines(self.path)
                    if len(starts) != self.rows + 1:  # a stray quote misled the count: ask the csv reader
                        starts = _record_lines_csv(self.path)
                    self.starts = starts if len(starts) == self.rows + 1 else None
            except OSError:
                self.starts = None
        return positions + 2 if self.starts is None else self.starts[positions + 1]


# --- the contract as pandera schemas -------------------------------------------------


class _Parsed:
    """Each column of one extract parsed once (dates, numbers, code look-ups...), however many checks and
    rules use it. pandera hands a check only the non-missing values of a column with gaps: a check takes
    its rows from the whole column's result by index."""

    def __init__(self, frame: pd.DataFrame | None = None):
        self.frame, self.done = frame, {}

    def prepare(self, columns: tuple[Column, ...]) -> None:
        """Parse every column the checks need, two at a time (Arrow and numpy work outside Python's lock)."""
        from concurrent.futures import ThreadPoolExecutor

        jobs = [(what, c.name, compute, self.frame[c.name]) for c in columns for what, compute in _parsers(c).items()]
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda job: job[2](job[3]), jobs))
        for (what, name, _, _), result in zip(jobs, results):
            self.done[(what, name)] = result

    def whole(self, what: str, column: str, compute: Callable[[pd.Series], object]):
        """compute(column's values) for the whole column, once."""
        key = (what, column)
        if key not in self.done:
            self.done[key] = compute(self.frame[column])
        return self.done[key]

    def rows(self, what: str, column: str, s: pd.Series, compute: Callable[[pd.Series], pd.Series]) -> pd.Series:
        """compute(s), from the whole column's result when this extract is being validated."""
        if self.frame is None or column not in self.frame:
            return compute(s)
        full = self.whole(what, column, compute)
        if len(full) == len(s) and full.index.equals(s.index):
            return full
        if isinstance(full.index, pd.RangeIndex) and full.index.start == 0 and full.index.step == 1:
            return full.iloc[s.index.to_numpy()].set_axis(s.index)  # labels are positions
        return full.loc[s.index]


def _ints(values: pd.Series) -> pd.DataFrame:
    def read(v):
        n, huge = _read_ints(v)
        return pd.DataFrame({"n": n, "huge": huge}, index=v.index)

    return _per_distinct(values, read)


def _matches(pattern: str) -> Callable[[pd.Series], pd.Series]:
    return lambda values: _per_distinct(values, lambda v: v.str.fullmatch(pattern).fillna(False).astype(bool))


def _parsers(column: Column) -> dict[str, Callable[[pd.Series], pd.Series | pd.DataFrame]]:
    """What the checks of a column compute from its values, by name."""
    if column.kind == "date":
        return {"date": parse_dates}
    if column.kind == "int":
        return {"whole": _whole, "int": _ints}
    if column.kind == "code":
        allowed = set(column.codes)
        return {"code": lambda v: isin(v, allowed)}
    if column.pattern:
        return {"pattern": _matches(column.pattern)}
    return {}


def _checks(column: Column, extract_date: pd.Timestamp, parsed: _Parsed | None = None) -> list:
    import pandera.pandas as pa  # imported when validating, so report kernels that read the cache skip it

    parsed = parsed or _Parsed()
    name, parse = column.name, _parsers(column)
    if column.kind == "date":
        dates = lambda s: parsed.rows("date", name, s, parse["date"])
        return [
            pa.Check(lambda s: dates(s).notna(), error=f"not a date: write dates as {DATE_FORMS}"),
            pa.Check(
                lambda s: ~(dates(s) > extract_date), error=f"date after the extract date ({extract_date:%d %B %Y})"
            ),
            pa.Check(
                lambda s: ~(dates(s) < EARLIEST_DATE), error=f"date before {EARLIEST_DATE:%Y}, which cannot be right"
            ),
        ]
    if column.kind == "int":
        checks = [pa.Check(lambda s: parsed.rows("whole", name, s, parse["whole"]), error="not a whole number")]
        lo, hi = column.minimum, column.maximum

        def _within_contract_range(s, lo=lo, hi=hi):
            ints = parsed.rows("int", name, s, parse["int"])
            n, huge = ints["n"], ints["huge"].to_numpy()
            ok = pd.Series(huge == 0, index=s.index)  # a number too long to read is outside any range
            if lo is not None:
                ok &= ~(n < lo).fillna(False)
            if hi is not None:
                ok &= ~(n > hi).fillna(False)
            return ok.astype(bool)

        if lo is not None or hi is not None:
            checks.append(pa.Check(_within_contract_range, error=f"outside the allowed range {lo} to {hi}"))
        else:
            checks.append(
                pa.Check(_within_contract_range, error=f"a whole number of more than {MAX_INT_DIGITS} digits")
            )
        return checks
    if column.kind == "code":
        shown = ", ".join(column.codes[:8]) + (", ..." if len(column.codes) > 8 else "")
        return [
            pa.Check(
                lambda s: parsed.rows("code", name, s, parse["code"]),
                error=f"not a code in the contract's list ({shown})",
            )
        ]
    if column.pattern:
        return [
            pa.Check(lambda s: parsed.rows("pattern", name, s, parse["pattern"]), error=f"not {column.pattern_hint}")
        ]
    return []


def schema_for(extract: Extract, extract_date: pd.Timestamp, parsed: _Parsed | None = None):
    import pandera.pandas as pa

    columns = {
        c.name: pa.Column(nullable=not c.required, checks=_checks(c, extract_date, parsed), coerce=False)
        for c in extract.columns
    }
    return pa.DataFrameSchema(columns, strict=False, name=extract.file)


def _rule_text(check: str, column: str) -> str:
    if check == "not_nullable":
        return "value missing (required)"
    return check


# --- validating one extract -------------------------------------------------------------


def _row_problems(
    frame: pd.DataFrame, extract: Extract, extract_date: pd.Timestamp, parsed: _Parsed | None = None
) -> tuple[pd.Series, pd.Series]:
    """Every rule each row breaks, as one text per row index (rows with none are absent), with the value; and the
    same rules without the values (for reports: a value may be an identifier)."""
    import pandera.pandas as pa

    try:
        schema_for(extract, extract_date, parsed).validate(frame[[c.name for c in extract.columns]], lazy=True)
        return pd.Series(dtype=object), pd.Series(dtype=object)
    except pa.errors.SchemaErrors as err:
        crashed = err.failure_cases[err.failure_cases["index"].isna()]
        if len(crashed):  # a check that raised is a bug in this package, not in the data
            raise RuntimeError(
                f"{extract.file}: a validation check failed to run: {crashed.iloc[0]['failure_case']}"
            ) from err
        cases = err.failure_cases
    values = cases["failure_case"].astype(object).where(cases["failure_case"].notna(), None)
    text = [
        f"{col}: {_rule_text(check, col)}" + (f" (value '{val}')" if val is not None else "")
        for col, check, val in zip(cases["column"], cases["check"], values)
    ]
    rules = [f"{col}: {_rule_text(check, col)}" for col, check in zip(cases["column"], cases["check"])]
    by_row: dict[int, list[tuple[str, str]]] = {}
    for i, t, r in zip(cases["index"].astype(int).to_numpy().tolist(), text, rules):
        by_row.setdefault(i, []).append((t, r))
    rows = sorted(by_row)
    index = np.array(rows, dtype=np.int64)
    return (
        pd.Series(["; ".join(t for t, _ in by_row[i]) for i in rows], index=index, dtype=object),
        pd.Series([[r for _, r in by_row[i]] for i in rows], index=index, dtype=object),
    )


def _typed(frame: pd.DataFrame, extract: Extract, parsed: _Parsed | None = None) -> pd.DataFrame:
    parsed = parsed or _Parsed(frame)
    out = {}
    for column in extract.columns:
        if column.kind == "date":
            out[column.name] = parsed.whole("date", column.name, parse_dates)
        elif column.kind == "int":
            out[column.name] = parsed.whole("int", column.name, _ints)["n"]
        else:
            out[column.name] = frame[column.name].astype("string")
    return pd.DataFrame(out, index=frame.index)


class _Collector:
    """Problems found after the type checks, keyed by row index."""

    def __init__(self):
        self.problems: dict[int, list[str]] = {}  # with the values, for the analyst
        self.rules: dict[int, list[str]] = {}  # the same without them, for reports

    def add(self, mask: pd.Series, texts: pd.Series | str, rule: str | None = None) -> None:
        """`texts` may quote values (then `rule` says the same without them)."""
        idx = mask[mask].index
        if isinstance(texts, str):
            texts, rule = pd.Series(texts, index=idx), texts
        for i in idx:
            self.problems.setdefault(int(i), []).append(str(texts[i]))
            self.rules.setdefault(int(i), []).append(rule)


def _codes(arr: pyarrow.ChunkedArray) -> tuple[np.ndarray, np.ndarray, int]:
    """An integer per value (equal values, equal numbers; -1 where missing), whether it is present, and how
    many distinct values there are."""
    encoded = arr.dictionary_encode()  # one dictionary shared by every chunk
    sizes = {len(c.dictionary) for c in encoded.chunks}
    if len(sizes) > 1:  # not shared after all: number the values against the distinct ones instead
        distinct = pc.unique(arr)
        codes = pc.index_in(arr, value_set=distinct).fill_null(-1).to_numpy(zero_copy_only=False)
        return codes, codes >= 0, len(distinct.drop_null())
    codes = np.concatenate(
        [c.indices.fill_null(-1).to_numpy(zero_copy_only=False) for c in encoded.chunks]
        or [np.zeros(0, dtype=np.int32)]
    )
    return codes, codes >= 0, sizes.pop() if sizes else 0


def _duplicates(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the rows whose key (all parts present) was seen on an earlier row, and the position
    of that first row. Keys become integer codes in Arrow (pandas factorizes Arrow text slowly); only the
    rows of keys seen more than once are then looked at closely."""
    n = len(frame)
    present = np.ones(n, dtype=bool)
    code = np.zeros(n, dtype=np.int64)
    size = 1
    for key in keys:
        part, known, distinct = _codes(_arrow(frame[key]))
        present &= known
        if size > n:  # renumber, so that the combined code stays below n * n
            code = pd.factorize(code)[0].astype(np.int64)
            size = int(code.max(initial=-1)) + 1
        code *= distinct
        code += part
        size *= max(distinct, 1)
        del part, known
    if size > 4 * n + 1024:
        code = pd.factorize(code)[0].astype(np.int64)
        size = int(code.max(initial=-1)) + 1
    code[~present] = size  # rows with a missing part: their own bin, never counted
    again = np.bincount(code, minlength=size + 1) > 1
    again[size] = False
    involved = np.flatnonzero(again[code])
    involved_code = code[involved]
    del again, code, present
    group = pd.factorize(involved_code)[0]  # numbered in order of first appearance
    seen_before = np.maximum.accumulate(np.concatenate([[-1], group[:-1]])) if len(group) else group
    first = group > seen_before
    return involved[~first], involved[first][group[~first]]


def validate_extract(
    raw: pd.DataFrame,
    extract: Extract,
    extract_date: pd.Timestamp,
    accepted: dict[str, pd.DataFrame],
    consume: bool = False,
    lines: Callable[[np.ndarray], np.ndarray] | None = None,
    absent: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split one extract into accepted (typed) rows and rows set aside (as received, with line and problems).

    `accepted` holds the accepted rows of the extracts validated before (at least the columns that references
    and the rules joining tables use). With `consume`, the columns of `raw` are dropped as the accepted table
    is built, so a big extract is not held twice. `lines` gives the file's line of rows by position (see
    `_LineNumbers`); without it, row i is taken to be on line i + 2. References to the optional extracts in
    `absent` (not supplied) are not checked. In an optional extract a date written 1900-01-01 is read as blank;
    the set-aside rows keep it as received, and `set_aside.attrs["no_date"]` counts them by column."""
    lines = lines or _LineNumbers()
    found = _Collector()
    raw, no_date = _blank_no_dates(raw, extract)
    parsed = _Parsed(raw)
    parsed.prepare(extract.columns)
    first, first_rules = _row_problems(raw, extract, extract_date, parsed)
    for i, text in first.items():
        found.problems.setdefault(int(i), []).append(str(text))
        found.rules.setdefault(int(i), []).extend(first_rules[i])
    typed = _typed(raw, extract, parsed)

    for earlier, later in extract.date_order:
        wrong = (typed[later] < typed[earlier]).fillna(False).astype(bool)
        found.add(wrong, f"{later} is before {earlier}")

    if extract.key:
        keys = list(extract.key)
        dup_rows, first_rows = _duplicates(raw, keys)
        if len(dup_rows):
            dup = pd.Series(False, index=raw.index)
            dup.iloc[dup_rows] = True
            first_line = lines(first_rows)
            texts = pd.Series(
                [f"duplicate {' + '.join(keys)} (first seen on line {n})" for n in first_line],
                index=raw.index[dup_rows],
            )
            found.add(dup, texts, f"duplicate {' + '.join(keys)}")

    for ref in extract.references:
        if ref.extract in absent:
            continue
        parent = accepted.get(ref.extract)
        known = parent[ref.target] if parent is not None else pd.Series([], dtype="string")
        values = raw[ref.column]
        missing = values.notna() & ~isin(values, known)
        texts = (
            f"{ref.column} '"
            + values[missing].astype(str)
            + f"' not found among the accepted rows of {EXTRACTS[ref.extract].file}"
        )
        found.add(missing, texts, f"{ref.column} not found among the accepted rows of {EXTRACTS[ref.extract].file}")
        del values, known, parent

    _special_rules(extract.name, raw, typed, accepted, found)

    bad = pd.Series(False, index=raw.index)
    bad[list(found.problems)] = True
    set_aside = raw[bad].copy()
    set_aside.insert(0, "line", pd.Series(lines(np.flatnonzero(bad.to_numpy())), index=set_aside.index))
    set_aside["problems"] = ["; ".join(found.problems[int(i)]) for i in set_aside.index]
    for name, where in no_date.items():  # as received
        rows = where & bad
        set_aside.loc[rows[rows].index, name] = NO_DATE
    rules = [found.rules[int(i)] for i in set_aside.index]

    keep = ~bad.to_numpy()
    parsed.frame, parsed.done = None, {}
    out = {}
    for name in list(typed.columns):
        column = typed.pop(name)
        out[name] = pd.Series(column.array[keep] if not keep.all() else column.array, name=name)
        del column
        if consume:
            del raw[name]
    set_aside = set_aside.reset_index(drop=True)
    set_aside.attrs["rules"] = rules  # each row's rules without the values (see describe_problems)
    set_aside.attrs["no_date"] = {name: int(where.sum()) for name, where in no_date.items()}
    return pd.DataFrame(out, copy=False), set_aside


def _blank_no_dates(raw: pd.DataFrame, extract: Extract) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """In an optional extract, each date written 1900-01-01 (the YJB systems' "no date") made blank, and where
    they were, by column (the frame given is left as it is). Only that exact date: any other date before 1990 is
    still set aside."""
    if not extract.optional:
        return raw, {}
    found = {}
    for column in extract.columns:
        if column.kind == "date" and column.name in raw:
            where = (raw[column.name] == NO_DATE).fillna(False).astype(bool)
            if where.any():
                found[column.name] = where
    if found:
        raw = raw.copy(deep=False)
        for name, where in found.items():
            raw[name] = raw[name].mask(where)
    return raw, found


def _lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """values[key] for each key (NaN/NaT where the key is unknown), keeping the dtype of `values`."""
    return pd.Series(values.reindex(keys.astype(object)).to_numpy(), index=keys.index)


def _same_child(typed, key: str, parent: pd.DataFrame, found: _Collector, rule: str) -> None:
    """Set aside rows whose child_id differs from the child_id of the `parent` row their `key` names."""
    owner = _lookup(typed[key], parent.drop_duplicates(key).set_index(key)["child_id"].astype(object))
    mismatch = (owner.notna() & typed["child_id"].notna() & (owner != typed["child_id"])).fillna(False).astype(bool)
    found.add(mismatch, rule)


def _special_rules(name, raw, typed, accepted, found: _Collector) -> None:
    """Rules that join tables (outcome before offence, offence before age 10, mismatched child) or columns (an
    intervention type of another domain)."""
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
    if name == "victims" and "offences" in accepted:
        _same_child(
            typed, "offence_id", accepted["offences"], found, "child_id differs from the child_id of its offence"
        )
    if name == "episode_links" and "caseload" in accepted and "outcomes" in accepted:
        episode_child = _lookup(
            typed["episode_id"],
            accepted["caseload"].drop_duplicates("episode_id").set_index("episode_id")["child_id"].astype(object),
        )
        outcome_child = _lookup(
            typed["outcome_id"],
            accepted["outcomes"].drop_duplicates("outcome_id").set_index("outcome_id")["child_id"].astype(object),
        )
        mismatch = (episode_child.notna() & outcome_child.notna() & (episode_child != outcome_child)).astype(bool)
        found.add(mismatch, "the outcome's child_id differs from the episode's child_id")
    if name == "health_interventions":
        allowed = pd.Series(
            [d + "|" + t for d, types in HEALTH_INTERVENTIONS_BY_DOMAIN.items() for t in types], dtype=object
        )
        pair = typed["domain"].astype(object) + "|" + typed["intervention_type"].astype(object)
        known = isin(typed["domain"], list(HEALTH_INTERVENTIONS_BY_DOMAIN)) & isin(
            typed["intervention_type"], {t for types in HEALTH_INTERVENTIONS_BY_DOMAIN.values() for t in types}
        )
        wrong = known & ~pair.isin(allowed).fillna(False).astype(bool)
        found.add(wrong, "intervention_type does not belong to the row's domain")


# --- the whole folder --------------------------------------------------------------


def _today() -> date:
    """The machine's date (a function, so tests can move it)."""
    return date.today()


def read_info(data_dir: Path) -> dict[str, object]:
    """area_name and extract_date from extract_info.csv: each given once, the date a real one and not after today."""
    extract = EXTRACTS["extract_info"]
    path = data_dir / extract.file
    frame = read_csv(path, extract.file)
    missing = [c.name for c in extract.columns if c.name not in frame.columns]
    if missing:
        raise ExtractError([f"{extract.file}: needs the columns field,value (found: {', '.join(frame.columns)})."])
    problems = []
    fields = frame["field"].reset_index(drop=True)
    repeated = fields[fields.isin(EXTRACT_INFO_FIELDS) & fields.duplicated(keep=False)]
    if len(repeated):  # which one was meant cannot be known: the last one used to win, silently
        at = pd.Series(_LineNumbers(path, len(frame))(repeated.index.to_numpy()), index=repeated.to_numpy())
        for f in dict.fromkeys(repeated):
            numbers = [str(n) for n in at[[f]]]
            problems.append(
                f"{extract.file}: the field '{f}' is given on {len(numbers)} rows (lines "
                f"{', '.join(numbers[:-1])} and {numbers[-1]}); give it once."
            )
    values = dict(zip(frame["field"], frame["value"]))
    problems += [
        f"{extract.file}: no row for the field '{f}'." for f in EXTRACT_INFO_FIELDS if pd.isna(values.get(f, np.nan))
    ]
    info: dict[str, object] = {"area_name": values.get("area_name")}
    if "extract_date" in values and not pd.isna(values["extract_date"]) and "extract_date" not in set(repeated):
        parsed = parse_dates(pd.Series([values["extract_date"]]))[0]
        today = _today()
        if pd.isna(parsed):
            problems.append(
                f"{extract.file}: extract_date '{values['extract_date']}' is not a date; write {DATE_FORMS}."
            )
        elif parsed.date() > today:
            problems.append(
                f"{extract.file}: extract_date '{values['extract_date']}' ({parsed:%d %B %Y}) is after today "
                f"({today:%d %B %Y}): an extract cannot be taken in the future. Write the day it was "
                f"taken, as {DATE_FORMS}."
            )
        else:
            info["extract_date"] = parsed.date()
    if problems:
        raise ExtractError(problems)
    return info


# columns of accepted rows that `_special_rules` joins to later extracts
_JOINED = {
    "children": ("child_id", "date_of_birth"),
    "offences": ("offence_id", "child_id", "offence_date"),
    "caseload": ("episode_id", "child_id"),
    "outcomes": ("outcome_id", "child_id"),
}


def _needed_later() -> dict[str, list[str]]:
    """For each extract, the columns of its accepted rows that later extracts refer to or join on."""
    need = {name: set(cols) for name, cols in _JOINED.items()}
    for extract in EXTRACTS.values():
        for ref in extract.references:
            need.setdefault(ref.extract, set()).add(ref.target)
    return {name: [c.name for c in EXTRACTS[name].columns if c.name in cols] for name, cols in need.items()}


OnExtract = Callable[[str, pd.DataFrame, pd.DataFrame], None]


def _not_supplied(path: Path) -> bool:
    """Is there nothing at all under this name? (A folder or an unreadable file is there, and a problem.)"""
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def check_files(data_dir: Path) -> tuple[dict[str, object], list[str], dict[str, list[str]]]:
    """What can be checked from each file's first line, for every file at once: the folder and every contract
    file is there (an optional file may be missing), `extract_info.csv` is readable, each header has the contract's
    columns. Returns the extract details, the extracts to validate (in order: an optional one not supplied is not
    among them) and each one's columns not in the contract; raises ExtractError listing every problem found. Quick
    (headers only), so the refresh runs it before starting anything."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ExtractError([f"The data folder {data_dir} does not exist."])
    problems: list[str] = []
    try:
        info = read_info(data_dir)
    except ExtractError as err:  # reported with every other file's problems
        info, problems = {}, list(err.problems)
    ignored: dict[str, list[str]] = {}
    todo: list[str] = []
    for name, extract in EXTRACTS.items():
        if name == "extract_info":
            continue
        if extract.optional and _not_supplied(data_dir / extract.file):
            continue
        try:
            header = read_header(data_dir / extract.file, extract.file)
        except ExtractError as err:
            problems.extend(err.problems)
            continue
        wanted = [c.name for c in extract.columns]
        missing = [c for c in wanted if c not in header]
        if missing:
            problems.append(_missing_columns(extract.file, wanted, header, missing))
            continue
        ignored[name] = [c for c in header if c not in wanted]
        todo.append(name)
    if problems:
        raise ExtractError(problems)
    return info, todo, ignored


def validate_folder(data_dir: Path, on_extract: OnExtract | None = None) -> Validated:
    """Validate every extract of the contract in `data_dir`.

    First every file's header is checked (`check_files`), so that all missing files, unreadable headers and
    missing columns are reported together; then each extract is read and validated in turn. With `on_extract`, each
    extract's accepted table and set-aside rows go to `on_extract(name, table, set_aside)` as soon as they
    are ready and are not kept (the returned `Validated` then holds the counts and reasons only): only one big
    extract is in memory at a time. A file whose body turns out unreadable stops the run with its name."""
    data_dir = Path(data_dir)
    info, todo, ignored = check_files(data_dir)
    extract_date = pd.Timestamp(info["extract_date"])

    later = _needed_later()
    kept: dict[str, pd.DataFrame] = {}
    tables: dict[str, pd.DataFrame] = {}
    set_aside: dict[str, pd.DataFrame] = {}
    sizes: dict[str, tuple[int, int]] = {}
    reasons: dict[str, str] = {}
    no_date: dict[str, dict[str, int]] = {}
    absent = tuple(n for n in OPTIONAL if n not in todo)
    for name in todo:
        extract = EXTRACTS[name]
        raw = read_csv(data_dir / extract.file, extract.file, [c.name for c in extract.columns])
        lines = _LineNumbers(data_dir / extract.file, len(raw))
        table, aside = validate_extract(raw, extract, extract_date, kept, consume=True, lines=lines, absent=absent)
        del raw
        if name in later:
            kept[name] = table[later[name]]
        sizes[name] = (len(table), len(aside))
        if len(aside):
            reasons[extract.file] = describe_problems(aside)
        if aside.attrs.get("no_date"):
            no_date[extract.file] = aside.attrs["no_date"]
        if on_extract is None:
            tables[name], set_aside[name] = table, aside
        else:
            on_extract(name, table, aside)
        del table, aside
    return Validated(
        info=info,
        tables=tables,
        set_aside=set_aside,
        ignored_columns={k: v for k, v in ignored.items() if v},
        sizes=sizes,
        problems=reasons,
        absent=absent,
        no_date=no_date,
    )


def describe_problems(set_aside: pd.DataFrame, top: int = 5) -> str:
    """The most common reasons rows were set aside, in words, for a report."""
    if set_aside.empty:
        return "none"
    # Reasons only: the values (which may be identifiers) stay in the quarantine file, never in a report. The rules
    # are kept apart from the values as they are found, since a value can hold anything, "; " and quotes included.
    rules = set_aside.attrs.get("rules")
    if rules is None:
        raise ValueError("describe_problems needs the rows set aside as validate_extract returns them")
    reasons = pd.Series([r for row in rules for r in row], dtype=object).str.replace(r" \(.*\)$", "", regex=True)
    counts = reasons.value_counts().head(top)
    return "; ".join(f"{reason} ({n})" for reason, n in counts.items())
