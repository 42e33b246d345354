"""``labkit model-bias``: the Clarify bias twin on CSV files.

    labkit model-bias report   --input DATA.csv --label COL --label-values V[,V] --facet COL
                               (--facet-values V[,V] | --facet-threshold X) [--prediction COL]
                               [--group COL] --output DIR
    labkit model-bias baseline --input DATA.csv (same flags; --prediction required) --output DIR
    labkit model-bias monitor  --input DATA.csv (same flags) --baseline DIR --output OUT_DIR
                               [--rule point|bootstrap] [--bootstrap-samples B]
                               [--confidence-level L] [--seed S]

``report`` writes analysis.json; ``baseline`` writes analysis.json (the constraints) and
analysis_config.json; ``monitor`` writes analysis.json (and constraint_violations.json when a
post-training metric violates, as real executions do) and exits 1
when there are violations. ``--label-threshold`` replaces ``--label-values`` for a numeric label,
``--probability-threshold P`` reads ``--prediction`` as a score (score > P → 1).

Values are read like the analysis config's JSON list: ``1`` is the number 1, ``yes`` the text.
Warnings go to stderr when Clarify's rules would surprise: a single value on a column Clarify
treats as continuous becomes a threshold (``d = x > v``); a value that never occurs makes every
metric of its entry an error (the report is still written, as Clarify writes it); missing values
count as "not positive" and "group a".
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from labkit.cli import EXIT_OK, EXIT_VIOLATIONS, options
from labkit.errors import LabkitInputError
from labkit.paths import check_output_folder

__all__ = ["register"]

_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


def register(subparsers: argparse._SubParsersAction) -> None:
    from labkit.model_bias.bootstrap import (
        DEFAULT_BOOTSTRAP_SAMPLES,
        DEFAULT_CONFIDENCE_LEVEL,
        MIN_BOOTSTRAP_SAMPLES,
    )

    parser = subparsers.add_parser(
        "model-bias", help="Clarify bias metrics and bias drift (ModelBiasMonitor)"
    )
    commands = parser.add_subparsers(dest="model_bias_command", metavar="ACTION", required=True)
    report = commands.add_parser(
        "report", help="write analysis.json: pre-training (+ post-training) bias metrics"
    )
    _add_common(report, prediction_required=False)
    report.set_defaults(handler=_report)
    baseline = commands.add_parser(
        "baseline", help="write the baseline's analysis.json (the constraints)"
    )
    _add_common(baseline, prediction_required=True)
    baseline.set_defaults(handler=_baseline)
    monitor = commands.add_parser(
        "monitor", help="compare a window with a baseline; exit 1 on violations"
    )
    _add_common(monitor, prediction_required=True)
    monitor.add_argument(
        "--baseline", required=True, type=Path, help="folder holding the baseline's analysis.json"
    )
    monitor.add_argument(
        "--rule",
        choices=("point", "bootstrap"),
        default="point",
        help="violation rule (default point)",
    )
    monitor.add_argument(
        "--bootstrap-samples",
        type=_bootstrap_samples,
        default=DEFAULT_BOOTSTRAP_SAMPLES,
        help=f"resamples B, at least {MIN_BOOTSTRAP_SAMPLES} (default {DEFAULT_BOOTSTRAP_SAMPLES})",
    )
    monitor.add_argument(
        "--confidence-level",
        type=_confidence_level,
        default=DEFAULT_CONFIDENCE_LEVEL,
        help=f"interval level, strictly between 0 and 1 (default {DEFAULT_CONFIDENCE_LEVEL})",
    )
    monitor.add_argument(
        "--seed", type=options.seed, default=0, help="seed of the bootstrap resamples"
    )
    monitor.set_defaults(handler=_monitor)


def _add_common(parser: argparse.ArgumentParser, *, prediction_required: bool) -> None:
    parser.add_argument("--input", required=True, type=Path, help="CSV with a header row")
    parser.add_argument("--label", required=True, help="observed label column")
    label = parser.add_mutually_exclusive_group(required=True)
    label.add_argument(
        "--label-values", type=_values, help="favourable label values, comma-separated"
    )
    label.add_argument(
        "--label-threshold", type=_number, help="numeric label: label > X is favourable"
    )
    parser.add_argument("--facet", required=True, help="sensitive attribute column")
    facet = parser.add_mutually_exclusive_group(required=True)
    facet.add_argument(
        "--facet-values", type=_values, help="values selecting the sensitive group d"
    )
    facet.add_argument("--facet-threshold", type=_number, help="numeric facet: d = facet > X")
    parser.add_argument(
        "--prediction", required=prediction_required, help="predicted label (or score) column"
    )
    parser.add_argument(
        "--probability-threshold",
        type=_probability_threshold,
        help="0 to 1: read --prediction as a score, score > P → 1",
    )
    parser.add_argument("--group", help="group variable column for CDDL/CDDPL")
    parser.add_argument("--output", required=True, type=Path, help="folder to write into")


def _values(text: str) -> list[Any]:
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise argparse.ArgumentTypeError(f"empty value in {text!r}")
    return [_literal(item) for item in items]


def _literal(text: str) -> Any:
    """As a JSON list would hold it: canonical integers and decimals are numbers, the rest text."""
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return number if "." in text and text.lstrip("-")[0].isdigit() else text


def _number(text: str) -> int | float:
    value = _literal(text)
    finite = options.finite_number(text)  # NaN would select nobody, ±inf everybody or nobody
    return finite if isinstance(value, str) else value


def _bootstrap_samples(text: str) -> int:
    from labkit.model_bias.bootstrap import MIN_BOOTSTRAP_SAMPLES

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < MIN_BOOTSTRAP_SAMPLES:
        raise argparse.ArgumentTypeError(
            f"must be at least {MIN_BOOTSTRAP_SAMPLES} (a standard deviation needs two resamples), "
            f"got {value}"
        )
    return value


_confidence_level = options.unit_interval(closed=False)


def _probability_threshold(text: str) -> float:
    from labkit.model_bias.config import check_probability_threshold

    try:
        return check_probability_threshold(text)
    except LabkitInputError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None


def _config(args: argparse.Namespace, df, warnings: list[str]) -> Any:
    from labkit.csvfiles import require_columns
    from labkit.model_bias import BiasConfig

    if args.probability_threshold is not None and args.prediction is None:
        raise LabkitInputError(
            "--probability-threshold reads the --prediction column as a score; give both"
        )
    columns = [args.label, args.facet, args.prediction, args.group]
    require_columns(df, [c for c in columns if c is not None], path=args.input)
    label_values = args.label_values if args.label_values is not None else [args.label_threshold]
    facet_values = args.facet_values if args.facet_values is not None else [args.facet_threshold]
    config = BiasConfig(
        label=args.label,
        label_values_or_threshold=label_values,
        facet=args.facet,
        facet_values_or_threshold=facet_values,
        predicted_label=args.prediction,
        group_variable=args.group,
        probability_threshold=args.probability_threshold,
    )
    _check_kinds(args, df, config, warnings)
    return config


def _check_kinds(args: argparse.Namespace, df, config, warnings: list[str]) -> None:
    """Refuse a threshold on a column Clarify reads as categorical; warn on Clarify's surprises."""
    from labkit.model_bias import column_kind

    for role, column, values, threshold in (
        ("label", args.label, config.label_values_or_threshold, args.label_threshold),
        ("facet", args.facet, config.facet_values_or_threshold, args.facet_threshold),
    ):
        kind = column_kind(df[column], values)
        if threshold is not None and kind == "categorical":
            raise LabkitInputError(
                f"Clarify treats this {role} column as categorical (an integer column with fewer than 5 % "
                f"distinct values, or text), so a threshold cannot apply; pass --{role}-values instead",
                path=args.input,
                column=column,
            )
        if threshold is None and kind == "continuous":
            warnings.append(
                f"column {column!r}: Clarify treats it as continuous, so {values[0]!r} is a threshold "
                f"({role} positive / in group d when the value is greater than it)"
            )
        missing = int(df[column].isna().sum())
        if missing:
            warnings.append(
                f"column {column!r}: {missing} missing values count as not selected, as in Clarify"
            )


