"""`import labkit` loads nothing heavy: what was loaded is checked, never how long it took."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sagemaker", "boto3", "botocore", "shap", "skops", "papermill", "sklearn", "matplotlib.pyplot", "ipywidgets")
MODULES = [
    "labkit", "labkit.scenarios", "labkit.drift", "labkit.quiz", "labkit.coverage", "labkit.cli", "labkit.doctor",
    "labkit.jsonfiles", "labkit.csvfiles", "labkit.cloudwatch", "labkit.errors", "labkit.plots",
    "labkit.capture", "labkit.ground_truth", "labkit.model_quality", "labkit.model_explainability",
    "labkit.cli.model_quality", "labkit.cli.model_explainability", "labkit.model_bias", "labkit.cli.model_bias",
    "labkit.performance_estimation", "labkit.drift_grid", "labkit.drift_statistics", "labkit.monitor_comparison",
    "labkit.aws", "labkit.schedule", "labkit.alarms", "labkit.events", "labkit.simulation", "labkit.ab_testing",
]


@pytest.mark.parametrize("module", MODULES)
def test_import_loads_no_heavy_dependency(module):
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout))
    assert not [m for m in HEAVY if m in loaded], f"import {module} loaded {[m for m in HEAVY if m in loaded]}"


def test_cli_parser_builds_without_heavy_imports():
    code = "import sys, json\nfrom labkit.cli import build_parser\nbuild_parser()\nprint(json.dumps(sorted(sys.modules)))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout))
    assert not [m for m in ("sagemaker", "boto3", "shap", "skops") if m in loaded]
