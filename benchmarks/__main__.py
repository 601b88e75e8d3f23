"""Run every benchmark: one line per figure with its target; exit 1 when one is missed.

python -m benchmarks            # everything
python -m benchmarks --json     # machine-readable
python -m benchmarks --only planning,churn
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

SUITES = ["cli", "planning", "overhead", "minimality", "churn", "depth", "emulated", "scheduled"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    parser.add_argument("--only", help=f"comma-separated suites from: {', '.join(SUITES)}")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else SUITES
    unknown = sorted(set(chosen) - set(SUITES))
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(unknown)}")
    if hasattr(os, "getloadavg"):
        # Timings are best-of runs, but a busy machine still shows in them.
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average {load} on {os.cpu_count()} CPUs", file=sys.stderr)
    figures = []
    for suite in chosen:
        try:
            module = importlib.import_module(f"benchmarks.{suite}")
        except ModuleNotFoundError as exc:
            if exc.name != f"benchmarks.{suite}":
                raise
            print(f"skip {suite}: not written yet", file=sys.stderr)
            continue
        for figure in module.run(quick=args.quick):
            figures.append(figure)
            if not args.json:
                print(figure.line(), flush=True)
    if args.json:
        print(json.dumps([f.to_dict() for f in figures], indent=2))
    missed = [f for f in figures if not f.ok]
    if missed and not args.json:
        print(
            f"{len(missed)} target(s) missed: {', '.join(f.name for f in missed)}", file=sys.stderr
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
