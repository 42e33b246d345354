"""A/B testing with production variants: split traffic, compare a metric, shift the weights.

A SageMaker endpoint can host several *production variants*; each receives the share
``VariantWeight / sum of all weights`` of the requests, and ``UpdateEndpointWeightsAndCapacities``
changes the weights "without requiring updates to your endpoint" (AWS: "Production variants",
model-ab-testing; API reference ProductionVariant.InitialVariantWeight). The twin routes
requests by weight, measures a success proportion per variant (for example accuracy once
ground truth lands) with a **Wilson score interval**, compares two variants with **Newcombe's
hybrid score interval** for the difference of two independent proportions (Newcombe 1998,
method 10), and turns the comparison into a ``DesiredWeightsAndCapacities`` request.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from labkit.errors import LabkitInputError

__all__ = [
    "DEFAULT_CONFIDENCE",
    "PROMOTION_STEPS",
    "ABTestResult",
    "ProductionVariant",
    "VariantResult",
    "compare_variants",
    "newcombe_interval",
    "route_requests",
    "traffic_shares",
    "update_endpoint_weights_and_capacities",
    "wilson_interval",
]

DEFAULT_CONFIDENCE = 0.95
DEFAULT_VARIANT_WEIGHT = (
    1.0  # ProductionVariant.InitialVariantWeight: "If unspecified, it defaults to 1.0"
)
VARIANT_NAME = re.compile(
    r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
)  # ProductionVariant.VariantName (API)
# The challenger's traffic share after each winning comparison: the AWS example moves 50/50 to
# 25/75, then to 0/1 (model-ab-testing, step 4). [U] reference: no documented rule; a schedule
# of shares is the kit's choice.
PROMOTION_STEPS = (0.75, 1.0)


@dataclass(frozen=True)
class ProductionVariant:
    """One ``ProductionVariant`` of an endpoint config: a name, a model, a weight."""

    variant_name: str
    model: Any = None
    initial_variant_weight: float = DEFAULT_VARIANT_WEIGHT

    def __post_init__(self) -> None:
        if not isinstance(self.variant_name, str) or not VARIANT_NAME.fullmatch(self.variant_name):
            raise LabkitInputError(
                f"VariantName {self.variant_name!r} must match [a-zA-Z0-9](-*[a-zA-Z0-9]){{0,62}}"
            )
        _check_weight(self.initial_variant_weight, self.variant_name)


def _check_weight(weight: Any, name: str) -> None:
    if (
        isinstance(weight, bool)
        or not isinstance(weight, (int, float))
        or not math.isfinite(weight)
        or weight < 0
    ):
        raise LabkitInputError(f"variant {name}: the weight must be a number >= 0, got {weight!r}")


def traffic_shares(weights: Mapping[str, float] | Sequence[ProductionVariant]) -> dict[str, float]:
    """Each variant's share of the requests: its weight over the sum of all weights."""
    if not isinstance(weights, Mapping):
        weights = {v.variant_name: v.initial_variant_weight for v in weights}
    for name, weight in weights.items():
        _check_weight(weight, name)
    total = float(sum(weights.values()))
    if not weights or total <= 0:
        raise LabkitInputError("at least one variant needs a weight above 0 to receive traffic")
    return {name: float(w) / total for name, w in weights.items()}


def route_requests(
    n: int, weights: Mapping[str, float] | Sequence[ProductionVariant], *, seed: int
) -> np.ndarray:
    """The variant that serves each of ``n`` requests.

    [U] reference: none — AWS documents the shares, not the routing algorithm; the twin draws
    each request's variant independently with probability = its share.
    """
    shares = traffic_shares(weights)
    names = np.array(list(shares), dtype=object)
    return names[np.random.default_rng(seed).choice(len(names), size=n, p=list(shares.values()))]


def update_endpoint_weights_and_capacities(
    weights: Mapping[str, float], desired: Sequence[Mapping[str, Any]]
) -> dict[str, float]:
    """Apply an ``UpdateEndpointWeightsAndCapacities`` request's ``DesiredWeightsAndCapacities``."""
    new = dict(weights)
    for item in desired:
        name = item.get("VariantName")
        if name not in new:
            raise LabkitInputError(
                f"DesiredWeightsAndCapacities names variant {name!r}; the endpoint has {', '.join(new)}"
            )
        if "DesiredWeight" in item:
            _check_weight(item["DesiredWeight"], name)
            new[name] = float(item["DesiredWeight"])
    traffic_shares(new)  # refuses a configuration that routes no traffic
    return new


