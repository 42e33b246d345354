"""The WidgetApp wiring, and notebook 00's playground, driven from Python."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from labkit import plots
from labkit.widgets import discover_apps
from labkit.widgets.app import WidgetApp
from labkit.widgets.quiz import QuizApp
from labkit.widgets.start_here import MeanShiftApp, preview_mean_shift

APP_NAMES = list(discover_apps())


def values_through(control, count):
    """``count`` values spread over a slider's range, its current value excluded."""
    steps = round((control.max - control.min) / control.step) if hasattr(control, "step") else 0
    if not steps:  # a SelectionSlider: its options
        return [o for o in control.options if o != control.value][:count]
    values = [control.min + round(i * steps / count) * control.step for i in range(1, count + 1)]
    return [v for v in values if v != control.value][:count]


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


class _Counter(WidgetApp):
    """A bar that ``update`` moves while it stays under the axis limit of 10."""

    def __init__(self):
        self.controls = {"x": widgets.IntSlider(value=1, min=0, max=20)}
        super().__init__(use_widgets=False)

    def compute(self, x):
        return x

    def draw(self, ax, result):
        ax.set_ylim(0, 10)
        (self.bar,) = ax.bar([0], [result])
        self.live(self.bar)

    def update(self, result):
        if result > 10:
            return False
        self.bar.set_height(result)
        return True


def _pixels(png: bytes):
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def _share_of_pixels_apart(a: bytes, b: bytes) -> float:
    left, right = _pixels(a), _pixels(b)
    assert left.shape == right.shape
    return float((abs(left - right).max(axis=2) > 40).mean())


def test_a_change_the_view_can_show_is_blitted_and_others_are_drawn_anew():
    app = _Counter()
    assert app.full_redraws == 1
    app.set(x=7)
    assert app.full_redraws == 1 and app.bar.get_height() == 7  # moved, not redrawn
    app.set(x=15)
    assert app.full_redraws == 2  # past the axis: drawn anew
    assert _share_of_pixels_apart(app.png(), plots.figure_png(app.figure)) == 0


@pytest.mark.parametrize("any_app", APP_NAMES, indirect=True)
def test_what_an_app_shows_is_its_whole_figure(any_app):
    """Blitting draws the moved artists over a cached background: the PNG shown must still be
    the figure a full render gives (nothing missing, nothing stale, nothing drawn over)."""
    sliders = [n for n, c in any_app.controls.items() if "Slider" in type(c).__name__ and "window" not in n]
    live = [n for n in sliders if any_app.run_button is None or n in any_app.live_controls]
    control = (live or sliders)[0]  # one that answers at once; else what Run recomputes
    before = any_app.full_redraws
    for value in values_through(any_app.controls[control], 3):
        any_app.set(**{control: value})
        # a few pixels of antialiasing differ where a moved artist's edge meets the background
        assert _share_of_pixels_apart(any_app.png(), plots.figure_png(any_app.figure)) < 0.002
    assert any_app.full_redraws - before <= 1  # at most one change needed a new figure
