"""``QuizApp``: checkpoint questions with instant feedback, a score and a "Show answer" button.

A thin layer over ``labkit.quiz``: every grade comes from ``quiz.check``. It can be answered from
Python (``app.answer("dq-ground-truth", "b")``), which is how the notebooks' ``# Check:`` cells
and the tests drive it. A single-choice question is graded as soon as an option is picked; a
multiple-choice one when *Check* is pressed. The feedback gives the reason behind every option.
With ``use_widgets=False``, or when ipywidgets cannot be imported, the quiz displays as plain
text; ``as_text(show_answers=True)`` adds the key, for a facilitator's copy.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from labkit import quiz

__all__ = ["QuizApp"]


class QuizApp:
    """A list of questions, each with its choices, a Check and a Show answer button, and a score."""

    def __init__(self, questions: Sequence[quiz.Question], *, use_widgets: bool = True) -> None:
        if not questions:
            raise ValueError("a quiz needs at least one question")
        self.questions = {q.id: q for q in questions}
        if len(self.questions) != len(questions):
            raise ValueError("question ids in a quiz must be unique")
        self.use_widgets = use_widgets and _widgets_available()
        self.feedback: dict[str, quiz.Feedback] = {}
        self._rows = {q.id: _QuestionRow(q, self) for q in questions} if self.use_widgets else {}
        self._score = None

    @classmethod
    def for_notebook(cls, notebook: str, *, extra: Iterable[quiz.Question] = (), use_widgets: bool = True) -> QuizApp:
        """The bank's questions tagged with ``notebook``, followed by any artifact-graded ones."""
        return cls([*quiz.load_questions(notebook), *extra], use_widgets=use_widgets)

    def answer(self, question_id: str, choice: str | Iterable[str]) -> quiz.Feedback:
        """Grade an answer, remember it for the score, and show the feedback."""
        feedback = quiz.check(self.questions[question_id], choice)
        self.feedback[question_id] = feedback
        if question_id in self._rows:
            self._rows[question_id].show(feedback.as_text(), correct=feedback.correct)
        self._update_score()
        return feedback

    def reveal(self, question_id: str) -> str:
        """The key of one question with the reason behind every option (not counted in the score)."""
        question = self.questions[question_id]
        every_option = quiz.Feedback(question.id, True, frozenset(), question.answer, question.explanation,
                                     question.why, question.options).as_text().splitlines()[1:]
        text = "\n".join(["Answer: " + ", ".join(f"({k})" for k in sorted(question.answer)), *every_option])
        if question_id in self._rows:
            self._rows[question_id].show(text, correct=None)
        return text

    @property
    def score(self) -> tuple[int, int]:
        """(correct, answered), each question's latest answer counting once."""
        return quiz.score(self.feedback.values())

    def score_text(self) -> str:
        correct, answered = self.score
        return f"Score: {correct} / {len(self.questions)} ({answered} answered)"

    def as_text(self, *, show_answers: bool = False) -> str:
        """Every question as plain text (a static page, a terminal); with ``show_answers`` the keys too."""
        blocks = [f"Q{i}. {q.as_text(show_answer=show_answers)}" for i, q in enumerate(self.questions.values(), 1)]
        return "\n\n".join(blocks)

    def widget(self):
        import ipywidgets as widgets

        self._score = widgets.HTML()
        self._update_score()
        return widgets.VBox([row.box for row in self._rows.values()] + [self._score])

    def _update_score(self) -> None:
        if self._score is not None:
            self._score.value = f"<b>{html.escape(self.score_text())}</b>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if self.use_widgets:
            display(self.widget())
        else:
            print(self.as_text())


def _widgets_available() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


class _QuestionRow:
    """The widgets of one question: choices, Check, Show answer, and the feedback."""

    def __init__(self, question: quiz.Question, app: QuizApp) -> None:
        import ipywidgets as widgets

        self.question = question
        labels = [(f"({k}) {text}", k) for k, text in question.options.items()]
        layout = widgets.Layout(width="auto")
        if question.kind == "single":
            self.choice = widgets.RadioButtons(options=labels, value=None, layout=layout)
            self.choice.observe(lambda change: self._check(app) if change["new"] is not None else None, names="value")
        else:
            self.choice = widgets.SelectMultiple(options=labels, rows=len(labels), layout=layout)
        check = widgets.Button(description="Check", button_style="primary")
        reveal = widgets.Button(description="Show answer")
        self.feedback = widgets.HTML()
        check.on_click(lambda _: self._check(app))
        reveal.on_click(lambda _: app.reveal(question.id))
        hint = " (choose all that apply)" if question.kind == "multiple" else ""
        self.box = widgets.VBox(
            [widgets.HTML(f"<b>{html.escape(question.text)}</b>{hint}"), self.choice,
             widgets.HBox([check, reveal]), self.feedback]
        )

    def _check(self, app: QuizApp) -> None:
        value = self.choice.value
        if value is None or value == ():
            self.show("Choose an option first.", correct=None)
            return
        app.answer(self.question.id, value)

    def show(self, text: str, *, correct: bool | None = None) -> None:
        colour = {True: "#1a7f37", False: "#cf222e", None: "inherit"}[correct]
        lines = "<br>".join(html.escape(line) for line in text.splitlines())
        self.feedback.value = f'<div style="color:{colour}">{lines}</div>'
