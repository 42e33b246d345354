"""A timed mock section: a seeded draw from the bank, answers hidden until the end, a report by Task 4.1 line.

``draw_mock`` picks the questions: one whole case study (its questions stay together, as on the
exam), then standalone questions so that every Task 4.1 line gets a share proportional to its
share of the bank, at least one each. ``MockSection`` records answers without grading them and
closes when ``finish()`` is called or the time is up. The clock is read on every call, so the
deadline holds without any timer callback (they do not fire under nbval or papermill); a
widget may still tick a countdown, but correctness never depends on it.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from labkit.quiz.layout import arrange
from labkit.quiz.questions import TASK_4_1, Feedback, Question, check, lesson_link

__all__ = ["MOCK_MINUTES", "MOCK_QUESTIONS", "MockReport", "MockSection", "draw_mock", "result_text"]

# Issue 17's example: 20 questions in 30 minutes.
MOCK_QUESTIONS = 20
MOCK_MINUTES = 30.0


def draw_mock(bank: Sequence[Question], *, n_questions: int = MOCK_QUESTIONS, seed: int = 0) -> list[Question]:
    """``n_questions`` from ``bank``, by Task 4.1 line, with one case study; options arranged by ``seed``."""
    if n_questions > len(bank):
        raise ValueError(f"the bank holds {len(bank)} questions; cannot draw {n_questions}")
    rng = np.random.default_rng(seed)
    cases: dict[str, list[Question]] = {}
    for q in bank:
        if q.case:
            cases.setdefault(q.case.id, []).append(q)
    fitting = [ids for ids, qs in sorted(cases.items()) if len(qs) <= n_questions // 2]
    case = cases[fitting[int(rng.integers(len(fitting)))]] if fitting else []
    standalone = [q for q in bank if not q.case]
    quotas = _quotas(Counter(q.task for q in bank), n_questions, already=Counter(q.task for q in case))
    picked = []
    for task in TASK_4_1:
        pool = [q for q in standalone if q.task == task]
        picked += [pool[i] for i in sorted(rng.choice(len(pool), size=min(quotas[task], len(pool)), replace=False))]
    spare = [q for q in standalone if q not in picked]  # a line short of questions: fill from the rest
    while len(picked) + len(case) < n_questions:
        picked.append(spare.pop(int(rng.integers(len(spare)))))
    order = [picked[i] for i in rng.permutation(len(picked))]
    at = int(rng.integers(len(order) + 1))
    return arrange([*order[:at], *case, *order[at:]], seed=seed)


def _quotas(bank_counts: Counter, n: int, *, already: Counter) -> dict[str, int]:
    """Largest-remainder shares of ``n`` by the bank's questions per line, at least one per line."""
    ideal = {t: n * bank_counts[t] / sum(bank_counts.values()) for t in TASK_4_1}
    want = {t: max(1, math.floor(ideal[t])) for t in TASK_4_1}
    for t in sorted(TASK_4_1, key=lambda t: ideal[t] - math.floor(ideal[t]), reverse=True):
        if sum(want.values()) >= n:
            break
        want[t] += 1
    need = {t: max(0, want[t] - already[t]) for t in TASK_4_1}
    while sum(need.values()) > n - sum(already.values()):  # the case study covered more than its share
        need[max(need, key=lambda t: (need[t], t))] -= 1
    return need


