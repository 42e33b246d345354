"""One captured request as SageMaker writes it: a line of a data-capture ``.jsonl`` file.

The record shape is the one in the AWS page "Capture data from real-time endpoint"
(model-monitor-data-capture-endpoint)::

    {"captureData":{"endpointInput":{...},"endpointOutput":{...}},
     "eventMetadata":{"eventId":"…","inferenceId":"…","inferenceTime":"2022-02-14T17:25:49Z"},
     "eventVersion":"0"}

``to_dict`` gives exactly that (key order as in the docs; ``inferenceId`` absent when the caller
sent none); ``from_dict`` validates a parsed line and names the first bad field.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from labkit.errors import LabkitInputError

__all__ = [
    "ENCODINGS", "EVENT_VERSION", "CaptureData", "CaptureRecord", "format_inference_time",
    "join_key", "to_utc",
]  # fmt: skip

EVENT_VERSION = "0"  # eventVersion of capture and ground-truth records [C] operations.md §1.2
ENCODINGS = ("CSV", "JSON", "BASE64")  # captureData.*.encoding [C] operations.md §1.2
SLOT_MODES = {"endpointInput": "INPUT", "endpointOutput": "OUTPUT"}  # captureData.*.mode [C]
_TIME_PATTERN = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z")  # inferenceTime [C]


def to_utc(moment: Any) -> datetime:
    """An aware datetime converted to UTC; a naive one (or numpy/pandas/ISO text) is taken as UTC."""
    if isinstance(moment, (np.datetime64, str)):
        moment = pd.Timestamp(moment)
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    if not isinstance(moment, datetime):
        raise LabkitInputError(f"expected a datetime, found {moment!r}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_inference_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, the spelling of ``eventMetadata.inferenceTime``."""
    t = to_utc(moment)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


def _parse_inference_time(text: str) -> datetime:
    match = _TIME_PATTERN.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        return datetime(*map(int, match.groups()), tzinfo=UTC)
    except ValueError:
        raise LabkitInputError(
            f"eventMetadata.inferenceTime is {text!r}, expected YYYY-MM-DDTHH:MM:SSZ"
        ) from None


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


@dataclass(frozen=True)
class CaptureData:
    """One side of a request: ``captureData.endpointInput`` or ``captureData.endpointOutput``.

    ``data`` is the payload as text: CSV or JSON text, or base64 of the raw bytes when the
    content type is in neither capture list. Invalid values raise LabkitInputError.
    """

    observed_content_type: str
    mode: str
    data: str
    encoding: str

    def __post_init__(self) -> None:
        for key, value in self.to_dict().items():
            if not isinstance(value, str):
                raise LabkitInputError(f"{key} is {type(value).__name__}, expected a string")
        if self.mode not in SLOT_MODES.values():
            raise LabkitInputError(f"mode is {self.mode!r}, expected 'INPUT' or 'OUTPUT'")
        if self.encoding not in ENCODINGS:
            raise LabkitInputError(
                f"encoding is {self.encoding!r}, expected one of {', '.join(ENCODINGS)}"
            )
        if self.encoding == "BASE64":
            try:
                base64.b64decode(self.data, validate=True)
            except (binascii.Error, ValueError):
                raise LabkitInputError("data is not valid base64 (encoding BASE64)") from None
        if self.encoding == "JSON":
            try:
                json.loads(self.data)
            except (ValueError, RecursionError):
                raise LabkitInputError("data is not valid JSON (encoding JSON)") from None

    def to_dict(self) -> dict[str, str]:
        return {
            "observedContentType": self.observed_content_type,
            "mode": self.mode,
            "data": self.data,
            "encoding": self.encoding,
        }

    @classmethod
    def from_dict(cls, d: Any, *, slot: str = "endpointInput") -> CaptureData:
        """Validate ``captureData.<slot>``; errors name the JSON path of the bad field."""
        where = f"captureData.{slot}"
        if not isinstance(d, dict):
            raise LabkitInputError(f"{where} is not a JSON object")
        for key in ("observedContentType", "mode", "data", "encoding"):
            if key not in d:
                raise LabkitInputError(f"{where}.{key} is missing")
        try:
            data = cls(d["observedContentType"], d["mode"], d["data"], d["encoding"])
        except LabkitInputError as exc:
            raise LabkitInputError(f"{where}.{exc.reason}") from None
        if data.mode != SLOT_MODES[slot]:
            raise LabkitInputError(f"{where}.mode is {data.mode!r}, expected {SLOT_MODES[slot]!r}")
        return data

    def payload_text(self) -> str:
        """The payload as text (BASE64 decoded as UTF-8); LabkitInputError if it is not text."""
        if self.encoding != "BASE64":
            return self.data
        try:
            return base64.b64decode(self.data).decode("utf-8")
        except UnicodeDecodeError:
            raise LabkitInputError("BASE64 payload is not UTF-8 text") from None


