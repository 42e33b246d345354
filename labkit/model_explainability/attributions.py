"""Local SHAP values of a model's records and their global aggregation, as Clarify computes them.

Clarify explains a record with Kernel SHAP (AWS page *Feature Attributions that Use Shapley
Values*, clarify-shapley-values.html). The players are the input features; the payoff is the
model's output for the record (the probability of the positive class, or the regression
output); an "absent" feature takes its value from the SHAP **baseline** rows
(``methods.shap.baseline`` of the analysis configuration), averaged over the rows. The global
value of a feature aggregates its local values with ``agg_method`` (``mean_abs``, ``median``,
``mean_sq``; clarify-processing-job-configure-analysis.html).

``Explainer`` caches the baseline rows once (``fit``) and explains a seeded sample of any
window (``explain``). Two methods estimate the same Shapley values of the same game:

* ``"exact"`` enumerates all 2^M coalitions of the M features in one batched model call:
  exact, deterministic and fast for the handful of features a lesson uses (M ≤ 12);
* ``"kernel"`` is Kernel SHAP through ``shap.KernelExplainer`` with ``num_samples``
  coalitions, the algorithm Clarify runs. With num_samples ≥ 2^M − 2 it enumerates every
  coalition and agrees with ``"exact"`` to floating-point precision.

Categorical columns are players too: a pipeline that one-hot encodes ``loan_purpose`` gets one
SHAP value for ``loan_purpose``, because coalitions mix the raw input columns.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from labkit.csvfiles import require_columns, to_numeric
from labkit.errors import LabkitInputError

__all__ = [
    "AGG_METHODS",
    "DEFAULT_AGG_METHOD",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_METHOD",
    "EXACT_MAX_FEATURES",
    "METHODS",
    "Explainer",
    "LocalExplanations",
    "aggregate_shap_values",
    "default_num_samples",
    "model_output",
    "shap_baseline",
]

AGG_METHODS = ("mean_abs", "median", "mean_sq")  # Clarify methods.shap.agg_method values
DEFAULT_AGG_METHOD = "mean_abs"  # Clarify default (clarify-processing-job-configure-analysis.html)
METHODS = ("exact", "kernel")
DEFAULT_METHOD = "exact"
# labkit, not Clarify: Clarify explains every record; a widget explains a seeded sample of the
# window so that it answers within about a second. None explains every row.
DEFAULT_MAX_ROWS = 100
EXACT_MAX_FEATURES = 12  # 2^12 coalitions per record; beyond that use method="kernel"
_CHUNK_MODEL_ROWS = 2**18  # synthetic records per model call in the exact method (memory bound)
# [U] reference: explainability.md §1, §4 — how use_logit meets several baseline rows and
# probabilities of 0 or 1 is not published: the logit is applied to each prediction before
# averaging over the baseline rows (so additivity holds in log-odds), and probabilities are
# clipped to [ε, 1 − ε] so the log-odds stay finite.
LOGIT_EPSILON = 1e-15


def default_num_samples(n_features: int) -> int:
    """Kernel SHAP coalitions when ``num_samples`` is not given.

    [U] reference: explainability.md §1 — Clarify picks a value from the feature count but
    does not publish it; this is shap's own ``"auto"`` rule, 2·M + 2048.
    """
    return 2 * n_features + 2048


def shap_baseline(
    baseline_df: pd.DataFrame,
    *,
    features: Sequence[str],
    categorical_features: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One SHAP baseline row: the mean of each numeric feature, the mode of each categorical one.

    [U] reference: explainability.md §1 — without ``methods.shap.baseline`` Clarify clusters
    the data (K-means, K-prototypes with categorical columns) and does not publish the cluster
    count it picks. One cluster's centre is exactly this row: K-means centres are means and
    K-prototypes centres take the mode of categorical columns. Missing values are skipped; a
    tie for the mode takes the smallest value. ``categorical_features`` defaults to the
    non-numeric columns.
    """
    require_columns(baseline_df, features)
    categorical = _categorical(baseline_df, features, categorical_features)
    row: dict[str, list[Any]] = {}
    for feature in features:
        column = baseline_df[feature]
        if column.isna().all():
            raise LabkitInputError(
                "every value is missing; a SHAP baseline needs at least one", column=feature
            )
        if feature in categorical:
            row[feature] = [column.dropna().mode().iloc[0]]
        else:
            row[feature] = [float(to_numeric(column).mean())]
    return pd.DataFrame(row, columns=list(features))


