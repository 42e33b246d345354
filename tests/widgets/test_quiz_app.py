"""QuizApp and MockExamApp driven from Python: the second try, every format, the mock's lock and clock."""

from __future__ import annotations

import pytest

from labkit import quiz
from labkit.widgets import quiz as quiz_widgets
from labkit.widgets.quiz import MockExamApp, QuizApp

DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html"


def _questions():
    single = quiz.Question(
        "single", "Pick <b>", {"a": "A", "b": "<b>", "c": "C"}, frozenset({"b"}), "because b",
        why={"a": "a is wrong", "b": "b is right", "c": "c is wrong"}, docs={"b": DOC},
    )
    multiple = quiz.Question(
        "multiple", "Pick a and c", {"a": "A", "b": "B", "c": "C"}, frozenset({"a", "c"}), "a and c",
        kind="multiple", why={"a": "yes", "b": "no", "c": "yes"},
    )
    ordering = quiz.Question("ordering", "Order", {"a": "1st", "b": "2nd", "c": "3rd"}, frozenset("abc"), "in order",
                             kind="ordering", sequence=("a", "b", "c"), why={"a": "1", "b": "2", "c": "3"})
    matching = quiz.Question("matching", "Match", {"a": "A", "b": "B", "c": "C"}, frozenset("ab"), "pairs",
                             kind="matching", prompts={"1": "one", "2": "two"}, matches={"1": "a", "2": "b"},
                             why={"a": "fits 1", "b": "fits 2", "c": "none"})
    return [single, multiple, ordering, matching]


def _button(row, name):
    return next(b for b in row.box.children[2].children if b.description == name)


def test_a_wrong_pick_gets_a_second_try_before_the_key_is_shown():
    app = QuizApp(_questions(), use_widgets=True)
    app.widget()
    row = app._rows["single"]
    row.value = "a"  # what a click on the radio button does
    assert app.score == (0, 0) and "One more try" in row.feedback.value
    assert "a is wrong" in row.feedback.value and "b is right" not in row.feedback.value
    row.value = "c"  # second try, wrong again: now the key and every reason
    assert app.score == (0, 1) and "b is right" in row.feedback.value and "Not quite: the answer is" in row.feedback.value
    assert "Score: 0 / 4 (1 answered)" in app._score.value
    row.value = "b"  # the key is known now: explained, not scored
    assert app.score == (0, 1) and "Correct" in row.feedback.value


def test_a_right_second_try_scores():
    app = QuizApp(_questions(), use_widgets=False)
    assert not app.answer("single", "a").final
    assert app.answer("single", "b").correct and app.score == (1, 1)


def test_multiple_ordering_and_matching_rows_are_graded_on_check():
    app = QuizApp(_questions(), use_widgets=True)
    rows = app._rows
    rows["multiple"].value = ("a", "c")
    assert "multiple" not in app.feedback  # nothing graded before Check
    _button(rows["multiple"], "Check").click()
    rows["ordering"].value = ["a", "b", "c"]
    _button(rows["ordering"], "Check").click()
    rows["matching"].value = {"1": "a", "2": "b"}
    _button(rows["matching"], "Check").click()
    assert all(app.feedback[i].correct for i in ("multiple", "ordering", "matching")) and app.score == (3, 3)


def test_check_without_a_complete_answer_asks_for_one():
    app = QuizApp(_questions(), use_widgets=True)
    _button(app._rows["multiple"], "Check").click()
    assert "Choose an option first" in app._rows["multiple"].feedback.value
    app._rows["ordering"].value = ["a", None, None]
    _button(app._rows["ordering"], "Check").click()
    assert "Place every item first" in app._rows["ordering"].feedback.value and app.score == (0, 0)


def test_show_answer_reveals_the_key_and_every_reason_and_the_question_no_longer_scores():
    app = QuizApp(_questions(), use_widgets=True)
    row = app._rows["single"]
    _button(row, "Show answer").click()
    assert row.feedback.value.count("✓") == 1 and f"Answer: {app.questions['single'].key_text()}" in row.feedback.value
    assert "a is wrong" in row.feedback.value and app.score == (0, 0)
    assert app.answer("single", "b").correct and app.score == (0, 0)
    assert app.reveal("ordering").startswith("Answer: ")


