"""``QuizApp`` (checkpoints with a second try) and ``MockExamApp`` (a timed mock section), over ``labkit.quiz``.

Both are thin: every grade comes from ``quiz.check``, every option order from ``quiz.arrange``
(seeded; single-choice keys spread evenly over A–D), the mock's clock and lock from
``quiz.MockSection``. Both are driven from Python with the bank's option keys — the letters a
learner sees are positions, so a test answers ``app.answer("dq-ground-truth", "b")`` whatever
the seed. Notebooks never call ``answer``: Run All leaves every question open.

``QuizApp`` grades a single-choice question as soon as an option is picked, the other formats on
*Check*. A wrong first answer explains only what was chosen; the second (or *Show answer*) gives
the key and the reason behind every option. With ``use_widgets=False``, or without ipywidgets,
both display as plain text; ``as_text(show_answers=True)`` adds the keys, for a facilitator.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable, Sequence

from labkit import quiz

__all__ = ["MockExamApp", "QuizApp"]


class QuizApp:
    """A list of questions in the learner's seeded order, each with Check and Show answer, and a score."""

    def __init__(self, questions: Sequence[quiz.Question], *, use_widgets: bool = True, seed: int = 0,
                 tries: int = quiz.TRIES) -> None:  # fmt: skip
        if not questions:
            raise ValueError("a quiz needs at least one question")
        arranged = quiz.arrange(questions, seed=seed)
        self.questions = {q.id: q for q in arranged}
        if len(self.questions) != len(questions):
            raise ValueError("question ids in a quiz must be unique")
        self.use_widgets = use_widgets and _widgets_available()
        self.tries = tries
        self.feedback: dict[str, quiz.Feedback] = {}  # the first final feedback of each question: the score
        self.attempts: dict[str, int] = {}
        self.closed: set[str] = set()  # key shown: later answers are explained but not scored
        self._rows = {q.id: _QuestionRow(q, on_pick=self._pick if q.kind == "single" else None,
                                         buttons={"Check": self._submit, "Show answer": self.reveal})
                      for q in arranged} if self.use_widgets else {}  # fmt: skip
        self._score = None

    @classmethod
    def for_notebook(cls, notebook: str, *, extra: Iterable[quiz.Question] = (), use_widgets: bool = True,
                     seed: int = 0) -> QuizApp:  # fmt: skip
        """The bank's questions tagged with ``notebook``, followed by any artifact-graded ones."""
        return cls([*quiz.load_questions(notebook), *extra], use_widgets=use_widgets, seed=seed)

    def answer(self, question_id: str, choice) -> quiz.Feedback:
        """Grade an answer (bank keys), count it once it is final, and show the feedback."""
        question = self.questions[question_id]
        if question_id in self.closed:
            feedback = quiz.check(question, choice)
        else:
            self.attempts[question_id] = self.attempts.get(question_id, 0) + 1
            feedback = quiz.check(question, choice, attempt=self.attempts[question_id], tries=self.tries)
            if feedback.final:
                self.feedback[question_id] = feedback
                self.closed.add(question_id)
        if question_id in self._rows:
            self._rows[question_id].show(feedback.as_text(), correct=feedback.correct if feedback.final else False)
        self._update_score()
        return feedback

    def reveal(self, question_id: str) -> str:
        """The key of one question with the reason behind every option; it then no longer scores."""
        question = self.questions[question_id]
        every_option = quiz.Feedback(question.id, True, frozenset(), question.answer, question.explanation,
                                     question.why, question.options, question=question).as_text().splitlines()[1:]
        text = "\n".join([f"Answer: {question.key_text()}", *every_option])
        self.closed.add(question_id)
        if question_id in self._rows:
            self._rows[question_id].show(text, correct=None)
        return text

    @property
    def score(self) -> tuple[int, int]:
        """(correct, answered): each question's first final answer counts once."""
        return quiz.score(self.feedback.values())

    def score_text(self) -> str:
        correct, answered = self.score
        return f"Score: {correct} / {len(self.questions)} ({answered} answered)"

    def as_text(self, *, show_answers: bool = False) -> str:
        """Every question as plain text (a static page, a terminal); with ``show_answers`` the keys too."""
        return _questions_text(self.questions.values(), show_answers=show_answers)

    def widget(self):
        import ipywidgets as widgets

        self._score = widgets.HTML()
        self._update_score()
        return widgets.VBox([*_with_case_headers(self._rows.values()), self._score])

    def _pick(self, question_id: str) -> None:
        if self._rows[question_id].is_complete():  # a single choice is graded as soon as it is picked
            self.answer(question_id, self._rows[question_id].value)

    def _submit(self, question_id: str) -> None:
        row = self._rows[question_id]
        if not row.is_complete():
            row.show(row.incomplete_hint(), correct=None)
            return
        self.answer(question_id, row.value)

    def _update_score(self) -> None:
        if self._score is not None:
            self._score.value = f"<b>{html.escape(self.score_text())}</b>"

    def _ipython_display_(self) -> None:
        _display(self, self.as_text())


