"""labkit.render: parameters from the parameters cell, executed + HTML copies, failures that name the cell."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from labkit import render
from labkit.errors import LabkitInputError

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def write_notebook(path: Path, *cells) -> Path:
    """cells: ("md", text) | ("code", text) | ("params", text)."""
    made = []
    for kind, text in cells:
        if kind == "md":
            made.append(nbformat.v4.new_markdown_cell(text))
        else:
            made.append(nbformat.v4.new_code_cell(text, metadata={"tags": ["parameters"]} if kind == "params" else {}))
    nb = nbformat.v4.new_notebook(cells=made)
    nb.metadata = {"kernelspec": KERNELSPEC}
    nbformat.write(nb, path)
    return path


def _nb(*cells) -> dict:
    return {"cells": [{"cell_type": t, "metadata": m, "source": s} for t, m, s in cells]}


def test_declared_parameters_are_the_names_assigned_in_the_tagged_cell():
    tagged = {"tags": ["parameters"]}
    nb = _nb(("code", {}, "x = 1"), ("code", tagged, ["seed = 0  # rows\n", "rate: float = 0.5\n", "a = b = 2\n"]))
    assert render.declared_parameters(nb) == ("seed", "rate", "a", "b")
    assert render.declared_parameters(_nb(("code", {}, "seed = 0"))) == ()
    with pytest.raises(LabkitInputError, match="x.ipynb line 1: the parameters cell is not valid Python"):
        render.declared_parameters(_nb(("code", tagged, "seed = = 0")), path="x.ipynb")


@pytest.mark.parametrize(
    ("declared", "reveal", "expected"),
    [
        (["seed", "use_widgets"], False, {"use_widgets": False}),
        (["seed", "use_widgets"], True, {"use_widgets": False}),  # no exercises: nothing to reveal
        (["use_widgets", "reveal_solutions"], True, {"use_widgets": False, "reveal_solutions": True}),
        (["use_widgets", "reveal_solutions"], False, {"use_widgets": False}),
        (["seed"], True, {}),
    ],
)
def test_render_parameters_pass_only_declared_names(declared, reveal, expected):
    assert render.render_parameters(declared, reveal_solutions=reveal) == expected


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_every_lab_notebook_can_be_rendered_static(path):
    assert "use_widgets" in render.declared_parameters(json.loads(path.read_text(encoding="utf-8")))


def test_find_notebooks_by_prefix_stem_or_file_name(tmp_path):
    for name in ("00_a", "01_b", "02_c", "notes"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    assert [p.stem for p in render.find_notebooks(tmp_path)] == ["00_a", "01_b", "02_c"]
    assert [p.stem for p in render.find_notebooks(tmp_path, ["02", "00_a.ipynb", "00"])] == ["00_a", "02_c"]
    with pytest.raises(LabkitInputError, match="no notebook matches '9'"):
        render.find_notebooks(tmp_path, ["9"])
    with pytest.raises(LabkitInputError, match="no NN_name.ipynb notebooks found"):
        render.find_notebooks(tmp_path / "empty")


def test_start_here_renders_to_an_executed_notebook_and_html(tmp_path):
    path = NOTEBOOKS / "00_start_here.ipynb"
    result = render.render_notebook(path, tmp_path, reveal_solutions=True)
    declared = render.declared_parameters(json.loads(path.read_text(encoding="utf-8")))
    assert result.parameters == render.render_parameters(declared, reveal_solutions=True)
    assert result.parameters["use_widgets"] is False
    assert result.executed == tmp_path / "00_start_here.ipynb" and result.html == tmp_path / "00_start_here.html"
    html = result.html.read_text(encoding="utf-8")
    assert "00 · Start here" in html
    assert "Q1. Which SageMaker monitors need ground-truth labels" in html  # the quiz as plain text
    executed = nbformat.read(result.executed, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "use_widgets = False" in injected[0].source


def test_a_failing_notebook_names_the_notebook_and_the_cell(tmp_path):
    path = write_notebook(tmp_path / "01_fail.ipynb", ("params", "use_widgets = True"),
                          ("code", "raise ValueError('boom')"))
    with pytest.raises(render.RenderError) as caught:
        render.render_notebook(path, tmp_path / "out")
    error = caught.value
    assert (error.notebook.name, error.cell_number, error.ename, error.evalue) == ("01_fail.ipynb", 2, "ValueError", "boom")
    assert str(error) == "01_fail.ipynb: cell 2 (\"raise ValueError('boom')\") raised ValueError: boom"
    assert (tmp_path / "out" / "01_fail.ipynb").exists() and not (tmp_path / "out" / "01_fail.html").exists()


def test_the_cell_number_skips_the_injected_cell_and_counts_markdown(tmp_path):
    # the failing cell's source appears twice, so only its position can name it
    twice = "n += 1\nassert n < 2, n"
    path = write_notebook(tmp_path / "02_late.ipynb", ("md", "# Title"), ("params", "use_widgets = True"),
                          ("code", "n = 0"), ("md", "text"), ("code", twice), ("code", twice))
    with pytest.raises(render.RenderError, match=r"02_late.ipynb: cell 6 \('n \+= 1'\) raised AssertionError: 2"):
        render.render_notebook(path, tmp_path / "out")


def test_source_cell_number_without_a_parameters_cell():
    # papermill injects at the top when no cell is tagged; executed index 2 is source cell 2 (1-based)
    nb = _nb(("code", {}, "a = 1"), ("code", {}, "1 / 0"))
    assert render._source_cell_number(nb, 2, "1 / 0", injected=True) == 2
    assert render._source_cell_number(nb, 1, "1 / 0", injected=False) == 2
    assert render._source_cell_number(nb, 7, "1 / 0", injected=False) == 2  # found by its source
    assert render._source_cell_number(_nb(("code", {}, "x"), ("code", {}, "x")), 9, "x", injected=False) is None


def test_importing_render_loads_neither_papermill_nor_nbconvert():
    code = "import sys, json, labkit.render, labkit.cli.notebooks; print(json.dumps(sorted(sys.modules)))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout))
    assert not {"papermill", "nbconvert", "tqdm"} & loaded