def test_options_are_shuffled_by_seed_but_answered_by_key():
    orders = {tuple(QuizApp(_questions(), use_widgets=False, seed=s).questions["single"].options) for s in range(12)}
    assert len(orders) > 1
    assert all(QuizApp(_questions(), use_widgets=False, seed=s).answer("single", "b").correct for s in range(5))


def test_feedback_html_escapes_option_text_and_links_the_aws_page():
    app = QuizApp(_questions(), use_widgets=True)
    app.answer("single", "b")
    html = app._rows["single"].feedback.value
    assert "&lt;b&gt;" in html and "<b>" not in html and f'<a href="{DOC}" target="_blank">' in html


def test_plain_text_without_widgets_and_with_answers(capsys):
    app = QuizApp(_questions(), use_widgets=False)
    app._ipython_display_()
    shown = capsys.readouterr().out
    assert shown.startswith("Q1. Pick <b>") and "(choose all that apply)" in shown and "Answer" not in shown
    assert f"Answer: {app.questions['multiple'].key_text()}. a and c" in app.as_text(show_answers=True)


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
    app = QuizApp.for_notebook("07_exam_review", extra=[extra], use_widgets=False, seed=2)
    assert list(app.questions)[-1] == "mine"
    assert len(app.questions) == len(quiz.load_questions("07_exam_review")) + 1


def test_a_case_study_scenario_is_shown_once_before_its_questions():
    exam = quiz.load_questions("07_exam_review")
    case = [q for q in exam if q.case and q.case.id == "card-fraud"]
    text = QuizApp(case, use_widgets=False).as_text()
    assert text.startswith("Case study · Card fraud at a retail bank\n") and text.count("Case study ·") == 1
    boxes = QuizApp(case, use_widgets=True).widget().children
    assert "Case study · Card fraud" in boxes[0].value and len(boxes) == len(case) + 2  # header, rows, score


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _mock(clock, **kw):
    return MockExamApp.draw(n_questions=10, minutes=15, seed=0, clock=clock, **kw)


def _key(q):
    return {"ordering": lambda: list(q.sequence), "matching": lambda: dict(q.matches),
            "multiple": lambda: tuple(q.answer)}.get(q.kind, lambda: next(iter(q.answer)))()


def test_the_mock_records_picks_without_feedback_and_finishes_on_the_button():
    clock = Clock()
    app = _mock(clock)
    box = app.widget()
    rows = list(app._rows.values())
    for row in rows[:4]:
        row.value = _key(row.question)
    assert len(app.section.responses) == 4 and all(row.feedback.value == "" for row in rows)
    assert app.report is None and "4 of 10 answered · 15:00 left" in app._status.value
    clock.now = 300
    finish = next(c for c in box.children if getattr(c, "description", "") == "Finish and score")
    finish.click()
    assert app.report.score == (4, 10) and "Score: 4 / 10" in app._status.value
    assert all(row.inputs[0].disabled for row in rows) and "Correct" in rows[0].feedback.value
    assert "Not answered" in rows[-1].feedback.value
    assert len(app._output.outputs) == 1  # the report, as Markdown with links


def test_the_mock_closes_when_the_clock_runs_out():
    clock = Clock()
    app = _mock(clock)
    app.widget()
    first = next(iter(app.questions.values()))
    app.answer(first.id, _key(first))
    clock.now = 15 * 60 + 1
    ticker = app.widget().children[-1]  # the browser's countdown tick; correctness does not depend on it
    ticker.value = 3
    assert app.report.timed_out and "time ran out" in app._status.value
    with pytest.raises(ValueError, match="answers are locked"):
        app.answer(first.id, _key(first))


def test_the_mock_as_text_for_static_pages(capsys):
    app = _mock(Clock(), use_widgets=False)
    app._ipython_display_()
    shown = capsys.readouterr().out
    assert shown.startswith("Mock section: 10 questions in 15 minutes.") and "Q10. " in shown and "Answer:" not in shown
    app.answer(next(iter(app.questions)), _key(next(iter(app.questions.values()))))
    assert app.finish().score[0] == 1
