"""QuizApp driven from Python: immediate feedback, Check, Show answer, the score, the text fallback."""

from __future__ import annotations

import pytest

from labkit import quiz
from labkit.widgets import quiz as quiz_widgets
from labkit.widgets.quiz import QuizApp


def _questions():
    single = quiz.Question(
        "single", "Pick <b>", {"a": "A", "b": "<b>"}, frozenset({"b"}), "because b",
        why={"a": "a is wrong", "b": "b is right"},
    )
    multiple = quiz.Question(
        "multiple", "Pick a and c", {"a": "A", "b": "B", "c": "C"}, frozenset({"a", "c"}), "a and c",
        kind="multiple", why={"a": "yes", "b": "no", "c": "yes"},
    )
    return [single, multiple]


def test_picking_a_single_choice_option_grades_it_at_once():
    app = QuizApp(_questions(), use_widgets=True)
    app.widget()
    row = app._rows["single"]
    row.choice.value = "a"  # what a click on the radio button does
    assert app.score == (0, 1) and not app.feedback["single"].correct
    assert "a is wrong" in row.feedback.value and "b is right" in row.feedback.value  # every option's why
    row.choice.value = "b"
    assert app.score == (1, 1)
    assert "Score: 1 / 2 (1 answered)" in app._score.value


def test_a_multiple_choice_question_is_graded_on_check():
    app = QuizApp(_questions(), use_widgets=True)
    row = app._rows["multiple"]
    row.choice.value = ("a", "c")
    assert "multiple" not in app.feedback  # nothing graded before Check
    check = row.box.children[2].children[0]
    check.click()
    assert app.feedback["multiple"].correct and app.score == (1, 1)


def test_check_without_a_choice_asks_for_one():
    app = QuizApp(_questions(), use_widgets=True)
    row = app._rows["multiple"]
    row.box.children[2].children[0].click()
    assert "Choose an option first" in row.feedback.value and app.score == (0, 0)


def test_show_answer_reveals_the_key_and_every_reason_without_scoring():
    app = QuizApp(_questions(), use_widgets=True)
    row = app._rows["single"]
    row.box.children[2].children[1].click()  # Show answer
    assert row.feedback.value.count("✓") == 1 and "Answer: (b)" in row.feedback.value
    assert "a is wrong" in row.feedback.value and app.score == (0, 0)
    assert app.reveal("multiple").startswith("Answer: (a), (c)")


def test_feedback_html_escapes_option_text():
    app = QuizApp(_questions(), use_widgets=True)
    app.answer("single", "b")
    assert "&lt;b&gt;" in app._rows["single"].feedback.value and "<b>" not in app._rows["single"].feedback.value


def test_answers_from_python_keep_the_latest_per_question():
    app = QuizApp(_questions(), use_widgets=False)
    assert not app.answer("multiple", ["a"]).correct
    assert app.answer("multiple", ["c", "a"]).correct
    assert app.score == (1, 1) and app.score_text() == "Score: 1 / 2 (1 answered)"
    with pytest.raises(ValueError, match="not an option"):
        app.answer("single", "z")


def test_plain_text_without_widgets_and_with_answers(capsys):
    app = QuizApp(_questions(), use_widgets=False)
    app._ipython_display_()
    shown = capsys.readouterr().out
    assert shown.startswith("Q1. Pick <b>") and "(choose all that apply)" in shown and "Answer" not in shown
    assert "Answer: (a), (c). a and c" in app.as_text(show_answers=True)


def test_falls_back_to_text_when_ipywidgets_is_missing(monkeypatch):
    monkeypatch.setattr(quiz_widgets, "_widgets_available", lambda: False)
    app = QuizApp(_questions(), use_widgets=True)
    assert not app.use_widgets and app._rows == {}
    assert app.answer("single", "b").correct


def test_a_quiz_refuses_no_questions_and_duplicate_ids():
    with pytest.raises(ValueError, match="at least one"):
        QuizApp([], use_widgets=False)
    with pytest.raises(ValueError, match="unique"):
        QuizApp(_questions() * 2, use_widgets=False)


def test_for_notebook_loads_the_bank_and_the_extra_questions():
    extra = quiz.artifact_question("mine", "Which?", ["x", "y"], "y", "from your run")
    app = QuizApp.for_notebook("07_exam_review", extra=[extra], use_widgets=False)
    assert list(app.questions)[-1] == "mine"
    assert len(app.questions) == len(quiz.load_questions("07_exam_review")) + 1
