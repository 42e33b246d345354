"""Pre-training metrics on hand-computed tables (reference bias.md §2, §4), undefined cases included."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon

from labkit.model_bias.pretraining import NO_COMMON_OUTCOME

from .conftest import frame, metric

EXACT = 1e-12  # hand values are exact fractions; only float rounding separates them


def test_ci_counts_rows_of_a_minus_d_over_all():
    assert metric(frame("TTF", "F"), "CI").value == pytest.approx((3 - 1) / 4, abs=EXACT)


@pytest.mark.parametrize(
    ("a", "d", "values", "error"),
    [
        ("TF", "", ["d"], "CI: facet set is empty. Check that x[facet] has non-zero length."),
        (
            "",
            "TF",
            ["d"],
            "CI: negated facet set is empty. Check that x[~facet] has non-zero length.",
        ),
    ],
)
def test_ci_reports_an_empty_group(a, d, values, error):
    result = metric(frame(a, d), "CI")
    assert (result.value, result.error) == (None, error)


def test_dpl_is_qa_minus_qd():
    assert metric(frame("TTF", "TFFF"), "DPL").value == pytest.approx(2 / 3 - 1 / 4, abs=EXACT)


def test_dpl_empty_groups_use_smclarify_words():
    assert metric(frame("TF", ""), "DPL").error == "Facet set is empty."
    assert metric(frame("", "TF"), "DPL").error == "Negative facet set is empty."


def test_kl_reference_example_is_negative():
    # bias.md §2: a = (T,T,F), d = (T,T,T): only "True" is shared, not renormalised.
    result = metric(frame("TTF", "TTT"), "KL")
    assert result.value == pytest.approx(-0.2703, abs=5e-5)  # the reference prints 4 decimals
    assert result.value == pytest.approx(2 / 3 * math.log(2 / 3), abs=EXACT)


def test_kl_uses_natural_log_over_both_outcomes():
    # P_a = (1/2, 1/2), P_d = (3/4, 1/4): KL = ½ln(2/3) + ½ln 2 = ½ln(4/3).
    assert metric(frame("TF", "TFFF"), "KL").value == pytest.approx(
        0.5 * math.log(4 / 3), abs=EXACT
    )


def test_js_matches_scipy_when_both_outcomes_are_shared():
    # scipy returns the distance (the square root) in nats by default; the divergence is its square.
    expected = jensenshannon([0.5, 0.5], [0.75, 0.25]) ** 2
    assert metric(frame("TF", "TFFF"), "JS").value == pytest.approx(expected, abs=1e-12)


def test_distances_follow_dpl_when_both_outcomes_occur_in_both_groups():
    df = frame("TF", "TFFF")  # DPL = 1/2 − 1/4
    assert metric(df, "LP").value == pytest.approx(math.sqrt(2) * 0.25, abs=EXACT)
    assert metric(df, "TVD").value == pytest.approx(0.25, abs=EXACT)
    assert metric(df, "KS").value == pytest.approx(0.25, abs=EXACT)


def test_distances_drop_an_outcome_missing_from_one_group():
    # a = (T,T,F), d = (T,T,T): only "True" is kept, |2/3 − 1| = 1/3.
    df = frame("TTF", "TTT")
    assert metric(df, "LP").value == pytest.approx(1 / 3, abs=EXACT)
    assert metric(df, "TVD").value == pytest.approx(1 / 6, abs=EXACT)
    assert metric(df, "KS").value == pytest.approx(1 / 3, abs=EXACT)
    assert metric(df, "JS").value == pytest.approx(
        0.5 * (2 / 3 * math.log(0.8) + math.log(1.2)), abs=EXACT
    )


@pytest.mark.parametrize("name", ["KL", "JS", "LP", "TVD", "KS"])
@pytest.mark.parametrize(("a", "d"), [("TTT", "FFF"), ("TF", "")])
def test_distribution_metrics_without_a_shared_outcome_report_an_error(name, a, d):
    result = metric(frame(a, d), name)
    assert (result.value, result.error) == (None, NO_COMMON_OUTCOME)


def test_cddl_weights_each_stratum_by_its_size():
    # stratum 1: a (T,F), d (F,F): A = 0/1, D = 2/3; stratum 2: a (T), d (T,F): A = 1/2, D = 1/1.
    df = frame("TFT", "FFTF", groups="1121122")
    expected = (4 * (2 / 3 - 0) + 3 * (1 - 1 / 2)) / 7
    assert metric(df, "CDDL", group_variable="stratum").value == pytest.approx(expected, abs=EXACT)


def test_cddl_with_one_stratum_is_zero_exactly_when_dpl_is():
    df = frame("TF", "TF", groups="1111")
    assert metric(df, "CDDL", group_variable="stratum").value == pytest.approx(0.0, abs=EXACT)
    assert metric(df, "DPL").value == pytest.approx(0.0, abs=EXACT)


@pytest.mark.parametrize(
    ("a", "d", "error"),
    [("TT", "TT", "No negative labels in set"), ("FF", "FF", "No positive labels in set")],
)
def test_cddl_needs_both_outcomes(a, d, error):
    assert metric(frame(a, d, groups="1212"), "CDDL", group_variable="stratum").error == error


def test_cddl_without_group_variable_is_an_error_entry():
    result = metric(frame("TF", "TF"), "CDDL")
    assert (result.value, result.error) == (None, "Group variable is empty or not provided")


def test_cddl_rows_with_a_missing_group_value_belong_to_no_stratum():
    df = frame("TFT", "FFTF", groups="1121122")
    extra = frame("T", "F", groups="11").assign(stratum=[None, None])
    both = pd.concat([df, extra], ignore_index=True)
    expected = (4 * (2 / 3 - 0) + 3 * (1 - 1 / 2)) / 7
    assert metric(both, "CDDL", group_variable="stratum").value == pytest.approx(
        expected, abs=EXACT
    )
