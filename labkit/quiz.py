"""Checkpoint questions: a question bank, grading and scoring, with no widgets.

Questions live in ``labkit/questions/<notebook>.yaml``, one entry per question::

    - id: dq-ground-truth
      notebook: 01_data_quality_drift        # a stem of NOTEBOOKS
      task: "4.1.K2"                         # a key of TASK_4_1
      objective: "Explain which monitors need ground truth"
      kind: single                           # or: multiple (then answer is a list)
      text: Which monitor needs ground-truth labels?
      options:
        a: {text: Data quality, why: It compares input features with the baseline; no labels.}
        b: {text: Model quality, why: It compares predictions with labels that arrive later.}
      answer: b
      explanation: Model quality merges ground truth with captured predictions (AWS docs: …).

``check_bank`` is the bank's checker (tests/test_quiz.py runs it on every file).
*Artifact-graded* questions are built in code from what the learner just produced
(``artifact_question``), so their key cannot be memorised from the bank. Which notebook section
teaches each Task 4.1 line is ``labkit.coverage``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

__all__ = [
    "NOTEBOOKS",
    "TASK_4_1",
    "Feedback",
    "Question",
    "answer_key",
    "artifact_question",
    "check",
    "check_bank",
    "load_questions",
    "score",
]

# MLA-C01 exam guide, Content Domain 4, Task Statement 4.1 "Monitor model inference".
TASK_4_1 = {
    "4.1.K1": "Knowledge: drift in ML models",
    "4.1.K2": "Knowledge: techniques to monitor data quality and model performance",
    "4.1.K3": "Knowledge: design principles for ML lenses relevant to monitoring",
    "4.1.S1": "Skill: monitoring models in production (for example, by using SageMaker Model Monitor)",
    "4.1.S2": "Skill: monitoring workflows to detect anomalies or errors in data processing or model inference",
    "4.1.S3": "Skill: detecting changes in the distribution of data that can affect model performance "
    "(for example, by using SageMaker Clarify)",
    "4.1.S4": "Skill: monitoring model performance in production by using A/B testing",
}
KINDS = ("single", "multiple")
# The lab's notebooks (STYLE.md §3); a question's `notebook` tag must be one of them.
NOTEBOOKS = (
    "00_start_here",
    "01_data_quality_drift",
    "02_model_quality_drift",
    "03_bias_drift",
    "04_feature_attribution_drift",
    "05_monitoring_workflow",
    "06_on_sagemaker",
    "07_exam_review",
)


@dataclass(frozen=True)
class Question:
    """One checkpoint question with its key and the reason each option is right or wrong."""

    id: str
    text: str
    options: Mapping[str, str]  # key -> option text, in display order
    answer: frozenset[str]
    explanation: str
    kind: str = "single"
    why: Mapping[str, str] = field(default_factory=dict)  # key -> why this option is right/wrong
    notebook: str = ""
    task: str = ""
    objective: str = ""

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise ValueError(f"question {self.id!r}: " + "; ".join(problems))

    def as_text(self, *, show_answer: bool = False) -> str:
        """The question as plain text, for a static page or a terminal; optionally with its key."""
        lines = [self.text]
        lines += [f"  ({key}) {text}" for key, text in self.options.items()]
        if self.kind == "multiple":
            lines.append("  (choose all that apply)")
        if show_answer:
            lines.append(f"  Answer: {_keys(self.answer)}. {self.explanation}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer, with the reason behind every option."""

    question_id: str
    correct: bool
    chosen: frozenset[str]
    answer: frozenset[str]
    explanation: str
    why: Mapping[str, str]
    options: Mapping[str, str] = field(default_factory=dict)

    def as_text(self) -> str:
        """✅/❌, then every option marked ✓ (in the key) or ✗ with its why, then the explanation."""
        head = "✅ Correct." if self.correct else f"❌ Not quite: the answer is {_keys(self.answer)}."
        keys = list(self.options) or sorted(self.chosen | self.answer | set(self.why))
        lines = [head]
        for key in keys:
            mark = "✓" if key in self.answer else "✗"
            text = f" {self.options[key]}" if key in self.options else ""
            reason = f" — {self.why[key]}" if key in self.why else ""
            picked = "  ← your choice" if key in self.chosen else ""
            lines.append(f"  {mark} ({key}){text}{reason}{picked}")
        return "\n".join([*lines, self.explanation])


def validate(question: Question) -> list[str]:
    """Everything wrong with one question (empty when it is well formed)."""
    problems = []
    if len(question.options) < 2:
        problems.append("needs at least two options")
    if question.kind not in KINDS:
        problems.append(f"kind must be one of {KINDS}")
    if not question.answer:
        problems.append("has no answer key")
    if not set(question.answer) <= set(question.options):
        problems.append(f"answer {sorted(question.answer)} is not among the options {list(question.options)}")
    if question.kind == "single" and len(question.answer) != 1:
        problems.append("a single-choice question needs exactly one key")
    if not question.explanation.strip():
        problems.append("has no explanation")
    if question.task and question.task not in TASK_4_1:
        problems.append(f"task {question.task!r} is not a Task 4.1 line ({', '.join(TASK_4_1)})")
    return problems


