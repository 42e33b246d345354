"""``labkit …``: one subcommand per twin, with the service's exit semantics.

The exit-code contract, kept by every subcommand (README "Exit codes"):

* 0 — completed, no violations;
* 1 — completed with violations (the execution's ``CompletedWithViolations``);
* 2 — failed: exactly one line on stderr, ``labkit: error: <file> line <n>, column '<c>': <why>``
  (as much of the location as there is), never a traceback unless ``labkit --debug …``;
* 130 — interrupted (Ctrl-C).

``main`` maps every way a command can fail to that line: the kit's ``LabkitInputError``, any
``OSError`` (permission denied, a file in the way, a symlink loop, a full disk, …), a
``MemoryError``, a closed output pipe (``labkit … | head -1``, handled with Python's documented
SIGPIPE recipe) and any other exception, which is reported as unexpected.

Each subcommand lives in its own module under ``labkit/cli/`` and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` (a function taking the parsed
arguments and returning an exit code) through ``set_defaults``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import traceback
from collections.abc import Sequence

from labkit import __version__
from labkit.errors import LabkitInputError

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_VIOLATIONS",
    "SUBCOMMAND_MODULES",
    "build_parser",
    "main",
]

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_FAILED = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C

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
    parser.add_argument(
        "--debug", action="store_true", help="on failure, print the Python traceback as well"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in SUBCOMMAND_MODULES:
        if importlib.util.find_spec(name) is not None:  # twins land one by one
            importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; return its exit code (0 ok, 1 violations, 2 failed, 130 interrupted)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code or 0)
    try:
        code = int(args.handler(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at interpreter exit
        return code
    except KeyboardInterrupt:
        _report(args, "interrupted", prefix="labkit: ")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        _report(args, "standard output: the reader closed the pipe before the output ended")
        return EXIT_FAILED
    except LabkitInputError as exc:
        _report(args, str(exc))
    except OSError as exc:
        from labkit.paths import os_error

        _report(args, str(os_error(exc)))
    except MemoryError:
        _report(args, _located(args, "out of memory; try a smaller input or free memory"))
    except RecursionError:
        _report(args, _located(args, "input nested too deeply to process"))
    except Exception as exc:  # noqa: BLE001 — the contract: one line, never a traceback
        reason = f"unexpected {type(exc).__name__}: {exc}; rerun with labkit --debug for the traceback"
        _report(args, _located(args, reason))
    return EXIT_FAILED


def _report(args: argparse.Namespace, message: str, *, prefix: str = "labkit: error: ") -> None:
    """The one stderr line of a failed command (after the traceback with ``--debug``)."""
    if getattr(args, "debug", False) and sys.exc_info()[0] is not None:
        traceback.print_exc(file=sys.stderr)
    one_line = message.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    print(prefix + one_line, file=sys.stderr)


def _located(args: argparse.Namespace, reason: str) -> str:
    """``reason`` prefixed by the command's input file, when it has one."""
    path = getattr(args, "input", None)
    return f"{path}: {reason}" if path is not None else reason


def _silence_stdout() -> None:
    """Python's SIGPIPE recipe: point stdout at devnull so the exit-time flush cannot fail again.

    https://docs.python.org/3/library/signal.html#note-on-sigpipe
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced by a test's capture object
        pass
