"""A simulated real-time endpoint with data capture: requests in, sampled capture records out.

Mirrors ``DataCaptureConfig`` (``InitialSamplingPercentage``, ``CaptureOptions``,
``CaptureContentTypeHeader``) of CreateEndpointConfig: each request is captured independently
with probability ``sampling_percentage``/100 (the kit's reading), and its payload is stored as CSV or JSON text when
the content type is in that capture list, else as base64 of the raw bytes (AWS API reference,
CaptureContentTypeHeader: "If no headers are specified Amazon SageMaker AI will by default
base64 encode when capturing the data").
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from labkit.capture.records import CaptureData, CaptureRecord, to_utc
from labkit.errors import LabkitInputError

__all__ = [
    "CAPTURE_MODES", "CSV_CONTENT_TYPES", "JSON_CONTENT_TYPES", "capture_encoding",
    "capture_requests", "captured_rows", "csv_cells", "csv_value", "payload_is_json", "sampled",
]  # fmt: skip

CSV_CONTENT_TYPES = ("text/csv",)  # SageMaker Python SDK DataCaptureConfig csv_content_types
JSON_CONTENT_TYPES = ("application/json",)  # SDK DataCaptureConfig json_content_types
CAPTURE_MODES = ("Input", "Output", "InputAndOutput")  # API CaptureOption.CaptureMode
INFERENCE_ID_MAX_LENGTH = 64  # InvokeEndpoint InferenceId: 1-64 characters (API reference)
# A cell holding one of these would not come back from the capture's CSV line as it went in
# (a record is one line; the csv module refuses NUL).
_NOT_ON_ONE_LINE = ("\r", "\n", "\0")


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def capture_encoding(
    content_type: str,
    *,
    csv_content_types: Sequence[str] = CSV_CONTENT_TYPES,
    json_content_types: Sequence[str] = JSON_CONTENT_TYPES,
) -> str:
    """``CSV`` or ``JSON`` when the content type is in that capture list, else ``BASE64``."""
    # [U] reference: operations.md §1.2 — lists are matched on the media type, ignoring
    # parameters: list entries cannot hold parameters (API pattern type/subtype), and the docs'
    # sample stores an output "text/csv; charset=utf-8" with encoding CSV.
    media = _media_type(content_type)
    if media in {_media_type(t) for t in csv_content_types}:
        return "CSV"
    if media in {_media_type(t) for t in json_content_types}:
        return "JSON"
    return "BASE64"


def payload_is_json(content_type: str) -> bool:
    """Whether a payload of this content type is JSON text (else the kit treats it as CSV)."""
    # [U] reference: operations.md §1.2 — a BASE64 payload is read as JSON when its content
    # type names JSON (e.g. application/jsonlines), otherwise as CSV text.
    return "json" in _media_type(content_type)


def _plain(value: Any) -> Any:
    """A cell as None, bool, int, float or str (numpy and pandas scalars unwrapped)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        # str() of a numpy float is its shortest repr, so float32 0.1 is sent as "0.1".
        number = float(str(value)) if isinstance(value, np.floating) else float(value)
        return None if math.isnan(number) else number
    return value if isinstance(value, str) else str(value)


def csv_value(value: Any) -> str:
    """A value as the kit writes it in CSV: ints without ".0", floats by repr, missing as ""."""
    plain = _plain(value)
    if plain is None:
        return ""
    return repr(plain) if isinstance(plain, float) else str(plain)


def csv_cells(values: np.ndarray) -> tuple[str | None, ...] | None:
    """Each value as ``records_to_frame`` reads it back from a captured CSV line: its text, None
    for an empty cell. None if some value would not come back as it went in (a line break or
    NUL in its text: a record is one line): decode such values from the records instead."""
    if values.dtype == np.float64:  # csv_value's text of a float64, without its per-value dispatch
        return tuple(None if math.isnan(v) else repr(v) for v in values.tolist())
    cells = tuple(None if (text := csv_value(v)) == "" else text for v in values)
    if any(c is not None and any(ch in c for ch in _NOT_ON_ONE_LINE) for c in cells):
        return None
    return cells


def _column_cells(column: pd.Series) -> Any:
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and column.hasnans:
        return column.astype(object).to_numpy()
    return column.to_numpy()


def _csv_line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([csv_value(v) for v in values])
    return buffer.getvalue()


def _side(text: str, content_type: str, mode: str, types: tuple[Sequence[str], ...]) -> CaptureData:
    encoding = capture_encoding(
        content_type, csv_content_types=types[0], json_content_types=types[1]
    )
    data = base64.b64encode(text.encode("utf-8")).decode("ascii") if encoding == "BASE64" else text
    return CaptureData(content_type, mode, data, encoding)


