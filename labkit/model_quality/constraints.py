"""Model-quality ``constraints.json`` and ``constraint_violations.json``.

A constraint is a threshold and a comparison operator per metric, under
``binary_classification_constraints``, ``multiclass_classification_constraints`` or
``regression_constraints`` (reference operations.md §5.2; the AWS model-quality example notebook
reads ``suggested_constraints().body_dict["binary_classification_constraints"]``). A metric
violates its constraint when ``value <operator> threshold`` holds: recall 0.70 with
``LessThanThreshold`` 0.78 is a violation. Learners edit thresholds in the object
(``with_threshold``) or in the file, and ``from_json`` reads the edit back.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.errors import LabkitInputError
from labkit.jsonfiles import java_double, read_json, write_json
from labkit.model_quality import metrics as m
from labkit.model_quality.statistics import Statistics

__all__ = [
    "COMPARISON_OPERATORS",
    "CONSTRAINED_METRICS",
    "CONSTRAINTS_FILE",
    "CONSTRAINTS_KEYS",
    "UNCHECKED_METRICS",
    "VIOLATIONS_FILE",
    "VIOLATION_METRIC_NAMES",
    "ConstraintViolations",
    "Constraints",
    "MetricConstraint",
    "Violation",
    "check_constraints",
    "default_operator",
    "statistics_name",
    "suggest_constraints",
    "violation_name",
]

CONSTRAINTS_FILE = "constraints.json"
VIOLATIONS_FILE = "constraint_violations.json"
CONSTRAINTS_KEYS = {
    "BinaryClassification": "binary_classification_constraints",
    "MulticlassClassification": "multiclass_classification_constraints",
    "Regression": "regression_constraints",
}
# [U] reference: operations.md §5.2 — the docs show LessThanThreshold and GreaterThanThreshold;
# the two "OrEqualTo" forms (CloudWatch's spelling) are accepted so a learner can try them.
COMPARISON_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
}
LOWER_IS_BETTER = frozenset({"false_positive_rate", "false_negative_rate", "mae", "mse", "rmse"})
# [U] reference: operations.md §5.2 — which metrics get a suggested constraint: the model's own
# scalar metrics, not the *_best_constant_classifier ones (those describe a trivial classifier).
CONSTRAINED_METRICS = {
    "BinaryClassification": tuple(
        n for n in m.BINARY_METRICS if not n.endswith("_best_constant_classifier")
    ),
    "MulticlassClassification": tuple(
        n for n in m.MULTICLASS_METRICS if not n.endswith("_best_constant_classifier")
    ),
    "Regression": m.REGRESSION_METRICS,
}
# [C] real executions: constraint_violations.json names the four rate metrics in camelCase, in
# metric_name and in the description, while constraints.json and statistics.json keep snake_case
# (model_quality_churn_sdk.ipynb in aws/amazon-sagemaker-examples, runs of 2021-02-05 at ecee0a6,
# 2021-05-24 at d20140e and 2021-05-26 at 68aeb37; tests/fixtures/real/). Every other metric keeps
# its statistics name there ([C] for auc, precision, recall, accuracy, f1, f2 in those runs; [U] for
# the multiclass and regression names, which no real violation shows).
VIOLATION_METRIC_NAMES = {
    "true_positive_rate": "truePositiveRate",
    "true_negative_rate": "trueNegativeRate",
    "false_positive_rate": "falsePositiveRate",
    "false_negative_rate": "falseNegativeRate",
}
# [U] reference: docs/fidelity.md "Model quality" — the same three real runs never report f0_5,
# although its constraint (0.87) was far above its value (about 0.35) in each: the container of
# 2021 did not evaluate f0_5. The kit follows the real runs and says so in the violations' notes;
# a later container may check it.
UNCHECKED_METRICS = frozenset({"f0_5"})
_KNOWN_METRICS = {
    "BinaryClassification": m.BINARY_METRICS,
    "MulticlassClassification": m.MULTICLASS_METRICS,
    "Regression": m.REGRESSION_METRICS,
}


def violation_name(metric: str) -> str:
    """The name constraint_violations.json gives a statistics.json metric (``truePositiveRate``)."""
    return VIOLATION_METRIC_NAMES.get(metric, metric)


def statistics_name(metric_name: str) -> str:
    """The statistics.json / constraints.json name of a violation's ``metric_name``."""
    return {v: k for k, v in VIOLATION_METRIC_NAMES.items()}.get(metric_name, metric_name)


