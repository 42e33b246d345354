"""Paths the operating system refuses, or that are not files at all, on every subcommand.

A FIFO, a device, a symlink loop, a 300-character name, an output path that is a file or lies
under one, a read-only folder, an unreadable input, a full disk: each ends in exit 2 and one
``labkit: error: <path>: <why>`` line, before any work is done where the path can be checked
first. FIFO cases run under an alarm, so a reader that opens the pipe fails instead of hanging.
"""

from __future__ import annotations

import builtins
import errno
import os
import shutil
import signal
from pathlib import Path

import pytest

from labkit import paths

TRAIN = "age,income,plan\n" + "".join(
    f"{20 + i % 40},{1000 + 7 * i},{'ab'[i % 2]}\n" for i in range(60)
)
MERGED = "label,pred,prob\n" + "".join(
    f"{i % 2},{(i // 3) % 2},{(i % 10) / 10}\n" for i in range(200)
)
BIAS = "y,g,yhat\n" + "".join(
    f"{(i * 7) % 2},{'ab'[(i // 2) % 2]},{(i * 5 // 3) % 2}\n" for i in range(400)
)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def no_hang():
    """Fail (instead of blocking forever) if the code under test opens a FIFO."""

    def alarm(signum, frame):
        raise TimeoutError("the command blocked: it opened a FIFO")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def files(tmp_path: Path, run_cli) -> dict[str, Path]:
    """A CSV, a merged CSV, a bias CSV and a data-quality baseline folder."""
    out = {
        "train": tmp_path / "train.csv",
        "merged": tmp_path / "merged.csv",
        "bias": tmp_path / "bias.csv",
    }
    out["train"].write_text(TRAIN)
    out["merged"].write_text(MERGED)
    out["bias"].write_text(BIAS)
    out["baseline"] = tmp_path / "baseline"
    run_cli(
        "data-quality", "baseline", "--input", out["train"], "--output", out["baseline"]
    ).assert_completed()
    return out


def commands(f: dict[str, Path], *, input: Path | None = None, output: Path) -> dict[str, list]:
    """One invocation of each subcommand that reads a CSV and writes an output folder."""
    mq = ["--label", "label", "--prediction", "pred", "--problem-type", "BinaryClassification"]
    bias = ["--label", "y", "--label-values", "1", "--facet", "g", "--facet-values", "a"]
    return {
        "dq-baseline": ["data-quality", "baseline", "--input", input or f["train"], "--output", output],
        "dq-monitor": [
            "data-quality", "monitor", "--input", input or f["train"], "--baseline", f["baseline"],
            "--output", output,
        ],
        "mq-baseline": ["model-quality", "baseline", "--input", input or f["merged"], *mq, "--output", output],
        "bias-report": ["model-bias", "report", "--input", input or f["bias"], *bias, "--output", output],
    }  # fmt: skip


# -- inputs that are not regular files ------------------------------------------------------------


@pytest.mark.parametrize("command", ["dq-baseline", "dq-monitor", "mq-baseline", "bias-report"])
def test_a_fifo_as_input_is_refused_at_once(command, files, tmp_path, run_cli, no_hang):
    fifo = tmp_path / "window.csv"
    os.mkfifo(fifo)
    argv = commands(files, input=fifo, output=tmp_path / "out")[command]
    run_cli(*argv).assert_failed(fifo, "named pipe (FIFO)", "only regular files")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
@pytest.mark.parametrize("command", ["dq-baseline", "dq-monitor"])
def test_a_device_as_input_is_refused_at_once(device, command, files, tmp_path, run_cli, no_hang):
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    argv = commands(files, input=Path(device), output=tmp_path / "out")[command]
    run_cli(*argv).assert_failed(device, "character device")


