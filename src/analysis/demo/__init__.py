"""The synthetic demo extract: every file of the data contract, shaped on published figures, with bad rows planted.

``python -m analysis demo --out data/demo`` (or ``generate``) writes it; nothing in it describes a real child.
"""

from analysis.demo.generate import generate, write_csv

__all__ = ["generate", "write_csv"]
