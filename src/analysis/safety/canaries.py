"""Canaries: recognisable personal values planted in an extract, to prove none reaches an output.

`plant(folder)` gives one child and one pupil recognisable identifiers (in every file that holds them), notes the
child's date of birth, and adds name, postcode and free-text columns, which the contract ignores, to the files a
case management system would carry them in. A test runs the refresh on the planted extract and searches every
report, figures file, spreadsheet, manifest and executed notebook for each value (`found_in`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

CHILD_ID = "CANARY-CHILD-7Q"
PUPIL_ID = "CANARY-PUPIL-7Q"
NAME = "Zebedee Canaryfield"
POSTCODE = "ZZ99 9ZQ"
FREE_TEXT = "CANARY NOTE seen near the canal bridge"

CHILD_FILES = (
    "children",
    "offences",
    "outcomes",
    "caseload",
    "remands",
    "care_episodes",
    "send",
    "assessments",
    "pupil_link",
    "accommodation",
    "ete_status",
    "send_aln",
    "health_interventions",
    "care_status",
    "victims",
)
PUPIL_FILES = ("pupils", "exclusions", "pupil_link")


def _rewrite(folder: Path, name: str, column: str, old: str, new: str) -> None:
    path = folder / f"{name}.csv"
    if not path.exists():  # an optional file not supplied
        return
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame[column] == old, column] = new
    frame.to_csv(path, index=False, lineterminator="\n")


def plant(folder: Path) -> dict[str, str]:
    """Plant the canaries in the extract in `folder`; return {what: value} to search for."""
    folder = Path(folder)
    link = pd.read_csv(folder / "pupil_link.csv", dtype=str, keep_default_na=False)
    children = pd.read_csv(folder / "children.csv", dtype=str, keep_default_na=False)
    outcomes = pd.read_csv(folder / "outcomes.csv", dtype=str, keep_default_na=False)
    # a linked child with outcomes, so the canary child is in the cohorts the reports count
    candidates = link[link["child_id"].isin(outcomes["child_id"]) & link["child_id"].isin(children["child_id"])]
    child, pupil = candidates.iloc[0]["child_id"], candidates.iloc[0]["pupil_id"]
    for name in CHILD_FILES:
        _rewrite(folder, name, "child_id", child, CHILD_ID)
    for name in PUPIL_FILES:
        _rewrite(folder, name, "pupil_id", pupil, PUPIL_ID)
    dob = children.loc[children["child_id"] == child, "date_of_birth"].iloc[0]

    children = pd.read_csv(folder / "children.csv", dtype=str, keep_default_na=False)
    children["name"] = [NAME if c == CHILD_ID else f"Child {i}" for i, c in enumerate(children["child_id"])]
    children["postcode"] = [POSTCODE if c == CHILD_ID else "" for c in children["child_id"]]
    children.to_csv(folder / "children.csv", index=False, lineterminator="\n")
    offences = pd.read_csv(folder / "offences.csv", dtype=str, keep_default_na=False)
    offences["offence_description"] = [FREE_TEXT if c == CHILD_ID else "" for c in offences["child_id"]]
    offences.to_csv(folder / "offences.csv", index=False, lineterminator="\n")

    day = date.fromisoformat(dob)
    return {
        "child id": CHILD_ID,
        "pupil id": PUPIL_ID,
        "name": NAME,
        "postcode": POSTCODE,
        "free text": FREE_TEXT,
        "date of birth": dob,
        "date of birth (UK)": f"{day:%d/%m/%Y}",
        "date of birth (words)": f"{day.day} {day:%B %Y}",
    }


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    if path.suffix in (".xlsx", ".ods"):  # zip files of XML: every member, as text
        import zipfile

        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(name).decode("utf-8", errors="replace") for name in book.namelist())
    return path.read_text(encoding="utf-8", errors="replace")


def found_in(folder: Path, canaries: dict[str, str]) -> list[str]:
    """Every (file, canary) where a planted value appears in an output under `folder`."""
    hits = []
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and path.suffix in {".html", ".csv", ".json", ".ipynb", ".md", ".pdf", ".xlsx", ".ods"}:
            text = _text(path)
            hits += [f"{path.relative_to(folder)}: {what}" for what, value in canaries.items() if value in text]
    return hits
