"""The ModelExplainabilityMonitor twin: ``suggest_baseline`` then ``monitor``.

``suggest_baseline`` runs the explainability analysis on the baseline dataset; its
``analysis.json`` is the constraints file (``suggested_constraints()`` in the SageMaker SDK).
``monitor`` explains a window the same way (same SHAP baseline rows, ``num_samples``,
``agg_method``), scores each label's ranking with NDCG and writes analysis.json and
constraint_violations.json, as a monitoring execution does (AWS pages
clarify-model-monitor-shap-baseline.html and clarify-model-monitor-model-attribution-drift-violations.html).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from labkit import cloudwatch
from labkit.clarify_files import write_analysis_files, write_execution_files
from labkit.csvfiles import require_columns
from labkit.errors import LabkitInputError
from labkit.model_explainability.analysis import (
    ANALYSIS_CONFIG_FILE,
    ANALYSIS_FILE,
    Analysis,
    AnalysisConfig,
    LabelExplanation,
    check_pair,
    label_key,
)
from labkit.model_explainability.attributions import (
    DEFAULT_AGG_METHOD,
    DEFAULT_MAX_ROWS,
    DEFAULT_METHOD,
    Explainer,
    LocalExplanations,
    default_num_samples,
    shap_baseline,
)
from labkit.model_explainability.ndcg import NDCG_THRESHOLD, check_ndcg_threshold
from labkit.model_explainability.violations import (
    ConstraintViolations,
    check_feature_attribution_drift,
)

__all__ = [
    "EXPECTED_VALUE_METRIC_NAME",
    "EXPLAINABILITY_METHOD",
    "Baseline",
    "MonitoringReport",
    "monitor",
    "suggest_baseline",
]

EXPLAINABILITY_METHOD = "KernelShap"  # CloudWatch dimension ExplainabilityMethod (clarify-feature-attribute-drift-cw.html)
# [U] reference: explainability.md §3 — the docs call the second metric "the ExpectedValue" and
# tag it ValueType=ExpectedValue, but do not print its metric name; this is the docs' spelling.
EXPECTED_VALUE_METRIC_NAME = "ExpectedValue"


@dataclass(frozen=True)
class Baseline:
    """A baselining job's result: the constraints (analysis.json) and the config to reuse.

    ``to_json(directory)`` writes ``analysis.json`` (the constraints file) and
    ``analysis_config.json`` (headers, SHAP baseline rows, num_samples, agg_method, label).
    ``local`` keeps the baseline records' local SHAP values for plots; it is not written.
    """

    analysis: Analysis
    config: AnalysisConfig
    local: LocalExplanations | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        return self.config.label

    @property
    def features(self) -> tuple[str, ...]:
        return self.config.headers

    @property
    def global_shap_values(self) -> dict[str, float]:
        """The baseline attributions of this baseline's label (the NDCG gains)."""
        explanation = self.analysis.explanation_for(self.label)
        if explanation is None:
            raise KeyError(self.label)
        return explanation.global_shap_values

    def explainer(
        self,
        model: Any,
        *,
        method: str = DEFAULT_METHOD,
        num_samples: int | None = None,
        data: pd.DataFrame | None = None,
    ) -> Explainer:
        """An ``Explainer`` fitted on this baseline's SHAP rows: build it once, reuse it per window.

        ``data``: the records explained, needed only when the configuration sets no SHAP
        baseline rows (then computed from them, ``AnalysisConfig.shap_baseline_frame``).
        """
        return Explainer(
            model,
            method=method,
            num_samples=num_samples or self.config.num_samples,
            use_logit=self.config.use_logit,
            probability_index=self.config.probability_index,
        ).fit(self.config.shap_baseline_frame(data))

    def to_json(self, directory: str | Path) -> Path:
        """Write what a baselining job leaves: analysis.json and the reports, plus analysis_config.json.

        Returns analysis.json's path. The SDK uploads the config into the same output prefix.
        """
        self.config.to_json(directory)
        return write_analysis_files(directory, self.analysis.to_dict())[0]

    @classmethod
    def from_json(cls, path: str | Path) -> Baseline:
        """Read a baseline: a directory holding analysis.json, or the analysis.json file itself.

        An ``analysis_config.json`` beside it (as ``to_json`` and the CLI write) restores the
        SHAP baseline rows and settings; a real baselining job's analysis.json alone is accepted
        too, with the configuration it implies (``AnalysisConfig.for_analysis``).
        """
        path = Path(path)
        directory = path if path.is_dir() else path.parent
        if not path.is_dir() and not path.is_file():
            raise LabkitInputError(
                "expected a baseline directory holding analysis.json, or that file", path=path
            )
        analysis_path = path if path.is_file() else directory / ANALYSIS_FILE
        config_path = directory / ANALYSIS_CONFIG_FILE
        analysis = Analysis.from_json(analysis_path)
        if not config_path.is_file():
            return cls(analysis=analysis, config=AnalysisConfig.for_analysis(analysis))
        config = AnalysisConfig.from_json(config_path)
        check_pair(analysis, config, analysis_path=analysis_path, config_path=config_path)
        return cls(analysis=analysis, config=config)