def model_output(
    model: Any,
    frame: pd.DataFrame,
    *,
    probability_index: int | None = None,
    use_logit: bool = False,
) -> np.ndarray:
    """The payoff Clarify explains: P(class ``probability_index``) for classifiers, else ``predict``.

    A model with ``predict_proba`` (a classifier) gives column ``probability_index`` (default 1,
    the positive class of a binary model), as Clarify's ``probability`` selects one model
    output. ``use_logit`` turns it into log-odds, Clarify's ``use_logit`` (then SHAP values are
    in log-odds units).
    """
    index = 1 if probability_index is None else probability_index
    has_proba = callable(getattr(model, "predict_proba", None))
    try:
        raw = model.predict_proba(frame) if has_proba else model.predict(frame)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # scikit-learn's messages run over several lines; the first one says what went wrong
        lines = str(exc).strip().splitlines()
        reason = lines[0] if lines else type(exc).__name__
        raise LabkitInputError(f"the model could not score the records: {reason}") from None
    raw = np.asarray(raw, dtype=float).reshape(len(frame), -1)
    if not has_proba and probability_index is None:
        index = 0
    if not 0 <= index < raw.shape[1]:
        raise LabkitInputError(
            f"probability_index {index} is outside the model's {raw.shape[1]} outputs"
        )
    out = raw[:, index]
    if use_logit:
        # [U] reference: explainability.md §1 — see LOGIT_EPSILON
        p = np.clip(out, LOGIT_EPSILON, 1.0 - LOGIT_EPSILON)
        out = np.log(p / (1.0 - p))
    if not np.isfinite(out).all():
        raise LabkitInputError("the model returned a missing or infinite prediction")
    return out


def aggregate_shap_values(
    shap_values: pd.DataFrame, agg_method: str = DEFAULT_AGG_METHOD
) -> dict[str, float]:
    """Global SHAP value per feature (column) from local values (rows), Clarify's ``agg_method``.

    ``mean_abs`` = mean |φ|, ``mean_sq`` = mean φ², ``median`` = median φ (keeps the sign).
    """
    values = shap_values.to_numpy(dtype=float)
    if agg_method == "mean_abs":
        out = np.abs(values).mean(axis=0)
    elif agg_method == "mean_sq":
        out = (values**2).mean(axis=0)
    elif agg_method == "median":
        out = np.median(values, axis=0)
    else:
        raise ValueError(
            f"unknown agg_method {agg_method!r}; Clarify accepts {', '.join(AGG_METHODS)}"
        )
    return {str(f): float(v) for f, v in zip(shap_values.columns, out)}


@dataclass(frozen=True, eq=False)
class LocalExplanations:
    """Per-record SHAP values (Clarify's ``explanations_shap/out.csv``) for the explained rows.

    ``shap_values`` has one row per explained record (the window's index) and one column per
    feature; ``predictions`` is the payoff f(x); ``expected_value`` is the mean payoff over
    the SHAP baseline rows. Additivity: each row of ``shap_values`` sums to f(x) − expected_value.
    """

    shap_values: pd.DataFrame
    predictions: pd.Series
    expected_value: float
    method: str = DEFAULT_METHOD

    def global_shap_values(self, agg_method: str = DEFAULT_AGG_METHOD) -> dict[str, float]:
        """analysis.json's ``global_shap_values`` for these records."""
        return aggregate_shap_values(self.shap_values, agg_method)

    @property
    def additivity_gap(self) -> float:
        """Largest |Σ_j φ_ij − (f(x_i) − expected_value)| over the records; 0 up to rounding."""
        gap = self.shap_values.sum(axis=1) - (self.predictions - self.expected_value)
        return float(gap.abs().max()) if len(gap) else 0.0


