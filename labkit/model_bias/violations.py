"""The bias drift check: baseline analysis.json (the constraints) vs the window's → constraint_violations.json.

AWS publishes two descriptions of when a bias metric violates its baseline (bias.md §8): the
violations page (a value "worse" than the baseline's, farther from 0) and the bias-drift overview
(a Normal Bootstrap confidence interval C of the window's metric that is disjoint from an allowed
range A). How A comes from the baseline is not published. The twin's reading, in one place
(``allowed_range`` and ``is_violation``): A = [ideal − |b − ideal|, ideal + |b − ideal|] with the
ideal 0 (1 for DI); the point rule flags a value outside A, the bootstrap rule a C disjoint from A.

Real executions (docs/fidelity.md "Bias drift"; tests/fixtures/real/) settle three things the
docs do not: only post-training metrics are checked (``CHECKED_STAGES``), ``facet_value`` is the
window's ``value_or_threshold`` (``"(100, 232]"`` for a threshold facet), and the sentence is
``Metric value <v> doesn't meet the baseline constraint requirement <baseline>`` (``describe``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.clarify_files import write_clarify_json
from labkit.errors import LabkitInputError
from labkit.jsonfiles import python_float, read_json
from labkit.model_bias.config import BiasConfig
from labkit.model_bias.report import STAGE_KEYS, BiasReport

__all__ = [
    "CHECKED_STAGES",
    "CONSTRAINT_CHECK_TYPE",
    "IDEAL_VALUES",
    "VIOLATIONS_FILE",
    "VIOLATIONS_VERSION",
    "ConstraintViolations",
    "Violation",
    "allowed_range",
    "check_baseline",
    "check_drift",
    "describe",
    "entries",
    "ideal_value",
    "is_violation",
]

CONSTRAINT_CHECK_TYPE = "bias_drift_check"  # the only check type bias drift supports
VIOLATIONS_FILE = "constraint_violations.json"
VIOLATIONS_VERSION = "1.0"
# [C] real bias drift executions (2023-01-19 batch transform and 2024-01-19 endpoint runs of
# aws/amazon-sagemaker-examples, tests/fixtures/real/README.md) list only post-training metrics,
# although their baselines held pre-training metrics (CI 0.369 …) and the windows' labels changed.
# The SDK agrees: the monitor is the ModelBias job type, whose pipeline check (ModelBiasCheckConfig)
# runs post_training_bias only and registers bias_post_training_constraints. Pre-training metrics
# stay in the window's analysis.json and CloudWatch (clarify-model-monitor-bias-drift-cw).
CHECKED_STAGES = ("post_training",)
# [U] reference: bias.md §8 — the value of no bias; the docs only say "farther from 0", DI's parity is 1.
IDEAL_VALUES: dict[str, float] = {"DI": 1.0}


def ideal_value(metric: str) -> float:
    """The value meaning "no bias": 1 for DI, 0 for every other metric."""
    return IDEAL_VALUES.get(metric, 0.0)


def allowed_range(metric: str, baseline_value: float) -> tuple[float, float]:
    """A = [ideal − |b − ideal|, ideal + |b − ideal|]: as far from parity as the baseline, no farther."""
    # [U] reference: bias.md §8 — how A is derived from the baseline is not published.
    ideal = ideal_value(metric)
    spread = abs(baseline_value - ideal)
    return ideal - spread, ideal + spread


def is_violation(
    metric: str, value: float, baseline_value: float, interval: tuple[float, float] | None = None
) -> bool:
    """The drift rule: the point ``value`` outside A, or (bootstrap) ``interval`` C disjoint from A.

    Point rule (violations page): |value − ideal| > |baseline − ideal|, so a baseline DPPL of 0.2
    accepts 0.1 and flags −0.3. Bootstrap rule (overview page): C ∩ A = ∅. A closed A and C are
    used, so touching counts as overlap. An infinite baseline allows everything.
    """
    # [U] reference: bias.md §8 — the point rule is the default, the bootstrap rule an option.
    low, high = allowed_range(metric, baseline_value)
    if interval is None:
        return not low <= value <= high
    c_low, c_high = interval
    return c_high < low or c_low > high


@dataclass(frozen=True)
class Violation:
    """One entry of constraint_violations.json, keys in the service's order."""

    facet: str
    facet_value: str
    metric_name: str
    description: str
    constraint_check_type: str = CONSTRAINT_CHECK_TYPE

    def to_dict(self) -> dict[str, str]:
        return {
            "facet": self.facet,
            "facet_value": self.facet_value,
            "metric_name": self.metric_name,
            "constraint_check_type": self.constraint_check_type,
            "description": self.description,
        }


