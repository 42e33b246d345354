"""``dataset_format`` + ``dataset_source``: the table a job analyses, read as the analyzer reads it.

The Model Monitor analyzer takes its input format as JSON text in ``dataset_format`` and its
files from the directory ``dataset_source`` (AWS "Container Contract Inputs"; SDK
``DatasetFormat``): ``{"csv": {"header": true, "output_columns_position": "START"}}``,
``{"json": {"lines": true}}``, ``{"parquet": {}}`` for baselines and batch transform,
``{"sagemakerCaptureJson": {"captureIndexNames": [...]}}`` for an endpoint's captured hours and
``{"sagemakerMergeJson": {...}}`` for captured records merged with ground truth. Files are read
in key order, every file under the directory (the service downloads S3 prefixes).

Readers return text cells for the data-quality twin (``typed=False``: Deequ infers types from
the text) or parsed numbers for the others, and never drop a row silently: unreadable lines and
records fail the job, naming file and line, or are counted in the job's log.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from labkit.analyzer import contract as c
from labkit.analyzer.contract import JobFailure
from labkit.analyzer.job import JobContext
from labkit.errors import LabkitInputError

__all__ = [
    "DatasetFormat",
    "MergedRecords",
    "dataset_files",
    "parse_dataset_format",
    "read_captured",
    "read_merged",
    "read_table",
]


@dataclass(frozen=True)
class DatasetFormat:
    """One ``dataset_format`` value, defaults filled in as the analyzer fills them."""

    kind: str
    header: bool = c.DEFAULT_CSV_HEADER
    output_columns_position: str = c.DEFAULT_OUTPUT_COLUMNS_POSITION
    capture_index_names: tuple[str, ...] = c.CAPTURE_INDEX_NAMES

    @property
    def is_captured(self) -> bool:
        return self.kind in (c.CAPTURE_FORMAT, c.MERGE_FORMAT)


def parse_dataset_format(text: str | None) -> DatasetFormat:
    """Parse the environment's JSON text; SDK spellings (``Csv``/``Header``) are accepted too."""
    if text is None:
        raise JobFailure(f"environment variable {c.DATASET_FORMAT} is not set")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JobFailure(f"{c.DATASET_FORMAT} is not JSON ({exc.msg}): {text}") from None
    if not isinstance(data, dict) or len(data) != 1:
        raise JobFailure(f"{c.DATASET_FORMAT} must name exactly one format, got {text}")
    ((name, options),) = data.items()
    kind = {
        k.lower(): k
        for k in (c.CSV_FORMAT, c.JSON_FORMAT, c.PARQUET_FORMAT, c.CAPTURE_FORMAT, c.MERGE_FORMAT)
    }.get(name.lower())
    if kind is None or not isinstance(options, dict):
        raise JobFailure(f"{c.DATASET_FORMAT}: unsupported format {name!r}")
    options = {k.lower(): v for k, v in options.items()}
    header = options.get("header", c.DEFAULT_CSV_HEADER)
    position = options.get("output_columns_position", c.DEFAULT_OUTPUT_COLUMNS_POSITION)
    if not isinstance(header, bool) or position not in ("START", "END"):
        raise JobFailure(
            f"{c.DATASET_FORMAT}: header must be true/false, output_columns_position START/END: {text}"
        )
    names = options.get("captureindexnames", list(c.CAPTURE_INDEX_NAMES))
    if not isinstance(names, list) or not names or not set(names) <= set(c.CAPTURE_INDEX_NAMES):
        raise JobFailure(
            f"{c.DATASET_FORMAT}: captureIndexNames must list endpointInput and/or endpointOutput: {text}"
        )
    order = tuple(n for n in c.CAPTURE_INDEX_NAMES if n in names)
    return DatasetFormat(
        kind, header=header, output_columns_position=position, capture_index_names=order
    )


def dataset_files(
    context: JobContext, *, suffixes: Sequence[str] | None = None
) -> tuple[Path, list[Path]]:
    """The ``dataset_source`` directory and the data files under it, in key order.

    No directory or no file: the service's no-data failure ("Job inputs had no data").
    """
    source = context.path(context.require(c.DATASET_SOURCE))
    if source.is_file():
        return source.parent, [source]
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else []
    if suffixes is not None:
        files = [p for p in files if p.suffix.lower() in suffixes]
    if not files:
        raise JobFailure(c.NO_DATA_REASON)
    return source, files


