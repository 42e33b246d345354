"""Checkpoint questions and exam practice: the bank, grading, seeded option order, a timed mock section.

No widgets here (``labkit.widgets.quiz`` draws them). One module per concern:

* ``questions`` — ``Question`` in the exam's formats, ``check`` (with a second try), ``Feedback``;
* ``bank`` — the YAML bank in ``labkit/questions/``, ``load_questions``, the checkers;
* ``layout`` — ``arrange``: seeded option order with the key spread evenly over positions;
* ``mock`` — ``draw_mock``, ``MockSection`` (answers locked until the end), ``MockReport``.

*Artifact-graded* questions are built in code from what the learner just produced
(``artifact_question``), so their key cannot be memorised from the bank. Which notebook section
teaches each Task 4.1 line is ``labkit.coverage``.
"""

from __future__ import annotations

from labkit.quiz.bank import (
    EXAM_NOTEBOOK,
    check_bank,
    check_exam_bank,
    get_question,
    has_qualifier,
    key_positions,
    load_questions,
    shape_tells,
)
from labkit.quiz.layout import arrange
from labkit.quiz.mock import (
    MOCK_MINUTES,
    MOCK_QUESTIONS,
    MockReport,
    MockSection,
    draw_mock,
    result_text,
)
from labkit.quiz.questions import (
    KINDS,
    NOTEBOOKS,
    TASK_4_1,
    TRIES,
    CaseStudy,
    Feedback,
    Question,
    answer_key,
    artifact_question,
    check,
    lesson_link,
    score,
    validate,
)

__all__ = [
    "EXAM_NOTEBOOK",
    "KINDS",
    "MOCK_MINUTES",
    "MOCK_QUESTIONS",
    "NOTEBOOKS",
    "TASK_4_1",
    "TRIES",
    "CaseStudy",
    "Feedback",
    "MockReport",
    "MockSection",
    "Question",
    "answer_key",
    "arrange",
    "artifact_question",
    "check",
    "check_bank",
    "check_exam_bank",
    "draw_mock",
    "get_question",
    "has_qualifier",
    "key_positions",
    "lesson_link",
    "load_questions",
    "result_text",
    "score",
    "shape_tells",
    "validate",
]
