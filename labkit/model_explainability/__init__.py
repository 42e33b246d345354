"""The SageMaker Clarify ModelExplainabilityMonitor twin: SHAP attributions and their drift.

    from labkit import model_explainability as mx

    baseline = mx.suggest_baseline(scenario.baseline, model, label="default")  # keyed label0
    baseline.to_json("outputs/04/baseline")            # analysis.json (the constraints) + analysis_config.json
    report = mx.monitor(window, baseline, model)        # NDCG per label, violations below 0.90
    report.to_json("outputs/04/execution")             # analysis.json (+ violations, if any)

Modules: ``attributions`` (SHAP values, ``Explainer``), ``analysis`` (analysis.json and
analysis_config.json), ``ndcg`` (the drift score), ``violations`` (the check and
constraint_violations.json), ``monitor`` (suggest_baseline / monitor), ``model_files``
(skops save/load). shap and skops are imported only inside the functions that use them.
"""

from labkit.model_explainability.analysis import (
    Analysis,
    AnalysisConfig,
    LabelExplanation,
    label_key,
)
from labkit.model_explainability.attributions import (
    AGG_METHODS,
    DEFAULT_AGG_METHOD,
    DEFAULT_MAX_ROWS,
    DEFAULT_METHOD,
    METHODS,
    Explainer,
    LocalExplanations,
    aggregate_shap_values,
    model_output,
    shap_baseline,
)
from labkit.model_explainability.model_files import load_model, save_model
from labkit.model_explainability.monitor import (
    Baseline,
    MonitoringReport,
    monitor,
    suggest_baseline,
)
from labkit.model_explainability.ndcg import NDCG_THRESHOLD, ndcg
from labkit.model_explainability.violations import (
    ConstraintViolations,
    Violation,
    check_feature_attribution_drift,
)

__all__ = [
    "AGG_METHODS",
    "DEFAULT_AGG_METHOD",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_METHOD",
    "METHODS",
    "NDCG_THRESHOLD",
    "Analysis",
    "AnalysisConfig",
    "Baseline",
    "ConstraintViolations",
    "Explainer",
    "LabelExplanation",
    "LocalExplanations",
    "MonitoringReport",
    "Violation",
    "aggregate_shap_values",
    "check_feature_attribution_drift",
    "label_key",
    "load_model",
    "model_output",
    "monitor",
    "ndcg",
    "save_model",
    "shap_baseline",
    "suggest_baseline",
]
