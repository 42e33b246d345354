"""``labkit data-quality``: exit codes 0/1/2, the files written, quarantined lines, one-line errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit import capture
from labkit.cli import EXIT_FAILED, EXIT_OK, EXIT_VIOLATIONS, main
from labkit.jsonfiles import read_json

FIXTURES = Path(__file__).parent / "fixtures" / "data_quality"
START = datetime(2024, 3, 1, 10, tzinfo=UTC)


def features(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(18, 70, n) + int(shift),
        "ratio": rng.beta(2, 5, n).round(3),
        "plan": rng.choice(np.array(["basic", "pro"], dtype=object), n, p=[0.7, 0.3]),
    })  # fmt: skip


@pytest.fixture
def baseline_dir(tmp_path: Path) -> Path:
    features(1_000, 0).to_csv(tmp_path / "train.csv", index=False)
    out = tmp_path / "baseline"
    assert (
        main(
            [
                "data-quality",
                "baseline",
                "--input",
                str(tmp_path / "train.csv"),
                "--output",
                str(out),
            ]
        )
        == EXIT_OK
    )
    return out


def monitor(*argv: str) -> int:
    return main(["data-quality", "monitor", *argv])


def read_metrics(directory: Path) -> list[dict]:
    """The metric entries ``--metrics-dir`` wrote: JSON Lines, as the container writes them."""
    text = (directory / "cloudwatch_metrics.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def write_capture(root: Path, frame: pd.DataFrame, *, hours: int = 1) -> list[Path]:
    records = capture.capture_requests(
        frame,
        np.zeros(len(frame)),
        start_time=START,
        requests_per_hour=len(frame) / hours,
        sampling_percentage=100,
        seed=0,
    )
    return capture.write_capture(records, root, endpoint="credit-ep")


def test_baseline_writes_the_reference_example(tmp_path, capsys):
    assert (
        main(
            [
                "data-quality",
                "baseline",
                "--input",
                str(FIXTURES / "reference_example.csv"),
                "--output",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert read_json(tmp_path / "statistics.json") == read_json(
        FIXTURES / "reference_example_statistics.json"
    )
    assert read_json(tmp_path / "constraints.json") == read_json(
        FIXTURES / "reference_example_constraints.json"
    )
    assert "baseline on 10 rows" in capsys.readouterr().out


def test_monitor_csv_clean_and_drifted(tmp_path, baseline_dir, capsys):
    features(500, 1).to_csv(tmp_path / "clean.csv", index=False)
    assert (
        monitor(
            "--input",
            str(tmp_path / "clean.csv"),
            "--baseline",
            str(baseline_dir),
            "--output",
            str(tmp_path / "a"),
        )
        == EXIT_OK
    )
    assert read_json(tmp_path / "a" / "constraint_violations.json") == {"violations": []}
    # A real execution's report folder (sm-model_monitor_introduction, 2022-04-18): no metrics.
    assert {p.name for p in (tmp_path / "a").iterdir()} == {
        "statistics.json",
        "constraints.json",
        "constraint_violations.json",
    }

    features(500, 1, shift=20).to_csv(tmp_path / "drift.csv", index=False)
    code = monitor(
        "--input",
        str(tmp_path / "drift.csv"),
        "--baseline",
        str(baseline_dir),
        "--output",
        str(tmp_path / "b"),
        "--metrics-dir",
        str(tmp_path / "metrics"),
    )
    out = capsys.readouterr().out
    assert code == EXIT_VIOLATIONS
    assert "500 items analysed: 1 violation(s)" in out and "baseline_drift_check" in out
    found = read_json(tmp_path / "b" / "constraint_violations.json")["violations"]
    assert [(v["feature_name"], v["constraint_check_type"]) for v in found] == [
        ("age", "baseline_drift_check")
    ]
    assert not (tmp_path / "b" / "cloudwatch_metrics.jsonl").exists()
    metrics = read_metrics(tmp_path / "metrics")
    assert {"feature_baseline_drift_age", "feature_data_age", "feature_non_null_plan"} <= {
        m["MetricName"] for m in metrics
    }


def test_monitor_capture_folder_reports_quarantined_lines(tmp_path, baseline_dir, capsys):
    paths = write_capture(tmp_path / "capture", features(300, 2), hours=2)
    with paths[0].open("a", encoding="utf-8") as f:
        f.write("{broken\n")
    code = monitor(
        "--input",
        str(tmp_path / "capture"),
        "--baseline",
        str(baseline_dir),
        "--output",
        str(tmp_path / "out"),
        "--metrics-dir",
        str(tmp_path / "out"),
    )
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert (
        "1 line(s) quarantined" in out
        and f"{paths[0]}:{len(paths[0].read_text().splitlines())}:" in out
    )
    assert "300 items analysed" in out
    metrics = read_metrics(tmp_path / "out")
    assert {m["Timestamp"] for m in metrics} == {
        "2024-03-01T11:59:36Z"
    }  # the last record: 299 × 24 s after 10:00


def test_monitor_capture_window_and_wrong_width_rows(tmp_path, baseline_dir, capsys):
    frame = features(200, 3)
    write_capture(tmp_path / "capture", frame, hours=2)
    narrow = capture.capture_requests(
        frame[["age", "ratio"]].head(3),
        np.zeros(3),
        start_time=START,
        sampling_percentage=100,
        seed=1,
    )
    capture.write_capture(narrow, tmp_path / "capture", endpoint="credit-ep", seed=5)
    argv = [
        "--input",
        str(tmp_path / "capture"),
        "--baseline",
        str(baseline_dir),
        "--output",
        str(tmp_path / "out"),
        "--metrics-dir",
        str(tmp_path / "metrics"),
    ]
    code = monitor(*argv, "--start", "2024-03-01T10:00:00Z", "--end", "2024-03-01T11:00:00Z")
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "3 record(s) quarantined" in out and "100 items analysed" in out
    assert read_json(tmp_path / "out" / "statistics.json")["dataset"]["item_count"] == 100
    assert {m["Timestamp"] for m in read_metrics(tmp_path / "metrics")} == {
        "2024-03-01T11:00:00Z"
    }


def test_monitor_capture_with_output_column(tmp_path, capsys):
    train = (
        features(600, 4).assign(prediction=0).iloc[:, [3, 0, 1, 2]]
    )  # the output first, as AWS assumes
    train.to_csv(tmp_path / "train.csv", index=False)
    assert (
        main(
            [
                "data-quality",
                "baseline",
                "--input",
                str(tmp_path / "train.csv"),
                "--output",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )
    window = features(100, 5)
    records = capture.capture_requests(
        window, np.ones(100, dtype=int), start_time=START, sampling_percentage=100, seed=0
    )
    capture.write_capture(records, tmp_path / "capture", endpoint="ep")
    argv = [
        "--input",
        str(tmp_path / "capture"),
        "--baseline",
        str(tmp_path / "b"),
        "--output",
        str(tmp_path / "o"),
    ]
    assert monitor(*argv, "--include-output") == EXIT_VIOLATIONS  # every prediction is now 1
    found = read_json(tmp_path / "o" / "constraint_violations.json")["violations"]
    assert {(v["feature_name"], v["constraint_check_type"]) for v in found} == {
        ("prediction", "baseline_drift_check")
    }


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda tmp, base: ["--input", str(tmp / "none.csv"), "--baseline", str(base)], "none.csv: no such file or directory"),
        (lambda tmp, base: ["--input", str(FIXTURES / "reference_example.csv"), "--baseline", str(tmp / "nowhere")],
         "nowhere: expected a baseline directory"),
        (lambda tmp, base: ["--input", str(FIXTURES / "reference_example.csv"), "--baseline", str(base), "--start", "2024-01-01"],
         "--start selects captured records"),
    ],
)  # fmt: skip
def test_failures_are_one_line_and_exit_2(tmp_path, baseline_dir, capsys, setup, message):
    assert monitor(*setup(tmp_path, baseline_dir), "--output", str(tmp_path / "o")) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("labkit: error: ") and message in err


def test_edited_constraints_with_a_bad_value_fail_naming_file_and_key(
    tmp_path, baseline_dir, capsys
):
    data = json.loads((baseline_dir / "constraints.json").read_text())
    data["monitoring_config"]["distribution_constraints"]["comparison_method"] = "Fast"
    (baseline_dir / "constraints.json").write_text(json.dumps(data))
    features(50, 1).to_csv(tmp_path / "w.csv", index=False)
    assert (
        monitor(
            "--input",
            str(tmp_path / "w.csv"),
            "--baseline",
            str(baseline_dir),
            "--output",
            str(tmp_path / "o"),
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "constraints.json: monitoring_config.distribution_constraints.comparison_method" in err


def test_capture_with_no_usable_records_fails(tmp_path, baseline_dir, capsys):
    (tmp_path / "c.jsonl").write_text("not json\n")
    assert (
        monitor(
            "--input",
            str(tmp_path / "c.jsonl"),
            "--baseline",
            str(baseline_dir),
            "--output",
            str(tmp_path / "o"),
        )
        == 2
    )
    captured = capsys.readouterr()
    assert "c.jsonl:1: not valid JSON" in captured.out and "nothing to analyse" in captured.err


def test_an_empty_window_fails_like_an_execution_with_no_data(tmp_path, capsys):
    from labkit.cli import main

    train = tmp_path / "train.csv"
    train.write_text("a,b\n1,x\n2,y\n3,x\n")
    (tmp_path / "empty.csv").write_text("a,b\n")
    assert main(["data-quality", "baseline", "--input", str(train), "--output", str(tmp_path / "base")]) == 0
    code = main(["data-quality", "monitor", "--input", str(tmp_path / "empty.csv"), "--baseline", str(tmp_path / "base"), "--output", str(tmp_path / "out")])
    assert code == 2
    assert "no records to analyse" in capsys.readouterr().err


def test_a_metrics_dir_that_is_a_file_fails_in_one_line_before_the_work(
    tmp_path, baseline_dir, capsys
):
    features(50, 1).to_csv(tmp_path / "w.csv", index=False)
    (tmp_path / "taken").write_text("not a folder")
    code = monitor("--input", str(tmp_path / "w.csv"), "--baseline", str(baseline_dir),
                   "--output", str(tmp_path / "o"), "--metrics-dir", str(tmp_path / "taken"))  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == EXIT_FAILED and "taken" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o").exists()  # refused before any file was written