def default_operator(metric: str) -> str:
    """``GreaterThanThreshold`` where lower is better (errors, fpr, fnr), else ``LessThanThreshold``.

    # [U] reference: operations.md §5.2
    """
    return "GreaterThanThreshold" if metric in LOWER_IS_BETTER else "LessThanThreshold"


@dataclass(frozen=True)
class MetricConstraint:
    threshold: float
    comparison_operator: str


@dataclass(frozen=True)
class Constraints:
    """One ``constraints.json``: ``{metric: MetricConstraint}`` for one problem type."""

    problem_type: str
    metrics: dict[str, MetricConstraint]

    def to_dict(self) -> dict[str, Any]:
        block = {
            k: {"threshold": c.threshold, "comparison_operator": c.comparison_operator}
            for k, c in self.metrics.items()
        }
        return {"version": 0.0, CONSTRAINTS_KEYS[self.problem_type]: block}

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/constraints.json`` and return its path."""
        return write_json(self.to_dict(), Path(directory) / CONSTRAINTS_FILE)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | Path | None = None) -> Constraints:
        found = [p for p, key in CONSTRAINTS_KEYS.items() if isinstance(data, dict) and key in data]
        if len(found) != 1:
            raise LabkitInputError(
                f"expected exactly one of {', '.join(CONSTRAINTS_KEYS.values())}", path=path
            )
        problem_type = found[0]
        block = data[CONSTRAINTS_KEYS[problem_type]]
        if not isinstance(block, dict):
            raise LabkitInputError(f"{CONSTRAINTS_KEYS[problem_type]} must be an object", path=path)
        if not block:  # every execution would pass with nothing checked
            raise LabkitInputError(
                f"{CONSTRAINTS_KEYS[problem_type]} holds no metric constraint, so nothing would "
                "be checked; keep at least one metric",
                path=path,
            )
        parsed = {}
        for metric, entry in block.items():
            parsed[metric] = _parse_constraint(problem_type, metric, entry, path)
        return cls(problem_type, parsed)

    @classmethod
    def from_json(cls, path: str | Path) -> Constraints:
        """Read ``constraints.json`` (the file or its directory), learner edits included."""
        path = Path(path)
        path = path / CONSTRAINTS_FILE if path.is_dir() else path
        return cls.from_dict(read_json(path), path=path)

    def with_threshold(
        self, metric: str, threshold: float, comparison_operator: str | None = None
    ) -> Constraints:
        """A copy with one metric's threshold (and optionally operator) changed or added."""
        current = self.metrics.get(metric)
        op = comparison_operator or (
            current.comparison_operator if current else default_operator(metric)
        )
        entry = _parse_constraint(
            self.problem_type, metric, {"threshold": threshold, "comparison_operator": op}, None
        )
        return replace(self, metrics={**self.metrics, metric: entry})

    def to_frame(self) -> pd.DataFrame:
        rows = [(k, c.threshold, c.comparison_operator) for k, c in self.metrics.items()]
        return pd.DataFrame(rows, columns=["metric", "threshold", "comparison_operator"])


@dataclass(frozen=True)
class Violation:
    """One entry of ``constraint_violations.json``; ``constraint_check_type`` is the operator."""

    metric_name: str
    constraint_check_type: str
    description: str

    def to_dict(self) -> dict[str, str]:
        # Key order of the reference's example (operations.md §5.2).
        return {
            "constraint_check_type": self.constraint_check_type,
            "description": self.description,
            "metric_name": self.metric_name,
        }


