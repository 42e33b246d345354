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
    statistics_path, violations_path = a.to_json(tmp_path)
    assert (statistics_path.name, violations_path.name) == (
        "statistics.json",
        "constraint_violations.json",
    )
    assert data_quality.Statistics.from_json(statistics_path) == a.statistics
    assert a.statistics.item_count == 100


def test_inputs_are_not_modified():
    frame = pd.DataFrame({"x": [1.0, 2.0, None], "k": ["a", None, "b"]})
    copy = frame.copy()
    data_quality.monitor(frame, data_quality.suggest_baseline(frame))
    pd.testing.assert_frame_equal(frame, copy)


def test_empty_baseline_is_refused():
    with pytest.raises(LabkitInputError, match="no rows"):
        data_quality.suggest_baseline(pd.DataFrame({"x": []}))
