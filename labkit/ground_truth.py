"""Ground truth: the labels a model-quality or model-bias monitor merges with captured predictions.

Labels arrive after the inference. You upload them as JSON Lines under
``<prefix>/yyyy/mm/dd/hh/<any-name>.jsonl``, where the hour is when the labels were *collected*,
not when the inference happened; each record names the capture it belongs to by ``eventId``
(AWS: "Ingest Ground Truth labels and merge them with predictions",
model-monitor-model-quality-merge). This module simulates labels arriving late for part of the
traffic (``label_requests``), writes the files (``write_ground_truth``) and reads them back with
the same quarantine and counts as :func:`labkit.capture.read_capture`. The merge itself is the
model-quality twin's; it matches on :func:`labkit.capture.join_key`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from labkit.capture.endpoint import csv_value
from labkit.capture.files import (
    JsonlReadResult,
    find_jsonl_files,
    hour_prefix,
    parse_jsonl,
    window_bounds,
    write_jsonl,
)
from labkit.capture.records import EVENT_VERSION, CaptureRecord, join_key, to_utc
from labkit.errors import LabkitInputError

__all__ = [
    "GROUND_TRUTH_ENCODING", "GroundTruthReadResult", "GroundTruthRecord", "LabelArrival",
    "ground_truth_key", "label_requests", "read_ground_truth", "write_ground_truth",
]  # fmt: skip

GROUND_TRUTH_ENCODING = (
    "CSV"  # "only CSV supported at launch" (model-monitor-model-quality-merge) [C]
)


@dataclass(frozen=True)
class GroundTruthRecord:
    """One label: one line of a ground-truth ``.jsonl`` file.

    ``event_id`` holds the capture's ``inferenceId`` when it has one, else its ``eventId``;
    ``label`` is the label text only (``groundTruthData.data``), e.g. ``"1"``.
    """

    event_id: str
    label: str
    event_version: str = EVENT_VERSION

    def __post_init__(self) -> None:
        if not isinstance(self.event_id, str) or not self.event_id:
            raise LabkitInputError("eventMetadata.eventId must be a non-empty string")
        if not isinstance(self.label, str):
            raise LabkitInputError(
                f'groundTruthData.data is {type(self.label).__name__}, expected a string such as "1"'
            )
        if not isinstance(self.event_version, str):
            raise LabkitInputError("eventVersion must be a string")

    def to_dict(self) -> dict[str, Any]:
        return {
            "groundTruthData": {"data": self.label, "encoding": GROUND_TRUTH_ENCODING},
            "eventMetadata": {"eventId": self.event_id},
            "eventVersion": self.event_version,
        }

    def to_line(self) -> str:
        """Compact JSON, one line (without the newline)."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: Any) -> GroundTruthRecord:
        """Validate one parsed line; other ``eventMetadata`` keys (e.g. ``inferenceTime``) are ignored."""
        if not isinstance(d, dict):
            raise LabkitInputError("expected a JSON object")
        for key, kind in (
            ("groundTruthData", dict),
            ("eventMetadata", dict),
            ("eventVersion", str),
        ):
            if key not in d:
                raise LabkitInputError(f"{key} is missing")
            if not isinstance(d[key], kind):
                raise LabkitInputError(
                    f"{key} is not a JSON {'object' if kind is dict else 'string'}"
                )
        truth = d["groundTruthData"]
        if "data" not in truth:
            raise LabkitInputError("groundTruthData.data is missing")
        if truth.get("encoding") != GROUND_TRUTH_ENCODING:
            raise LabkitInputError(
                f"groundTruthData.encoding is {truth.get('encoding')!r}, expected 'CSV'"
            )
        return cls(d["eventMetadata"].get("eventId"), truth["data"], d["eventVersion"])


@dataclass(frozen=True)
class LabelArrival:
    """A label and the moment it was collected, which picks its hour folder."""

    collected_at: datetime
    record: GroundTruthRecord

    def __post_init__(self) -> None:
        object.__setattr__(self, "collected_at", to_utc(self.collected_at))


