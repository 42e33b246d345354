"""Where the controls of a playground sit: every description in full, every slider long enough.

ipywidgets gives each description 80 px and each control 300 px in all, so a long description
is cut ("mean shif…") and, given its full width with ``description_width="initial"``, squeezes
the slider's track to whatever is left (about 95 px). ``arrange`` gives all controls of an app
one label column as wide as their longest description, measured, and a track of
``SLIDER_TRACK_PX`` after it; dropdowns end where the sliders' readouts end.

The width of a description is measured with DejaVu Sans, the font matplotlib ships, at
JupyterLab's widget font size: it is wider than the system fonts JupyterLab asks for first
(Segoe UI, San Francisco, Helvetica), and it is the font Chromium falls back to on a Linux
seat, so a label that fits here fits there. ``tests/browser`` checks it in a real browser.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "LABEL_FONT_PX",
    "SLIDER_TRACK_PX",
    "arrange",
    "control_width_px",
    "description_width_px",
    "label_width_px",
]

LABEL_FONT_PX = 13  # JupyterLab's --jp-widgets-font-size (= --jp-ui-font-size1)
LABEL_SLACK_PX = 6  # rounding between font renderers, and a little air
# 320 px of track: a 0-100 % slider in steps of 5 gives each value 15 px, a ±3 σ slider in
# steps of 0.25 gives 13 px, both easy to hit with a mouse; the readout can also be typed in.
SLIDER_TRACK_PX = 320
LABEL_MARGIN_PX = 8  # ipywidgets: the label's right margin (2 × --jp-widgets-inline-margin)
TRACK_MARGINS_PX = 12  # ipywidgets: half a handle (8 px) − 2 borders, each side of the track
READOUT_PX = 90  # ipywidgets: the readout (71–148 px wide) and its 4 px margin


@functools.cache
def _font():
    from matplotlib import font_manager, ft2font

    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    return ft2font.FT2Font(path)


def label_width_px(text: str, font_px: float = LABEL_FONT_PX) -> float:
    """How wide ``text`` is drawn in DejaVu Sans at ``font_px`` pixels (CSS px at 100 % zoom)."""
    font = _font()
    font.set_size(font_px, 72)  # points at 72 dpi are pixels
    font.set_text(text, 0.0)
    return font.get_width_height()[0] / 64  # FreeType's 26.6 fixed point


def description_width_px(controls: Mapping[str, Any]) -> int:
    """One label column for all ``controls``: their longest description, measured, plus slack."""
    widths = [label_width_px(c.description) for c in controls.values() if getattr(c, "description", "")]
    return math.ceil(max(widths, default=0)) + LABEL_SLACK_PX


def control_width_px(label_px: int) -> int:
    """A control's whole width: label column, margin, track, readout. A dropdown gets the same
    width, so its menu ends where the sliders' readouts end."""
    return label_px + LABEL_MARGIN_PX + SLIDER_TRACK_PX + TRACK_MARGINS_PX + READOUT_PX


def arrange(controls: Mapping[str, Any]) -> int:
    """Give every control the shared label column and its width; return the label column's px."""
    label_px = description_width_px(controls)
    for control in controls.values():
        if not hasattr(control, "description") or not hasattr(control, "style"):
            continue
        control.style.description_width = f"{label_px}px"
        control.layout.width = f"{control_width_px(label_px)}px"
    return label_px
