"""``labkit model-quality``: the ModelQualityMonitor twin on merged CSV files.

    labkit model-quality baseline --input MERGED.csv --problem-type BinaryClassification \\
        --label COL --prediction COL [--probability COL] [--probability-threshold 0.5] --output DIR
    labkit model-quality monitor --input MERGED.csv (same column flags) --baseline DIR \\
        --output OUT_DIR

``baseline`` writes statistics.json and constraints.json; ``monitor`` writes statistics.json and
constraint_violations.json and exits 1 when a constraint is violated (the execution's
``CompletedWithViolations``), 0 when none is, 2 when the input cannot be used.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from labkit.cli import EXIT_OK, EXIT_VIOLATIONS, options
from labkit.csvfiles import read_csv, require_columns, to_numeric
from labkit.errors import LabkitInputError
from labkit.model_quality.inputs import (
    DEFAULT_PROBABILITY_THRESHOLD,
    PROBLEM_TYPES,
    check_probability_threshold,
)
from labkit.paths import check_output_folder

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "model-quality", help="ModelQualityMonitor twin: baseline and monitor"
    )
    commands = parser.add_subparsers(dest="model_quality_command", metavar="ACTION", required=True)

    baseline = commands.add_parser("baseline", help="write statistics.json and constraints.json")
    _add_columns(baseline, problem_type_required=True)
    baseline.add_argument("--output", required=True, type=Path, help="folder for the two files")
    baseline.set_defaults(handler=_baseline)

    monitor = commands.add_parser(
        "monitor", help="write statistics.json and constraint_violations.json"
    )
    _add_columns(monitor, problem_type_required=False)
    monitor.add_argument(
        "--baseline", required=True, type=Path, help="folder (or file) with constraints.json"
    )
    monitor.add_argument("--output", required=True, type=Path, help="folder for the two files")
    monitor.set_defaults(handler=_monitor)


def _add_columns(parser: argparse.ArgumentParser, *, problem_type_required: bool) -> None:
    parser.add_argument(
        "--input", required=True, type=Path, help="merged CSV: label, prediction, [probability]"
    )
    problem_help = " | ".join(PROBLEM_TYPES)
    if not problem_type_required:
        problem_help += " (default: the baseline's)"
    parser.add_argument("--problem-type", required=problem_type_required, help=problem_help)
    parser.add_argument(
        "--label", required=True, help="ground-truth column (ground_truth_attribute)"
    )
    parser.add_argument(
        "--prediction", help="predicted-class or predicted-value column (inference_attribute)"
    )
    parser.add_argument(
        "--probability", help="score column for auc and the curves (probability_attribute)"
    )
    parser.add_argument(
        "--probability-threshold",
        type=_probability_threshold,
        default=DEFAULT_PROBABILITY_THRESHOLD,
        help="0 to 1; without --prediction, a row is positive when probability > threshold "
        "(default 0.5)",
    )
    parser.add_argument(
        "--positive-label", default="1", help="the positive class of a binary problem (default 1)"
    )
    parser.add_argument(
        "--seed",
        type=options.seed,
        default=0,
        help="seed of the 5 subsamples behind each standard deviation",
    )


def _baseline(args: argparse.Namespace) -> int:
    from labkit import model_quality

    problem_type = _problem_type(args.problem_type)
    check_output_folder(args.output)
    df = _read(args, problem_type)
    baseline = model_quality.suggest_baseline(df, problem_type=problem_type, **_column_kwargs(args))
    baseline.to_json(args.output)
    stats = baseline.statistics
    print(f"{problem_type} baseline on {stats.item_count} rows")
    _print_metrics(stats)
    _print_notes(stats.notes)
    print(f"wrote {args.output / 'statistics.json'} and {args.output / 'constraints.json'}")
    return EXIT_OK


def _monitor(args: argparse.Namespace) -> int:
    from labkit import model_quality

    check_output_folder(args.output)
    constraints = model_quality.Constraints.from_json(args.baseline)
    if (
        args.problem_type is not None
        and _problem_type(args.problem_type) != constraints.problem_type
    ):
        raise LabkitInputError(
            f"--problem-type is {args.problem_type} but the baseline's constraints are "
            f"for {constraints.problem_type}",
            path=args.baseline,
        )
    df = _read(args, constraints.problem_type)
    report = model_quality.monitor(df, constraints, **_column_kwargs(args))
    report.to_json(args.output)
    print(
        f"{constraints.problem_type} on {report.statistics.item_count} rows: "
        f"{len(report.violations)} violation(s)"
    )
    for violation in report.violations.violations:
        print(f"  {violation.description}")
    _print_notes(report.notes)
    print(
        f"wrote {args.output / 'statistics.json'} and {args.output / 'constraint_violations.json'}"
    )
    return EXIT_VIOLATIONS if report.has_violations else EXIT_OK


def _problem_type(value: str) -> str:
    if value not in PROBLEM_TYPES:
        raise LabkitInputError(
            f"unknown --problem-type {value!r}; expected one of {', '.join(PROBLEM_TYPES)}"
        )
    return value


def _read(args: argparse.Namespace, problem_type: str) -> pd.DataFrame:
    """Read the CSV and check every named column here, so errors name the file and the line."""
    if args.prediction is None and not (
        problem_type == "BinaryClassification" and args.probability
    ):
        hint = " (or --probability)" if problem_type == "BinaryClassification" else ""
        raise LabkitInputError(f"{problem_type} needs --prediction{hint}")
    df = read_csv(args.input)
    columns = [c for c in (args.label, args.prediction, args.probability) if c is not None]
    require_columns(df, columns, path=args.input)
    for column in columns:
        missing = df[column].isna().to_numpy()
        if missing.any():
            row = int(missing.nonzero()[0][0])
            raise LabkitInputError(
                "empty value; every merged row needs one",
                path=args.input,
                line=row + 2,
                column=column,
            )
    numeric = [args.probability] + (
        [args.label, args.prediction] if problem_type == "Regression" else []
    )
    for column in filter(None, numeric):
        df[column] = to_numeric(df[column], path=args.input)
    return df


def _column_kwargs(args: argparse.Namespace) -> dict:
    return {
        "label": args.label,
        "prediction": args.prediction,
        "probability": args.probability,
        "probability_threshold": args.probability_threshold,
        "positive_label": _positive_label(args.positive_label),
        "seed": args.seed,
        "path": args.input,
    }


def _probability_threshold(text: str) -> float:
    try:
        return check_probability_threshold(text)
    except LabkitInputError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None


def _positive_label(text: str) -> object:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _print_metrics(stats) -> None:
    for name, value in stats.scalar_metrics().items():
        if not name.endswith("_best_constant_classifier"):
            print(f"  {name:<22} {'undefined' if math.isnan(value) else f'{value:.4f}'}")


def _print_notes(notes: tuple[str, ...]) -> None:
    for note in notes:
        print(f"  note: {note}")
