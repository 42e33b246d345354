"""Deequ per-value type inference (reference data-quality.md §6)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.data_quality import types
from labkit.data_quality.profile import ColumnProfile
from labkit.data_quality.types import BOOLEAN, FRACTIONAL, INTEGRAL, NULL, STRING, TypeCounts

# Deequ's patterns exactly as StatefulDataType.scala spells them; Java's \d is ASCII (re.ASCII).
DEEQU_FRACTIONAL = re.compile(r"^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$", re.ASCII)
DEEQU_INTEGRAL = re.compile(r"^(-|\+)? ?\d+$", re.ASCII)
DEEQU_BOOLEAN = re.compile(r"^(true|false)$")


def deequ_class(text: str) -> int:
    """Oracle: Scala's ``match`` with these regexes requires the whole string to match."""
    if text == "":
        return NULL
    for pattern, cls in (
        (DEEQU_FRACTIONAL, FRACTIONAL),
        (DEEQU_INTEGRAL, INTEGRAL),
        (DEEQU_BOOLEAN, BOOLEAN),
    ):
        if pattern.fullmatch(text):
            return cls
    return STRING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", INTEGRAL), ("-12", INTEGRAL), ("+3", INTEGRAL), ("- 3", INTEGRAL), (" 3", INTEGRAL), ("007", INTEGRAL),
        ("1.0", FRACTIONAL), ("-2.5", FRACTIONAL), ("3e5", FRACTIONAL), ("1.5E-7", FRACTIONAL), ("1e+16", FRACTIONAL),
        ("true", BOOLEAN), ("false", BOOLEAN),
        ("True", STRING), ("NaN", STRING), ("1,000", STRING), (".5", STRING), ("5.", STRING), ("abc", STRING),
        ("3 ", STRING), ("--3", STRING), ("1e", STRING), ("inf", STRING), ("٣", STRING), ("5\x00", STRING),
        ("", NULL),
    ],
)  # fmt: skip
def test_classify_matches_the_reference_table(text, expected):
    assert types.classify(np.array([text], dtype=object))[0] == expected == deequ_class(text)


@given(st.lists(st.text(alphabet="0123456789+- .eEtrufalsx\x00٣", max_size=12), max_size=40))
def test_vectorised_classifier_equals_deequ_regexes(texts):
    got = types.classify(np.array(texts, dtype=object))
    assert got.tolist() == [deequ_class(t) for t in texts]


def test_long_texts_are_classified_alike():
    long_digits, long_word = "9" * 100, "x" * 100
    assert types.classify(np.array([long_digits, long_word + "1", "1." + "0" * 80], dtype=object)).tolist() == [
        INTEGRAL, STRING, FRACTIONAL
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        (TypeCounts(null=3), "Unknown"),
        (TypeCounts(integral=5, null=1), "Integral"),
        (TypeCounts(integral=5, fractional=1), "Fractional"),  # one 3.5 makes the column Fractional
        (TypeCounts(integral=5, string=1), "String"),
        (TypeCounts(boolean=2, integral=1), "String"),  # Boolean mixed with numbers
        (TypeCounts(boolean=4, null=1), "String"),  # [U] Boolean is written as String
    ],
)
def test_column_type_decision(counts, expected):
    assert counts.inferred_type == expected


def test_boolean_values_count_as_string_matches():
    counts = TypeCounts(boolean=3, string=1, integral=2)
    assert counts.count("String") == 4
    assert counts.count("Integral") == 2
    assert counts.count("Unknown") == 0


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        (pd.Series([1, 8, -3]), "Integral"),  # int 8 → "8"
        (pd.Series([1.0, 2.0]), "Fractional"),  # float 1.0 → "1.0"
        (pd.Series([1, None, 3], dtype="Int64"), "Integral"),
        (pd.Series([1.0, np.nan]), "Fractional"),
        (pd.Series([1.0, np.inf]), "String"),  # "inf"
        (pd.Series([True, False]), "String"),  # to_csv writes True / False
        (pd.Series(["1", "2", None], dtype=object), "Integral"),
        (pd.Series(["1", "2.5", ""], dtype=object), "Fractional"),
        (pd.Series(["a", "b"], dtype="str"), "String"),
        (pd.Series([None, None], dtype=object), "Unknown"),
        (pd.Series([1, 2.5, "x"], dtype=object), "String"),
    ],
)
def test_typed_columns_are_judged_on_their_csv_text(series, expected):
    assert types.column_text(series).type_counts().inferred_type == expected


def test_empty_string_is_missing_and_counts_are_exact():
    column = types.column_text(pd.Series(["1", "", None, "x", "x", "2.0", "true"], dtype=object))
    assert column.type_counts() == TypeCounts(null=2, fractional=1, integral=1, boolean=1, string=2)
    assert column.value_counts() == {"1": 1, "x": 2, "2.0": 1, "true": 1}
    assert ColumnProfile().add(column).distinct_count() == 4  # HyperLogLog++, exact this small


def test_numbers_are_parsed_from_text_including_the_sign_space():
    column = types.column_text(pd.Series(["- 5", "+3", "1e2", None, "0.25"], dtype=object))
    np.testing.assert_array_equal(column.numeric_values(), [-5.0, 3.0, 100.0, 0.25])


def test_typed_numbers_render_texts_for_string_comparisons():
    assert types.column_text(pd.Series([3, 3, 10])).value_counts() == {"3": 2, "10": 1}
    assert types.column_text(pd.Series([0.5, np.nan, 1e-05])).value_counts() == {
        "0.5": 1,
        "1e-05": 1,
    }
