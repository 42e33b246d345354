"""The learning objectives, where each is taught, and the Task 4.1 coverage table."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from labkit import coverage, quiz

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"


def _q(id: str, task: str = "4.1.K1") -> quiz.Question:
    """A well-formed bank question on notebook 00 tagged with ``task``."""
    return quiz.Question(id, "t", {"a": "A", "b": "B"}, frozenset({"a"}), "e", why={"a": "right", "b": "wrong"},
                         notebook="00_start_here", task=task, objective="o")


def test_task_for_label_accepts_the_exam_wording_and_its_shortenings():
    assert coverage.task_for_label("Knowledge: drift in ML models") == "4.1.K1"
    assert coverage.task_for_label("Skill: detecting changes in the distribution of data") == "4.1.S3"
    with pytest.raises(ValueError, match="names 3 Task 4.1 lines"):  # S1, S2 and S4 start so
        coverage.task_for_label("Skill: monitoring")
    with pytest.raises(ValueError, match="names 0 Task 4.1 lines"):
        coverage.task_for_label("Knowledge: cooking")


def test_read_objectives_parses_bullets_with_and_without_a_task(tmp_path):
    cell = {"cell_type": "markdown", "metadata": {}, "source": [
        "# 09 · T\n", "## Learning objectives\n", "After this notebook you can:\n",
        "- do a thing (MLA-C01 Task 4.1, *Knowledge: drift in ML models*);\n",
        "- check the set-up;\n", "- try **it** (Task 4.1, *Skill: monitoring model performance in production by using A/B testing*).\n",
        "\n## The idea\n- not an objective\n"]}
    path = tmp_path / "09_t.ipynb"
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert coverage.read_objectives(path) == (
        coverage.Objective("09_t", "do a thing", "4.1.K1"),
        coverage.Objective("09_t", "check the set-up", ""),
        coverage.Objective("09_t", "try **it**", "4.1.S4"),
    )


@pytest.mark.parametrize("path", sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_seed_objectives_are_the_notebooks_own_and_their_sections_exist(path):
    found = coverage.read_objectives(path)
    assert found, f"{path.name} has no '## Learning objectives' bullets"
    seeded = [o for o in coverage.SEED_OBJECTIVES if o.notebook == path.stem]
    assert [(o.text, o.task) for o in found] == [(o.text, o.task) for o in seeded], (
        f"coverage.SEED_OBJECTIVES is out of date for {path.name}: copy its objectives and their sections"
    )
    missing = {o.section for o in seeded} - coverage.notebook_headings(path)
    assert not missing, f"{path.name} has no section headed {missing}"


def test_lab_objectives_attach_seeded_sections_and_keep_unseeded_ones(tmp_path):
    seeded = [o for o in coverage.SEED_OBJECTIVES if o.notebook == "00_start_here"]
    (tmp_path / "00_start_here.ipynb").write_bytes((NOTEBOOK_DIR / "00_start_here.ipynb").read_bytes())
    cell = {"cell_type": "markdown", "metadata": {}, "source": "## Learning objectives\n- learn (Task 4.1, *Knowledge: drift in ML models*)\n"}
    (tmp_path / "09_new.ipynb").write_text(json.dumps({"cells": [cell]}))
    objectives = coverage.lab_objectives(tmp_path)
    assert objectives[: len(seeded)] == tuple(seeded)
    assert objectives[len(seeded):] == (coverage.Objective("09_new", "learn", "4.1.K1", ""),)


def test_coverage_table_marks_a_line_covered_when_taught_and_tested():
    objectives = [coverage.Objective("00_start_here", "x", "4.1.K1", "The idea"),
                  coverage.Objective("00_start_here", "y", "4.1.K2", ""),            # taught nowhere mapped
                  coverage.Objective("01_data_quality_drift", "z", "4.1.S1", "Step 1")]
    questions = [_q("k1"), _q("k2", task="4.1.K2"), _q("s2", task="4.1.S2")]
    table = coverage.coverage_table(objectives, questions).set_index("task")
    assert table.loc["4.1.K1", "covered"] and table.loc["4.1.K1", "taught in"] == "00_start_here › The idea"
    assert not table.loc["4.1.K2", "covered"]      # a question, but no mapped section
    assert not table.loc["4.1.S1", "covered"]      # a section, but no question
    assert not table.loc["4.1.S2", "covered"] and table.loc["4.1.S2", "questions"] == 1
    assert coverage.uncovered_tasks(objectives, questions) == ["4.1.K2", "4.1.K3", "4.1.S1", "4.1.S2", "4.1.S3", "4.1.S4"]
    rows = coverage.objective_table(objectives, questions)
    assert rows["questions"].tolist() == [1, 1, 0] and rows["section"].iloc[1] == "(not mapped yet)"


def test_the_lab_covers_every_task_line():
    objectives = coverage.lab_objectives(NOTEBOOK_DIR)
    assert coverage.uncovered_tasks(objectives) == []
    assert {o.notebook for o in objectives} == {p.stem for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")}


def test_quiz_neither_imports_nor_re_exports_the_coverage_names():
    assert not set(coverage.__all__) & set(dir(quiz))
    assert "coverage" not in vars(quiz)


def test_every_lesson_link_of_the_bank_names_an_existing_notebook_heading():
    """The exam review's "revisit" links: each question's notebook#heading exists (re-check after rewrites)."""
    questions = quiz.load_questions()
    assert sum(bool(q.lesson) for q in questions) >= 80
    assert coverage.missing_lesson_links(questions, NOTEBOOK_DIR) == []


def test_missing_lesson_links_names_the_question_and_what_is_missing():
    broken = [replace(_q("a"), lesson="00_start_here#No such heading"), replace(_q("b"), lesson="09_missing#The idea"),
              replace(_q("c"), lesson="00_start_here#The idea"), _q("d")]
    assert coverage.missing_lesson_links(broken, NOTEBOOK_DIR) == [
        "a: 00_start_here.ipynb has no heading 'No such heading'", "b: no notebook 09_missing.ipynb"]
