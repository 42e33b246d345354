"""Suggested constraints and the learner's edits to them, the twin of ``constraints.json``.

The baseline job suggests one entry per feature (inferred type, completeness, non-negativity,
a domain for low-cardinality strings) plus the ``monitoring_config`` that tunes every check. A
learner edits the file, and the next execution honours it, per feature through
``monitoringConfigOverrides``. Reference: data-quality.md §3; AWS page "Schema for Constraints
(constraints.json file)" (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-constraints.html).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from labkit.data_quality.statistics import INFERRED_TYPES, FeatureStatistics, Statistics
from labkit.errors import LabkitInputError
from labkit.jsonfiles import JsonShape, read_json, write_json

__all__ = [
    "CATEGORICAL_DRIFT_METHODS",
    "COMPARISON_METHODS",
    "DOMAIN_UNIQUE_VALUE_RATIO",
    "FILE_NAME",
    "ConfigOverrides",
    "Constraints",
    "FeatureConstraints",
    "MonitoringConfig",
    "suggest_constraints",
]

FILE_NAME = "constraints.json"  # SDK monitoring_files.py: CONSTRAINTS_JSON_DEFAULT_FILE_NAME
VERSION = 0.0
SWITCH_VALUES = ("Enabled", "Disabled")
COMPARISON_METHODS = ("Simple", "Robust")  # the docs table's linf_simple / linf_robust
CATEGORICAL_DRIFT_METHODS = ("LInfinity", "ChiSquared")  # SDK: the only values it accepts
DOMAIN_UNIQUE_VALUE_RATIO = 0.1  # Deequ CategoricalRangeRule: (values seen once) / distinct ≤ 0.1
OVERRIDE_KEYS = ("monitoringConfigOverrides", "monitoring_config_overrides")  # docs, SDK spellings

# Every monitoring_config key: (field name, JSON path, allowed values or a (low, high) range).
# Defaults are the container's DataQualityMonitoringConfig / DataQualityDistributionConstraints.
_DC = "distribution_constraints"
_KEYS: tuple[tuple[str, tuple[str, ...], tuple], ...] = (
    ("evaluate_constraints", ("evaluate_constraints",), SWITCH_VALUES),
    ("emit_metrics", ("emit_metrics",), SWITCH_VALUES),
    ("datatype_check_threshold", ("datatype_check_threshold",), (0.0, 1.0)),
    ("domain_content_threshold", ("domain_content_threshold",), (0.0, 1.0)),
    ("perform_comparison", (_DC, "perform_comparison"), SWITCH_VALUES),
    ("comparison_threshold", (_DC, "comparison_threshold"), (0.0, 1.0)),
    ("comparison_method", (_DC, "comparison_method"), COMPARISON_METHODS),
    ("categorical_comparison_threshold", (_DC, "categorical_comparison_threshold"), (0.0, 1.0)),
    ("categorical_drift_method", (_DC, "categorical_drift_method"), CATEGORICAL_DRIFT_METHODS),
)


@dataclass(frozen=True)
class ConfigOverrides:
    """A feature's ``monitoringConfigOverrides``: only the keys set (not None) replace the file's."""

    evaluate_constraints: str | None = None
    emit_metrics: str | None = None
    datatype_check_threshold: float | None = None
    domain_content_threshold: float | None = None
    perform_comparison: str | None = None
    comparison_threshold: float | None = None
    comparison_method: str | None = None
    categorical_comparison_threshold: float | None = None
    categorical_drift_method: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _nest(
            {name: getattr(self, name) for name, _, _ in _KEYS if getattr(self, name) is not None}
        )

    @classmethod
    def from_dict(
        cls, data: Any, *, path: str | Path | None = None, where: str = ""
    ) -> ConfigOverrides:
        return cls(**_read_keys(data, path=path, where=where))


@dataclass(frozen=True)
class MonitoringConfig:
    """``monitoring_config``: the switches and thresholds of the six checks."""

    evaluate_constraints: str = "Enabled"
    emit_metrics: str = "Enabled"
    datatype_check_threshold: float = (
        1.0  # docs now show 0.1; the container and real messages use 1.0
    )
    domain_content_threshold: float = 1.0
    perform_comparison: str = "Enabled"
    comparison_threshold: float = 0.1
    comparison_method: str = "Robust"
    categorical_comparison_threshold: float = 0.1
    categorical_drift_method: str = "LInfinity"

    def with_overrides(self, overrides: ConfigOverrides) -> MonitoringConfig:
        """This config with a feature's overrides applied."""
        changes = {f.name: getattr(overrides, f.name) for f in dataclasses.fields(overrides)}
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        return _nest({name: getattr(self, name) for name, _, _ in _KEYS})

    @classmethod
    def from_dict(
        cls, data: Any, *, path: str | Path | None = None, where: str = "monitoring_config"
    ) -> MonitoringConfig:
        values = _read_keys(data, path=path, where=where)
        if "comparison_threshold" in values and "categorical_comparison_threshold" not in values:
            # AWS docs: categorical_comparison_threshold defaults to comparison_threshold.
            values["categorical_comparison_threshold"] = values["comparison_threshold"]
        return cls(**values)


