"""What an execution reads: a real-time endpoint's capture, records in memory, or batch input.

Inputs are a real-time endpoint's capture (``EndpointInput``, or ``RecordsInput`` for records
held in memory) or a batch transform job's captured inputs (``BatchTransformInput``); each
``read_window(start, end)`` returns the ``WindowData`` one execution analyses.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from labkit import capture, cloudwatch
from labkit.capture import CaptureRecord, hour_prefix
from labkit.csvfiles import read_csv_text
from labkit.errors import LabkitInputError

__all__ = [
    "BatchTransformInput",
    "EndpointInput",
    "MonitoringInput",
    "RecordsInput",
    "WindowData",
    "write_batch_capture",
]


@dataclass(frozen=True, eq=False)
class WindowData:
    """The table one execution analyses, and how many records and bad lines fed it."""

    frame: pd.DataFrame
    n_records: int
    n_quarantined: int = 0


class MonitoringInput(Protocol):
    def read_window(self, start: datetime, end: datetime) -> WindowData: ...


@dataclass(frozen=True)
class _CaptureColumns:
    feature_names: tuple[str, ...]
    include_output: bool = False
    output_columns: tuple[str, ...] = ("prediction",)
    output_columns_position: str = "START"

    def frame(self, records: Sequence[CaptureRecord], n_quarantined: int) -> WindowData:
        table, bad = capture.records_to_frame(
            records,
            self.feature_names,
            include_output=self.include_output,
            output_columns=self.output_columns,
            output_columns_position=self.output_columns_position,
        )
        return WindowData(table, len(records), n_quarantined + len(bad))


@dataclass(frozen=True)
class EndpointInput(_CaptureColumns):
    """A real-time endpoint's data capture under ``<capture_root>/<endpoint>/<variant>/yyyy/mm/dd/hh``."""

    capture_root: Path = Path(".")
    endpoint_name: str = cloudwatch.DEFAULT_ENDPOINT

    def read_window(self, start: datetime, end: datetime) -> WindowData:
        result = capture.read_capture(
            Path(self.capture_root) / self.endpoint_name, start=start, end=end
        )
        return self.frame(result.records, result.n_quarantined)


@dataclass(frozen=True)
class RecordsInput(_CaptureColumns):
    """Captured records held in memory (the simulation's fast path); same frames as EndpointInput."""

    records: tuple[CaptureRecord, ...] = ()
    endpoint_name: str = cloudwatch.DEFAULT_ENDPOINT

    def read_window(self, start: datetime, end: datetime) -> WindowData:
        start, end = capture.window_bounds(start, end)
        return self.frame([r for r in self.records if start <= r.inference_time < end], 0)


@dataclass(frozen=True)
class BatchTransformInput:
    """A batch transform job's captured inputs: manifests under ``<destination>/input/yyyy/mm/dd/hh``.

    Each manifest lists ``[{"prefix": ...}, "file", ...]``, the transform job's input files
    (AWS: "Capture data from batch transform job", model-monitor-data-capture-batch).
    ``header`` is the ``DatasetFormat.Csv.Header`` of those files.
    """

    data_captured_destination: Path
    header: bool = False
    feature_names: tuple[str, ...] | None = None
    endpoint_name: None = None

    def read_window(self, start: datetime, end: datetime) -> WindowData:
        root = Path(self.data_captured_destination) / "input"
        if not root.is_dir():
            raise LabkitInputError("no captured batch input under this destination", path=root)
        frames = []
        # [U] reference: operations.md §3.2 — a batch job belongs to the window of its hour folder.
        for manifest in capture.find_jsonl_files(root, start=start, end=end):
            if capture.hour_folder(manifest) is None:
                continue
            for path in _manifest_files(manifest):
                frames.append(read_csv_text(path, header=self.header))
        table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        if self.feature_names is not None and not table.empty:
            if table.shape[1] != len(self.feature_names):
                raise LabkitInputError(
                    f"batch input has {table.shape[1]} columns, expected {len(self.feature_names)}"
                )
            table.columns = list(self.feature_names)
        return WindowData(table, len(table))


def _manifest_files(manifest: Path) -> list[Path]:
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
        prefix = Path(entries[0]["prefix"])
        names = [str(name) for name in entries[1:]]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LabkitInputError(
            'expected a manifest [{"prefix": ...}, "file", ...]', path=manifest
        ) from None
    prefix = prefix if prefix.is_absolute() else manifest.parent / prefix
    return [prefix / name for name in names]


def write_batch_capture(
    frame: pd.DataFrame,
    destination: str | Path,
    *,
    job_start: datetime,
    input_dir: str | Path,
    seed: int = 0,
) -> Path:
    """Simulate a transform job with data capture: its input CSV in ``input_dir`` and a manifest in
    ``<destination>/input/yyyy/mm/dd/hh/`` (the job's start hour); returns the manifest path."""
    rng = np.random.default_rng(seed)
    name = f"batch-{uuid.UUID(bytes=rng.bytes(16), version=4)}.csv"
    input_dir = Path(input_dir)
    input_dir.mkdir(parents=True, exist_ok=True)
    frame.to_csv(input_dir / name, header=False, index=False, lineterminator="\n")
    manifest = (
        Path(destination)
        / "input"
        / hour_prefix(job_start)
        / f"{uuid.UUID(bytes=rng.bytes(16), version=4)}.jsonl"
    )
    return capture.write_jsonl(
        manifest, [json.dumps([{"prefix": input_dir.resolve().as_posix() + "/"}, name])]
    )
