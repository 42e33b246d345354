"""constraints.json and constraint_violations.json: suggestions, each operator, learner edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json
from labkit.model_quality import Constraints, ConstraintViolations, Statistics
from labkit.model_quality.constraints import (
    COMPARISON_OPERATORS,
    MetricConstraint,
    check_constraints,
    default_operator,
    suggest_constraints,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "model_quality"


def _statistics(**values: float | str) -> Statistics:
    metrics = {k: {"value": v, "standard_deviation": 0.01} for k, v in values.items()}
    return Statistics("BinaryClassification", 300, metrics)


def test_suggested_threshold_is_the_baseline_value_with_the_direction_operator():
    stats = Statistics.from_json(FIXTURES / "statistics_binary_docs.json")
    constraints = suggest_constraints(stats)
    assert constraints.metrics["recall"] == MetricConstraint(1.0, "LessThanThreshold")
    assert constraints.metrics["false_positive_rate"] == MetricConstraint(
        0.6666666666666666, "GreaterThanThreshold"
    )
    assert not any(name.endswith("_best_constant_classifier") for name in constraints.metrics)
    assert "confusion_matrix" not in constraints.metrics


def test_undefined_baseline_metric_gets_no_constraint():
    constraints = suggest_constraints(_statistics(recall=0.8, precision="NaN"))
    assert set(constraints.metrics) == {"recall"}


@pytest.mark.parametrize(
    ("operator", "below", "equal", "above"),
    [
        ("LessThanThreshold", True, False, False),
        ("LessThanOrEqualToThreshold", True, True, False),
        ("GreaterThanThreshold", False, False, True),
        ("GreaterThanOrEqualToThreshold", False, True, True),
    ],
)
def test_each_comparison_operator(operator, below, equal, above):
    constraints = Constraints("BinaryClassification", {"recall": MetricConstraint(0.75, operator)})
    for value, expected in ((0.70, below), (0.75, equal), (0.80, above)):
        violations = check_constraints(_statistics(recall=value), constraints)
        assert bool(len(violations)) is expected, (operator, value)
        if expected:
            assert violations.check_types() == {operator}
            assert violations.metric_names() == {"recall"}


def test_every_operator_is_pinned():
    assert set(COMPARISON_OPERATORS) == {
        "LessThanThreshold",
        "LessThanOrEqualToThreshold",
        "GreaterThanThreshold",
        "GreaterThanOrEqualToThreshold",
    }
    assert [
        default_operator(m) for m in ("recall", "auc", "r2", "false_negative_rate", "rmse")
    ] == [
        "LessThanThreshold",
        "LessThanThreshold",
        "LessThanThreshold",
        "GreaterThanThreshold",
        "GreaterThanThreshold",
    ]


def test_violation_record_has_the_reference_shape(tmp_path):
    constraints = Constraints.from_json(FIXTURES / "constraints_binary_reference.json")
    violations = check_constraints(
        _statistics(recall=0.7, precision=0.9, false_positive_rate=0.1), constraints
    )
    path = violations.to_json(tmp_path)
    assert path.name == "constraint_violations.json"
    ours, reference = read_json(path), read_json(FIXTURES / "constraint_violations_reference.json")
    assert [list(v) for v in ours["violations"]] == [list(v) for v in reference["violations"]]
    assert (
        ours["violations"][0]["description"]
        == "Metric recall with 0.7 +/- 0.01 was LessThanThreshold '0.78'"
    )
    assert ConstraintViolations.from_json(tmp_path) == violations


def test_undefined_window_value_is_noted_not_violated():
    constraints = Constraints(
        "BinaryClassification", {"precision": MetricConstraint(0.8, "LessThanThreshold")}
    )
    violations = check_constraints(_statistics(precision="NaN"), constraints)
    assert len(violations) == 0
    assert violations.notes == ("precision not checked: its value is undefined in this window",)


def test_constraints_round_trip_and_reference_shape(tmp_path):
    reference = Constraints.from_json(FIXTURES / "constraints_binary_reference.json")
    assert reference.to_dict() == read_json(FIXTURES / "constraints_binary_reference.json")
    assert Constraints.from_json(reference.to_json(tmp_path)) == reference


def test_learner_edits_in_the_object_and_in_the_file(tmp_path):
    stats = _statistics(recall=0.7)
    strict = Constraints(
        "BinaryClassification", {"recall": MetricConstraint(0.78, "LessThanThreshold")}
    )
    assert len(check_constraints(stats, strict)) == 1
    assert len(check_constraints(stats, strict.with_threshold("recall", 0.65))) == 0
    assert strict.metrics["recall"].threshold == 0.78  # the original is unchanged
    path = strict.to_json(tmp_path)
    data = json.loads(path.read_text())
    data["binary_classification_constraints"]["recall"]["threshold"] = (
        "6.5E-1"  # scientific notation, as text
    )
    path.write_text(json.dumps(data))
    assert len(check_constraints(stats, Constraints.from_json(tmp_path))) == 0


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"recal": {"threshold": 0.7, "comparison_operator": "LessThanThreshold"}},
            "recal: unknown",
        ),
        (
            {"recall": {"threshold": 0.7, "comparison_operator": "LessThan"}},
            "unknown comparison_operator 'LessThan'",
        ),
        (
            {"recall": {"threshold": "high", "comparison_operator": "LessThanThreshold"}},
            "finite number, found 'high'",
        ),
        ({"recall": {"threshold": 0.7}}, "expected {threshold, comparison_operator}"),
    ],
)
def test_bad_constraints_files_name_the_file_and_the_metric(tmp_path, entry, message):
    path = tmp_path / "constraints.json"
    path.write_text(json.dumps({"version": 0.0, "binary_classification_constraints": entry}))
    with pytest.raises(LabkitInputError, match=message) as info:
        Constraints.from_json(path)
    assert str(path) in str(info.value)


def test_problem_type_mismatch_is_an_input_error():
    constraints = Constraints("Regression", {"mae": MetricConstraint(1.0, "GreaterThanThreshold")})
    with pytest.raises(LabkitInputError, match="constraints are for Regression"):
        check_constraints(_statistics(recall=0.5), constraints)
