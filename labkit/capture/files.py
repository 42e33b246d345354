"""Capture files on disk: the S3 key layout, writing, and reading with quarantine.

Captured data lands under ``<DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/`` where the
hour is the UTC hour of the invocation (AWS: "Capture data from real-time endpoint",
model-monitor-data-capture-endpoint). A monitoring job is handed the hour folders around its
window and filters records itself (AWS: "Container contract inputs",
model-monitor-byoc-contract-inputs); ``read_capture`` does both steps. The generic pieces
(``find_jsonl_files``, ``parse_jsonl``) are shared with :mod:`labkit.ground_truth`.
"""

from __future__ import annotations

import codecs
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from labkit.capture.records import CaptureRecord, to_utc
from labkit.errors import LabkitInputError
from labkit.paths import require_file, require_file_or_folder

__all__ = [
    "DEFAULT_VARIANT", "CaptureReadResult", "JsonlReadResult", "QuarantinedLine", "capture_key", "find_jsonl_files",
    "hour_folder", "hour_prefix", "parse_jsonl", "read_capture", "window_bounds", "write_capture",
    "write_jsonl",
]  # fmt: skip

DEFAULT_VARIANT = "AllTraffic"  # the SageMaker Python SDK's default production variant name
_HOUR = timedelta(hours=1)
_T = TypeVar("_T")


def hour_prefix(moment: datetime) -> str:
    """``yyyy/mm/dd/hh`` of ``moment`` in UTC: the hour folder of capture and ground-truth keys."""
    t = to_utc(moment)
    return f"{t.year:04d}/{t.month:02d}/{t.day:02d}/{t.hour:02d}"


def capture_key(endpoint: str, variant: str, flushed_at: datetime, file_id: str | uuid.UUID) -> str:
    """``{endpoint}/{variant}/yyyy/mm/dd/hh/MM-SS-mmm-{file_id}.jsonl``, relative to the root."""
    for what, name in (("endpoint", endpoint), ("variant", variant)):
        if not isinstance(name, str) or not name or "/" in name:
            raise LabkitInputError(f"{what} name {name!r} must be non-empty and contain no '/'")
    t = to_utc(flushed_at)
    stamp = f"{t.minute:02d}-{t.second:02d}-{t.microsecond // 1000:03d}"
    return f"{endpoint}/{variant}/{hour_prefix(t)}/{stamp}-{file_id}.jsonl"


def write_jsonl(path: Path, lines: Iterable[str]) -> Path:
    """Write ``lines`` to ``path`` (parents created), each ended by ``\\n``; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def write_capture(
    records: Iterable[CaptureRecord],
    root: str | Path,
    *,
    endpoint: str,
    variant: str = DEFAULT_VARIANT,
    seed: int = 0,
) -> list[Path]:
    """Write one file per UTC hour of ``inference_time`` at ``root/<capture_key>``; returns paths.

    Records are written in time order, compact JSON, one per line; ``seed`` picks the file UUIDs.
    """
    by_hour: dict[datetime, list[CaptureRecord]] = {}
    for record in records:
        by_hour.setdefault(record.inference_time.replace(minute=0, second=0), []).append(record)
    rng = np.random.default_rng(seed)
    paths = []
    for hour in sorted(by_hour):
        group = sorted(by_hour[hour], key=lambda r: r.inference_time)
        file_id = uuid.UUID(bytes=rng.bytes(16), version=4)
        # [U] reference: operations.md §1.3 — the name's time is when the file was flushed; the
        # twin flushes at the hour's last request.
        key = capture_key(endpoint, variant, group[-1].inference_time, file_id)
        paths.append(write_jsonl(Path(root) / key, (r.to_line() for r in group)))
    return paths


@dataclass(frozen=True)
class QuarantinedLine:
    """A line a reader set aside: its file, line number (from 1), reason and text."""

    path: Path
    line: int
    reason: str
    text: str

    def error(self) -> LabkitInputError:
        """The problem as the kit's one exception, to raise or print (names file and line)."""
        return LabkitInputError(self.reason, path=self.path, line=self.line)


def hour_folder(path: str | Path) -> datetime | None:
    """The UTC hour named by a file's ``yyyy/mm/dd/hh`` parent folders, or None if none."""
    parts = Path(path).parent.parts[-4:]
    widths = (4, 2, 2, 2)
    if len(parts) != 4 or not all(p.isdigit() and len(p) == w for p, w in zip(parts, widths)):
        return None
    try:
        return datetime(*map(int, parts), tzinfo=UTC)
    except ValueError:
        return None


def window_bounds(start: Any, end: Any) -> tuple[datetime | None, datetime | None]:
    """``start`` and ``end`` in UTC (None stays open); start must precede end."""
    start = None if start is None else to_utc(start)
    end = None if end is None else to_utc(end)
    if start is not None and end is not None and not start < end:
        raise LabkitInputError(
            f"window start {start.isoformat()} is not before end {end.isoformat()}"
        )
    return start, end


