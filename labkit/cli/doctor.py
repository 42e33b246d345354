"""``labkit doctor``: print versions and environment checks; exit 2 (one error line) if a check fails."""

from __future__ import annotations

import argparse

from labkit.cli import EXIT_OK
from labkit.errors import LabkitInputError

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="check that this environment can run the lab")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from labkit.doctor import run_checks

    report = run_checks()
    print(report.as_text())
    if report.ok:
        return EXIT_OK
    failed = ", ".join(c.name for c in report.checks if not c.ok)
    raise LabkitInputError(f"environment check failed: {failed} (details above)")