@dataclass(frozen=True)
class MonitoringReport:
    """One monitoring execution: the window's analysis, NDCG per label and the violations."""

    analysis: Analysis
    ndcg: dict[str, float]
    violations: ConstraintViolations
    threshold: float = NDCG_THRESHOLD
    local: LocalExplanations | None = field(default=None, compare=False, repr=False)

    @property
    def has_violations(self) -> bool:
        return len(self.violations) > 0

    def to_json(self, directory: str | Path) -> Path:
        """Write what the execution writes into ``directory``; return it.

        analysis.json and the reports always; constraint_violations.json only when there are
        violations: real executions without any leave it out (``labkit.clarify_files``).
        """
        write_execution_files(directory, self.analysis, self.violations)
        return Path(directory)

    def cloudwatch_metrics(
        self,
        *,
        timestamp: datetime,
        endpoint: str = cloudwatch.DEFAULT_ENDPOINT,
        schedule: str = cloudwatch.DEFAULT_SCHEDULE,
        batch: bool = False,
    ) -> list[cloudwatch.MetricDatum]:
        """``feature_<name>`` per feature and label, plus the expected value (clarify-feature-attribute-drift-cw.html)."""
        namespace = cloudwatch.namespace("ModelExplainability", batch=batch)

        def datum(name: str, label: str, value_type: str, value: float) -> cloudwatch.MetricDatum:
            dims = cloudwatch.dimensions(
                endpoint=None if batch else endpoint,
                schedule=schedule,
                ExplainabilityMethod=EXPLAINABILITY_METHOD,
                Label=label,
                ValueType=value_type,
            )
            return cloudwatch.MetricDatum(namespace, name, dims, timestamp, value=float(value))

        data = []
        for label, explanation in self.analysis.kernel_shap.items():
            for feature, value in explanation.global_shap_values.items():
                data.append(datum(f"feature_{feature}", label, "GlobalShapValues", value))
            data.append(
                datum(
                    EXPECTED_VALUE_METRIC_NAME, label, "ExpectedValue", explanation.expected_value
                )
            )
        return data


