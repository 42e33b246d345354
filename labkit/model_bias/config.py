"""The bias analysis config: which columns are the label, the facet and the predictions.

Mirrors the JSON file at ``ConfigUri`` of ``ModelBiasAppSpecification`` (SDK ``BiasAnalysisConfig``:
``label``, ``label_values_or_threshold``, ``facet[{name_or_index, value_or_threshold}]``,
``group_variable``), plus the keys the twin needs because it reads predictions from a column rather
than from an endpoint: ``predicted_label`` and ``probability_threshold`` (the endpoint input's
``ProbabilityThresholdAttribute``), and the ``methods`` block of the baseline job's config
(reference: bias.md §8). Writing it next to a baseline's analysis.json lets ``Baseline.from_json``
restore the baseline exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.clarify_files import write_clarify_json
from labkit.errors import LabkitInputError
from labkit.jsonfiles import read_json

__all__ = [
    "ANALYSIS_CONFIG_FILE",
    "DEFAULT_PROBABILITY_THRESHOLD",
    "BiasConfig",
    "as_values",
    "check_probability_threshold",
]

ANALYSIS_CONFIG_FILE = "analysis_config.json"
# ProbabilityThresholdAttribute default: a score > 0.5 is the predicted label 1 (bias.md §8).
DEFAULT_PROBABILITY_THRESHOLD = 0.5


def check_probability_threshold(threshold: Any) -> float:
    """Return ``threshold`` as a float, or raise: a probability threshold lies in [0, 1].

    Outside that range (or NaN) every score falls on one side and Clarify fails later with a
    message about the predicted label column that never mentions the threshold.
    """
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise LabkitInputError(
            f"probability_threshold must be a number from 0 to 1, found {threshold!r}"
        )
    return value


def as_values(values_or_threshold: Any) -> tuple[Any, ...] | None:
    """One threshold or a list of values → the tuple the analysis config's list holds."""
    if values_or_threshold is None:
        return None
    if isinstance(values_or_threshold, (str, bytes)) or not isinstance(
        values_or_threshold, Sequence
    ):
        return (_plain(values_or_threshold),)
    return tuple(_plain(v) for v in values_or_threshold)


@dataclass(frozen=True)
class BiasConfig:
    """What one bias analysis looks at; ``methods`` is ``"all"`` or a tuple of metric names."""

    label: str
    label_values_or_threshold: tuple[Any, ...]
    facet: str
    facet_values_or_threshold: tuple[Any, ...] | None = None
    predicted_label: str | None = None
    group_variable: str | None = None
    probability_threshold: float | None = None
    methods: str | tuple[str, ...] = "all"

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "label_values_or_threshold", as_values(self.label_values_or_threshold) or ()
        )
        object.__setattr__(
            self, "facet_values_or_threshold", as_values(self.facet_values_or_threshold)
        )
        if self.methods != "all":
            object.__setattr__(self, "methods", tuple(self.methods))
        if self.probability_threshold is not None:
            check_probability_threshold(self.probability_threshold)

    def label_value(self) -> str:
        """``LabelValue`` of the CloudWatch metrics: the config's ``label_values_or_threshold``."""
        # [U] reference: bias.md §8 (the docs say "provided by ... label_values_or_threshold"; the
        # list is joined with commas, as smclarify joins categorical values)
        return ",".join(map(str, self.label_values_or_threshold))

    def facet_value(self, value_or_threshold: str) -> str:
        """``facet_value`` of a violation and ``FacetValue`` of a metric, for one facet entry.

        The config's ``value_or_threshold`` as published (``"40"`` in AWS's example, not the interval
        ``"(40, 99]"``); for one-vs-rest (no values configured) the entry's own value.
        """
        # [U] reference: bias.md §8 (joining several values with commas and the one-vs-rest case
        # are not published)
        if self.facet_values_or_threshold:
            return ",".join(map(str, self.facet_values_or_threshold))
        return value_or_threshold

    def to_dict(self) -> dict[str, Any]:
        """The analysis config's JSON shape; keys that are not set are left out."""
        facet: dict[str, Any] = {"name_or_index": self.facet}
        if self.facet_values_or_threshold is not None:
            facet["value_or_threshold"] = list(self.facet_values_or_threshold)
        out: dict[str, Any] = {
            "version": "1.0",
            "label": self.label,
            "label_values_or_threshold": list(self.label_values_or_threshold),
            "facet": [facet],
        }
        if self.group_variable is not None:
            out["group_variable"] = self.group_variable
        if self.predicted_label is not None:
            out["predicted_label"] = self.predicted_label
        if self.probability_threshold is not None:
            out["probability_threshold"] = self.probability_threshold
        stage_methods = {"methods": self.methods if self.methods == "all" else list(self.methods)}
        out["methods"] = {"pre_training_bias": stage_methods, "post_training_bias": stage_methods}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str | Path | None = None) -> BiasConfig:
        try:
            facets = data["facet"]
            if len(facets) != 1:
                raise LabkitInputError(f"expected one facet, found {len(facets)}", path=path)
            methods = data.get("methods", {}).get("post_training_bias", {}).get("methods", "all")
            return cls(
                label=data["label"],
                label_values_or_threshold=data["label_values_or_threshold"],
                facet=facets[0]["name_or_index"],
                facet_values_or_threshold=facets[0].get("value_or_threshold"),
                predicted_label=data.get("predicted_label"),
                group_variable=data.get("group_variable"),
                probability_threshold=data.get("probability_threshold"),
                methods=methods if methods == "all" else tuple(methods),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise LabkitInputError(
                f"not a bias analysis config (missing or malformed {exc})", path=path
            ) from None
        except LabkitInputError as exc:
            if exc.path is not None:
                raise
            raise LabkitInputError(exc.reason, path=path) from None

    def to_json(self, directory: str | Path) -> Path:
        """Write ``analysis_config.json`` into ``directory``."""
        return write_clarify_json(self.to_dict(), Path(directory) / ANALYSIS_CONFIG_FILE)

    @classmethod
    def from_json(cls, path: str | Path) -> BiasConfig:
        path = Path(path)
        if path.is_dir() or path.suffix != ".json":  # a directory, existing or not
            path = path / ANALYSIS_CONFIG_FILE
        return cls.from_dict(read_json(path), path=path)


def _plain(value: Any) -> Any:
    """numpy scalars → Python scalars, so the config serialises and compares like the JSON file."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value
