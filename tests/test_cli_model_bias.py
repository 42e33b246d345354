"""``labkit model-bias``: exit codes 0/1/2, the files written, one-line errors and warnings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from labkit.cli import EXIT_FAILED, EXIT_OK, EXIT_VIOLATIONS, main

COLUMNS = ["--label", "label", "--label-values", "1", "--facet", "age", "--facet-threshold", "40"]
PREDICTION = ["--prediction", "score", "--probability-threshold", "0.5", "--group", "region"]


def _write(path, n=1200, seed=0, favour_old=0.0):
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 100, n)
    x = rng.normal(size=n).round(4)
    label = (rng.random(n) < 0.45).astype(int)
    score = np.clip(
        0.45 + 0.2 * x + 0.1 * label + favour_old * (age > 40) + rng.normal(0, 0.1, n), 0, 1
    )
    pd.DataFrame(
        {
            "age": age,
            "x": x,
            "region": rng.integers(0, 3, n),
            "label": label,
            "score": score.round(4),
        }
    ).to_csv(path, index=False)
    return path


@pytest.fixture
def baseline_dir(tmp_path):
    data = _write(tmp_path / "baseline.csv")
    out = tmp_path / "baseline"
    assert (
        main(
            [
                "model-bias",
                "baseline",
                "--input",
                str(data),
                *COLUMNS,
                *PREDICTION,
                "--output",
                str(out),
            ]
        )
        == EXIT_OK
    )
    return out


def test_report_writes_pre_training_only_without_predictions(tmp_path):
    data = _write(tmp_path / "data.csv")
    assert (
        main(
            [
                "model-bias",
                "report",
                "--input",
                str(data),
                *COLUMNS,
                "--output",
                str(tmp_path / "out"),
            ]
        )
        == EXIT_OK
    )
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text())
    assert list(analysis) == ["version", "pre_training_bias_metrics"]
    assert (
        analysis["pre_training_bias_metrics"]["facets"]["age"][0]["value_or_threshold"]
        == "(40, 99]"
    )


def test_report_with_predictions_adds_post_training(tmp_path):
    data = _write(tmp_path / "data.csv")
    argv = [
        "model-bias",
        "report",
        "--input",
        str(data),
        *COLUMNS,
        *PREDICTION,
        "--output",
        str(tmp_path / "out"),
    ]
    assert main(argv) == EXIT_OK
    analysis = json.loads((tmp_path / "out" / "analysis.json").read_text())
    metrics = analysis["post_training_bias_metrics"]["facets"]["age"][0]["metrics"]
    assert [m["name"] for m in metrics][:3] == ["AD", "CDDPL", "DAR"]


def test_baseline_writes_constraints_and_config(baseline_dir):
    assert sorted(p.name for p in baseline_dir.iterdir()) == [
        "analysis.json",
        "analysis_config.json",
        "report.html",
        "report.ipynb",
        "report.pdf",
    ]


def test_baseline_requires_prediction(tmp_path, capsys):
    data = _write(tmp_path / "data.csv")
    assert (
        main(["model-bias", "baseline", "--input", str(data), *COLUMNS, "--output", str(tmp_path)])
        == EXIT_FAILED
    )
    assert "--prediction" in capsys.readouterr().err


def test_monitor_same_data_exits_0(tmp_path, baseline_dir):
    data = _write(tmp_path / "window.csv")
    out = tmp_path / "out"
    argv = [
        "model-bias",
        "monitor",
        "--input",
        str(data),
        *COLUMNS,
        *PREDICTION,
        "--baseline",
        str(baseline_dir),
        "--output",
        str(out),
    ]
    assert main(argv) == EXIT_OK
    # No violations: analysis.json only, as real Clarify executions that end Completed.
    assert sorted(p.name for p in out.iterdir()) == [
        "analysis.json", "report.html", "report.ipynb", "report.pdf",
    ]  # fmt: skip


@pytest.mark.parametrize("rule", ["point", "bootstrap"])
def test_monitor_biased_window_exits_1(tmp_path, baseline_dir, rule, capsys):
    data = _write(tmp_path / "window.csv", seed=4, favour_old=0.3)
    out = tmp_path / "out"
    argv = [
        "model-bias",
        "monitor",
        "--input",
        str(data),
        *COLUMNS,
        *PREDICTION,
        "--baseline",
        str(baseline_dir),
        "--output",
        str(out),
        "--rule",
        rule,
        "--bootstrap-samples",
        "50",
        "--seed",
        "3",
    ]
    assert main(argv) == EXIT_VIOLATIONS
    violations = json.loads((out / "constraint_violations.json").read_text())["violations"]
    assert {"DPPL", "DI"} <= {v["metric_name"] for v in violations}
    # facet_value: the window's interval, as real executions write it ("(100, 232]").
    assert all(v["facet"] == "age" and v["facet_value"].startswith("(40, ") for v in violations)
    assert "violations" in capsys.readouterr().out


def test_missing_column_is_one_line_naming_it(tmp_path, capsys):
    data = _write(tmp_path / "data.csv")
    argv = [
        "model-bias",
        "report",
        "--input",
        str(data),
        "--label",
        "label",
        "--label-values",
        "1",
        "--facet",
        "sex",
        "--facet-values",
        "f",
        "--output",
        str(tmp_path / "out"),
    ]
    assert main(argv) == EXIT_FAILED
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "'sex'" in err and "data.csv" in err


def test_threshold_on_a_column_clarify_reads_as_categorical_fails(tmp_path, capsys):
    data = tmp_path / "data.csv"
    pd.DataFrame({"age": [20, 50] * 50, "label": [1, 0, 0, 1] * 25}).to_csv(data, index=False)
    argv = [
        "model-bias",
        "report",
        "--input",
        str(data),
        *COLUMNS,
        "--output",
        str(tmp_path / "out"),
    ]
    assert main(argv) == EXIT_FAILED
    assert "categorical" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_a_facet_value_that_never_occurs_warns_and_writes_error_entries(tmp_path, capsys):
    data = tmp_path / "data.csv"
    pd.DataFrame({"sex": ["f", "m"] * 30, "label": [1, 0, 0] * 20}).to_csv(data, index=False)
    argv = [
        "model-bias",
        "report",
        "--input",
        str(data),
        "--label",
        "label",
        "--label-values",
        "1",
        "--facet",
        "sex",
        "--facet-values",
        "x",
        "--output",
        str(tmp_path / "out"),
    ]
    assert main(argv) == EXIT_OK
    assert "'sex'" in capsys.readouterr().err
    metrics = json.loads((tmp_path / "out" / "analysis.json").read_text())[
        "pre_training_bias_metrics"
    ]
    assert all(m["value"] is None for m in metrics["facets"]["sex"][0]["metrics"])


def test_single_value_on_a_continuous_column_warns_that_it_is_a_threshold(tmp_path, capsys):
    data = _write(tmp_path / "data.csv")
    argv = [
        "model-bias",
        "report",
        "--input",
        str(data),
        "--label",
        "label",
        "--label-values",
        "1",
        "--facet",
        "age",
        "--facet-values",
        "40",
        "--output",
        str(tmp_path / "out"),
    ]
    assert main(argv) == EXIT_OK
    assert "threshold" in capsys.readouterr().err


def test_no_positive_prediction_fails(tmp_path, capsys):
    data = tmp_path / "data.csv"
    pd.DataFrame({"sex": ["f", "m"] * 30, "label": [1, 0] * 30, "pred": [0] * 60}).to_csv(
        data, index=False
    )
    argv = [
        "model-bias",
        "report",
        "--input",
        str(data),
        "--label",
        "label",
        "--label-values",
        "1",
        "--facet",
        "sex",
        "--facet-values",
        "f",
        "--prediction",
        "pred",
        "--output",
        str(tmp_path / "out"),
    ]
    assert main(argv) == EXIT_FAILED
    assert "all False values" in capsys.readouterr().err


def test_unreadable_baseline_fails(tmp_path, capsys):
    data = _write(tmp_path / "window.csv")
    argv = [
        "model-bias",
        "monitor",
        "--input",
        str(data),
        *COLUMNS,
        *PREDICTION,
        "--baseline",
        str(tmp_path / "nowhere"),
        "--output",
        str(tmp_path / "out"),
    ]
    assert main(argv) == EXIT_FAILED
    assert "analysis.json" in capsys.readouterr().err