def check_bank(questions: Iterable[Question], *, notebooks: Iterable[str] = NOTEBOOKS) -> list[str]:
    """The bank's checker: every problem of every question, as ``"<id>: <problem>"`` lines.

    On top of ``validate``: ids are unique; every option has a non-empty ``why`` (and no ``why``
    names a missing option); ``notebook`` is a known notebook stem; ``task`` is a Task 4.1 line;
    ``objective`` is not empty.
    """
    known, seen, problems = set(notebooks), set(), []
    for q in questions:
        found = validate(q)
        if q.id in seen:
            found.append("duplicate id")
        seen.add(q.id)
        missing = [k for k in q.options if not str(q.why.get(k, "")).strip()]
        if missing:
            found.append(f"options {missing} have no why")
        if set(q.why) - set(q.options):
            found.append(f"why given for options that do not exist: {sorted(set(q.why) - set(q.options))}")
        if q.notebook not in known:
            found.append(f"notebook {q.notebook!r} is not a notebook stem")
        if q.task not in TASK_4_1:
            found.append(f"task {q.task!r} is not a Task 4.1 line")
        if not q.objective.strip():
            found.append("has no objective")
        problems += [f"{q.id}: {p}" for p in found]
    return problems


def load_questions(notebook: str | None = None) -> list[Question]:
    """Every question in the bank, or only those tagged with ``notebook`` (e.g. ``01_data_quality_drift``)."""
    import yaml

    questions = []
    for entry in sorted(resources.files("labkit").joinpath("questions").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        for raw in yaml.safe_load(entry.read_text(encoding="utf-8")) or []:
            try:
                question = _from_yaml(raw)
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"labkit/questions/{entry.name}: {exc}") from None
            if notebook is None or question.notebook == notebook:
                questions.append(question)
    return questions


def get_question(question_id: str) -> Question:
    """One question of the bank by id."""
    for question in load_questions():
        if question.id == question_id:
            return question
    raise KeyError(f"no question {question_id!r} in labkit/questions/")


def check(question: Question | str, answer: str | Iterable[str]) -> Feedback:
    """Grade ``answer`` (an option key, or several for a multiple-choice question)."""
    if isinstance(question, str):
        question = get_question(question)
    chosen = frozenset([answer] if isinstance(answer, str) else answer)
    unknown = chosen - set(question.options)
    if unknown:
        raise ValueError(f"{sorted(unknown)} is not an option of {question.id!r}; options are {list(question.options)}")
    return Feedback(
        question.id, chosen == question.answer, chosen, question.answer, question.explanation, question.why,
        question.options,
    )


def score(feedback: Iterable[Feedback]) -> tuple[int, int]:
    """(correct, answered), counting each question's latest answer only."""
    latest = {f.question_id: f for f in feedback}
    return sum(f.correct for f in latest.values()), len(latest)


def answer_key(questions: Iterable[Question]) -> str:
    """One line per question: its id, its key and the explanation (for handing out solutions)."""
    return "\n".join(f"{q.id}: {_keys(q.answer)} — {q.explanation}" for q in questions)


def artifact_question(
    id: str,
    text: str,
    options: Iterable[str],
    answer: str | Iterable[str],
    explanation: str,
    *,
    notebook: str = "",
    task: str = "",
) -> Question:
    """A question whose key comes from the learner's own run (e.g. the check types that just fired).

    ``options`` are the option texts; keys a, b, c … are assigned in order and ``answer`` names
    option texts. Several correct options make it a multiple-choice question.
    """
    options = list(options)
    keys = [chr(ord("a") + i) for i in range(len(options))]
    wanted = {answer} if isinstance(answer, str) else set(answer)
    missing = wanted - set(options)
    if missing:
        raise ValueError(f"answer {sorted(missing)} is not among the options")
    return Question(
        id=id,
        text=text,
        options=dict(zip(keys, options)),
        answer=frozenset(k for k, o in zip(keys, options) if o in wanted),
        explanation=explanation,
        kind="single" if len(wanted) == 1 else "multiple",
        notebook=notebook,
        task=task,
    )


def _keys(keys: Iterable[str]) -> str:
    return ", ".join(f"({k})" for k in sorted(keys))


def _from_yaml(raw: dict[str, Any]) -> Question:
    options = {str(k): (v["text"] if isinstance(v, dict) else str(v)) for k, v in raw["options"].items()}
    why = {str(k): v["why"] for k, v in raw["options"].items() if isinstance(v, dict) and "why" in v}
    answer = raw["answer"]
    return Question(
        id=str(raw["id"]),
        text=str(raw["text"]),
        options=options,
        answer=frozenset([str(answer)] if isinstance(answer, (str, int)) else map(str, answer)),
        explanation=str(raw.get("explanation", "")),
        kind=str(raw.get("kind", "single")),
        why=why,
        notebook=str(raw.get("notebook", "")),
        task=str(raw.get("task", "")),
        objective=str(raw.get("objective", "")),
    )