class MockExamApp:
    """A timed mock section: pick answers, change them, see nothing until Finish or the time runs out."""

    def __init__(self, questions: Sequence[quiz.Question], *, minutes: float = quiz.MOCK_MINUTES,
                 use_widgets: bool = True, clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.section = quiz.MockSection(list(questions), minutes=minutes, clock=clock)
        self.questions = {q.id: q for q in self.section.questions}
        self.use_widgets = use_widgets and _widgets_available()
        self._rows = {q.id: _QuestionRow(q, on_pick=self._record) for q in self.questions.values()} \
            if self.use_widgets else {}  # fmt: skip
        self._status = self._output = None
        self._closed = False

    @classmethod
    def draw(cls, bank: Sequence[quiz.Question] | None = None, *, n_questions: int = quiz.MOCK_QUESTIONS,
             minutes: float = quiz.MOCK_MINUTES, seed: int = 0, use_widgets: bool = True,
             clock: Callable[[], float] = time.monotonic) -> MockExamApp:  # fmt: skip
        """A seeded draw from the exam bank (``quiz.draw_mock``), timed from now."""
        bank = quiz.load_questions(quiz.EXAM_NOTEBOOK) if bank is None else bank
        return cls(quiz.draw_mock(bank, n_questions=n_questions, seed=seed), minutes=minutes,
                   use_widgets=use_widgets, clock=clock)  # fmt: skip

    def answer(self, question_id: str, choice) -> None:
        """Record an answer (bank keys); no feedback until the end. Refused once the section is over."""
        try:
            self.section.answer(question_id, choice)
        finally:
            self._refresh()

    def finish(self) -> quiz.MockReport:
        """End the section now and show the report."""
        report = self.section.finish()
        self._refresh()
        return report

    @property
    def report(self) -> quiz.MockReport | None:
        """The report once the section is over (finished or out of time), else None."""
        return self.section.report() if self.section.is_over else None

    def status_text(self) -> str:
        if self.section.is_over:
            return self.section.report().headline()
        left = int(self.section.seconds_left())
        return (f"{len(self.section.responses)} of {len(self.questions)} answered · {left // 60}:{left % 60:02d} "
                "left · answers are hidden until you finish")  # fmt: skip

    def as_text(self) -> str:
        head = (f"Mock section: {len(self.questions)} questions in {self.section.minutes:g} minutes. Answers stay "
                "hidden until you finish; then a score by Task 4.1 line links to the sections to revisit.")
        return head + "\n\n" + _questions_text(self.questions.values())

    def widget(self):
        import ipywidgets as widgets

        self._status, self._output = widgets.HTML(), widgets.Output()
        finish = widgets.Button(description="Finish and score", button_style="primary")
        finish.on_click(lambda _: self._finish_quietly())
        ticker = widgets.Play(value=0, min=0, max=int(self.section.minutes * 60) + 1, interval=1000,
                              layout=widgets.Layout(display="none"))  # fmt: skip
        ticker.playing = True  # the browser ticks the countdown; the deadline itself is read from the clock
        ticker.observe(lambda _: self._refresh(), names="value")
        self._refresh()
        return widgets.VBox([*_with_case_headers(self._rows.values()), self._status, finish, self._output, ticker])

    def _record(self, question_id: str) -> None:
        row = self._rows[question_id]
        if not self.section.is_over:
            if row.is_complete():
                self.answer(question_id, row.value)
            else:
                self.section.withdraw(question_id)
        self._refresh()

    def _finish_quietly(self) -> None:
        if not self.section.is_over:
            self.finish()

    def _refresh(self) -> None:
        if self._status is not None:
            self._status.value = f"<b>{html.escape(self.status_text())}</b>"
        if self.section.is_over and not self._closed and self.use_widgets:
            self._closed = True
            for (q, feedback), row in zip(self.section.report().results, self._rows.values()):
                row.lock()
                row.show(quiz.result_text(q, feedback), correct=bool(feedback and feedback.correct))
            if self._output is not None:  # Markdown, so JupyterLab opens the lesson links in the lab
                from IPython.display import Markdown

                self._output.append_display_data(Markdown(self.section.report().as_markdown()))

    def _ipython_display_(self) -> None:
        _display(self, self.as_text())


def _display(app, text: str) -> None:
    from IPython.display import display

    if app.use_widgets:
        display(app.widget())
    else:
        print(text)


def _questions_text(questions: Iterable[quiz.Question], *, show_answers: bool = False) -> str:
    blocks, case = [], None
    for i, q in enumerate(questions, 1):
        if q.case and q.case != case:
            blocks.append(f"Case study · {q.case.title}\n{q.case.scenario}")
        case = q.case
        blocks.append(f"Q{i}. {q.as_text(show_answer=show_answers)}")
    return "\n\n".join(blocks)


def _with_case_headers(rows: Iterable[_QuestionRow]) -> list:
    import ipywidgets as widgets

    boxes, case = [], None
    for row in rows:
        if row.question.case and row.question.case != case:
            c = row.question.case
            boxes.append(widgets.HTML(f"<div style='border-left:4px solid #888;padding-left:8px'><b>Case study · "
                                      f"{html.escape(c.title)}</b><br>{html.escape(c.scenario)}</div>"))
        case = row.question.case
        boxes.append(row.box)
    return boxes


def _widgets_available() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


_URL = re.compile(r"(https://[^\s)&]+)")


def _html(text: str) -> str:
    """Escaped text, one line per line, with AWS links clickable."""
    lines = (_URL.sub(r'<a href="\1" target="_blank">\1</a>', html.escape(line)) for line in text.splitlines())
    return "<br>".join(lines)


class _QuestionRow:
    """The widgets of one question: its input (radio, checkboxes or dropdowns), buttons and feedback.

    ``value`` reads and sets the answer in bank keys, whatever the format, so apps and tests drive
    every format the same way.
    """

    def __init__(self, question: quiz.Question, *, on_pick: Callable[[str], None] | None = None,
                 buttons: dict[str, Callable[[str], None]] | None = None) -> None:  # fmt: skip
        import ipywidgets as widgets

        self.question = q = question
        label = {k: f"{q.letter(k)}. {t}" for k, t in q.options.items()}
        layout = widgets.Layout(width="auto")
        if q.kind == "single":
            self.inputs = [widgets.RadioButtons(options=[(label[k], k) for k in q.options], value=None, layout=layout)]
        elif q.kind == "multiple":
            self.inputs = [widgets.Checkbox(description=label[k], value=False, indent=False, layout=layout) for k in q.options]
        else:
            slots = ([f"{i}." for i in range(1, len(q.options) + 1)] if q.kind == "ordering"
                     else [f"{q.prompt_number(p)}. {t}" for p, t in q.prompts.items()])  # fmt: skip
            self.inputs = [widgets.Dropdown(options=[("—", None), *[(label[k], k) for k in q.options]], value=None,
                                            description=slot, style={"description_width": "initial"}, layout=layout)
                           for slot in slots]  # fmt: skip
        if on_pick is not None:
            for box in self.inputs:
                box.observe(lambda _: on_pick(q.id), names="value")
        self.feedback = widgets.HTML()
        controls = []
        for description, action in (buttons or {}).items():
            button = widgets.Button(description=description, button_style="primary" if description == "Check" else "")
            button.on_click(lambda _, act=action: act(q.id))
            controls.append(button)
        hint = {"multiple": "", "ordering": " (put all of them in order)", "matching": " (match every prompt)"}.get(q.kind, "")
        if q.kind == "multiple" and "(Select" not in q.text:
            hint = " (choose all that apply)"
        self.box = widgets.VBox([widgets.HTML(f"<b>{html.escape(q.text)}</b>{hint}"), widgets.VBox(self.inputs),
                                 widgets.HBox(controls), self.feedback])  # fmt: skip

    @property
    def value(self):
        q = self.question
        if q.kind == "single":
            return self.inputs[0].value
        if q.kind == "multiple":
            return tuple(k for k, box in zip(q.options, self.inputs) if box.value)
        chosen = [box.value for box in self.inputs]
        return tuple(chosen) if q.kind == "ordering" else {p: k for p, k in zip(q.prompts, chosen) if k is not None}

    @value.setter
    def value(self, answer) -> None:
        q = self.question
        if q.kind == "single":
            self.inputs[0].value = answer
        elif q.kind == "multiple":
            for key, box in zip(q.options, self.inputs):
                box.value = key in set(answer)
        else:
            keys = list(answer) if q.kind == "ordering" else [answer.get(p) for p in q.prompts]
            for key, box in zip(keys, self.inputs):
                box.value = key

    def is_complete(self) -> bool:
        value, q = self.value, self.question
        if q.kind == "ordering":
            return None not in value
        if q.kind == "matching":
            return len(value) == len(q.prompts)
        return bool(value)

    def incomplete_hint(self) -> str:
        return {"ordering": "Place every item first.", "matching": "Match every prompt first."}.get(
            self.question.kind, "Choose an option first.")

    def lock(self) -> None:
        for box in self.inputs:
            box.disabled = True

    def show(self, text: str, *, correct: bool | None = None) -> None:
        colour = {True: "#1a7f37", False: "#cf222e", None: "inherit"}[correct]
        self.feedback.value = f'<div style="color:{colour}">{_html(text)}</div>'
