"""``labkit model-explainability``: the ModelExplainabilityMonitor twin on files.

    labkit model-explainability baseline --input DATA.csv --model MODEL --label COL --output DIR
    labkit model-explainability monitor  --input DATA.csv --model MODEL [--label COL] --baseline PATH --output OUT_DIR

MODEL is a scikit-learn model saved with skops (never a pickle). ``baseline`` writes
analysis.json (the constraints) and analysis_config.json; ``monitor`` reads that folder, or a
real baselining job's analysis.json alone, writes analysis.json (and constraint_violations.json
when there are violations, as real executions do) and exits 1 when feature attribution drift is
found. ``--label`` is the target column, never a feature; the explanation is keyed
``--label-header`` when given, else ``label0``, as Clarify keys it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from labkit.cli import EXIT_OK, EXIT_VIOLATIONS, options
from labkit.errors import LabkitInputError
from labkit.paths import check_output_folder

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    from labkit.model_explainability.attributions import (
        AGG_METHODS,
        DEFAULT_MAX_ROWS,
        DEFAULT_METHOD,
        METHODS,
    )
    from labkit.model_explainability.ndcg import NDCG_THRESHOLD

    parser = subparsers.add_parser(
        "model-explainability",
        help="SHAP feature attributions and their drift (Clarify ModelExplainabilityMonitor)",
    )
    commands = parser.add_subparsers(dest="explainability_command", metavar="ACTION", required=True)

    def common(p: argparse.ArgumentParser, *, label_required: bool) -> None:
        p.add_argument("--input", required=True, type=Path, help="CSV with a header row")
        p.add_argument(
            "--model", required=True, type=Path, help="scikit-learn model saved with skops"
        )
        p.add_argument(
            "--label",
            required=label_required,
            help="target column: never a feature (Clarify's data config label)",
        )
        p.add_argument(
            "--method",
            choices=METHODS,
            default=DEFAULT_METHOD,
            help="exact enumeration or Kernel SHAP",
        )
        p.add_argument(
            "--num-samples",
            type=options.whole_number(minimum=1),
            default=None,
            help="Kernel SHAP coalitions",
        )
        p.add_argument(
            "--max-rows",
            type=options.whole_number(minimum=0, note=" (0 = all rows)"),
            default=DEFAULT_MAX_ROWS,
            help="rows explained, seeded sample; 0 = all",
        )
        p.add_argument("--seed", type=options.seed, default=0)

    baseline = commands.add_parser(
        "baseline", help="explain the baseline dataset: analysis.json = the constraints"
    )
    common(baseline, label_required=True)
    baseline.add_argument(
        "--label-header",
        default=None,
        help="Clarify's predictor.label_headers entry: the analysis.json label key (default label0)",
    )
    baseline.add_argument(
        "--output", required=True, type=Path, help="folder for analysis.json, analysis_config.json"
    )
    baseline.add_argument("--agg-method", choices=AGG_METHODS, default="mean_abs")
    baseline.add_argument(
        "--use-logit", action="store_true", help="explain log-odds instead of the probability"
    )
    baseline.set_defaults(handler=_baseline)

    run = commands.add_parser(
        "monitor", help="explain a window and check feature attribution drift (NDCG)"
    )
    common(run, label_required=False)
    run.add_argument(
        "--baseline",
        required=True,
        type=Path,
        help="folder written by `baseline`, or a baselining job's analysis.json",
    )
    run.add_argument(
        "--output",
        required=True,
        type=Path,
        help="folder for analysis.json (and constraint_violations.json if any)",
    )
    run.add_argument(
        "--agg-method", choices=AGG_METHODS, default=None, help="default: the baseline's"
    )
    run.add_argument(
        "--threshold",
        type=_ndcg_threshold,
        default=NDCG_THRESHOLD,
        help="0 to 1: violation when NDCG is below it (default 0.9)",
    )
    run.set_defaults(handler=_monitor)


def _baseline(args: argparse.Namespace) -> int:
    from labkit.model_explainability import suggest_baseline

    data, model = _read_inputs(args, label_required=True)
    with _located(args.input):
        baseline = suggest_baseline(
            data,
            model,
            label=args.label,
            label_header=args.label_header,
            agg_method=args.agg_method,
            method=args.method,
            num_samples=args.num_samples,
            max_rows=args.max_rows or None,
            seed=args.seed,
            use_logit=args.use_logit,
        )
    print(baseline.to_json(args.output))  # analysis.json, the reports and analysis_config.json
    return EXIT_OK


def _monitor(args: argparse.Namespace) -> int:
    from labkit.model_explainability import Baseline, monitor

    data, model = _read_inputs(args, label_required=False)  # captured data may lack the label
    baseline = Baseline.from_json(args.baseline)
    if args.label is not None and args.label in baseline.features:
        raise LabkitInputError(
            f"this baseline explains {args.label!r} as a feature, so it cannot be the label",
            path=args.baseline,
        )
    with _located(args.input):
        report = monitor(
            data,
            baseline,
            model,
            threshold=args.threshold,
            method=args.method,
            max_rows=args.max_rows or None,
            seed=args.seed,
            agg_method=args.agg_method,
            num_samples=args.num_samples,
        )
    report.to_json(args.output)
    for label, score in report.ndcg.items():
        print(f"{label}: NDCG {score:.6f} (violation below {args.threshold})")
    print(args.output / "analysis.json")
    if report.has_violations:
        print(args.output / "constraint_violations.json")
    return EXIT_VIOLATIONS if report.has_violations else EXIT_OK


def _read_inputs(args: argparse.Namespace, *, label_required: bool):
    from labkit.csvfiles import read_csv
    from labkit.model_explainability import load_model

    check_output_folder(args.output)
    data = read_csv(args.input)
    if label_required and args.label not in data.columns:
        have = ", ".join(map(str, data.columns))
        raise LabkitInputError(
            f"no such label column (columns are: {have})", path=args.input, column=args.label
        )
    return data, load_model(args.model)


class _located:
    """Name the input file in errors raised while explaining it (compute functions know no paths)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if isinstance(exc, LabkitInputError) and exc.path is None:
            raise LabkitInputError(
                exc.reason, path=self.path, line=exc.line, column=exc.column
            ) from None
        return False


def _ndcg_threshold(text: str) -> float:
    from labkit.model_explainability.ndcg import check_ndcg_threshold

    try:
        return check_ndcg_threshold(text)
    except LabkitInputError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None