class Explainer:
    """SHAP for one model and one SHAP baseline: ``fit`` once, ``explain`` many windows.

    Examples
    --------
    >>> explainer = Explainer(model, method="exact").fit(shap_baseline(df, features=cols))  # doctest: +SKIP
    >>> explainer.explain(window, max_rows=100, seed=0).global_shap_values("mean_abs")  # doctest: +SKIP
    """

    def __init__(
        self,
        model: Any,
        *,
        method: str = DEFAULT_METHOD,
        num_samples: int | None = None,
        use_logit: bool = False,
        probability_index: int | None = None,
    ) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
        if num_samples is not None and num_samples < 1:
            raise ValueError("num_samples must be at least 1")
        self.model, self.method, self.num_samples = model, method, num_samples
        self.use_logit, self.probability_index = use_logit, probability_index
        self.features: tuple[str, ...] = ()
        self.background: pd.DataFrame | None = None

    def fit(
        self, shap_baseline_rows: pd.DataFrame, *, categorical_features: Sequence[str] | None = None
    ) -> Explainer:
        """Cache the SHAP baseline rows (Clarify's ``methods.shap.baseline``); their columns are the features."""
        if len(shap_baseline_rows) == 0 or shap_baseline_rows.shape[1] == 0:
            raise LabkitInputError(
                "the SHAP baseline needs at least one row and one feature column"
            )
        self.features = tuple(str(c) for c in shap_baseline_rows.columns)
        if self.method == "exact" and len(self.features) > EXACT_MAX_FEATURES:
            raise LabkitInputError(
                f"{len(self.features)} features are too many for method='exact' "
                f"(at most {EXACT_MAX_FEATURES}); use method='kernel'"
            )
        self._categorical = _categorical(shap_baseline_rows, self.features, categorical_features)
        self.background = shap_baseline_rows.reset_index(drop=True)
        if self.method == "exact":
            self._masks, self._weights = _coalition_weights(len(self.features))
        return self

    def explain(
        self, df: pd.DataFrame, *, max_rows: int | None = DEFAULT_MAX_ROWS, seed: int = 0
    ) -> LocalExplanations:
        """Local SHAP values of a seeded sample of ``max_rows`` rows of ``df`` (all rows if None)."""
        if self.background is None:
            raise RuntimeError("call fit() with the SHAP baseline rows before explain()")
        require_columns(df, self.features)
        # Numbers are parsed on the whole window before sampling, so a bad cell is named by its
        # data row in ``df`` (the file's, for a CSV) rather than by its place in the sample.
        numeric = {f: to_numeric(df[f]) for f in self.features if f not in self._categorical}
        rows = _sample_rows(df.assign(**numeric), max_rows, seed=seed)
        if len(rows) == 0:
            raise LabkitInputError("no records to explain")
        codec = _Codec.build(self.features, self._categorical, [self.background, rows])
        X, B = codec.encode(rows), codec.encode(self.background)

        def payoff(matrix: np.ndarray) -> np.ndarray:
            frame = codec.decode(matrix)
            return model_output(
                self.model,
                frame,
                probability_index=self.probability_index,
                use_logit=self.use_logit,
            )

        try:
            predictions = payoff(X)
        except LabkitInputError as exc:
            raise _name_missing_feature(exc, rows, self.features) from None
        expected_value = float(payoff(B).mean())
        if self.method == "exact":
            phi = _exact_shap(payoff, X, B, self._masks, self._weights)
        else:
            num_samples = self.num_samples or default_num_samples(len(self.features))
            phi = _kernel_shap(payoff, X, B, num_samples=num_samples, seed=seed)
        return LocalExplanations(
            shap_values=pd.DataFrame(phi, index=rows.index, columns=list(self.features)),
            predictions=pd.Series(predictions, index=rows.index, name="prediction"),
            expected_value=expected_value,
            method=self.method,
        )


def _name_missing_feature(
    exc: LabkitInputError, rows: pd.DataFrame, features: Sequence[str]
) -> LabkitInputError:
    """A model's refusal (most scikit-learn models refuse NaN) told by the emptiest feature."""
    missing = rows[list(features)].isna().sum()
    if exc.column is not None or missing.max() == 0:
        return exc
    return LabkitInputError(
        f"{int(missing.max())} of {len(rows)} explained rows have no value; {exc.reason}",
        path=exc.path,
        line=exc.line,
        column=str(missing.idxmax()),
    )


def _categorical(
    df: pd.DataFrame, features: Sequence[str], given: Sequence[str] | None
) -> frozenset[str]:
    if given is not None:
        unknown = [c for c in given if c not in features]
        if unknown:
            raise LabkitInputError(
                "categorical feature is not one of the features", column=unknown[0]
            )
        return frozenset(given)
    return frozenset(
        f
        for f in features
        if not (pd.api.types.is_numeric_dtype(df[f]) and not pd.api.types.is_bool_dtype(df[f]))
    )


def _sample_rows(df: pd.DataFrame, max_rows: int | None, *, seed: int) -> pd.DataFrame:
    if max_rows is not None and max_rows < 1:
        raise ValueError("max_rows must be at least 1 (or None for every row)")
    if max_rows is None or len(df) <= max_rows:
        return df
    picked = np.sort(np.random.default_rng(seed).choice(len(df), size=max_rows, replace=False))
    return df.iloc[picked]


