"""The feature attribution drift check and its ``constraint_violations.json``.

For each label in the job's ``explanations`` section, the monitor scores the window's global
SHAP values against the constraints file (the baseline analysis.json) with NDCG; below 0.90 it
logs one violation without a ``feature`` field, since the whole SHAP vector is scored
(AWS page *Model Feature Attribution Drift Violations*,
clarify-model-monitor-model-attribution-drift-violations.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.clarify_files import write_clarify_json
from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json
from labkit.model_explainability.analysis import Analysis
from labkit.model_explainability.ndcg import NDCG_THRESHOLD, check_ndcg_threshold, ndcg

__all__ = [
    "CONSTRAINT_CHECK_TYPE",
    "METRIC_NAME",
    "VIOLATIONS_FILE",
    "ConstraintViolations",
    "Violation",
    "check_feature_attribution_drift",
]

VIOLATIONS_FILE = "constraint_violations.json"
METRIC_NAME = "shap"  # the only explainability method the violations file knows
CONSTRAINT_CHECK_TYPE = "feature_attribution_drift_check"  # the only check type of this monitor
SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Violation:
    """One entry of ``violations``: the service's four keys, no ``feature``."""

    label: str
    description: str
    metric_name: str = METRIC_NAME
    constraint_check_type: str = CONSTRAINT_CHECK_TYPE

    def to_dict(self) -> dict[str, str]:
        return {
            "label": self.label,
            "metric_name": self.metric_name,
            "constraint_check_type": self.constraint_check_type,
            "description": self.description,
        }


@dataclass(frozen=True)
class ConstraintViolations:
    """``constraint_violations.json`` of a model explainability monitoring execution."""

    violations: tuple[Violation, ...] = ()
    version: str = SCHEMA_VERSION

    def __len__(self) -> int:
        return len(self.violations)

    def check_types(self) -> set[str]:
        return {v.constraint_check_type for v in self.violations}

    def labels(self) -> set[str]:
        return {v.label for v in self.violations}

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "violations": [v.to_dict() for v in self.violations]}

    def to_frame(self) -> pd.DataFrame:
        columns = ["label", "metric_name", "constraint_check_type", "description"]
        return pd.DataFrame([v.to_dict() for v in self.violations], columns=columns)

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/constraint_violations.json`` and return its path."""
        return write_clarify_json(self.to_dict(), Path(directory) / VIOLATIONS_FILE)

    @classmethod
    def from_json(cls, path: str | Path) -> ConstraintViolations:
        """Read a constraint_violations.json file (or ``<directory>/constraint_violations.json``)."""
        path = Path(path)
        if path.is_dir():
            path = path / VIOLATIONS_FILE
        data = read_json(path)
        if not isinstance(data, dict) or not isinstance(data.get("violations"), list):
            raise LabkitInputError("expected an object with a 'violations' list", path=path)
        violations = []
        for i, entry in enumerate(data["violations"]):
            missing = [
                k
                for k in ("label", "metric_name", "constraint_check_type", "description")
                if k not in entry
            ]
            if missing:
                raise LabkitInputError(f"violation {i + 1} has no {missing[0]!r}", path=path)
            violations.append(
                Violation(
                    label=str(entry["label"]),
                    description=str(entry["description"]),
                    metric_name=str(entry["metric_name"]),
                    constraint_check_type=str(entry["constraint_check_type"]),
                )
            )
        return cls(tuple(violations), version=str(data.get("version", SCHEMA_VERSION)))


def check_feature_attribution_drift(
    constraints: Analysis, current: Analysis, *, threshold: float = NDCG_THRESHOLD
) -> tuple[dict[str, float], ConstraintViolations]:
    """NDCG per label of ``current`` against ``constraints``, and the violations it raises.

    A label of the window's analysis that the constraints file lacks cannot be scored and is
    an error, not a silent skip. A violation needs NDCG strictly below ``threshold`` (0 to 1).
    """
    check_ndcg_threshold(threshold)
    scores: dict[str, float] = {}
    violations = []
    for label, explanation in current.kernel_shap.items():
        baseline = constraints.explanation_for(label)
        if baseline is None:
            have = ", ".join(constraints.labels)
            raise LabkitInputError(
                f"the constraints (baseline analysis.json) have no label {label!r} (labels: {have})"
            )
        score = ndcg(baseline.global_shap_values, explanation.global_shap_values)
        scores[label] = score
        if score < threshold:
            violations.append(
                Violation(label=label, description=drift_description(score, threshold))
            )
    return scores, ConstraintViolations(tuple(violations))


def drift_description(score: float, threshold: float) -> str:
    """The service's wording, "exceeds" included although the score is *below* the threshold."""
    return f"Feature attribution drift {float(score)!r} exceeds threshold {float(threshold)!r}"
