"""Broken baseline folders: a missing file, corrupted JSON, a learner's edit gone wrong.

A learner edits constraints.json by hand (the lesson asks them to), so every bad value must be
refused with the file and the JSON path of the key, never silently replaced by a default.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

N_ROWS = 60


@pytest.fixture
def dq(tmp_path: Path, run_cli):
    """(train CSV, shifted CSV, baseline folder) for the data-quality twin."""
    rows = lambda shift: "".join(
        f"{20 + i % 40 + shift},{1000 + 7 * i + 100 * shift},{'ab'[i % 2]}\n" for i in range(N_ROWS)
    )
    train, shifted = tmp_path / "train.csv", tmp_path / "shifted.csv"
    train.write_text("age,income,plan\n" + rows(0))
    shifted.write_text("age,income,plan\n" + rows(40))
    run_cli(
        "data-quality", "baseline", "--input", train, "--output", tmp_path / "baseline"
    ).assert_completed()
    return train, shifted, tmp_path / "baseline"


class Replace:
    """Returned by an edit to replace the whole document instead of changing it in place."""

    def __init__(self, document: object) -> None:
        self.document = document


def edited(baseline: Path, name: str, change: Callable[[dict], object], tmp_path: Path) -> Path:
    folder = tmp_path / "edited"
    shutil.copytree(baseline, folder)
    data = json.loads((folder / name).read_text())
    outcome = change(data)
    (folder / name).write_text(
        json.dumps(outcome.document if isinstance(outcome, Replace) else data)
    )
    return folder


def dq_monitor(run_cli, window: Path, baseline: Path, tmp_path: Path):
    return run_cli(
        "data-quality",
        "monitor",
        "--input",
        window,
        "--baseline",
        baseline,
        "--output",
        tmp_path / "out",
    )


@pytest.mark.parametrize("missing", ["statistics.json", "constraints.json"])
def test_baseline_folder_missing_one_file(missing, dq, tmp_path, run_cli):
    train, _, baseline = dq
    (baseline / missing).unlink()
    dq_monitor(run_cli, train, baseline, tmp_path).assert_failed(
        baseline / missing, "file not found"
    )


def test_baseline_folder_that_does_not_exist(dq, tmp_path, run_cli):
    train, _, _ = dq
    dq_monitor(run_cli, train, tmp_path / "nowhere", tmp_path).assert_failed(
        tmp_path / "nowhere", "expected a baseline directory"
    )


@pytest.mark.parametrize("name", ["statistics.json", "constraints.json"])
def test_truncated_json_names_file_and_line(name, dq, tmp_path, run_cli):
    train, _, baseline = dq
    text = (baseline / name).read_text()
    (baseline / name).write_text(text[: len(text) // 2])
    dq_monitor(run_cli, train, baseline, tmp_path).assert_failed(
        baseline / name, "line ", "not valid JSON"
    )


def _dc(c: dict) -> dict:
    return c["monitoring_config"]["distribution_constraints"]


CONSTRAINT_EDITS = {
    "threshold_above_1": (
        lambda c: c["monitoring_config"].update(datatype_check_threshold=1.5),
        "datatype_check_threshold: 1.5 is outside its range 0.0–1.0",
    ),
    "threshold_negative": (
        lambda c: _dc(c).update(comparison_threshold=-0.1),
        "comparison_threshold: -0.1 is outside its range",
    ),
    "threshold_as_text": (
        lambda c: _dc(c).update(comparison_threshold="high"),
        "comparison_threshold: expected a number, found 'high'",
    ),
    "unknown_comparison_method": (
        lambda c: _dc(c).update(comparison_method="Fancy"),
        "comparison_method: expected Simple or Robust",
    ),
    "unknown_inferred_type": (
        lambda c: c["features"][0].update(inferred_type="Float"),
        "features[0].inferred_type",
    ),
    "completeness_above_1": (
        lambda c: c["features"][0].update(completeness=2),
        "features[0].completeness: 2 is outside its range",
    ),
    "features_not_a_list": (lambda c: c.update(features={}), "features: expected a list"),
    "feature_without_name": (lambda c: c["features"][0].pop("name"), "features[0].name"),
    "top_level_list": (lambda c: Replace([]), "top level: expected an object"),
}


@pytest.mark.parametrize("case", CONSTRAINT_EDITS)
def test_bad_constraints_edit_names_file_and_key(case, dq, tmp_path, run_cli):
    train, _, baseline = dq
    change, needle = CONSTRAINT_EDITS[case]
    folder = edited(baseline, "constraints.json", change, tmp_path)
    dq_monitor(run_cli, train, folder, tmp_path).assert_failed(folder / "constraints.json", needle)


def test_statistics_with_text_for_a_number(dq, tmp_path, run_cli):
    train, _, baseline = dq

    def change(s: dict) -> None:
        s["features"][0]["numerical_statistics"]["mean"] = "NaN"

    folder = edited(baseline, "statistics.json", change, tmp_path)
    dq_monitor(run_cli, train, folder, tmp_path).assert_failed(
        folder / "statistics.json", "numerical_statistics.mean"
    )


def test_statistics_without_distributions_cannot_skip_the_drift_check_silently(
    dq, tmp_path, run_cli
):
    _, shifted, baseline = dq

    def change(s: dict) -> None:
        for feature in s["features"]:
            feature.get("numerical_statistics", {}).pop("distribution", None)

    folder = edited(baseline, "statistics.json", change, tmp_path)
    run = dq_monitor(run_cli, shifted, folder, tmp_path)
    # The container always writes the sketch (AWS "Schema for Statistics"): a file without it is refused.
    run.assert_failed(
        folder / "statistics.json",
        "column 'age'",
        "features[0].numerical_statistics.distribution.kll.sketch is missing",
    )


def test_statistics_without_distributions_are_fine_when_the_drift_check_is_disabled(
    dq, tmp_path, run_cli
):
    _, shifted, baseline = dq

    def drop(s: dict) -> None:
        for feature in s["features"]:
            feature.get("numerical_statistics", {}).pop("distribution", None)

    folder = edited(baseline, "statistics.json", drop, tmp_path)
    constraints = json.loads((folder / "constraints.json").read_text())
    _dc(constraints)["perform_comparison"] = "Disabled"
    (folder / "constraints.json").write_text(json.dumps(constraints))
    dq_monitor(run_cli, shifted, folder, tmp_path).assert_completed()


# -- the other twins' baseline files ---------------------------------------------------------------------


@pytest.fixture
def mq(tmp_path: Path, run_cli):
    merged = tmp_path / "merged.csv"
    merged.write_text(
        "label,pred,prob\n"
        + "".join(f"{i % 2},{(i // 3) % 2},{(i % 10) / 10}\n" for i in range(200))
    )
    args = ["--input", merged, "--label", "label", "--prediction", "pred", "--probability", "prob"]
    run_cli(
        "model-quality",
        "baseline",
        *args,
        "--problem-type",
        "BinaryClassification",
        "--output",
        tmp_path / "mq",
    ).assert_completed()
    return args, tmp_path / "mq"


MQ_EDITS = {
    "threshold_as_text": (
        lambda c: c["binary_classification_constraints"]["recall"].update(threshold="x"),
        "recall: threshold must be a finite number",
    ),
    "unknown_operator": (
        lambda c: c["binary_classification_constraints"]["recall"].update(
            comparison_operator="Bigger"
        ),
        "unknown comparison_operator 'Bigger'",
    ),
    "unknown_problem_type_key": (
        lambda c: c.update(unknown_constraints=c.pop("binary_classification_constraints")),
        "expected exactly one of",
    ),
}


@pytest.mark.parametrize("case", MQ_EDITS)
def test_bad_model_quality_constraints(case, mq, tmp_path, run_cli):
    args, baseline = mq
    change, needle = MQ_EDITS[case]
    folder = edited(baseline, "constraints.json", change, tmp_path)
    run = run_cli(
        "model-quality", "monitor", *args, "--baseline", folder, "--output", tmp_path / "out"
    )
    run.assert_failed(folder / "constraints.json", needle)


def test_corrupted_model_quality_constraints(mq, tmp_path, run_cli):
    args, baseline = mq
    (baseline / "constraints.json").write_text("{")
    run = run_cli(
        "model-quality", "monitor", *args, "--baseline", baseline, "--output", tmp_path / "out"
    )
    run.assert_failed(baseline / "constraints.json", "line 1", "not valid JSON")


@pytest.fixture
def bias_args(tmp_path: Path) -> list:
    rows = "".join(f"{(i * 7) % 2},{'ab'[(i // 2) % 2]},{(i * 5 // 3) % 2}\n" for i in range(400))
    (tmp_path / "bias.csv").write_text("y,g,yhat\n" + rows)
    return [
        "--input",
        tmp_path / "bias.csv",
        "--label",
        "y",
        "--label-values",
        "1",
        "--facet",
        "g",
        "--facet-values",
        "a",
        "--prediction",
        "yhat",
    ]


@pytest.mark.parametrize(
    "content, needle",
    [
        ('{"ver', "not valid JSON"),
        ('{"version": "1.0", "pre_training_bias_metrics": 3}', "pre_training_bias_metrics: expected an object"),
    ],
)
def test_corrupted_bias_baseline(content, needle, bias_args, tmp_path, run_cli):
    folder = tmp_path / "bias_baseline"
    folder.mkdir()
    (folder / "analysis.json").write_text(content)
    run = run_cli(
        "model-bias", "monitor", *bias_args, "--baseline", folder, "--output", tmp_path / "out"
    )
    run.assert_failed(folder / "analysis.json", needle)
