"""The ground-truth merge: join labels to captured predictions, as a model-quality execution does.

Each execution first runs a merge job that matches each ground-truth record's ``eventId`` with
the capture's ``inferenceId`` when the capture has one, otherwise with its ``eventId`` (AWS:
"Ingest Ground Truth labels and merge them with predictions", model-monitor-model-quality-merge).
Rows without a partner do not reach the metrics, and a label sent twice counts once; the twin
keeps both kinds of leftovers on the result, with their counts, so nothing disappears unseen.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from labkit.capture import join_key
from labkit.errors import LabkitInputError

__all__ = ["DUPLICATE_LABELS_KEEP", "MergeResult", "merge_ground_truth"]

# [U] reference: operations.md §2.2 — a label sent twice for one capture: the last one wins
# (files are read oldest collection hour first, so the latest collected label is used).
DUPLICATE_LABELS_KEEP = "last"
_KEY = "_join_key"


@dataclass(frozen=True, eq=False)
class MergeResult:
    """Merged rows (``frame``) and everything that did not merge, with counts.

    ``n_captured == n_matched + n_unmatched_captures`` and
    ``n_labelled == n_duplicate_labels + len(labels that were used) + n_unmatched_labels``.
    """

    frame: pd.DataFrame
    unmatched_captures: pd.DataFrame
    unmatched_labels: pd.DataFrame
    duplicate_labels: pd.DataFrame
    n_captured: int
    n_labelled: int

    @property
    def n_matched(self) -> int:
        return len(self.frame)

    @property
    def n_unmatched_captures(self) -> int:
        return len(self.unmatched_captures)

    @property
    def n_unmatched_labels(self) -> int:
        return len(self.unmatched_labels)

    @property
    def n_duplicate_labels(self) -> int:
        return len(self.duplicate_labels)

    def counts(self) -> dict[str, int]:
        names = (
            "n_captured",
            "n_labelled",
            "n_matched",
            "n_unmatched_captures",
            "n_unmatched_labels",
            "n_duplicate_labels",
        )
        return {name: getattr(self, name) for name in names}


def merge_ground_truth(
    captures: Iterable[Any] | pd.DataFrame,
    labels: Iterable[Any] | pd.DataFrame,
    *,
    inference_attribute: int | str | None = 0,
    probability_attribute: int | str | None = None,
) -> MergeResult:
    """Inner-join ground-truth labels to captured predictions.

    Parameters
    ----------
    captures : ``labkit.capture.CaptureRecord`` objects (or ``read_capture``'s result), or a
        DataFrame with ``inference_id`` and/or ``event_id`` plus any other columns.
    labels : ``labkit.ground_truth.GroundTruthRecord`` objects (or ``read_ground_truth``'s
        result), or a DataFrame with
        ``event_id`` and ``label``. Order matters: of two labels for one capture, the last wins.
    inference_attribute, probability_attribute : where the predicted class and the score sit
        in each captured ``endpointOutput.data`` (the service's attributes of the same names):
        a field index for CSV output, a key (``a.b`` for nesting) for JSON output. They
        become the ``prediction`` and ``probability`` columns; ``None`` leaves a column out.
        Ignored for DataFrame captures, whose columns are kept as they are.
    """
    captures, labels = _records(captures), _records(labels)
    capture_frame = (
        captures.copy()
        if isinstance(captures, pd.DataFrame)
        else _captures_frame(captures, inference_attribute, probability_attribute)
    )
    label_frame = _labels_frame(labels)
    capture_frame = _with_join_key(capture_frame)
    if "label" in capture_frame.columns:
        raise LabkitInputError(
            "the captures already have a 'label' column; rename it before merging", column="label"
        )
    superseded = label_frame.duplicated(_KEY, keep=DUPLICATE_LABELS_KEEP)
    used = label_frame[~superseded]
    frame = capture_frame.merge(used[[_KEY, "label"]], on=_KEY, how="inner", validate="many_to_one")
    frame["label"] = _numbers_if_all(frame["label"])
    # Python sets, not Series.isin: on pandas 3's pyarrow strings isin is ~100x slower here.
    label_keys, capture_keys = set(used[_KEY]), set(capture_frame[_KEY])
    unmatched_captures = capture_frame.loc[np.array([k not in label_keys for k in capture_frame[_KEY]], dtype=bool)]
    unmatched_labels = used.loc[np.array([k not in capture_keys for k in used[_KEY]], dtype=bool)]
    return MergeResult(
        frame=_tidy(frame),
        unmatched_captures=_tidy(unmatched_captures),
        unmatched_labels=_tidy(unmatched_labels),
        duplicate_labels=_tidy(label_frame[superseded]),
        n_captured=len(capture_frame),
        n_labelled=len(label_frame),
    )


def _records(source: Any) -> Any:
    """A ``read_capture`` / ``read_ground_truth`` result stands for its records."""
    return source if isinstance(source, pd.DataFrame) else getattr(source, "records", source)


def _captures_frame(
    records: Iterable[Any], inference_attribute, probability_attribute
) -> pd.DataFrame:
    rows = []
    for record in records:
        output = getattr(record, "output", None)
        row = {
            "inference_id": record.inference_id,
            "event_id": record.event_id,
            "inference_time": record.inference_time,
            _KEY: join_key(record),
            "input": getattr(getattr(record, "input", None), "data", None),
            "output": getattr(output, "data", None),
        }
        for column, attribute in (
            ("prediction", inference_attribute),
            ("probability", probability_attribute),
        ):
            if attribute is not None:
                row[column] = _field(output, attribute, record.event_id)
        rows.append(row)
    frame = pd.DataFrame(
        rows, columns=None if rows else ["inference_id", "event_id", "inference_time", _KEY]
    )
    for column in ("prediction", "probability"):
        if column in frame.columns:
            frame[column] = _numbers_if_all(frame[column])
    return frame


def _field(output: Any, attribute: int | str, event_id: str) -> str:
    """One value out of a captured ``endpointOutput``: a CSV field by index or a JSON key path."""
    where = f"capture eventId {event_id}"
    if output is None or getattr(output, "data", None) is None:
        raise LabkitInputError(
            f"{where}: no endpointOutput (capture mode Input only?), so no prediction to merge"
        )
    encoding = str(getattr(output, "encoding", "CSV")).upper()
    if encoding == "JSON":
        value: Any = json.loads(output.data)
        for part in str(attribute).split("."):
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                raise LabkitInputError(f"{where}: endpointOutput.data has no {attribute!r}")
        return value if isinstance(value, str) else json.dumps(value)
    if encoding != "CSV":
        raise LabkitInputError(
            f"{where}: endpointOutput.encoding is {encoding}; only CSV or JSON output can be merged"
        )
    fields = next(csv.reader([output.data]), [])
    index = int(attribute)
    if not 0 <= index < len(fields):
        raise LabkitInputError(
            f"{where}: endpointOutput.data has {len(fields)} CSV field(s), "
            f"attribute {attribute!r} is out of range"
        )
    return fields[index].strip()


def _labels_frame(labels: Iterable[Any] | pd.DataFrame) -> pd.DataFrame:
    if isinstance(labels, pd.DataFrame):
        key = "event_id" if "event_id" in labels.columns else "inference_id"
        for column in (key, "label"):
            if column not in labels.columns:
                have = ", ".join(map(str, labels.columns)) or "none"
                raise LabkitInputError(
                    f"the labels need event_id and label columns (columns are: {have})",
                    column=column,
                )
        frame = labels.copy()
        frame[_KEY] = frame[key].astype(object)
    else:
        rows = [{"event_id": r.event_id, "label": r.label, _KEY: r.event_id} for r in labels]
        frame = pd.DataFrame(rows, columns=["event_id", "label", _KEY])
    if frame[_KEY].isna().any():
        first = int(frame[_KEY].isna().to_numpy().nonzero()[0][0])
        raise LabkitInputError(
            f"label row {first + 1} has no event_id to join on", column="event_id"
        )
    frame[_KEY] = frame[_KEY].map(str)
    return frame.reset_index(drop=True)


def _with_join_key(frame: pd.DataFrame) -> pd.DataFrame:
    """Per row: the capture's inference_id when present, else its event_id (the service's rule)."""
    if _KEY not in frame.columns:
        if "inference_id" not in frame.columns and "event_id" not in frame.columns:
            have = ", ".join(map(str, frame.columns)) or "none"
            raise LabkitInputError(
                f"the captures need an inference_id or event_id column (columns are: {have})"
            )
        empty = pd.Series(None, index=frame.index, dtype=object)
        inference = (
            frame["inference_id"].astype(object) if "inference_id" in frame.columns else empty
        )
        event = frame["event_id"].astype(object) if "event_id" in frame.columns else empty
        has_inference = inference.notna() & (inference.map(str) != "")
        frame[_KEY] = inference.where(has_inference, event)
        if frame[_KEY].isna().any():
            first = int(frame[_KEY].isna().to_numpy().nonzero()[0][0])
            raise LabkitInputError(f"capture row {first + 1} has neither inference_id nor event_id")
    frame[_KEY] = frame[_KEY].map(str)
    return frame.reset_index(drop=True)


def _numbers_if_all(series: pd.Series) -> pd.Series:
    """Texts such as "1" or "0.83" as numbers when every value parses, else as they are."""
    numbers = pd.to_numeric(series, errors="coerce")
    if len(series) and numbers.notna().sum() == series.notna().sum():
        if (numbers.dropna() % 1 == 0).all() and numbers.notna().all():
            return numbers.astype("int64")
        return numbers.astype(float)
    return series


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[_KEY]).reset_index(drop=True)
