"""One thin playground per notebook, each a ``WidgetApp`` over pure ``labkit`` functions.

Import the app you need from its module (``from labkit.widgets.data_quality import DataQualityApp``);
this package imports no widget library by itself.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

__all__ = ["NOTEBOOK_KWARGS", "build_app", "discover_apps"]

# Constructor keywords an app's notebook passes beyond the scenario (and the model, if it takes one).
NOTEBOOK_KWARGS = {"BiasDriftApp": {"group": "18-25"}}


def discover_apps() -> dict[str, type]:
    """Every WidgetApp subclass defined in a module of this package, by class name (sorted).

    The benchmark and the extreme-values tests drive each app this finds, so a new playground is
    measured and tested without being listed anywhere.
    """
    from labkit.widgets.app import WidgetApp

    found = {}
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        for name, obj in vars(loaded).items():
            if inspect.isclass(obj) and issubclass(obj, WidgetApp) and obj is not WidgetApp and obj.__module__ == loaded.__name__:
                found[name] = obj
    return dict(sorted(found.items()))


def build_app(cls: type, scenario, *, model=None, use_widgets: bool = False):
    """``cls`` built on ``scenario`` as its notebook builds it: the benchmark and tests use this."""
    kwargs = dict(NOTEBOOK_KWARGS.get(cls.__name__, {}))
    if model is not None and "model" in inspect.signature(cls).parameters:
        kwargs["model"] = model
    return cls(scenario, use_widgets=use_widgets, **kwargs)
