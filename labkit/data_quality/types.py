"""Deequ's per-value type inference, which decides ``inferred_type`` in statistics.json.

The Model Monitor container profiles data with Deequ, which reads every cell as text and puts it
in one class with three regular expressions (``StatefulDataType``), then decides the column's
type from the class counts (``DataTypeHistogram.determineType``). Reference: data-quality.md §6.

Typed DataFrame columns are judged on the text a CSV writer (``DataFrame.to_csv``) would
write for them, because that is what the container would read:

* integers (``int64``, nullable ``Int64``) → ``"8"``: Integral;
* floats → Python's shortest round-trip form, ``1.0`` → ``"1.0"``: Fractional (every finite
  float prints with a ``.`` or an exponent), ``inf`` → ``"inf"``: String, NaN → missing;
* booleans → ``"True"``/``"False"``: String (Deequ's Boolean pattern is lower case only);
* text cells (``csvfiles.read_csv_text``) are used as written; ``None``, NaN and ``""`` are missing.

Classification runs once per distinct text, with the Deequ patterns below run by pyarrow's
RE2 kernels over the whole array (tests/data_quality/test_types.py checks them against ``re``);
numbers are parsed by pyarrow's cast, also vectorised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BOOLEAN",
    "BOOLEAN_PATTERN",
    "CLASS_NAMES",
    "FRACTIONAL",
    "FRACTIONAL_PATTERN",
    "INTEGRAL",
    "INTEGRAL_PATTERN",
    "NULL",
    "NUMERIC_TYPES",
    "STRING",
    "ColumnText",
    "TypeCounts",
    "classify",
    "column_text",
    "column_text_from_arrow",
    "parse_numbers",
    "schema_type_name",
]

# Deequ StatefulDataType (analyzers/catalyst/StatefulDataType.scala), tested in this order on the
# whole string. Java's \d is ASCII only, hence [0-9].
FRACTIONAL_PATTERN = re.compile(r"(-|\+)? ?[0-9]+((\.[0-9]+)|((?:\.[0-9]+)?[Ee][-+]?[0-9]+))")
INTEGRAL_PATTERN = re.compile(r"(-|\+)? ?[0-9]+")
BOOLEAN_PATTERN = re.compile(r"(true|false)")

# Per-value classes, numbered as Deequ's DataTypeInstances.
NULL, FRACTIONAL, INTEGRAL, BOOLEAN, STRING = 0, 1, 2, 3, 4
CLASS_NAMES = ("Unknown", "Fractional", "Integral", "Boolean", "String")
NUMERIC_TYPES = ("Integral", "Fractional")

# The same patterns for RE2 (pyarrow): anchored; RE2's $ matches only at the end of the text
# (as Python's fullmatch), and [0-9] is ASCII in both.
_FRACTIONAL_RE2 = f"^(?:{FRACTIONAL_PATTERN.pattern})$"
_INTEGRAL_RE2 = f"^(?:{INTEGRAL_PATTERN.pattern})$"


def schema_type_name(deequ_type: str) -> str:
    """The ``inferred_type`` SageMaker writes for a Deequ type.

    SageMaker's schema has no Boolean (Integral, Fractional, String, Unknown).
    """
    # [U] reference: data-quality.md §6 — a Boolean column (and a Boolean value) is written as String.
    return "String" if deequ_type == "Boolean" else deequ_type


@dataclass(frozen=True)
class TypeCounts:
    """How many values of a column fall in each Deequ class (DataTypeHistogram)."""

    null: int = 0
    fractional: int = 0
    integral: int = 0
    boolean: int = 0
    string: int = 0

    @property
    def non_null(self) -> int:
        return self.fractional + self.integral + self.boolean + self.string

    def count(self, schema_type: str) -> int:
        """Non-null values whose own class is ``schema_type`` (Boolean values count as String)."""
        per_class = {"Fractional": self.fractional, "Integral": self.integral}
        per_class.update(
            Boolean=self.boolean, String=self.string
        )  # a non-null value is never Unknown
        return sum(n for cls, n in per_class.items() if schema_type_name(cls) == schema_type)

    @property
    def inferred_type(self) -> str:
        """Deequ's ``determineType`` over these counts, in SageMaker's names."""
        if self.non_null == 0:
            deequ = "Unknown"
        elif self.string > 0 or (self.boolean > 0 and (self.integral > 0 or self.fractional > 0)):
            deequ = "String"
        elif self.boolean > 0:
            deequ = "Boolean"
        elif self.fractional > 0:
            deequ = "Fractional"
        else:
            deequ = "Integral"
        return schema_type_name(deequ)


@dataclass(frozen=True, eq=False)
class ColumnText:
    """One column (or one chunk of it), classified.

    Text input: ``codes[i]`` indexes ``uniques`` (-1 = missing), ``classes`` per unique. Typed
    numeric input: ``numbers`` holds the row values (NaN = missing), ``classes`` per row, and the
    texts a CSV writer would give them are rendered only when asked for (``texts()``).
    """

    codes: np.ndarray | None
    uniques: pa.Array | None  # distinct texts (pyarrow strings)
    classes: np.ndarray  # per unique (text input) or per row (typed numeric input)
    numbers: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        return len(self.codes) if self.codes is not None else len(self.numbers)

    @cached_property
    def _unique_counts(self) -> np.ndarray:
        codes = self.codes[self.codes >= 0]
        return np.bincount(codes, minlength=len(self.uniques))

    @cached_property
    def _type_counts(self) -> TypeCounts:
        if self.codes is None:
            counts = np.bincount(self.classes, minlength=5)
        else:
            counts = np.bincount(self.classes, weights=self._unique_counts, minlength=5)
            counts[NULL] = self.n_rows - int(self._unique_counts.sum()) + int(counts[NULL])
        return TypeCounts(*(int(c) for c in counts))

    def type_counts(self) -> TypeCounts:
        """How many rows fall in each Deequ class."""
        return self._type_counts

    def present_texts(self) -> tuple[pa.Array, np.ndarray]:
        """(distinct present texts, how many rows hold each): the texts a CSV writer would write."""
        import pyarrow as pa

        if self.codes is None:
            present = self.numbers[~np.isnan(self.numbers)]
            values, counts = np.unique(present, return_counts=True)
            is_float = bool((self.classes == FRACTIONAL).any())
            render = _float_text if is_float else (lambda v: str(int(v)))
            return pa.array([render(v) for v in values.tolist()], pa.string()), counts
        keep = (self.classes != NULL) & (self._unique_counts > 0)
        return self.uniques.filter(pa.array(keep)), self._unique_counts[keep]

    def value_counts(self) -> dict[str, int]:
        """Count of each present text (missing excluded), as a CSV writer would spell it."""
        # [U] reference: data-quality.md §2.4 — missing values get no bucket.
        texts, counts = self.present_texts()
        return dict(zip(texts.to_pylist(), counts.tolist()))

    def numeric_values(self) -> np.ndarray:
        """The values of the Integral and Fractional rows as doubles, in row order (others left out)."""
        if self.codes is None:
            return self.numbers[np.isin(self.classes, (INTEGRAL, FRACTIONAL))]
        wanted = (self.classes == INTEGRAL) | (self.classes == FRACTIONAL)
        if not wanted.any():
            return np.empty(0)
        import pyarrow as pa

        parsed = np.full(len(self.uniques), np.nan)
        parsed[wanted] = parse_numbers(self.uniques.filter(pa.array(wanted)))
        codes = self.codes[self.codes >= 0]
        codes = codes[wanted[codes]]
        return parsed[codes]


def column_text(series: pd.Series) -> ColumnText:
    """Classify every value of ``series`` the way Deequ would classify its CSV text."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        series = series.astype(object)
    elif pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
        integer = pd.api.types.is_integer_dtype(dtype)
        classes = np.where(np.isnan(numbers), NULL, INTEGRAL if integer else FRACTIONAL).astype(
            np.int8
        )
        if not integer and np.isinf(numbers).any():  # "inf" / "-inf": no longer numeric, keep texts
            return _from_objects(pd.Series(np.where(np.isnan(numbers), None, numbers), dtype=object))
        return ColumnText(codes=None, uniques=None, classes=classes, numbers=numbers)
    return _from_objects(series)


