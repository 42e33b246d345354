"""The question bank's checker, grading, the learning objectives and the coverage table."""

from __future__ import annotations

import json
import re
from pathlib import Path

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


# -- objectives and coverage --------------------------------------------------------------------

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"


def test_task_for_label_accepts_the_exam_wording_and_its_shortenings():
    assert quiz.task_for_label("Knowledge: drift in ML models") == "4.1.K1"
    assert quiz.task_for_label("Skill: detecting changes in the distribution of data") == "4.1.S3"
    with pytest.raises(ValueError, match="names 3 Task 4.1 lines"):  # S1, S2 and S4 start so
        quiz.task_for_label("Skill: monitoring")
    with pytest.raises(ValueError, match="names 0 Task 4.1 lines"):
        quiz.task_for_label("Knowledge: cooking")


def test_read_objectives_parses_bullets_with_and_without_a_task(tmp_path):
    cell = {"cell_type": "markdown", "metadata": {}, "source": [
        "# 09 · T\n", "## Learning objectives\n", "After this notebook you can:\n",
        "- do a thing (MLA-C01 Task 4.1, *Knowledge: drift in ML models*);\n",
        "- check the set-up;\n", "- try **it** (Task 4.1, *Skill: monitoring model performance in production by using A/B testing*).\n",
        "\n## The idea\n- not an objective\n"]}
    path = tmp_path / "09_t.ipynb"
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert quiz.read_objectives(path) == (
        quiz.Objective("09_t", "do a thing", "4.1.K1"),
        quiz.Objective("09_t", "check the set-up", ""),
        quiz.Objective("09_t", "try **it**", "4.1.S4"),
    )


def _headings(path: Path) -> set[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return {m.group(1).strip() for m in re.finditer(r"^#{2,3} (.+)$", text, flags=re.MULTILINE)}


@pytest.mark.parametrize("path", sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_seed_objectives_are_the_notebooks_own_and_their_sections_exist(path):
    found = quiz.read_objectives(path)
    assert found, f"{path.name} has no '## Learning objectives' bullets"
    seeded = [o for o in quiz.SEED_OBJECTIVES if o.notebook == path.stem]
    assert [(o.text, o.task) for o in found] == [(o.text, o.task) for o in seeded], (
        f"quiz.SEED_OBJECTIVES is out of date for {path.name}: copy its objectives and their sections"
    )
    missing = {o.section for o in seeded} - _headings(path)
    assert not missing, f"{path.name} has no section headed {missing}"


def test_lab_objectives_attach_seeded_sections_and_keep_unseeded_ones(tmp_path):
    seeded = [o for o in quiz.SEED_OBJECTIVES if o.notebook == "00_start_here"]
    (tmp_path / "00_start_here.ipynb").write_bytes((NOTEBOOK_DIR / "00_start_here.ipynb").read_bytes())
    cell = {"cell_type": "markdown", "metadata": {}, "source": "## Learning objectives\n- learn (Task 4.1, *Knowledge: drift in ML models*)\n"}
    (tmp_path / "09_new.ipynb").write_text(json.dumps({"cells": [cell]}))
    objectives = quiz.lab_objectives(tmp_path)
    assert objectives[: len(seeded)] == tuple(seeded)
    assert objectives[len(seeded):] == (quiz.Objective("09_new", "learn", "4.1.K1", ""),)


def test_coverage_table_marks_a_line_covered_when_taught_and_tested():
    objectives = [quiz.Objective("00_start_here", "x", "4.1.K1", "The idea"),
                  quiz.Objective("00_start_here", "y", "4.1.K2", ""),            # taught nowhere mapped
                  quiz.Objective("01_data_quality_drift", "z", "4.1.S1", "Step 1")]
    questions = [_q("k1"), _q("k2", task="4.1.K2"), _q("s2", task="4.1.S2")]
    table = quiz.coverage_table(objectives, questions).set_index("task")
    assert table.loc["4.1.K1", "covered"] and table.loc["4.1.K1", "taught in"] == "00_start_here › The idea"
    assert not table.loc["4.1.K2", "covered"]      # a question, but no mapped section
    assert not table.loc["4.1.S1", "covered"]      # a section, but no question
    assert not table.loc["4.1.S2", "covered"] and table.loc["4.1.S2", "questions"] == 1
    assert quiz.uncovered_tasks(objectives, questions) == ["4.1.K2", "4.1.K3", "4.1.S1", "4.1.S2", "4.1.S3", "4.1.S4"]
    rows = quiz.objective_table(objectives, questions)
    assert rows["questions"].tolist() == [1, 1, 0] and rows["section"].iloc[1] == "(not mapped yet)"


def test_the_lab_covers_every_task_line():
    objectives = quiz.lab_objectives(NOTEBOOK_DIR)
    assert quiz.uncovered_tasks(objectives) == []
    assert {o.notebook for o in objectives} == {p.stem for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")}