@dataclass(frozen=True)
class _Codec:
    """Features ↔ a float matrix: SHAP tools mask numbers, so categories travel as codes."""

    features: tuple[str, ...]
    # per categorical feature: code → value, the last entry (code -1) is "missing"
    categories: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(
        cls, features: Sequence[str], categorical: frozenset[str], frames: list[pd.DataFrame]
    ) -> _Codec:
        categories = {}
        for f in features:
            if f in categorical:
                seen = pd.unique(
                    pd.concat([frame[f] for frame in frames], ignore_index=True).dropna()
                )
                categories[f] = np.array([*seen, None], dtype=object)
        return cls(tuple(features), categories)

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        columns = []
        for f in self.features:
            if f in self.categories:
                lookup = {v: i for i, v in enumerate(self.categories[f][:-1])}
                columns.append(
                    np.array([-1 if pd.isna(v) else lookup[v] for v in frame[f]], dtype=float)
                )
            else:
                columns.append(to_numeric(frame[f]).to_numpy(dtype=float, na_value=np.nan))
        return np.column_stack(columns)

    def decode(self, matrix: np.ndarray) -> pd.DataFrame:
        data = {}
        for j, f in enumerate(self.features):
            if f in self.categories:
                data[f] = pd.Series(self.categories[f][matrix[:, j].astype(int)], dtype=object)
            else:
                data[f] = matrix[:, j]
        return pd.DataFrame(data, columns=list(self.features))


def _coalition_weights(m: int) -> tuple[np.ndarray, np.ndarray]:
    """All 2^m coalitions and the matrix W with φ = v @ W (the Shapley formula as one product).

    W[S, j] = +|S−1|!(m−|S|)!/m! if j ∈ S, and −|S|!(m−|S|−1)!/m! if j ∉ S, so that
    φ_j = Σ_{S∌j} w(|S|)·(v(S ∪ {j}) − v(S)).
    """
    masks = ((np.arange(2**m)[:, None] >> np.arange(m)) & 1).astype(bool)
    size = masks.sum(axis=1)[:, None]
    shapley_weight = np.array([1.0 / (m * math.comb(m - 1, k)) for k in range(m)] + [0.0])
    weights = np.where(masks, shapley_weight[np.maximum(size - 1, 0)], -shapley_weight[size])
    return masks, weights


def _exact_shap(
    payoff: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    B: np.ndarray,
    masks: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """Interventional Shapley values by full enumeration: v(S) = mean_b f(x_S, b_rest)."""
    n_coalitions, n_background = len(masks), len(B)
    per_chunk = max(1, _CHUNK_MODEL_ROWS // (n_coalitions * n_background))
    values = np.empty((len(X), n_coalitions))
    for start in range(0, len(X), per_chunk):
        x = X[start : start + per_chunk]
        synthetic = np.where(masks[None, :, None, :], x[:, None, None, :], B[None, None, :, :])
        out = payoff(synthetic.reshape(-1, X.shape[1])).reshape(len(x), n_coalitions, n_background)
        values[start : start + len(x)] = out.mean(axis=2)
    return values @ weights


def _kernel_shap(
    payoff: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    B: np.ndarray,
    *,
    num_samples: int,
    seed: int,
) -> np.ndarray:
    """Kernel SHAP through shap.KernelExplainer: weighted regression on sampled coalitions."""
    import shap

    explainer = shap.KernelExplainer(payoff, B)
    with _numpy_global_seed(seed):
        # l1_reg=False: Clarify documents no feature selection, shap's default would apply one.
        phi = explainer.shap_values(X, nsamples=num_samples, l1_reg=False, silent=True)
    return np.asarray(phi, dtype=float).reshape(len(X), X.shape[1])


@contextlib.contextmanager
def _numpy_global_seed(seed: int) -> Iterator[None]:
    """Seed numpy's global RNG for one shap call, then restore the caller's state.

    shap.KernelExplainer draws its coalitions from ``np.random`` and takes no seed or
    Generator; this is the only way to make Kernel SHAP repeatable (Clarify's ``seed``).
    The caller's global random stream is left exactly as it was.
    """
    state = np.random.get_state()
    np.random.seed(seed % 2**32)
    try:
        yield
    finally:
        np.random.set_state(state)
