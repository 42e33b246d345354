"""A/B testing: traffic shares, routing, weight updates, Wilson and Newcombe intervals, the decision."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from labkit import ab_testing as ab
from labkit.errors import LabkitInputError


def test_shares_are_weight_over_total_as_in_the_docs():
    # model-ab-testing: weights 1 and 1 → 50 % each; DesiredWeight 25 and 75 → 25 % / 75 %.
    assert ab.traffic_shares({"Variant1": 1, "Variant2": 1}) == {"Variant1": 0.5, "Variant2": 0.5}
    assert ab.traffic_shares(
        [ab.ProductionVariant("Variant1", None, 25), ab.ProductionVariant("Variant2", None, 75)]
    ) == {"Variant1": 0.25, "Variant2": 0.75}
    assert (
        ab.ProductionVariant("v").initial_variant_weight == 1.0
    )  # InitialVariantWeight defaults to 1.0
    with pytest.raises(LabkitInputError, match="above 0"):
        ab.traffic_shares({"a": 0, "b": 0})
    with pytest.raises(LabkitInputError, match="VariantName"):
        ab.ProductionVariant("bad_name")


def test_routing_follows_the_shares():
    routed = ab.route_requests(20_000, {"A": 1, "B": 3}, seed=0)
    share = (routed == "B").mean()
    assert abs(share - 0.75) < 4 * (0.75 * 0.25 / 20_000) ** 0.5  # 4 binomial standard deviations
    assert (ab.route_requests(100, {"A": 1, "B": 3}, seed=0) == routed[:100]).all()


def test_update_endpoint_weights_and_capacities():
    weights = ab.update_endpoint_weights_and_capacities(
        {"Variant1": 1, "Variant2": 1},
        [
            {"VariantName": "Variant1", "DesiredWeight": 0},
            {"VariantName": "Variant2", "DesiredWeight": 1},
        ],
    )
    assert ab.traffic_shares(weights) == {"Variant1": 0.0, "Variant2": 1.0}
    with pytest.raises(LabkitInputError, match="names variant"):
        ab.update_endpoint_weights_and_capacities(
            weights, [{"VariantName": "Variant3", "DesiredWeight": 1}]
        )
    with pytest.raises(LabkitInputError, match="above 0"):
        ab.update_endpoint_weights_and_capacities(
            weights, [{"VariantName": "Variant2", "DesiredWeight": 0}]
        )


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (56, 70), (48, 80), (999, 1000), (10, 10)])
def test_wilson_matches_scipy(k, n):
    low, high = ab.wilson_interval(k, n)
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert (low, high) == pytest.approx(
        (expected.low, expected.high), abs=1e-12
    )  # the same closed form


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    # Newcombe (1998), Stat Med 17:873-890, Table II, method 10 (hybrid score, no continuity correction); 4 decimals.
    [((56, 70), (48, 80), (0.0524, 0.3339)), ((9, 10), (3, 10), (0.1705, 0.8090))],
)
def test_newcombe_matches_the_published_examples(a, b, expected):
    assert ab.newcombe_interval(*a, *b) == pytest.approx(
        expected, abs=5e-5
    )  # the paper rounds to 4 decimals


def _outcomes(rate_a: float, rate_b: float, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "variant": ["A"] * n + ["B"] * n,
            "correct": np.r_[rng.random(n) < rate_a, rng.random(n) < rate_b],
        }
    )


def test_a_clear_winner_gets_the_next_step_of_traffic():
    result = ab.compare_variants(
        _outcomes(0.70, 0.85, 1_000, 0), control="A", challenger="B", weights={"A": 1, "B": 1}
    )
    assert result.decision == "promote challenger" and result.ci_low > 0
    assert result.desired_weights == (
        {"VariantName": "B", "DesiredWeight": 0.75},
        {"VariantName": "A", "DesiredWeight": 0.25},
    )
    again = ab.compare_variants(
        _outcomes(0.70, 0.85, 1_000, 1), control="A", challenger="B", weights={"A": 0.25, "B": 0.75}
    )
    assert again.desired_weights[0]["DesiredWeight"] == 1.0
    assert result.update_request("ep")["DesiredWeightsAndCapacities"][0]["VariantName"] == "B"
    assert list(result.to_frame()["variant_name"]) == ["A", "B"]


def test_a_loser_is_switched_off_and_a_tie_keeps_collecting():
    worse = ab.compare_variants(
        _outcomes(0.85, 0.70, 1_000, 2), control="A", challenger="B", weights={"A": 1, "B": 1}
    )
    assert (
        worse.decision == "keep control"
        and worse.ci_high < 0
        and worse.desired_weights[0]["DesiredWeight"] == 0.0
    )
    tie = ab.compare_variants(
        _outcomes(0.80, 0.80, 200, 3), control="A", challenger="B", weights={"A": 1, "B": 1}
    )
    assert tie.decision == "keep collecting" and tie.ci_low < 0 < tie.ci_high
    with pytest.raises(LabkitInputError, match="no scored requests"):
        ab.compare_variants(
            _outcomes(0.8, 0.8, 10, 0).query("variant == 'A'"),
            control="A",
            challenger="B",
            weights={"A": 1, "B": 1},
        )
