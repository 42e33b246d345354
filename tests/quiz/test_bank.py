"""The bank and its checkers: every bank file passes, and each rule of the checker fires when broken."""

from __future__ import annotations

from dataclasses import replace

import pytest

from labkit import quiz
from labkit.quiz import bank

DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html"
TASKS = list(quiz.TASK_4_1)


def _q(id="q", **kw):
    base = {"id": id, "text": "t", "options": {"a": "A", "b": "B"}, "answer": frozenset({"a"}), "explanation": "e",
            "why": {"a": "right", "b": "wrong"}, "notebook": "00_start_here", "task": "4.1.K1", "objective": "o"}
    base.update(kw)
    return quiz.Question(**base)


def _exam_question(i: int, task: str, **kw) -> quiz.Question:
    """A well-formed exam question: four options of equal length, the key at position i % 4."""
    keys = "abcd"
    options = {k: f"option {i:03d}{k} text" for k in keys}
    base = {"id": f"x{i}", "text": f"Which is MOST right? ({i})" if i % 2 == 0 else f"Which is right? ({i})",
            "options": options, "answer": frozenset({keys[i % 4]}), "explanation": "e",
            "why": {k: "because" for k in keys}, "docs": {k: DOC for k in keys}, "notebook": "07_exam_review",
            "task": task, "objective": "o", "lesson": "01_data_quality_drift#The idea"}
    base.update(kw)
    return quiz.Question(**base)


def _exam_bank() -> list[quiz.Question]:
    """The smallest bank that passes check_exam_bank(min_questions=…): 28 questions in every format."""
    questions = [_exam_question(i, TASKS[i % len(TASKS)]) for i in range(24)]
    five = {k: f"response {k}" for k in "abcde"}
    docs5, why5 = {k: DOC for k in five}, {k: "because" for k in five}
    common = {"explanation": "e", "notebook": "07_exam_review", "objective": "o", "docs": docs5, "why": why5,
              "lesson": "01_data_quality_drift#The idea", "task": "4.1.S1"}
    questions += [
        quiz.Question("mr", "Which? (Select TWO.)", five, frozenset("ab"), kind="multiple", **common),
        quiz.Question("ord", "Order them.", five, frozenset(five), kind="ordering", sequence=tuple("abcde"), **common),
        quiz.Question("mat", "Match them.", five, frozenset("abc"), kind="matching",
                      prompts={"1": "p1", "2": "p2", "3": "p3"}, matches={"1": "a", "2": "b", "3": "c"}, **common),
    ]
    case = quiz.CaseStudy("c", "A case", "A scenario.")
    questions[0], questions[1] = replace(questions[0], case=case), replace(questions[1], case=case)
    return questions


def test_every_bank_file_passes_the_bank_checker():
    questions = quiz.load_questions()
    assert questions and quiz.check_bank(questions) == []


def test_the_exam_bank_passes_the_exam_checker():
    exam = quiz.load_questions(quiz.EXAM_NOTEBOOK)
    assert len(exam) >= bank.EXAM_MIN_QUESTIONS
    assert quiz.check_exam_bank(exam) == []


def test_the_seed_study_guide_topics_are_in_the_exam_bank():
    """The seed's checkpoint questions, as issue 16 records them: baseline, F1, outliers, drift, proactive, K-S."""
    seeds = {q.id for q in quiz.load_questions(quiz.EXAM_NOTEBOOK) if "seed" in q.tags}
    assert seeds == {"exam-seed-baseline-why", "exam-seed-f1", "exam-seed-outliers", "exam-seed-drift-definition",
                     "exam-seed-proactive", "exam-seed-ks-test"}


def test_the_exam_review_asks_new_questions_and_keeps_case_studies_together():
    exam = quiz.load_questions(quiz.EXAM_NOTEBOOK)
    others = {q.text for q in quiz.load_questions() if q.notebook != quiz.EXAM_NOTEBOOK}
    assert not others & {q.text for q in exam}
    cases = {}
    for q in exam:
        if q.case:
            cases.setdefault(q.case.id, []).append(q.case)
    assert len(cases) >= 2 and all(len(set(c)) == 1 and len(c) >= 3 for c in cases.values())


def test_the_smallest_passing_bank_passes():
    assert quiz.check_exam_bank(_exam_bank(), min_questions=27) == []


