"""Command line: ``python -m analysis demo|validate|refresh``. See README.md."""

from analysis.cli import main

raise SystemExit(main())