@dataclass(frozen=True)
class ConstraintViolations:
    """One ``constraint_violations.json``: ``{"violations": [...]}``."""

    violations: tuple[Violation, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"violations": [v.to_dict() for v in self.violations]}

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/constraint_violations.json`` and return its path."""
        return write_json(self.to_dict(), Path(directory) / VIOLATIONS_FILE)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | Path | None = None) -> ConstraintViolations:
        if not isinstance(data, dict) or not isinstance(data.get("violations"), list):
            raise LabkitInputError('expected {"violations": [...]}', path=path)
        out = []
        for i, entry in enumerate(data["violations"]):
            try:
                out.append(
                    Violation(
                        entry["metric_name"], entry["constraint_check_type"], entry["description"]
                    )
                )
            except (KeyError, TypeError):
                raise LabkitInputError(
                    f"violation {i + 1} needs metric_name, constraint_check_type and description",
                    path=path,
                ) from None
        return cls(tuple(out))

    @classmethod
    def from_json(cls, path: str | Path) -> ConstraintViolations:
        path = Path(path)
        path = path / VIOLATIONS_FILE if path.is_dir() else path
        return cls.from_dict(read_json(path), path=path)

    def __len__(self) -> int:
        return len(self.violations)

    def metric_names(self) -> set[str]:
        """The metrics flagged, by their statistics.json names (``true_positive_rate``, ``auc``)."""
        return {statistics_name(v.metric_name) for v in self.violations}

    def check_types(self) -> set[str]:
        return {v.constraint_check_type for v in self.violations}

    def to_frame(self) -> pd.DataFrame:
        rows = [(v.metric_name, v.constraint_check_type, v.description) for v in self.violations]
        return pd.DataFrame(rows, columns=["metric_name", "constraint_check_type", "description"])


def suggest_constraints(statistics: Statistics) -> Constraints:
    """A constraint per defined model metric, threshold = the baseline value itself.

    # [U] reference: operations.md §5.2 — the service does not document how it suggests
    # thresholds; AWS asks you to review suggested constraints, so loosen them before use.
    """
    values = statistics.scalar_metrics()
    chosen = {
        name: MetricConstraint(values[name], default_operator(name))
        for name in CONSTRAINED_METRICS[statistics.problem_type]
        if name in values and not math.isnan(values[name])
    }
    return Constraints(statistics.problem_type, chosen)


def check_constraints(statistics: Statistics, constraints: Constraints) -> ConstraintViolations:
    """Compare each constrained metric's value with its threshold; undefined values are noted."""
    if statistics.problem_type != constraints.problem_type:
        raise LabkitInputError(
            f"the constraints are for {constraints.problem_type}, "
            f"the data was analysed as {statistics.problem_type}"
        )
    values = statistics.scalar_metrics()
    violations, notes = [], []
    for name, constraint in constraints.metrics.items():
        if name in UNCHECKED_METRICS:
            notes.append(f"{name} not checked: real executions never evaluate it (docs/fidelity.md)")
            continue
        value = values.get(name, float("nan"))
        if math.isnan(value):
            notes.append(f"{name} not checked: its value is undefined in this window")
            continue
        if COMPARISON_OPERATORS[constraint.comparison_operator](value, constraint.threshold):
            std = statistics.standard_deviation(name)
            violations.append(
                Violation(
                    violation_name(name),
                    constraint.comparison_operator,
                    _describe(name, value, std, constraint),
                )
            )
    return ConstraintViolations(tuple(violations), tuple(notes))


def _describe(metric: str, value: float, std: float, constraint: MetricConstraint) -> str:
    """``Metric <name> with <value> +/- <std> was <operator> '<threshold>'``.

    [C] real executions (VIOLATION_METRIC_NAMES' runs): numbers printed as Java doubles
    (``5.092682820403929E-4``, ``'1.0'``), the violation's metric name. A standard deviation the
    service did not compute (fewer than 200 rows) prints as Java prints NaN [U].
    """
    return (
        f"Metric {violation_name(metric)} with {java_double(value)} +/- {java_double(std)} "
        f"was {constraint.comparison_operator} '{java_double(constraint.threshold)}'"
    )


def _parse_constraint(
    problem_type: str, metric: str, entry: Any, path: str | Path | None
) -> MetricConstraint:
    where = f"{CONSTRAINTS_KEYS[problem_type]}.{metric}"
    if metric not in _KNOWN_METRICS[problem_type]:
        raise LabkitInputError(
            f"{where}: unknown {problem_type} metric; "
            f"expected one of {', '.join(_KNOWN_METRICS[problem_type])}",
            path=path,
        )
    if (
        not isinstance(entry, dict)
        or "threshold" not in entry
        or "comparison_operator" not in entry
    ):
        raise LabkitInputError(f"{where}: expected {{threshold, comparison_operator}}", path=path)
    op = entry["comparison_operator"]
    if op not in COMPARISON_OPERATORS:
        raise LabkitInputError(
            f"{where}: unknown comparison_operator {op!r}; "
            f"expected one of {', '.join(COMPARISON_OPERATORS)}",
            path=path,
        )
    raw = entry["threshold"]
    try:  # a string such as "7.8E-1" is accepted: the docs convert scientific notation before use
        threshold = float(raw)
    except (TypeError, ValueError):
        threshold = float("nan")
    if isinstance(raw, bool) or not math.isfinite(threshold):
        raise LabkitInputError(
            f"{where}: threshold must be a finite number, found {raw!r}", path=path
        )
    return MetricConstraint(threshold, op)