@dataclass(frozen=True)
class ConstraintViolations:
    """constraint_violations.json of a bias drift execution (status CompletedWithViolations if any)."""

    violations: tuple[Violation, ...] = ()
    version: str = VIOLATIONS_VERSION

    def __len__(self) -> int:
        return len(self.violations)

    def metric_names(self) -> set[str]:
        return {v.metric_name for v in self.violations}

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "violations": [v.to_dict() for v in self.violations]}

    def to_json(self, directory: str | Path) -> Path:
        """Write ``constraint_violations.json`` into ``directory``."""
        return write_clarify_json(self.to_dict(), Path(directory) / VIOLATIONS_FILE)

    @classmethod
    def from_json(cls, path: str | Path) -> ConstraintViolations:
        path = Path(path)
        if path.is_dir() or path.suffix != ".json":  # a directory, existing or not
            path = path / VIOLATIONS_FILE
        data = read_json(path)
        try:
            entries = tuple(
                Violation(
                    facet=v["facet"],
                    facet_value=v["facet_value"],
                    metric_name=v["metric_name"],
                    description=v["description"],
                    constraint_check_type=v["constraint_check_type"],
                )
                for v in data["violations"]
            )
            return cls(entries, str(data.get("version", VIOLATIONS_VERSION)))
        except (KeyError, TypeError) as exc:
            raise LabkitInputError(
                f"not a constraint_violations.json (missing {exc})", path=path
            ) from None

    def to_frame(self) -> pd.DataFrame:
        columns = ["facet", "facet_value", "metric_name", "constraint_check_type", "description"]
        return pd.DataFrame([v.to_dict() for v in self.violations], columns=columns)


def describe(value: float, baseline_value: float) -> str:
    """``Metric value <v> doesn't meet the baseline constraint requirement <baseline>``.

    [C] real executions (2023 and 2024, CHECKED_STAGES' runs): both numbers as Python prints them
    (``0.3748947825295131``, ``0.0``), ±inf as analysis.json spells them (``Infinity``). The AWS
    page's older example reads "Value <v> does not meet the constraint requirement".
    """
    return (
        f"Metric value {python_float(value)} doesn't meet the baseline constraint "
        f"requirement {python_float(baseline_value)}"
    )


def entries(
    report: BiasReport, config: BiasConfig
) -> dict[tuple[str, str, str, str], tuple[str, float | None]]:
    """(stage, facet, facet value, metric) → (value_or_threshold, value) of every entry.

    Entries are matched by the config's facet value, not the interval text, because a threshold
    facet's interval ``(t, max]`` changes with each window's maximum.
    """
    # [U] reference: bias.md §8 — the docs say each (facet, value_or_threshold, metric) is compared;
    # which key pairs a baseline interval with a window interval is not published.
    out = {}
    for stage, block in report.stages():
        for facet, groups in block.facets:
            for group in groups:
                for m in group.metrics:
                    key = (stage, facet, config.facet_value(group.value_or_threshold), m.name)
                    out.setdefault(key, (group.value_or_threshold, m.value))
    return out


