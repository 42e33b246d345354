"""``labkit data-quality``: the DefaultModelMonitor twin on CSV files and captured data.

    labkit data-quality baseline --input TRAIN.csv --output BASELINE_DIR
    labkit data-quality monitor  --input PATH --baseline BASELINE_DIR --output OUT_DIR
        [--start ISO --end ISO] [--include-output]
        [--metrics-dir DIR --endpoint NAME --schedule NAME]
    either: [--engine local|spark] [--chunk-mib N] [--progress | --no-progress]

A CSV is profiled in chunks (``--chunk-mib`` of text at a time, so memory stays bounded whatever
its size; a progress bar on a terminal) by the local engine, or by Apache Spark with
``--engine spark`` (``pip install 'drift-lab[spark]'`` and Java 17; see docs/spark.md).

``baseline`` writes statistics.json and constraints.json. ``monitor`` reads a CSV with a header,
a data-capture ``.jsonl`` file or a capture folder (``yyyy/mm/dd/hh`` below it), writes the
report folder of a real execution (statistics.json, constraints.json,
constraint_violations.json) and, with ``--metrics-dir``, the CloudWatch metrics file the
container writes to ``/opt/ml/output/metrics/cloudwatch``; it exits 1 when a
constraint is violated (the execution's ``CompletedWithViolations``), 0 when none is, 2 when it
fails. Malformed capture lines are skipped, counted and listed with file and line.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from labkit.cli import EXIT_OK, EXIT_VIOLATIONS, options
from labkit.errors import LabkitInputError
from labkit.paths import check_output_folder, require_file_or_folder

if TYPE_CHECKING:
    from labkit.data_quality import DatasetProfile

__all__ = ["register"]

SHOWN_PROBLEMS = 5  # quarantined lines listed in the summary; the rest are counted


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data-quality", help="DefaultModelMonitor twin: baseline and monitor"
    )
    commands = parser.add_subparsers(dest="data_quality_command", metavar="ACTION", required=True)

    baseline = commands.add_parser("baseline", help="write statistics.json and constraints.json")
    baseline.add_argument(
        "--input", required=True, type=_input, help="baseline dataset: CSV with a header row (or an s3:// URI with --engine spark)"
    )
    baseline.add_argument("--output", required=True, type=Path, help="folder for the two files")
    _add_engine_options(baseline)
    baseline.set_defaults(handler=_baseline)

    monitor = commands.add_parser(
        "monitor",
        help="write statistics.json, constraints.json and constraint_violations.json",
    )
    monitor.add_argument(
        "--input", required=True, type=_input,
        help="CSV with a header, a capture .jsonl file, or a capture folder (read recursively)",
    )  # fmt: skip
    monitor.add_argument(
        "--baseline",
        required=True,
        type=Path,
        help="folder with statistics.json and constraints.json",
    )
    monitor.add_argument(
        "--output", required=True, type=Path, help="the execution's report folder"
    )
    monitor.add_argument(
        "--metrics-dir",
        type=Path,
        default=None,
        help="folder for cloudwatch_metrics.jsonl, the container's /opt/ml/output/metrics/cloudwatch "
        "(default: not written)",
    )
    monitor.add_argument(
        "--start", type=_time, help="capture window start, ISO 8601 (inclusive, UTC if no zone)"
    )
    monitor.add_argument(
        "--end", type=_time, help="capture window end, ISO 8601 (exclusive); the metrics' timestamp"
    )
    monitor.add_argument(
        "--include-output", action="store_true",
        help="captured rows: the baseline's first column is the model output (endpointOutput), "
        "the others the inputs (output_columns_position START)",
    )  # fmt: skip
    monitor.add_argument(
        "--endpoint",
        default=None,
        help="Endpoint dimension of the metrics (default: local-endpoint)",
    )
    monitor.add_argument(
        "--schedule", default=None, help="MonitoringSchedule dimension (default: local-schedule)"
    )
    _add_engine_options(monitor)
    monitor.set_defaults(handler=_monitor)


def _chunk_mib(text: str) -> float:
    """MiB per chunk: a finite number above 0 (NaN, 0 or less is refused)."""
    value = options.finite_number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number of MiB above 0, got {text!r}")
    return value


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine", choices=("local", "spark"), default="local",
        help="local: chunked, bounded memory (default); spark: Apache Spark (local[*] or spark-submit)",
    )  # fmt: skip
    parser.add_argument(
        "--chunk-mib", type=_chunk_mib, default=32.0,
        help="local engine: MiB of CSV text profiled per chunk (bounds memory; default 32)",
    )  # fmt: skip
    parser.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )  # fmt: skip


def _baseline(args: argparse.Namespace) -> int:
    from labkit import data_quality

    check_output_folder(args.output)
    df = _profile_csv(args, args.input)
    baseline = data_quality.suggest_baseline(df, path=args.input)
    statistics_path, constraints_path = baseline.to_json(args.output)
    print(
        f"baseline on {baseline.statistics.item_count} rows, {len(baseline.statistics.features)} features"
    )
    for feature in baseline.constraints.features:
        extra = f", {len(feature.domains)} domain values" if feature.domains is not None else ""
        print(
            f"  {feature.name:<24} {feature.inferred_type:<10} completeness {feature.completeness:.3f}{extra}"
        )
    print(f"wrote {statistics_path} and {constraints_path}")
    return EXIT_OK


def _monitor(args: argparse.Namespace) -> int:
    from labkit import cloudwatch, data_quality

    check_output_folder(args.output)
    if args.metrics_dir is not None:
        check_output_folder(args.metrics_dir)
    baseline = data_quality.Baseline.from_json(args.baseline)
    strings = [f.name for f in baseline.statistics.features if f.inferred_type == "String"]
    window, timestamp = _read_window(args, baseline.statistics.names, strings)
    if len(window) == 0:
        # [U] reference: operations.md §3.4 — an execution with no data in its window fails.
        raise LabkitInputError(
            "no records to analyse (a SageMaker execution with no data in its window fails)",
            path=args.input,
        )
    report = data_quality.monitor(window, baseline, path=args.input)
    paths = report.to_json(args.output)
    metrics = report.cloudwatch_metrics(
        endpoint=args.endpoint or cloudwatch.DEFAULT_ENDPOINT,
        schedule=args.schedule or cloudwatch.DEFAULT_SCHEDULE,
        timestamp=timestamp,
    )
    if args.metrics_dir is not None:
        paths += (cloudwatch.write_metrics(metrics, args.metrics_dir),)
    by_check = Counter(v.constraint_check_type for v in report.violations.violations)
    print(
        f"{report.statistics.item_count} items analysed: {len(report.violations.violations)} violation(s)"
    )
    for check in data_quality.CHECK_TYPES:
        if by_check[check]:
            features = ", ".join(
                v.feature_name
                for v in report.violations.violations
                if v.constraint_check_type == check
            )
            print(f"  {check:<26} {by_check[check]}  ({features})")
    _print_notes(window, baseline)
    print(f"wrote {', '.join(map(str, paths))}")
    if args.metrics_dir is None:
        print(f"{len(metrics)} CloudWatch metric(s); --metrics-dir writes them")
    return EXIT_VIOLATIONS if report.has_violations else EXIT_OK


def _print_notes(window: pd.DataFrame, baseline) -> None:
    """Say what the checks could not see, so a pass is never a silent one."""
    from labkit.data_quality import uncompared_features

    if baseline.constraints.names and not {str(c) for c in window.columns} & set(
        baseline.constraints.names
    ):
        print(
            "  note: no column of the window is named as in the baseline, so every column is "
            "missing or extra; is the CSV's header row missing?"
        )
    for name in uncompared_features(baseline.statistics):
        print(
            f"  note: {name!r} has no categorical distribution in the baseline statistics.json "
            "(a high-cardinality string column), so baseline_drift_check does not compare it"
        )


def _read_window(
    args: argparse.Namespace, names: list[str], strings: Collection[str]
) -> tuple[pd.DataFrame | DatasetProfile, datetime]:
    """The window (a CSV's profile, or captured rows as text cells) and the metrics' timestamp."""
    path = args.input
    if isinstance(path, str):  # a URI (s3://…): only Spark reads it
        return _profile_csv(args, path, strings=strings), args.end or _now()
    path = require_file_or_folder(path, "a CSV file, a capture .jsonl file or a capture folder")
    if path.is_file() and path.suffix.lower() not in (".jsonl", ".json"):
        if args.start:
            raise LabkitInputError(
                "--start selects captured records; a CSV input has no capture times", path=path
            )
        return _profile_csv(args, path, strings=strings), args.end or _now()
    if args.engine == "spark":
        raise LabkitInputError("--engine spark reads CSV files; capture files use the local engine", path=path)
    return _read_capture(args, names)


def _profile_csv(args: argparse.Namespace, path: Path | str, *, strings: Collection[str] = ()):
    """The CSV's DatasetProfile from the chosen engine, with a progress bar when asked for."""
    if args.engine == "spark":
        from labkit.data_quality import spark

        return spark.profile_csv(path, count_values_of=strings)
    if isinstance(path, str):
        raise LabkitInputError("a URI input needs --engine spark (the local engine reads files)", path=path)
    from tqdm import tqdm

    from labkit.data_quality import engine

    size = path.stat().st_size if path.is_file() else 0
    with tqdm(total=size, unit="B", unit_scale=True, desc=path.name, disable=_no_bar(args), file=sys.stderr,
              leave=False) as bar:  # fmt: skip
        return engine.profile_csv(
            path, count_values_of=strings, chunk_bytes=int(args.chunk_mib * 2**20), progress=bar.update
        )


def _no_bar(args: argparse.Namespace) -> bool | None:
    """tqdm's ``disable``: None hides the bar unless stderr is a terminal."""
    return None if args.progress is None else not args.progress


def _read_capture(args: argparse.Namespace, names: list[str]) -> tuple[pd.DataFrame, datetime]:
    from labkit import capture

    result = capture.read_capture(args.input, start=args.start, end=args.end)
    print(
        f"read {result.lines_read} capture line(s) in {len(result.files)} file(s): "
        f"{result.n_records} record(s) in the window, "
        f"{result.n_outside_window} record(s) outside the window"
    )
    if result.n_quarantined:
        print(f"  {result.n_quarantined} line(s) quarantined (skipped):")
        for item in result.quarantined[:SHOWN_PROBLEMS]:
            print(f"    {item.path}:{item.line}: {item.reason}")
        _print_more(result.n_quarantined)
    if args.include_output:
        if len(names) < 2:
            raise LabkitInputError(
                "--include-output needs a baseline with an output column and inputs",
                path=args.baseline,
            )
        window, bad_rows = capture.records_to_frame(
            result.records,
            names[1:],
            include_output=True,
            output_columns=names[:1],
            output_columns_position="START",
        )
    else:
        window, bad_rows = capture.records_to_frame(result.records, names)
    if bad_rows:
        print(f"  {len(bad_rows)} record(s) quarantined (skipped):")
        for row in bad_rows[:SHOWN_PROBLEMS]:
            print(f"    event {row.event_id}: {row.reason}")
        _print_more(len(bad_rows))
    if len(window) == 0:
        raise LabkitInputError(
            "no usable captured records in the window; nothing to analyse", path=args.input
        )
    timestamp = args.end or max(r.inference_time for r in result.records)
    return window, timestamp


def _print_more(total: int) -> None:
    if total > SHOWN_PROBLEMS:
        print(f"    … and {total - SHOWN_PROBLEMS} more")


def _input(text: str) -> Path | str:
    """A local path, or a URI such as s3://bucket/key kept as text (Path would fold its //)."""
    return text if "://" in text else Path(text)


def _time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)  # Python 3.11+ reads a trailing Z
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
