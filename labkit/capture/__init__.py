"""Data capture: the JSON Lines records a SageMaker endpoint writes, their S3 layout, sampling.

A real-time endpoint with data capture enabled writes one JSON object per sampled request under
``<DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/<MM>-<SS>-<mmm>-<uuid>.jsonl`` (AWS:
"Capture data from real-time endpoint", model-monitor-data-capture-endpoint). The kit's twin:

==================  ====================================================================
``records``         ``CaptureRecord`` / ``CaptureData``: one line, exactly as written; ``join_key``
``endpoint``        ``capture_requests``: a simulated endpoint with ``sampling_percentage``
``files``           ``capture_key``, ``write_capture``, ``read_capture`` (hour folders, window,
                    quarantined lines with file + line + reason)
``frame``           ``records_to_frame``: payloads to a table of text cells, by position
==================  ====================================================================

Import everything from here (``from labkit.capture import read_capture``). The ground-truth
names (``GroundTruthRecord``, ``read_ground_truth``, …) live in :mod:`labkit.ground_truth`
and are available here too.
"""

from __future__ import annotations

from typing import Any

from labkit.capture.endpoint import (
    CAPTURE_MODES,
    CSV_CONTENT_TYPES,
    JSON_CONTENT_TYPES,
    capture_encoding,
    capture_requests,
    captured_rows,
    csv_cells,
    csv_value,
    payload_is_json,
    sampled,
)
from labkit.capture.files import (
    DEFAULT_VARIANT,
    CaptureReadResult,
    QuarantinedLine,
    capture_key,
    find_jsonl_files,
    hour_folder,
    hour_prefix,
    parse_jsonl,
    read_capture,
    window_bounds,
    write_capture,
    write_jsonl,
)
from labkit.capture.frame import (
    OUTPUT_COLUMNS_POSITIONS,
    QuarantinedRow,
    captured_frame,
    records_to_frame,
)
from labkit.capture.records import (
    ENCODINGS,
    EVENT_VERSION,
    CaptureData,
    CaptureRecord,
    format_inference_time,
    join_key,
    to_utc,
)

__all__ = [
    "CAPTURE_MODES", "CSV_CONTENT_TYPES", "DEFAULT_VARIANT", "ENCODINGS", "EVENT_VERSION",
    "JSON_CONTENT_TYPES", "OUTPUT_COLUMNS_POSITIONS", "CaptureData", "CaptureReadResult",
    "CaptureRecord", "QuarantinedLine", "QuarantinedRow", "capture_encoding", "capture_key",
    "capture_requests", "captured_frame", "captured_rows", "csv_cells", "csv_value", "find_jsonl_files", "format_inference_time", "hour_folder",
    "hour_prefix", "join_key", "parse_jsonl", "payload_is_json", "read_capture",
    "records_to_frame", "sampled", "to_utc", "window_bounds", "write_capture", "write_jsonl",
]  # fmt: skip

_GROUND_TRUTH_NAMES = frozenset(
    {
        "GROUND_TRUTH_ENCODING", "GroundTruthReadResult", "GroundTruthRecord", "LabelArrival",
        "ground_truth_key", "label_requests", "read_ground_truth", "write_ground_truth",
    }
)  # fmt: skip


def __getattr__(name: str) -> Any:
    """``labkit.capture.GroundTruthRecord`` and friends, defined in :mod:`labkit.ground_truth`.

    Imported on first use: ``labkit.ground_truth`` itself imports this package.
    """
    if name in _GROUND_TRUTH_NAMES:
        from labkit import ground_truth

        return getattr(ground_truth, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
