"""constraints.json: suggestion, learner edits, validation (reference data-quality.md §3)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from labkit.csvfiles import read_csv_text
from labkit.data_quality.constraints import (
    ConfigOverrides,
    Constraints,
    MonitoringConfig,
    suggest_constraints,
)
from labkit.data_quality.statistics import compute_statistics
from labkit.errors import LabkitInputError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data_quality"


def test_reference_example_constraints():
    stats = compute_statistics(read_csv_text(FIXTURES / "reference_example.csv"))
    expected = json.loads((FIXTURES / "reference_example_constraints.json").read_text())
    assert suggest_constraints(stats).to_dict() == expected


def test_defaults_are_the_containers():
    assert (
        MonitoringConfig().to_dict()
        == json.loads((FIXTURES / "reference_example_constraints.json").read_text())[
            "monitoring_config"
        ]
    )


def test_non_negative_and_domains_rules():
    numbers = compute_statistics(pd.DataFrame({"neg": [-1, 2, 3, 4], "pos": [0.0, 1.5, 2.0, 3.0]}))
    suggested = suggest_constraints(numbers)
    assert suggested.feature("neg").is_non_negative is False  # [U] written as false
    assert suggested.feature("pos").is_non_negative is True
    assert suggested.feature("pos").domains is None
    # CategoricalRangeRule: (values seen once) / (distinct values) ≤ 0.1.
    ten = [f"v{i}" for i in range(10)]
    thrice = [v for v in ten for _ in range(3)]
    one_in_ten = pd.DataFrame({"s": thrice[:-2]}, dtype=object)  # v9 seen once: 1/10
    one_in_nine = pd.DataFrame({"s": thrice[:-5]}, dtype=object)  # v9 gone, v8 seen once: 1/9
    assert suggest_constraints(compute_statistics(one_in_ten)).feature("s").domains == tuple(ten)
    assert suggest_constraints(compute_statistics(one_in_nine)).feature("s").domains is None


def test_round_trip(tmp_path):
    overrides = ConfigOverrides(comparison_threshold=0.3, evaluate_constraints="Disabled")
    stats = compute_statistics(read_csv_text(FIXTURES / "reference_example.csv"))
    base = suggest_constraints(
        stats, monitoring_config=MonitoringConfig(comparison_method="Simple")
    )
    edited = dataclasses.replace(
        base,
        features=(dataclasses.replace(base.features[0], overrides=overrides), base.features[1]),
    )
    path = edited.to_json(tmp_path)
    assert path.name == "constraints.json"
    assert Constraints.from_json(path) == edited
    written = json.loads(path.read_text())
    assert written["features"][0]["monitoringConfigOverrides"] == {
        "evaluate_constraints": "Disabled",
        "distribution_constraints": {"comparison_threshold": 0.3},
    }


def test_learner_edits_are_honoured():
    constraints = Constraints.from_json(FIXTURES / "learner_edited_constraints.json")
    config = constraints.monitoring_config
    assert (config.emit_metrics, config.datatype_check_threshold, config.comparison_method) == (
        "Disabled",
        0.9,
        "Simple",
    )
    assert config.comparison_threshold == 0.25  # 2.5E-1
    assert config.categorical_comparison_threshold == 0.25  # docs: defaults to comparison_threshold
    assert config.categorical_drift_method == "ChiSquared"
    assert (
        constraints.config_for("age").comparison_threshold == 0.5
    )  # monitoring_config_overrides (SDK spelling)
    assert (
        constraints.config_for("plan").evaluate_constraints == "Disabled"
    )  # monitoringConfigOverrides (docs)
    assert constraints.config_for("age").evaluate_constraints == "Enabled"
    assert constraints.version == 0.0 and constraints.feature("age").completeness == 1.0


def test_reads_the_sdk_test_file():
    constraints = Constraints.from_json(FIXTURES / "sdk_constraints.json")
    assert constraints.names == ["message", "second_message"]
    assert constraints.feature("message").domains == ("preproc-not-YET-supported-for-csv-json",)
    assert constraints.monitoring_config.comparison_threshold == 1.0
    assert (
        constraints.feature("message").overrides.emit_metrics == "Enabled"
    )  # nested in string_constraints


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda d: d["monitoring_config"]["distribution_constraints"].update(comparison_threshold=1.5),
         "monitoring_config.distribution_constraints.comparison_threshold"),
        (lambda d: d["monitoring_config"].update(datatype_check_threshold=-0.1), "monitoring_config.datatype_check_threshold"),
        (lambda d: d["monitoring_config"]["distribution_constraints"].update(comparison_method="linf_simple"),
         "monitoring_config.distribution_constraints.comparison_method"),
        (lambda d: d["monitoring_config"]["distribution_constraints"].update(categorical_drift_method="JS"),
         "monitoring_config.distribution_constraints.categorical_drift_method"),
        (lambda d: d["monitoring_config"].update(evaluate_constraints=True), "monitoring_config.evaluate_constraints"),
        (lambda d: d["features"][1]["monitoringConfigOverrides"].update(domain_content_threshold="high"),
         r"features\[1\]\.monitoringConfigOverrides\.domain_content_threshold"),
        (lambda d: d["features"][0].update(completeness=1.2), r"features\[0\]\.completeness"),
        (lambda d: d["features"][0].update(inferred_type="Boolean"), r"features\[0\]\.inferred_type"),
    ],
)  # fmt: skip
def test_invalid_values_name_the_file_and_key(tmp_path, edit, key):
    data = json.loads((FIXTURES / "reference_example_constraints.json").read_text())
    edit(data)
    path = tmp_path / "constraints.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LabkitInputError, match=rf"constraints\.json: {key}"):
        Constraints.from_json(path)
