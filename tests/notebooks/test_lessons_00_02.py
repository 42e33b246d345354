"""Notebooks 00–02 and their deeper notebooks keep the lesson shape; their checkpoint keys are right.

Static checks on the committed notebooks (no kernel): checks run but out of sight (hidden, tagged
``check``), no visible cell asserts or answers a quiz, the core path stays short, every bank
question is asked, deeper notebooks link both ways, and no sentence cites a file a learner does
not have. Then the checkpoint questions are driven from Python, as a learner answers them: each
key is checked against the option a reviewer expects, so a bank edit cannot move a key unseen.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from labkit import quiz
from labkit.widgets.quiz import QuizApp

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
STEMS = ("00_start_here", "01_data_quality_drift", "02_model_quality_drift")
MAX_CORE_CELLS = 35  # STYLE.md §3: about 30; room for a short "same on SageMaker" section


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _deeper(stem: str) -> list[Path]:
    return sorted((NOTEBOOKS / "deeper").glob(f"{stem[:2]}_*.ipynb"))


def _lesson_files(stem: str) -> list[Path]:
    return [NOTEBOOKS / f"{stem}.ipynb", *_deeper(stem)]


ALL = [path for stem in STEMS for path in _lesson_files(stem)]


def _hidden(cell: dict) -> bool:
    metadata = cell.get("metadata", {})
    return bool(metadata.get("jupyter", {}).get("source_hidden")) and "check" in metadata.get("tags", [])


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_checks_run_out_of_sight_and_nothing_answers_a_quiz(path):
    for index, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        text = _source(cell)
        assert ".answer(" not in text, f"{path.name} cell {index} answers a quiz"
        is_check = text.startswith("# Check:")
        assert is_check == _hidden(cell), f"{path.name} cell {index}: a check cell is hidden and tagged 'check'"
        if not is_check:
            assert not re.search(r"^\s*assert\b", text, flags=re.MULTILINE), f"{path.name} cell {index} asserts in sight"


@pytest.mark.parametrize("stem", STEMS)
def test_the_core_path_is_short_and_links_its_deeper_notebooks(stem):
    cells = _cells(NOTEBOOKS / f"{stem}.ipynb")
    assert len(cells) <= MAX_CORE_CELLS, f"{stem}: {len(cells)} cells"
    markdown = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    for deeper in _deeper(stem):
        assert f"(deeper/{deeper.name})" in markdown, f"{stem} does not link {deeper.name}"
        back = "\n".join(_source(c) for c in _cells(deeper) if c["cell_type"] == "markdown")
        assert f"(../{stem}.ipynb)" in back, f"{deeper.name} does not link back to {stem}"


@pytest.mark.parametrize("stem", STEMS)
def test_every_bank_question_is_asked_in_the_lesson(stem):
    sources = "\n".join(_source(c) for path in _lesson_files(stem) for c in _cells(path) if c["cell_type"] == "code")
    missing = [q.id for q in quiz.load_questions(stem) if f'"{q.id}"' not in sources]
    assert not missing, f"{stem}: bank questions never shown: {missing}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.stem)
def test_no_sentence_cites_a_file_the_learner_does_not_have(path):
    markdown = "\n".join(_source(c) for c in _cells(path) if c["cell_type"] == "markdown")
    for private in ("operations.md", "data-quality.md", "bias.md", "explainability.md", "shared/reference"):
        assert private not in markdown, f"{path.name} cites {private}"


# Each key, as a reviewer would state it: a phrase of every correct option (and of no wrong one).
KEYS = {
    "start-drift": ["exactly last year's profile now default more often"],
    "start-proactive": ["with alerts that fire when it drifts"],
    "start-ground-truth": ["Model quality", "Bias drift"],
    "start-where-results": ["constraint_violations.json under the monitoring schedule's S3 output"],
    "dq-why-baseline": ["the standard each execution compares"],
    "dq-sampling": ["About 20 % of the requests"],
    "dq-drift-threshold": ["0.1 (distribution_constraints.comparison_threshold)"],
    "dq-ks": ["two-sample Kolmogorov–Smirnov statistic"],
    "dq-stuck-sensor": ["baseline_drift_check"],
    "dq-outliers": ["No violation"],
    "dq-without-labels": ["distribution shifts away", "missing values", "never had in the baseline"],
    "dq-cloudwatch-metric": ["feature_baseline_drift_income"],
    "dq-sdk-config": ["writes constraint_violations.json and publishes CloudWatch metrics"],
    "mq-market-crash": ["Model quality, once the sale prices"],
    "mq-ground-truth": ["Model quality (ModelQualityMonitor)"],
    "mq-f1": ["f1"],
    "mq-offsets": ["StartTimeOffset to -PT3H and EndTimeOffset to -PT2H"],
    "mq-cbpe-concept": ["Concept drift"],
    "mq-sdk-config": ["As a negative prediction"],
}


def test_every_question_of_the_three_banks_has_a_stated_key():
    asked = {q.id for stem in STEMS for q in quiz.load_questions(stem)}
    assert asked == set(KEYS)


@pytest.mark.parametrize("question_id", sorted(KEYS))
def test_answering_the_stated_key_is_correct_and_every_single_wrong_option_is_not(question_id):
    question = quiz.get_question(question_id)
    key = sorted(k for k, text in question.options.items() if any(p in text for p in KEYS[question_id]))
    assert len(key) == len(KEYS[question_id]), f"{question_id}: each phrase names exactly one option"
    app = QuizApp([question], use_widgets=False)  # as a learner answers: pick, read the feedback
    feedback = app.answer(question_id, key[0] if question.kind == "single" else key)
    assert feedback.correct, feedback.as_text()
    for wrong in sorted(set(question.options) - set(key)):
        assert not quiz.check(question, [wrong]).correct, (question_id, wrong)
