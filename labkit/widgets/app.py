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

Work over about half a second (bootstraps, SHAP) waits for a *Run* button: pass
``run_button=True`` and list in ``live_controls`` the controls that still react at once (a redraw
from a cache, say). ``set()`` and ``run()`` always recompute synchronously, for tests and papermill.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from labkit.plots import new_figure

__all__ = ["WidgetApp"]

FIGURE_DPI = 80  # small PNGs redraw fast on 2 cores (PNG encoding is most of a reaction); still crisp
TABLE_MAX_ROWS = 12


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
        self._image = widgets.Image(format="png", layout=widgets.Layout(width=f"{figsize[0] * FIGURE_DPI:.0f}px"))
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
        # every change costs more than most monitors (and makes savefig draw twice). None, not
        # "none": "none" keeps a placeholder engine.
        self.figure.set_layout_engine(None)

    # -- to override --------------------------------------------------------------------------

    def compute(self, **values: Any) -> Any:
        """Return the result for these control values; call pure labkit functions only."""
        raise NotImplementedError

    def draw(self, axes: Any, result: Any) -> None:
        """Plot ``result`` on ``axes`` (already cleared)."""
        raise NotImplementedError

    def table(self, result: Any) -> pd.DataFrame | None:
        """A table shown under the figure, or None."""
        return None

    def summary(self, result: Any) -> str:
        """One line of text for the status bar."""
        return ""

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
        axes = self.axes if hasattr(self.axes, "__len__") else [self.axes]
        for ax in axes:
            ax.clear()
        self.draw(self.axes, result)
        self.status = self.summary(result)
        self._status.value = _escape(self.status)
        self._image.value = self.png()
        frame = self.table(result)
        self._table.value = "" if frame is None else _html_table(frame)

    def png(self) -> bytes:
        """The figure as PNG bytes (what the app shows)."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
        return buffer.getvalue()

    def widget(self):
        """The whole app as one ipywidgets box: controls, status line, figure, table."""
        import ipywidgets as widgets

        controls = widgets.HBox(
            [widgets.VBox(list(self.controls.values()))],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        parts = [controls, self.run_button] if self.run_button is not None else [controls]
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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p><em>No rows.</em></p>"
    shown = frame.head(TABLE_MAX_ROWS)
    more = f"<p><em>… {len(frame) - TABLE_MAX_ROWS} more rows</em></p>" if len(frame) > TABLE_MAX_ROWS else ""
    return shown.to_html(index=False, border=0, classes="labkit-table") + more
