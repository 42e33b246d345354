"""One question in any format: grading, the second try, feedback that explains every option."""

from __future__ import annotations

import pytest

from labkit import quiz

DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html"


def _single(**kw) -> quiz.Question:
    base = {"id": "q", "text": "pick b", "options": {"a": "A", "b": "B", "c": "C"}, "answer": frozenset({"b"}),
            "explanation": "because", "why": {"a": "a is wrong", "b": "b is right", "c": "c is wrong"},
            "docs": {"b": DOC}, "lesson": "02_model_quality_drift#The idea"}
    base.update(kw)
    return quiz.Question(**base)


def _ordering() -> quiz.Question:
    return quiz.Question("o", "order", {"a": "first", "b": "second", "c": "third"}, frozenset("abc"), "e",
                         kind="ordering", sequence=("a", "b", "c"), why={"a": "1", "b": "2", "c": "3"})


def _matching() -> quiz.Question:
    return quiz.Question("m", "match", {"a": "A", "b": "B", "c": "C"}, frozenset("ab"), "e", kind="matching",
                         prompts={"1": "one", "2": "two"}, matches={"1": "b", "2": "a"},
                         why={"a": "fits 2", "b": "fits 1", "c": "fits none"})


def test_check_grades_single_and_multiple():
    q = _single()
    assert quiz.check(q, "b").correct and not quiz.check(q, "a").correct
    m = quiz.Question("m", "pick a and c", {"a": "A", "b": "B", "c": "C"}, frozenset({"a", "c"}), "x", kind="multiple")
    assert quiz.check(m, ["c", "a"]).correct and not quiz.check(m, ["a"]).correct
    with pytest.raises(ValueError, match="not an option"):
        quiz.check(q, "z")


