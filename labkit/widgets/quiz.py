"""``QuizApp``: checkpoint questions with instant feedback, a score and a "show answer" button.

A thin layer over ``labkit.quiz``: every grade comes from ``quiz.check``. It can be answered from
Python (``app.answer("dq-ground-truth", "b")``), which is how the notebooks' ``# Check:`` cells
and the tests drive it; with ``use_widgets=False`` it prints the questions as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from labkit import quiz

__all__ = ["QuizApp"]


class QuizApp:
    """A list of questions, each with its choices, a Check and a Show answer button."""

    def __init__(self, questions: Sequence[quiz.Question], *, use_widgets: bool = True) -> None:
        if not questions:
            raise ValueError("a quiz needs at least one question")
        self.questions = {q.id: q for q in questions}
        self.use_widgets = use_widgets
        self.feedback: dict[str, quiz.Feedback] = {}
        self._rows = {q.id: _QuestionRow(q, self) for q in questions} if use_widgets else {}
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
            self._rows[question_id].show(feedback.as_text())
        self._update_score()
        return feedback

    @property
    def score(self) -> tuple[int, int]:
        """(correct, answered)."""
        return quiz.score(self.feedback.values())

    def as_text(self) -> str:
        blocks = [f"Q{i}. {q.as_text()}" for i, q in enumerate(self.questions.values(), 1)]
        return "\n\n".join(blocks)

    def widget(self):
        import ipywidgets as widgets

        self._score = widgets.HTML()
        self._update_score()
        return widgets.VBox([row.box for row in self._rows.values()] + [self._score])

    def _update_score(self) -> None:
        if self._score is not None:
            correct, answered = self.score
            self._score.value = f"<b>Score: {correct} / {len(self.questions)}</b> ({answered} answered)"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        if self.use_widgets:
            display(self.widget())
        else:
            print(self.as_text())


class _QuestionRow:
    """The widgets of one question."""

    def __init__(self, question: quiz.Question, app: QuizApp) -> None:
        import ipywidgets as widgets

        self.question = question
        labels = [(f"({k}) {text}", k) for k, text in question.options.items()]
        if question.kind == "single":
            self.choice = widgets.RadioButtons(options=labels, value=None, layout=widgets.Layout(width="auto"))
        else:
            self.choice = widgets.SelectMultiple(options=labels, rows=len(labels), layout=widgets.Layout(width="auto"))
        check = widgets.Button(description="Check", button_style="primary")
        reveal = widgets.Button(description="Show answer")
        self.feedback = widgets.HTML()
        check.on_click(lambda _: self._check(app))
        reveal.on_click(lambda _: self.show(f"Answer: {', '.join(sorted(question.answer))}. {question.explanation}"))
        self.box = widgets.VBox(
            [widgets.HTML(f"<b>{question.text}</b>"), self.choice, widgets.HBox([check, reveal]), self.feedback]
        )

    def _check(self, app: QuizApp) -> None:
        value = self.choice.value
        if value is None or value == ():
            self.show("Choose an option first.")
            return
        app.answer(self.question.id, value)

    def show(self, text: str) -> None:
        self.feedback.value = "<br>".join(line.replace("<", "&lt;") for line in text.splitlines())
