"""Shared pieces of the bad-input corpus: run the CLI and judge how it failed.

A bad input must end in one of two ways (CONTRIBUTING.md, "Exit codes"):

* exit 2 with exactly one stderr line ``labkit: error: <file> line <n>, column '<c>': <why>``
  and no traceback; or
* exit 0/1 with every set-aside record counted in the summary, so nothing is lost silently.

``run_cli`` catches any exception ``main`` lets escape, so an unhandled input shows up as a
failed assertion naming the exception rather than as a crash of the test itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from labkit.cli import EXIT_FAILED, main


@dataclass(frozen=True)
class CliRun:
    code: int | None
    stdout: str
    stderr: str
    escaped: BaseException | None  # an exception main() did not turn into exit 2

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def assert_failed(self, *needles: str | Path) -> str:
        """Exit 2, one ``labkit: error:`` line holding every needle; returns that line."""
        assert self.escaped is None, f"main() raised {self.escaped!r} instead of exiting 2"
        assert self.code == EXIT_FAILED, f"exit {self.code}, stdout: {self.stdout}"
        assert "Traceback" not in self.stderr
        assert len(self.error_lines) == 1, f"expected one stderr line, got: {self.stderr!r}"
        line = self.error_lines[0]
        assert line.startswith("labkit: error: ")
        for needle in needles:
            assert str(needle) in line, f"{needle!r} not in {line!r}"
        return line

    def number(self, pattern: str) -> int:
        """The integer captured by ``pattern`` (one group) in stdout; 0 if the line is absent."""
        match = re.search(pattern, self.stdout)
        return int(match.group(1).replace(",", "")) if match else 0

    def assert_completed(self) -> None:
        """Exit 0 or 1 (no violations / violations) without a traceback."""
        assert self.escaped is None, f"main() raised {self.escaped!r}"
        assert self.code in (0, 1), f"exit {self.code}: {self.stderr}"
        assert "Traceback" not in self.stderr


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture) -> Callable[..., CliRun]:
    def run(*argv: str | Path) -> CliRun:
        capsys.readouterr()  # forget what an earlier step printed
        try:
            code, escaped = main([str(a) for a in argv]), None
        except BaseException as exc:  # noqa: BLE001 — the point is to see what escapes
            code, escaped = None, exc
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err, escaped)

    return run
