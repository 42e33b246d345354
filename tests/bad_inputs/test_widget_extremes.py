"""Every playground driven to the ends of its controls: no exception, or a clear status.

A learner drags sliders to their ends first. For each ``WidgetApp`` subclass in
``labkit/widgets/`` this sets every control, one at a time, to its minimum, its maximum and 0
(where 0 is in range), every menu to its first and last option, then all controls to their
minimums and all to their maximums at once, and the empty window where the app offers one.
Each time the app must either compute (``app.error is None``, a fresh result and PNG) or show a
deliberate message: a ``LabkitInputError`` whose text is the app's status line. Any other
exception is a crash that JupyterLab would hide behind a dead slider.

Apps are discovered as they land. ``EXPECTED`` lists the ones the lessons promise; one that is
not written yet is skipped by name, so the list doubles as a to-do.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

import labkit.widgets
from labkit import scenarios
from labkit.errors import LabkitInputError
from labkit.widgets.app import WidgetApp

EXPECTED = (
    "DataQualityApp",
    "ModelQualityApp",
    "BiasDriftApp",
    "AttributionDriftApp",
    "WorkflowApp",
)

# How to build an app whose constructor needs more than a scenario. Anything else is built as
# App(credit, use_widgets=False) (plus model= when it asks for one); the keywords here are the
# ones its notebook passes.
BUILD_KWARGS: dict[str, Callable[[Any], dict]] = {
    "BiasDriftApp": lambda model: {"model": model, "group": "18-25"},
    "ModelQualityApp": lambda model: {"model": model},
    "AttributionDriftApp": lambda model: {"model": model},
}

# Controls that define an empty window, and the value that empties it.
EMPTY_WINDOW = {"window_size": 0, "sampling_pct": 0, "labelled_pct": 0}


def _discover() -> dict[str, type[WidgetApp]]:
    return labkit.widgets.discover_apps()


APPS = _discover()
NAMES = sorted(set(EXPECTED) | set(APPS))


@pytest.fixture(scope="module")
def model(credit):
    return scenarios.train_model(credit)


@pytest.fixture(scope="module")
def apps() -> dict[str, WidgetApp]:
    return {}  # each app is built on first use


def _build(name: str, apps: dict, credit, model) -> WidgetApp:
    if name not in APPS:
        pytest.skip(f"{name} is not in labkit/widgets/ yet")
    if name not in apps:
        cls = APPS[name]
        kwargs = BUILD_KWARGS.get(
            name, lambda m: {"model": m} if "model" in inspect.signature(cls).parameters else {}
        )(model)
        apps[name] = cls(credit, use_widgets=False, **kwargs)
    return apps[name]


def _ends(control) -> tuple[Any, Any]:
    """A control's first and last value: min and max, or the first and last menu option."""
    options = getattr(control, "options", None)
    if options is not None:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        return values[0], values[-1]
    if isinstance(control.value, bool):
        return False, True
    return control.min, control.max


def _values(control) -> list:
    """The extreme values of one control: both ends, and 0 when a slider's range holds it."""
    first, last = _ends(control)
    zero = [0] if hasattr(control, "min") and control.min <= 0 <= control.max else []
    return list(dict.fromkeys([first, last, *zero]))


def _settings(app: WidgetApp) -> list[tuple[str, dict]]:
    """(label, control values) for every case of one app; a control's default (computed when the
    app was built) is not repeated, and each case puts the previous case's control back."""
    defaults, cases, previous = app.values, [], {}
    for name, control in app.controls.items():
        for value in _values(control):
            if value != defaults[name]:
                cases.append((f"{name}={value!r}", {**previous, name: value}))
                previous = {name: defaults[name]}
    ends = {name: _ends(control) for name, control in app.controls.items()}
    cases.append(
        ("every control at its first value", {name: first for name, (first, _) in ends.items()})
    )
    cases.append(
        ("every control at its last value", {name: last for name, (_, last) in ends.items()})
    )
    empty = {
        name: value
        for name, value in EMPTY_WINDOW.items()
        if name in app.controls and app.controls[name].min <= value <= app.controls[name].max
    }
    if empty:
        cases.append(("empty window", {**defaults, **empty}))
    return cases


def _drive(app: WidgetApp, values: dict) -> str | None:
    """Set the values, recompute; return None on success or the deliberate error's message."""
    try:
        app.set(**values)
    except LabkitInputError as exc:
        assert app.error is exc
        assert str(exc) in app.status, f"status {app.status!r} does not show {exc}"
        return str(exc)
    assert app.error is None and app.result is not None
    return None


@pytest.mark.parametrize("name", NAMES)
def test_every_control_extreme_computes_or_explains(name, apps, credit, model):
    app = _build(name, apps, credit, model)
    defaults = app.values
    outcomes = {}
    for label, values in _settings(app):
        try:
            outcomes[label] = _drive(app, values)
        except Exception as exc:  # noqa: BLE001 — name the case that crashed
            pytest.fail(f"{name} with {label}: {type(exc).__name__}: {exc}")
    app.set(**defaults)  # and it recovers
    assert app.error is None and app.values == defaults
    assert app.png().startswith(b"\x89PNG")
    print(
        f"{name}: {len(outcomes)} cases, deliberate messages: {[m for m in outcomes.values() if m] or 'none'}"
    )


def test_every_expected_app_is_found_or_listed_as_missing():
    """The discovery sees the apps that exist (a typo in EXPECTED would skip a real app forever)."""
    assert {"DataQualityApp", "ModelQualityApp", "BiasDriftApp", "AttributionDriftApp"} <= set(APPS)
