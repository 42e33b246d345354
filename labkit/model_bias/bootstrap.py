"""Normal bootstrap intervals of the bias metrics, for the bias-drift overview's alert rule.

The overview page (bias.md §8) builds, per window, C = θ̂ ± z_{1−α/2}·sd(θ*_1..θ*_B), with θ* the
metric recomputed on B resamples of the window drawn with replacement. B, the confidence level
and the seed are not published; the twin makes them parameters with the defaults below.

Speed: every metric but FT is a function of count tables, so all B resamples are counted at once
with ``numpy.bincount``; FT's kNN sorts each d row's neighbours once and re-weights them per
resample (see ``posttraining.resampled_flip_counts``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from labkit.errors import LabkitInputError
from labkit.model_bias.config import BiasConfig
from labkit.model_bias.counts import evaluate, tabulate
from labkit.model_bias.facets import select
from labkit.model_bias.posttraining import flip_counts, resampled_flip_counts
from labkit.model_bias.report import metrics_to_run

__all__ = [
    "DEFAULT_BOOTSTRAP_SAMPLES",
    "DEFAULT_CONFIDENCE_LEVEL",
    "MIN_BOOTSTRAP_SAMPLES",
    "BootstrapInterval",
    "bootstrap_intervals",
]

# [U] reference: bias.md §8 — B and the confidence level are not published.
DEFAULT_BOOTSTRAP_SAMPLES = 200
DEFAULT_CONFIDENCE_LEVEL = 0.95
MIN_BOOTSTRAP_SAMPLES = 2  # the sample standard deviation of the θ* needs two of them


@dataclass(frozen=True)
class BootstrapInterval:
    """C for one metric of one facet entry; ``resamples_used`` counts the finite θ* behind sd."""

    stage: str
    facet: str
    value_or_threshold: str
    metric: str
    value: float
    lower: float
    upper: float
    resamples_used: int


def bootstrap_intervals(
    window_df: pd.DataFrame,
    config: BiasConfig,
    *,
    n_bootstrap: int = DEFAULT_BOOTSTRAP_SAMPLES,
    confidence_level: float = DEFAULT_CONFIDENCE_LEVEL,
    seed: int = 0,
    path: str | Path | None = None,
) -> tuple[BootstrapInterval, ...]:
    """C = θ̂ ± z·sd(θ*) for every metric with a finite value, from ``n_bootstrap`` seeded resamples.

    Rows are resampled after the groups and labels are chosen on the whole window (a threshold's
    ``(t, max]`` and the categorical/continuous decision stay those of the window). A resample
    where a metric is undefined or infinite is left out of sd; a metric needs two finite θ* and
    a finite θ̂ to get an interval, otherwise it has none (and is checked by its point value).
    ``path`` (the file ``window_df`` was read from) only names the file in errors.
    """
    # [U] reference: bias.md §8 — resampling unit, undefined resamples and infinite values.
    if int(n_bootstrap) < MIN_BOOTSTRAP_SAMPLES:
        raise LabkitInputError(
            f"n_bootstrap must be at least {MIN_BOOTSTRAP_SAMPLES}, got {n_bootstrap}"
        )
    if not 0 < confidence_level < 1:
        raise LabkitInputError(f"confidence_level must be between 0 and 1, got {confidence_level}")
    pre, post = metrics_to_run(config.methods, with_predictions=config.predicted_label is not None)
    selection = select(window_df, config, path=path)
    n = len(selection.positive_label)
    resamples = np.random.default_rng(seed).integers(0, n, size=(int(n_bootstrap), n))
    z = NormalDist().inv_cdf(1 - (1 - confidence_level) / 2)
    predicted = selection.positive_predicted
    out = []
    for value_or_threshold, sensitive in selection.groups:
        flips = flips_b = None
        flip_error = None
        if predicted is not None and any(m.name == "FT" for m in post):
            count, flip_error = flip_counts(selection.features, sensitive, predicted)
            if count is not None:
                flips = np.array([count])
                flips_b = resampled_flip_counts(selection.features, sensitive, predicted, resamples)
        point = tabulate(
            sensitive,
            selection.positive_label,
            predicted,
            selection.strata,
            flips=flips,
            flip_error=flip_error,
        )
        resampled = tabulate(
            sensitive,
            selection.positive_label,
            predicted,
            selection.strata,
            resamples=resamples,
            flips=flips_b,
            flip_error=flip_error,
        )
        for stage, metrics in (
            ("pre_training", pre),
            ("post_training", post if predicted is not None else ()),
        ):
            for metric in metrics:
                value = float(evaluate(metric, point)[0][0])
                thetas = evaluate(metric, resampled)[0]
                finite = thetas[np.isfinite(thetas)]
                if not math.isfinite(value) or len(finite) < 2:
                    continue
                spread = z * float(np.std(finite, ddof=1))
                out.append(
                    BootstrapInterval(
                        stage,
                        config.facet,
                        value_or_threshold,
                        metric.name,
                        value,
                        value - spread,
                        value + spread,
                        len(finite),
                    )
                )
    return tuple(out)
