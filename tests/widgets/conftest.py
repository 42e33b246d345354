"""Every playground, built once per session as its notebook builds it (``labkit.widgets.build_app``)."""

from __future__ import annotations

import pytest

from labkit import scenarios
from labkit.widgets import build_app, discover_apps


@pytest.fixture(scope="session")
def credit_model(credit):
    return scenarios.train_model(credit)


@pytest.fixture(scope="session")
def built_apps() -> dict:
    return {}


@pytest.fixture
def any_app(request, credit, credit_model, built_apps):
    """The app named by the parameter (``indirect=True``), built on first use, reset afterwards."""
    name = request.param
    if name not in built_apps:
        app = build_app(discover_apps()[name], credit, model=credit_model)
        built_apps[name] = (app, app.values)
    app, defaults = built_apps[name]
    yield app
    app.set(**defaults)
