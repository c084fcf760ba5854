"""Load an extract folder once: validate it, keep what was set aside, cache the rest.

`load(data_dir, work_dir)` validates the CSV extracts against the contract and
writes, under `work_dir` (which holds personal data and never goes in
`reports/`):

* ``clean/<extract>.parquet``: the accepted rows, typed;
* ``quarantine/<extract>.csv``: the rows set aside, exactly as received, with
  their line number and every rule they broke;
* ``validation.json``: checksums of the inputs, counts and the extract details, the optional files not
  supplied (``absent``) and the dates written 1900-01-01 read as blank (``no_date``); or, for inputs that cannot
  be used, the problems found.

A second call with unchanged inputs reads the Parquet files instead of
validating again, so the refresh validates once and every notebook loads fast.
Tables are read when first used (`Tables`), so a report holds in memory only
the extracts it needs; and a file whose size and modification time are those
recorded at validation is not hashed again. An optional file that was not supplied has no table:
`"accommodation" in extract.tables` is False, and `extract.absent` names it, so a report can say so.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from filelock import FileLock

from analysis.data.contract import EXTRACTS
from analysis.data.validation import ExtractError, Validated, validate_folder

CACHE_VERSION = 4  # bump when validation rules change, so old caches are rebuilt (3: ASCII digits only, lines as
# an editor counts them, repeated columns and extract_info fields stop; 4: optional files, 1900-01-01 as blank)


def _stats(data_dir: Path) -> dict[str, list[int]]:
    """Size and modification time (ns) of every contract file present in `data_dir` (a folder of that name is
    not a file: validation says so)."""
    out = {}
    for extract in EXTRACTS.values():
        try:
            st = (Path(data_dir) / extract.file).stat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            out[extract.file] = [st.st_size, st.st_mtime_ns]
    return out


def checksums(data_dir: Path, known: dict | None = None) -> dict[str, str]:
    """SHA-256 of every contract file present in `data_dir` (one that cannot be read has none: validation says why).

    `known` is an earlier validation's record ({"stats": ..., "checksums": ...}); a file whose size and
    modification time are unchanged keeps its recorded checksum instead of being read again."""
    known = known or {}
    stats, old_stats, old_sums = _stats(data_dir), known.get("stats", {}), known.get("checksums", {})
    out = {}
    for file, file_stat in stats.items():
        if old_stats.get(file) == file_stat and file in old_sums:
            out[file] = old_sums[file]
        else:
            try:
                with (Path(data_dir) / file).open("rb") as handle:
                    out[file] = hashlib.file_digest(handle, "sha256").hexdigest()
            except OSError:
                continue
    return out


class Tables(Mapping):
    """The validated tables by extract name, each read from its Parquet file when first used."""

    def __init__(self, clean_dir: Path, names: list[str]):
        self._dir, self._names, self._loaded = clean_dir, names, {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._loaded:
            self._loaded[name] = pd.read_parquet(self._dir / f"{name}.parquet")
        return self._loaded[name]

    def columns(self, name: str, wanted: list[str], categories: tuple[str, ...] = ()) -> pd.DataFrame:
        """Only the `wanted` columns of a table: read by column from its Parquet file unless the whole table is
        already in memory (not kept, so a report that needs three columns of a national school census does
        not hold the rest). Columns in `categories` (codes) come as pandas categories: read straight from the
        file's dictionary encoding, a few times quicker than text and a small number per row rather than a copy
        of the text."""
        if name not in self._names:
            raise KeyError(name)
        if name in self._loaded:
            return _as_categories(self._loaded[name][wanted], categories)
        return pd.read_parquet(self._dir / f"{name}.parquet", columns=wanted, read_dictionary=list(categories) or None)

    def __contains__(self, name) -> bool:  # without reading the table (Mapping's own would)
        return name in self._names

    def get(self, name, default=None):
        return self[name] if name in self._names else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _as_categories(frame: pd.DataFrame, categories: tuple[str, ...]) -> pd.DataFrame:
    return frame.astype(dict.fromkeys(categories, "category")) if categories else frame


def columns(
    tables: Mapping[str, pd.DataFrame], name: str, wanted: list[str], categories: tuple[str, ...] = ()
) -> pd.DataFrame | None:
    """The `wanted` columns of table `name` (those in `categories` as pandas categories), or None if there is no
    such table: by column from Parquet for the validated tables (`Tables.columns`), a selection for tables
    already in memory (as in tests)."""
    if isinstance(tables, Tables):
        return tables.columns(name, wanted, categories) if name in tables else None
    table = tables.get(name)
    return None if table is None else _as_categories(table[wanted], categories)


@dataclass
class Extract:
    """The accepted tables plus what the reports need to say about the data."""

    tables: Mapping[str, pd.DataFrame]
    counts: pd.DataFrame
    problems: dict[str, str]  # extract file -> the main reasons rows were set aside
    area_name: str
    extract_date: date
    quarantine_dir: Path
    checksums: dict[str, str] = field(default_factory=dict)  # extract file -> SHA-256 of the file validated
    absent: tuple[str, ...] = ()  # optional extracts not supplied (names, e.g. "accommodation"): no table
    no_date: dict[str, dict[str, int]] = field(default_factory=dict)  # extract file -> column -> 1900-01-01 read blank

    def supplied(self, name: str) -> bool:
        """Was this extract in the folder? (Every required one was; an optional one may not have been.)"""
        return name not in self.absent

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


class _Writer:
    """Writes each validated extract as soon as it is ready: clean/<name>.parquet and, when rows were set
    aside, quarantine/<file>.csv. The old validation.json goes first, so a run stopped half way (an
    unreadable file found late) never leaves a cache that looks complete."""

    def __init__(self, work_dir: Path):
        self.work_dir, self.started = work_dir, False

    def __call__(self, name: str, table: pd.DataFrame, aside: pd.DataFrame) -> None:
        clean, quarantine = self.work_dir / "clean", self.work_dir / "quarantine"
        if not self.started:
            (self.work_dir / "validation.json").unlink(missing_ok=True)
            clean.mkdir(parents=True, exist_ok=True)
            quarantine.mkdir(parents=True, exist_ok=True)
            for old in quarantine.glob("*.csv"):
                old.unlink()
            self.started = True
        table.to_parquet(clean / f"{name}.parquet", index=False)
        if len(aside):
            aside.to_csv(quarantine / EXTRACTS[name].file, index=False)


def _write(validated: Validated, work_dir: Path, sums: dict[str, str], stats: dict[str, list[int]]) -> None:
    """validation.json, once `_Writer` has written every extract."""
    meta = {
        "cache_version": CACHE_VERSION,
        "checksums": sums,
        "stats": stats,
        "area_name": validated.area_name,
        "extract_date": validated.extract_date.isoformat(),
        "counts": validated.counts.to_dict(orient="records"),
        "problems": validated.problems,
        "ignored_columns": validated.ignored_columns,
        "absent": list(validated.absent),
        "no_date": validated.no_date,
    }
    work_dir.mkdir(parents=True, exist_ok=True)
    for name in validated.absent:  # a table from an earlier validation, when the file was supplied, is stale
        (work_dir / "clean" / f"{name}.parquet").unlink(missing_ok=True)
    (work_dir / "validation.json").write_text(json.dumps(meta, indent=2))


def _stop(work_dir: Path, err: ExtractError, sums: dict[str, str], stats: dict[str, list[int]]) -> None:
    """validation.json for inputs that cannot be used: the problems, so the same files get the same answer at once
    (that day: an extract date after today stops a run only until that day comes)."""
    record = {
        "cache_version": CACHE_VERSION,
        "checksums": sums,
        "stats": stats,
        "stopped": err.problems,
        "checked_on": date.today().isoformat(),
    }
    (work_dir / "validation.json").write_text(json.dumps(record, indent=2))


def load(data_dir: str | Path, work_dir: str | Path) -> Extract:
    """Validate (or reuse the validated copy of) the extract in `data_dir`.

    One process at a time checks and writes `work_dir` (a lock file there): when the refresh validates while
    the reports' kernels start, each report waits here for the validated copy and then reads it. Inputs that
    stopped a validation raise the same ExtractError straight away, until they change."""
    data_dir, work_dir = Path(data_dir).resolve(), Path(work_dir).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(work_dir / "validation.lock"):
        meta_path = work_dir / "validation.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        stats = _stats(data_dir)
        sums = checksums(data_dir, meta)
        stale = "stopped" in meta and meta.get("checked_on") != date.today().isoformat()
        if meta.get("checksums") != sums or meta.get("cache_version") != CACHE_VERSION or stale:
            # each extract is written as soon as it is validated, so only one big table is in memory at a time
            try:
                validated = validate_folder(data_dir, on_extract=_Writer(work_dir))
            except ExtractError as err:
                _stop(work_dir, err, sums, stats)
                raise
            _write(validated, work_dir, sums, stats)
            del validated
            meta = json.loads(meta_path.read_text())
    if "stopped" in meta:
        raise ExtractError(meta["stopped"])
    clean = work_dir / "clean"
    absent = tuple(meta.get("absent", ()))
    return Extract(
        tables=Tables(
            clean, [name for name in EXTRACTS if name not in absent and (clean / f"{name}.parquet").exists()]
        ),
        counts=pd.DataFrame(meta["counts"]),
        problems=meta["problems"],
        area_name=meta["area_name"],
        extract_date=date.fromisoformat(meta["extract_date"]),
        quarantine_dir=work_dir / "quarantine",
        checksums=meta["checksums"],
        absent=absent,
        no_date=meta.get("no_date", {}),
    )
