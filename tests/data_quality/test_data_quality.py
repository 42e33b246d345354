"""suggest_baseline / monitor and their files (labkit/data_quality/__init__.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit import data_quality
from labkit.csvfiles import read_csv_text
from labkit.errors import LabkitInputError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data_quality"


def test_baseline_files_match_the_reference_example(tmp_path):
    baseline = data_quality.suggest_baseline(read_csv_text(FIXTURES / "reference_example.csv"))
    statistics_path, constraints_path = baseline.to_json(tmp_path)
    assert (statistics_path.name, constraints_path.name) == ("statistics.json", "constraints.json")
    assert json.loads(statistics_path.read_text()) == json.loads(
        (FIXTURES / "reference_example_statistics.json").read_text()
    )
    assert json.loads(constraints_path.read_text()) == json.loads(
        (FIXTURES / "reference_example_constraints.json").read_text()
    )
    assert statistics_path.read_text().startswith(
        '{\n  "version" : 0.0,\n  "dataset" : {'
    )  # Jackson layout
    assert data_quality.Baseline.from_json(tmp_path) == baseline


def test_missing_baseline_file_is_named(tmp_path):
    data_quality.suggest_baseline(pd.DataFrame({"a": [1, 2]})).statistics.to_json(tmp_path)
    with pytest.raises(LabkitInputError, match=r"constraints\.json: file not found"):
        data_quality.Baseline.from_json(tmp_path)


def test_monitor_accepts_a_baseline_or_statistics_and_constraints(tmp_path):
    rng = np.random.default_rng(0)
    baseline = data_quality.suggest_baseline(pd.DataFrame({"x": rng.normal(size=300)}))
    window = pd.DataFrame({"x": rng.normal(3, 1, 100)})
    a = data_quality.monitor(window, baseline)
    b = data_quality.monitor(window, baseline.statistics, baseline.constraints)
    assert a.violations == b.violations and a.distances == b.distances and a.has_violations
    # A real execution's report folder holds all three (sm-model_monitor_introduction, 2022-04-18).
    assert [p.name for p in a.to_json(tmp_path)] == [
        "statistics.json",
        "constraints.json",
        "constraint_violations.json",
    ]
    assert data_quality.Statistics.from_json(tmp_path / "statistics.json") == a.statistics
    written = data_quality.Constraints.from_json(tmp_path / "constraints.json")
    assert written == a.window_constraints  # [U] the window's suggested constraints
    assert a.statistics.item_count == 100


def test_inputs_are_not_modified():
    frame = pd.DataFrame({"x": [1.0, 2.0, None], "k": ["a", None, "b"]})
    copy = frame.copy()
    data_quality.monitor(frame, data_quality.suggest_baseline(frame))
    pd.testing.assert_frame_equal(frame, copy)


def test_empty_baseline_is_refused():
    with pytest.raises(LabkitInputError, match="no rows"):
        data_quality.suggest_baseline(pd.DataFrame({"x": []}))


def test_empty_baseline_names_the_file_it_came_from():
    with pytest.raises(LabkitInputError, match=r"^train\.csv: the baseline dataset has no rows"):
        data_quality.suggest_baseline(pd.DataFrame({"x": []}), path="train.csv")


def test_monitor_names_the_window_file_in_errors():
    baseline = data_quality.suggest_baseline(pd.DataFrame({"x": ["1", "2", "3"]}, dtype=object))
    window = pd.DataFrame({"x": ["1e308", "-1e308", "1e308", "-1e308"]}, dtype=object)
    with pytest.raises(LabkitInputError, match=r"^w\.csv, column 'x': values too large"):
        data_quality.monitor(window, baseline, path="w.csv")


def _without_sketches(statistics: data_quality.Statistics) -> data_quality.Statistics:
    data = statistics.to_dict()
    for feature in data["features"]:
        feature.get("numerical_statistics", {}).pop("distribution", None)
    return data_quality.Statistics.from_dict(data)


def test_baseline_without_the_distribution_the_drift_check_needs_is_refused(tmp_path):
    rng = np.random.default_rng(0)
    baseline = data_quality.suggest_baseline(pd.DataFrame({"x": rng.normal(size=200)}))
    bare = _without_sketches(baseline.statistics)
    window = pd.DataFrame({"x": rng.normal(5, 1, 100)})
    with pytest.raises(LabkitInputError, match=r"column 'x'.*kll\.sketch is missing"):
        data_quality.monitor(window, bare, baseline.constraints)  # the library: no file to name
    bare.to_json(tmp_path)
    baseline.constraints.to_json(tmp_path)
    with pytest.raises(LabkitInputError) as info:
        data_quality.Baseline.from_json(tmp_path)  # refused when read, naming the file
    assert info.value.path == str(tmp_path / "statistics.json") and info.value.column == "x"


def test_baseline_without_distributions_is_fine_when_the_comparison_is_disabled(tmp_path):
    rng = np.random.default_rng(0)
    config = data_quality.MonitoringConfig(perform_comparison="Disabled")
    baseline = data_quality.suggest_baseline(
        pd.DataFrame({"x": rng.normal(size=200)}), monitoring_config=config
    )
    bare = _without_sketches(baseline.statistics)
    report = data_quality.monitor(
        pd.DataFrame({"x": rng.normal(5, 1, 100)}), bare, baseline.constraints
    )
    assert report.drift == {}