@pytest.mark.parametrize("name", ["statistics.json", "constraints.json"])
def test_a_fifo_in_the_baseline_folder_is_refused(name, files, tmp_path, run_cli, no_hang):
    baseline = tmp_path / "fifo_baseline"
    shutil.copytree(files["baseline"], baseline)
    (baseline / name).unlink()
    os.mkfifo(baseline / name)
    run = run_cli(
        "data-quality", "monitor", "--input", files["train"], "--baseline", baseline,
        "--output", tmp_path / "out",
    )  # fmt: skip
    run.assert_failed(baseline / name, "expected a JSON file", "named pipe (FIFO)")


def test_a_fifo_among_capture_files_is_refused_not_skipped(files, tmp_path, run_cli, no_hang):
    capture = tmp_path / "capture" / "2024" / "01" / "01" / "00"
    capture.mkdir(parents=True)
    os.mkfifo(capture / "00-00-000-x.jsonl")
    run = run_cli(
        "data-quality", "monitor", "--input", tmp_path / "capture", "--baseline", files["baseline"],
        "--output", tmp_path / "out",
    )  # fmt: skip
    run.assert_failed(capture / "00-00-000-x.jsonl", "expected a .jsonl file", "named pipe (FIFO)")


def test_a_fifo_as_the_model_file_is_refused(files, tmp_path, run_cli, no_hang):
    fifo = tmp_path / "model.skops"
    os.mkfifo(fifo)
    run = run_cli(
        "model-explainability", "baseline", "--input", files["merged"], "--model", fifo,
        "--label", "label", "--output", tmp_path / "out",
    )  # fmt: skip
    run.assert_failed(fifo, "expected a skops model file", "named pipe (FIFO)")


def test_a_symlink_loop_is_named(files, tmp_path, run_cli):
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    for argv in commands(files, input=tmp_path / "a.csv", output=tmp_path / "out").values():
        run_cli(*argv).assert_failed(tmp_path / "a.csv", "symbolic links")
    argv = commands(files, output=tmp_path / "a.csv")["dq-baseline"]
    run_cli(*argv).assert_failed(tmp_path / "a.csv", "symbolic links")


def test_a_dangling_symlink_is_named(files, tmp_path, run_cli):
    (tmp_path / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    argv = commands(files, input=tmp_path / "gone.csv", output=tmp_path / "out")["dq-baseline"]
    run_cli(*argv).assert_failed(tmp_path / "gone.csv", "symbolic link to nothing")


def test_a_300_character_name_is_named(files, tmp_path, run_cli):
    long = tmp_path / ("x" * 300 + ".csv")
    for argv in commands(files, input=long, output=tmp_path / "out").values():
        run_cli(*argv).assert_failed(long, "file name too long")
    argv = commands(files, output=tmp_path / ("y" * 300))["dq-baseline"]
    run_cli(*argv).assert_failed("y" * 300, "file name too long")


def test_unreadable_input_names_the_file(files, tmp_path, run_cli, monkeypatch):
    """Permission denied on read. As root chmod cannot deny, so the refusal is injected as the
    operating system would raise it; the real chmod case runs for other users."""
    if IS_ROOT:
        real = Path.open

        def denied(self, *args, **kwargs):
            if self.name == "train.csv":
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", denied)
    else:
        files["train"].chmod(0)
    argv = commands(files, output=tmp_path / "out")["dq-baseline"]
    run_cli(*argv).assert_failed(files["train"], "permission denied")


def test_unreadable_constraints_names_the_file(files, tmp_path, run_cli, monkeypatch):
    target = files["baseline"] / "constraints.json"
    if IS_ROOT:
        real = Path.read_text

        def denied(self, *args, **kwargs):
            if self == target:
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "read_text", denied)
    else:
        target.chmod(0)
    argv = commands(files, output=tmp_path / "out")["dq-monitor"]
    run_cli(*argv).assert_failed(target, "permission denied")


# -- outputs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["dq-baseline", "dq-monitor", "mq-baseline", "bias-report"])
def test_output_that_is_a_file_is_refused_before_any_work(command, files, tmp_path, run_cli):
    taken = tmp_path / "taken.txt"
    taken.write_text("keep me")
    run_cli(*commands(files, output=taken)[command]).assert_failed(
        taken, "expected a folder", "found a file"
    )
    assert taken.read_text() == "keep me"


