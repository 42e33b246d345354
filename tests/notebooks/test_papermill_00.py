"""Notebook 00 runs with parameters other than its defaults (papermill, no widgets)."""

from __future__ import annotations

import re
from pathlib import Path

import papermill as pm

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "00_start_here.ipynb"


def test_start_here_with_a_negative_shift(tmp_path, unanswered):
    out = tmp_path / "00.ipynb"
    nb = pm.execute_notebook(
        str(NOTEBOOK), str(out), parameters={"seed": 3, "shift_sd": -1.5, "use_widgets": False},
        kernel_name="python3", cwd=str(NOTEBOOK.parent), progress_bar=False,
    )
    text = "\n".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("name") == "stdout"
    )
    moved = re.search(r"income: asked for -1\.5 σ, the window's mean moved ([+-]\d\.\d\d) σ", text)
    assert moved, "the preview's line was not printed"
    assert abs(float(moved.group(1)) + 1.5) < 0.25  # the injected shift, within 1,000 rows' sampling error
    assert "Q1." in text  # the static quizzes are printed, questions only
    unanswered(nb)
