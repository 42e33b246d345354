"""``labkit doctor``: print versions and environment checks; exit 2 if a check fails."""

from __future__ import annotations

import argparse

from labkit.cli import EXIT_FAILED, EXIT_OK

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="check that this environment can run the lab")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from labkit.doctor import run_checks

    report = run_checks()
    print(report.as_text())
    return EXIT_OK if report.ok else EXIT_FAILED
