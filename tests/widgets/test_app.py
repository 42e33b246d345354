"""The WidgetApp wiring, and notebook 00's playground, driven from Python."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from labkit.widgets.app import WidgetApp
from labkit.widgets.quiz import QuizApp
from labkit.widgets.start_here import MeanShiftApp, preview_mean_shift


class _Doubler(WidgetApp):
    def __init__(self):
        self.controls = {"x": widgets.IntSlider(value=1, min=-5, max=5)}
        self.calls = 0
        super().__init__(use_widgets=False)

    def compute(self, x):
        self.calls += 1
        if x < 0:
            raise ValueError("x must not be negative")
        return 2 * x

    def draw(self, ax, result):
        ax.bar([0], [result])


def test_app_is_computed_on_construction_and_follows_its_controls():
    app = _Doubler()
    assert app.result == 2 and app.calls == 1 and app.png().startswith(b"\x89PNG")
    app.controls["x"].value = 4
    assert app.result == 8


def test_set_recomputes_once():
    app = _Doubler()
    app.set(x=3)
    assert app.result == 6 and app.calls == 2


def test_a_failing_compute_shows_in_the_status_and_keeps_the_last_result():
    app = _Doubler()
    app.controls["x"].value = -1
    assert app.result == 2 and "x must not be negative" in app.status
    with pytest.raises(ValueError):
        app.set(x=-2)


def test_mean_shift_app(credit):
    app = MeanShiftApp(credit, use_widgets=False)
    app.set(feature="age", shift_sd=-2.0)
    assert app.result.mean_change_sd == pytest.approx(-2.0, abs=0.25)  # sampling error of 1,000 rows
    assert preview_mean_shift(credit, "age", -2.0).mean_change_sd == app.result.mean_change_sd


@pytest.mark.parametrize("shift", [-3.0, 0.0, 3.0])
def test_mean_shift_app_extremes(credit, shift):
    app = MeanShiftApp(credit, use_widgets=False)
    for feature in credit.numeric_features:
        app.set(feature=feature, shift_sd=shift)
        assert app.error is None


def test_quiz_app_answers_from_python():
    app = QuizApp.for_notebook("00_start_here", use_widgets=True)
    app.widget()
    key = sorted(app.questions["start-where-results"].answer)[0]  # the bank's key, wherever it is shuffled
    assert app.answer("start-where-results", key).correct
    assert app.score == (1, 1)
    assert "start-ground-truth" in app.as_text() or "ground-truth" in app.as_text()
