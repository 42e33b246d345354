"""The feature attribution drift check and constraint_violations.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labkit.errors import LabkitInputError
from labkit.model_explainability.analysis import Analysis, LabelExplanation
from labkit.model_explainability.ndcg import ndcg
from labkit.model_explainability.violations import (
    ConstraintViolations,
    Violation,
    check_feature_attribution_drift,
    drift_description,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "model_explainability"
TRAINING = {"SAT score": 0.70, "GPA": 0.50, "Class rank": 0.05}
LIVE = {"SAT score": 0.10, "GPA": 0.20, "Class rank": 0.70}


def analysis(values: dict, label: str = "label0") -> Analysis:
    return Analysis({label: LabelExplanation(values, 0.5)})


def test_worked_example_is_one_violation_in_the_service_format():
    scores, violations = check_feature_attribution_drift(analysis(TRAINING), analysis(LIVE))
    assert scores == {"label0": ndcg(TRAINING, LIVE)}
    assert violations.to_dict() == {
        "version": "1.0",
        "violations": [
            {
                "label": "label0",
                "metric_name": "shap",
                "constraint_check_type": "feature_attribution_drift_check",
                "description": f"Feature attribution drift {ndcg(TRAINING, LIVE)!r} exceeds threshold 0.9",
            }
        ],
    }
    assert violations.check_types() == {"feature_attribution_drift_check"}
    assert "feature" not in violations.to_dict()["violations"][0]


def test_description_matches_the_docs_sample_text():
    docs = json.loads((FIXTURES / "constraint_violations_docs.json").read_text())
    assert drift_description(0.7639720923277322, 0.9) == docs["violations"][0]["description"]


def test_no_violation_at_or_above_the_threshold():
    scores, violations = check_feature_attribution_drift(analysis(TRAINING), analysis(TRAINING))
    assert scores == {"label0": 1.0} and len(violations) == 0
    score = ndcg(TRAINING, LIVE)
    assert (
        len(check_feature_attribution_drift(analysis(TRAINING), analysis(LIVE), threshold=score)[1])
        == 0
    )
    assert (
        len(
            check_feature_attribution_drift(
                analysis(TRAINING), analysis(LIVE), threshold=score + 1e-12
            )[1]
        )
        == 1
    )


def test_every_label_is_checked():
    base = Analysis({"a": LabelExplanation(TRAINING, 0.1), "b": LabelExplanation(TRAINING, 0.9)})
    current = Analysis({"a": LabelExplanation(TRAINING, 0.1), "b": LabelExplanation(LIVE, 0.9)})
    scores, violations = check_feature_attribution_drift(base, current)
    assert set(scores) == {"a", "b"} and violations.labels() == {"b"}


def test_label_missing_from_constraints_is_an_error():
    with pytest.raises(LabkitInputError, match="no label 'default'"):
        check_feature_attribution_drift(
            analysis(TRAINING, label="approved"), analysis(LIVE, label="default")
        )


def test_a_lone_label0_explains_the_named_label():
    # Clarify writes label0 when no label_headers are set, even when the job named its label.
    scores, _ = check_feature_attribution_drift(analysis(TRAINING), analysis(LIVE, label="default"))
    assert scores == {"default": ndcg(TRAINING, LIVE)}


def test_round_trip_and_docs_fixture(tmp_path):
    violations = ConstraintViolations((Violation("label0", drift_description(0.5, 0.9)),))
    path = violations.to_json(tmp_path)
    assert path.name == "constraint_violations.json"
    assert ConstraintViolations.from_json(path) == violations
    docs = ConstraintViolations.from_json(FIXTURES / "constraint_violations_docs.json")
    assert docs.to_dict() == json.loads((FIXTURES / "constraint_violations_docs.json").read_text())
    assert list(docs.to_frame().columns) == [
        "label",
        "metric_name",
        "constraint_check_type",
        "description",
    ]
    empty = ConstraintViolations()
    assert ConstraintViolations.from_json(empty.to_json(tmp_path / "e")) == empty


def test_malformed_violations_file(tmp_path):
    path = tmp_path / "constraint_violations.json"
    path.write_text('{"violations": [{"label": "l"}]}')
    with pytest.raises(LabkitInputError, match="'metric_name'"):
        ConstraintViolations.from_json(path)
