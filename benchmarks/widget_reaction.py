"""How long does each playground take to react to a slider? Recompute + redraw, from Python.

Every ``WidgetApp`` subclass found in ``labkit/widgets/`` is built once on the credit scenario,
then its drift control (the first numeric slider that is not a window size) is moved through
evenly spaced values of its range with ``app.set(...)``: the same synchronous path a slider
change takes in the kernel (compute, redraw the one figure, render the PNG, rebuild the table),
without the browser's round trip. Reports the median and the slowest change.

    python benchmarks/widget_reaction.py [--changes 7] [--every-slider]

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import inspect
import statistics
import time
from dataclasses import dataclass
from typing import Any

# Constructor keywords beyond (scenario, use_widgets=False), as the notebooks pass them.
EXTRA_KWARGS = {"BiasDriftApp": {"group": "18-25"}}
NOT_DRIFT = (
    "window",
    "size",
    "n_bootstrap",
    "sampling",
    "delay",
    "labelled",
)  # controls that are not the drift


@dataclass(frozen=True)
class Reaction:
    app: str
    control: str
    changes: int
    median_ms: float
    max_ms: float
    error: str | None = None


def discover_apps() -> dict[str, type]:
    """Every WidgetApp subclass defined in a module of labkit.widgets, by class name."""
    from labkit.widgets import discover_apps as discover

    return discover()


def build(cls: type, scenario: Any, model: Any) -> Any:
    kwargs = dict(EXTRA_KWARGS.get(cls.__name__, {}))
    if "model" in inspect.signature(cls).parameters:
        kwargs["model"] = model
    return cls(scenario, use_widgets=False, **kwargs)


def drift_control(app: Any) -> str | None:
    """The first numeric slider that moves the drift (not a window size or sample count)."""
    sliders = [name for name, c in app.controls.items() if hasattr(c, "min") and hasattr(c, "step")]
    drifting = [name for name in sliders if not any(word in name for word in NOT_DRIFT)]
    return (drifting or sliders or [None])[0]


def values_through(control: Any, count: int) -> list:
    """``count`` distinct values spread over the control's range, on its step, default excluded."""
    steps = round((control.max - control.min) / control.step)
    picks = sorted({round(i * steps / max(count, 1)) for i in range(count + 1)})
    values = [control.min + k * control.step for k in picks]
    if isinstance(control.value, int):
        values = [round(v) for v in values]
    values = [v for v in dict.fromkeys(values) if v != control.value]
    return values[:count]


def measure(
    name: str, cls: type, scenario: Any, model: Any, changes: int, *, every_slider: bool = False
) -> list[Reaction]:
    """The app's drift control (or, with ``every_slider``, each of its numeric sliders)."""
    from labkit.errors import LabkitInputError

    try:
        app = build(cls, scenario, model)
    except TypeError as exc:  # an app whose constructor needs more than EXTRA_KWARGS gives
        return [Reaction(name, "-", 0, float("nan"), float("nan"), f"not built: {exc}")]
    sliders = [n for n, c in app.controls.items() if hasattr(c, "min") and hasattr(c, "step")]
    chosen = sliders if every_slider else [drift_control(app)]
    if not chosen or chosen == [None]:
        return [Reaction(name, "-", 0, float("nan"), float("nan"), "no numeric control")]
    reactions = []
    for control in chosen:
        default, times, refused = app.controls[control].value, [], 0
        for value in values_through(app.controls[control], changes):
            started = time.perf_counter()
            try:
                app.set(**{control: value})
            except LabkitInputError:  # a setting the app refuses on purpose (shown in its status)
                refused += 1
                continue
            times.append((time.perf_counter() - started) * 1000)
        app.set(**{control: default})
        note = f"{refused} value(s) refused by the app" if refused else None
        if times:
            reactions.append(
                Reaction(name, control, len(times), statistics.median(times), max(times), note)
            )
    return reactions


def measure_all(changes: int = 7, *, every_slider: bool = False) -> list[Reaction]:
    from labkit import scenarios

    credit = scenarios.load_scenario("credit", seed=0)
    model = scenarios.train_model(credit)
    return [
        reaction
        for name, cls in discover_apps().items()
        for reaction in measure(name, cls, credit, model, changes, every_slider=every_slider)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=7, help="slider changes per app (default 7)")
    parser.add_argument(
        "--every-slider", action="store_true", help="time each numeric slider, not only the drift"
    )
    args = parser.parse_args(argv)
    print(f"{'app':<22} {'control':<20} {'changes':>7} {'median ms':>10} {'max ms':>8}")
    for r in measure_all(args.changes, every_slider=args.every_slider):
        print(
            f"{r.app:<22} {r.control:<20} {r.changes:>7} {r.median_ms:>10.0f} {r.max_ms:>8.0f}  {r.error or ''}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
