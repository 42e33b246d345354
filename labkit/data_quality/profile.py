"""Mergeable column profiles: everything statistics.json and the six checks need, chunk by chunk.

A profile holds, per column, what Deequ's analyzers keep as state while they scan a dataset:
the count of each per-value type class (``DataType``), the moments of the numeric values
(``Mean``, ``StandardDeviation``, ``Minimum``, ``Maximum``, ``Sum``; Chan's parallel update
merges them), the KLL sketch (``KLLSketch``), the HyperLogLog registers (``ApproxCountDistinct``)
and the count of each distinct text (``Histogram``, for String columns). Each part can absorb
one more chunk and merge with another profile, so a file of any size is profiled in bounded
memory (``engine``) or on Spark partitions (``spark``), and a DataFrame in one go.

Value counts are exact. A column whose distinct texts pass ``VALUE_COUNT_LIMIT`` in a chunked
run stops counting them (a numeric column has about as many texts as rows); if it turns out to
need them (it is String after all) the engine counts them again in a second pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from labkit.data_quality.hyperloglog import HyperLogLog
from labkit.data_quality.kll import KLLBuilder, KLLSketch
from labkit.data_quality.types import ColumnText, TypeCounts, column_text
from labkit.errors import LabkitInputError

__all__ = ["VALUE_COUNT_LIMIT", "ColumnProfile", "DatasetProfile", "Moments", "profile_frame"]

VALUE_COUNT_LIMIT = 50_000  # distinct texts counted per column in a chunked run before giving up


@dataclass
class Moments:
    """Count, sum, mean, sum of squared deviations, min and max of the numeric values; mergeable."""

    count: int = 0
    total: float = 0.0
    m2: float = 0.0  # Σ (x − mean)²
    minimum: float = math.inf
    maximum: float = -math.inf
    finite: bool = True
    largest: float = 0.0  # largest magnitude seen (for the overflow message)

    @property
    def mean(self) -> float:
        return self.total / self.count  # Deequ Mean: sum / count

    @property
    def std_dev(self) -> float:
        return math.sqrt(self.m2 / self.count)  # Deequ StandardDeviation: population, divides by n

    def add(self, values: np.ndarray) -> None:
        """Absorb one chunk of values (for one chunk this is the one-shot two-pass computation)."""
        if len(values) == 0:
            return
        with np.errstate(over="ignore", invalid="ignore"):
            total = float(np.sum(values))
            mean = total / len(values)
            part = Moments(
                count=len(values),
                total=total,
                m2=float(np.sum((values - mean) ** 2)),
                minimum=float(values.min()),
                maximum=float(values.max()),
                finite=bool(np.isfinite(values).all()),
                largest=float(np.max(np.abs(values))),
            )
        self.merge(part)

    def merge(self, other: Moments) -> None:
        """Chan et al.'s pairwise update: exact up to floating-point rounding, in any order."""
        if other.count == 0:
            return
        if self.count == 0:
            self.__dict__.update(other.__dict__)
            return
        count = self.count + other.count
        with np.errstate(over="ignore", invalid="ignore"):
            delta = other.mean - self.mean
            self.m2 = self.m2 + other.m2 + delta * delta * self.count * other.count / count
            self.total += other.total
        self.count = count
        self.minimum, self.maximum = (
            min(self.minimum, other.minimum),
            max(self.maximum, other.maximum),
        )
        self.finite = self.finite and other.finite
        self.largest = max(self.largest, other.largest)


