"""Run ``labkit analyzer`` as a processing container: a staged root, an environment, a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from labkit.analyzer import contract as c
from labkit.analyzer.contract import container_path

START = datetime(2024, 3, 1, 10, tzinfo=UTC)  # the window [10:00, 11:00)
END = datetime(2024, 3, 1, 11, tzinfo=UTC)
KIT_IMAGE = "drift-lab-analyzer"
MODEL_MONITOR_IMAGE = (
    f"156813124566.dkr.ecr.us-east-1.amazonaws.com/{c.MODEL_MONITOR_REPOSITORY}:latest"
)
MERGER_IMAGE = (
    f"156813124566.dkr.ecr.us-east-1.amazonaws.com/{c.GROUND_TRUTH_MERGER_REPOSITORY}:latest"
)
CLARIFY_IMAGE = f"205585389593.dkr.ecr.us-east-1.amazonaws.com/{c.CLARIFY_REPOSITORY}:1.0"
# Only what Python needs to start: the job sees the environment it is given, nothing else.
_KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "PYTHONPATH")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    root: Path

    def message(self) -> str:
        """What the container left in /opt/ml/output/message."""
        return container_path(self.root, c.MESSAGE_FILE).read_text(encoding="utf-8")

    def path(self, where) -> Path:
        return container_path(self.root, where)


def run_analyzer(
    root: Path, environment: dict[str, str], *, image: str = KIT_IMAGE, model: Path | None = None
) -> Run:
    """``python -m labkit analyzer --root ROOT --image IMAGE`` with exactly ``environment``."""
    argv = [sys.executable, "-m", "labkit", "analyzer", "--root", str(root), "--image", image]
    if model is not None:
        argv += ["--model", str(model)]
    env = {k: os.environ[k] for k in _KEPT if k in os.environ} | environment
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600, check=False)
    return Run(done.returncode, done.stdout, done.stderr, root)


def stage_csv(
    root: Path, where, frame: pd.DataFrame, name: str = "data.csv", *, header: bool = True
) -> Path:
    """Write ``frame`` as ``root/<where>/<name>``: a staged S3 input."""
    path = container_path(root, where) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, header=header)
    return path


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def features(n: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    """Three features the data-quality checks can all see: integer, fraction, category."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(18, 70, n) + int(shift),
        "ratio": rng.beta(2, 5, n).round(3),
        "plan": rng.choice(np.array(["basic", "pro"], dtype=object), n, p=[0.7, 0.3]),
    })  # fmt: skip