def check_baseline(
    constraints: BiasReport, config: BiasConfig, *, path: str | Path | None = None
) -> None:
    """Refuse a baseline analysis.json that a window analysed with ``config`` cannot be compared with.

    The monitor compares each (facet, facet value, metric) of the baseline with the window's
    (bias.md §8). A baseline with no stage, or one made for another label, label value, facet or
    facet value, would leave every entry without a counterpart: zero violations and exit 0 while
    nothing was checked. Such a file is refused here, before anything is computed, naming the
    JSON path that does not match.
    """
    stages = constraints.stages()
    if not stages:
        raise LabkitInputError(
            f"holds neither {' nor '.join(STAGE_KEYS.values())}, so there is no metric to "
            "compare a window with",
            path=path,
        )
    if config.predicted_label is None and all(stage == "post_training" for stage, _ in stages):
        raise LabkitInputError(
            "holds only post_training_bias_metrics, and a window without predictions has none "
            "to compare with them",
            path=path,
        )
    for stage, block in stages:
        key = STAGE_KEYS[stage]
        if block.label != config.label:
            raise LabkitInputError(
                f"{key}.label is {block.label!r}, but the window's label column is {config.label!r}",
                path=path,
            )
        if not _same_values(block.label_value_or_threshold, config.label_values_or_threshold):
            raise LabkitInputError(
                f"{key}.label_value_or_threshold is {block.label_value_or_threshold!r}, but the "
                f"window's favourable label values are {config.label_value()!r}",
                path=path,
            )
        facets = dict(block.facets)
        if config.facet not in facets:
            raise LabkitInputError(
                f"{key}.facets has no facet {config.facet!r} (it has: {', '.join(facets) or 'none'})",
                path=path,
            )
        wanted = config.facet_values_or_threshold
        written = [g.value_or_threshold for g in facets[config.facet]]
        if wanted and not any(_same_values(text, wanted) for text in written):
            raise LabkitInputError(
                f"{key}.facets.{config.facet} has no entry for facet value "
                f"{config.facet_value('')!r} (it has: {', '.join(map(repr, written)) or 'none'})",
                path=path,
            )


def _same_values(text: str, values: tuple[Any, ...]) -> bool:
    """Whether an analysis.json ``value_or_threshold`` text was written for ``values``.

    Categorical values are joined with commas; a threshold t is written as the interval
    ``(t, max]`` (``(max, t]`` when every value is below t, and nothing at all when no interval
    exists; smclarify ``_interval_index``), so either end may be t.
    """
    if not values or text == ",".join(map(str, values)) or text == "":
        return True
    if len(values) != 1 or not text.startswith("(") or not text.endswith("]"):
        return False
    try:
        ends = [float(end) for end in text[1:-1].split(",")]
        return float(values[0]) in ends
    except (TypeError, ValueError):
        return False


def check_drift(
    constraints: BiasReport,
    analysis: BiasReport,
    config: BiasConfig,
    intervals: dict[tuple[str, str, str, str], tuple[float, float]] | None = None,
) -> ConstraintViolations:
    """Compare every post-training metric of the window's ``analysis`` with the baseline's.

    A metric with an error (null value) on either side is not checked. ``intervals`` maps the
    same keys as ``entries`` to the bootstrap C; a metric without one is checked by its point
    value. A violation's ``facet_value`` is the window entry's ``value_or_threshold``.
    """
    current = entries(analysis, config)
    baseline = entries(constraints, config)
    if not any(value is not None for _, value in baseline.values()):
        raise LabkitInputError(
            "every metric of the baseline analysis.json is an error entry (no value), so no "
            "window can be compared with it"
        )
    if not any(key in current for key in baseline):
        raise LabkitInputError(
            "no (facet, facet value, metric) of the baseline analysis.json occurs in the "
            "window's analysis, so nothing would be compared"
        )
    found = []
    for key, (_, baseline_value) in baseline.items():
        if key[0] not in CHECKED_STAGES:
            continue
        if key not in current or baseline_value is None or current[key][1] is None:
            continue
        window_value_or_threshold, value = current[key]
        interval = None if intervals is None else intervals.get(key)
        if is_violation(key[3], value, baseline_value, interval):
            found.append(
                Violation(
                    facet=key[1],
                    facet_value=window_value_or_threshold,
                    metric_name=key[3],
                    description=describe(value, baseline_value),
                )
            )
    return ConstraintViolations(tuple(found))
