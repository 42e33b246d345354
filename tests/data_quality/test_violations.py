"""The six checks and constraint_violations.json (reference data-quality.md §4, §5)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit import data_quality
from labkit.data_quality import violations
from labkit.data_quality.constraints import ConfigOverrides, MonitoringConfig
from labkit.data_quality.violations import ConstraintViolations, Violation, java_double

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data_quality"
PLANS = np.array(["basic", "pro", "team"], dtype=object)


def frame(n: int, seed: int, *, age_shift: float = 0.0, plan_p=(0.5, 0.3, 0.2)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": np.clip(rng.normal(40 + age_shift, 10, n).round(), 18, None).astype(int),
        "score": rng.uniform(0, 1, n).round(4),
        "plan": rng.choice(PLANS, n, p=plan_p),
    })  # fmt: skip


@pytest.fixture(scope="module")
def baseline() -> data_quality.Baseline:
    return data_quality.suggest_baseline(frame(2_000, 0))


def run(window: pd.DataFrame, baseline, constraints=None) -> ConstraintViolations:
    return data_quality.monitor(window, baseline, constraints).violations


def with_config(baseline, **changes) -> data_quality.Constraints:
    config = dataclasses.replace(baseline.constraints.monitoring_config, **changes)
    return dataclasses.replace(baseline.constraints, monitoring_config=config)


def with_override(baseline, name: str, **changes) -> data_quality.Constraints:
    features = tuple(
        dataclasses.replace(f, overrides=ConfigOverrides(**changes)) if f.name == name else f
        for f in baseline.constraints.features
    )
    return dataclasses.replace(baseline.constraints, features=features)


def test_clean_window_has_no_violations(baseline):
    assert run(frame(800, 1), baseline).violations == ()


def test_data_type_check(baseline):
    window = frame(800, 1)
    ages = window["age"].astype(str)
    window["age"] = ages.where(window.index >= 400, ages + ".0").astype(
        object
    )  # half as "31.0": Fractional
    found = run(window, baseline)  # same numbers, so no drift: only the type check fires
    assert found.check_types() == {"data_type_check"} and found.features() == {"age"}
    assert found.violations[0].description == (
        "Data type match requirement is not met. Expected data type: Integral, Expected match: 100.0%. "
        "Observed: Only 50.0% of data is Integral."
    )
    # Strict: a Fractional baseline does not accept integer-looking values.
    fractional = frame(800, 1)
    fractional["score"] = fractional["score"].astype(object)
    fractional.loc[0, "score"] = 1  # "1" is Integral
    assert run(fractional, baseline).check_types() == {"data_type_check"}
    # datatype_check_threshold: 0.99 tolerates 1 value in 800.
    assert (
        run(fractional, baseline, with_config(baseline, datatype_check_threshold=0.99)).violations
        == ()
    )


def test_completeness_check(baseline):
    window = frame(800, 1)
    window.loc[:79, "plan"] = None
    found = run(window, baseline)
    assert [(v.feature_name, v.constraint_check_type) for v in found.violations] == [
        ("plan", "completeness_check")
    ]
    assert found.violations[0].description == (
        "Data completeness requirement is not met. Expected completeness: 100.0%. Observed: Only 90.0% of data is present."
    )


def test_completeness_is_strictly_below(baseline):
    constraints = dataclasses.replace(
        baseline.constraints,
        features=tuple(
            dataclasses.replace(f, completeness=0.9) if f.name == "plan" else f
            for f in baseline.constraints.features
        ),
    )
    window = frame(800, 1)
    window.loc[:79, "plan"] = None  # exactly 0.9: not below
    assert run(window, baseline, constraints).violations == ()
    window.loc[80, "plan"] = None
    assert run(window, baseline, constraints).check_types() == {"completeness_check"}


def test_baseline_drift_check_numeric(baseline):
    report = data_quality.monitor(frame(800, 1, age_shift=15), baseline)
    assert report.violations.check_types() == {
        "baseline_drift_check"
    } and report.violations.features() == {"age"}
    d = report.distances["age"]
    assert (
        report.violations.violations[0].description
        == f"Baseline drift distance: {java_double(d)} exceeds threshold: 0.1"
    )
    assert d > 0.1
    # Raising the threshold (a learner's edit) silences it; perform_comparison Disabled removes the check.
    assert (
        run(
            frame(800, 1, age_shift=15), baseline, with_config(baseline, comparison_threshold=0.99)
        ).violations
        == ()
    )
    disabled = data_quality.monitor(
        frame(800, 1, age_shift=15), baseline, with_config(baseline, perform_comparison="Disabled")
    )
    assert disabled.violations.violations == () and disabled.distances == {}


def test_simple_flags_what_robust_forgives(baseline):
    window = frame(
        200, 1, age_shift=3.5
    )  # a KS gap above 0.1 but within 1.8·sqrt((n+m)/nm) ≈ 0.13 of it
    report = data_quality.monitor(window, baseline)
    simple = data_quality.monitor(
        window, baseline, with_config(baseline, comparison_method="Simple")
    )
    assert 0.1 < simple.distances["age"] < 0.1 + 1.8 * math.sqrt((2000 + 200) / (2000 * 200))
    assert "baseline_drift_check" not in report.violations.check_types()
    assert simple.violations.check_types() == {"baseline_drift_check"}


def test_baseline_drift_check_categorical(baseline):
    window = frame(800, 1, plan_p=(0.1, 0.3, 0.6))
    assert run(window, baseline).check_types() == {"baseline_drift_check"}
    chi = with_config(baseline, categorical_drift_method="ChiSquared")
    report = data_quality.monitor(window, baseline, chi)
    assert report.distances["plan"] < 0.1  # a p-value: small means drift
    assert report.violations.violations[0].description.startswith("Baseline drift p-value: ")
    # The baseline dataset itself: observed equals expected, so chi-square 0 and p-value 1.
    clean = data_quality.monitor(frame(2_000, 0), baseline, chi)
    assert clean.distances["plan"] == pytest.approx(1.0) and clean.violations.violations == ()


def test_missing_column_check(baseline):
    found = run(frame(800, 1).drop(columns=["score"]), baseline)
    assert [(v.feature_name, v.constraint_check_type) for v in found.violations] == [
        ("score", "missing_column_check")
    ]
    assert found.violations[0].description == (
        "There are missing columns in current dataset. Number of columns in current dataset: 2, "
        "Number of columns in baseline constraints: 3"
    )


def test_extra_column_check(baseline):
    window = frame(800, 1).assign(coupon="x")
    found = run(window, baseline)
    assert [(v.feature_name, v.constraint_check_type) for v in found.violations] == [
        ("coupon", "extra_column_check")
    ]
    assert found.violations[0].description == (
        "There are extra columns in current dataset. Number of columns in current dataset: 4, "
        "Number of columns in baseline constraints: 3"
    )


def test_categorical_values_check(baseline):
    window = frame(800, 1)
    window.loc[:19, "plan"] = "enterprise"  # 2.5 % unknown values: too few to move the distribution
    found = run(window, baseline)
    assert found.check_types() == {"categorical_values_check"}
    assert found.violations[0].description == (
        "Data content requirement is not met. Expected: 100.0% of values in baseline domain. Observed: 97.5%."
    )
    assert (
        run(window, baseline, with_config(baseline, domain_content_threshold=0.97)).violations == ()
    )


def test_violations_are_ordered_by_feature_then_check_type(baseline):
    window = frame(800, 1, age_shift=15).drop(columns=["score"]).assign(coupon="x", extra2="y")
    window = window.astype({"age": object})
    window.loc[0, "age"] = "n/a"
    window.loc[:99, "plan"] = "enterprise"
    window.loc[100:199, "plan"] = None
    found = [(v.feature_name, v.constraint_check_type) for v in run(window, baseline).violations]
    # Baseline features in baseline order, then the window's extra columns; within a feature the
    # docs table's order. Columns are matched by name ([U] data-quality.md §4.1): score is missing
    # and coupon, extra2 are extra. age drifts: its Integral values are still sketched.
    assert found == [
        ("age", "data_type_check"),
        ("age", "baseline_drift_check"),
        ("score", "missing_column_check"),
        ("plan", "completeness_check"),
        ("plan", "categorical_values_check"),
        ("coupon", "extra_column_check"),
        ("extra2", "extra_column_check"),
    ]


def test_evaluate_constraints_switches(baseline):
    window = frame(800, 1, age_shift=15)
    window.loc[:99, "plan"] = None
    assert (
        run(window, baseline, with_config(baseline, evaluate_constraints="Disabled")).violations
        == ()
    )
    only_plan = run(
        window, baseline, with_override(baseline, "age", evaluate_constraints="Disabled")
    )
    assert only_plan.features() == {"plan"}
    per_feature_threshold = run(
        window, baseline, with_override(baseline, "age", comparison_threshold=0.99)
    )
    assert per_feature_threshold.features() == {"plan"}


def test_learner_edited_file_is_honoured(tmp_path):
    from labkit.csvfiles import read_csv_text

    stats = data_quality.compute_statistics(read_csv_text(FIXTURES / "reference_example.csv"))
    constraints = data_quality.Constraints.from_json(FIXTURES / "learner_edited_constraints.json")
    window = pd.DataFrame(
        {"age": [70, 80, 90, 75, 85, 95, 72, 88, 91, 99], "plan": [None] * 10}, dtype=object
    )
    report = data_quality.monitor(window, stats, constraints)
    # age: Simple distance 1.0 > its override 0.5; plan: evaluate_constraints Disabled by override.
    assert [(v.feature_name, v.constraint_check_type) for v in report.violations.violations] == [
        ("age", "baseline_drift_check")
    ]
    assert (
        report.cloudwatch_metrics(timestamp=pd.Timestamp("2024-01-01", tz="UTC").to_pydatetime())
        == []
    )  # emit_metrics Disabled


def test_violations_file_round_trip_and_sdk_file(tmp_path):
    found = ConstraintViolations(
        (Violation("a", "data_type_check", "x"), Violation("b", "completeness_check", "y"))
    )
    path = found.to_json(tmp_path)
    assert path.name == "constraint_violations.json"
    assert ConstraintViolations.from_json(path) == found
    assert json.loads(ConstraintViolations().to_json(tmp_path / "empty").read_text()) == {
        "violations": []
    }
    assert (
        tmp_path / "empty" / "constraint_violations.json"
    ).read_text() == '{\n  "violations" : [ ]\n}\n'
    sdk = ConstraintViolations.from_json(FIXTURES / "sdk_constraint_violations.json")
    assert len(sdk.violations) == 7 and sdk.check_types() == {
        "categorical_values_check",
        "data_type_check",
        "completeness_check",
    }
    assert list(sdk.to_frame().columns) == ["feature_name", "constraint_check_type", "description"]


@pytest.mark.parametrize(
    ("value", "text"),
    [(100.0, "100.0"), (49.94994994994995, "49.94994994994995"), (97.5, "97.5"), (0.0, "0.0"),
     (0.0001, "1.0E-4"), (1.5e-7, "1.5E-7"), (12345678.0, "1.2345678E7"), (0.001, "0.001")],
)  # fmt: skip
def test_java_double_formatting(value, text):
    assert java_double(value) == text


def test_check_type_order_is_the_docs_table():
    assert violations.CHECK_TYPES == (
        "data_type_check", "completeness_check", "baseline_drift_check",
        "missing_column_check", "extra_column_check", "categorical_values_check",
    )  # fmt: skip


def test_default_config_is_used_with_bare_statistics(baseline):
    report = data_quality.monitor(frame(800, 1, age_shift=15), baseline.statistics)
    assert report.constraints.monitoring_config == MonitoringConfig()
    assert report.violations.check_types() == {"baseline_drift_check"}
