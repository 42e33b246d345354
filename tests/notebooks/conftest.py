"""What the notebook tests share: the text a reader sees in an executed notebook."""

from __future__ import annotations

from collections.abc import Callable

import pytest

# What a checked quiz or exercise prints (labkit.quiz.Feedback, QuizApp, labkit.exercises.check).
ANSWER_MARKS = ("✅", "❌", "← your choice", "Answer:", "Score:")


def shown_text(notebook) -> str:
    """Every output a reader sees: streams, plain text and HTML of every code cell."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            parts.append(output.get("text", ""))
            data = output.get("data", {})
            parts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join(parts)


def answers_shown(notebook) -> list[str]:
    """The answer marks a Run All left on the page (none: every quiz and exercise starts unanswered)."""
    text = shown_text(notebook)
    return [mark for mark in ANSWER_MARKS if mark in text]


@pytest.fixture
def shown() -> Callable:
    """The text a reader sees in an executed notebook (``shown_text``)."""
    return shown_text


@pytest.fixture
def unanswered() -> Callable:
    """Assert that an executed notebook shows no quiz or exercise answered."""

    def check(notebook) -> None:
        assert answers_shown(notebook) == [], "Run All answered something: " + ", ".join(answers_shown(notebook))

    return check
