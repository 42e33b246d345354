"""``labkit model-quality``: exit codes 0/1/2, the files written, one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from labkit.cli import EXIT_FAILED, EXIT_OK, EXIT_VIOLATIONS, main
from labkit.jsonfiles import read_json

COLUMNS = ["--label", "label", "--prediction", "prediction", "--probability", "probability"]


def _write(path, n=300, seed=0, flip=0.0):
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    score = np.clip(0.4 * label + 0.6 * rng.random(n), 0, 1)
    flipped = np.where(rng.random(n) < flip, 1 - label, label)
    df = pd.DataFrame(
        {"label": flipped, "prediction": (score > 0.5).astype(int), "probability": score.round(4)}
    )
    df.to_csv(path, index=False)
    return path


@pytest.fixture
def baseline_dir(tmp_path):
    data = _write(tmp_path / "baseline.csv")
    out = tmp_path / "baseline"
    argv = [
        "model-quality",
        "baseline",
        "--input",
        str(data),
        "--problem-type",
        "BinaryClassification",
    ]
    assert main([*argv, *COLUMNS, "--output", str(out)]) == EXIT_OK
    return out


def test_baseline_writes_both_files_and_a_summary(tmp_path, capsys):
    data, out = _write(tmp_path / "baseline.csv"), tmp_path / "out"
    argv = [
        "model-quality",
        "baseline",
        "--input",
        str(data),
        "--problem-type",
        "BinaryClassification",
    ]
    assert main([*argv, *COLUMNS, "--output", str(out)]) == EXIT_OK
    assert sorted(p.name for p in out.iterdir()) == ["constraints.json", "statistics.json"]
    assert "binary_classification_metrics" in read_json(out / "statistics.json")
    assert "BinaryClassification baseline on 300 rows" in capsys.readouterr().out


def test_monitor_exit_0_without_and_1_with_violations(baseline_dir, tmp_path, capsys):
    monitor = ["model-quality", "monitor", "--baseline", str(baseline_dir), *COLUMNS]
    same = ["--input", str(tmp_path / "baseline.csv"), "--output", str(tmp_path / "same")]
    assert main([*monitor, *same]) == EXIT_OK
    assert read_json(tmp_path / "same" / "constraint_violations.json") == {"violations": []}
    worse = _write(tmp_path / "worse.csv", flip=0.4)
    assert (
        main([*monitor, "--input", str(worse), "--output", str(tmp_path / "worse")])
        == EXIT_VIOLATIONS
    )
    violations = read_json(tmp_path / "worse" / "constraint_violations.json")["violations"]
    assert {"recall", "auc"} <= {v["metric_name"] for v in violations}
    assert "Metric recall with" in capsys.readouterr().out


def test_an_edited_threshold_changes_the_exit_code(baseline_dir, tmp_path):
    worse = _write(tmp_path / "worse.csv", flip=0.4)
    path = baseline_dir / "constraints.json"
    data = json.loads(path.read_text())
    data["binary_classification_constraints"] = {
        "recall": {"threshold": 0.05, "comparison_operator": "LessThanThreshold"}
    }
    path.write_text(json.dumps(data))
    argv = [
        "model-quality",
        "monitor",
        "--input",
        str(worse),
        "--baseline",
        str(path),
        *COLUMNS,
        "--output",
        str(tmp_path / "o"),
    ]
    assert main(argv) == EXIT_OK


def test_probability_only_binary_input(tmp_path):
    data = _write(tmp_path / "b.csv")
    argv = [
        "model-quality",
        "baseline",
        "--input",
        str(data),
        "--problem-type",
        "BinaryClassification",
        "--label",
        "label",
        "--probability",
        "probability",
        "--probability-threshold",
        "0.7",
        "--output",
        str(tmp_path / "out"),
    ]
    assert main(argv) == EXIT_OK
    df = pd.read_csv(data)
    matrix = read_json(tmp_path / "out" / "statistics.json")["binary_classification_metrics"][
        "confusion_matrix"
    ]
    assert matrix["0"]["1"] + matrix["1"]["1"] == int((df.probability > 0.7).sum())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ["--problem-type", "Binary"],
            "unknown --problem-type 'Binary'; expected one of BinaryClassification",
        ),
        (["--label", "y"], "column 'y': no such column"),
        (
            ["--problem-type", "Regression", "--label", "label", "--probability", "probability"],
            "Regression needs --prediction",
        ),
    ],
)
def test_bad_usage_exits_2_with_one_line(tmp_path, capsys, change, message):
    data = _write(tmp_path / "b.csv", n=20)
    argv = [
        "model-quality",
        "baseline",
        "--input",
        str(data),
        "--problem-type",
        "BinaryClassification",
        "--label",
        "label",
        "--prediction",
        "prediction",
        "--output",
        str(tmp_path / "o"),
    ]
    for i in range(0, len(change), 2):
        if change[i] in argv:
            argv[argv.index(change[i]) + 1] = change[i + 1]
        else:
            argv += change[i : i + 2]
    if "Regression" in change:
        argv.remove("--prediction"), argv.remove("prediction")
    assert main(argv) == EXIT_FAILED
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_values_name_file_line_and_column(tmp_path, capsys):
    data = tmp_path / "b.csv"
    data.write_text("label,prediction,probability\n1,1,0.9\n0,,0.2\n")
    argv = [
        "model-quality",
        "baseline",
        "--input",
        str(data),
        "--problem-type",
        "BinaryClassification",
        *COLUMNS,
        "--output",
        str(tmp_path / "o"),
    ]
    assert main(argv) == EXIT_FAILED
    assert f"{data} line 3, column 'prediction'" in capsys.readouterr().err
    data.write_text("label,prediction,probability\n1,1,0.9\n0,0,high\n")
    assert main(argv) == EXIT_FAILED
    assert "column 'probability': expected a number, found 'high'" in capsys.readouterr().err


def test_monitor_refuses_a_missing_baseline_and_a_mismatched_problem_type(
    baseline_dir, tmp_path, capsys
):
    data = str(tmp_path / "baseline.csv")
    argv = ["model-quality", "monitor", "--input", data, *COLUMNS, "--output", str(tmp_path / "o")]
    assert main([*argv, "--baseline", str(tmp_path / "nowhere")]) == EXIT_FAILED
    assert "file not found" in capsys.readouterr().err
    assert (
        main([*argv, "--baseline", str(baseline_dir), "--problem-type", "Regression"])
        == EXIT_FAILED
    )
    assert "constraints are for BinaryClassification" in capsys.readouterr().err
