"""Drift injectors: data in, new data out, each documenting the ground truth it creates.

Every injector returns a copy (the input is never modified), is the identity at zero magnitude,
and draws randomness only from its ``seed``. Integer columns stay integers (shifted values are
rounded), so a mean shift does not also trip ``data_type_check``. The docstring of each injector
says which monitor check it is meant to fire.

Compose injectors with ``DriftSpec`` and ``apply``, which is also how a widget or a papermill
parameter describes drift as plain data::

    window = apply(scenario.window, [DriftSpec("shift_mean", {"column": "income", "shift_sd": 2.0}),
                                     DriftSpec("inject_missing", {"column": "age", "fraction": 0.2})], seed=0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from labkit import scenarios

__all__ = [
    "INJECTORS",
    "DriftSpec",
    "add_column",
    "add_new_category",
    "apply",
    "corrupt_strings",
    "drop_column",
    "inject_missing",
    "inject_outliers",
    "move_signal",
    "restore_kind",
    "scale",
    "shift_base_rate",
    "shift_category_mix",
    "shift_concept",
    "shift_group_base_rate",
    "shift_group_error_rate",
    "shift_mean",
    "stuck_at",
]

JUNK_STRINGS = ("N/A", "error", "#VALUE!", "unknown", "--")
OUTLIER_SD = 6.0  # an outlier sits this many baseline standard deviations from the mean


# --- covariate (data) drift: P(X) changes -----------------------------------------------------


def shift_mean(df: pd.DataFrame, column: str, shift_sd: float, *, fraction: float = 1.0, seed: int = 0) -> pd.DataFrame:
    """Add ``shift_sd`` standard deviations of ``column`` to a random ``fraction`` (0–1) of rows.

    Drives ``baseline_drift_check``: with ``fraction=1`` the column's mean moves by
    ``shift_sd × sd`` exactly (up to integer rounding) and its spread is unchanged.
    """
    _require(df, column)
    out = df.copy()
    values = _numeric(out, column)
    rows = _pick(len(out), fraction, seed)
    values[rows] = values[rows] + shift_sd * np.nanstd(values)
    out[column] = restore_kind(df[column], values)
    return out


def scale(df: pd.DataFrame, column: str, factor: float, *, seed: int = 0) -> pd.DataFrame:
    """Stretch ``column`` around its mean by ``factor`` (1 = identity): the sd becomes ``factor × sd``.

    Drives ``baseline_drift_check`` while keeping the mean; deterministic (``seed`` unused,
    kept so every injector has the same call shape).
    """
    del seed
    _require(df, column)
    out = df.copy()
    values = _numeric(out, column)
    mean = np.nanmean(values)
    out[column] = restore_kind(df[column], mean + factor * (values - mean))
    return out


def inject_missing(df: pd.DataFrame, column: str, fraction: float, *, seed: int = 0) -> pd.DataFrame:
    """Blank out each value of ``column`` with probability ``fraction`` (0–1).

    Drives ``completeness_check``: completeness drops to about ``1 − fraction`` (the missing share
    is within ``fraction ± 3·sqrt(fraction(1−fraction)/n)``). Returns a copy.
    """
    _require(df, column)
    _check_fraction(fraction)
    out = df.copy()
    mask = np.random.default_rng(seed).random(len(out)) < fraction
    if mask.any():
        values = out[column]
        if values.dtype.kind in "iu":  # nullable integers keep the column Integral
            values = values.astype("Int64")
        out[column] = values.mask(mask)
    return out


def inject_outliers(
    df: pd.DataFrame, column: str, fraction: float, *, magnitude_sd: float = OUTLIER_SD, seed: int = 0
) -> pd.DataFrame:
    """Replace a random ``fraction`` of ``column`` with values ``magnitude_sd`` sds above or below the mean.

    Drives ``baseline_drift_check`` once the fraction is large enough to move the CDF; a few
    outliers alone barely move the KS distance, which is itself a lesson.
    """
    _require(df, column)
    out = df.copy()
    values = _numeric(out, column)
    rng = np.random.default_rng(seed)
    rows = rng.random(len(out)) < _check_fraction(fraction)
    signs = rng.choice((-1.0, 1.0), size=len(out))
    if np.isnan(values).all():  # nothing present to measure a spread from
        return out
    values[rows] = np.nanmean(values) + signs[rows] * magnitude_sd * np.nanstd(values)
    out[column] = restore_kind(df[column], values)
    return out


def stuck_at(df: pd.DataFrame, column: str, value: float = 0.0, fraction: float = 1.0, *, seed: int = 0) -> pd.DataFrame:
    """A failed sensor: a random ``fraction`` of ``column`` reads the constant ``value``.

    Drives ``baseline_drift_check`` (a spike in the distribution) but not ``completeness_check``:
    a stuck sensor still reports a number, which is why it is the harder failure to catch.
    """
    _require(df, column)
    out = df.copy()
    values = _numeric(out, column)
    values[_pick(len(out), fraction, seed)] = value
    out[column] = restore_kind(df[column], values)
    return out


def corrupt_strings(df: pd.DataFrame, column: str, fraction: float, *, seed: int = 0) -> pd.DataFrame:
    """Write junk text (``"N/A"``, ``"#VALUE!"`` …) into a random ``fraction`` of a numeric column.

    Drives ``data_type_check``: the share of values matching the baseline's Integral/Fractional
    type falls to about ``1 − fraction``, below the default 100 % requirement.
    """
    _require(df, column)
    out = df.copy()
    rng = np.random.default_rng(seed)
    rows = rng.random(len(out)) < _check_fraction(fraction)
    if rows.any():
        values = out[column].astype(object).to_numpy(copy=True)
        values[rows] = rng.choice(JUNK_STRINGS, size=int(rows.sum()))
        out[column] = pd.Series(values, index=out.index, dtype=object)
    return out


def add_new_category(df: pd.DataFrame, column: str, fraction: float, *, value: str = "unseen", seed: int = 0) -> pd.DataFrame:
    """Set a random ``fraction`` of a categorical ``column`` to a category the baseline never saw.

    Drives ``categorical_values_check`` (values outside the baseline domain) and, for large
    fractions, the categorical ``baseline_drift_check``.
    """
    _require(df, column)
    out = df.copy()
    rows = np.random.default_rng(seed).random(len(out)) < _check_fraction(fraction)
    values = out[column].astype(object).to_numpy(copy=True)
    values[rows] = value
    out[column] = pd.Series(values, index=out.index, dtype=out[column].dtype if not rows.any() else object)
    return out


def shift_category_mix(df: pd.DataFrame, column: str, category: str, share: float, *, seed: int = 0) -> pd.DataFrame:
    """Move ``column``'s mix so that about ``share`` (0–1) of present values equal ``category``.

    Other categories keep their relative proportions. Drives the categorical
    ``baseline_drift_check`` (L∞ distance ≈ |share − baseline share|) without new values.
    """
    _require(df, column)
    _check_fraction(share)
    out = df.copy()
    rng = np.random.default_rng(seed)
    values = out[column].astype(object).to_numpy(copy=True)
    present = pd.notna(values)
    current = float(np.mean(values[present] == category)) if present.any() else 0.0
    draws = rng.random(len(values))
    if share > current:  # recruit other rows into the category
        movable = present & (values != category)
        values[movable & (draws < (share - current) / (1.0 - current))] = category
    elif share < current:  # send rows of the category to the others, in their observed mix
        movable = present & (values == category)
        others = values[present & (values != category)]
        if len(others) == 0:
            raise ValueError(f"column {column!r} has no other category to move {category!r} rows to")
        chosen = movable & (draws < (current - share) / current)
        values[chosen] = rng.choice(others, size=int(chosen.sum()))
    out[column] = pd.Series(values, index=out.index, dtype=object)
    return out


def drop_column(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Remove ``column``: drives ``missing_column_check``."""
    _require(df, column)
    return df.drop(columns=[column])


