"""The count tables every Clarify bias metric is computed from, and smclarify's safe division.

In smclarify 0.5 each bias metric is a function of row counts: how many rows fall in each cell of
(group d or a) × (observed label positive?) × (predicted label positive?), the same counts inside
each stratum of the group variable (CDDL, CDDPL), and the kNN flip counts (FT). Holding the counts
as arrays with a leading *resample* axis lets one definition per metric serve both the report (one
row: the data itself) and the bootstrap (one row per resample). Reference: bias.md §1–§6.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["A", "Check", "D", "Metric", "Tables", "divide", "evaluate", "tabulate"]

A, D = 0, 1  # index of group a (~sensitive_facet_index) and group d (sensitive_facet_index)

Check = tuple[np.ndarray, str]  # (where the metric is undefined, smclarify's error text)


def divide(x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
    """smclarify's ``common.divide``: 0/0 → 0.0, x/0 → ±inf by the sign of x, else x/y (bias.md §1)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = x / np.where(y == 0, 1.0, y)
    by_zero = np.where(x == 0, 0.0, np.where(x > 0, np.inf, -np.inf))
    return np.where(y == 0, by_zero, quotient)


@dataclass(frozen=True)
class Tables:
    """Counts for B resamples (B = 1: the data itself).

    ``cells[b, g, y, yhat]``: rows of resample b in group g (A or D) with observed label y and
    predicted label yhat (yhat is all False when there are no predictions). ``label_strata`` and
    ``predicted_strata`` are ``[b, stratum, g, outcome]`` (None without a group variable);
    ``flips`` holds FS_pos − FS_neg of the flip test per resample (NaN where the kNN failed) and
    ``flip_error`` why FT cannot be computed at all.
    """

    cells: np.ndarray
    label_strata: np.ndarray | None = None
    predicted_strata: np.ndarray | None = None
    flips: np.ndarray | None = None
    flip_error: str | None = None

    def n(self, g: int) -> np.ndarray:
        return self.cells[:, g].sum(axis=(1, 2)).astype(float)

    def label_positive(self, g: int) -> np.ndarray:
        return self.cells[:, g, 1, :].sum(axis=1).astype(float)

    def predicted_positive(self, g: int) -> np.ndarray:
        return self.cells[:, g, :, 1].sum(axis=1).astype(float)

    def cell(self, g: int, y: int, yhat: int) -> np.ndarray:
        """TP = cell(g, 1, 1), FN = cell(g, 1, 0), FP = cell(g, 0, 1), TN = cell(g, 0, 0)."""
        return self.cells[:, g, y, yhat].astype(float)

    @property
    def resamples(self) -> int:
        return self.cells.shape[0]


@dataclass(frozen=True)
class Metric:
    """One registered bias metric: smclarify's name, the first line of its docstring, its stage.

    ``compute`` returns the values (any value where a check fails is ignored) and the checks in
    the order smclarify raises them, so the first failing check names the error.
    """

    name: str
    description: str
    stage: str
    compute: Callable[[Tables], tuple[np.ndarray, Sequence[Check]]]


def evaluate(metric: Metric, tables: Tables) -> tuple[np.ndarray, list[str | None]]:
    """Values (NaN where undefined) and the error text per resample (None where defined)."""
    with np.errstate(all="ignore"):
        values, checks = metric.compute(tables)
    size = tables.resamples
    values = np.array(np.broadcast_to(np.asarray(values, dtype=float), (size,)))
    errors: list[str | None] = [None] * size
    failed = np.zeros(size, dtype=bool)
    for mask, message in checks:
        fresh = np.broadcast_to(np.asarray(mask, dtype=bool), (size,)) & ~failed
        for i in np.flatnonzero(fresh):
            errors[i] = message
        failed |= fresh
    values[failed] = np.nan
    return values, errors


def tabulate(
    sensitive: np.ndarray,
    positive_label: np.ndarray,
    positive_predicted: np.ndarray | None = None,
    strata: tuple[np.ndarray, int] | None = None,
    *,
    resamples: np.ndarray | None = None,
    flips: np.ndarray | None = None,
    flip_error: str | None = None,
) -> Tables:
    """Count rows into the tables, for the data itself or for each row of ``resamples`` (B × n indices).

    ``strata`` is (codes, number of strata) with code −1 for rows whose group value is missing;
    those rows count in no stratum (smclarify's ``group_variable == g`` never matches them).
    """
    predicted = np.zeros_like(positive_label) if positive_predicted is None else positive_predicted
    rows = np.arange(len(sensitive))[None, :] if resamples is None else resamples
    size = rows.shape[0]
    offsets = (np.arange(size) * 8)[:, None]
    code = (
        sensitive.astype(np.int64) * 4
        + positive_label.astype(np.int64) * 2
        + predicted.astype(np.int64)
    )
    cells = np.bincount((code[rows] + offsets).ravel(), minlength=8 * size).reshape(size, 2, 2, 2)
    label_strata = predicted_strata = None
    if strata is not None:
        codes, count = strata
        label_strata = _strata_counts(codes, count, sensitive, positive_label, rows)
        if positive_predicted is not None:
            predicted_strata = _strata_counts(codes, count, sensitive, positive_predicted, rows)
    return Tables(cells, label_strata, predicted_strata, flips, flip_error)


def _strata_counts(
    codes: np.ndarray, count: int, sensitive: np.ndarray, outcome: np.ndarray, rows: np.ndarray
) -> np.ndarray:
    size = rows.shape[0]
    width = 4 * count + 1  # the last bin collects rows with a missing group value
    code = np.where(
        codes >= 0, codes * 4 + sensitive.astype(np.int64) * 2 + outcome.astype(np.int64), 4 * count
    )
    offsets = (np.arange(size) * width)[:, None]
    flat = np.bincount((code[rows] + offsets).ravel(), minlength=width * size).reshape(size, width)
    return flat[:, : 4 * count].reshape(size, count, 2, 2)
