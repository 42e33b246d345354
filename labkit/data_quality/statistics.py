"""Per-column statistics, the twin of the container's ``statistics.json``.

A baseline job and every monitoring execution write one: item count, then per feature the
inferred type, present/missing counts and either numerical statistics with a 10-bucket KLL
histogram and the sketch itself, or string statistics with a distinct count and one bucket per
value. Reference: data-quality.md §2; AWS page "Schema for Statistics (statistics.json file)"
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-statistics.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from labkit.data_quality.kll import KLLSketch
from labkit.data_quality.profile import ColumnProfile, Moments, profile_frame
from labkit.data_quality.types import NUMERIC_TYPES
from labkit.errors import LabkitInputError
from labkit.jsonfiles import JsonShape, read_json, write_json

__all__ = [
    "FILE_NAME",
    "FeatureStatistics",
    "NumericalStatistics",
    "Statistics",
    "StringStatistics",
    "compute_statistics",
    "order_categories",
    "statistics_from_columns",
]

FILE_NAME = "statistics.json"  # SDK monitoring_files.py: STATISTICS_JSON_DEFAULT_FILE_NAME
VERSION = 0.0  # real files write 0.0 (the docs show 0)
INFERRED_TYPES = ("Integral", "Fractional", "String", "Unknown")
# Deequ's ColumnProfiler computes a histogram only for columns with at most this many (approx.)
# distinct values (ColumnProfiler.DEFAULT_CARDINALITY_THRESHOLD = 120, awslabs/deequ). [C] a real
# suggest_baseline output of 2024 leaves ``distribution`` out of string_statistics for ids, zip
# codes and cities (issue 19); that the container uses exactly Deequ's 120 is [U].
HISTOGRAM_MAX_DISTINCT = 120


def order_categories(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Categorical buckets in the order the twin writes them; nulls never get a bucket."""
    # [U] reference: data-quality.md §2.4 — order undocumented: count descending, then value ascending.
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class NumericalStatistics:
    """``numerical_statistics`` of an Integral or Fractional feature."""

    num_present: int
    num_missing: int
    mean: float
    sum: float
    std_dev: float  # population standard deviation (Deequ StandardDeviation divides by n)
    min: float
    max: float
    buckets: tuple[tuple[float, float, int], ...]  # (lower_bound, upper_bound, count)
    sketch: KLLSketch | None

    def to_dict(self) -> dict[str, Any]:
        kll: dict[str, Any] = {
            "buckets": [
                {"lower_bound": lo, "upper_bound": hi, "count": n} for lo, hi, n in self.buckets
            ]
        }
        if self.sketch is not None:
            kll["sketch"] = self.sketch.to_dict()
        return {
            "common": {"num_present": self.num_present, "num_missing": self.num_missing},
            "mean": self.mean,
            "sum": self.sum,
            "std_dev": self.std_dev,
            "min": self.min,
            "max": self.max,
            "distribution": {"kll": kll},
        }


@dataclass(frozen=True)
class StringStatistics:
    """``string_statistics`` of a String (or all-missing Unknown) feature."""

    num_present: int
    num_missing: int
    distinct_count: float  # HyperLogLog++ estimate, as Deequ's ApproxCountDistinct (hyperloglog.py)
    # (value, count), see order_categories; None: no ``distribution`` (HISTOGRAM_MAX_DISTINCT)
    buckets: tuple[tuple[str, int], ...] | None

    def counts(self) -> dict[str, int]:
        return dict(self.buckets or ())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "common": {"num_present": self.num_present, "num_missing": self.num_missing},
            "distinct_count": self.distinct_count,
        }
        if self.buckets is not None:
            out["distribution"] = {
                "categorical": {"buckets": [{"value": v, "count": n} for v, n in self.buckets]}
            }
        return out


@dataclass(frozen=True)
class FeatureStatistics:
    """One entry of ``features``: exactly one of ``numerical`` and ``string`` is set."""

    name: str
    inferred_type: str
    numerical: NumericalStatistics | None = None
    string: StringStatistics | None = None

    @property
    def num_present(self) -> int:
        return (self.numerical or self.string).num_present

    @property
    def num_missing(self) -> int:
        return (self.numerical or self.string).num_missing

    @property
    def completeness(self) -> float:
        """Non-null fraction; 0.0 for a feature with no rows."""
        total = self.num_present + self.num_missing
        return self.num_present / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "inferred_type": self.inferred_type}
        if self.numerical is not None:
            out["numerical_statistics"] = self.numerical.to_dict()
        if self.string is not None:
            out["string_statistics"] = self.string.to_dict()
        return out