def _read(args: argparse.Namespace):
    """The window, its config, and the warnings to print if the command completes."""
    from labkit.csvfiles import read_csv

    check_output_folder(args.output)
    df = read_csv(args.input)
    warnings: list[str] = []
    config = _config(args, df, warnings)
    warnings += _label_warnings(df, config, args.input)
    return df, config, warnings


def _label_warnings(df, config, path: Path) -> list[str]:
    """Name a favourable label that never occurs: Clarify then computes every metric on zeros."""
    from labkit.model_bias.facets import select

    selection = select(df, config, path=path)
    if selection.positive_label.any():
        return []
    message = (
        f"column {config.label!r}: no row has a favourable label "
        f"(label_value_or_threshold {selection.label_value_or_threshold!r}), so every metric "
        "that counts favourable outcomes compares zeros"
    )
    return [message]


def _empty_group_warnings(report, facet: str) -> list[str]:
    """A facet entry whose group d or a is empty: every metric of it is an error entry."""
    out = []
    for _, block in report.stages()[:1]:
        for _, groups in block.facets:
            for group in groups:
                ci = next((m for m in group.metrics if m.name == "CI"), None)
                if ci is not None and ci.error is not None:
                    out.append(
                        f"column {facet!r}, facet value {group.value_or_threshold!r}: {ci.error}"
                    )
    return out


