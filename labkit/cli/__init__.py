"""``labkit …``: one subcommand per twin, with the service's exit semantics.

Exit codes, the same for every monitor:
0 completed with no violations, 1 completed with violations, 2 failed (bad usage or unreadable
input, explained in one line on stderr, never a traceback).

Each subcommand lives in its own module under ``labkit/cli/`` and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` (a function taking the parsed
arguments and returning an exit code) through ``set_defaults``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from labkit import __version__
from labkit.errors import LabkitInputError

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_VIOLATIONS", "SUBCOMMAND_MODULES", "build_parser", "main"]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_FAILED = 2

SUBCOMMAND_MODULES = (
    "labkit.cli.data_quality",
    "labkit.cli.model_quality",
    "labkit.cli.model_bias",
    "labkit.cli.model_explainability",
    "labkit.cli.scenario",
    "labkit.cli.doctor",
    "labkit.cli.notebooks",
    "labkit.cli.analyzer",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code 2 matches "failed"
        self.exit(EXIT_FAILED, f"labkit: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="labkit", description="Offline twins of SageMaker Model Monitor and Clarify.")
    parser.add_argument("--version", action="version", version=f"labkit {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in SUBCOMMAND_MODULES:
        if importlib.util.find_spec(name) is not None:  # twins land one by one
            importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; return its exit code (0 ok, 1 violations, 2 failed)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except LabkitInputError as exc:
        print(f"labkit: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("labkit: interrupted", file=sys.stderr)
        return EXIT_FAILED