def read_table(
    context: JobContext, fmt: DatasetFormat, *, typed: bool
) -> tuple[pd.DataFrame, Path]:
    """A csv, json-lines or parquet dataset as one table; returns it and the first file (for errors)."""
    from labkit.csvfiles import read_csv, read_csv_text

    _, files = dataset_files(context)
    frames = []
    for path in files:
        if fmt.kind == c.CSV_FORMAT:
            frame = (
                read_csv(path, header=fmt.header)
                if typed
                else read_csv_text(path, header=fmt.header)
            )
        elif fmt.kind == c.JSON_FORMAT:
            frame = _read_json_lines(path, typed=typed)
        elif fmt.kind == c.PARQUET_FORMAT:
            frame = _read_parquet(path, typed=typed)
        else:
            raise JobFailure(f"{c.DATASET_FORMAT} {fmt.kind} is not a table format for this job")
        if frames and list(frame.columns) != list(frames[0].columns):
            raise LabkitInputError(
                f"columns differ from {files[0].name}'s: {list(frame.columns)} vs {list(frames[0].columns)}",
                path=path,
            )
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if len(table) == 0:
        raise JobFailure(c.NO_DATA_REASON)
    return table, files[0]


def _read_json_lines(path: Path, *, typed: bool) -> pd.DataFrame:
    """One flat JSON object per line; cells keep JSON's spelling as text unless ``typed``."""
    rows: list[dict[str, Any]] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabkitInputError(f"not valid JSON: {exc.msg}", path=path, line=line_no) from None
        if not isinstance(row, dict) or any(isinstance(v, (dict, list)) for v in row.values()):
            raise LabkitInputError("expected a flat JSON object", path=path, line=line_no)
        rows.append(
            row
            if typed
            else {
                k: v if v is None or isinstance(v, str) else json.dumps(v) for k, v in row.items()
            }
        )
    return pd.DataFrame(rows, dtype=None if typed else object)


def _read_parquet(path: Path, *, typed: bool) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except ImportError:
        raise JobFailure("reading parquet needs pyarrow (pip install pyarrow)") from None
    except (OSError, ValueError) as exc:  # pyarrow.ArrowInvalid is a ValueError
        raise LabkitInputError(f"not a parquet file ({exc})", path=path) from None
    if typed:
        return frame
    from labkit.capture import csv_value

    return pd.DataFrame(
        {k: [None if pd.isna(v) else csv_value(v) for v in frame[k]] for k in frame.columns},
        dtype=object,
    )


@dataclass(frozen=True)
class CapturedWindow:
    """Captured records of the window, and what was read around them."""

    records: list
    source: Path
    lines_read: int
    n_outside_window: int
    quarantined: list


