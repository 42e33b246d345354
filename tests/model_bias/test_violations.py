"""The bias drift check (reference bias.md §8): the allowed range, both rules, the violations file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from labkit.model_bias import (
    CONSTRAINT_CHECK_TYPE,
    BiasConfig,
    BiasReport,
    ConstraintViolations,
    FacetResult,
    MetricResult,
    StageResult,
    Violation,
    allowed_range,
    is_violation,
)
from labkit.model_bias.violations import check_drift, describe

FIXTURES = Path(__file__).parents[1] / "fixtures" / "model_bias"


def test_allowed_range_is_symmetric_around_parity():
    assert allowed_range("DPPL", 0.2) == pytest.approx((-0.2, 0.2))
    assert allowed_range("DPPL", -0.2) == pytest.approx((-0.2, 0.2))
    assert allowed_range("DI", 0.8) == pytest.approx((0.8, 1.2))  # DI's parity is 1
    assert allowed_range("DI", 1.5) == pytest.approx((0.5, 1.5))


def test_point_rule_reproduces_the_violations_page_example():
    # baseline DPPL 0.2: a current 0.1 is closer to 0 (fine), −0.3 farther (violation).
    assert not is_violation("DPPL", 0.1, 0.2)
    assert is_violation("DPPL", -0.3, 0.2)
    assert not is_violation("DPPL", -0.2, 0.2)  # as far as the baseline is not worse


def test_point_rule_for_di_measures_distance_from_one():
    assert not is_violation("DI", 1.1, 0.8)
    assert is_violation("DI", 1.3, 0.8)
    assert is_violation("DI", 0.7, 0.8)


def test_bootstrap_rule_needs_the_interval_to_miss_the_range():
    # the point is outside A = [−0.2, 0.2] but C overlaps it: no violation under the bootstrap rule.
    assert is_violation("DPPL", 0.25, 0.2)
    assert not is_violation("DPPL", 0.25, 0.2, interval=(0.15, 0.35))
    assert is_violation("DPPL", 0.25, 0.2, interval=(0.21, 0.29))
    assert is_violation("DPPL", -0.25, 0.2, interval=(-0.29, -0.21))
    assert not is_violation("DPPL", 0.25, 0.2, interval=(0.2, 0.3))  # touching overlaps


def test_infinite_values():
    assert is_violation("DCR", math.inf, 0.5)
    assert is_violation("DCR", -math.inf, 0.5)
    assert not is_violation("DCR", 3.0, -math.inf)  # an infinite baseline allows everything


def test_description_format_of_real_executions():
    # Verbatim from the 2024 endpoint run and the 2023 batch run (tests/fixtures/real/README.md).
    assert describe(0.3748947825295131, 0.28176563733194276) == (
        "Metric value 0.3748947825295131 doesn't meet the baseline constraint requirement "
        "0.28176563733194276"
    )
    assert describe(math.inf, 2.916666666666667) == (
        "Metric value Infinity doesn't meet the baseline constraint requirement 2.916666666666667"
    )
    assert describe(26.25, 0.0).endswith("requirement 0.0")
    assert describe(-math.inf, -1.5).startswith("Metric value -Infinity doesn't")


def test_docs_violations_file_round_trips(tmp_path):
    fixture = FIXTURES / "constraint_violations_docs.json"
    violations = ConstraintViolations.from_json(fixture)
    assert violations == ConstraintViolations(
        (
            Violation(
                "Age",
                "40",
                "CI",
                "Value 0.0751544567666083 does not meet the constraint requirement",
            ),
        )
    )
    written = violations.to_json(tmp_path)
    assert written.name == "constraint_violations.json"
    assert json.loads(written.read_text()) == json.loads(fixture.read_text())
    assert list(json.loads(written.read_text())["violations"][0]) == list(
        json.loads(fixture.read_text())["violations"][0]
    )
    assert violations.to_frame().constraint_check_type.tolist() == [CONSTRAINT_CHECK_TYPE]


def _report(values: dict[str, float | None], value_or_threshold: str) -> BiasReport:
    metrics = tuple(
        MetricResult(name, name, value, None if value is not None else "broken")
        for name, value in values.items()
    )
    block = StageResult("target", "1", (("Age", (FacetResult(value_or_threshold, metrics),)),))
    return BiasReport(None, block)


def test_check_drift_matches_threshold_entries_by_the_config_value_not_the_interval():
    # The baseline "(40, 99]" and the window "(40, 87]" are one entry (threshold 40); the
    # violation names the window's interval, as real executions do ("(100, 232]" in 2023).
    config = BiasConfig(
        label="target", label_values_or_threshold=[1], facet="Age", facet_values_or_threshold=[40]
    )
    baseline = _report({"DPPL": 0.2, "DI": 0.9, "AD": None, "TE": 0.1}, "(40, 99]")
    window = _report({"DPPL": -0.3, "DI": 1.05, "AD": 0.5, "TE": None}, "(40, 87]")
    violations = check_drift(baseline, window, config)
    assert violations.to_dict() == {
        "version": "1.0",
        "violations": [
            {
                "facet": "Age",
                "facet_value": "(40, 87]",
                "metric_name": "DPPL",
                "constraint_check_type": "bias_drift_check",
                "description": "Metric value -0.3 doesn't meet the baseline constraint requirement 0.2",
            }
        ],
    }  # AD has no baseline value and TE no current value: neither is checked


def test_check_drift_uses_an_interval_when_given():
    config = BiasConfig(
        label="target", label_values_or_threshold=[1], facet="Age", facet_values_or_threshold=[40]
    )
    baseline, window = _report({"DPPL": 0.2}, "(40, 99]"), _report({"DPPL": -0.3}, "(40, 87]")
    overlapping = {("post_training", "Age", "40", "DPPL"): (-0.45, -0.15)}
    assert len(check_drift(baseline, window, config, overlapping)) == 0
    missing = {("post_training", "Age", "40", "DPPL"): (-0.45, -0.25)}
    assert check_drift(baseline, window, config, missing).metric_names() == {"DPPL"}


def test_pre_training_metrics_are_not_checked():
    # Real bias drift executions list post-training metrics only (CHECKED_STAGES).
    config = BiasConfig(
        label="target", label_values_or_threshold=[1], facet="Age", facet_values_or_threshold=[40]
    )

    def stage(name: str, value: float) -> StageResult:
        metric = MetricResult(name, name, value, None)
        return StageResult("target", "1", (("Age", (FacetResult("(40, 99]", (metric,)),)),))

    def both(pre: float, post: float) -> BiasReport:
        return BiasReport(stage("DPL", pre), stage("DPPL", post))

    found = check_drift(both(0.1, 0.1), both(0.9, 0.5), config)
    assert found.metric_names() == {"DPPL"}
