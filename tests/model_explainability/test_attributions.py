"""SHAP values: closed forms (reference §4), shap's own explainers and a brute-force Shapley oracle."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from labkit.errors import LabkitInputError
from labkit.model_explainability.attributions import (
    EXACT_MAX_FEATURES,
    Explainer,
    aggregate_shap_values,
    default_num_samples,
    model_output,
    shap_baseline,
)

from .conftest import CATEGORICAL, NUMERIC, credit_like

FEATURES = NUMERIC + CATEGORICAL


def brute_force_shapley(model, record: pd.Series, background: pd.DataFrame) -> np.ndarray:
    """Textbook Shapley values of the interventional game, one subset at a time (test oracle).

    v(S) = mean over background rows b of P(default | x_S, b_rest), built with pandas directly.
    """
    features = list(background.columns)
    m = len(features)
    subsets = [frozenset(c) for k in range(m + 1) for c in itertools.combinations(range(m), k)]
    frames = []
    for s in subsets:
        frame = background.copy()
        for j in s:
            frame[features[j]] = record[features[j]]
        frames.append(frame)
    out = model.predict_proba(pd.concat(frames, ignore_index=True))[:, 1].reshape(
        len(subsets), len(background)
    )
    v = dict(zip(subsets, out.mean(axis=1)))
    phi = np.zeros(m)
    for j in range(m):
        for s in subsets:
            if j not in s:
                weight = math.factorial(len(s)) * math.factorial(m - len(s) - 1) / math.factorial(m)
                phi[j] += weight * (v[s | {j}] - v[s])
    return phi


# --- the linear closed forms of reference §4 -------------------------------------------------


def test_exact_equals_closed_form_for_a_linear_model(linear_case):
    X, model, background, w, b0 = linear_case
    local = Explainer(model, method="exact").fit(background).explain(X, max_rows=None)
    mu = background.mean().to_numpy()
    # φ_j = w_j (x_j − mean_B x_j); 1e-9: float rounding of sums of ~2^4 terms of size ~10.
    np.testing.assert_allclose(local.shap_values.to_numpy(), (X.to_numpy() - mu) * w, atol=1e-9)
    assert local.expected_value == pytest.approx(mu @ w + b0, abs=1e-9)


def test_global_values_match_closed_forms(linear_case):
    X, model, background, w, _ = linear_case
    local = Explainer(model).fit(background).explain(X, max_rows=None)
    centred = X.to_numpy() - background.mean().to_numpy()
    closed = {
        "mean_abs": np.abs(w) * np.abs(centred).mean(axis=0),
        "mean_sq": w**2 * (centred**2).mean(axis=0),
        "median": w * np.median(centred, axis=0),
    }
    for agg_method, expected in closed.items():
        got = local.global_shap_values(agg_method)
        # Tolerance 1e-6 as the brief asks; the values agree to ~1e-12 in practice.
        np.testing.assert_allclose([got[c] for c in X.columns], expected, atol=1e-6)


def test_matches_shaps_linear_explainer(linear_case):
    import shap

    X, model, background, _, _ = linear_case
    ours = Explainer(model).fit(background).explain(X, max_rows=None).shap_values.to_numpy()
    theirs = shap.LinearExplainer(
        model, shap.maskers.Independent(background.to_numpy(), max_samples=100)
    )
    # Both are exact; only float rounding differs.
    np.testing.assert_allclose(ours, theirs.shap_values(X.to_numpy()), atol=1e-9)


def test_kernel_recovers_exact_values_when_every_coalition_is_enumerated(linear_case):
    X, model, background, _, _ = linear_case
    m = X.shape[1]
    kernel = (
        Explainer(model, method="kernel", num_samples=2**m - 2)
        .fit(background)
        .explain(X, max_rows=20)
    )
    exact = Explainer(model, method="exact").fit(background).explain(X, max_rows=20)
    # Reference §4: the weighted regression is exact once all coalitions are used; 1e-6 as it suggests.
    np.testing.assert_allclose(
        kernel.shap_values.to_numpy(), exact.shap_values.to_numpy(), atol=1e-6
    )


def test_use_logit_makes_a_logistic_model_linear_again(credit_df):
    from sklearn.linear_model import LogisticRegression

    X = credit_df[["debt_to_income", "open_accounts", "loan_amount"]]
    model = LogisticRegression().fit(X, credit_df["default"])
    background = X.sample(5, random_state=0)
    local = Explainer(model, use_logit=True).fit(background).explain(X, max_rows=50, seed=1)
    rows = X.loc[local.shap_values.index].to_numpy()
    expected = (rows - background.mean().to_numpy()) * model.coef_[0]
    # Log-odds are linear in x: reference §4 applies. 1e-9: float rounding.
    np.testing.assert_allclose(local.shap_values.to_numpy(), expected, atol=1e-9)
    probability = Explainer(model, use_logit=False).fit(background).explain(X, max_rows=50, seed=1)
    # Without the logit the sigmoid bends the payoff: the linear formula no longer holds.
    assert not np.allclose(probability.shap_values.to_numpy(), expected, atol=1e-3)


# --- a real pipeline: one-hot categories, probabilities ---------------------------------------


def test_exact_matches_brute_force_shapley_on_a_one_hot_pipeline(credit_df, credit_model):
    background = credit_df[FEATURES].sample(3, random_state=2).reset_index(drop=True)
    local = Explainer(credit_model).fit(background).explain(credit_df, max_rows=3, seed=4)
    for index, phi in local.shap_values.iterrows():
        oracle = brute_force_shapley(credit_model, credit_df.loc[index, FEATURES], background)
        # Both exact; float rounding over 2^8 coalition differences of probabilities.
        np.testing.assert_allclose(phi.to_numpy(), oracle, atol=1e-12)


def test_attributions_go_to_the_original_columns(credit_df, credit_model):
    baseline_row = shap_baseline(credit_df, features=FEATURES)
    local = Explainer(credit_model).fit(baseline_row).explain(credit_df, max_rows=40)
    assert list(local.shap_values.columns) == FEATURES  # not the one-hot columns
    assert local.global_shap_values()["employment_type"] > 0.0


@pytest.mark.parametrize("method", ["exact", "kernel"])
def test_additivity(credit_df, credit_model, method):
    rows = shap_baseline(credit_df, features=FEATURES)
    local = (
        Explainer(credit_model, method=method, num_samples=50)
        .fit(rows)
        .explain(credit_df, max_rows=15)
    )
    # Σφ = f(x) − E f: exact by the Shapley efficiency axiom, enforced as a constraint by Kernel SHAP.
    assert local.additivity_gap < 1e-10
    assert local.expected_value == pytest.approx(model_output(credit_model, rows)[0], abs=1e-15)


def test_kernel_matches_shaps_kernel_explainer_on_the_pipeline(credit_df, credit_model):
    rows = shap_baseline(credit_df, features=FEATURES)
    kernel = (
        Explainer(credit_model, method="kernel", num_samples=2**8)
        .fit(rows)
        .explain(credit_df, max_rows=5)
    )
    exact = Explainer(credit_model, method="exact").fit(rows).explain(credit_df, max_rows=5)
    # num_samples ≥ 2^M − 2 enumerates all coalitions: the regression is exact up to rounding.
    np.testing.assert_allclose(
        kernel.shap_values.to_numpy(), exact.shap_values.to_numpy(), atol=1e-9
    )


def test_kernel_is_seeded_and_leaves_the_global_rng_alone(credit_df, credit_model):
    rows = shap_baseline(credit_df, features=FEATURES)
    explainer = Explainer(credit_model, method="kernel", num_samples=30).fit(rows)
    np.random.seed(123)
    state = np.random.get_state()
    first = explainer.explain(credit_df, max_rows=4, seed=7).shap_values
    assert np.random.get_state()[1].tolist() == state[1].tolist()
    assert first.equals(explainer.explain(credit_df, max_rows=4, seed=7).shap_values)
    assert not first.equals(explainer.explain(credit_df, max_rows=4, seed=8).shap_values)


# --- aggregation, rows, baseline row, payoff ------------------------------------------------


def test_aggregate_by_hand():
    local = pd.DataFrame({"a": [1.0, -3.0, 2.0, -4.0], "b": [0.5, 0.5, -0.5, 0.0]})
    assert aggregate_shap_values(local, "mean_abs") == {"a": 2.5, "b": 0.375}
    assert aggregate_shap_values(local, "mean_sq") == {"a": 7.5, "b": 0.1875}
    assert aggregate_shap_values(local, "median") == {"a": -1.0, "b": 0.25}  # keeps the sign
    with pytest.raises(ValueError, match="mean_abs"):
        aggregate_shap_values(local, "max")


def test_rows_are_a_seeded_sample(credit_df, credit_model):
    explainer = Explainer(credit_model).fit(shap_baseline(credit_df, features=FEATURES))
    a = explainer.explain(credit_df, max_rows=25, seed=3)
    assert len(a.shap_values) == 25 and a.shap_values.index.is_monotonic_increasing
    assert a.shap_values.index.equals(
        explainer.explain(credit_df, max_rows=25, seed=3).shap_values.index
    )
    assert not a.shap_values.index.equals(
        explainer.explain(credit_df, max_rows=25, seed=4).shap_values.index
    )
    assert len(explainer.explain(credit_df.head(30), max_rows=None).shap_values) == 30


def test_shap_baseline_row_is_mean_and_mode():
    df = pd.DataFrame(
        {"x": [1.0, 2.0, None, 6.0], "c": ["b", "a", "b", "a"], "k": ["u", "v", "v", None]}
    )
    row = shap_baseline(df, features=["x", "c", "k"])
    # Missing values are skipped; a tie for the mode takes the smallest value.
    assert row.to_dict("records") == [{"x": 3.0, "c": "a", "k": "v"}]
    with pytest.raises(LabkitInputError, match="'y'"):
        shap_baseline(df.assign(y=[None] * 4), features=["x", "y"])


def test_model_output_picks_the_payoff(credit_df, credit_model, linear_case):
    X = credit_df[FEATURES].head(5)
    np.testing.assert_array_equal(
        model_output(credit_model, X), credit_model.predict_proba(X)[:, 1]
    )
    np.testing.assert_array_equal(
        model_output(credit_model, X, probability_index=0), credit_model.predict_proba(X)[:, 0]
    )
    lx, lmodel, *_ = linear_case
    np.testing.assert_array_equal(model_output(lmodel, lx.head(3)), lmodel.predict(lx.head(3)))
    with pytest.raises(LabkitInputError, match="probability_index 2"):
        model_output(credit_model, X, probability_index=2)
    with pytest.raises(LabkitInputError, match="could not score"):
        model_output(credit_model, X.drop(columns=["income"]))


def test_window_problems_are_named(credit_df, credit_model):
    explainer = Explainer(credit_model).fit(shap_baseline(credit_df, features=FEATURES))
    with pytest.raises(LabkitInputError, match="'income'"):
        explainer.explain(credit_df.drop(columns=["income"]))
    bad = credit_df.astype({"income": object})
    bad.loc[bad.index[0], "income"] = "lots"
    with pytest.raises(LabkitInputError, match="'income'"):
        explainer.explain(bad, max_rows=None)
    # An unseen category is just another value: the one-hot encoder ignores it.
    unseen = credit_df.assign(loan_purpose="boat")
    assert explainer.explain(unseen, max_rows=5).additivity_gap < 1e-10


def test_exact_refuses_too_many_features():
    wide = pd.DataFrame(
        np.zeros((1, EXACT_MAX_FEATURES + 1)),
        columns=[f"f{i}" for i in range(EXACT_MAX_FEATURES + 1)],
    )
    with pytest.raises(LabkitInputError, match="method='kernel'"):
        Explainer(object(), method="exact").fit(wide)


def test_default_num_samples_and_speed_knobs():
    assert default_num_samples(8) == 2 * 8 + 2048
    assert credit_like(5, seed=0).shape == (5, 10)


def test_a_junk_cell_is_named_by_its_row_in_the_window_not_in_the_sample(credit_df, credit_model):
    explainer = Explainer(credit_model).fit(shap_baseline(credit_df, features=FEATURES))
    picked = explainer.explain(credit_df, max_rows=20, seed=0).shap_values.index
    row = int(picked[5])  # a row the sample explains; its place in the sample is 6
    bad = credit_df.astype({"income": object})
    bad.loc[row, "income"] = "lots"
    with pytest.raises(LabkitInputError, match=rf"found 'lots' \(data row {row + 1}\)"):
        explainer.explain(bad, max_rows=20, seed=0)
    unsampled = next(i for i in range(len(credit_df)) if i not in set(picked))
    bad = credit_df.astype({"income": object})
    bad.loc[unsampled, "income"] = "lots"
    with pytest.raises(LabkitInputError, match=rf"data row {unsampled + 1}\)"):
        explainer.explain(bad, max_rows=20, seed=0)  # the whole window is read, as Clarify reads it


def test_a_feature_the_model_cannot_score_because_it_is_empty_is_named(credit_df, credit_model):
    explainer = Explainer(credit_model).fit(shap_baseline(credit_df, features=FEATURES))
    with pytest.raises(LabkitInputError) as info:
        explainer.explain(credit_df.assign(income=np.nan), max_rows=30)
    assert info.value.column == "income"
    assert "30 of 30 explained rows have no value" in info.value.reason
    assert "\n" not in str(info.value)  # scikit-learn's advice runs over several lines


def test_model_errors_are_one_line(credit_df, credit_model):
    X = credit_df[FEATURES].head(5).assign(income=np.nan)
    with pytest.raises(
        LabkitInputError, match="could not score the records: Input X contains NaN"
    ) as info:
        model_output(credit_model, X)
    assert "\n" not in str(info.value)