def column_text_from_arrow(texts: pa.Array) -> ColumnText:
    """Classify a pyarrow string array (a CSV chunk's column; "" and null are missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(texts)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    uniques = encoded.dictionary
    return ColumnText(codes=codes, uniques=uniques, classes=classify(uniques))


def classify(texts: np.ndarray | pa.Array) -> np.ndarray:
    """Deequ class (FRACTIONAL, INTEGRAL, BOOLEAN, STRING; NULL for ``""``) of each text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = texts if isinstance(texts, pa.Array) else pa.array(np.asarray(texts, dtype=object), pa.string())
    out = np.full(len(array), STRING, dtype=np.int8)
    if len(array) == 0:
        return out
    out[_mask(pc.is_in(array, value_set=pa.array(["true", "false"])))] = BOOLEAN
    out[_mask(pc.match_substring_regex(array, _INTEGRAL_RE2))] = INTEGRAL
    out[_mask(pc.match_substring_regex(array, _FRACTIONAL_RE2))] = FRACTIONAL
    out[_mask(pc.equal(pc.binary_length(array), 0))] = NULL
    out[_mask(pc.is_null(array))] = NULL
    return out


def parse_numbers(texts: np.ndarray | pa.Array) -> np.ndarray:
    """Parse Integral/Fractional texts as doubles (the optional space after the sign is dropped)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = texts if isinstance(texts, pa.Array) else pa.array(np.asarray(texts, dtype=object), pa.string())
    if len(array) == 0:
        return np.empty(0)
    return pc.cast(pc.replace_substring(array, " ", ""), pa.float64()).to_numpy(zero_copy_only=False)


def _mask(result: pa.Array) -> np.ndarray:
    return result.fill_null(False).to_numpy(zero_copy_only=False)


def _from_objects(series: pd.Series) -> ColumnText:
    import pyarrow as pa

    values = series.to_numpy(dtype=object)  # factorize treats None, NaN and pd.NA as missing
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        uniques = np.array([_cell_text(u) for u in uniques.tolist()], dtype=object)
        codes, uniques = _merge_equal_texts(codes, uniques)
    array = pa.array(uniques, pa.string())
    return ColumnText(codes=codes.astype(np.int64), uniques=array, classes=classify(array))


def _merge_equal_texts(codes: np.ndarray, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Different Python objects can print the same (1 and 1.0 do not; "1" and 1 do)."""
    new_codes, uniques = pd.factorize(texts)
    remapped = np.where(codes >= 0, new_codes[np.maximum(codes, 0)], -1)
    return remapped, np.asarray(uniques, dtype=object)


def _cell_text(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (float, np.floating)):
        return _float_text(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def _float_text(value: float) -> str:
    return repr(float(value))  # what DataFrame.to_csv writes: "1.0", "1e-05", "inf"
