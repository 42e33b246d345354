"""Normal bootstrap intervals (reference bias.md §8): the vectorised twin vs a resample-by-resample loop."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from labkit.errors import LabkitInputError
from labkit.model_bias import BiasConfig, bias_report, bootstrap_intervals
from labkit.model_bias.posttraining import flip_counts, resampled_flip_counts

CONFIG = BiasConfig(
    label="label",
    label_values_or_threshold=["yes"],
    facet="facet",
    facet_values_or_threshold=["d"],
    predicted_label="prediction",
    group_variable="stratum",
)


def _window(n=150, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "facet": rng.choice(["a", "d"], n, p=[0.6, 0.4]),
            "label": rng.choice(["yes", "no"], n),
            "prediction": rng.choice(["yes", "no"], n),
            "stratum": rng.integers(0, 3, n),
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
        }
    )


def test_intervals_equal_recomputing_the_report_on_each_resample():
    window, samples, level, seed = _window(), 30, 0.9, 7
    got = {
        i.metric: i
        for i in bootstrap_intervals(
            window, CONFIG, n_bootstrap=samples, confidence_level=level, seed=seed
        )
    }
    # the same draws: one default_rng(seed).integers call of shape (B, n)
    draws = np.random.default_rng(seed).integers(0, len(window), size=(samples, len(window)))
    thetas: dict[str, list[float]] = {}
    for rows in draws:
        table = bias_report(
            window.iloc[rows].reset_index(drop=True),
            label="label",
            label_values_or_threshold=["yes"],
            facet="facet",
            facet_values_or_threshold=["d"],
            predicted_label="prediction",
            group_variable="stratum",
        ).to_frame()
        for name, value in zip(table.metric, table.value):
            if math.isfinite(value):
                thetas.setdefault(name, []).append(value)
    point = bias_report(
        window,
        label="label",
        label_values_or_threshold=["yes"],
        facet="facet",
        facet_values_or_threshold=["d"],
        predicted_label="prediction",
        group_variable="stratum",
    )
    z = NormalDist().inv_cdf(0.95)
    assert set(got) == set(thetas) and len(got) == 21
    for name, values in thetas.items():
        centre = point.get(name).value
        spread = z * np.std(values, ddof=1)
        # sums of the same counts in a different order: only rounding differs
        assert (got[name].lower, got[name].upper) == pytest.approx(
            (centre - spread, centre + spread), abs=1e-9
        ), name
        assert got[name].resamples_used == len(values)


def test_vectorised_flip_test_equals_refitting_scikit_learn():
    window = _window(n=80, seed=2)
    features = window[["stratum", "x1", "x2"]]
    d = (window.facet == "d").to_numpy()
    yhat = (window.prediction == "yes").to_numpy()
    draws = np.random.default_rng(0).integers(0, len(window), size=(20, len(window)))
    fast = resampled_flip_counts(features, d, yhat, draws)
    for b, rows in enumerate(draws):
        refit, _ = flip_counts(features.iloc[rows].reset_index(drop=True), d[rows], yhat[rows])
        assert fast[b] == refit


def test_same_seed_same_intervals_other_seed_other_intervals():
    window = _window()
    first = bootstrap_intervals(window, CONFIG, n_bootstrap=20, seed=1)
    assert bootstrap_intervals(window, CONFIG, n_bootstrap=20, seed=1) == first
    assert bootstrap_intervals(window, CONFIG, n_bootstrap=20, seed=2) != first


def test_higher_confidence_gives_wider_intervals():
    window = _window()
    narrow = {
        i.metric: i
        for i in bootstrap_intervals(window, CONFIG, n_bootstrap=50, confidence_level=0.8)
    }
    wide = {
        i.metric: i
        for i in bootstrap_intervals(window, CONFIG, n_bootstrap=50, confidence_level=0.99)
    }
    for name, interval in narrow.items():
        assert wide[name].upper - wide[name].lower > interval.upper - interval.lower


def test_metrics_without_a_finite_value_get_no_interval():
    config = BiasConfig(
        label="label",
        label_values_or_threshold=["yes"],
        facet="facet",
        facet_values_or_threshold=["d"],
        predicted_label="prediction",
    )  # no group: CDD errors
    names = {i.metric for i in bootstrap_intervals(_window(), config, n_bootstrap=10)}
    assert "CDDL" not in names and "CDDPL" not in names and "DPPL" in names


@pytest.mark.parametrize(("samples", "level"), [(1, 0.95), (10, 1.0), (10, 0.0)])
def test_parameters_are_checked(samples, level):
    with pytest.raises(LabkitInputError):
        bootstrap_intervals(_window(), CONFIG, n_bootstrap=samples, confidence_level=level)
