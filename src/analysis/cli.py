"""The analyst's commands. Mistakes in input get one clear message and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.data.quarters import QuarterError
from analysis.data.validation import ExtractError
from analysis.present.report import ParameterError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis", description="Quarterly youth justice reports.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the synthetic demo extract")
    demo.add_argument("--out", type=Path, default=Path("data/demo"), help="folder to write (default data/demo)")
    demo.add_argument("--scale", type=float, default=1.0, help="multiply the size of the borough (default 1)")
    demo.add_argument("--seed", type=int, default=20260331)

    check = sub.add_parser("validate", help="check an extract against the data contract, without running reports")
    check.add_argument("--data", type=Path, required=True, help="folder holding the extract's CSV files")
    check.add_argument(
        "--work", type=Path, default=Path("work/validate"), help="where validated data and set-aside rows go"
    )

    doc = sub.add_parser("contract", help="rewrite the generated contract tables in data/README.md")
    doc.add_argument("--doc", type=Path, default=Path("data/README.md"))

    tidy = sub.add_parser("tidy-notebooks", help="remove timestamps and chart images from committed notebooks")
    tidy.add_argument("notebooks", type=Path, nargs="*", help="notebooks to tidy (default notebooks/*.ipynb)")
    tidy.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook would change")

    refresh = sub.add_parser("refresh", help="run every report for a quarter")
    refresh.add_argument(
        "--quarter", required=True, help='financial-year quarter, e.g. "2025-26 Q4" (Q1 = April to June)'
    )
    refresh.add_argument("--data", type=Path, required=True, help="folder holding the extract's CSV files")
    refresh.add_argument(
        "--out", type=Path, default=Path("reports"), help="where the quarter's folder goes (default reports)"
    )
    refresh.add_argument(
        "--work", type=Path, default=None, help="where validated data and set-aside rows go (default work/)"
    )
    refresh.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a report parameter, e.g. --set suppress_up_to=9 or --set mode=restricted",
    )
    refresh.add_argument("--serial", action="store_true", help="run notebooks one after another (default: in parallel)")
    refresh.add_argument("--no-progress", action="store_true", help="no progress bar")
    refresh.add_argument("--no-pdf", action="store_true", help="skip the A4 PDFs (made with the system Chromium)")
    return parser


def _options(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"--set {pair}: write it as NAME=VALUE, e.g. --set suppress_up_to=9")
        name, value = pair.split("=", 1)
        out[name.strip()] = value.strip()
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from analysis.demo import generate

            counts = generate(args.out, scale=args.scale, seed=args.seed)
            print(f"Demo extract written to {args.out} ({sum(counts.values()):,} rows in {len(counts)} files).")
            return 0
        if args.command == "contract":
            from analysis.data.contract import update_doc

            print(f"{args.doc} {'updated' if update_doc(args.doc) else 'already up to date'}.")
            return 0
        if args.command == "validate":
            from analysis.data.extract import load

            ext = load(args.data, args.work)
            print(ext.counts.to_string(index=False))
            from analysis.present.narrative import optional_files

            note = optional_files(ext.absent, ext.no_date)
            if note:
                print(f"\n{note}")
            if ext.problems:
                print(f"\nRows set aside are in {ext.quarantine_dir} with their reasons:")
                for file, reasons in ext.problems.items():
                    print(f"  {file}: {reasons}")
            return 0
        if args.command == "tidy-notebooks":
            from analysis import paths
            from analysis.publish.committed import tidy

            notebooks = args.notebooks or sorted(paths.NOTEBOOKS.glob("*.ipynb"))
            changed = tidy(notebooks, check=args.check)
            for path in changed:
                print(f"{path}: {'has' if args.check else 'removed'} timestamps or chart images")
            return 1 if args.check and changed else 0
        from analysis.publish.audit import DisclosureError
        from analysis.publish.runner import refresh

        try:
            result = refresh(
                args.quarter,
                args.data,
                args.out,
                work_dir=args.work,
                options=_options(args.set),
                parallel=not args.serial,
                progress=not args.no_progress,
                pdf=not args.no_pdf,
            )
        except DisclosureError as err:
            print(f"Stopped: {err}", file=sys.stderr)
            return 1
    except (QuarterError, ParameterError, ExtractError) as err:
        print(f"Stopped: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # the refresh has stopped its kernels, workers and Chromium, and removed its work
        if args.command != "refresh":
            raise
        print("Stopped: interrupted; nothing was published", file=sys.stderr)
        return 130
    for run in result.failed:
        print(f"Report {run.name} failed: {run.error}. {run.where(result.folder)}", file=sys.stderr)
    print(f"Reports for {args.quarter}: {result.index}")
    return 1 if result.failed else 0
