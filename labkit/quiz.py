"""Checkpoint questions: a question bank, grading and scoring, with no widgets.

Questions live in ``labkit/questions/<notebook>.yaml``, one entry per question::

    - id: dq-ground-truth
      notebook: 01_data_quality_drift
      task: "4.1.K2"                       # a key of TASK_4_1
      objective: "Explain which monitors need ground truth"
      kind: single                         # or: multiple
      text: Which monitor needs ground-truth labels?
      options:
        a: {text: Data quality, why: It compares input features with the baseline; no labels.}
        b: {text: Model quality, why: It compares predictions with labels that arrive later.}
      answer: b                            # or a list for kind: multiple
      explanation: Model quality merges ground truth with captured predictions.

*Artifact-graded* questions are built in code from what the learner just produced
(``artifact_question``), so their key cannot be memorised from the bank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

__all__ = [
    "TASK_4_1",
    "Feedback",
    "Question",
    "artifact_question",
    "check",
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

    def as_text(self) -> str:
        """The question as plain text, for a static page or a terminal."""
        lines = [self.text]
        lines += [f"  ({key}) {text}" for key, text in self.options.items()]
        if self.kind == "multiple":
            lines.append("  (choose all that apply)")
        return "\n".join(lines)


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer."""

    question_id: str
    correct: bool
    chosen: frozenset[str]
    answer: frozenset[str]
    explanation: str
    why: Mapping[str, str]

    def as_text(self) -> str:
        head = "✅ Correct." if self.correct else f"❌ Not quite: the answer is {', '.join(sorted(self.answer))}."
        reasons = [f"  ({k}) {self.why[k]}" for k in sorted(self.chosen | self.answer) if k in self.why]
        return "\n".join([head, *reasons, self.explanation])


def validate(question: Question) -> list[str]:
    """Everything wrong with a question (empty when it is well formed); the bank checker uses it."""
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
    return Feedback(question.id, chosen == question.answer, chosen, question.answer, question.explanation, question.why)


def score(feedback: Iterable[Feedback]) -> tuple[int, int]:
    """(correct, answered), counting each question's latest answer only."""
    latest = {f.question_id: f for f in feedback}
    return sum(f.correct for f in latest.values()), len(latest)


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
