"""The command line's shared behaviour: subcommands, exit codes, one-line errors."""

from __future__ import annotations

import errno
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import labkit.cli.scenario
from labkit.cli import EXIT_FAILED, EXIT_INTERRUPTED, SUBCOMMAND_MODULES, main
from labkit.errors import LabkitInputError


def test_every_listed_subcommand_exists():
    assert all(importlib.util.find_spec(name) for name in SUBCOMMAND_MODULES)


def test_version_and_usage(capsys):
    assert main(["--version"]) == 0
    assert main([]) == EXIT_FAILED
    assert main(["no-such-command"]) == EXIT_FAILED
    assert "error" in capsys.readouterr().err


def test_scenario_write_and_window(tmp_path):
    assert main(["scenario", "write", "--output", str(tmp_path)]) == 0
    assert (tmp_path / "credit_train.csv").exists()
    assert main(["scenario", "window", "credit", "--rows", "20", "--output", str(tmp_path / "w.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "w.csv")) == 20


# -- the exit-code contract: 0 / 1 / 2 / 130, one stderr line, a traceback only with --debug --------

REPO = Path(__file__).resolve().parents[1]


def _failing(exc: BaseException):
    def handler(args):
        raise exc

    return handler


@pytest.mark.parametrize(
    "exc, code, needles",
    [
        (LabkitInputError("bad cell", path="a.csv", line=3), EXIT_FAILED, ["a.csv line 3: bad cell"]),
        (PermissionError(errno.EACCES, "Permission denied", "out/x.json"), EXIT_FAILED,
         ["out/x.json: permission denied"]),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "w.csv"), EXIT_FAILED, ["w.csv: is a directory"]),
        (OSError(errno.ENOSPC, "No space left on device", "/dev/full"), EXIT_FAILED,
         ["/dev/full: no space left on device"]),
        (MemoryError(), EXIT_FAILED, ["out of memory"]),
        (ValueError("a kit value error"), EXIT_FAILED, ["unexpected ValueError: a kit value error", "--debug"]),
        (KeyError("x"), EXIT_FAILED, ["unexpected KeyError"]),
        (RecursionError(), EXIT_FAILED, ["nested too deeply"]),
        (BrokenPipeError(errno.EPIPE, "Broken pipe"), EXIT_FAILED, ["the reader closed the pipe"]),
        (KeyboardInterrupt(), EXIT_INTERRUPTED, ["labkit: interrupted"]),
    ],
)  # fmt: skip
def test_every_failure_is_one_line_with_its_exit_code(exc, code, needles, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(labkit.cli.scenario, "_write", _failing(exc))
    assert main(["scenario", "write", "--output", str(tmp_path)]) == code
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    for needle in needles:
        assert needle in lines[0]


def test_memory_error_names_the_input_file(monkeypatch, capsys, tmp_path):
    import labkit.data_quality.engine

    def exhausted(path, **kwargs):
        raise MemoryError

    monkeypatch.setattr(labkit.data_quality.engine, "profile_csv", exhausted)
    big = tmp_path / "big.csv"
    big.write_text("a\n1\n")
    assert main(["data-quality", "baseline", "--input", str(big), "--output", str(tmp_path / "o")]) == EXIT_FAILED
    assert capsys.readouterr().err == f"labkit: error: {big}: out of memory; try a smaller input or free memory\n"


def test_debug_adds_the_traceback_before_the_same_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(labkit.cli.scenario, "_write", _failing(ValueError("boom")))
    assert main(["--debug", "scenario", "write", "--output", str(tmp_path)]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1].startswith("labkit: error: unexpected ValueError: boom")


def test_a_multi_line_reason_is_printed_on_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(labkit.cli.scenario, "_write", _failing(LabkitInputError("first\nsecond")))
    assert main(["scenario", "write", "--output", str(tmp_path)]) == EXIT_FAILED
    assert capsys.readouterr().err == "labkit: error: first second\n"


def _labkit(*argv: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "labkit", *argv], cwd=REPO, stderr=subprocess.PIPE, text=True, **kwargs
    )


def test_a_closed_pipe_exits_2_with_one_line_and_no_exception_ignored(tmp_path):
    """``labkit … | head -1``: Python's SIGPIPE recipe keeps the exit-time flush quiet."""
    process = _labkit("scenario", "window", "credit", "--rows", "20000", "--output", "/dev/stdout",
                      stdout=subprocess.PIPE)  # fmt: skip
    assert process.stdout.readline().startswith("age,")
    process.stdout.close()  # what head does after its first line
    err = process.stderr.read()
    assert process.wait(timeout=120) == EXIT_FAILED
    assert err.splitlines() == [
        "labkit: error: /dev/stdout: the reader closed the pipe before the output ended (broken pipe)"
    ]


def test_a_closed_pipe_on_printed_lines(tmp_path):
    train = tmp_path / "train.csv"
    train.write_text("a,b\n" + "".join(f"{i},{i % 3}\n" for i in range(50)))
    process = _labkit("data-quality", "baseline", "--input", str(train), "--output", str(tmp_path / "o"),
                      stdout=subprocess.PIPE, bufsize=0)  # fmt: skip
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == EXIT_FAILED
    assert err.splitlines() == [
        "labkit: error: standard output: the reader closed the pipe before the output ended"
    ]


def test_ctrl_c_exits_130_with_one_line(tmp_path):
    """SIGINT while a command works: exit 130, ``labkit: interrupted``, no traceback."""
    code = (
        "import sys, time, labkit.cli, labkit.cli.scenario as s\n"
        "def slow(args):\n"
        "    print('working', flush=True)\n"
        "    time.sleep(60)\n"
        "s._write = slow\n"
        f"sys.exit(labkit.cli.main(['scenario', 'write', '--output', {str(tmp_path)!r}]))\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout.readline() == "working\n"
    time.sleep(0.2)
    os.kill(process.pid, signal.SIGINT)
    assert process.wait(timeout=60) == EXIT_INTERRUPTED
    assert process.stderr.read() == "labkit: interrupted\n"


def test_a_failed_doctor_check_is_one_error_line(monkeypatch, capsys):
    from labkit import doctor

    real = doctor.run_checks

    def broken():
        report = real()
        failing = doctor.Check("widget front end", False, "jupyterlab_widgets 1 with ipywidgets 8")
        return doctor.DoctorReport(report.python, report.platform, report.versions, (failing,))

    monkeypatch.setattr(doctor, "run_checks", broken)
    assert main(["doctor"]) == EXIT_FAILED
    captured = capsys.readouterr()
    assert "FAIL widget front end" in captured.out
    assert captured.err == "labkit: error: environment check failed: widget front end (details above)\n"
