"""Group and label selection: categorical vs continuous, thresholds, one vs rest (reference bias.md §1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from labkit.errors import LabkitInputError
from labkit.model_bias import UNIQUENESS_THRESHOLD, bias_report, column_kind


def _report(df, **options):
    kwargs = {"label": "label", "label_values_or_threshold": [1], "facet": "facet"} | options
    return bias_report(df, methods=["CI", "DPL"], **kwargs).pre_training


def _binary(n):
    return pd.Series(np.arange(n) % 2, dtype="int64")


def test_uniqueness_threshold_is_smclarifys():
    assert UNIQUENESS_THRESHOLD == 0.05


@pytest.mark.parametrize(
    ("series", "values", "kind"),
    [
        (_binary(40), [1], "continuous"),  # 2/40 = 0.05 ≥ 0.05: the small-int gotcha
        (_binary(41), [1], "categorical"),  # 2/41 < 0.05
        (pd.Series([0.0, 1.0] * 100), [1], "continuous"),  # float is always continuous
        (_binary(10), [0, 1], "categorical"),  # more than one value given
        (_binary(10).astype("category"), [1], "categorical"),
        (pd.Series(["a", "b"] * 5), ["a"], "categorical"),
        (pd.Series([str(i) for i in range(30)]), ["3"], "continuous"),  # text that casts to int
        (pd.Series(["1.5", "2"] * 30), ["2"], "categorical"),  # "1.5" does not cast to int
        (pd.Series([True, False] * 5), [True], "categorical"),
        (pd.Series([1, None] * 100, dtype="Int64"), [1], "continuous"),  # read_csv would give float
    ],
)
def test_column_kind(series, values, kind):
    assert column_kind(series, values) == kind


def test_small_int_gotcha_is_reproduced():
    # bias.md §1: an int 0/1 facet on < 41 rows is continuous, [1] is the threshold, (1, 1] is empty.
    df = pd.DataFrame({"facet": _binary(30), "label": ["x", "y", "y"] * 10})
    block = _report(df, label_values_or_threshold=["y"], facet_values_or_threshold=[1])
    entry = block.facets[0][1][0]
    assert entry.value_or_threshold == ""
    assert (
        entry.metrics[0].error == "CI: facet set is empty. Check that x[facet] has non-zero length."
    )


def test_threshold_selects_strictly_greater_values_and_prints_the_interval():
    df = pd.DataFrame(
        {"facet": [30, 40, 41, 79] * 10 + list(range(100, 120)), "label": ["a", "b"] * 30}
    )
    block = _report(df, label_values_or_threshold=["a"], facet_values_or_threshold=40)
    entry = block.facets[0][1][0]
    assert entry.value_or_threshold == "(40, 119]"
    # d = x > 40: 41, 79 and 100..119 → 40 rows; a = 30, 40 → 20 rows; CI = (20 − 40)/60.
    assert entry.metrics[0].value == pytest.approx(-1 / 3, abs=1e-12)


@pytest.mark.parametrize(
    ("data", "threshold", "text"),
    [
        (pd.Series(np.linspace(0, 79.5, 60)), 40, "(40.0, 79.5]"),
        (pd.Series(np.arange(18, 80)), 40.5, "(40.5, 79.0]"),
        (pd.Series(np.arange(18, 80)), "40", "(40.0, 79.0]"),  # a text threshold is read as float
        (pd.Series(np.arange(18, 80)), 79, ""),  # max already a break: nothing is selected
        (pd.Series(np.arange(18, 80)), 90, "(79, 90]"),  # above max: an empty interval
        (pd.Series(np.arange(-64, -4)), 5, ""),  # smclarify compares abs(max) = 5 with t = 5
    ],
)
def test_interval_text_follows_the_dtype(data, threshold, text):
    df = pd.DataFrame({"facet": data, "label": ["a", "b"] * (len(data) // 2)})
    block = _report(df, label_values_or_threshold=["a"], facet_values_or_threshold=[threshold])
    assert block.facets[0][1][0].value_or_threshold == text


def test_categorical_values_are_joined_and_or_ed():
    df = pd.DataFrame({"facet": list("xyzxyz") * 10, "label": ["a", "b", "a"] * 20})
    entry = _report(
        df, label_values_or_threshold=["a"], facet_values_or_threshold=["x", "z"]
    ).facets[0][1][0]
    assert entry.value_or_threshold == "x,z"
    assert entry.metrics[0].value == pytest.approx((20 - 40) / 60, abs=1e-12)


def test_one_vs_rest_in_order_of_first_appearance_with_missing_as_nan():
    df = pd.DataFrame({"facet": ["m", "k", None, "m", "z", "k"] * 10, "label": ["a", "b"] * 30})
    groups = _report(df, label_values_or_threshold=["a"]).facets[0][1]
    assert [g.value_or_threshold for g in groups] == ["m", "k", "nan", "z"]
    assert groups[2].metrics[0].error.startswith("CI: facet set is empty")
    assert groups[0].metrics[0].value == pytest.approx((40 - 20) / 60, abs=1e-12)


def test_continuous_facet_without_threshold_is_refused():
    df = pd.DataFrame({"facet": np.arange(60), "label": ["a", "b"] * 30})
    with pytest.raises(LabkitInputError, match="Threshold values must be provided") as info:
        _report(df, label_values_or_threshold=["a"])
    assert "'facet'" in str(info.value)


def test_values_are_cast_to_the_column_type_when_nothing_matches():
    df = pd.DataFrame({"facet": [1, 2, 3] * 20, "label": [1, 0, 0] * 20})
    with_text = _report(df, label_values_or_threshold=["1"], facet_values_or_threshold=["2", "3"])
    with_ints = _report(df, label_values_or_threshold=[1], facet_values_or_threshold=[2, 3])
    assert with_text.facets[0][1][0].metrics == with_ints.facets[0][1][0].metrics
    assert with_text.label_value_or_threshold == "1"


def test_a_value_that_never_occurs_gives_error_entries():
    df = pd.DataFrame({"facet": ["x", "y"] * 30, "label": ["a", "b", "b"] * 20})
    entry = _report(df, label_values_or_threshold=["a"], facet_values_or_threshold=["zz"]).facets[
        0
    ][1][0]
    assert entry.value_or_threshold == "zz"
    assert all(m.value is None for m in entry.metrics)


def test_a_value_that_cannot_be_cast_names_the_column():
    df = pd.DataFrame({"facet": [1, 2, 3] * 20, "label": [1, 0, 0] * 20})
    with pytest.raises(LabkitInputError, match="cannot be read as its type") as info:
        _report(df, facet_values_or_threshold=["zz", "yy"])
    assert "'facet'" in str(info.value)


def test_numeric_label_threshold():
    df = pd.DataFrame({"facet": ["x", "y"] * 30, "label": np.arange(60)})
    block = _report(df, label_values_or_threshold=29, facet_values_or_threshold=["x"])
    assert block.label_value_or_threshold == "(29, 59]"
    # positive iff label > 29: x rows are the even labels, 15 of 30 above 29 in each group
    assert block.facets[0][1][0].metrics[1].value == pytest.approx(0.0, abs=1e-12)


def test_probability_threshold_makes_predicted_labels_strictly_above_it():
    df = pd.DataFrame({"facet": ["x", "y"] * 30, "label": [1, 0] * 30, "score": [0.5, 0.7] * 30})
    report = bias_report(
        df,
        label="label",
        label_values_or_threshold=[1],
        facet="facet",
        facet_values_or_threshold=["x"],
        predicted_label="score",
        probability_threshold=0.5,
        methods=["DPPL"],
    )
    # d = x rows, all scored 0.5 (not > 0.5, so predicted 0); a = y rows, 0.7 → 1: DPPL = 1 − 0.
    assert report.get("DPPL").value == pytest.approx(1.0, abs=1e-12)


def test_prediction_kind_must_match_the_label_kind():
    df = pd.DataFrame(
        {"facet": ["x", "y"] * 30, "label": [1, 0] * 30, "score": np.linspace(0, 1, 60)}
    )
    with pytest.raises(LabkitInputError, match="datatype is not the same as Label Column") as info:
        bias_report(
            df,
            label="label",
            label_values_or_threshold=[1],
            facet="facet",
            facet_values_or_threshold=["x"],
            predicted_label="score",
        )
    assert "'score'" in str(info.value)


def test_missing_columns_and_empty_data_are_named():
    df = pd.DataFrame({"facet": ["x"], "label": [1]})
    with pytest.raises(LabkitInputError, match="no such column") as info:
        _report(df, predicted_label="prediction")
    assert "'prediction'" in str(info.value)
    with pytest.raises(LabkitInputError, match="no rows"):
        _report(df.iloc[:0], facet_values_or_threshold=["x"])


def test_empty_label_values_are_refused():
    df = pd.DataFrame({"facet": ["x", "y"] * 30, "label": [1, 0] * 30})
    with pytest.raises(LabkitInputError, match="Positive label values or thresholds are empty"):
        _report(df, label_values_or_threshold=[], facet_values_or_threshold=["x"])
