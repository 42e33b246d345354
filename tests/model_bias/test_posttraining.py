"""Post-training metrics on hand-computed tables (reference bias.md §3, §5), undefined cases included."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import KNeighborsClassifier

from labkit.errors import LabkitInputError
from labkit.model_bias import POSTTRAINING_METRICS, bias_report, divide
from labkit.model_bias.counts import evaluate, tabulate
from labkit.model_bias.facets import NO_POSITIVE_PREDICTION

from .conftest import frame, metric

EXACT = 1e-12  # hand values are exact fractions; only float rounding separates them
# a: y = T,T,F,F  ŷ = T,F,T,F  (TP 1, FN 1, FP 1, TN 1);  d: y = T,F,F  ŷ = T,T,T  (TP 1, FP 2)
MIXED = frame("TTFF", "TFF", "TFTF", "TTT")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DPPL", 2 / 4 - 3 / 3),
        ("DI", (3 / 3) / (2 / 4)),
        ("DCA", 2 / 2 - 1 / 3),  # c = n(1) / n̂(1), a − d
        ("DCR", math.inf),  # r_d = 2/0 = inf, r_a = 2/2: d − a
        ("RD", 1 / 2 - 1 / 1),  # recall a − d
        ("SD", 0 / 2 - 1 / 2),  # specificity d − a
        ("DAR", 1 / 2 - 1 / 3),  # precision a − d
        ("DRR", 0.0 - 1 / 2),  # TN / n̂(0): d (0/0 → 0) − a
        ("AD", 2 / 4 - 1 / 3),
        ("TE", 0 / 2 - 1 / 1),  # FN/FP: d − a
        ("GE", 12 / 81),  # b = (1,0,2,1, 1,2,2): Σ(b/μ)² = 735/81, (735/81 − 7) / 14
    ],
)
def test_post_training_metric_on_a_hand_table(name, expected):
    assert metric(MIXED, name).value == pytest.approx(expected, abs=EXACT)


def test_dcr_reference_example_is_minus_infinity():
    # bias.md §3: a labels (T,T,F) all predicted positive → r_a = 1/0; d → r_d = 0/0 = 0.
    result = metric(frame("TTF", "TTT", "TTT", "TTT"), "DCR")
    assert result.value == -math.inf
    assert result.to_dict()["value"] == "-Infinity"


def test_both_ratios_infinite_give_zero():
    # every prediction positive, a negative label in both groups: r_a = r_d = inf → DCR = 0.
    assert metric(frame("FT", "F", "TT", "T"), "DCR").value == 0.0
    # FP = 0 and FN > 0 in both groups: τ_a = τ_d = inf → TE = 0.
    assert metric(frame("TT", "TT", "FT", "FT"), "TE").value == 0.0


def test_te_with_no_false_positive_or_negative_is_zero_and_one_inf_is_inf():
    assert metric(frame("TF", "TF", "TF", "TF"), "TE").value == 0.0
    assert metric(frame("TF", "TT", "TF", "FT"), "TE").value == math.inf  # τ_d = 1/0


def test_di_infinite_when_a_gets_no_positive_prediction():
    result = metric(frame("TF", "TF", "FF", "TF"), "DI")
    assert result.value == math.inf and result.to_dict()["value"] == "Infinity"


def test_rates_with_an_empty_denominator_are_zero_not_nan():
    # d has no positive label: recall_d = 0/0 = 0.
    assert metric(frame("TF", "FF", "TF", "TF"), "RD").value == pytest.approx(1.0 - 0.0, abs=EXACT)


@pytest.mark.parametrize(
    ("name", "no_d", "no_a"),
    [
        ("DPPL", "Facet set is empty.", "Negative facet set is empty."),
        ("DI", "Facet set is empty", "Negated facet set is empty"),
        ("DCA", "DCO: Facet set is empty", "DCO: Negated Facet set is empty"),
        ("DCR", "DCO: Facet set is empty", "DCO: Negated Facet set is empty"),
        ("RD", "DLA: Facet set is empty", "DLA: Negated Facet set is empty"),
        ("SD", "DLA: Facet set is empty", "DLA: Negated Facet set is empty"),
        ("DAR", "DLR: Facet set is empty", "DLR: Negated Facet set is empty"),
        ("DRR", "DLR: Facet set is empty", "DLR: Negated Facet set is empty"),
        ("AD", "Facet set is empty", "Negated Facet set is empty"),
        ("TE", "Facet set is empty", "Negated Facet set is empty"),
        ("FT", "Facet set is empty", "Negated Facet set is empty"),
    ],
)
def test_empty_group_errors_use_smclarify_texts(name, no_d, no_a):
    assert metric(frame("TF", "", "TF", ""), name).error == no_d
    assert metric(frame("", "TF", "", "TF"), name).error == no_a


@pytest.mark.parametrize(("y", "yhat", "expected"), [("TFTF", "TTFF", 0.25), ("TTTT", "TFFF", 1.5)])
def test_ge_reference_examples(y, yhat, expected):
    # GE ignores the facet: the same rows split any way give the same value.
    df = frame(y[:2], y[2:], yhat[:2], yhat[2:])
    assert metric(df, "GE").value == pytest.approx(expected, abs=EXACT)


def _tables(d, y, yhat, **kwargs):
    as_bool = lambda text: np.array([c == "T" for c in text])
    return tabulate(as_bool(d), as_bool(y), as_bool(yhat), **kwargs)


def _metric(name):
    return next(m for m in POSTTRAINING_METRICS if m.name == name)


def test_ge_of_all_false_negatives_is_an_error():
    # unreachable through bias_report (no positive prediction fails the whole call), so on the tables.
    values, errors = evaluate(_metric("GE"), _tables("FT", "TT", "FF"))
    assert math.isnan(values[0])
    assert errors[0].startswith("All predicted labels are false negatives.")


def test_dca_with_no_positive_prediction_in_either_group_is_zero():
    values, errors = evaluate(_metric("DCA"), _tables("FT", "TT", "FF"))
    assert (values[0], errors[0]) == (0.0, None)


def test_cddpl_uses_predicted_labels():
    # predictions (not labels) decide: stratum 1: ŷ a = T,F  d = F,F; stratum 2: ŷ a = T  d = T,F
    df = frame("FFF", "FFFF", "TFT", "FFTF", groups="1121122")
    df.loc[0, "label"] = "yes"  # CDDPL must not look at labels
    expected = (4 * (2 / 3 - 0) + 3 * (1 - 1 / 2)) / 7
    assert metric(df, "CDDPL", group_variable="stratum").value == pytest.approx(expected, abs=EXACT)


def test_no_positive_prediction_fails_the_whole_call():
    with pytest.raises(
        LabkitInputError, match="Positive Predicted Index Series contains all False values"
    ) as info:
        bias_report(
            frame("TF", "TF", "FF", "FF"),
            label="label",
            label_values_or_threshold=["yes"],
            facet="group",
            facet_values_or_threshold=["d"],
            predicted_label="prediction",
        )
    assert NO_POSITIVE_PREDICTION in str(info.value) and "prediction" in str(info.value)


def _ft_frame(a_x, a_pred, d_x, d_pred):
    return pd.DataFrame(
        {
            "group": ["a"] * len(a_x) + ["d"] * len(d_x),
            "label": ["yes"] * (len(a_x) + len(d_x)),
            "prediction": ["yes" if p else "no" for p in a_pred + d_pred],
            "x": a_x + d_x,
        }
    )


def test_ft_sign_is_smclarifys_not_the_docs():
    # bias.md §5: every d row predicted 0, every a neighbour predicted 1 → −1.0 (the docs would say +1).
    df = _ft_frame([float(i) for i in range(10)], [True] * 10, [0.5, 1.5], [False, False])
    assert metric(df, "FT").value == -1.0
    df = _ft_frame([float(i) for i in range(10)], [False] * 9 + [True], [0.5, 1.5], [True, True])
    assert metric(df, "FT").value == 1.0


def test_ft_uses_one_neighbour_when_a_has_nine_rows_or_fewer():
    # a: x = 0 predicted 0, x = 10..13 predicted 1 (5 rows → k = 1); d: x = 0.1 predicted 1.
    df = _ft_frame([0.0, 10.0, 11.0, 12.0, 13.0], [False, True, True, True, True], [0.1], [True])
    assert metric(df, "FT").value == 1.0  # k = 5 would vote 1 and give 0


def test_ft_matches_a_knn_fitted_on_a():
    rng = np.random.default_rng(3)
    n = 120
    df = pd.DataFrame(
        {
            "group": rng.choice(["a", "d"], n),
            "label": rng.choice(["yes", "no"], n),
            "prediction": rng.choice(["yes", "no"], n),
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
        }
    )
    d = (df.group == "d").to_numpy()
    yhat = (df.prediction == "yes").to_numpy()
    features = df[["x1", "x2"]].to_numpy()
    knn = KNeighborsClassifier(n_neighbors=5).fit(features[~d], yhat[~d])
    if_a = knn.predict(features[d])
    expected = ((yhat[d] & ~if_a).sum() - (~yhat[d] & if_a).sum()) / d.sum()
    assert metric(df, "FT").value == pytest.approx(expected, abs=EXACT)


def test_ft_refuses_non_numeric_features():
    df = frame("TF", "TF", "TF", "TF").assign(city=["x", "y", "z", "w"])
    assert metric(df, "FT").error == "FlipTest does not support non-numeric columns"


def test_divide_is_smclarifys():
    assert divide(0, 0) == 0.0
    assert divide(2, 0) == math.inf
    assert divide(-2, 0) == -math.inf
    assert divide(1, 4) == 0.25