@pytest.mark.parametrize("command", ["dq-baseline", "dq-monitor", "mq-baseline", "bias-report"])
def test_output_under_a_file_names_the_file_in_the_way(command, files, tmp_path, run_cli):
    taken = tmp_path / "taken.txt"
    taken.write_text("keep me")
    out = taken / "run1"
    run_cli(*commands(files, output=out)[command]).assert_failed(
        out, f"{taken} is a file, not a folder"
    )


@pytest.mark.parametrize("command", ["dq-baseline", "dq-monitor", "mq-baseline", "bias-report"])
def test_read_only_output_folder_is_refused_before_any_work(
    command, files, tmp_path, run_cli, monkeypatch
):
    """As root a mode-555 folder is writable, so there the refusal is injected at os.access."""
    locked = tmp_path / "locked"
    locked.mkdir()
    if IS_ROOT:
        real = os.access
        monkeypatch.setattr(
            paths.os, "access", lambda p, mode: False if Path(p) == locked else real(p, mode)
        )
    else:
        locked.chmod(0o555)
    run_cli(*commands(files, output=locked / "run1")[command]).assert_failed(
        locked / "run1", "permission denied", str(locked)
    )


def test_a_write_refused_by_the_system_names_the_file(files, tmp_path, run_cli, monkeypatch):
    """The write itself fails (a disk filled up after the check): one line, the file named."""
    real = builtins.open

    def full(file, *args, **kwargs):
        if str(file).endswith("constraints.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", full)
    out = tmp_path / "out"
    run_cli(*commands(files, output=out)["dq-baseline"]).assert_failed(
        out / "constraints.json", "no space left on device"
    )


def test_dev_full_as_an_output(files, tmp_path, run_cli):
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full does not exist here")
    run_cli(*commands(files, output=Path("/dev/full"))["dq-baseline"]).assert_failed(
        "/dev/full", "expected a folder", "character device"
    )
    run_cli("scenario", "window", "credit", "--rows", "5", "--output", "/dev/full").assert_failed(
        "/dev/full", "no space left on device"
    )


def test_scenario_outputs(tmp_path, run_cli):
    taken = tmp_path / "taken.txt"
    taken.write_text("x")
    run_cli("scenario", "window", "credit", "--output", tmp_path).assert_failed(
        tmp_path, "expected a file name to write, found a directory"
    )
    run_cli("scenario", "window", "credit", "--output", taken / "w.csv").assert_failed(
        taken, "is a file, not a folder"
    )
    run_cli("scenario", "model", "credit", "--output", taken / "m.skops").assert_failed(
        taken, "is a file, not a folder"
    )
    run_cli("scenario", "write", "--output", taken).assert_failed(taken, "expected a folder")


def test_notebooks_render_onto_a_file(tmp_path, run_cli):
    taken = tmp_path / "taken.txt"
    taken.write_text("x")
    run_cli("notebooks", "render", "--output", taken).assert_failed(taken, "expected a folder")


def test_describe_os_error_keeps_unknown_reasons():
    assert paths.describe_os_error(OSError(errno.EXDEV, "Invalid cross-device link")) == (
        "invalid cross-device link"
    )
    error = paths.os_error(OSError(errno.EACCES, "Permission denied", "a.csv"))
    assert str(error) == "a.csv: permission denied"


def test_a_fifo_among_the_notebooks_is_refused(tmp_path, run_cli, no_hang):
    source = tmp_path / "notebooks"
    source.mkdir()
    os.mkfifo(source / "01_pipe.ipynb")
    run = run_cli("notebooks", "render", "--source", source, "--output", tmp_path / "site")
    run.assert_failed(source / "01_pipe.ipynb", "expected a notebook file", "named pipe (FIFO)")