@dataclass(frozen=True)
class FeatureConstraints:
    """One entry of ``features``: what the window must satisfy for this column."""

    name: str
    inferred_type: str
    completeness: float
    is_non_negative: bool | None = None  # numeric features only
    domains: tuple[str, ...] | None = None  # low-cardinality String features only
    overrides: ConfigOverrides = field(default_factory=ConfigOverrides)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "inferred_type": self.inferred_type,
            "completeness": self.completeness,
        }
        if self.is_non_negative is not None:
            out["num_constraints"] = {"is_non_negative": self.is_non_negative}
        if self.domains is not None:
            out["string_constraints"] = {"domains": list(self.domains)}
        out[OVERRIDE_KEYS[0]] = self.overrides.to_dict()
        return out


@dataclass(frozen=True)
class Constraints:
    """The whole constraints.json."""

    features: tuple[FeatureConstraints, ...]
    monitoring_config: MonitoringConfig = field(default_factory=MonitoringConfig)
    version: float = VERSION

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def feature(self, name: str) -> FeatureConstraints:
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(name)

    def config_for(self, name: str | None) -> MonitoringConfig:
        """The effective monitoring_config of a feature (the file's, with its overrides applied)."""
        return self._configs.get(name, self.monitoring_config)

    @cached_property
    def _configs(self) -> dict[str, MonitoringConfig]:
        """Each feature's effective config, made once (every check asks for it, per feature)."""
        configs: dict[str, MonitoringConfig] = {}
        for f in self.features:  # the first entry of a name wins, as in ``feature``
            configs.setdefault(f.name, self.monitoring_config.with_overrides(f.overrides))
        return configs

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": float(self.version),
            "features": [f.to_dict() for f in self.features],
            "monitoring_config": self.monitoring_config.to_dict(),
        }

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/constraints.json`` and return its path."""
        return write_json(self.to_dict(), Path(directory) / FILE_NAME)

    @classmethod
    def from_json(cls, path: str | Path) -> Constraints:
        """Read a constraints.json (the twin's, a real one, or a learner's edit); a directory means its file."""
        path = Path(path)
        if path.is_dir():
            path = path / FILE_NAME
        return cls.from_dict(read_json(path), path=path)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | Path | None = None) -> Constraints:
        top = _mapping(data, "top level", path)
        if "features" not in top:  # the schema requires it; without it no feature is checked
            raise LabkitInputError(
                "features is missing (the constraints.json schema requires it)", path=path
            )
        entries = top["features"]
        if not isinstance(entries, list):
            raise LabkitInputError(f"features: expected a list, found {entries!r}", path=path)
        config = MonitoringConfig.from_dict(top.get("monitoring_config", {}), path=path)
        version = top.get("version", VERSION)
        if isinstance(version, bool) or not isinstance(version, (int, float)):
            raise LabkitInputError(f"version: expected a number, found {version!r}", path=path)
        features = tuple(_read_feature(e, f"features[{i}]", path) for i, e in enumerate(entries))
        JsonShape(path).unique_names([f.name for f in features], "features")
        return cls(features, config, float(version))


def suggest_constraints(
    statistics: Statistics, *, monitoring_config: MonitoringConfig | None = None
) -> Constraints:
    """The constraints a baseline job suggests from its statistics (Deequ's suggestion rules)."""
    return Constraints(
        tuple(_suggest_feature(f) for f in statistics.features),
        monitoring_config or MonitoringConfig(),
    )


def _suggest_feature(stats: FeatureStatistics) -> FeatureConstraints:
    non_negative = None
    if stats.numerical is not None:
        # Deequ NonNegativeNumbersRule suggests the constraint when min ≥ 0.
        # [U] reference: data-quality.md §3.2 — otherwise the twin writes false.
        non_negative = stats.numerical.min >= 0.0
    domains = None
    if (
        stats.inferred_type == "String"
        and stats.string is not None
        and _is_low_cardinality(stats.string.counts())
    ):
        domains = tuple(v for v, _ in stats.string.buckets)
    return FeatureConstraints(
        stats.name, stats.inferred_type, stats.completeness, non_negative, domains
    )


def _is_low_cardinality(counts: Mapping[str, int]) -> bool:
    """Deequ CategoricalRangeRule: values seen exactly once are at most 10 % of the distinct values."""
    if not counts:
        return False
    seen_once = sum(1 for c in counts.values() if c == 1)
    return seen_once / len(counts) <= DOMAIN_UNIQUE_VALUE_RATIO


def _read_feature(entry: Any, key: str, path: str | Path | None) -> FeatureConstraints:
    entry = _mapping(entry, key, path)
    name, inferred = entry.get("name"), entry.get("inferred_type")
    if not isinstance(name, str):
        raise LabkitInputError(f"{key}.name: expected a string, found {name!r}", path=path)
    if inferred not in INFERRED_TYPES:
        raise LabkitInputError(
            f"{key}.inferred_type: expected one of {', '.join(INFERRED_TYPES)}, found {inferred!r}",
            path=path,
        )
    completeness = _number(entry.get("completeness", 0.0), f"{key}.completeness", path, (0.0, 1.0))
    num = _mapping(entry.get("num_constraints", {}), f"{key}.num_constraints", path)
    non_negative = num.get("is_non_negative")
    if non_negative is not None and not isinstance(non_negative, bool):
        raise LabkitInputError(
            f"{key}.num_constraints.is_non_negative: expected true or false, found {non_negative!r}",
            path=path,
        )
    string = _mapping(entry.get("string_constraints", {}), f"{key}.string_constraints", path)
    domains = string.get("domains")
    if domains is not None:
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise LabkitInputError(
                f"{key}.string_constraints.domains: expected a list of strings", path=path
            )
        domains = tuple(domains)
    # Both spellings at feature level, and the SDK test data's copy nested in string/num constraints.
    overrides: dict[str, Any] = {}
    for holder, where in (
        (num, f"{key}.num_constraints"),
        (string, f"{key}.string_constraints"),
        (entry, key),
    ):
        for spelling in reversed(OVERRIDE_KEYS):  # the docs spelling wins when both are present
            if spelling in holder:
                overrides.update(
                    _read_keys(holder[spelling], path=path, where=f"{where}.{spelling}")
                )
    return FeatureConstraints(
        name, inferred, completeness, non_negative, domains, ConfigOverrides(**overrides)
    )


def _read_keys(data: Any, *, path: str | Path | None, where: str) -> dict[str, Any]:
    """The monitoring_config keys present in ``data``, validated; unknown keys are ignored."""
    data = _mapping(data, where, path)
    out: dict[str, Any] = {}
    for name, json_path, allowed in _KEYS:
        holder: Any = data
        for part in json_path[:-1]:
            holder = _mapping(holder.get(part, {}), f"{where}.{part}", path)
        if json_path[-1] not in holder:
            continue
        key = ".".join((where, *json_path)) if where else ".".join(json_path)
        value = holder[json_path[-1]]
        if isinstance(allowed[0], str):
            if value not in allowed:
                raise LabkitInputError(
                    f"{key}: expected {' or '.join(allowed)}, found {value!r}", path=path
                )
            out[name] = value
        else:
            out[name] = _number(value, key, path, allowed)
    return out


def _number(value: Any, key: str, path: str | Path | None, bounds: tuple[float, float]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LabkitInputError(f"{key}: expected a number, found {value!r}", path=path)
    low, high = bounds
    if not low <= value <= high:
        raise LabkitInputError(f"{key}: {value!r} is outside its range {low}–{high}", path=path)
    return float(value)


def _mapping(value: Any, key: str, path: str | Path | None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise LabkitInputError(f"{key}: expected an object, found {value!r}", path=path)
    return value


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Flat field values back into the file's shape (distribution keys under distribution_constraints)."""
    out: dict[str, Any] = {}
    for name, json_path, _ in _KEYS:
        if name in flat:
            holder = out
            for part in json_path[:-1]:
                holder = holder.setdefault(part, {})
            holder[json_path[-1]] = flat[name]
    return out
