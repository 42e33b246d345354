"""Notebooks 03–07 and their "Going deeper" notebooks keep the core-path shape (STYLE.md §3, issue 16).

A core path is short and ends in the lesson-shape headings; checks run collapsed, out of sight; no
cell answers or reveals a quiz; every local link resolves; nothing cites a file a learner does not
have (the kit's reference notes). The papermill tests of each notebook check that Run All leaves
every quiz unanswered.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CORE = [NOTEBOOKS / f"{stem}.ipynb" for stem in ("03_bias_drift", "04_feature_attribution_drift", "05_monitoring_workflow",
                                                  "06_on_sagemaker", "07_exam_review")]
DEEPER = sorted((NOTEBOOKS / "deeper").glob("0[3-7]_*.ipynb"))
MAX_CORE_CELLS = 30  # "about 30 cells at most" (issue 16), room left for 01–04's SageMaker section
HEADINGS = ("## Learning objectives", "## The idea", "## Check yourself", "## Exercises", "## Key takeaways")
LOCAL_LINK = re.compile(r"\]\((?!https?://)([^)#\s]+\.ipynb)(?:#[^)]*)?\)")
REFERENCE_FILE = re.compile(r"\b(?:bias|operations|data-quality|explainability)\.md\b|§")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _hidden(cell: dict) -> bool:
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.stem)
def test_a_core_path_is_short_and_has_the_lesson_shape(path: Path) -> None:
    cells = _cells(path)
    assert len(cells) <= MAX_CORE_CELLS, f"{path.name}: {len(cells)} cells; move depth to notebooks/deeper/"
    markdown = "\n".join(_text(c) for c in cells if c["cell_type"] == "markdown")
    for heading in HEADINGS:
        assert re.search(rf"^{re.escape(heading)}$", markdown, flags=re.MULTILINE), f"{path.name}: no {heading!r}"
    assert re.search(r"\]\(deeper/0\d_\w+\.ipynb\)", markdown), f"{path.name}: no link to its Going deeper notebook"


@pytest.mark.parametrize("path", CORE + DEEPER, ids=lambda p: p.stem)
def test_checks_run_out_of_sight_and_nothing_answers_a_quiz(path: Path) -> None:
    for number, cell in enumerate(_cells(path), start=1):
        if cell["cell_type"] != "code":
            continue
        source = _text(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        if "check" in tags or source.lstrip().startswith("# Check"):
            assert "check" in tags and _hidden(cell), f"{path.name} cell {number}: a check must be tagged and collapsed"
        elif not _hidden(cell):
            assert not re.search(r"^\s*assert\b", source, flags=re.MULTILINE), f"{path.name} cell {number}: visible assert"
        # solutions.reveal fills an exercise only when the notebook runs with reveal_solutions=True
        assert not re.search(r"\.answer\(|(?<!solutions)\.reveal\(", source), f"{path.name} cell {number} answers a quiz"


@pytest.mark.parametrize("path", CORE + DEEPER, ids=lambda p: p.stem)
def test_links_resolve_and_no_reference_file_is_cited(path: Path) -> None:
    markdown = "\n".join(_text(c) for c in _cells(path) if c["cell_type"] == "markdown")
    for target in LOCAL_LINK.findall(markdown):
        assert (path.parent / target).resolve().exists(), f"{path.name}: broken link to {target}"
    assert not REFERENCE_FILE.search(markdown), f"{path.name} cites a reference file a learner does not have"


def test_every_lesson_links_to_an_existing_deeper_notebook() -> None:
    assert {p.name[:2] for p in DEEPER} == {"03", "04", "05", "06", "07"}
    for path in DEEPER:
        assert re.search(r"\]\(\.\./0\d_\w+\.ipynb\)", "".join(_text(c) for c in _cells(path)[:1])), path.name