def wilson_interval(
    successes: int, n: int, *, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float]:
    """Wilson score interval for a proportion (no continuity correction); (nan, nan) when n = 0."""
    if n < 0 or not 0 <= successes <= n:
        raise LabkitInputError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return math.nan, math.nan
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_interval(
    successes_a: int,
    n_a: int,
    successes_b: int,
    n_b: int,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p_a − p_b, built from the two Wilson intervals."""
    l1, u1 = wilson_interval(successes_a, n_a, confidence=confidence)
    l2, u2 = wilson_interval(successes_b, n_b, confidence=confidence)
    p1, p2 = successes_a / n_a, successes_b / n_b
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt(
        (u1 - p1) ** 2 + (p2 - l2) ** 2
    )


@dataclass(frozen=True)
class VariantResult:
    """One variant's requests scored, successes, rate and Wilson interval."""

    variant_name: str
    n: int
    successes: int
    rate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class ABTestResult:
    """Control vs challenger: per-variant results, the difference's interval and the decision."""

    control: VariantResult
    challenger: VariantResult
    difference: float  # challenger rate − control rate
    ci_low: float
    ci_high: float
    confidence: float
    decision: str  # "promote challenger", "keep control", "keep collecting"
    desired_weights: tuple[dict[str, Any], ...]  # DesiredWeightsAndCapacities to send

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([vars(self.control), vars(self.challenger)])

    def update_request(self, endpoint_name: str) -> dict[str, Any]:
        """The ``UpdateEndpointWeightsAndCapacities`` request body for this decision."""
        return {
            "EndpointName": endpoint_name,
            "DesiredWeightsAndCapacities": [dict(x) for x in self.desired_weights],
        }


def compare_variants(
    outcomes: pd.DataFrame,
    *,
    control: str,
    challenger: str,
    weights: Mapping[str, float],
    variant_column: str = "variant",
    success_column: str = "correct",
    confidence: float = DEFAULT_CONFIDENCE,
) -> ABTestResult:
    """Compare the challenger's success rate with the control's and decide the next weights.

    Decision rule: the challenger wins when the whole interval of (challenger − control) lies
    above 0; its share then moves to the next of ``PROMOTION_STEPS``. It loses when the interval
    lies below 0 (its weight goes to 0). Otherwise the weights stay and the test goes on.
    """
    for column in (variant_column, success_column):
        if column not in outcomes.columns:
            raise LabkitInputError(f"the outcomes need a {column!r} column", column=column)
    results = {}
    for name in (control, challenger):
        if name not in weights:
            raise LabkitInputError(
                f"variant {name!r} is not among the endpoint's variants {', '.join(weights)}"
            )
        hits = outcomes.loc[outcomes[variant_column] == name, success_column].astype(bool)
        if hits.empty:
            raise LabkitInputError(f"variant {name!r} has no scored requests yet")
        results[name] = VariantResult(
            name,
            len(hits),
            int(hits.sum()),
            float(hits.mean()),
            *wilson_interval(int(hits.sum()), len(hits), confidence=confidence),
        )
    a, b = results[challenger], results[control]
    low, high = newcombe_interval(a.successes, a.n, b.successes, b.n, confidence=confidence)
    shares = traffic_shares(weights)
    if low > 0:
        share = next((s for s in PROMOTION_STEPS if s > shares[challenger] + 1e-9), 1.0)
        decision, new = "promote challenger", {challenger: share, control: 1.0 - share}
    elif high < 0:
        decision, new = "keep control", {challenger: 0.0, control: 1.0}
    else:
        decision, new = (
            "keep collecting",
            {challenger: shares[challenger], control: shares[control]},
        )
    desired = tuple({"VariantName": name, "DesiredWeight": round(w, 6)} for name, w in new.items())
    return ABTestResult(
        results[control],
        results[challenger],
        a.rate - b.rate,
        low,
        high,
        confidence,
        decision,
        desired,
    )
