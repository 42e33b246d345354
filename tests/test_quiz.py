"""The question bank's checker, and grading."""

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
