"""statistics.json (reference data-quality.md §2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit import data_quality
from labkit.csvfiles import read_csv_text
from labkit.data_quality import statistics
from labkit.data_quality.statistics import Statistics, compute_statistics
from labkit.errors import LabkitInputError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data_quality"


def test_reference_example_is_reproduced_exactly():
    stats = compute_statistics(read_csv_text(FIXTURES / "reference_example.csv"))
    expected = json.loads((FIXTURES / "reference_example_statistics.json").read_text())
    assert stats.to_dict() == expected
    # Same types too: floats where the file has 38.3 / 2048.0, integers for counts.
    written = json.loads(json.dumps(stats.to_dict()))
    age = written["features"][0]["numerical_statistics"]
    assert isinstance(age["sum"], float) and isinstance(age["common"]["num_present"], int)
    assert isinstance(written["features"][1]["string_statistics"]["distinct_count"], float)


def test_typed_frame_gives_the_same_file_as_its_csv_text():
    typed = pd.DataFrame({"age": [23, 35, 31, 47, 52, 29, 41, 38, 60, 27],
                          "plan": ["basic", "basic", "pro", "basic", None, "pro", "basic", None, "pro", "basic"]})  # fmt: skip
    expected = json.loads((FIXTURES / "reference_example_statistics.json").read_text())
    assert compute_statistics(typed).to_dict() == expected


def test_numeric_statistics_against_numpy():
    rng = np.random.default_rng(3)
    values = rng.normal(10, 3, 5_000)
    values[::7] = np.nan
    stats = compute_statistics(pd.DataFrame({"x": values})).feature("x")
    present = values[~np.isnan(values)]
    num = stats.numerical
    assert stats.inferred_type == "Fractional"
    assert (num.num_present, num.num_missing) == (len(present), int(np.isnan(values).sum()))
    assert num.mean == pytest.approx(present.mean(), rel=1e-12)  # summation order only
    assert num.std_dev == pytest.approx(present.std(ddof=0), rel=1e-12)  # population sd
    assert (num.min, num.max) == (present.min(), present.max())
    assert sum(b[2] for b in num.buckets) == len(present)
    assert num.sketch.total_weight == len(present)


def test_string_buckets_order_and_missing():
    frame = pd.DataFrame({"c": ["b", "a", None, "b", "c", "a", "", "b"]}, dtype=object)
    feature = compute_statistics(frame).feature("c")
    assert feature.inferred_type == "String"
    assert feature.string.buckets == (
        ("b", 3),
        ("a", 2),
        ("c", 1),
    )  # [U] count desc, value asc; no null bucket
    assert (
        feature.string.num_present,
        feature.string.num_missing,
        feature.string.distinct_count,
    ) == (6, 2, 3.0)


def test_all_missing_column_is_unknown_with_string_statistics():
    feature = compute_statistics(pd.DataFrame({"e": [None, None]}, dtype=object)).feature("e")
    assert feature.inferred_type == "Unknown"
    assert feature.string.to_dict()["common"] == {"num_present": 0, "num_missing": 2}
    assert feature.completeness == 0.0


def test_round_trip(tmp_path):
    frame = pd.DataFrame(
        {"x": np.random.default_rng(0).normal(size=6_000), "k": ["a", "b", "c"] * 2_000}
    )
    stats = compute_statistics(frame)
    path = stats.to_json(tmp_path)
    assert path.name == "statistics.json"
    assert Statistics.from_json(path) == stats
    assert Statistics.from_json(tmp_path) == stats  # a directory means its statistics.json


def test_reads_the_sdk_test_file():
    stats = Statistics.from_json(FIXTURES / "sdk_statistics.json")
    assert stats.item_count == 418
    assert stats.feature("message").string.buckets == (
        ("preproc-not-YET-supported-for-csv-json", 418),
    )


def test_reads_scientific_notation_and_integer_version(tmp_path):
    data = json.loads((FIXTURES / "reference_example_statistics.json").read_text())
    text = json.dumps(data).replace('"version": 0.0', '"version": 0').replace("383.0", "3.83E2")
    (tmp_path / "statistics.json").write_text(
        text.replace('"item_count": 10', '"item_count": 10, "extra": 1')
    )
    stats = Statistics.from_json(tmp_path)
    assert stats.version == 0.0 and stats.feature("age").numerical.sum == 383.0


def test_bad_file_names_the_file_and_key(tmp_path):
    data = json.loads((FIXTURES / "reference_example_statistics.json").read_text())
    data["features"][0]["inferred_type"] = "Number"
    path = tmp_path / "statistics.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LabkitInputError, match=r"statistics\.json.*features\[0\]\.inferred_type"):
        Statistics.from_json(path)


def test_value_too_large_for_a_double_is_refused():
    with pytest.raises(LabkitInputError, match="too large"):
        compute_statistics(pd.DataFrame({"x": ["1", "1e999"]}, dtype=object))


def test_bucket_order_rule_lives_in_one_place():
    assert statistics.order_categories({"z": 2, "a": 2, "m": 5}) == [("m", 5), ("a", 2), ("z", 2)]


@pytest.mark.parametrize(
    "cells",
    [
        ["1e308", "-1e308"] * 3,  # each value fits a double; their sum overflows
        ["1e308", "-1e308"],  # the spread max − min that places the buckets overflows
        ["1e200", "-1e200"],  # sum 0, but the squares behind std_dev overflow
    ],
)
def test_overflowing_statistics_name_file_and_column_without_numpy_warnings(cells, recwarn):
    with pytest.raises(LabkitInputError) as info:
        compute_statistics(pd.DataFrame({"x": cells}, dtype=object), path="w.csv")
    assert (info.value.path, info.value.column) == ("w.csv", "x")
    assert [str(w.message) for w in recwarn] == []  # outside pytest these would reach stderr


def test_values_near_the_limit_that_do_not_overflow_are_kept():
    stats = compute_statistics(pd.DataFrame({"x": ["1e150", "-1e150"]}, dtype=object))
    assert stats.feature("x").numerical.std_dev == pytest.approx(1e150)  # (1e150)² fits a double


def test_high_cardinality_strings_get_no_distribution_as_the_container_writes():
    # Deequ's profiler computes a histogram only when its approximate distinct count (HLL++) is at
    # most 120; a real 2024 baseline leaves ``distribution`` out for ids, zip codes and cities
    # (issue 19, docs/fidelity.md).
    limit = statistics.HISTOGRAM_MAX_DISTINCT
    n = limit + 30  # far enough above the limit that the estimate is above it too
    frame = pd.DataFrame({"city": [f"city-{i}" for i in range(n)] * 2, "plan": ["basic", "pro"] * n})
    stats = compute_statistics(frame)
    city = stats.feature("city").to_dict()["string_statistics"]
    assert "distribution" not in city
    assert city["distinct_count"] == pytest.approx(n, rel=0.1)  # an estimate, as Deequ's
    assert "distribution" in stats.feature("plan").to_dict()["string_statistics"]
    assert Statistics.from_dict(stats.to_dict()) == stats  # round trip keeps "no distribution"
    for size in range(limit - 10, limit + 11):  # around the limit the estimate decides, not the count
        near = compute_statistics(frame.head(size)).feature("city").to_dict()["string_statistics"]
        assert ("distribution" in near) == (near["distinct_count"] <= limit), size


def test_a_baseline_without_a_categorical_distribution_is_monitored_without_its_drift_check(
    tmp_path,
):
    frame = pd.DataFrame({"zip": [f"z{10000 + i}" for i in range(300)], "x": range(300)})
    baseline = data_quality.suggest_baseline(frame)
    assert baseline.statistics.feature("zip").string.buckets is None
    assert baseline.constraints.features[0].domains is None  # no histogram: no domain rule
    baseline.to_json(tmp_path)
    read = data_quality.Baseline.from_json(tmp_path)  # accepted, not refused
    window = pd.DataFrame({"zip": ["z99999"] * 50, "x": range(50)})
    report = data_quality.monitor(window, read)
    assert "zip" not in report.drift
    assert data_quality.uncompared_features(read.statistics) == ["zip"]  # named in the reports