def add_column(df: pd.DataFrame, column: str, *, seed: int = 0) -> pd.DataFrame:
    """Append a new numeric ``column`` of random values: drives ``extra_column_check``."""
    if column in df.columns:
        raise ValueError(f"column {column!r} already exists")
    out = df.copy()
    out[column] = np.round(np.random.default_rng(seed).normal(0.0, 1.0, len(out)), 4)
    return out


# --- concept drift: P(y | X) changes, P(X) stays ----------------------------------------------


def shift_concept(df: pd.DataFrame, scenario: str | scenarios.Scenario, strength: float, *, seed: int = 0) -> pd.DataFrame:
    """Redraw the target under a changed rule, leaving every feature untouched.

    Credit: the debt-to-income coefficient turns from +0.9 to −0.9 as ``strength`` goes 0 → 1.
    Housing: a market crash lowers prices by 35 % × ``strength``. Drives the model-quality
    monitor (accuracy, recall, RMSE …); the data-quality monitor sees nothing, by design.
    At ``strength=0`` the input is returned unchanged (labels are not redrawn).
    """
    name = scenario if isinstance(scenario, str) else scenario.name
    target = _target(name)
    out = df.copy()
    if strength == 0:
        return out
    out[target] = draw_labels_like(out, name, seed=seed, concept_shift=strength)
    return out


def shift_base_rate(df: pd.DataFrame, target: str, rate: float, *, positive: Any = 1, seed: int = 0) -> pd.DataFrame:
    """Flip labels in ``target`` at random until about ``rate`` (0–1) of rows are ``positive``.

    A label (prior) shift: drives model-quality metrics and the pre-training bias metrics.
    """
    return _shift_rate(df, np.ones(len(df), dtype=bool), target, rate, positive, seed)


