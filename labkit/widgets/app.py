"""``WidgetApp``: the wiring every lesson playground shares, written once.

A subclass declares named controls and two methods:

* ``compute(**values)`` calls pure ``labkit`` functions with the controls' values and returns a
  result (a ``MonitoringReport``, a small dataclass …);
* ``draw(axes, result)`` plots that result on the app's one figure.

Optionally ``table(result)`` returns a DataFrame shown under the figure (the violations table).
The base class observes every control, recomputes synchronously on a change, redraws the same
figure and updates ``.result``, ``.figure``, ``.status``. So a test, nbval or papermill drives an
app from plain Python::

    app.controls["mean_shift_sd"].value = 2.0   # observers fire synchronously in the kernel
    assert "baseline_drift_check" in app.result.violations.check_types()

With ``use_widgets=False`` (papermill, HTML copies) displaying the app shows the default figure
and table as ordinary outputs, so a static reader still sees what the lesson teaches.

**Redraw only what changed.** Rendering a whole figure (axes, ticks, texts) costs more than most
monitors, so an app may mark the artists a change moves as *live* (``self.live(artist)`` in
``draw``) and move them in ``update(result)``. The rest of the figure is rendered once into a
cached background; a change restores it and draws the live artists over it. When one panel needs
new axes (another feature on its x axis), ``update`` calls ``self.redraw_axes(ax)`` and draws that
panel again; only that panel is rendered anew. ``update`` returns False when the change needs a
new figure (data past the axis limits, say), and the app then draws everything again. Either way
``.figure`` holds the whole, current figure, so a notebook can display it or save it.

Work over about half a second waits for a *Run* button: pass ``run_button=True`` and list in
``live_controls`` the controls that still react at once (a redraw from a cache, say). ``set()``
and ``run()`` always recompute synchronously, for tests and papermill.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from labkit.plots import FIGURE_DPI, PNG_COMPRESS_LEVEL, new_figure
from labkit.widgets import layout

__all__ = ["FIGURE_DPI", "WidgetApp"]

TABLE_MAX_ROWS = 12
CONTROLS_PER_COLUMN = 6  # a wide output area shows two columns side by side, a narrow one stacks them


class WidgetApp:
    """Base class for a lesson playground: named controls → pure compute → one redrawn figure."""

    controls: dict[str, Any]
    live_controls: frozenset[str] = frozenset()  # with run_button: controls that still react at once

    def __init__(
        self,
        *,
        use_widgets: bool = True,
        figsize: tuple[float, float] = (7.5, 3.2),
        ncols: int = 1,
        run_button: bool = False,
    ) -> None:
        import ipywidgets as widgets

        if not getattr(self, "controls", None):
            raise TypeError(f"{type(self).__name__} must set self.controls before calling WidgetApp.__init__")
        self.use_widgets = use_widgets
        self.figure, self.axes = new_figure(*figsize, ncols=ncols)
        self.result: Any = None
        self.error: Exception | None = None
        self.status = ""
        self.full_redraws = 0  # how many changes drew the whole figure (the others blitted)
        self._live: list[Any] = []
        self._background = None
        self._stale_axes: dict[Any, Any] = {}  # axes redrawn by update → their old extent
        self._extents: dict[Any, Any] = {}  # each axes' extent with its labels, once measured
        self._png = b""
        self.label_width_px = layout.arrange(self.controls)
        width_px = round(self.figure.get_figwidth() * FIGURE_DPI)
        self._image = widgets.Image(format="png", layout=widgets.Layout(width=f"{width_px}px"))
        self._table = widgets.HTML(layout=widgets.Layout(min_height="4em"))
        self._status = widgets.HTML()
        self.run_button = None
        if run_button:
            self.run_button = widgets.Button(description="Run", button_style="primary", tooltip="recompute")
            self.run_button.on_click(lambda _: self.refresh())
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()
        # The first draw laid the axes out; keep that layout. Re-solving the constrained layout on
        # every full redraw costs more than most monitors. None, not "none": "none" keeps a
        # placeholder engine.
        self.figure.set_layout_engine(None)

    # -- to override --------------------------------------------------------------------------

    def compute(self, **values: Any) -> Any:
        """Return the result for these control values; call pure labkit functions only."""
        raise NotImplementedError

    def draw(self, axes: Any, result: Any) -> None:
        """Plot ``result`` on ``axes`` (already cleared); mark what ``update`` moves with ``live``."""
        raise NotImplementedError

    def update(self, result: Any) -> bool:
        """Move the live artists to show ``result``; False if the figure must be drawn anew."""
        return False

    def table(self, result: Any) -> pd.DataFrame | None:
        """A table shown under the figure, or None."""
        return None

    def summary(self, result: Any) -> str:
        """One line of text for the status bar."""
        return ""

    # -- for draw ------------------------------------------------------------------------------

    def live(self, *artists: Any) -> Any:
        """Mark artists that ``update`` moves: drawn over the cached background on every change."""
        self._live.extend(a for a in artists if a is not None)
        return artists[0] if len(artists) == 1 else artists

    def redraw_axes(self, ax: Any) -> Any:
        """In ``update``: clear ``ax`` (and forget its live artists) to draw that panel anew."""
        if ax not in self._extents:
            self._extents[ax] = ax.get_tightbbox(self.figure.canvas.get_renderer())
        self._stale_axes[ax] = self._extents[ax]
        self._live = [a for a in self._live if a.axes is not ax]
        ax.clear()
        return ax

    # -- the wiring -----------------------------------------------------------------------------

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values, by name (the keyword arguments of ``compute``)."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values: Any) -> Any:
        """Set several controls, recompute once, and return the new result."""
        self._hold = True
        try:
            for name, value in values.items():
                if name not in self.controls:
                    raise KeyError(f"no control {name!r}; controls are {', '.join(self.controls)}")
                self.controls[name].value = value
        finally:
            self._hold = False
        self.refresh()
        if self.error is not None:
            raise self.error
        return self.result

    def run(self) -> Any:
        """Recompute from the current controls (what the Run button does) and return the result."""
        self.refresh()
        if self.error is not None:
            raise self.error
        return self.result

    def refresh(self) -> None:
        """Recompute from the current control values and redraw. Errors go to ``.status``."""
        try:
            result = self.compute(**self.values)
        except Exception as exc:  # shown in the app instead of vanishing into the browser console
            self.error = exc
            self.status = f"⚠ {type(exc).__name__}: {exc}"
            self._status.value = f'<span style="color:#D55E00">{_escape(self.status)}</span>'
            return
        self.error = None
        self.result = result
        self._render(result)
        self.status = self.summary(result)
        self._status.value = _escape(self.status)
        self._image.value = self._png
        frame = self.table(result)
        self._table.value = "" if frame is None else _html_table(frame)

    def png(self) -> bytes:
        """The figure as PNG bytes (what the app shows), at ``FIGURE_DPI``."""
        return self._png

    def widget(self):
        """The whole app as one ipywidgets box: controls, status line, figure, table."""
        import ipywidgets as widgets

        controls = list(self.controls.values())
        columns = [
            widgets.VBox(controls[i : i + CONTROLS_PER_COLUMN], layout=widgets.Layout(margin="0 24px 0 0"))
            for i in range(0, len(controls), CONTROLS_PER_COLUMN)
        ]
        box = widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap"))
        parts = [box, self.run_button] if self.run_button is not None else [box]
        return widgets.VBox([*parts, self._status, self._image, self._table])

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, Image, display

        if self.use_widgets:
            display(self.widget())
            return
        display(Image(self.png()))
        if self.status:
            display(HTML(f"<p>{_escape(self.status)}</p>"))
        frame = self.table(self.result) if self.result is not None else None
        if frame is not None:
            display(HTML(_html_table(frame)))

    def _on_change(self, change: dict[str, Any]) -> None:
        if getattr(self, "_hold", False):
            return
        names = [n for n, c in self.controls.items() if c is change["owner"]]
        if self.run_button is not None and not set(names) & self.live_controls:
            self.status = "Settings changed: press Run to recompute."
            self._status.value = _escape(self.status)
            return
        self.refresh()

    def _render(self, result: Any) -> None:
        """Blit the live artists over the cached background, or draw the whole figure anew."""
        canvas = self.figure.canvas
        self._stale_axes = {}
        if self._background is not None and self._live and self.update(result):
            canvas.restore_region(self._background)
            if self._stale_axes:
                self._render_axes_anew()
        else:
            self.full_redraws += 1
            self._live, self._extents = [], {}
            for ax in self.figure.axes:
                ax.clear()
            self.draw(self.axes, result)
            for artist in self._live:
                artist.set_animated(True)  # left out of the background, drawn over it below
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        # The axes frames (spines, zorder 2.5) are in the background; redraw those of axes with
        # live artists so the artists stack as in a full render.
        frames = [s for ax in dict.fromkeys(a.axes for a in self._live if a.axes) for s in ax.spines.values()]
        for artist in sorted([*self._live, *frames], key=lambda a: a.get_zorder()):  # stable sort
            self.figure.draw_artist(artist)
        self._png = _encode_png(canvas)


    def _render_axes_anew(self) -> None:
        """Erase the redrawn panels (old and new extent), render their fixed parts, keep that."""
        import numpy as np
        from matplotlib.transforms import Bbox

        canvas = self.figure.canvas
        renderer = canvas.get_renderer()
        for artist in self._live:
            artist.set_animated(True)
        pixels = np.asarray(canvas.buffer_rgba())
        height, width = pixels.shape[:2]
        face = np.round(np.array(self.figure.get_facecolor()) * 255).astype(np.uint8)
        for ax, old in self._stale_axes.items():
            self._extents[ax] = ax.get_tightbbox(renderer)
            box = Bbox.union([old, self._extents[ax]]).padded(2)
            x0, x1 = (int(np.clip(v, 0, width)) for v in (np.floor(box.x0), np.ceil(box.x1)))
            y0, y1 = (int(np.clip(v, 0, height)) for v in (np.floor(box.y0), np.ceil(box.y1)))
            pixels[height - y1 : height - y0, x0:x1] = face  # the buffer's rows run top down
        for ax in self._stale_axes:
            self.figure.draw_artist(ax)
        self._background = canvas.copy_from_bbox(self.figure.bbox)


def _encode_png(canvas) -> bytes:
    from PIL import Image

    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p><em>No rows.</em></p>"
    shown = frame.head(TABLE_MAX_ROWS)
    more = f"<p><em>… {len(frame) - TABLE_MAX_ROWS} more rows</em></p>" if len(frame) > TABLE_MAX_ROWS else ""
    return shown.to_html(index=False, border=0, classes="labkit-table") + more