def find_jsonl_files(
    path: str | Path, *, start: datetime | None = None, end: datetime | None = None
) -> list[Path]:
    """The ``.jsonl`` files to read: ``path`` itself, or the files under it in key order whose
    hour folder overlaps ``[start, end)``; files outside any hour folder are always kept."""
    path = require_file_or_folder(Path(path), "a .jsonl file or a capture folder")
    if not path.is_dir():
        return [path]
    files = sorted(
        require_file(p, "a .jsonl file") for p in path.rglob("*.jsonl") if not p.is_dir()
    )
    if not files:
        raise LabkitInputError("no .jsonl files under this directory", path=path)
    start, end = window_bounds(start, end)
    kept = []
    for file in files:
        hour = hour_folder(file)
        if hour is None or (
            (start is None or hour + _HOUR > start) and (end is None or hour < end)
        ):
            kept.append(file)
    return kept


def parse_jsonl(
    files: Iterable[Path], parse: Callable[[dict], _T]
) -> tuple[list[_T], list[QuarantinedLine], int]:
    """Parse each line of ``files`` with ``parse``; returns (items, quarantined, lines_read).

    A line is a piece ended by ``\\n``, or the unterminated last piece; a trailing ``\\r`` and a
    UTF-8 byte-order mark are ignored. ``parse`` raises LabkitInputError for a bad record. Blank
    lines are quarantined too, so lines_read == len(items) + len(quarantined).
    """
    items: list[_T] = []
    quarantined: list[QuarantinedLine] = []
    lines_read = 0
    for file in files:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise LabkitInputError(f"cannot read file ({exc.strerror})", path=file) from None
        pieces = raw.removeprefix(codecs.BOM_UTF8).split(b"\n")
        terminated = pieces[-1] == b""
        if terminated:
            pieces.pop()
        for number, piece in enumerate(pieces, start=1):
            lines_read += 1
            unterminated = number == len(pieces) and not terminated
            try:
                items.append(parse(_json_object(piece, unterminated=unterminated)))
            except LabkitInputError as exc:
                text = piece.decode("utf-8", "replace")
                quarantined.append(QuarantinedLine(file, number, exc.reason, text))
    return items, quarantined, lines_read


def _json_object(piece: bytes, *, unterminated: bool) -> dict:
    try:
        text = piece.removesuffix(b"\r").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LabkitInputError(f"not UTF-8 text (byte {exc.start + 1})") from None
    if not text.strip():
        raise LabkitInputError("blank line; expected one JSON record per line")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = (
            f": {exc.msg} (character {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        )
        hint = (
            "; the last line has no newline, so the file may be truncated" if unterminated else ""
        )
        raise LabkitInputError(f"not valid JSON{where}{hint}") from None
    if not isinstance(value, dict):
        raise LabkitInputError(f"expected a JSON object, found {type(value).__name__}")
    return value


@dataclass(frozen=True)
class JsonlReadResult:
    """What a JSON Lines reader found: the records, the quarantined lines and the counts.

    Invariant: ``lines_read == n_records + n_quarantined + n_outside_window``, counting the
    lines of the files read (``files``). Shared by capture and ground-truth reading.
    """

    records: list[Any]
    quarantined: list[QuarantinedLine]
    lines_read: int
    files: list[Path]
    n_outside_window: int = 0

    @property
    def n_records(self) -> int:
        return len(self.records)

    @property
    def n_quarantined(self) -> int:
        return len(self.quarantined)

    def raise_if_quarantined(self) -> None:
        """Raise the first quarantined line as LabkitInputError (its file and line named)."""
        if self.quarantined:
            raise self.quarantined[0].error()


@dataclass(frozen=True)
class CaptureReadResult(JsonlReadResult):
    """What ``read_capture`` found (``records`` are ``CaptureRecord``); files in hour folders
    outside the window are not read."""

    records: list[CaptureRecord]


def read_capture(
    path: str | Path, *, start: datetime | None = None, end: datetime | None = None
) -> CaptureReadResult:
    """Read a capture file, or the files under a capture folder, keeping records in ``[start, end)``.

    As a monitoring job reads the previous hour: hour folders overlapping the window are read,
    then records are kept by ``inferenceTime``. Bad lines are quarantined, never raised; a
    missing path or a folder without ``.jsonl`` files raises LabkitInputError.
    """
    start, end = window_bounds(start, end)
    files = find_jsonl_files(path, start=start, end=end)
    records, quarantined, lines_read = parse_jsonl(files, CaptureRecord.from_dict)
    # [U] reference: operations.md §3.2 — a record belongs to the window by its inferenceTime.
    inside = [
        r
        for r in records
        if (start is None or r.inference_time >= start) and (end is None or r.inference_time < end)
    ]
    return CaptureReadResult(inside, quarantined, lines_read, files, len(records) - len(inside))
