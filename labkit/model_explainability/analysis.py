"""The explainability job's files: ``analysis.json`` (results) and ``analysis_config.json`` (inputs).

``analysis.json`` holds, per label, the global SHAP values and the expected value
(``explanations.kernel_shap.<label>``; AWS sample on clarify-processing-job-run.html). The
baselining job's analysis.json *is* the monitor's constraints file: ``suggested_constraints()``
returns it (clarify-model-monitor-shap-baseline.html).

``analysis_config.json`` is the monitor's ``ExplainabilityAnalysisConfig``, the JSON at the
``ConfigUri`` of ``ModelExplainabilityAppSpecification``: ``headers``, ``methods.shap``
(``baseline``, ``num_samples``, ``agg_method``, ``use_logit``, ``save_local_shap_values``,
``seed``) and ``predictor.label_headers`` (clarify-config-json-monitor-model-explainability-parameters.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.clarify_files import write_clarify_json
from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json
from labkit.model_explainability.attributions import (
    AGG_METHODS,
    DEFAULT_AGG_METHOD,
    default_num_samples,
)

__all__ = [
    "ANALYSIS_CONFIG_FILE",
    "ANALYSIS_FILE",
    "PLACEHOLDER_LABEL",
    "Analysis",
    "AnalysisConfig",
    "LabelExplanation",
    "check_pair",
    "label_key",
]

ANALYSIS_FILE = "analysis.json"
ANALYSIS_CONFIG_FILE = "analysis_config.json"
SCHEMA_VERSION = "1.0"  # "version" of both files in the AWS samples
PLACEHOLDER_LABEL = "label0"  # Clarify's key when no label_headers are given


def label_key(label_header: str | None = None) -> str:
    """The ``<label>`` key of ``explanations.kernel_shap``: the ``label_headers`` entry, else ``label0``.

    [C] real baselines (SageMaker-Monitoring-Feature-Attribution-Drift notebooks of
    aws/amazon-sagemaker-examples, runs of 2023-01-19 and 2024-01-19; tests/fixtures/real/) key
    their explanation ``label0`` although the job's data config named its label column
    (``Churn``): the dataset's label never names it, only ``predictor.label_headers`` does
    (explainability.md §2).
    """
    return PLACEHOLDER_LABEL if label_header is None else str(label_header)


@dataclass(frozen=True)
class LabelExplanation:
    """One ``explanations.kernel_shap.<label>`` entry: global SHAP values and the expected value."""

    global_shap_values: dict[str, float]
    expected_value: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "global_shap_values": dict(self.global_shap_values),
            "expected_value": float(self.expected_value),
        }


@dataclass(frozen=True)
class Analysis:
    """``analysis.json`` of an explainability job (and a monitor's constraints file).

    ``kernel_shap`` maps label key → ``LabelExplanation``. ``from_json`` reads real Clarify
    files: several labels, and keys it does not use (bias sections, other methods) are ignored.
    """

    kernel_shap: dict[str, LabelExplanation]
    version: str = SCHEMA_VERSION

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.kernel_shap)

    def explanation_for(self, label: str) -> LabelExplanation | None:
        """The entry explaining ``label``: its own key, else a lone ``label0`` placeholder.

        Clarify names the explanation ``label0`` when no ``label_headers`` are set, even when the
        job named its label column (real outputs, issue 19), so a file whose only key is
        ``label0`` explains whatever label the configuration names.
        """
        if label in self.kernel_shap:
            return self.kernel_shap[label]
        if self.labels == (PLACEHOLDER_LABEL,):
            return self.kernel_shap[PLACEHOLDER_LABEL]
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "explanations": {
                "kernel_shap": {label: e.to_dict() for label, e in self.kernel_shap.items()}
            },
        }

    def to_frame(self) -> pd.DataFrame:
        """Global SHAP values as a table: one row per feature, one column per label."""
        return pd.DataFrame(
            {
                label: pd.Series(e.global_shap_values, dtype=float)
                for label, e in self.kernel_shap.items()
            }
        )

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/analysis.json`` and return its path."""
        return write_clarify_json(self.to_dict(), Path(directory) / ANALYSIS_FILE)

    @classmethod
    def from_json(cls, path: str | Path) -> Analysis:
        """Read an analysis.json file (or ``<directory>/analysis.json``)."""
        path = Path(path)
        if path.is_dir():
            path = path / ANALYSIS_FILE
        return cls.from_dict(read_json(path), path=path)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | Path | None = None) -> Analysis:
        kernel_shap = _get(
            _get(data, "explanations", path, "the file"), "kernel_shap", path, "explanations"
        )
        if not isinstance(kernel_shap, Mapping) or not kernel_shap:
            raise LabkitInputError("explanations.kernel_shap has no labels", path=path)
        labels = {}
        for label, entry in kernel_shap.items():
            where = f"explanations.kernel_shap.{label}"
            values = _get(entry, "global_shap_values", path, where)
            if not isinstance(values, Mapping):
                raise LabkitInputError(f"{where}.global_shap_values is not an object", path=path)
            labels[str(label)] = LabelExplanation(
                global_shap_values={
                    str(f): _number(v, path, f"{where}.global_shap_values.{f}")
                    for f, v in values.items()
                },
                expected_value=_number(
                    _get(entry, "expected_value", path, where), path, f"{where}.expected_value"
                ),
            )
        version = data.get("version", SCHEMA_VERSION)
        return cls(kernel_shap=labels, version=str(version))


