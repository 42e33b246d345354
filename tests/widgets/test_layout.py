"""Every control of every playground shows its whole description and a slider wide enough to hit."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from labkit.widgets import discover_apps, layout

APP_NAMES = list(discover_apps())


def _px(css: str) -> float:
    assert css.endswith("px"), css
    return float(css[:-2])


@pytest.mark.parametrize("any_app", APP_NAMES, indirect=True)
def test_no_description_is_longer_than_its_label(any_app):
    for name, control in any_app.controls.items():
        given = _px(control.style.description_width)
        assert layout.label_width_px(control.description) <= given, f"{name}: {control.description!r}"


@pytest.mark.parametrize("any_app", APP_NAMES, indirect=True)
def test_sliders_keep_their_track_and_controls_line_up(any_app):
    widths = set()
    for control in any_app.controls.values():
        total, label = _px(control.layout.width), _px(control.style.description_width)
        track = total - label - layout.LABEL_MARGIN_PX - layout.TRACK_MARGINS_PX - layout.READOUT_PX
        assert track >= 300
        widths.add(total)
    assert len(widths) == 1  # one label column, one track length: the sliders line up


def test_a_long_description_widens_the_label_column_not_the_cut():
    short = widgets.IntSlider(description="n")
    long = widgets.IntSlider(description="new loan_purpose (%)")
    label = layout.arrange({"short": short, "long": long})
    assert layout.label_width_px("new loan_purpose (%)") <= label < 200
    assert short.style.description_width == long.style.description_width == f"{label}px"


def test_measured_widths_grow_with_the_text():
    assert layout.label_width_px("") == 0
    assert 0 < layout.label_width_px("i") < layout.label_width_px("W") < layout.label_width_px("WW")
    assert layout.label_width_px("mean shift (σ)", 26) == pytest.approx(2 * layout.label_width_px("mean shift (σ)"), rel=0.05)
