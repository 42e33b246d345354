"""The question bank's checker, grading and scoring."""

from __future__ import annotations

import pytest

from labkit import quiz


def test_every_bank_question_is_well_formed():
    questions = quiz.load_questions()
    assert questions, "the bank is empty"
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids)), "question ids must be unique"
    for q in questions:
        assert not quiz.validate(q), (q.id, quiz.validate(q))
        assert q.notebook, f"{q.id} has no notebook tag"
        assert q.task in quiz.TASK_4_1, f"{q.id} has no valid Task 4.1 tag"
        assert set(q.why) == set(q.options), f"{q.id}: every option needs its why"


def test_check_grades_single_and_multiple():
    q = quiz.Question("q", "pick b", {"a": "A", "b": "B"}, frozenset({"b"}), "because")
    assert quiz.check(q, "b").correct and not quiz.check(q, "a").correct
    m = quiz.Question("m", "pick a and c", {"a": "A", "b": "B", "c": "C"}, frozenset({"a", "c"}), "x", kind="multiple")
    assert quiz.check(m, ["c", "a"]).correct and not quiz.check(m, ["a"]).correct
    with pytest.raises(ValueError, match="not an option"):
        quiz.check(q, "z")


def test_malformed_questions_are_refused():
    with pytest.raises(ValueError, match="exactly one key"):
        quiz.Question("q", "t", {"a": "A", "b": "B"}, frozenset({"a", "b"}), "e")
    with pytest.raises(ValueError, match="no explanation"):
        quiz.Question("q", "t", {"a": "A", "b": "B"}, frozenset({"a"}), " ")
    with pytest.raises(ValueError, match="not a Task 4.1 line"):
        quiz.Question("q", "t", {"a": "A", "b": "B"}, frozenset({"a"}), "e", task="9.9")


def test_artifact_question_takes_its_key_from_the_run():
    fired = {"baseline_drift_check"}
    q = quiz.artifact_question("fired", "Which check fired?", ["data_type_check", "baseline_drift_check"], fired, "from your run")
    assert q.answer == frozenset({"b"}) and q.kind == "single"
    assert quiz.check(q, "b").correct


def test_score_counts_the_latest_answer():
    q = quiz.Question("q", "t", {"a": "A", "b": "B"}, frozenset({"a"}), "e")
    assert quiz.score([quiz.check(q, "b"), quiz.check(q, "a")]) == (1, 1)


# -- the bank checker ----------------------------------------------------------------------------


def _q(id="q", **kw):
    base = {"id": id, "text": "t", "options": {"a": "A", "b": "B"}, "answer": frozenset({"a"}), "explanation": "e",
            "why": {"a": "right", "b": "wrong"}, "notebook": "00_start_here", "task": "4.1.K1", "objective": "o"}
    base.update(kw)
    return quiz.Question(**base)


def test_the_bank_checker_passes_every_bank_file():
    assert quiz.check_bank(quiz.load_questions()) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"why": {"a": "right"}}, "options ['b'] have no why"),
        ({"why": {"a": "right", "b": " "}}, "options ['b'] have no why"),
        ({"why": {"a": "r", "b": "w", "z": "?"}}, "why given for options that do not exist"),
        ({"notebook": "99_nowhere"}, "is not a notebook stem"),
        ({"notebook": ""}, "is not a notebook stem"),
        ({"task": ""}, "is not a Task 4.1 line"),
        ({"objective": "  "}, "has no objective"),
    ],
)
def test_the_bank_checker_names_each_problem(changes, problem):
    problems = quiz.check_bank([_q(**changes)])
    assert len(problems) == 1 and problems[0].startswith("q: ") and problem in problems[0], problems


def test_the_bank_checker_refuses_duplicate_ids_and_accepts_a_clean_multiple_choice():
    multiple = _q("m", kind="multiple", answer=frozenset({"a", "b"}))
    assert quiz.check_bank([_q(), multiple]) == []
    assert quiz.check_bank([_q(), _q()]) == ["q: duplicate id"]


def test_the_exam_bank_has_at_least_25_scenario_questions_each_naming_its_aws_page():
    exam = quiz.load_questions("07_exam_review")
    assert len(exam) >= 25
    for q in exam:
        assert "AWS docs" in q.explanation or "AWS Well-Architected" in q.explanation, q.id
        assert q.objective and set(q.why) == set(q.options), q.id
    others = {q.text for q in quiz.load_questions() if q.notebook != "07_exam_review"}
    assert not others & {q.text for q in exam}, "the exam review asks new questions"
    assert {q.task for q in exam} == set(quiz.TASK_4_1), "every Task 4.1 line gets scenario questions"


def test_feedback_explains_every_option_and_marks_the_choice():
    q = _q(options={"a": "A", "b": "B", "c": "C"}, why={"a": "right", "b": "wrong", "c": "also wrong"})
    text = quiz.check(q, "c").as_text()
    assert text.startswith("❌") and "✓ (a) A — right" in text and "✗ (b) B — wrong" in text
    assert "✗ (c) C — also wrong  ← your choice" in text and text.endswith("e")
    assert quiz.check(q, "a").as_text().startswith("✅ Correct.")


def test_answer_key_and_text_with_answers():
    q = _q(kind="multiple", answer=frozenset({"b", "a"}))
    assert quiz.answer_key([q]) == "q: (a), (b) — e"
    assert q.as_text(show_answer=True).endswith("Answer: (a), (b). e") and "Answer" not in q.as_text()

