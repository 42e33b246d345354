"""``labkit analyzer``: the twins as a processing container, driven by the job's environment.

    labkit analyzer [--root DIR] [--image URI] [--model MODEL]

Reads the environment a SageMaker Processing job sets (``dataset_format``, ``dataset_source``,
``output_path``, ``baseline_constraints``, ``analysis_type``, …; see
``labkit.analyzer.contract``), runs the matching twin on the files under ``--root`` (default
``/``, the container's file system), writes the reports to ``output_path``, the exit message to
``/opt/ml/output/message`` and CloudWatch metrics to ``/opt/ml/output/metrics/cloudwatch``, and
prints the outcome. It is the entry point of ``docker/analyzer/Dockerfile``.

Exit codes follow the processing contract, not the monitor commands: 0 when the job completed,
with or without violations (a processing job only completes when its container exits 0, and an
execution with violations is a completed processing job), 2 when it failed. The status is the
first word of the exit message: ``Completed`` or ``CompletedWithViolations``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

__all__ = ["register"]

DEFAULT_IMAGE = "drift-lab-analyzer"  # the kit's own image: the job kind follows the inputs


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyzer",
        help="run a processing job as the Model Monitor / Clarify container would (environment in, files out)",
    )
    parser.add_argument(
        "--root", type=Path, default=Path("/"),
        help="the folder standing for the container's / (default /); inputs are staged under it",
    )  # fmt: skip
    parser.add_argument(
        "--image", default=os.environ.get("LABKIT_ANALYZER_IMAGE", DEFAULT_IMAGE),
        help="image URI of the job (sagemaker-model-monitor-analyzer, sagemaker-clarify-processing, …); "
        "default: $LABKIT_ANALYZER_IMAGE or the kit's own image, whose job kind follows the inputs",
    )  # fmt: skip
    parser.add_argument(
        "--model", type=Path,
        help="scikit-learn model saved with skops: serves as Clarify's shadow endpoint (SHAP, post-training bias)",
    )  # fmt: skip
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from labkit.analyzer import run_job

    predictor = None
    if args.model is not None:
        from labkit.analyzer.predictor import serve_model
        from labkit.model_explainability import load_model

        predictor = serve_model(load_model(args.model))
    outcome = run_job(args.image, dict(os.environ), root=args.root, predictor=predictor)
    print(f"status: {outcome.status}")
    print(f"exit message: {outcome.exit_message}")
    if outcome.failure_reason is not None:
        print(f"labkit analyzer: FailureReason: {outcome.failure_reason}", file=sys.stderr)
    if outcome.metrics:
        print(f"{len(outcome.metrics)} CloudWatch metric(s) in {outcome.metrics[0].namespace}")
    return outcome.exit_code
