"""Load an extract folder once: validate it, keep what was set aside, cache the rest.

`load(data_dir, work_dir)` validates the CSV extracts against the contract and
writes, under `work_dir` (which holds personal data and never goes in
`reports/`):

* ``clean/<extract>.parquet``: the accepted rows, typed;
* ``quarantine/<extract>.csv``: the rows set aside, exactly as received, with
  their line number and every rule they broke;
* ``validation.json``: checksums of the inputs, counts and the extract details.

A second call with unchanged inputs reads the Parquet files instead of
validating again, so the refresh validates once and every notebook loads fast.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .contract import EXTRACTS
from .validation import Validated, validate_folder

CACHE_VERSION = 1  # bump when validation rules change, so old caches are rebuilt


def checksums(data_dir: Path) -> dict[str, str]:
    """SHA-256 of every contract file present in `data_dir`."""
    out = {}
    for extract in EXTRACTS.values():
        path = Path(data_dir) / extract.file
        if path.exists():
            out[extract.file] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@dataclass
class Extract:
    """The accepted tables plus what the reports need to say about the data."""

    tables: dict[str, pd.DataFrame]
    counts: pd.DataFrame
    problems: dict[str, str]  # extract file -> the main reasons rows were set aside
    area_name: str
    extract_date: date
    quarantine_dir: Path

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def _write(validated: Validated, work_dir: Path, sums: dict[str, str]) -> None:
    from .validation import describe_problems

    clean, quarantine = work_dir / "clean", work_dir / "quarantine"
    clean.mkdir(parents=True, exist_ok=True)
    quarantine.mkdir(parents=True, exist_ok=True)
    for old in quarantine.glob("*.csv"):
        old.unlink()
    for name, table in validated.tables.items():
        table.to_parquet(clean / f"{name}.parquet", index=False)
        aside = validated.set_aside[name]
        if len(aside):
            aside.to_csv(quarantine / EXTRACTS[name].file, index=False)
    meta = {
        "cache_version": CACHE_VERSION,
        "checksums": sums,
        "area_name": validated.area_name,
        "extract_date": validated.extract_date.isoformat(),
        "counts": validated.counts.to_dict(orient="records"),
        "problems": {EXTRACTS[n].file: describe_problems(a) for n, a in validated.set_aside.items() if len(a)},
        "ignored_columns": validated.ignored_columns,
    }
    (work_dir / "validation.json").write_text(json.dumps(meta, indent=2))


def load(data_dir: str | Path, work_dir: str | Path) -> Extract:
    """Validate (or reuse the validated copy of) the extract in `data_dir`."""
    data_dir, work_dir = Path(data_dir).resolve(), Path(work_dir).resolve()
    meta_path = work_dir / "validation.json"
    sums = checksums(data_dir)
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if meta.get("checksums") != sums or meta.get("cache_version") != CACHE_VERSION:
        validated = validate_folder(data_dir)
        _write(validated, work_dir, sums)
        meta = json.loads(meta_path.read_text())
    tables = {name: pd.read_parquet(work_dir / "clean" / f"{name}.parquet")
              for name in EXTRACTS if (work_dir / "clean" / f"{name}.parquet").exists()}
    return Extract(
        tables=tables,
        counts=pd.DataFrame(meta["counts"]),
        problems=meta["problems"],
        area_name=meta["area_name"],
        extract_date=date.fromisoformat(meta["extract_date"]),
        quarantine_dir=work_dir / "quarantine",
    )
