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

Classification runs once per distinct text, with a vectorised automaton equivalent to the
Deequ patterns below (tests/data_quality/test_types.py checks it against ``re``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

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

# Texts longer than this are classified with the regular expressions instead of the automaton,
# so one long free-text cell does not blow up the character matrix.
_MATRIX_MAX_CHARS = 64


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
    """A column as distinct texts: ``codes[i]`` indexes ``uniques`` (-1 = missing), ``classes`` per unique.

    For typed numeric columns ``numbers`` holds the row values directly (NaN = missing) and
    ``uniques`` is filled lazily by ``texts()`` only when the column turns out not to be numeric.
    """

    codes: np.ndarray | None
    uniques: np.ndarray | None
    classes: np.ndarray  # per unique (text input) or per row (typed numeric input)
    numbers: np.ndarray | None = None

    @cached_property
    def _row_classes(self) -> np.ndarray:
        if self.codes is None:
            return self.classes
        out = np.full(len(self.codes), NULL, dtype=np.int8)
        present = self.codes >= 0
        out[present] = self.classes[self.codes[present]]
        return out

    def row_classes(self) -> np.ndarray:
        """The Deequ class of every row (``NULL`` for missing)."""
        return self._row_classes

    @cached_property
    def _type_counts(self) -> TypeCounts:
        counts = np.bincount(self._row_classes, minlength=5)
        return TypeCounts(*(int(c) for c in counts))

    @cached_property
    def _value_counts(self) -> dict[str, int]:
        # [U] reference: data-quality.md §2.4 — missing values get no bucket (codes -1 are dropped).
        codes, uniques = self.texts()
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        keep = counts > 0
        return dict(zip(uniques[keep].tolist(), counts[keep].tolist()))

    def type_counts(self) -> TypeCounts:
        """How many rows fall in each Deequ class."""
        return self._type_counts

    def value_counts(self) -> dict[str, int]:
        """Count of each present text (missing excluded), as a CSV writer would spell it."""
        return self._value_counts

    def distinct_count(self) -> int:
        """Exact number of distinct present texts (Deequ estimates it with HyperLogLog++)."""
        if self.codes is None:
            return len(pd.unique(self.numbers[~np.isnan(self.numbers)]))
        return int(np.count_nonzero(self.classes != NULL))

    def texts(self) -> tuple[np.ndarray, np.ndarray]:
        """(codes, uniques) of the rendered texts; renders typed numbers on demand."""
        if self.codes is not None:
            return self.codes, self.uniques
        present = ~np.isnan(self.numbers)
        codes = np.full(len(self.numbers), -1, dtype=np.int64)
        values, inverse = np.unique(self.numbers[present], return_inverse=True)
        codes[present] = inverse
        is_float = bool((self.classes == FRACTIONAL).any())
        render = _float_text if is_float else (lambda v: str(int(v)))
        return codes, np.array([render(v) for v in values.tolist()], dtype=object)

    def numeric_values(self) -> np.ndarray:
        """The values of the Integral and Fractional rows as doubles, in row order (others left out)."""
        return self._numeric_values

    @cached_property
    def _numeric_values(self) -> np.ndarray:
        rows = np.isin(self._row_classes, (INTEGRAL, FRACTIONAL))
        if self.codes is None:
            return self.numbers[rows]
        parsed = np.full(len(self.uniques), np.nan)
        wanted = np.isin(self.classes, (INTEGRAL, FRACTIONAL))
        parsed[wanted] = parse_numbers(self.uniques[wanted])
        return parsed[self.codes[rows]]


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
        if not integer:
            classes[np.isinf(numbers)] = STRING  # "inf" / "-inf"
            if (classes == STRING).any():  # no longer numeric: keep the texts
                return _from_objects(
                    pd.Series(np.where(np.isnan(numbers), None, numbers), dtype=object)
                )
        return ColumnText(codes=None, uniques=None, classes=classes, numbers=numbers)
    return _from_objects(series)


def classify(texts: np.ndarray) -> np.ndarray:
    """Deequ class (FRACTIONAL, INTEGRAL, BOOLEAN, STRING; NULL for ``""``) of each text."""
    texts = np.asarray(texts, dtype=object)
    out = np.full(len(texts), STRING, dtype=np.int8)
    if len(texts) == 0:
        return out
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    short = lengths <= _MATRIX_MAX_CHARS
    if short.any():
        out[short] = _classify_matrix(texts[short], lengths[short])
    for i in np.flatnonzero(~short):
        out[i] = _classify_regex(texts[i])
    out[lengths == 0] = NULL
    return out


def parse_numbers(texts: np.ndarray) -> np.ndarray:
    """Parse Integral/Fractional texts as doubles (the optional space after the sign is dropped)."""
    texts = np.asarray(texts, dtype=object)
    if len(texts) == 0:
        return np.empty(0)
    cleaned = [t.replace(" ", "") if " " in t else t for t in texts.tolist()]
    return np.asarray(cleaned, dtype=np.str_).astype(np.float64)


def _from_objects(series: pd.Series) -> ColumnText:
    values = series.to_numpy(dtype=object)  # factorize treats None, NaN and pd.NA as missing
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        uniques = np.array([_cell_text(u) for u in uniques.tolist()], dtype=object)
        codes, uniques = _merge_equal_texts(codes, uniques)
    classes = classify(uniques)
    if (classes == NULL).any():  # "" is a missing cell, as Spark reads an empty CSV field
        codes = np.where((codes >= 0) & (classes[np.maximum(codes, 0)] == NULL), -1, codes)
    return ColumnText(codes=codes.astype(np.int64), uniques=uniques, classes=classes)


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


def _classify_regex(text: str) -> int:
    if text == "":
        return NULL
    if FRACTIONAL_PATTERN.fullmatch(text):
        return FRACTIONAL
    if INTEGRAL_PATTERN.fullmatch(text):
        return INTEGRAL
    if BOOLEAN_PATTERN.fullmatch(text):
        return BOOLEAN
    return STRING


# Automaton accepting exactly FRACTIONAL_PATTERN | INTEGRAL_PATTERN, one character class per step.
# Character classes: 0 other, 1 digit, 2 sign, 3 space, 4 dot, 5 e/E.
_START, _SIGN, _SPACE, _INT, _DOT, _FRAC, _EXP, _EXPSIGN, _EXPDIGITS, _REJECT = range(10)
_TRANSITIONS = np.full((10, 6), _REJECT, dtype=np.int8)
_TRANSITIONS[_START, [1, 2, 3]] = [_INT, _SIGN, _SPACE]
_TRANSITIONS[_SIGN, [1, 3]] = [_INT, _SPACE]
_TRANSITIONS[_SPACE, 1] = _INT
_TRANSITIONS[_INT, [1, 4, 5]] = [_INT, _DOT, _EXP]
_TRANSITIONS[_DOT, 1] = _FRAC
_TRANSITIONS[_FRAC, [1, 5]] = [_FRAC, _EXP]
_TRANSITIONS[_EXP, [1, 2]] = [_EXPDIGITS, _EXPSIGN]
_TRANSITIONS[_EXPSIGN, 1] = _EXPDIGITS
_TRANSITIONS[_EXPDIGITS, 1] = _EXPDIGITS
_CHAR_CLASS = np.zeros(129, dtype=np.int8)  # index 128 = any non-ASCII character
_CHAR_CLASS[ord("0") : ord("9") + 1] = 1
_CHAR_CLASS[[ord("+"), ord("-")]] = 2
_CHAR_CLASS[ord(" ")] = 3
_CHAR_CLASS[ord(".")] = 4
_CHAR_CLASS[[ord("e"), ord("E")]] = 5


def _classify_matrix(texts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    width = max(int(lengths.max()), 1)
    fixed = np.asarray(texts.tolist(), dtype=f"<U{width}")
    chars = fixed.view(np.uint32).reshape(len(texts), width)
    state = np.full(len(texts), _START, dtype=np.int8)
    for j in range(width):
        active = lengths > j  # a NUL inside the text is fed as "other" and rejects
        char_class = _CHAR_CLASS[np.minimum(chars[active, j], 128)]
        state[active] = _TRANSITIONS[state[active], char_class]
    out = np.full(len(texts), STRING, dtype=np.int8)
    out[state == _INT] = INTEGRAL
    out[(state == _FRAC) | (state == _EXPDIGITS)] = FRACTIONAL
    out[((fixed == "true") & (lengths == 4)) | ((fixed == "false") & (lengths == 5))] = BOOLEAN
    return out