def label_requests(
    requests: Sequence[CaptureRecord] | Sequence[str],
    labels: Sequence[Any],
    *,
    seed: int,
    labelled_fraction: float = 1.0,
    delay_hours: float | None = None,
    collected_at: datetime | None = None,
) -> list[LabelArrival]:
    """Label each request with probability ``labelled_fraction`` (0–1), collected late.

    ``requests`` are captured records (matched by ``join_key``) or the ids themselves;
    ``labels[i]`` belongs to ``requests[i]`` and is written as CSV text (``csv_value``).
    Give ``delay_hours`` (collected that long after each record's ``inference_time``) or one
    ``collected_at`` for all (required with plain ids). Requests keep their order.
    """
    items, values = list(requests), list(labels)
    if len(values) != len(items):
        raise LabkitInputError(
            f"{len(values)} labels for {len(items)} requests; expected one per request"
        )
    if not 0 <= labelled_fraction <= 1:
        raise LabkitInputError(
            f"labelled_fraction is {labelled_fraction!r}, expected a fraction from 0 to 1"
        )
    if (delay_hours is None) == (collected_at is None):
        raise LabkitInputError("give exactly one of delay_hours and collected_at")
    if delay_hours is not None and not all(isinstance(r, CaptureRecord) for r in items):
        raise LabkitInputError(
            "delay_hours needs captured records (their inference_time); give collected_at for ids"
        )
    labelled = np.random.default_rng(seed).random(len(items)) < labelled_fraction
    arrivals = []
    for i, (request, value) in enumerate(zip(items, values)):
        if not labelled[i]:
            continue
        text = csv_value(value)
        if text == "":
            raise LabkitInputError(f"labels[{i}] is missing; ground truth needs a label")
        event_id = join_key(request) if isinstance(request, CaptureRecord) else request
        when = (
            collected_at
            if collected_at is not None
            else request.inference_time + timedelta(hours=delay_hours)
        )
        arrivals.append(LabelArrival(when, GroundTruthRecord(event_id, text)))
    return arrivals


def ground_truth_key(collected_at: datetime, file_id: str | uuid.UUID) -> str:
    """``yyyy/mm/dd/hh/{file_id}.jsonl`` for the UTC hour the labels were collected."""
    return f"{hour_prefix(collected_at)}/{file_id}.jsonl"


def write_ground_truth(
    labels: Iterable[LabelArrival | GroundTruthRecord],
    root: str | Path,
    *,
    collected_at: datetime | None = None,
    seed: int = 0,
) -> list[Path]:
    """Write one ``.jsonl`` file per collection hour under ``root``; returns the paths.

    ``labels`` are ``LabelArrival`` (each carries its time) or ``GroundTruthRecord`` with one
    ``collected_at`` for all. Order is kept within a file; ``seed`` picks the file names.
    """
    by_hour: dict[str, list[GroundTruthRecord]] = {}
    for item in labels:
        if isinstance(item, LabelArrival):
            when, record = item.collected_at, item.record
        elif collected_at is not None:
            when, record = collected_at, item
        else:
            raise LabkitInputError("a GroundTruthRecord has no collection time; pass collected_at")
        by_hour.setdefault(hour_prefix(when), []).append(record)
    rng = np.random.default_rng(seed)
    paths = []
    for prefix in sorted(by_hour):
        name = uuid.UUID(bytes=rng.bytes(16), version=4)
        path = Path(root) / f"{prefix}/{name}.jsonl"
        paths.append(write_jsonl(path, (r.to_line() for r in by_hour[prefix])))
    return paths


@dataclass(frozen=True)
class GroundTruthReadResult(JsonlReadResult):
    """What ``read_ground_truth`` found (``records`` are ``GroundTruthRecord``).

    Ground-truth records carry no time of their own, so the window only selects hour folders
    and ``n_outside_window`` is always 0; it is kept for the same arithmetic as captures.
    """

    records: list[GroundTruthRecord]


def read_ground_truth(
    path: str | Path, *, start: datetime | None = None, end: datetime | None = None
) -> GroundTruthReadResult:
    """Read a ground-truth file, or the files under a folder whose collection hour overlaps ``[start, end)``.

    Records come in key order (oldest collection hour first), so "last wins" means latest collected.
    """
    start, end = window_bounds(start, end)
    files = find_jsonl_files(path, start=start, end=end)
    records, quarantined, lines_read = parse_jsonl(files, GroundTruthRecord.from_dict)
    return GroundTruthReadResult(records, quarantined, lines_read, files)
