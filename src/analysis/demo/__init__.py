"""The synthetic demo extract: every file of the data contract, shaped on published figures, with bad rows planted.

``python -m analysis demo --out data/demo`` (or ``generate``) writes it; nothing in it describes a real child.
"""

from analysis.demo.files import write_csv
from analysis.demo.generate import generate

__all__ = ["generate", "write_csv"]
