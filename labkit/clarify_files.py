"""The files a SageMaker Clarify job writes, as real jobs write them.

Both Clarify twins (``labkit.model_bias``, ``labkit.model_explainability``) write through here,
so the bias and the explainability executions have the same file set and layout:

- ``analysis.json``, and every Clarify JSON file, is Python's ``json.dumps`` with a four-space
  indent and ``"key": value`` [C: the baseline analysis.json files printed verbatim in the 2023
  and 2024 runs of aws/amazon-sagemaker-examples; tests/fixtures/real/]. Model Monitor's files
  use Jackson's layout instead (``labkit.jsonfiles``).
- A monitoring execution writes ``constraint_violations.json`` only when it found violations
  [C: executions that ended ``Completed`` list analysis.json and report.{html,ipynb,pdf} and no
  violations file, and the SDK's ``latest_monitoring_constraint_violations()`` reports it
  missing; the ``CompletedWithViolations`` ones add it].
- Beside analysis.json, baselining jobs and executions write report.html, report.ipynb and
  report.pdf [C: the same listings]; the kit's reports hold analysis.json's numbers
  (``labkit.clarify_report``, [U] content).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from labkit.paths import write_text

__all__ = [
    "VIOLATIONS_FILE",
    "clarify_dumps",
    "write_analysis_files",
    "write_clarify_json",
    "write_execution_files",
]

VIOLATIONS_FILE = "constraint_violations.json"


class _ClarifyFile(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def clarify_dumps(data: Any) -> str:
    """``data`` as Clarify's Python writes it: four-space indent, non-finite numbers refused."""
    _refuse_non_finite(data)
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def write_clarify_json(data: Any, path: str | Path) -> Path:
    """Write ``data`` to ``path`` (parents created) in Clarify's layout and return the path."""
    return write_text(path, clarify_dumps(data))


def write_analysis_files(
    directory: str | Path, analysis: Mapping[str, Any], violations: Mapping[str, Any] | None = None
) -> list[Path]:
    """analysis.json and the three reports (and the violations, when there are any)."""
    from labkit.clarify_report import write_reports

    directory = Path(directory)
    written = [write_clarify_json(analysis, directory / "analysis.json")]
    if violations is not None and violations["violations"]:
        written.append(write_clarify_json(violations, directory / VIOLATIONS_FILE))
    return written + write_reports(directory, analysis, violations)


def write_execution_files(
    directory: str | Path, analysis: _ClarifyFile, violations: _ClarifyFile
) -> list[Path]:
    """A Clarify monitoring execution's files: analysis.json, the reports, the violations if any."""
    return write_analysis_files(directory, analysis.to_dict(), violations.to_dict())


def _refuse_non_finite(value: Any) -> None:
    # Clarify spells ±inf "Infinity"/"-Infinity" and errors null: a float NaN or inf here is a bug.
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} has no JSON form here; convert it to the file's spelling first")
    if isinstance(value, dict):
        for v in value.values():
            _refuse_non_finite(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _refuse_non_finite(v)
