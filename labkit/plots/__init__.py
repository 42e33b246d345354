"""Matplotlib drawing for the lessons: one module per lesson, colours and sizes defined once here.

Plot functions draw on an ``Axes`` they are given and compute nothing: the numbers come from a
``labkit`` result. Importing this package does not import pyplot.

Readable at 100 % zoom: a text of ``s`` points in a PNG of ``FIGURE_DPI`` pixels per inch is
``s × FIGURE_DPI / 72`` pixels high where the browser shows the PNG at its own size. JupyterLab
shows an image at its own size unless it is wider than the output area, and then shrinks it.
The output area measured 848 px wide in JupyterLab 4 at a 1280 × 720 window with the file
browser open (934 px at 1366 × 768), so a figure at most ``FIGURE_WIDTH_MAX_IN`` wide is never
shrunk there, and its smallest text (``SMALL_FONT``, 8.33 pt) is 11.6 px; tick labels (10 pt)
are 13.9 px. ``tests/plots`` checks every text of every figure against ``MIN_TEXT_PX``, and
``tests/browser`` checks in Chromium that the figures are shown unshrunk.
"""

from __future__ import annotations

__all__ = [
    "BASELINE_COLOR",
    "FIGURE_DPI",
    "FIGURE_WIDTH_MAX_IN",
    "MIN_TEXT_PX",
    "OK_COLOR",
    "SMALL_FONT",
    "THRESHOLD_COLOR",
    "VIOLATION_COLOR",
    "WINDOW_COLOR",
    "ArtistView",
    "empty_figure",
    "figure_image",
    "figure_png",
    "new_figure",
    "text_px",
]

# One colour per role in every figure of the kit (colour-blind safe, Okabe–Ito palette).
BASELINE_COLOR = "#0072B2"  # blue: the baseline dataset
WINDOW_COLOR = "#E69F00"  # orange: the monitored window (captured data)
VIOLATION_COLOR = "#D55E00"  # vermilion: a constraint violation
THRESHOLD_COLOR = "#555555"  # grey: a threshold or allowed range
OK_COLOR = "#009E73"  # green: within the constraint

FIGURE_DPI = 100  # PNG pixels per inch, for apps and static cells alike (see the module docstring)
FIGURE_WIDTH_MAX_IN = 8.4  # × FIGURE_DPI = 840 px: fits JupyterLab's output area at 1280 × 720
MIN_TEXT_PX = 10  # the smallest text any figure may show, in CSS pixels at 100 % zoom
SMALL_FONT = "small"  # 8.33 pt: legends, notes, row names; never smaller ("x-small" is 9.6 px)
PNG_COMPRESS_LEVEL = 1  # zlib level: 1 encodes several times faster than 6 for a few more bytes


def new_figure(width: float = 7.0, height: float = 3.2, ncols: int = 1):
    """One figure with ``ncols`` axes side by side (see ``empty_figure``)."""
    fig = empty_figure(width, height)
    return fig, fig.subplots(1, ncols)


def empty_figure(width: float = 7.0, height: float = 3.2):
    """One figure for an app or a static cell, created without pyplot's global figure manager.

    Figures made through ``matplotlib.figure.Figure`` are not kept alive by pyplot, so an app that
    redraws one figure on every change never leaks figures. The figure has ``FIGURE_DPI`` and an
    Agg canvas, so a notebook's inline display and ``figure_png`` give the same pixels.

    A figure wider than ``FIGURE_WIDTH_MAX_IN`` is made that wide, its height scaled alike:
    JupyterLab would shrink the wider image to fit, and every text in it below 10 px.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if width > FIGURE_WIDTH_MAX_IN:
        width, height = FIGURE_WIDTH_MAX_IN, height * FIGURE_WIDTH_MAX_IN / width

    fig = Figure(figsize=(width, height), dpi=FIGURE_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def figure_png(fig, *, dpi: int = FIGURE_DPI) -> bytes:
    """The whole figure as PNG bytes at ``dpi`` (a full render; apps blit instead)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buffer.getvalue()


def figure_image(fig, *, dpi: int = FIGURE_DPI):
    """A figure as an IPython PNG image: what a static cell displays (a bare Figure shows only its repr)."""
    from IPython.display import Image

    return Image(figure_png(fig, dpi=dpi))


def text_px(text, dpi: float = FIGURE_DPI) -> float:
    """How many pixels high a matplotlib ``Text`` is drawn in a PNG of ``dpi`` (its font size)."""
    return text.get_fontsize() * dpi / 72


class ArtistView:
    """What a plot function returns: the artists a change moves, and ``show`` to move them.

    A playground (``labkit.widgets.app.WidgetApp``) marks ``artists`` as live and calls the
    view's ``show(...)`` on a change; ``show`` returns False when the figure must be drawn anew.
    In a notebook a cell that ends with a plot call displays nothing for it, as before.
    """

    @property
    def artists(self) -> list:
        raise NotImplementedError

    def _ipython_display_(self) -> None:  # a cell ending with a plot call shows only the figure
        return None