@dataclass(frozen=True)
class AnalysisConfig:
    """``analysis_config.json``: what the monitor needs to explain a window as the baseline was.

    ``shap_baseline`` holds Clarify's ``methods.shap.baseline`` rows (values in ``headers``
    order); empty when the config gives none, and then each job computes one from the data it
    explains (``shap_baseline_frame``). ``label_headers`` names the model output explained and
    ``probability_index`` (Clarify's ``predictor.probability``) which column of the model's
    output it is.
    """

    headers: tuple[str, ...]
    shap_baseline: tuple[tuple[Any, ...], ...]
    num_samples: int
    agg_method: str = DEFAULT_AGG_METHOD
    use_logit: bool = False
    seed: int | None = None
    label_headers: tuple[str, ...] | None = None
    probability_index: int | None = None
    version: str = SCHEMA_VERSION

    @property
    def label(self) -> str:
        """The label key this configuration's analysis.json uses."""
        return label_key(self.label_headers[0] if self.label_headers else None)

    def shap_baseline_frame(self, data: pd.DataFrame | None = None) -> pd.DataFrame:
        """The baseline rows as a DataFrame with the ``headers`` as columns.

        Without configured rows, Clarify computes a baseline from the data the job explains
        (K-means clusters of it); the twin's reading is one row of its means and modes
        [U] (``attributions.shap_baseline``), so ``data`` is then required.
        """
        if self.shap_baseline:
            return pd.DataFrame(
                [list(row) for row in self.shap_baseline], columns=list(self.headers)
            )
        if data is None:
            raise LabkitInputError(
                "methods.shap.baseline is not set: the SHAP baseline is computed from the data explained"
            )
        from labkit.model_explainability.attributions import shap_baseline

        return shap_baseline(data, features=self.headers)

    @classmethod
    def for_analysis(cls, analysis: Analysis) -> AnalysisConfig:
        """The configuration a bare baseline analysis.json implies (no analysis_config.json beside it).

        A real baselining job's output holds analysis.json; its analysis_config.json is an input
        the SDK uploads elsewhere when the output path differs. Features: the keys of the first
        label's ``global_shap_values`` (Clarify writes them in header order [U]); SHAP baseline:
        computed from each window; ``num_samples`` and ``agg_method``: Clarify's defaults.
        """
        label = analysis.labels[0]
        headers = tuple(analysis.kernel_shap[label].global_shap_values)
        return cls(
            headers=headers,
            shap_baseline=(),
            num_samples=default_num_samples(len(headers)),
            label_headers=None if label == PLACEHOLDER_LABEL else (label,),
        )

    def to_dict(self) -> dict[str, Any]:
        shap: dict[str, Any] = {}
        if self.shap_baseline:
            shap["baseline"] = [[_plain(v) for v in row] for row in self.shap_baseline]
        shap |= {
            "num_samples": int(self.num_samples),
            "agg_method": self.agg_method,
            "use_logit": bool(self.use_logit),
            "save_local_shap_values": False,
        }
        if self.seed is not None:
            shap["seed"] = int(self.seed)
        out: dict[str, Any] = {
            "version": self.version,
            "headers": list(self.headers),
            "methods": {"shap": shap},
        }
        predictor: dict[str, Any] = {}
        if self.label_headers:
            predictor["label_headers"] = list(self.label_headers)
        if self.probability_index is not None:
            predictor["probability"] = int(self.probability_index)
        if predictor:
            out["predictor"] = predictor
        return out

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/analysis_config.json`` and return its path."""
        return write_clarify_json(self.to_dict(), Path(directory) / ANALYSIS_CONFIG_FILE)

    @classmethod
    def from_json(cls, path: str | Path) -> AnalysisConfig:
        """Read an analysis_config.json file (or ``<directory>/analysis_config.json``)."""
        path = Path(path)
        if path.is_dir():
            path = path / ANALYSIS_CONFIG_FILE
        return cls.from_dict(read_json(path), path=path)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | Path | None = None) -> AnalysisConfig:
        headers = _get(data, "headers", path, "the file")
        if (
            not isinstance(headers, list)
            or not headers
            or not all(isinstance(h, str) for h in headers)
        ):
            raise LabkitInputError("headers must be a non-empty list of feature names", path=path)
        shap = _get(_get(data, "methods", path, "the file"), "shap", path, "methods")
        if not isinstance(shap, Mapping):
            raise LabkitInputError("methods.shap must be an object", path=path)
        rows = shap.get("baseline", [])  # absent: computed from the data explained
        if isinstance(rows, str):
            raise LabkitInputError(
                f"methods.shap.baseline is a URI ({rows}); the offline twin needs the rows inline",
                path=path,
            )
        if not isinstance(rows, list) or ("baseline" in shap and not rows):
            raise LabkitInputError(
                "methods.shap.baseline must be a list of at least one row", path=path
            )
        rows = [
            row["features"] if isinstance(row, Mapping) and "features" in row else row
            for row in rows
        ]
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(headers):
                raise LabkitInputError(
                    f"methods.shap.baseline row {i + 1} must list {len(headers)} values, one per header",
                    path=path,
                )
        agg_method = shap.get("agg_method", DEFAULT_AGG_METHOD)
        if agg_method not in AGG_METHODS:
            raise LabkitInputError(
                f"methods.shap.agg_method {agg_method!r} is not one of {', '.join(AGG_METHODS)}",
                path=path,
            )
        num_samples = shap.get("num_samples", default_num_samples(len(headers)))
        seed = shap.get("seed")
        for key, value in (("num_samples", num_samples), ("seed", seed)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise LabkitInputError(f"methods.shap.{key} must be an integer", path=path)
        predictor = data.get("predictor") or {}
        if not isinstance(predictor, Mapping):
            raise LabkitInputError("predictor must be an object", path=path)
        label_headers = predictor.get("label_headers")
        probability = predictor.get("probability")
        if probability is not None and (
            isinstance(probability, bool) or not isinstance(probability, int)
        ):
            raise LabkitInputError(
                f"predictor.probability {probability!r}: the offline twin reads a column index only",
                path=path,
            )
        return cls(
            headers=tuple(headers),
            shap_baseline=tuple(tuple(row) for row in rows),
            num_samples=num_samples,
            agg_method=agg_method,
            use_logit=bool(shap.get("use_logit", False)),
            seed=seed,
            label_headers=None if not label_headers else tuple(str(h) for h in label_headers),
            probability_index=probability,
            version=str(data.get("version", SCHEMA_VERSION)),
        )


def check_pair(
    analysis: Analysis,
    config: AnalysisConfig,
    *,
    analysis_path: str | Path | None = None,
    config_path: str | Path | None = None,
) -> None:
    """Refuse a baseline whose analysis.json does not explain what its analysis_config.json sets up.

    The monitor explains each window with the config's headers and label and compares the
    result with the analysis's entry for that label; a file from another baseline would have
    no such entry or rank features the model is never asked about.
    """
    explanation = analysis.explanation_for(config.label)
    if explanation is None:
        raise LabkitInputError(
            f"explanations.kernel_shap has no label {config.label!r}, the label "
            f"{config_path or ANALYSIS_CONFIG_FILE} names (labels: {', '.join(analysis.labels)})",
            path=analysis_path,
        )
    key = config.label if config.label in analysis.kernel_shap else PLACEHOLDER_LABEL
    unknown = [f for f in explanation.global_shap_values if f not in config.headers]
    if unknown:
        raise LabkitInputError(
            f"explanations.kernel_shap.{key}.global_shap_values names "
            f"{', '.join(map(repr, unknown[:5]))}{' …' if len(unknown) > 5 else ''}, which "
            f"{config_path or ANALYSIS_CONFIG_FILE} headers do not list; both files must come "
            "from the same baseline",
            path=analysis_path,
        )


def _get(data: Any, key: str, path: str | Path | None, where: str) -> Any:
    if not isinstance(data, Mapping) or key not in data:
        raise LabkitInputError(f"{where} has no {key!r} key", path=path)
    return data[key]


def _number(value: Any, path: str | Path | None, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LabkitInputError(f"{where} must be a number, found {value!r}", path=path)
    return float(value)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