@dataclass(frozen=True)
class MockReport:
    """A finished mock section: every question with its feedback (None if unanswered), and the time used."""

    results: tuple[tuple[Question, Feedback | None], ...]
    seconds_used: float
    minutes: float
    timed_out: bool

    @property
    def score(self) -> tuple[int, int]:
        """(correct, asked); an unanswered question counts as wrong, as on the exam."""
        return sum(bool(f and f.correct) for _, f in self.results), len(self.results)

    def by_task(self) -> list[dict]:
        """One row per Task 4.1 line asked: correct, asked, and the lesson sections to revisit."""
        rows = []
        for task, line in TASK_4_1.items():
            asked = [(q, f) for q, f in self.results if q.task == task]
            if not asked:
                continue
            missed = dict.fromkeys(q.lesson for q, f in asked if not (f and f.correct) and q.lesson)
            rows.append({"task": task, "line": line, "correct": sum(bool(f and f.correct) for _, f in asked),
                         "asked": len(asked), "revisit": [lesson_link(lesson) for lesson in missed]})
        return rows

    def to_frame(self):
        """The report by Task 4.1 line as a DataFrame (revisit as section labels)."""
        import pandas as pd

        rows = [{**r, "revisit": "; ".join(label for label, _ in r["revisit"]) or "–"} for r in self.by_task()]
        return pd.DataFrame(rows, columns=["task", "line", "correct", "asked", "revisit"])

    def headline(self) -> str:
        correct, asked = self.score
        ended = "time ran out" if self.timed_out else "finished"
        used = f"{self.seconds_used / 60:.0f} of {self.minutes:.0f} minutes"
        return f"Score: {correct} / {asked} ({correct / asked:.0%}); {ended} after {used}."

    def as_text(self) -> str:
        lines = [self.headline(), ""]
        for r in self.by_task():
            revisit = "; ".join(f"{label} ({href})" for label, href in r["revisit"])
            lines.append(f"{r['task']}  {r['correct']}/{r['asked']}  {r['line']}" + (f"\n    revisit: {revisit}" if revisit else ""))
        return "\n".join(lines)

    def as_markdown(self) -> str:
        """The report as a Markdown table whose links open the lesson sections."""
        lines = [f"**{self.headline()}**", "", "| Task 4.1 line | correct | revisit |", "|---|---|---|"]
        for r in self.by_task():
            revisit = ", ".join(f"[{label}]({href})" for label, href in r["revisit"]) or "–"
            lines.append(f"| {r['task']} · {r['line']} | {r['correct']} / {r['asked']} | {revisit} |")
        return "\n".join(lines)

    def review(self) -> str:
        """Every question with the learner's answer, the key and every reason."""
        return "\n\n".join(f"Q{i}. {q.as_text()}\n{result_text(q, f)}" for i, (q, f) in enumerate(self.results, 1))


def result_text(question: Question, feedback: Feedback | None) -> str:
    """The feedback on one mock answer, or the key and every reason when it was left unanswered."""
    if feedback is not None:
        return feedback.as_text()
    unanswered = check(question, {} if question.kind == "matching" else []).as_text()
    return unanswered.replace("❌ Not quite:", "⏺ Not answered:", 1)


@dataclass
class MockSection:
    """A timed set of questions: answers are recorded, never graded, until the section closes."""

    questions: Sequence[Question]
    minutes: float = MOCK_MINUTES
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=None)  # type: ignore[assignment]  # clock() at construction
    responses: dict = field(default_factory=dict)
    closed_at: float | None = None

    def __post_init__(self) -> None:
        if not self.questions or len({q.id for q in self.questions}) != len(self.questions):
            raise ValueError("a mock section needs questions with unique ids")
        if self.minutes <= 0:
            raise ValueError(f"minutes must be positive, not {self.minutes}")
        self.started = self.clock() if self.started is None else self.started
        self._by_id = {q.id: q for q in self.questions}

    @property
    def deadline(self) -> float:
        return self.started + self.minutes * 60

    @property
    def is_over(self) -> bool:
        """Finished, or out of time (which closes the section at the deadline)."""
        if self.closed_at is None and self.clock() >= self.deadline:
            self.closed_at = self.deadline
        return self.closed_at is not None

    def seconds_left(self) -> float:
        return 0.0 if self.is_over else self.deadline - self.clock()

    def answer(self, question_id: str, response) -> None:
        """Record (or change) an answer; refused once the section is over."""
        if self.is_over:
            raise ValueError("the mock section is over: answers are locked")
        if question_id not in self._by_id:
            raise KeyError(f"{question_id!r} is not in this mock section")
        check(self._by_id[question_id], response)  # refuses keys the question does not have
        self.responses[question_id] = response

    def withdraw(self, question_id: str) -> None:
        """Take back an answer (the learner cleared it); refused once the section is over."""
        if self.is_over:
            raise ValueError("the mock section is over: answers are locked")
        self.responses.pop(question_id, None)

    def finish(self) -> MockReport:
        """Close the section (if still open) and grade it."""
        if not self.is_over:
            self.closed_at = self.clock()
        return self.report()

    def report(self) -> MockReport:
        if not self.is_over:
            raise ValueError("the report comes at the end: call finish() or wait for the time to run out")
        results = tuple((q, check(q, self.responses[q.id]) if q.id in self.responses else None) for q in self.questions)
        timed_out = self.closed_at >= self.deadline
        return MockReport(results, min(self.closed_at, self.deadline) - self.started, self.minutes, timed_out)
