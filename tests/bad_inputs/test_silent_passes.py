"""Inputs that used to switch a check off and exit 0: each is now refused or named in the report.

A baseline whose two files disagree, a bias baseline made for another facet, a label value that
never occurs, probabilities outside [0, 1]: the monitor either fails in one line naming the file
and the JSON path, or completes and says what it could not check. Real service files stay
accepted (a high-cardinality String column without a distribution, Clarify's ``label0``).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from labkit import model_quality
from labkit.errors import LabkitInputError

N_ROWS = 200


# -- data quality: statistics.json against constraints.json ------------------------------------------


@pytest.fixture
def sensor(tmp_path: Path, run_cli):
    """(baseline folder, window 15 °C hotter): temperatures, humidity and a site code."""
    temps = np.random.default_rng(0).normal(20, 3, N_ROWS)

    def rows(shift: float) -> str:
        return "".join(
            f"{t + shift:.2f},{50 + i % 30},{'ab'[i % 2]}\n" for i, t in enumerate(temps)
        )

    (tmp_path / "train.csv").write_text("temp_c,humidity,site\n" + rows(0))
    (tmp_path / "hot.csv").write_text("temp_c,humidity,site\n" + rows(15))
    run_cli(
        "data-quality", "baseline", "--input", tmp_path / "train.csv", "--output", tmp_path / "b"
    ).assert_completed()
    return tmp_path / "b", tmp_path / "hot.csv"


def edited(baseline: Path, tmp_path: Path, change: Callable[[dict, dict], None]) -> Path:
    folder = tmp_path / "edited"
    shutil.copytree(baseline, folder)
    statistics = json.loads((folder / "statistics.json").read_text())
    constraints = json.loads((folder / "constraints.json").read_text())
    change(statistics, constraints)
    (folder / "statistics.json").write_text(json.dumps(statistics))
    (folder / "constraints.json").write_text(json.dumps(constraints))
    return folder


def monitor(run_cli, window: Path, baseline: Path, tmp_path: Path):
    return run_cli(
        "data-quality", "monitor", "--input", window, "--baseline", baseline,
        "--output", tmp_path / "out",
    )  # fmt: skip


def checks(tmp_path: Path) -> list[tuple[str, str]]:
    found = json.loads((tmp_path / "out" / "constraint_violations.json").read_text())
    return [(v["feature_name"], v["constraint_check_type"]) for v in found["violations"]]


def test_the_hot_window_is_caught_by_the_untouched_baseline(sensor, tmp_path, run_cli):
    baseline, hot = sensor
    assert monitor(run_cli, hot, baseline, tmp_path).code == 1
    assert checks(tmp_path) == [("temp_c", "baseline_drift_check")]


def _rename_statistics(s: dict, c: dict) -> None:
    for feature in s["features"]:
        feature["name"] += "_renamed"


def _numeric_as_string(s: dict, c: dict) -> None:
    feature = s["features"][0]
    del feature["numerical_statistics"]
    feature["inferred_type"] = "String"
    feature["string_statistics"] = {
        "common": {"num_present": N_ROWS, "num_missing": 0},
        "distinct_count": 1.0,
        "distribution": {"categorical": {"buckets": [{"value": "warm", "count": N_ROWS}]}},
    }


def _duplicate(key: str) -> Callable[[dict, dict], None]:
    def change(s: dict, c: dict) -> None:
        document = s if key == "statistics" else c
        document["features"][2]["name"] = document["features"][0]["name"]

    return change


REFUSED = {
    "statistics_without_features": (
        lambda s, c: s.pop("features"),
        "statistics.json",
        ["features is missing"],
    ),
    "statistics_without_item_count": (
        lambda s, c: s["dataset"].pop("item_count"),
        "statistics.json",
        ["dataset.item_count is missing"],
    ),
    "statistics_with_renamed_features": (
        _rename_statistics,
        "constraints.json",
        ["features[0] 'temp_c' has no entry in", "statistics.json", "same baseline"],
    ),
    "statistics_type_flipped_to_string": (
        _numeric_as_string,
        "statistics.json",
        ["column 'temp_c'", "features[0].inferred_type is String", "says Fractional"],
    ),
    "constraints_type_flipped_to_string": (
        lambda s, c: c["features"][0].update(inferred_type="String"),
        "statistics.json",
        ["features[0].inferred_type is Fractional", "says String", "cannot compare a String"],
    ),
    "duplicate_name_in_statistics": (
        _duplicate("statistics"),
        "statistics.json",
        ["features[2].name 'temp_c' repeats features[0].name"],
    ),
    "duplicate_name_in_constraints": (
        _duplicate("constraints"),
        "constraints.json",
        ["features[2].name 'temp_c' repeats features[0].name"],
    ),
    "constraints_without_features": (
        lambda s, c: c.pop("features"),
        "constraints.json",
        ["features is missing"],
    ),
    "numeric_feature_without_numerical_statistics": (
        lambda s, c: s["features"][1].update(
            numerical_statistics=None, string_statistics=s["features"][2]["string_statistics"]
        ),
        "statistics.json",
        ["features[1].numerical_statistics"],
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_an_inconsistent_baseline_is_refused_not_a_silent_pass(case, sensor, tmp_path, run_cli):
    """Each of these once gave exit 0 on a window 15 °C hotter than the baseline."""
    baseline, hot = sensor
    change, name, needles = REFUSED[case]
    folder = edited(baseline, tmp_path, change)
    monitor(run_cli, hot, folder, tmp_path).assert_failed(folder / name, *needles)
    assert not (tmp_path / "out").exists()


def test_relaxing_integral_to_fractional_keeps_the_drift_check(sensor, tmp_path, run_cli):
    baseline, hot = sensor
    folder = edited(
        baseline, tmp_path, lambda s, c: c["features"][1].update(inferred_type="Fractional")
    )
    run = monitor(run_cli, hot, folder, tmp_path)
    assert run.code == 1
    assert ("temp_c", "baseline_drift_check") in checks(tmp_path)


def test_disabling_the_comparison_makes_missing_statistics_fine(sensor, tmp_path, run_cli):
    baseline, hot = sensor

    def change(s: dict, c: dict) -> None:
        _rename_statistics(s, c)
        c["monitoring_config"]["distribution_constraints"]["perform_comparison"] = "Disabled"

    run = monitor(run_cli, hot, edited(baseline, tmp_path, change), tmp_path)
    assert run.code == 0 and checks(tmp_path) == []


def test_a_string_column_without_distribution_is_accepted_and_named(sensor, tmp_path, run_cli):
    """A real suggest_baseline output (2024) leaves the distribution out for high-cardinality
    string columns: read it, and say the drift check does not compare that column."""
    baseline, hot = sensor

    def change(s: dict, c: dict) -> None:
        del s["features"][2]["string_statistics"]["distribution"]
        c["features"][2]["string_constraints"].pop("domains")

    run = monitor(run_cli, hot, edited(baseline, tmp_path, change), tmp_path)
    assert run.code == 1
    assert checks(tmp_path) == [("temp_c", "baseline_drift_check")]
    notes = [line for line in run.stdout.splitlines() if "note:" in line]
    assert notes == [
        (
            "  note: 'site' has no categorical distribution in the baseline statistics.json "
            "(a high-cardinality string column), so baseline_drift_check does not compare it"
        )
    ]


# -- model quality ------------------------------------------------------------------------------------


@pytest.fixture
def merged(tmp_path: Path) -> Path:
    path = tmp_path / "merged.csv"
    probability = [(i % 10) / 10 for i in range(N_ROWS)]
    probability[3], probability[8] = 1.7, -0.3
    path.write_text(
        "label,pred,prob\n"
        + "".join(f"{i % 2},{(i // 3) % 2},{p}\n" for i, p in enumerate(probability))
    )
    return path


def mq(run_cli, action: str, path: Path, tmp_path: Path, *extra):
    return run_cli(
        "model-quality", action, "--input", path, "--label", "label", "--prediction", "pred",
        "--probability", "prob", "--output", tmp_path / action, *extra,
    )  # fmt: skip


def test_probabilities_outside_0_1_are_named_in_the_report(merged, tmp_path, run_cli):
    note = (
        "  note: column 'prob': 2 of 200 values lie outside [0, 1] (first 1.7 at data row 4); "
        "they are used as scores as given"
    )
    run = mq(run_cli, "baseline", merged, tmp_path, "--problem-type", "BinaryClassification")
    assert run.code == 0 and note in run.stdout.splitlines()
    run = mq(run_cli, "monitor", merged, tmp_path, "--baseline", tmp_path / "baseline")
    assert run.code in (0, 1) and note in run.stdout.splitlines()


def test_probabilities_inside_0_1_give_no_note(tmp_path, run_cli):
    path = tmp_path / "fine.csv"
    path.write_text(
        "label,pred,prob\n" + "".join(f"{i % 2},{i % 2},{(i % 10) / 10}\n" for i in range(50))
    )
    run = mq(run_cli, "baseline", path, tmp_path, "--problem-type", "BinaryClassification")
    assert run.code == 0 and "outside [0, 1]" not in run.stdout


def test_an_empty_constraints_block_is_refused(merged, tmp_path, run_cli):
    mq(
        run_cli, "baseline", merged, tmp_path, "--problem-type", "BinaryClassification"
    ).assert_completed()
    constraints = tmp_path / "baseline" / "constraints.json"
    constraints.write_text('{"version": 0.0, "binary_classification_constraints": {}}')
    run = mq(run_cli, "monitor", merged, tmp_path, "--baseline", tmp_path / "baseline")
    run.assert_failed(constraints, "holds no metric constraint")


@pytest.mark.parametrize(
    "document, needle",
    [
        ({"binary_classification_metrics": {}}, "dataset.item_count: expected a whole number"),
        ({"dataset": {"item_count": 5}, "binary_classification_metrics": []}, "expected an object"),
        (
            {
                "dataset": {"item_count": 5},
                "binary_classification_metrics": {"recall": {"value": "x"}},
            },
            'binary_classification_metrics.recall.value: expected a number or "NaN"',
        ),
    ],
)
def test_a_malformed_model_quality_statistics_names_the_json_path(document, needle, tmp_path):
    (tmp_path / "statistics.json").write_text(json.dumps(document))
    with pytest.raises(LabkitInputError) as info:
        model_quality.Statistics.from_json(tmp_path)
    assert needle in str(info.value) and "statistics.json" in str(info.value)


# -- model bias: the baseline's analysis.json against the facet and label asked for --------------------


@pytest.fixture
def bias_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bias.csv"
    path.write_text(
        "y,g,h,yhat\n"
        + "".join(
            f"{(i * 7) % 2},{'ab'[(i // 2) % 2]},{'xy'[(i // 3) % 2]},{(i * 5 // 3) % 2}\n"
            for i in range(400)
        )
    )
    return path


def bias(run_cli, action: str, path: Path, tmp_path: Path, *, label_values="1", facet="g",
         facet_values="a", label="y", out="out", extra=()):  # fmt: skip
    return run_cli(
        "model-bias", action, "--input", path, "--label", label, "--label-values", label_values,
        "--facet", facet, "--facet-values", facet_values, "--prediction", "yhat",
        "--output", tmp_path / out, *extra,
    )  # fmt: skip


@pytest.fixture
def bias_baseline(bias_csv: Path, tmp_path: Path, run_cli) -> Path:
    bias(run_cli, "baseline", bias_csv, tmp_path, out="baseline").assert_completed()
    return tmp_path / "baseline"


def bias_monitor(run_cli, path, baseline, tmp_path, **kwargs):
    return bias(run_cli, "monitor", path, tmp_path, extra=("--baseline", baseline), **kwargs)


BIAS_MISMATCHES = {
    "another_facet": ({"facet": "h", "facet_values": "x"}, ["pre_training_bias_metrics.facets has no facet 'h' (it has: g)"]),
    "another_facet_value": ({"facet_values": "b"}, ["pre_training_bias_metrics.facets.g has no entry for facet value 'b'", "'a'"]),
    "another_label_value": ({"label_values": "0"}, ["pre_training_bias_metrics.label_value_or_threshold is '1'", "'0'"]),
    "another_label": ({"label": "yhat", "label_values": "1"}, ["pre_training_bias_metrics.label is 'y'", "'yhat'"]),
}  # fmt: skip


@pytest.mark.parametrize("case", BIAS_MISMATCHES)
def test_a_bias_baseline_for_something_else_is_refused(
    case, bias_csv, bias_baseline, tmp_path, run_cli
):
    kwargs, needles = BIAS_MISMATCHES[case]
    run = bias_monitor(run_cli, bias_csv, bias_baseline, tmp_path, **kwargs)
    run.assert_failed(bias_baseline / "analysis.json", *needles)
    assert not (tmp_path / "out" / "constraint_violations.json").exists()


def test_a_bias_baseline_with_no_stage_is_refused(bias_csv, tmp_path, run_cli):
    folder = tmp_path / "empty_baseline"
    folder.mkdir()
    (folder / "analysis.json").write_text('{"version": "1.0"}')
    bias_monitor(run_cli, bias_csv, folder, tmp_path).assert_failed(
        folder / "analysis.json",
        "holds neither pre_training_bias_metrics nor post_training_bias_metrics",
    )


def test_a_post_training_only_baseline_is_compared(bias_csv, bias_baseline, tmp_path, run_cli):
    analysis = json.loads((bias_baseline / "analysis.json").read_text())
    del analysis["pre_training_bias_metrics"]
    (bias_baseline / "analysis.json").write_text(json.dumps(analysis))
    bias_monitor(run_cli, bias_csv, bias_baseline, tmp_path).assert_completed()


def test_a_baseline_of_error_entries_is_refused(bias_csv, bias_baseline, tmp_path, run_cli):
    analysis = json.loads((bias_baseline / "analysis.json").read_text())
    for key in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        for group in analysis[key]["facets"]["g"]:
            for metric in group["metrics"]:
                metric.update(value=None, error="facet set is empty")
    (bias_baseline / "analysis.json").write_text(json.dumps(analysis))
    bias_monitor(run_cli, bias_csv, bias_baseline, tmp_path).assert_failed(
        bias_baseline / "analysis.json", "every metric", "error entry"
    )


@pytest.fixture
def never_favourable(tmp_path: Path) -> Path:
    """The label is never 1 while the predictions are: a warning, not an error."""
    path = tmp_path / "never.csv"
    path.write_text(
        "y,g,h,yhat\n"
        + "".join(f"0,{'ab'[(i // 2) % 2]},x,{(i * 5 // 3) % 2}\n" for i in range(400))
    )
    return path


def test_a_label_value_that_never_occurs_is_named(never_favourable, tmp_path, run_cli):
    run = bias(run_cli, "report", never_favourable, tmp_path)
    assert run.code == 0
    assert run.error_lines == [
        (
            "labkit: warning: column 'y': no row has a favourable label (label_value_or_threshold "
            "'1'), so every metric that counts favourable outcomes compares zeros"
        )
    ]
    assert (tmp_path / "out" / "analysis.json").exists()


def test_warnings_never_add_lines_to_a_failure(never_favourable, bias_baseline, tmp_path, run_cli):
    """A label that never occurs, then a baseline for another facet value: one error line only."""
    run = bias_monitor(run_cli, never_favourable, bias_baseline, tmp_path, facet_values="b")
    run.assert_failed(bias_baseline / "analysis.json", "facet value 'b'")


def test_model_quality_files_for_two_problem_types_are_refused(merged, tmp_path, run_cli):
    mq(
        run_cli, "baseline", merged, tmp_path, "--problem-type", "BinaryClassification"
    ).assert_completed()
    folder = tmp_path / "baseline"
    (folder / "constraints.json").write_text(
        '{"version": 0.0, "regression_constraints": {"mae": '
        '{"threshold": 1.0, "comparison_operator": "GreaterThanThreshold"}}}'
    )
    with pytest.raises(LabkitInputError) as info:
        model_quality.Baseline.from_json(folder)
    assert str(info.value) == (
        f"{folder}: statistics.json is for BinaryClassification but constraints.json is for "
        "Regression; both files must come from the same baseline"
    )