# --- bias drift: one facet group changes --------------------------------------------------------


def shift_group_base_rate(
    df: pd.DataFrame, facet: str, group_values: Sequence[Any], target: str, rate: float, *, positive: Any = 1, seed: int = 0
) -> pd.DataFrame:
    """Within the rows whose ``facet`` is in ``group_values``, move the positive-label rate to ``rate``.

    Other groups are untouched. Drives the pre-training bias metrics (DPL, KL, JS …) of the
    bias drift monitor.
    """
    _require(df, facet)
    group = df[facet].isin(list(group_values)).to_numpy(copy=True)
    return _shift_rate(df, group, target, rate, positive, seed)


def shift_group_error_rate(
    df: pd.DataFrame,
    facet: str,
    group_values: Sequence[Any],
    target: str,
    prediction: str,
    error_rate: float,
    *,
    kind: Literal["any", "false_positive", "false_negative"] = "any",
    positive: Any = 1,
    negative: Any = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """Make the model's predictions wrong on about ``error_rate`` of the group's rows.

    Only rows whose ``facet`` is in ``group_values`` change, and only their ``prediction``.
    ``kind="false_positive"`` adds errors only where the label is negative (the model turns
    stricter on the group when positive means "default"); ``"false_negative"`` only where it is
    positive. Drives post-training bias metrics (DPPL, DI, AD, RD …) while the group's labels,
    and so the pre-training metrics, stay put.
    """
    _require(df, facet)
    _require(df, target)
    _require(df, prediction)
    _check_fraction(error_rate)
    out = df.copy()
    rng = np.random.default_rng(seed)
    labels = out[target].to_numpy(copy=True)
    preds = out[prediction].to_numpy(copy=True)
    eligible = out[facet].isin(list(group_values)).to_numpy(copy=True)
    if kind == "false_positive":
        eligible &= labels == negative
    elif kind == "false_negative":
        eligible &= labels == positive
    wrong = preds != labels
    current = float(wrong[eligible].mean()) if eligible.any() else 0.0
    draws = rng.random(len(out))
    flip = np.zeros(len(out), dtype=bool)
    if error_rate > current:
        flip = eligible & ~wrong & (draws < (error_rate - current) / (1.0 - current))
    elif error_rate < current:
        flip = eligible & wrong & (draws < (current - error_rate) / current)
    preds[flip] = np.where(preds[flip] == positive, negative, positive)  # toggle: right ↔ wrong
    out[prediction] = preds
    return out


# --- attribution drift: the signal moves between features --------------------------------------


def move_signal(
    df: pd.DataFrame,
    scenario: str | scenarios.Scenario,
    from_feature: str,
    to_feature: str,
    fraction: float,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Move ``fraction`` (0–1) of ``from_feature``'s share of the signal onto ``to_feature``.

    ``from_feature``'s spread around its mean shrinks by ``sqrt(1 − fraction)`` and
    ``to_feature``'s grows so that the rule's total signal variance (Σ weight² · variance) is
    unchanged; the labels are then redrawn from the unchanged rule. A fixed model therefore keeps
    roughly its accuracy while its attributions move from one feature to the other. Drives
    ``feature_attribution_drift_check`` (NDCG falls) and, for large fractions, data drift on both
    columns. Any ``fraction > 0`` redraws every label (seeded), so accuracy moves by its sampling
    error between 0 and a small fraction; at 0 the input comes back unchanged. Derived columns
    (the credit facet ``age_group``) are not recomputed.
    """
    name = scenario if isinstance(scenario, str) else scenario.name
    if from_feature == to_feature:
        raise ValueError(f"move_signal needs two different features, got {from_feature!r} twice")
    weights = scenarios.signal_weights(name)
    for feature in (from_feature, to_feature):
        _require(df, feature)
        if feature not in weights:
            raise ValueError(f"{feature!r} carries no signal in the {name} rule; choose one of {sorted(weights)}")
    _check_fraction(fraction)
    out = df.copy()
    if fraction == 0:
        return out
    source, dest = _numeric(out, from_feature), _numeric(out, to_feature)
    source_mean, dest_mean = np.nanmean(source), np.nanmean(dest)
    moved = fraction * weights[from_feature] ** 2 * np.nanvar(source)
    dest_signal = weights[to_feature] ** 2 * np.nanvar(dest)
    stretch = np.sqrt((dest_signal + moved) / dest_signal) if dest_signal > 0 else 1.0
    out[from_feature] = restore_kind(df[from_feature], source_mean + np.sqrt(1.0 - fraction) * (source - source_mean))
    out[to_feature] = restore_kind(df[to_feature], dest_mean + stretch * (dest - dest_mean))
    out[_target(name)] = draw_labels_like(out, name, seed=seed)
    return out


# --- composition --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DriftSpec:
    """One injector call described as data: ``DriftSpec("inject_missing", {"column": "age", "fraction": 0.2})``."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in INJECTORS:
            raise ValueError(f"unknown drift kind {self.kind!r}; choose one of {', '.join(sorted(INJECTORS))}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DriftSpec:
        """``{"kind": "shift_mean", "column": "income", "shift_sd": 2}`` → a spec (papermill-friendly)."""
        params = dict(data)
        return cls(params.pop("kind"), params)


def apply(
    df: pd.DataFrame, specs: Sequence[DriftSpec | dict[str, Any]], *, scenario: str | scenarios.Scenario | None = None, seed: int = 0
) -> pd.DataFrame:
    """Apply the injectors in order; spec ``i`` draws from seed ``seed + i`` so they stay independent."""
    out = df
    for i, spec in enumerate(specs):
        spec = spec if isinstance(spec, DriftSpec) else DriftSpec.from_dict(spec)
        params = dict(spec.params)
        if spec.kind in _NEEDS_SCENARIO:
            if scenario is None and "scenario" not in params:
                raise ValueError(f"drift kind {spec.kind!r} needs the scenario")
            params.setdefault("scenario", scenario)
        if spec.kind not in _DETERMINISTIC:
            params.setdefault("seed", seed + i)
        out = INJECTORS[spec.kind](out, **params)
    return out


def draw_labels_like(df: pd.DataFrame, name: str, *, seed: int, concept_shift: float = 0.0) -> pd.Series:
    """The scenario's labels for ``df``'s rows (seeded), keeping the target column's name and index."""
    return scenarios.draw_labels(name, df, seed=seed, concept_shift=concept_shift)


def restore_kind(original: pd.Series, values: np.ndarray) -> pd.Series:
    """New ``values`` for the column ``original`` with its kind: integers stay integers (rounded)."""
    if original.dtype.kind in "iu" or str(original.dtype) == "Int64":
        dtype = "Int64" if np.isnan(values).any() or str(original.dtype) == "Int64" else original.dtype
        return pd.Series(np.round(values), index=original.index, name=original.name).astype(dtype)
    return pd.Series(values, index=original.index, name=original.name)


# --- private helpers ------------------------------------------------------------------------------


def _require(df: pd.DataFrame, column: str) -> None:
    if column not in df.columns:
        raise KeyError(f"no column {column!r}; columns are {', '.join(map(str, df.columns))}")


def _check_fraction(fraction: float) -> float:
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    return fraction


def _pick(n: int, fraction: float, seed: int) -> np.ndarray:
    if _check_fraction(fraction) == 1.0:
        return np.ones(n, dtype=bool)
    return np.random.default_rng(seed).random(n) < fraction


def _numeric(df: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(values).all() and df[column].notna().any():
        raise TypeError(f"column {column!r} is not numeric")
    return values.copy()



def _target(name: str) -> str:
    target = scenarios.target_column(name)
    if target is None:
        raise ValueError(f"scenario {name!r} has no target")
    return target


def _shift_rate(df: pd.DataFrame, rows: np.ndarray, target: str, rate: float, positive: Any, seed: int) -> pd.DataFrame:
    _require(df, target)
    _check_fraction(rate)
    out = df.copy()
    labels = out[target].to_numpy(copy=True)
    is_pos = labels == positive
    current = float(is_pos[rows].mean()) if rows.any() else 0.0
    draws = np.random.default_rng(seed).random(len(out))
    negatives = np.unique(labels[~is_pos])
    negative = negatives[0] if len(negatives) else (0 if positive == 1 else None)
    if rate > current:
        labels[rows & ~is_pos & (draws < (rate - current) / (1.0 - current))] = positive
    elif rate < current:
        labels[rows & is_pos & (draws < (current - rate) / current)] = negative
    out[target] = labels
    return out


INJECTORS = {
    "shift_mean": shift_mean,
    "scale": scale,
    "inject_missing": inject_missing,
    "inject_outliers": inject_outliers,
    "stuck_at": stuck_at,
    "corrupt_strings": corrupt_strings,
    "add_new_category": add_new_category,
    "shift_category_mix": shift_category_mix,
    "drop_column": drop_column,
    "add_column": add_column,
    "shift_concept": shift_concept,
    "shift_base_rate": shift_base_rate,
    "shift_group_base_rate": shift_group_base_rate,
    "shift_group_error_rate": shift_group_error_rate,
    "move_signal": move_signal,
}
_NEEDS_SCENARIO = {"shift_concept", "move_signal"}
_DETERMINISTIC = {"drop_column"}