class ColumnProfile:
    """One column's mergeable state; offers what the statistics and the checks read from a column.

    ``value_limit`` None counts every distinct text; a number stops counting past it (see the
    module docstring).
    """

    def __init__(self, *, value_limit: int | None = None) -> None:
        self.classes = np.zeros(5, dtype=np.int64)
        self.moments = Moments()
        self.kll = KLLBuilder()
        self.values: dict[str, int] | None = {}
        self.value_limit = value_limit
        self.hll = HyperLogLog()
        self._unhashed: list[ColumnText] = []  # typed chunks, hashed only if a count is asked for
        self._derived: dict[Any, tuple[Any, Any]] = {}  # see derived(); forgotten on every change

    def derived(self, key: Hashable, make: Callable[[], Any], *, of: object = None) -> Any:
        """``make()``, computed once for the column as it is now: ``add``, ``merge`` and new value
        counts forget it. ``of``: an object the result also depends on, matched by identity (a
        baseline feature), so a column profiled once and monitored again (the workflow
        simulation's unchanged columns) is not measured again.
        """
        kept = self._derived.get(key)
        if kept is None or kept[0] is not of:
            kept = self._derived[key] = (of, make())
        return kept[1]

    def add(self, chunk: ColumnText) -> ColumnProfile:
        """Absorb the next chunk of this column (rows in file order)."""
        self._derived = {}
        counts = chunk.type_counts()
        self.classes += np.array(
            [counts.null, counts.fractional, counts.integral, counts.boolean, counts.string]
        )
        values = chunk.numeric_values()
        self.moments.add(values)
        self.kll.update(values)
        if chunk.codes is None:  # typed numbers: render their texts only when needed
            self._unhashed.append(chunk)
            if self.values is not None and self.value_limit is not None:
                self.values = None
            return self
        texts, text_counts = chunk.present_texts()
        self.hll.add(texts)
        if self.values is not None:
            if self.value_limit is not None and len(self.values) + len(texts) > self.value_limit:
                self.values = None
            else:
                self.count_values(texts.to_pylist(), text_counts.tolist())
        return self

    def count_values(self, texts: Iterable[str], counts: Iterable[int]) -> None:
        """Add occurrences of texts to the value counts."""
        self._derived = {}
        values = self.values if self.values is not None else {}
        for text, count in zip(texts, counts):
            values[text] = values.get(text, 0) + count
        self.values = values
        if self.value_limit is not None and len(values) > self.value_limit:
            self.values = None

    def merge(self, other: ColumnProfile) -> ColumnProfile:
        """Combine with the profile of other rows of the same column (a chunk or a partition)."""
        self._derived = {}
        self.classes += other.classes
        self.moments.merge(other.moments)
        self.kll.merge(other.kll)
        self.hll.merge(other.hll)
        self._unhashed += other._unhashed
        if self.values is None or other.values is None:
            self.values = None
        else:
            self.count_values(other.values.keys(), other.values.values())
        return self

    def _hash_pending(self) -> None:
        for chunk in self._unhashed:
            texts, counts = chunk.present_texts()
            self.hll.add(texts)
            if self.values is not None:
                self.count_values(texts.to_pylist(), counts.tolist())
        self._unhashed = []

    # -- what statistics.py and violations.py read ------------------------------------------------

    def type_counts(self) -> TypeCounts:
        return TypeCounts(*(int(c) for c in self.classes))

    @property
    def has_value_counts(self) -> bool:
        return self.values is not None

    def value_counts(self) -> dict[str, int]:
        """Count of each present text (missing excluded), as a CSV writer would spell it."""
        self._hash_pending()
        if self.values is None:
            raise RuntimeError("value counts were not kept for this column; count them again")
        return self.values

    def distinct_count(self) -> int:
        """Distinct present texts, estimated by HyperLogLog++ as Deequ's ApproxCountDistinct does."""
        self._hash_pending()
        return self.derived("distinct count", self.hll.count)

    def sketch(self) -> KLLSketch:
        """The KLL sketch of the Integral and Fractional values."""
        return self.kll.sketch()


@dataclass
class DatasetProfile:
    """Profiles of every column of a dataset, in column order, and its number of rows."""

    columns: dict[str, ColumnProfile] = field(default_factory=dict)
    item_count: int = 0

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def __len__(self) -> int:
        return self.item_count

    def items(self) -> Iterator[tuple[str, ColumnProfile]]:
        return iter(self.columns.items())

    def merge(self, other: DatasetProfile) -> DatasetProfile:
        for name, column in other.columns.items():
            self.columns[name].merge(column)
        self.item_count += other.item_count
        return self


def column_names(names: Iterable[object]) -> list[str]:
    """Column names as text; repeated names are refused (statistics.json names each feature once)."""
    names = [str(name) for name in names]
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise LabkitInputError(f"column names repeat: {', '.join(repeated)}")
    return names


def profile_frame(df: pd.DataFrame) -> DatasetProfile:
    """Profile a DataFrame in one chunk (text cells or typed columns, see ``types.column_text``)."""
    names = column_names(df.columns)
    return DatasetProfile(
        {name: ColumnProfile().add(column_text(df.iloc[:, i])) for i, name in enumerate(names)},
        item_count=len(df),
    )


def as_profile(data: pd.DataFrame | DatasetProfile | Mapping[str, ColumnProfile]) -> DatasetProfile:
    """A DataFrame profiled, or a profile as it is."""
    if isinstance(data, DatasetProfile):
        return data
    if isinstance(data, pd.DataFrame):
        return profile_frame(data)
    raise TypeError(f"expected a DataFrame or a DatasetProfile, found {type(data).__name__}")