def test_check_grades_ordering_and_matching():
    o, m = _ordering(), _matching()
    assert quiz.check(o, ["a", "b", "c"]).correct
    assert not quiz.check(o, ["b", "a", "c"]).correct and not quiz.check(o, ["a", "a", "c"]).correct
    assert quiz.check(m, {"1": "b", "2": "a"}).correct
    assert not quiz.check(m, {"1": "b"}).correct and not quiz.check(m, {"1": "a", "2": "b"}).correct
    with pytest.raises(ValueError, match="ordering question"):
        quiz.check(o, "abc")
    with pytest.raises(ValueError, match="matching question"):
        quiz.check(m, ["b", "a"])
    with pytest.raises(ValueError, match="not a prompt"):
        quiz.check(m, {"9": "a"})
    with pytest.raises(ValueError, match="not an option"):
        quiz.check(m, {"1": "z"})


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"answer": frozenset({"a", "b"})}, "exactly one key"),
        ({"explanation": " "}, "no explanation"),
        ({"task": "9.9"}, "not a Task 4.1 line"),
        ({"kind": "essay"}, "kind must be one of"),
        ({"kind": "ordering", "answer": frozenset("abc"), "sequence": ("a", "b")}, "sequence must list every option"),
        ({"kind": "matching", "answer": frozenset("a"), "prompts": {"1": "x", "2": "y"}, "matches": {"1": "a"}},
         "one match for every prompt"),
    ],
)
def test_malformed_questions_are_refused(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        _single(**kwargs)


def test_artifact_question_takes_its_key_from_the_run():
    fired = {"baseline_drift_check"}
    q = quiz.artifact_question("fired", "Which check fired?", ["data_type_check", "baseline_drift_check"], fired, "from your run")
    assert q.answer == frozenset({"b"}) and q.kind == "single"
    assert quiz.check(q, "b").correct


def test_score_counts_the_latest_final_answer_only():
    q = _single()
    first_try = quiz.check(q, "a", attempt=1, tries=2)
    assert not first_try.final
    assert quiz.score([first_try]) == (0, 0)
    assert quiz.score([first_try, quiz.check(q, "b", attempt=2, tries=2)]) == (1, 1)
    assert quiz.score([quiz.check(q, "b"), quiz.check(q, "a")]) == (0, 1)


def test_letters_are_positions_so_a_shuffled_question_keeps_its_keys():
    q = _single().reordered(["c", "b", "a"])
    assert list(q.options) == ["c", "b", "a"] and q.letter("c") == "A" and q.key_text() == "B"
    assert q.as_text().splitlines()[1:] == ["  A. C", "  B. B", "  C. A"]
    assert quiz.check(q, "b").correct  # answered by key, whatever the order
    with pytest.raises(ValueError, match="not an order of the options"):
        q.reordered(["a", "b"])


def test_final_feedback_explains_every_option_links_its_page_and_marks_the_choice():
    text = quiz.check(_single(), "c").as_text()
    lines = text.splitlines()
    assert lines[0] == "❌ Not quite: the answer is B."
    assert lines[1:4] == ["  ✗ A. A — a is wrong", f"  ✓ B. B — b is right ({DOC})", "  ✗ C. C — c is wrong  ← your choice"]
    assert lines[4] == "because" and lines[5] == "Revisit: 02 · The idea (02_model_quality_drift.ipynb#The-idea)"
    assert quiz.check(_single(), "b").as_text().startswith("✅ Correct.") and "Revisit" not in quiz.check(_single(), "b").as_text()


def test_a_first_wrong_try_explains_the_choice_and_hides_the_key():
    text = quiz.check(_single(), "a", attempt=1, tries=2).as_text()
    assert text.startswith("❌ Not yet.") and "One more try" in text
    assert "a is wrong" in text and "b is right" not in text and "✓" not in text and "because" not in text
    final = quiz.check(_single(), "c", attempt=2, tries=2)
    assert final.final and "b is right" in final.as_text()


def test_a_first_try_of_a_multiple_response_question_says_what_is_missing():
    m = quiz.Question("m", "pick a and c", {"a": "A", "b": "B", "c": "C"}, frozenset({"a", "c"}), "x",
                      kind="multiple", why={"a": "yes", "b": "no", "c": "yes too"})
    partial = quiz.check(m, ["a"], attempt=1, tries=2).as_text()
    assert "asks for 2" in partial and "yes" not in partial
    wrong = quiz.check(m, ["a", "b"], attempt=1, tries=2).as_text()
    assert "✗ B. B — no" in wrong and "yes" not in wrong


def test_ordering_and_matching_feedback():
    first = quiz.check(_ordering(), ["b", "a", "c"], attempt=1, tries=2).as_text()
    assert first.startswith("❌ Not yet: 1 of 3 are in the right place.")
    final = quiz.check(_ordering(), ["b", "a", "c"]).as_text()
    assert "✗ 1. A. first — 1  ← you put it 2nd" in final and "✓ 3. C. third — 3" in final
    assert quiz.check(_matching(), {"1": "b", "2": "c"}, attempt=1, tries=2).as_text().startswith(
        "❌ Not yet: 1 of 2 pairs are right (check 2).")
    text = quiz.check(_matching(), {"1": "b", "2": "c"}).as_text()
    assert "✓ 1. one → B. B — fits 1" in text and "✗ 2. two → A. A — fits 2  ← you chose C" in text
    assert "· C. C matches none — fits none" in text


def test_question_text_in_every_format_and_with_the_key():
    assert _ordering().as_text(show_answer=True).endswith("Answer: A → B → C. e")
    assert "Put all of these in order:" in _ordering().as_text()
    matching = _matching().as_text(show_answer=True)
    assert "  1. one\n  2. two\n  Match each with one of:" in matching and matching.endswith("Answer: 1–B, 2–A. e")
    m = quiz.Question("m", "t", {"a": "A", "b": "B"}, frozenset({"b", "a"}), "e", kind="multiple")
    assert quiz.answer_key([m]) == "m: A, B — e"
    assert m.as_text(show_answer=True).endswith("Answer: A, B. e") and "Answer" not in m.as_text()
    assert "(choose all that apply)" in m.as_text()
    exam_style = quiz.Question("x", "t (Select TWO.)", {"a": "A", "b": "B"}, frozenset("ab"), "e", kind="multiple")
    assert "(choose all that apply)" not in exam_style.as_text()


def test_lesson_links_use_jupyterlab_heading_anchors():
    assert quiz.lesson_link("05_monitoring_workflow#Step 3 · The schedule") == (
        "05 · Step 3 · The schedule", "05_monitoring_workflow.ipynb#Step-3-·-The-schedule")
