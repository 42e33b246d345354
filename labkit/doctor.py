"""``labkit doctor``: is this environment ready for the lab?

Checks what breaks workshops: a missing package, an ipywidgets kernel package whose JupyterLab
front end (``jupyterlab_widgets``) does not match, and widget events that do not reach Python.
Versions are read from package metadata, so nothing heavy is imported.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata

__all__ = ["Check", "DoctorReport", "run_checks"]

PACKAGES = (
    "drift-lab", "jupyterlab", "ipywidgets", "jupyterlab_widgets", "widgetsnbextension", "ipykernel",
    "pandas", "numpy", "scipy", "scikit-learn", "matplotlib", "shap", "skops", "sagemaker", "boto3",
)
# ipywidgets 8 talks to the JupyterLab front end shipped as jupyterlab_widgets 3; a mismatch shows
# "Error displaying widget: model not found" in the notebook.
WIDGET_FRONTEND_MAJOR = {8: 3, 7: 1}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class DoctorReport:
    python: str
    platform: str
    versions: dict[str, str | None]
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_text(self) -> str:
        lines = [f"Python {self.python} on {self.platform}"]
        lines += [f"  {name:<20} {version or 'NOT INSTALLED'}" for name, version in self.versions.items()]
        lines += [f"{'ok ' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in self.checks]
        return "\n".join(lines)


def run_checks() -> DoctorReport:
    """Versions of the kit's packages plus the checks above."""
    versions = {name: _version(name) for name in PACKAGES}
    checks = (
        _packages_present(versions),
        _widget_frontend_matches(versions),
        _widget_round_trip(),
    )
    return DoctorReport(sys.version.split()[0], platform.platform(terse=True), versions, checks)


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _packages_present(versions: dict[str, str | None]) -> Check:
    missing = [name for name, version in versions.items() if version is None and name != "widgetsnbextension"]
    if missing:
        return Check("packages", False, f"missing {', '.join(missing)}: run `make lab` or `%pip install -e .` from the repo")
    return Check("packages", True, "everything the lab needs is installed")


def _widget_frontend_matches(versions: dict[str, str | None]) -> Check:
    kernel, frontend = versions.get("ipywidgets"), versions.get("jupyterlab_widgets")
    if kernel is None or frontend is None:
        return Check("widget front end", False, "ipywidgets or jupyterlab_widgets is not installed")
    want = WIDGET_FRONTEND_MAJOR.get(int(kernel.split(".")[0]))
    have = int(frontend.split(".")[0])
    if want != have:
        return Check(
            "widget front end",
            False,
            f"ipywidgets {kernel} needs jupyterlab_widgets {want}.x, found {frontend}: install both with %pip, then restart JupyterLab",
        )
    return Check("widget front end", True, f"ipywidgets {kernel} with jupyterlab_widgets {frontend}")


def _widget_round_trip() -> Check:
    try:
        import ipywidgets as widgets
    except ImportError as exc:
        return Check("widget events", False, f"ipywidgets does not import: {exc}")
    seen = []
    slider = widgets.IntSlider(value=0)
    slider.observe(lambda change: seen.append(change["new"]), names="value")
    slider.value = 7
    slider.close()
    if seen != [7]:
        return Check("widget events", False, "a slider change did not reach its Python observer")
    return Check("widget events", True, "a slider change reached its Python observer")
