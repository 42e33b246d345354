"""``bias_report``: Clarify's pre- and post-training bias metrics, written as Clarify's analysis.json.

The layout is the Clarify container's (bias.md §7): ``version``, then per stage the ``label``, the
``facets`` (facet name → one entry per facet group, each with its metrics sorted by name) and the
``label_value_or_threshold``. A metric that cannot be computed is ``{"value": null, "error": ...}``
with smclarify's exact text; ±inf are the strings ``"Infinity"`` / ``"-Infinity"``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labkit.clarify_files import write_clarify_json
from labkit.errors import LabkitInputError
from labkit.jsonfiles import JsonShape, read_json
from labkit.model_bias.config import BiasConfig
from labkit.model_bias.counts import Metric, Tables, evaluate, tabulate
from labkit.model_bias.facets import Selection, select
from labkit.model_bias.posttraining import POSTTRAINING_METRICS, flip_counts
from labkit.model_bias.pretraining import PRETRAINING_METRICS

__all__ = [
    "ANALYSIS_FILE",
    "ANALYSIS_VERSION",
    "STAGE_KEYS",
    "BiasReport",
    "FacetResult",
    "MetricResult",
    "StageResult",
    "bias_report",
    "metrics_to_run",
    "run_bias",
]

ANALYSIS_FILE = "analysis.json"
ANALYSIS_VERSION = "1.0"
STAGE_KEYS = {
    "pre_training": "pre_training_bias_metrics",
    "post_training": "post_training_bias_metrics",
}
_INFINITY_TEXT = {math.inf: "Infinity", -math.inf: "-Infinity"}  # smclarify report.inf_as_str


@dataclass(frozen=True)
class MetricResult:
    """One metric entry: a value (float, ±inf allowed) or ``value=None`` with smclarify's error text."""

    name: str
    description: str
    value: float | None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if value is not None and math.isinf(value):
            value = _INFINITY_TEXT[value]
        out: dict[str, Any] = {"name": self.name, "description": self.description, "value": value}
        if self.error is not None:
            out["error"] = self.error
        return out

    @classmethod
    def from_dict(
        cls, data: Any, *, shape: JsonShape | None = None, key: str = "metric"
    ) -> MetricResult:
        """One metric entry; ``value`` may be a number, ``"Infinity"``/``"-Infinity"`` or null."""
        shape = shape or JsonShape(None)
        entry = shape.mapping(data, key)
        value = entry.get("value")
        if isinstance(value, str) and value in ("Infinity", "-Infinity"):
            value = math.inf if value == "Infinity" else -math.inf
        elif value is not None:
            value = shape.number(value, f"{key}.value")
        error = entry.get("error")
        return cls(
            shape.string(shape.required(entry, "name", key), f"{key}.name"),
            shape.string(entry.get("description", ""), f"{key}.description"),
            value,
            None if error is None else shape.string(error, f"{key}.error"),
        )


@dataclass(frozen=True)
class FacetResult:
    """One facet group: its ``value_or_threshold`` text and the metrics, sorted by name."""

    value_or_threshold: str
    metrics: tuple[MetricResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value_or_threshold": self.value_or_threshold,
            "metrics": [m.to_dict() for m in self.metrics],
        }


@dataclass(frozen=True)
class StageResult:
    """One stage's block: label, facets (facet name → groups) and the label's value or threshold."""

    label: str
    label_value_or_threshold: str
    facets: tuple[tuple[str, tuple[FacetResult, ...]], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "facets": {name: [g.to_dict() for g in groups] for name, groups in self.facets},
            "label_value_or_threshold": self.label_value_or_threshold,
        }

    @classmethod
    def from_dict(cls, data: Any, *, shape: JsonShape | None = None, key: str = "") -> StageResult:
        """One stage block, each part checked and located (``pre_training_bias_metrics.facets.g[0]``)."""
        shape = shape or JsonShape(None)
        block = shape.mapping(data, key)
        where = f"{key}." if key else ""
        facets = []
        raw_facets = shape.mapping(shape.required(block, "facets", key), f"{where}facets")
        for name, groups in raw_facets.items():
            at = f"{where}facets.{name}"
            entries = []
            for i, group in enumerate(shape.sequence(groups, at)):
                g = shape.mapping(group, f"{at}[{i}]")
                text = shape.required(g, "value_or_threshold", f"{at}[{i}]")
                metrics = shape.sequence(
                    shape.required(g, "metrics", f"{at}[{i}]"), f"{at}[{i}].metrics"
                )
                entries.append(
                    FacetResult(
                        str(text),
                        tuple(
                            MetricResult.from_dict(m, shape=shape, key=f"{at}[{i}].metrics[{j}]")
                            for j, m in enumerate(metrics)
                        ),
                    )
                )
            facets.append((str(name), tuple(entries)))
        return cls(
            shape.string(shape.required(block, "label", key), f"{where}label"),
            str(shape.required(block, "label_value_or_threshold", key)),
            tuple(facets),
        )


