"""analysis.json and analysis_config.json: the service's shape, real files in, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from labkit.errors import LabkitInputError
from labkit.model_explainability.analysis import (
    PLACEHOLDER_LABEL,
    Analysis,
    AnalysisConfig,
    LabelExplanation,
    label_key,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "model_explainability"


def _shape(value):
    """Keys and value types, recursively: what 'same shape as the service' means here."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return type(value).__name__


def test_to_dict_has_the_aws_sample_shape():
    docs = json.loads((FIXTURES / "analysis_clarify_docs.json").read_text())
    ours = Analysis.from_dict(docs).to_dict()
    assert ours == docs
    assert _shape(ours) == _shape(docs)
    assert list(ours) == ["version", "explanations"]


def test_round_trip(tmp_path):
    analysis = Analysis({"default": LabelExplanation({"income": 0.1, "age": 0.02}, 0.25)})
    path = analysis.to_json(tmp_path)
    assert path == tmp_path / "analysis.json"
    assert Analysis.from_json(path) == analysis
    assert Analysis.from_json(tmp_path) == analysis  # a directory means its analysis.json
    assert '\n        "kernel_shap": {' in path.read_text()  # Clarify's Python layout, indent 4


@pytest.mark.parametrize(
    ("name", "labels", "expected_value"),
    [
        ("analysis_clarify_docs.json", ("label0",), 0.508233428001),
        ("analysis_redshift_explain_model_docs.json", ("label0",), 0.50),
        ("analysis_two_labels_with_bias.json", ("approved", "declined"), 0.41),
    ],
)
def test_reads_real_and_rich_files(name, labels, expected_value):
    analysis = Analysis.from_json(FIXTURES / name)
    assert analysis.labels == labels
    assert analysis.kernel_shap[labels[0]].expected_value == expected_value
    assert analysis.version == "1.0"


def test_extra_keys_are_ignored_and_negative_values_kept():
    analysis = Analysis.from_json(FIXTURES / "analysis_two_labels_with_bias.json")
    assert analysis.kernel_shap["declined"].global_shap_values["age"] == -0.01
    table = analysis.to_frame()
    assert list(table.columns) == ["approved", "declined"] and list(table.index) == [
        "income",
        "debt",
        "age",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": "1.0"}, "'explanations'"),
        ({"explanations": {"pdp": []}}, "'kernel_shap'"),
        ({"explanations": {"kernel_shap": {}}}, "no labels"),
        ({"explanations": {"kernel_shap": {"l": {"expected_value": 1.0}}}}, "'global_shap_values'"),
        (
            {
                "explanations": {
                    "kernel_shap": {"l": {"global_shap_values": {"a": "x"}, "expected_value": 1}}
                }
            },
            "must be a number",
        ),
    ],
)
def test_malformed_files_are_named(tmp_path, data, message):
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LabkitInputError, match=message) as info:
        Analysis.from_json(path)
    assert str(path) in str(info.value)


def test_label_key_rule():
    # label_headers names the explanation; without it real jobs write label0 (tests/fixtures/real/).
    assert label_key("default") == "default"
    assert label_key(None) == label_key() == PLACEHOLDER_LABEL == "label0"


def test_a_config_without_shap_baseline_rows_computes_them_from_the_data():
    # Clarify computes a baseline from the data explained when methods.shap.baseline is absent.
    config = AnalysisConfig.from_dict({"headers": ["a", "b"], "methods": {"shap": {}}})
    assert config.shap_baseline == ()
    assert "baseline" not in config.to_dict()["methods"]["shap"]
    data = pd.DataFrame({"a": [1.0, 3.0], "b": ["x", "x"]})
    assert config.shap_baseline_frame(data).to_dict("records") == [{"a": 2.0, "b": "x"}]
    with pytest.raises(LabkitInputError, match="computed from the data"):
        config.shap_baseline_frame()


CONFIG = AnalysisConfig(
    headers=("age", "income", "employment_type"),
    shap_baseline=((42.5, 61000.0, "salaried"),),
    num_samples=2054,
    agg_method="median",
    use_logit=True,
    seed=3,
    label_headers=("default",),
    probability_index=1,
)


def test_config_round_trip_and_shape(tmp_path):
    path = CONFIG.to_json(tmp_path)
    assert path.name == "analysis_config.json"
    assert AnalysisConfig.from_json(path) == CONFIG
    data = json.loads(path.read_text())
    assert data["methods"]["shap"] == {
        "baseline": [[42.5, 61000.0, "salaried"]],
        "num_samples": 2054,
        "agg_method": "median",
        "use_logit": True,
        "save_local_shap_values": False,
        "seed": 3,
    }
    assert data["headers"] == ["age", "income", "employment_type"]
    assert data["predictor"] == {"label_headers": ["default"], "probability": 1}
    assert CONFIG.label == "default"
    frame = CONFIG.shap_baseline_frame()
    assert frame.to_dict("records") == [
        {"age": 42.5, "income": 61000.0, "employment_type": "salaried"}
    ]


def test_reads_the_documented_monitor_config():
    config = AnalysisConfig.from_json(FIXTURES / "analysis_config_monitor_docs.json")
    assert config.headers == ("feature_1", "feature_2", "feature_3")
    assert config.shap_baseline == ((0.444, 0.519, 0.207),)
    assert (config.num_samples, config.agg_method, config.use_logit) == (100, "mean_abs", False)
    assert config.label == "label0"  # no label_headers: the placeholder


def test_json_lines_baseline_rows_and_defaults():
    config = AnalysisConfig.from_dict(
        {"headers": ["a", "b"], "methods": {"shap": {"baseline": [{"features": [1, 2]}]}}}
    )
    assert config.shap_baseline == ((1, 2),)
    assert config.num_samples == 2 * 2 + 2048 and config.agg_method == "mean_abs"


@pytest.mark.parametrize(
    ("shap", "message"),
    [
        ({"baseline": "s3://bucket/baseline.csv"}, "URI"),
        ({"baseline": [[1]]}, "row 1 must list 2 values"),
        ({"baseline": [[1, 2]], "agg_method": "max"}, "agg_method"),
        ({"baseline": [[1, 2]], "num_samples": "many"}, "num_samples"),
        ({"baseline": []}, "at least one row"),
    ],
)
def test_config_errors(shap, message):
    with pytest.raises(LabkitInputError, match=message):
        AnalysisConfig.from_dict(
            {"headers": ["a", "b"], "methods": {"shap": shap}}, path="cfg.json"
        )


def test_config_probability_must_be_an_index():
    data = {"headers": ["a"], "methods": {"shap": {"baseline": [[1]]}}}
    with pytest.raises(LabkitInputError, match="column index"):
        AnalysisConfig.from_dict({**data, "predictor": {"probability": "score"}})