@dataclass(frozen=True)
class Statistics:
    """The whole statistics.json: ``dataset.item_count`` and one entry per column, in column order."""

    item_count: int
    features: tuple[FeatureStatistics, ...]
    version: float = VERSION

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def feature(self, name: str) -> FeatureStatistics:
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": float(self.version),
            "dataset": {"item_count": self.item_count},
            "features": [f.to_dict() for f in self.features],
        }

    def to_json(self, directory: str | Path) -> Path:
        """Write ``<directory>/statistics.json`` and return its path."""
        return write_json(self.to_dict(), Path(directory) / FILE_NAME)

    @classmethod
    def from_json(cls, path: str | Path) -> Statistics:
        """Read a statistics.json (the twin's or a real one); a directory means its statistics.json."""
        path = Path(path)
        if path.is_dir():
            path = path / FILE_NAME
        return cls.from_dict(read_json(path), path=path)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | Path | None = None) -> Statistics:
        """Read the file's object; ``dataset.item_count`` and ``features`` are required, as in the
        AWS schema, and every feature name must be unique (a check is looked up by name)."""
        reader = _Reader(path)
        top = reader.mapping(data, "")
        dataset = reader.mapping(reader.required(top, "dataset", ""), "dataset")
        entries = reader.sequence(reader.required(top, "features", ""), "features")
        features = tuple(reader.feature(entry, f"features[{i}]") for i, entry in enumerate(entries))
        reader.unique_names([f.name for f in features], "features")
        return cls(
            item_count=reader.integer(
                reader.required(dataset, "item_count", "dataset"), "dataset.item_count"
            ),
            features=features,
            version=reader.number(top.get("version", VERSION), "version"),
        )


def compute_statistics(df: pd.DataFrame, *, path: str | Path | None = None) -> Statistics:
    """Profile ``df`` as the container profiles a dataset: one feature per column, in column order.

    ``path`` (the file ``df`` was read from) only names the file in errors.
    """
    profile = profile_frame(df)
    return statistics_from_columns(profile.columns, item_count=profile.item_count, path=path)


def statistics_from_columns(
    columns: Mapping[str, ColumnProfile], *, item_count: int, path: str | Path | None = None
) -> Statistics:
    """Statistics from column profiles (the monitor reuses them for its checks)."""
    return Statistics(item_count, tuple(_feature(name, col, path) for name, col in columns.items()))


def _feature(name: str, column: ColumnProfile, path: str | Path | None) -> FeatureStatistics:
    return column.derived(("feature statistics", name, None if path is None else str(path)),
                          lambda: _new_feature(name, column, path))  # fmt: skip


def _new_feature(name: str, column: ColumnProfile, path: str | Path | None) -> FeatureStatistics:
    counts = column.type_counts()
    inferred = counts.inferred_type
    if inferred in NUMERIC_TYPES:
        numerical = _numerical(name, column.moments, column.sketch(), counts.null, path)
        return FeatureStatistics(name, inferred, numerical=numerical)
    # [U] reference: data-quality.md §2.2 — an all-missing (Unknown) column gets string_statistics.
    value_counts = column.value_counts() if counts.non_null else {}
    distinct = float(column.distinct_count()) if counts.non_null else 0.0
    string = StringStatistics(
        num_present=counts.non_null,
        num_missing=counts.null,
        distinct_count=distinct,
        # Deequ's profiler builds the histogram when its approximate distinct count is at most
        # the threshold (HISTOGRAM_MAX_DISTINCT); for so few values the estimate is exact.
        buckets=tuple(order_categories(value_counts)) if distinct <= HISTOGRAM_MAX_DISTINCT else None,
    )
    return FeatureStatistics(name, inferred, string=string)


def _numerical(
    name: str, moments: Moments, sketch: KLLSketch, num_missing: int, path: str | Path | None
) -> NumericalStatistics:
    # Huge values (e.g. ±1e308) overflow the sum, the spread max − min that places the buckets, or
    # the squares behind std_dev; statistics.json cannot hold the inf that results, so refuse the
    # column instead of letting numpy warn and a later step fail.
    with np.errstate(over="ignore", invalid="ignore"):
        total, mean, std_dev = moments.total, moments.mean, moments.std_dev
        spread = moments.maximum - moments.minimum
    if not all(np.isfinite([total, spread, std_dev])) or not moments.finite:
        raise LabkitInputError(
            f"values too large for a double: the column's sum, range or standard deviation "
            f"overflows (largest magnitude {moments.largest:g})",
            path=path,
            column=name,
        )
    return NumericalStatistics(
        num_present=moments.count,
        num_missing=num_missing,
        mean=mean,
        sum=total,
        std_dev=std_dev,
        min=moments.minimum,
        max=moments.maximum,
        buckets=tuple(sketch.buckets(moments.minimum, moments.maximum)),
        sketch=sketch,
    )