@dataclass(frozen=True)
class BiasReport:
    """Clarify's analysis.json for bias: ``pre_training`` and (with predictions) ``post_training``."""

    pre_training: StageResult | None
    post_training: StageResult | None = None
    version: str = ANALYSIS_VERSION

    def stages(self) -> tuple[tuple[str, StageResult], ...]:
        """``(stage name, block)`` for the stages present, pre-training first."""
        pairs = (("pre_training", self.pre_training), ("post_training", self.post_training))
        return tuple((name, block) for name, block in pairs if block is not None)

    def get(
        self, metric: str, *, value_or_threshold: str | None = None, facet: str | None = None
    ) -> MetricResult:
        """The first entry of ``metric`` (optionally of one facet group); KeyError if absent."""
        for _, block in self.stages():
            for name, groups in block.facets:
                for group in groups:
                    if facet not in (None, name) or value_or_threshold not in (
                        None,
                        group.value_or_threshold,
                    ):
                        continue
                    for result in group.metrics:
                        if result.name == metric:
                            return result
        raise KeyError(metric)

    def to_dict(self) -> dict[str, Any]:
        """analysis.json; post-training block first, as the real baselines of 2023 and 2024 write it."""
        out: dict[str, Any] = {"version": self.version}
        for stage, block in reversed(self.stages()):
            out[STAGE_KEYS[stage]] = block.to_dict()
        return out

    def to_json(self, directory: str | Path) -> Path:
        """Write ``analysis.json`` into ``directory``."""
        return write_clarify_json(self.to_dict(), Path(directory) / ANALYSIS_FILE)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | Path | None = None) -> BiasReport:
        """Read the file's object; what is malformed is refused naming its JSON path.

        Other sections of a real Clarify analysis.json (``explanations``, …) are ignored. A file
        holding neither stage is read (it is a valid empty analysis) but a monitor refuses it
        as a baseline (``violations.check_baseline``).
        """
        shape = JsonShape(path)
        top = shape.mapping(data, "")
        blocks = {
            stage: StageResult.from_dict(top[key], shape=shape, key=key) if key in top else None
            for stage, key in STAGE_KEYS.items()
        }
        return cls(
            blocks["pre_training"],
            blocks["post_training"],
            str(top.get("version", ANALYSIS_VERSION)),
        )

    @classmethod
    def from_json(cls, path: str | Path) -> BiasReport:
        """Read an analysis.json (or the one inside a directory)."""
        path = Path(path)
        if path.is_dir() or path.suffix != ".json":  # a directory, existing or not
            path = path / ANALYSIS_FILE
        return cls.from_dict(read_json(path), path=path)

    def to_frame(self) -> pd.DataFrame:
        """One row per metric entry: stage, facet, value_or_threshold, metric, value (NaN if null), error."""
        rows = [
            {
                "stage": stage,
                "facet": name,
                "value_or_threshold": group.value_or_threshold,
                "metric": m.name,
                "value": math.nan if m.value is None else m.value,
                "error": m.error,
            }
            for stage, block in self.stages()
            for name, groups in block.facets
            for group in groups
            for m in group.metrics
        ]
        columns = ["stage", "facet", "value_or_threshold", "metric", "value", "error"]
        return pd.DataFrame(rows, columns=columns).astype({"value": float})