def name_by_position(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """A headerless table's columns take the baseline's ``names`` by position, as captured rows do.

    A batch transform's input files usually have no header (``DatasetFormat.csv(header=False)``)
    while the baseline was suggested from a training file with one. Without names the window can
    only be matched by position; columns past the baseline's keep their Spark names (``_c5``…),
    so they, and baseline columns the window lacks, are reported as extra or missing columns
    instead of every column being "missing". [U] the kit's reading: the docs say only that the
    analyzer compares the column counts.
    """
    renamed = [names[i] if i < len(names) else column for i, column in enumerate(frame.columns)]
    return frame.set_axis(renamed, axis="columns")


def read_window(context: JobContext) -> CapturedWindow:
    """Captured records under ``dataset_source`` with ``inferenceTime`` in ``[start_time, end_time)``."""
    from labkit.capture import read_capture

    source, _ = dataset_files(context, suffixes=(".jsonl",))
    result = read_capture(source, start=context.time(c.START_TIME), end=context.time(c.END_TIME))
    if result.n_quarantined:
        first = result.quarantined[0]
        raise first.error()
    if not result.records:
        raise JobFailure(c.NO_DATA_REASON)
    return CapturedWindow(
        result.records, source, result.lines_read, result.n_outside_window, result.quarantined
    )


def read_captured(
    context: JobContext, fmt: DatasetFormat, names: Sequence[str]
) -> tuple[pd.DataFrame, Path, datetime]:
    """Captured payloads as a text table whose columns take the baseline's ``names`` by position.

    ``captureIndexNames`` chooses the sides: the input alone, the output alone, or both, the
    output columns placed by ``output_columns_position`` (START by default) as the analyzer
    places them. Returns the table, the source folder and the latest inference time.
    """
    window = read_window(context)
    names = list(names)
    sides = fmt.capture_index_names
    if sides == ("endpointInput",):
        frame = captured_frame(window.records, names, source=window.source)
    elif sides == ("endpointOutput",):
        frame = captured_frame(
            window.records, [], source=window.source, include_output=True, output_columns=names
        )
    else:
        position = fmt.output_columns_position
        inputs, outputs = _split(names, output_width(window.records, names, position), position)
        frame = captured_frame(
            window.records, inputs, source=window.source, include_output=True,
            output_columns=outputs, output_columns_position=position,
        )  # fmt: skip
    latest = max(r.inference_time for r in window.records)
    return frame, window.source, latest


def captured_frame(
    records: Sequence[Any], names: Sequence[str], *, source: Path, **layout: Any
) -> pd.DataFrame:
    """``capture.records_to_frame``, failing the job on the first record that does not fit."""
    from labkit.capture import records_to_frame

    frame, bad = records_to_frame(records, list(names), **layout)
    if bad:
        raise LabkitInputError(
            f"captured record eventId {bad[0].event_id}: {bad[0].reason}", path=source
        )
    return frame


def _split(names: list[str], n_out: int, position: str) -> tuple[list[str], list[str]]:
    """(input names, output names): the outputs first for START, last for END."""
    if position == "START":
        return names[n_out:], names[:n_out]
    return names[:-n_out], names[-n_out:]


def output_width(records: Sequence[Any], names: Sequence[str], position: str) -> int:
    """How many of the baseline's columns the captured output fills (the rest are the inputs).

    [U] The analyzer concatenates output and input fields and names them by position; the kit
    takes the split that reads the first records without error, the narrowest output first.
    """
    from labkit.capture import records_to_frame

    sample = list(records[:5])
    for n_out in range(1, len(names)):
        inputs, outputs = _split(list(names), n_out, position)
        _, bad = records_to_frame(
            sample, inputs, include_output=True, output_columns=outputs,
            output_columns_position=position,
        )  # fmt: skip
        if not bad:
            return n_out
    raise JobFailure(
        f"captured records do not fit the baseline's {len(names)} columns as output + input fields"
    )


@dataclass(frozen=True)
class MergedRecords:
    """Captured records with their labels: what the merge job writes and the analysis job reads."""

    captures: list
    labels: list
    source: Path


def merged_record(capture: Any, label: Any) -> dict[str, Any]:
    """One merged line: the captured record plus its ``groundTruthData``.

    [U] The merger's output format is not published; the kit keeps the capture record as
    written and adds the label record's ``groundTruthData`` beside ``captureData``.
    """
    record = capture.to_dict()
    record["groundTruthData"] = label.to_dict()["groundTruthData"]
    return record


def read_merged(context: JobContext) -> MergedRecords:
    """Merged records under ``dataset_source`` in ``[start_time, end_time)``, split back into pairs."""
    from labkit.capture import CaptureRecord, join_key, parse_jsonl
    from labkit.capture.files import find_jsonl_files
    from labkit.ground_truth import GroundTruthRecord

    source, _ = dataset_files(context, suffixes=(".jsonl",))
    start, end = context.time(c.START_TIME), context.time(c.END_TIME)

    def parse(d: dict) -> tuple[Any, Any]:
        capture = CaptureRecord.from_dict(d)
        truth = d.get("groundTruthData")
        if not isinstance(truth, dict):
            raise LabkitInputError("groundTruthData is missing: not a merged record")
        label = GroundTruthRecord.from_dict(
            {
                "groundTruthData": truth,
                "eventMetadata": {"eventId": join_key(capture)},
                "eventVersion": capture.event_version,
            }
        )
        return capture, label

    pairs, quarantined, _ = parse_jsonl(find_jsonl_files(source, start=start, end=end), parse)
    if quarantined:
        raise quarantined[0].error()
    pairs = [
        (cap, lab)
        for cap, lab in pairs
        if (start is None or cap.inference_time >= start)
        and (end is None or cap.inference_time < end)
    ]
    if not pairs:
        raise JobFailure(c.NO_DATA_REASON)
    return MergedRecords([p[0] for p in pairs], [p[1] for p in pairs], source)


def attribute(value: str | None) -> int | str | None:
    """An ``*_attribute`` value: a field index when it is a whole number, else a name or key path."""
    if value is None:
        return None
    return int(value) if value.strip().isdigit() else value


def column(frame: pd.DataFrame, value: str | None, *, variable: str) -> str | None:
    """The column an ``*_attribute`` names: a header, or a 0-based index into the columns."""
    if value is None:
        return None
    if value in frame.columns:
        return value
    if value.strip().isdigit() and int(value) < len(frame.columns):
        return str(frame.columns[int(value)])
    raise JobFailure(
        f"{variable} {value!r} is neither a column of the dataset nor a column index (columns: {', '.join(map(str, frame.columns))})"
    )