class _Reader(JsonShape):
    """Lenient reading of real files: unknown keys ignored, numbers in any JSON spelling, errors located."""

    def feature(self, entry: Any, key: str) -> FeatureStatistics:
        entry = self.mapping(entry, key)
        name, inferred = entry.get("name"), entry.get("inferred_type")
        if not isinstance(name, str):
            self.fail(f"{key}.name", "a string", name)
        if inferred not in INFERRED_TYPES:
            self.fail(f"{key}.inferred_type", " or ".join(INFERRED_TYPES), inferred)
        numerical = string = None
        if "numerical_statistics" in entry:
            numerical = self.numerical(entry["numerical_statistics"], f"{key}.numerical_statistics")
        if "string_statistics" in entry:
            string = self.string(entry["string_statistics"], f"{key}.string_statistics")
        if numerical is None and string is None:
            self.fail(key, "numerical_statistics or string_statistics", sorted(entry))
        return FeatureStatistics(name, inferred, numerical=numerical, string=string)

    def common(self, stats: Mapping[str, Any], key: str) -> tuple[int, int]:
        common = self.mapping(stats.get("common", {}), f"{key}.common")
        return (
            self.integer(common.get("num_present", 0), f"{key}.common.num_present"),
            self.integer(common.get("num_missing", 0), f"{key}.common.num_missing"),
        )

    def numerical(self, stats: Any, key: str) -> NumericalStatistics:
        stats = self.mapping(stats, key)
        present, missing = self.common(stats, key)
        kll = self.mapping(
            self.mapping(stats.get("distribution", {}), f"{key}.distribution").get("kll", {}), key
        )
        buckets = tuple(
            (
                self.number(
                    b.get("lower_bound"), f"{key}.distribution.kll.buckets[{i}].lower_bound"
                ),
                self.number(
                    b.get("upper_bound"), f"{key}.distribution.kll.buckets[{i}].upper_bound"
                ),
                self.integer(b.get("count"), f"{key}.distribution.kll.buckets[{i}].count"),
            )
            for i, b in enumerate(
                self.sequence(kll.get("buckets", []), f"{key}.distribution.kll.buckets")
            )
        )
        sketch = None
        if "sketch" in kll:
            raw = self.mapping(kll["sketch"], f"{key}.distribution.kll.sketch")
            levels = self.sequence(raw.get("data", []), f"{key}.distribution.kll.sketch.data")
            for h, level in enumerate(levels):
                for v in self.sequence(level, f"{key}.distribution.kll.sketch.data[{h}]"):
                    self.number(v, f"{key}.distribution.kll.sketch.data[{h}]")
            sketch = KLLSketch.from_dict(raw)
        fields = {
            k: self.number(stats.get(k), f"{key}.{k}")
            for k in ("mean", "sum", "std_dev", "min", "max")
        }
        return NumericalStatistics(present, missing, buckets=buckets, sketch=sketch, **fields)

    def string(self, stats: Any, key: str) -> StringStatistics:
        stats = self.mapping(stats, key)
        present, missing = self.common(stats, key)
        categorical = self.mapping(stats.get("distribution", {}), f"{key}.distribution").get(
            "categorical", {}
        )
        raw = self.sequence(
            self.mapping(categorical, key).get("buckets", []),
            f"{key}.distribution.categorical.buckets",
        )
        buckets = []
        for i, b in enumerate(raw):
            where = f"{key}.distribution.categorical.buckets[{i}]"
            value = self.mapping(b, where).get("value")
            if not isinstance(value, str):
                self.fail(f"{where}.value", "a string", value)
            buckets.append((value, self.integer(b.get("count"), f"{where}.count")))
        distinct = self.number(
            stats.get("distinct_count", float(len(buckets))), f"{key}.distinct_count"
        )
        # No ``distribution`` at all: a high-cardinality column (HISTOGRAM_MAX_DISTINCT).
        return StringStatistics(
            present, missing, distinct, tuple(buckets) if "distribution" in stats else None
        )