def metrics_to_run(
    methods: str | Sequence[str], *, with_predictions: bool
) -> tuple[tuple[Metric, ...], tuple[Metric, ...]]:
    """(pre-training, post-training) metrics for ``"all"`` or a list of names; unknown names are refused."""
    known = {m.name: m for m in PRETRAINING_METRICS + POSTTRAINING_METRICS}
    if methods == "all":
        names = set(known)
    else:
        names = set(methods)
        unknown = sorted(names - set(known))
        if unknown:
            raise LabkitInputError(
                f"Invalid metric_name: metrics should be one of the registered metrics {sorted(known)}; got {unknown}"
            )
    pre = tuple(m for m in PRETRAINING_METRICS if m.name in names)
    post = tuple(m for m in POSTTRAINING_METRICS if m.name in names)
    if post and not with_predictions:
        if methods != "all":
            raise LabkitInputError(
                f"post-training metrics {[m.name for m in post]} need a predicted label column"
            )
        post = ()
    return pre, post


def bias_report(
    df: pd.DataFrame,
    *,
    label: str,
    label_values_or_threshold: Any,
    facet: str,
    facet_values_or_threshold: Any = None,
    predicted_label: str | None = None,
    group_variable: str | None = None,
    probability_threshold: float | None = None,
    methods: str | Sequence[str] = "all",
) -> BiasReport:
    """Clarify's bias metrics of ``df``, as smclarify 0.5 computes them.

    Parameters
    ----------
    label, label_values_or_threshold
        The observed outcome and its favourable values (a list) or one numeric threshold.
    facet, facet_values_or_threshold
        The sensitive attribute and the values (or threshold, d = x > t) selecting group d;
        ``None`` for a categorical facet gives one entry per value, one vs rest.
    predicted_label
        Column of predicted labels (or scores, with ``probability_threshold``: score > t → 1).
        Given → post-training metrics too; no positive prediction at all → LabkitInputError,
        as smclarify fails the whole post-training call.
    group_variable
        Column of strata for CDDL/CDDPL (without it they report smclarify's error).
    methods
        ``"all"`` or metric names from both stages.
    """
    config = BiasConfig(
        label=label,
        label_values_or_threshold=label_values_or_threshold,
        facet=facet,
        facet_values_or_threshold=facet_values_or_threshold,
        predicted_label=predicted_label,
        group_variable=group_variable,
        probability_threshold=probability_threshold,
        methods=methods,
    )
    return run_bias(df, config)


def run_bias(df: pd.DataFrame, config: BiasConfig, *, path: str | Path | None = None) -> BiasReport:
    """``bias_report`` for a ``BiasConfig`` (the SDK's ``run_bias`` runs one analysis config too).

    ``path`` (the file ``df`` was read from) only names the file in errors.
    """
    pre, post = metrics_to_run(config.methods, with_predictions=config.predicted_label is not None)
    selection = select(df, config, path=path)
    pre_block = _stage(selection, config, pre, with_predictions=False) if pre else None
    post_block = _stage(selection, config, post, with_predictions=True) if post else None
    return BiasReport(pre_block, post_block)


def _stage(
    selection: Selection, config: BiasConfig, metrics: tuple[Metric, ...], *, with_predictions: bool
) -> StageResult:
    predicted = selection.positive_predicted if with_predictions else None
    groups = []
    for value_or_threshold, sensitive in selection.groups:
        flips, flip_error = None, None
        if with_predictions and any(m.name == "FT" for m in metrics):
            count, flip_error = flip_counts(selection.features, sensitive, predicted)
            flips = None if count is None else np.array([count])
        tables = tabulate(
            sensitive,
            selection.positive_label,
            predicted,
            selection.strata,
            flips=flips,
            flip_error=flip_error,
        )
        groups.append(FacetResult(value_or_threshold, tuple(_result(m, tables) for m in metrics)))
    return StageResult(
        config.label, selection.label_value_or_threshold, ((config.facet, tuple(groups)),)
    )


def _result(metric: Metric, tables: Tables) -> MetricResult:
    values, errors = evaluate(metric, tables)
    if errors[0] is not None:
        return MetricResult(metric.name, metric.description, None, errors[0])
    value = float(values[0])
    if math.isnan(value):  # never written: a NaN would mean a formula the reference does not define
        return MetricResult(metric.name, metric.description, None, "value is not a number")
    return MetricResult(metric.name, metric.description, value)
