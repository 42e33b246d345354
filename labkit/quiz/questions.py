"""One question in any of the exam's formats, graded with the reason behind every option.

The MLA-C01 exam guide lists five item formats; a ``Question`` has one of four ``kind`` values and
a case study is a group of questions sharing one ``CaseStudy`` scenario:

* ``single`` — multiple choice: one key among the options (the exam: one of four);
* ``multiple`` — multiple response: two or more keys (the exam: out of five or more);
* ``ordering`` — put every option in order; ``sequence`` holds the keys in the right order;
* ``matching`` — pair each of ``prompts`` with one option; ``matches`` maps prompt → option.

Option keys (``a``, ``b`` …) are the bank's stable names for options; a learner sees letters
``A``, ``B`` … by *position*, so a quiz can shuffle options (``labkit.quiz.arrange``) while tests
and the bank keep answering by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

__all__ = [
    "KINDS",
    "NOTEBOOKS",
    "TASK_4_1",
    "TRIES",
    "CaseStudy",
    "Feedback",
    "Question",
    "answer_key",
    "artifact_question",
    "check",
    "lesson_link",
    "score",
    "validate",
]

# MLA-C01 exam guide, Content Domain 4, Task Statement 4.1 "Monitor model inference"
# (https://docs.aws.amazon.com/aws-certification/latest/userguide/machine-learning-engineer-associate-01-domain4.html).
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
KINDS = ("single", "multiple", "ordering", "matching")
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
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TRIES = 2  # issue 16, "quizzes that teach": a wrong first answer gets a second try before the key


@dataclass(frozen=True)
class CaseStudy:
    """One scenario that several questions share (the exam's case-study format)."""

    id: str
    title: str
    scenario: str


@dataclass(frozen=True)
class Question:
    """One question, its key, and the reason (and AWS page) behind every option.

    ``answer`` is the set of keys: the key of a single-choice question, the keys of a multiple
    response one, every item of an ordering one, the options used by a matching one.
    """

    id: str
    text: str
    options: Mapping[str, str]  # key -> option text, in display order
    answer: frozenset[str]
    explanation: str
    kind: str = "single"
    why: Mapping[str, str] = field(default_factory=dict)  # key -> why this option is right/wrong
    notebook: str = ""  # the notebook that asks it
    task: str = ""  # a key of TASK_4_1
    objective: str = ""
    sequence: tuple[str, ...] = ()  # ordering: the keys in the right order
    prompts: Mapping[str, str] = field(default_factory=dict)  # matching: prompt key -> text, display order
    matches: Mapping[str, str] = field(default_factory=dict)  # matching: prompt key -> option key
    docs: Mapping[str, str] = field(default_factory=dict)  # option key -> the AWS page that settles it
    lesson: str = ""  # "<notebook stem>#<heading>": the section that teaches it
    case: CaseStudy | None = None
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = validate(self)
        if problems:
            raise ValueError(f"question {self.id!r}: " + "; ".join(problems))

    def letter(self, key: str) -> str:
        """The letter a learner sees for option ``key``: its position (A, B, …), not its bank key."""
        return LETTERS[list(self.options).index(key)]

    def prompt_number(self, prompt: str) -> int:
        return list(self.prompts).index(prompt) + 1

    def key_text(self) -> str:
        """The key as a learner reads it: ``B``; ``A, D``; ``C → A → B``; ``1–B, 2–A``."""
        if self.kind == "ordering":
            return " → ".join(self.letter(k) for k in self.sequence)
        if self.kind == "matching":
            return ", ".join(f"{self.prompt_number(p)}–{self.letter(self.matches[p])}" for p in self.prompts)
        return ", ".join(sorted(self.letter(k) for k in self.answer))

    def reordered(self, options: Iterable[str], prompts: Iterable[str] | None = None) -> Question:
        """The same question with its options (and prompts) shown in another order."""
        order = list(options)
        if sorted(order) != sorted(self.options):
            raise ValueError(f"{self.id}: {order} is not an order of the options {list(self.options)}")
        prompt_order = list(self.prompts) if prompts is None else list(prompts)
        return replace(self, options={k: self.options[k] for k in order},
                       prompts={p: self.prompts[p] for p in prompt_order})

    def as_text(self, *, show_answer: bool = False) -> str:
        """The question as plain text, for a static page or a terminal; optionally with its key."""
        lines = [self.text]
        if self.kind == "matching":
            lines += [f"  {i}. {text}" for i, text in enumerate(self.prompts.values(), 1)]
            lines.append("  Match each with one of:")
        elif self.kind == "ordering":
            lines.append("  Put all of these in order:")
        lines += [f"  {self.letter(key)}. {text}" for key, text in self.options.items()]
        if self.kind == "multiple" and "(Select" not in self.text:
            lines.append("  (choose all that apply)")
        if show_answer:
            lines.append(f"  Answer: {self.key_text()}. {self.explanation}")
        return "\n".join(lines)


def lesson_link(lesson: str) -> tuple[str, str]:
    """``("02 · The idea", "02_model_quality_drift.ipynb#The-idea")`` for ``"02_model_quality_drift#The idea"``.

    A lesson in ``notebooks/deeper/`` is written ``"deeper/05_…#heading"``; its label says "(deeper)".

    The anchor is JupyterLab's: the heading's text with spaces replaced by hyphens.
    """
    notebook, _, heading = lesson.partition("#")
    folder, _, stem = notebook.rpartition("/")  # "deeper/05_…": a "Going deeper" notebook
    number = f"{stem[:2]} (deeper)" if folder else stem[:2]
    label = f"{number} · {heading}" if heading else notebook
    return label, f"{notebook}.ipynb" + (f"#{heading.replace(' ', '-')}" if heading else "")


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer, with the reason behind every option.

    ``final`` is False for a first wrong try: then ``as_text`` keeps the key hidden and explains
    only what was chosen, so the learner gets a second try (issue 16: quizzes that teach).
    """

    question_id: str
    correct: bool
    chosen: frozenset[str]
    answer: frozenset[str]
    explanation: str
    why: Mapping[str, str]
    options: Mapping[str, str] = field(default_factory=dict)
    question: Question | None = None
    response: tuple = ()  # ordering: the keys in the chosen order; matching: (prompt, key) pairs
    final: bool = True

    def as_text(self) -> str:
        """✅/❌, then every option with its why (or, on a first wrong try, only what was chosen)."""
        q = self.question or Question(self.question_id, "", dict(self.options), self.answer, self.explanation or "-",
                                      why=self.why)  # fmt: skip
        if not self.final:
            return "\n".join(_second_try_lines(q, self))
        head = "✅ Correct." if self.correct else f"❌ Not quite: the answer is {q.key_text()}."
        lines = [head, *_key_lines(q, self), self.explanation]
        if q.lesson and not self.correct:
            label, href = lesson_link(q.lesson)
            lines.append(f"Revisit: {label} ({href})")
        return "\n".join(lines)


def _doc(q: Question, key: str) -> str:
    return f" ({q.docs[key]})" if key in q.docs else ""


def _reason(q: Question, key: str) -> str:
    return (f" — {q.why[key]}" if key in q.why else "") + _doc(q, key)


def _key_lines(q: Question, f: Feedback) -> list[str]:
    if q.kind == "ordering":
        chosen_at = {k: i for i, k in enumerate(f.response, 1)}
        lines = ["  The right order:"]
        for i, key in enumerate(q.sequence, 1):
            mark = "✓" if chosen_at.get(key) == i else "✗"
            yours = f"  ← you put it {_ordinal(chosen_at[key])}" if key in chosen_at and chosen_at[key] != i else ""
            lines.append(f"  {mark} {i}. {q.letter(key)}. {q.options[key]}{_reason(q, key)}{yours}")
        return lines
    if q.kind == "matching":
        chosen = dict(f.response)
        lines = []
        for prompt, text in q.prompts.items():
            key = q.matches[prompt]
            mark = "✓" if chosen.get(prompt) == key else "✗"
            yours = f"  ← you chose {q.letter(chosen[prompt])}" if chosen.get(prompt, key) != key else ""
            lines.append(f"  {mark} {q.prompt_number(prompt)}. {text} → {q.letter(key)}. {q.options[key]}"
                         f"{_reason(q, key)}{yours}")
        unused = [k for k in q.options if k not in q.answer]
        lines += [f"  · {q.letter(k)}. {q.options[k]} matches none{_reason(q, k)}" for k in unused]
        return lines
    lines = []
    for key, text in q.options.items():
        mark = "✓" if key in q.answer else "✗"
        picked = "  ← your choice" if key in f.chosen else ""
        lines.append(f"  {mark} {q.letter(key)}. {text}{_reason(q, key)}{picked}")
    return lines


def _second_try_lines(q: Question, f: Feedback) -> list[str]:
    again = "One more try before the answer is shown."
    if q.kind == "ordering":
        right = sum(a == b for a, b in zip(f.response, q.sequence))
        return [f"❌ Not yet: {right} of {len(q.sequence)} are in the right place. {again}"]
    if q.kind == "matching":
        chosen = dict(f.response)
        wrong = [str(q.prompt_number(p)) for p in q.prompts if chosen.get(p) != q.matches[p]]
        return [(f"❌ Not yet: {len(q.prompts) - len(wrong)} of {len(q.prompts)} pairs are right "
                f"(check {', '.join(wrong)}). {again}")]
    lines = [f"❌ Not yet. {again}"]
    lines += [f"  ✗ {q.letter(k)}. {q.options[k]}{_reason(q, k)}" for k in q.options if k in f.chosen - q.answer]
    if f.chosen < q.answer:
        lines.append(f"  Every option you chose is right, but the question asks for {len(q.answer)}.")
    return lines


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def validate(question: Question) -> list[str]:
    """Everything wrong with one question (empty when it is well formed)."""
    q, problems = question, []
    if len(q.options) < 2:
        problems.append("needs at least two options")
    if len(q.options) > len(LETTERS):
        problems.append(f"has more than {len(LETTERS)} options")
    if q.kind not in KINDS:
        problems.append(f"kind must be one of {KINDS}")
    if not q.answer:
        problems.append("has no answer key")
    if not set(q.answer) <= set(q.options):
        problems.append(f"answer {sorted(q.answer)} is not among the options {list(q.options)}")
    if q.kind == "single" and len(q.answer) != 1:
        problems.append("a single-choice question needs exactly one key")
    if q.kind == "ordering" and (sorted(q.sequence) != sorted(q.options) or set(q.answer) != set(q.options)):
        problems.append("an ordering question's sequence must list every option once")
    if q.kind == "matching":
        if not q.prompts or set(q.matches) != set(q.prompts):
            problems.append("a matching question needs one match for every prompt")
        elif set(q.matches.values()) != set(q.answer) or not set(q.matches.values()) <= set(q.options):
            problems.append("a matching question's matches must name options")
    if not q.explanation.strip():
        problems.append("has no explanation")
    if q.task and q.task not in TASK_4_1:
        problems.append(f"task {q.task!r} is not a Task 4.1 line ({', '.join(TASK_4_1)})")
    return problems


def check(question: Question, response, *, attempt: int = 1, tries: int = 1) -> Feedback:
    """Grade ``response``: an option key, several keys, an ordered list of keys, or {prompt: key}.

    The feedback is ``final`` (key and every reason shown) when the answer is right or this is the
    last of ``tries`` attempts; a first wrong try of two keeps the key hidden.
    """
    q = question
    chosen, ordered = _normalise(q, response)
    if q.kind == "ordering":
        correct = ordered == q.sequence
    elif q.kind == "matching":
        correct = dict(ordered) == dict(q.matches)
    else:
        correct = chosen == q.answer
    return Feedback(q.id, correct, chosen, q.answer, q.explanation, q.why, q.options, question=q,
                    response=ordered, final=correct or attempt >= tries)  # fmt: skip


def _normalise(q: Question, response) -> tuple[frozenset[str], tuple]:
    if q.kind == "matching":
        if not isinstance(response, Mapping):
            raise ValueError(f"{q.id!r} is a matching question: answer with {{prompt: option key}}")
        unknown = set(response) - set(q.prompts)
        if unknown:
            raise ValueError(f"{sorted(unknown)} is not a prompt of {q.id!r}; prompts are {list(q.prompts)}")
        pairs = tuple((p, str(response[p])) for p in q.prompts if p in response)
        keys = [k for _, k in pairs]
    elif q.kind == "ordering":
        if isinstance(response, (str, Mapping)) or not isinstance(response, Iterable):
            raise ValueError(f"{q.id!r} is an ordering question: answer with the option keys in order")
        keys = [str(k) for k in response]
        pairs = tuple(keys)
    else:
        keys = [response] if isinstance(response, str) else [str(k) for k in response]
        pairs = ()
    unknown = set(keys) - set(q.options)
    if unknown:
        raise ValueError(f"{sorted(unknown)} is not an option of {q.id!r}; options are {list(q.options)}")
    return frozenset(keys), pairs


def score(feedback: Iterable[Feedback]) -> tuple[int, int]:
    """(correct, answered), counting each question's latest final answer only."""
    latest = {f.question_id: f for f in feedback if f.final}
    return sum(f.correct for f in latest.values()), len(latest)


def answer_key(questions: Iterable[Question]) -> str:
    """One line per question: its id, its key (as the learner's letters) and the explanation."""
    return "\n".join(f"{q.id}: {q.key_text()} — {q.explanation}" for q in questions)


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
