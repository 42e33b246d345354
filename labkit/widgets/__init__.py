"""One thin playground per notebook, each a ``WidgetApp`` over pure ``labkit`` functions.

Import the app you need from its module (``from labkit.widgets.data_quality import DataQualityApp``);
this package imports no widget library by itself.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

__all__ = ["discover_apps"]


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