def _break(changes) -> list[quiz.Question]:
    questions = _exam_bank()
    changes(questions)  # mutates the list in place
    return questions


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (lambda qs: qs.__setitem__(2, replace(qs[2], docs={"a": DOC})), "option b has no AWS documentation link"),
        (lambda qs: qs.__setitem__(2, replace(qs[2], docs={k: "https://example.com/x.html" for k in "abcd"})),
         "is not an AWS documentation page"),
        (lambda qs: qs.__setitem__(2, replace(qs[2], lesson="")), "names no lesson section"),
        (lambda qs: qs.__setitem__(2, replace(qs[2], lesson="99_nowhere#The idea")), "is not '<notebook stem>#<heading>'"),
        (lambda qs: qs.__setitem__(3, replace(qs[3], options={k: qs[3].options[k] for k in "abd"},
                                              why={k: "w" for k in "abd"}, docs={k: DOC for k in "abd"})),
         "multiple choice has 4 options"),
        (lambda qs: qs.__setitem__(24, replace(qs[24], text="Which?")), "(Select TWO.)"),
        (lambda qs: qs.__setitem__(25, replace(qs[25], options={**qs[25].options, "f": "x"}, sequence=tuple("abcdef"),
                                               answer=frozenset("abcdef"), why={**qs[25].why, "f": "w"},
                                               docs={**qs[25].docs, "f": DOC})),
         "ordering has 3–5 items, not 6"),
        (lambda qs: qs.__setitem__(26, replace(qs[26], prompts={"1": "p1", "2": "p2"}, matches={"1": "a", "2": "b"},
                                               answer=frozenset("ab"))),
         "matching has 3–7 prompts, not 2"),
        (lambda qs: qs.pop(26), "no matching question"),
        (lambda qs: [qs.__setitem__(i, replace(q, case=None)) for i, q in enumerate(qs)],
         "no case study with two or more questions"),
        (lambda qs: [qs.__setitem__(i, replace(q, task="4.1.S1")) for i, q in enumerate(qs) if q.task == "4.1.S4"], "Task 4.1.S4 has 0 questions"),
        (lambda qs: [qs.__setitem__(i, replace(q, text="Which?" + (" (Select TWO.)" if q.kind == "multiple" else "")))
                     for i, q in enumerate(qs)], "carry a qualifier"),
        (lambda qs: [qs.__setitem__(i, replace(q, answer=frozenset("a"))) for i, q in enumerate(qs[:24])],
         "keys of 4-option questions by position"),
        (lambda qs: qs.__setitem__(5, replace(qs[5], options={**qs[5].options, next(iter(qs[5].answer)): "option 004a text"})),
         "is the key of"),
        (lambda qs: [qs.__setitem__(i, replace(q, options={k: t + (" and much longer" if k in q.answer else "")
                                                           for k, t in q.options.items()}))
                     for i, q in enumerate(qs[:24])], "the key is the longest option"),
        (lambda qs: [qs.__setitem__(i, replace(q, options={k: (f"use `api_{k}`" if k in q.answer else f"plain words {k}")
                                                           for k in q.options}))
                     for i, q in enumerate(qs[:24])], "the key is the only specific option"),
    ],
)
def test_each_exam_rule_names_the_problem(breakage, problem):
    problems = quiz.check_exam_bank(_break(breakage), min_questions=27)
    assert any(problem in p for p in problems), problems


def test_too_few_questions_is_a_problem():
    assert any("needs at least 80" in p for p in quiz.check_exam_bank(_exam_bank()))


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
        ({"lesson": "01_data_quality_drift"}, "is not '<notebook stem>#<heading>'"),
    ],
)
def test_the_bank_checker_names_each_problem(changes, problem):
    problems = quiz.check_bank([_q(**changes)])
    assert len(problems) == 1 and problems[0].startswith("q: ") and problem in problems[0], problems


def test_the_bank_checker_refuses_duplicate_ids_and_accepts_a_clean_multiple_choice():
    multiple = _q("m", kind="multiple", answer=frozenset({"a", "b"}))
    assert quiz.check_bank([_q(), multiple]) == []
    assert quiz.check_bank([_q(), _q()]) == ["q: duplicate id"]


def _bank_dir(tmp_path, monkeypatch, text: str):
    root = tmp_path / "labkit"
    (root / "questions").mkdir(parents=True)
    (root / "questions" / "07_x.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(bank.resources, "files", lambda package: root)


def test_a_case_study_entry_gives_every_question_its_scenario(tmp_path, monkeypatch):
    _bank_dir(tmp_path, monkeypatch, """
- case: c1
  title: A case
  notebook: 07_exam_review
  scenario: One scenario.
  questions:
    - {id: q1, task: "4.1.K1", objective: o, text: t1, options: {a: A, b: B}, answer: a, explanation: e}
    - {id: q2, task: "4.1.K2", objective: o, kind: ordering, text: t2, options: {a: A, b: B}, answer: [b, a], explanation: e}
- {id: q3, kind: matching, text: t3, prompts: {1: x, 2: y}, options: {a: A, b: B}, answer: {1: b, 2: a}, explanation: e}
""")
    q1, q2, q3 = quiz.load_questions()
    assert q1.case == q2.case == quiz.CaseStudy("c1", "A case", "One scenario.") and q3.case is None
    assert q1.notebook == "07_exam_review" and q2.sequence == ("b", "a") and dict(q3.matches) == {"1": "b", "2": "a"}


def test_a_broken_bank_file_names_the_file_and_line(tmp_path, monkeypatch):
    _bank_dir(tmp_path, monkeypatch, "- id: q1\n  text: one: two: three\n")
    with pytest.raises(ValueError, match=r"labkit/questions/07_x.yaml line 2 column \d+: not valid YAML"):
        quiz.load_questions()
    _bank_dir(tmp_path / "2", monkeypatch, "- {id: q1, text: t, options: {a: A}, answer: a, explanation: e}\n")
    with pytest.raises(ValueError, match=r"07_x.yaml: 'q1': question 'q1': needs at least two options"):
        quiz.load_questions()


def test_a_lesson_may_be_a_going_deeper_section_but_not_any_folder():
    from labkit.quiz.bank import _names_a_section

    known = {"05_monitoring_workflow"}
    assert _names_a_section("deeper/05_batch_now_and_ab_statistics#A one-off review", known)
    assert not _names_a_section("deeper/09_nothing#A heading", known)
    assert not _names_a_section("elsewhere/05_batch#A heading", known)
    assert not _names_a_section("deeper/05_batch", known)
