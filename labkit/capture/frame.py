"""Captured payloads to the table a monitor analyses: one row per request, cells as text.

Model Monitor reads captured CSV rows without a header and matches them to the baseline's
columns by position; the output (prediction) columns come first by default
(``DatasetFormat.csv(output_columns_position="START")``, reference data-quality.md §7.1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from labkit.capture.endpoint import _column_cells, csv_cells, payload_is_json
from labkit.capture.records import CaptureData, CaptureRecord, join_key
from labkit.csvfiles import split_csv_lines
from labkit.errors import LabkitInputError

__all__ = ["OUTPUT_COLUMNS_POSITIONS", "QuarantinedRow", "captured_frame", "records_to_frame"]

OUTPUT_COLUMNS_POSITIONS = ("START", "END")  # SDK DatasetFormat.csv(output_columns_position=)
_NESTED = 'nested JSON; expected a flat object, a list of values, {"features": [...]} or {"instances": [...]}'


@dataclass(frozen=True)
class QuarantinedRow:
    """A captured record that ``records_to_frame`` could not turn into rows, and why."""

    event_id: str
    reason: str


def records_to_frame(
    records: Iterable[CaptureRecord],
    feature_names: Sequence[str],
    *,
    include_output: bool = False,
    output_columns_position: str = "START",
    output_columns: Sequence[str] = ("prediction",),
    join_key_column: str | None = None,
) -> tuple[pd.DataFrame, list[QuarantinedRow]]:
    """Decode captured payloads into a table of text cells, named by position.

    Supported payloads: CSV (each non-empty CSV line is a row); JSON as a flat object (values in
    key order), a list of values, ``{"features": [...]}``, or ``{"instances": [...]}`` /
    ``{"predictions": [...]}`` / a list holding several such rows; BASE64, decoded and then read
    as JSON when the content type names JSON, else as CSV. Cells stay text (object dtype, None
    for empty; JSON numbers keep their spelling) so the data-quality twin infers types as Deequ.

    Parameters
    ----------
    feature_names
        Names for the input fields, in order. Empty: the input is not read.
    include_output, output_columns, output_columns_position
        Add the output fields, named ``output_columns``, before (START) or after (END) the inputs.
    join_key_column
        If given, a first column holding each row's ``join_key`` (inferenceId, else eventId).

    A record whose payload has the wrong number of fields, is not readable, lacks a side it
    needs, or has input and output row counts that differ, is returned as a QuarantinedRow.
    """
    if output_columns_position not in OUTPUT_COLUMNS_POSITIONS:
        raise LabkitInputError(
            f"output_columns_position is {output_columns_position!r}, expected START or END"
        )
    names = list(feature_names)
    outputs = list(output_columns) if include_output else None
    # [U] reference: data-quality.md §7.1 — START puts the output values before the inputs.
    start = output_columns_position == "START"
    columns = (outputs or []) + names if start else names + (outputs or [])
    if join_key_column is not None:
        columns = [join_key_column, *columns]
    if len(set(columns)) != len(columns):
        raise LabkitInputError(f"column names repeat: {columns}")
    rows: list[list[str | None]] = []
    quarantined = []
    for record in records:
        try:
            pairs = _record_rows(record, names, outputs)
        except LabkitInputError as exc:
            quarantined.append(QuarantinedRow(record.event_id, exc.reason))
            continue
        key = [join_key(record)] if join_key_column is not None else []
        rows.extend(key + (out + inp if start else inp + out) for inp, out in pairs)
    data = {c: pd.Series([row[i] for row in rows], dtype=object) for i, c in enumerate(columns)}
    return pd.DataFrame(data, columns=columns), quarantined


def captured_frame(features: pd.DataFrame, rows: Sequence[int]) -> pd.DataFrame | None:
    """``records_to_frame``'s table of the requests at ``rows`` of ``features`` as
    ``capture_requests`` sends them (CSV), without building and decoding the records.

    Equal to the round trip cell for cell (``captured_rows`` gives the ``rows`` a capture keeps).
    None if a cell would not survive a CSV line (a line break or NUL in its text) or two columns
    share a name: decode those records instead.
    """
    columns = [str(c) for c in features.columns]
    if len(set(columns)) != len(columns):
        return None
    data = {}
    for j, name in enumerate(columns):
        cells = csv_cells(_column_cells(features.iloc[:, j])[rows])
        if cells is None:
            return None
        data[name] = pd.Series(cells, dtype=object)
    return pd.DataFrame(data, columns=columns)


def _record_rows(
    record: CaptureRecord, names: list[str], outputs: list[str] | None
) -> list[tuple[list, list]]:
    inputs = _side_rows(record.input, "endpointInput", len(names)) if names else None
    predicted = (
        _side_rows(record.output, "endpointOutput", len(outputs)) if outputs is not None else None
    )
    if inputs is not None and predicted is not None and len(inputs) != len(predicted):
        raise LabkitInputError(
            f"endpointInput has {len(inputs)} rows but endpointOutput has {len(predicted)}"
        )
    count = len(inputs) if inputs is not None else len(predicted) if predicted is not None else 0
    return [(inputs[i] if inputs else [], predicted[i] if predicted else []) for i in range(count)]


def _side_rows(side: CaptureData | None, slot: str, width: int) -> list[list[str | None]]:
    if side is None:
        raise LabkitInputError(f"{slot} was not captured (see CaptureMode)")
    try:
        text = side.payload_text()
        if side.encoding == "BASE64":
            as_json = payload_is_json(side.observed_content_type)
        else:
            as_json = side.encoding == "JSON"
        rows = _json_rows(text) if as_json else _csv_rows(text)
    except LabkitInputError as exc:
        raise LabkitInputError(f"{slot}: {exc.reason}") from None
    if not rows:
        raise LabkitInputError(f"{slot} holds no rows")
    for fields in rows:
        if len(fields) != width:
            raise LabkitInputError(f"{slot} has {len(fields)} fields, expected {width}")
    return rows


def _csv_rows(text: str) -> list[list[str | None]]:
    # One row per line, as csvfiles reads a CSV file: an unclosed quote quarantines the record
    # instead of swallowing the payload's next rows into one cell (issue 18).
    rows = split_csv_lines(text, where="payload ")
    return [[cell if cell != "" else None for cell in fields] for fields in rows]


def _json_rows(text: str) -> list[list[str | None]]:
    try:  # numbers keep their JSON spelling, so every cell stays text
        value = json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError):
        raise LabkitInputError("payload is not valid JSON") from None
    if isinstance(value, dict):
        for key in ("instances", "predictions"):
            if isinstance(value.get(key), list):
                return [_json_row(item) for item in value[key]]
    if isinstance(value, list) and not all(_is_scalar(v) for v in value):
        return [_json_row(item) for item in value]
    return [_json_row(value)]


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _json_row(value: Any) -> list[str | None]:
    if isinstance(value, dict) and list(value) == ["features"]:
        value = value["features"]
    if isinstance(value, dict):
        cells = list(value.values())
    else:
        cells = value if isinstance(value, list) else [value]
    if not all(_is_scalar(c) for c in cells):
        raise LabkitInputError(_NESTED)
    return [_json_cell(c) for c in cells]


def _json_cell(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None or value == "" else value