def _report(args: argparse.Namespace) -> int:
    from labkit.model_bias.report import run_bias

    df, config, warnings = _read(args)
    report = run_bias(df, config, path=args.input)
    written = report.to_json(args.output)
    _warn(warnings + _empty_group_warnings(report, args.facet))
    print(written)
    return EXIT_OK


def _baseline(args: argparse.Namespace) -> int:
    from labkit.model_bias.monitor import Baseline
    from labkit.model_bias.report import run_bias

    df, config, warnings = _read(args)
    baseline = Baseline(run_bias(df, config, path=args.input), config)
    written = baseline.to_json(args.output)
    _warn(warnings + _empty_group_warnings(baseline.analysis, args.facet))
    print(written)
    return EXIT_OK


def _monitor(args: argparse.Namespace) -> int:
    from labkit.model_bias import BiasReport, monitor
    from labkit.model_bias.monitor import Baseline
    from labkit.model_bias.report import ANALYSIS_FILE
    from labkit.model_bias.violations import check_baseline

    analysis_path = args.baseline
    if analysis_path.is_dir() or analysis_path.suffix != ".json":
        analysis_path = analysis_path / ANALYSIS_FILE
    constraints = BiasReport.from_json(analysis_path)
    df, config, warnings = _read(args)
    check_baseline(constraints, config, path=analysis_path)
    try:
        result = monitor(
            df,
            Baseline(constraints, config),
            rule=args.rule,
            n_bootstrap=args.bootstrap_samples,
            confidence_level=args.confidence_level,
            seed=args.seed,
            path=args.input,
        )
    except LabkitInputError as exc:  # the baseline-versus-window checks know no file names
        if exc.path is not None:
            raise
        raise LabkitInputError(exc.reason, path=analysis_path, column=exc.column) from None
    out = result.to_json(args.output)
    _warn(warnings + _empty_group_warnings(result.analysis, args.facet))
    names = ", ".join(v.metric_name for v in result.violations.violations) or "none"
    print(f"{out}: {len(result.violations)} violations ({names})")
    return EXIT_VIOLATIONS if result.has_violations else EXIT_OK


def _warn(messages: list[str]) -> None:
    """Warnings go to stderr once the command has completed, so a failure stays one line."""
    for message in messages:
        print(f"labkit: warning: {message}", file=sys.stderr)
