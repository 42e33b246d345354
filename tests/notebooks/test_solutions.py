"""Notebooks 00–07 run with their solutions revealed; the strict checks inside assert they are right.

With ``reveal_solutions=True`` every exercise cell fills in ``answer`` from ``labkit.solutions``
and calls ``exercises.check(..., strict=True)``, which raises on a wrong answer, so a wrong
solution fails the papermill run. The test then reads the executed notebook: every exercise the
registry lists for it printed its ✅ line, so removing a check cell cannot pass unnoticed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from labkit import exercises, quiz

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
STEMS = quiz.NOTEBOOKS  # the numbered sequence, defined once


def _declared_parameters(path: Path) -> set[str]:
    cell = next(
        c
        for c in nbformat.read(path, as_version=4).cells
        if "parameters" in c.metadata.get("tags", [])
    )
    assignments = [node for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)]
    return {
        target.id for node in assignments for target in node.targets if isinstance(target, ast.Name)
    }


def _printed(notebook) -> str:
    return "\n".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )


@pytest.mark.parametrize("stem", STEMS)
def test_revealed_solutions_pass_their_checks(stem: str, tmp_path: Path) -> None:
    source = NOTEBOOKS / f"{stem}.ipynb"
    declared = _declared_parameters(source)
    assert "reveal_solutions" in declared
    parameters = {"reveal_solutions": True, "use_widgets": False}
    if "output_dir" in declared:
        parameters["output_dir"] = str(tmp_path / "outputs")
    executed = tmp_path / f"{stem}.ipynb"
    pm.execute_notebook(
        str(source), str(executed), parameters=parameters, kernel_name="python3",
        cwd=str(NOTEBOOKS), progress_bar=False,
    )  # fmt: skip
    printed = _printed(nbformat.read(executed, as_version=4))
    ids = [e.id for e in exercises.for_notebook(stem)]
    assert 1 <= len(ids) <= 3
    for exercise_id in ids:
        assert f"✅ Correct ({exercise_id})" in printed, exercise_id
        assert f"Solution to {exercise_id}:" in printed, exercise_id
