"""Where the project's own folders are: the one place the package names them.

The package lives in ``src/analysis`` inside the project, so the project folder is two levels up. The runner finds
the report notebooks, the default work folder and the git commit from here, and the comparators module its file.
"""

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
NOTEBOOKS = PROJECT / "notebooks"  # the report notebooks, run in file-name order
WORK = PROJECT / "work"  # validated extracts and set-aside rows: personal data, never published
COMPARATORS = PROJECT / "data" / "reference" / "comparators.csv"  # published comparator figures
