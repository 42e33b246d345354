"""The command line's shared behaviour: subcommands, exit codes, one-line errors."""

from __future__ import annotations

import importlib.util

import pandas as pd

from labkit.cli import EXIT_FAILED, SUBCOMMAND_MODULES, main


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
