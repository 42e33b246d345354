"""Notebook 07 as a static page with another seed and a shorter mock section; with and without keys.

Run All must leave every question open: the notebook's own cells never answer, and the answer keys
appear only with reveal_solutions=True.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = NOTEBOOKS / "07_exam_review.ipynb"


def _run(tmp_path: Path, **parameters) -> str:
    out = tmp_path / f"07_{len(list(tmp_path.iterdir()))}.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), parameters={"use_widgets": False, **parameters},
                        kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False)  # fmt: skip
    cells = nbformat.read(out, as_version=4).cells
    return "\n".join(o.get("text", "") for c in cells if c.cell_type == "code" for o in c.outputs)


@pytest.fixture(scope="module")
def static_page(tmp_path_factory) -> str:
    return _run(tmp_path_factory.mktemp("papermill_07"), seed=3, mock_questions=12, mock_minutes=10)


def test_the_static_page_shows_the_practice_set_and_the_mock_section_unanswered(static_page):
    assert "Mock section: 12 questions in 10 minutes." in static_page
    assert static_page.count("Case study · ") >= 3 and "(Select TWO.)" in static_page
    assert "Put all of these in order:" in static_page and "Match each with one of:" in static_page
    assert "Answer:" not in static_page and "Answer keys hidden" in static_page


def test_facilitators_get_both_answer_keys(tmp_path):
    text = _run(tmp_path, seed=3, mock_questions=12, mock_minutes=10, reveal_solutions=True)
    practice, mock = text.split("Practice:\n", 1)[1].split("\nMock section:\n", 1)
    assert practice.count("\n") >= 80 and "case-fraud-offsets: " in practice
    assert len(mock.split("\n\n")[0].splitlines()) == 12


@pytest.mark.parametrize("path", [NOTEBOOK, NOTEBOOKS / "deeper" / "07_more_review.ipynb"], ids=lambda p: p.stem)
def test_run_all_answers_no_question(path):
    """Issue 16: check cells never call answer() or reveal(); only a learner (or a test) does."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    quizzes = re.findall(r"^(\w+) = (?:QuizApp|MockExamApp)\b", code, flags=re.MULTILINE)
    assert quizzes, "the notebook shows no quiz"
    answered = re.findall(rf"\b(?:{'|'.join(quizzes)})\.(?:answer|reveal|finish)\(", code)
    assert not answered, answered