@dataclass(frozen=True)
class CaptureRecord:
    """One captured request.

    ``inference_time`` is kept in UTC and whole seconds, as the service writes it (a naive
    datetime is taken as UTC). ``inference_id`` is the caller's ``InferenceId``, None if absent.
    """

    event_id: str
    inference_time: datetime
    inference_id: str | None = None
    input: CaptureData | None = None
    output: CaptureData | None = None
    event_version: str = EVENT_VERSION

    def __post_init__(self) -> None:
        moment = to_utc(self.inference_time).replace(microsecond=0)
        object.__setattr__(self, "inference_time", moment)
        if not _is_text(self.event_id):
            raise LabkitInputError("eventMetadata.eventId must be a non-empty string")
        if self.inference_id is not None and not _is_text(self.inference_id):
            raise LabkitInputError(
                "eventMetadata.inferenceId must be a non-empty string if present"
            )
        if not isinstance(self.event_version, str):
            raise LabkitInputError("eventVersion must be a string")
        if self.input is None and self.output is None:
            raise LabkitInputError("captureData has neither endpointInput nor endpointOutput")
        for slot, side in (("endpointInput", self.input), ("endpointOutput", self.output)):
            if side is not None and (
                not isinstance(side, CaptureData) or side.mode != SLOT_MODES[slot]
            ):
                raise LabkitInputError(
                    f"captureData.{slot} must be CaptureData, mode {SLOT_MODES[slot]}"
                )

    def to_dict(self) -> dict[str, Any]:
        """The exact record, keys in the AWS documentation's order (captureData first)."""
        capture = {}
        if self.input is not None:
            capture["endpointInput"] = self.input.to_dict()
        if self.output is not None:
            capture["endpointOutput"] = self.output.to_dict()
        metadata = {"eventId": self.event_id}
        if self.inference_id is not None:
            metadata["inferenceId"] = self.inference_id
        metadata["inferenceTime"] = format_inference_time(self.inference_time)
        return {
            "captureData": capture,
            "eventMetadata": metadata,
            "eventVersion": self.event_version,
        }

    def to_line(self) -> str:
        """Compact JSON on one line, as in a capture file (without the newline)."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: Any) -> CaptureRecord:
        """Validate one parsed line; LabkitInputError names the first bad field.

        Keys the kit does not know are ignored; ``"inferenceId": null`` is read as absent.
        """
        if not isinstance(d, dict):
            raise LabkitInputError("expected a JSON object")
        for key, kind in (("captureData", dict), ("eventMetadata", dict), ("eventVersion", str)):
            if key not in d:
                raise LabkitInputError(f"{key} is missing")
            if not isinstance(d[key], kind):
                raise LabkitInputError(
                    f"{key} is not a JSON {'object' if kind is dict else 'string'}"
                )
        capture, metadata = d["captureData"], d["eventMetadata"]
        sides = {s: CaptureData.from_dict(capture[s], slot=s) for s in SLOT_MODES if s in capture}
        for key in ("eventId", "inferenceTime"):
            if not _is_text(metadata.get(key)):
                raise LabkitInputError(f"eventMetadata.{key} is missing or not a non-empty string")
        return cls(
            event_id=metadata["eventId"],
            inference_time=_parse_inference_time(metadata["inferenceTime"]),
            inference_id=metadata.get("inferenceId"),
            input=sides.get("endpointInput"),
            output=sides.get("endpointOutput"),
            event_version=d["eventVersion"],
        )


def join_key(record: CaptureRecord) -> str:
    """The id ground truth is matched on: ``inferenceId`` if the capture has one, else ``eventId``.

    AWS: "Ingest Ground Truth labels and merge them with predictions"
    (model-monitor-model-quality-merge); reference operations.md §2.2.
    """
    return record.inference_id if record.inference_id is not None else record.event_id