def capture_requests(
    features: pd.DataFrame,
    predictions: Any,
    *,
    start_time: datetime | None = None,
    sampling_percentage: float,
    seed: int,
    requests_per_hour: float | None = None,
    times: Sequence[Any] | None = None,
    inference_ids: Sequence[str | None] | None = None,
    content_type: str = "text/csv",
    accept: str | None = None,
    capture_mode: str = "InputAndOutput",
    csv_content_types: Sequence[str] = CSV_CONTENT_TYPES,
    json_content_types: Sequence[str] = JSON_CONTENT_TYPES,
) -> list[CaptureRecord]:
    """Send each row of ``features`` to a simulated endpoint; return the records it captured.

    Request i arrives at ``times[i]``, or at ``start_time + i / requests_per_hour`` hours
    (default rate: the rows spread evenly over one hour).

    Parameters
    ----------
    features, predictions
        One InvokeEndpoint request per row; ``predictions[i]`` (a value, or a sequence for
        several output fields) is the response to row i.
    sampling_percentage
        ``InitialSamplingPercentage``, 0–100: each request is captured with this probability.
    seed
        Drives the sampling draw and the event ids (UUIDs built from the RNG). A request keeps
        its event id whatever the sampling percentage.
    inference_ids
        The caller's ``InferenceId`` per request (None: not sent, so absent from the record).
    content_type, accept
        Request and response ``Content-Type`` (``accept`` defaults to ``content_type``). CSV
        types send the row as headerless CSV, JSON types ``{"column": value, ...}``.
    capture_mode
        ``Input``, ``Output`` or ``InputAndOutput`` (``CaptureOption.CaptureMode``).
    """
    n = len(features)
    responses = _prediction_rows(predictions, n)
    arrivals = _request_times(n, start_time, requests_per_hour, times)
    ids = _inference_ids(inference_ids, n)
    if capture_mode not in CAPTURE_MODES:
        raise LabkitInputError(f"capture_mode is {capture_mode!r}, expected one of {CAPTURE_MODES}")
    sample_rng, id_rng = _capture_rngs(seed)
    captured = sampled(n, sampling_percentage, sample_rng)
    id_bytes = id_rng.bytes(16 * n)
    columns = [str(c) for c in features.columns]
    response_type = content_type if accept is None else accept
    types = (csv_content_types, json_content_types)
    records = []
    # Column arrays keep numpy scalar types (itertuples would widen float32 0.1 to 0.10000000149…).
    # Nullable columns (Int64 with a gap) go through object dtype: a plain to_numpy() would turn
    # them into float64 and write 33200 as "33200.0", a Fractional value in an Integral column.
    cells = [_column_cells(features.iloc[:, j]) for j in range(features.shape[1])]
    for i, row in enumerate(zip(*cells) if cells else ((),) * n):
        if not captured[i]:
            continue
        if payload_is_json(content_type):
            request = json.dumps(dict(zip(columns, map(_plain, row))))
        else:
            request = _csv_line(row)
        fields = [_plain(v) for v in responses[i]]
        if payload_is_json(response_type):
            response = json.dumps(fields[0] if len(fields) == 1 else fields)
        else:
            response = _csv_line(fields)
        records.append(
            CaptureRecord(
                event_id=str(uuid.UUID(bytes=id_bytes[16 * i : 16 * i + 16], version=4)),
                inference_time=arrivals[i],
                inference_id=ids[i],
                input=None
                if capture_mode == "Output"
                else _side(request, content_type, "INPUT", types),
                output=None
                if capture_mode == "Input"
                else _side(response, response_type, "OUTPUT", types),
            )
        )
    return records


def captured_rows(n: int, sampling_percentage: float, seed: int) -> np.ndarray:
    """The positions of the requests ``capture_requests`` keeps out of ``n`` with this sampling
    percentage and seed: its sampling draw alone, without building the records."""
    return np.flatnonzero(sampled(n, sampling_percentage, _capture_rngs(seed)[0]))


def _capture_rngs(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """The capture's two random streams: the sampling draw, and the event ids."""
    sample_seed, id_seed = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(sample_seed), np.random.default_rng(id_seed)


def sampled(n: int, sampling_percentage: float, rng: np.random.Generator) -> np.ndarray:
    """Which of ``n`` requests are captured: one draw from ``rng`` per request."""
    if isinstance(sampling_percentage, bool) or not 0 <= sampling_percentage <= 100:
        raise LabkitInputError(
            f"sampling_percentage is {sampling_percentage!r}, expected a number from 0 to 100"
        )
    # [U] reference: operations.md §1.1 — each request is captured independently with
    # probability InitialSamplingPercentage/100.
    return rng.random(n) < sampling_percentage / 100


def _prediction_rows(predictions: Any, n: int) -> list[list[Any]]:
    if isinstance(predictions, (pd.DataFrame, pd.Series)):
        predictions = predictions.to_numpy(dtype=object)
    rows = [list(p) if isinstance(p, (list, tuple, np.ndarray)) else [p] for p in predictions]
    if len(rows) != n:
        raise LabkitInputError(
            f"{len(rows)} predictions for {n} feature rows; expected one per row"
        )
    return rows


def _request_times(n: int, start_time: Any, requests_per_hour: Any, times: Any) -> list[datetime]:
    if times is not None:
        if start_time is not None or requests_per_hour is not None:
            raise LabkitInputError("give times, or start_time (with requests_per_hour), not both")
        stamps = [to_utc(t) for t in times]
        if len(stamps) != n:
            raise LabkitInputError(
                f"{len(stamps)} times for {n} feature rows; expected one per row"
            )
        return stamps
    if start_time is None:
        raise LabkitInputError("start_time is required unless times are given")
    rate = float(n if requests_per_hour is None else requests_per_hour)
    if n and not rate > 0:
        raise LabkitInputError(
            f"requests_per_hour is {requests_per_hour!r}, expected a positive number"
        )
    start = to_utc(start_time)
    return [start + timedelta(hours=i / rate) for i in range(n)]


def _inference_ids(inference_ids: Sequence[str | None] | None, n: int) -> list[str | None]:
    if inference_ids is None:
        return [None] * n
    ids = list(inference_ids)
    if len(ids) != n:
        raise LabkitInputError(
            f"{len(ids)} inference_ids for {n} feature rows; expected one per row"
        )
    for i, value in enumerate(ids):
        if value is None:
            continue
        if not (
            isinstance(value, str)
            and 0 < len(value) <= INFERENCE_ID_MAX_LENGTH
            and value.isprintable()
            and not value[0].isspace()
        ):
            raise LabkitInputError(
                f"inference_ids[{i}] is {value!r}; InvokeEndpoint takes 1-64 printable characters"
            )
    return ids