def suggest_baseline(
    baseline_df: pd.DataFrame,
    model: Any,
    *,
    label: str | None,
    label_header: str | None = None,
    features: Sequence[str] | None = None,
    agg_method: str = DEFAULT_AGG_METHOD,
    method: str = DEFAULT_METHOD,
    num_samples: int | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    seed: int = 0,
    use_logit: bool = False,
    probability_index: int | None = None,
    categorical_features: Sequence[str] | None = None,
    shap_baseline_rows: pd.DataFrame | None = None,
) -> Baseline:
    """Explain the baseline dataset and return the constraints (analysis.json) with its config.

    Parameters
    ----------
    label : the dataset's target column, excluded from the features (None: no such column).
    label_header : Clarify's ``predictor.label_headers`` entry naming the model output; it keys
        the explanation in analysis.json. None gives Clarify's placeholder ``label0``, as real
        jobs write even when the data config names a label column (``label_key``).
    features : the model's input columns; default ``model.feature_names_in_`` when the model
        has it, else every column but ``label``.
    method, num_samples, max_rows, seed : how the SHAP values are computed (see ``Explainer``);
        ``num_samples`` defaults to ``default_num_samples(M)``.
    shap_baseline_rows : Clarify's ``methods.shap.baseline``; default one row of feature means
        and modes (``shap_baseline``).
    """
    features = _features(baseline_df, model, label=label, features=features)
    if shap_baseline_rows is None:
        rows = shap_baseline(
            baseline_df, features=features, categorical_features=categorical_features
        )
    else:
        require_columns(shap_baseline_rows, features)
        rows = shap_baseline_rows[list(features)]
    num_samples = num_samples or default_num_samples(len(features))
    explainer = Explainer(
        model,
        method=method,
        num_samples=num_samples,
        use_logit=use_logit,
        probability_index=probability_index,
    ).fit(rows, categorical_features=categorical_features)
    local = explainer.explain(baseline_df, max_rows=max_rows, seed=seed)
    key = label_key(label_header)
    config = AnalysisConfig(
        headers=tuple(features),
        shap_baseline=tuple(tuple(r) for r in rows.itertuples(index=False, name=None)),
        num_samples=num_samples,
        agg_method=agg_method,
        use_logit=use_logit,
        seed=seed,
        label_headers=None if label_header is None else (key,),
        probability_index=probability_index,
    )
    analysis = Analysis(
        {key: LabelExplanation(local.global_shap_values(agg_method), local.expected_value)}
    )
    return Baseline(analysis=analysis, config=config, local=local)


def monitor(
    window_df: pd.DataFrame,
    baseline: Baseline,
    model: Any,
    *,
    threshold: float = NDCG_THRESHOLD,
    method: str = DEFAULT_METHOD,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    seed: int = 0,
    agg_method: str | None = None,
    num_samples: int | None = None,
    explainer: Explainer | None = None,
) -> MonitoringReport:
    """Explain ``window_df`` as the baseline was explained and check feature attribution drift.

    The SHAP baseline rows, ``use_logit`` and the explained output come from the baseline's
    configuration, as the monitor reuses the baselining job's; ``agg_method`` and
    ``num_samples`` default to it. Pass an ``explainer`` from ``baseline.explainer(model)``
    to reuse it across windows (widgets).
    The label column may be absent: explaining needs only the features.
    """
    check_ndcg_threshold(threshold)  # before the costly explaining, not after it
    config = baseline.config
    require_columns(window_df, config.headers)
    if explainer is None:
        explainer = baseline.explainer(
            model, method=method, num_samples=num_samples, data=window_df
        )
    elif tuple(explainer.features) != tuple(config.headers):
        raise ValueError("the explainer was fitted on other features than the baseline's headers")
    local = explainer.explain(window_df, max_rows=max_rows, seed=seed)
    aggregated = local.global_shap_values(agg_method or config.agg_method)
    analysis = Analysis({config.label: LabelExplanation(aggregated, local.expected_value)})
    scores, violations = check_feature_attribution_drift(
        baseline.analysis, analysis, threshold=threshold
    )
    return MonitoringReport(
        analysis=analysis, ndcg=scores, violations=violations, threshold=threshold, local=local
    )


def _features(
    df: pd.DataFrame, model: Any, *, label: str | None, features: Sequence[str] | None
) -> list[str]:
    if features is None:
        names = getattr(model, "feature_names_in_", None)
        features = (
            [str(n) for n in names] if names is not None else [c for c in df.columns if c != label]
        )
    features = list(features)
    if label is not None and label in features:
        raise LabkitInputError("the label column cannot also be a feature", column=label)
    if not features:
        raise LabkitInputError("no feature columns to explain")
    require_columns(df, features)
    return features
