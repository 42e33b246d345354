"""What an exercise is, the verdict on an answer, and the pieces every checker grades with.

``Exercise.check`` turns a learner's answer into a ``Feedback``: unanswered (``...`` or None) gives
guidance, an answer of the wrong kind is graded, not raised. The checkers of each lesson
(``labkit.exercises.start_here`` … ``model_explainability``) build their verdicts with ``right``,
``wrong``, ``number``, ``names`` and ``first_on_grid`` from here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "CORRECT", "INCORRECT", "ROUNDED_3DP", "ROUNDED_4DP", "UNANSWERED", "Exercise", "Feedback",
    "first_on_grid", "names", "number", "right", "wrong",
]  # fmt: skip

CORRECT, INCORRECT, UNANSWERED = "correct", "incorrect", "unanswered"
ROUNDED_3DP = 5e-4  # an answer rounded to three decimals still passes
ROUNDED_4DP = 5e-5  # … to four decimals


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: correct, incorrect (with a hint) or unanswered (with guidance)."""

    exercise_id: str
    status: str  # CORRECT, INCORRECT or UNANSWERED
    message: str
    hint: str = ""

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def as_text(self) -> str:
        head = {CORRECT: "✅ Correct", INCORRECT: "❌ Not quite", UNANSWERED: "✏️ Not answered yet"}
        text = f"{head[self.status]} ({self.exercise_id}). {self.message}"
        return f"{text}\nHint: {self.hint}" if self.hint else text


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it lives, what it asks, and the checker that grades an answer."""

    id: str
    notebook: str  # a notebook stem, e.g. "01_data_quality_drift"
    title: str
    prompt: str  # one sentence; the notebook's markdown cell states the task in full
    expects: str  # the answer's form, e.g. "a float"
    context: tuple[str, ...]  # the notebook objects the checker (and the solution) take, by keyword
    checker: Callable[..., Feedback]
    params: Mapping[str, Any] = field(default_factory=dict)  # the task's fixed numbers

    def check(self, answer: Any, **context: Any) -> Feedback:
        """Grade ``answer``; unanswered (``...`` or None) gives guidance, never an exception."""
        missing = [name for name in self.context if name not in context]
        if missing:
            raise TypeError(f"exercise {self.id!r} needs the notebook objects {missing} by keyword")
        if answer is None or answer is Ellipsis:
            guidance = f"Replace `...` after `answer =` with {self.expects}, then run the check again."
            return Feedback(self.id, UNANSWERED, f"{self.prompt} {guidance}")
        try:
            feedback = self.checker(answer, **self.params, **{n: context[n] for n in self.context})
        except (TypeError, ValueError, KeyError) as error:
            feedback = wrong(
                f"Could not read {answer!r} ({error}).", f"Answer with {self.expects}."
            )
        return replace(feedback, exercise_id=self.id)


def right(message: str) -> Feedback:
    return Feedback("", CORRECT, message)


def wrong(message: str, hint: str = "") -> Feedback:
    return Feedback("", INCORRECT, message, hint)


def number(answer: Any) -> float:
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        raise TypeError(f"expected a number, got {type(answer).__name__}")
    return float(answer)


def names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "nothing"


def first_on_grid(
    answer: Any, step: float, happens: Callable[[float], bool], what: str
) -> Feedback | None:
    """None when ``answer`` is the smallest of 0, step … 1 where ``what`` happens; else what is wrong."""
    value = number(answer)
    k = round(value / step)
    if not math.isclose(value, k * step, abs_tol=1e-9) or not 0 <= k * step <= 1 + 1e-9:
        return wrong(
            f"{answer!r} is not on the grid 0, {step:g}, … 1.",
            f"Answer with a multiple of {step:g}.",
        )
    if any(happens(round(j * step, 10)) for j in range(k)):
        return wrong(
            f"{what[:1].upper()}{what[1:]} already below {value:g}.",
            "Search upwards from 0: the first grid value counts.",
        )
    if not happens(round(k * step, 10)):
        return wrong(
            f"Not yet at {value:g}.",
            f"Look at larger values for where {what}.",
        )
    return None
