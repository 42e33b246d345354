"""The ModelBiasMonitor / Clarify bias twin: smclarify 0.5's metrics, analysis.json and drift checks.

    report = model_bias.bias_report(df, label="default", label_values_or_threshold=[1],
                                    facet="age", facet_values_or_threshold=40,
                                    predicted_label="prediction")
    baseline = model_bias.suggest_baseline(baseline_df, ...same keywords...)
    result = model_bias.monitor(window_df, baseline)        # rule="point" or "bootstrap"
    result.to_json("out")    # analysis.json (+ constraint_violations.json when violated)

Reference: /work/shared/reference/bias.md (formulas, names, edge cases, file layouts).
"""

from labkit.model_bias.bootstrap import (
    DEFAULT_BOOTSTRAP_SAMPLES,
    DEFAULT_CONFIDENCE_LEVEL,
    BootstrapInterval,
    bootstrap_intervals,
)
from labkit.model_bias.config import BiasConfig
from labkit.model_bias.counts import divide
from labkit.model_bias.facets import UNIQUENESS_THRESHOLD, column_kind
from labkit.model_bias.monitor import Baseline, MonitoringReport, monitor, suggest_baseline
from labkit.model_bias.posttraining import POSTTRAINING_METRICS
from labkit.model_bias.pretraining import PRETRAINING_METRICS
from labkit.model_bias.report import BiasReport, FacetResult, MetricResult, StageResult, bias_report
from labkit.model_bias.violations import (
    CONSTRAINT_CHECK_TYPE,
    IDEAL_VALUES,
    ConstraintViolations,
    Violation,
    allowed_range,
    is_violation,
)

__all__ = [
    "CONSTRAINT_CHECK_TYPE",
    "DEFAULT_BOOTSTRAP_SAMPLES",
    "DEFAULT_CONFIDENCE_LEVEL",
    "IDEAL_VALUES",
    "POSTTRAINING_METRICS",
    "PRETRAINING_METRICS",
    "UNIQUENESS_THRESHOLD",
    "Baseline",
    "BiasConfig",
    "BiasReport",
    "BootstrapInterval",
    "ConstraintViolations",
    "FacetResult",
    "MetricResult",
    "MonitoringReport",
    "StageResult",
    "Violation",
    "allowed_range",
    "bias_report",
    "bootstrap_intervals",
    "column_kind",
    "divide",
    "is_violation",
    "monitor",
    "suggest_baseline",
]
