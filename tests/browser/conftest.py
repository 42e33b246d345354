"""A real JupyterLab and a real Chromium for the browser tests, both on loopback only.

``lab`` starts JupyterLab on a free 127.0.0.1 port with a random token, serving a temporary copy
of ``notebooks/`` (so a run never writes outputs into the repo), waits until it answers and stops
it afterwards. ``page`` is a Playwright page in Debian's ``chromium`` (Playwright's own browser
download is not used). Without ``/usr/bin/chromium`` the tests are skipped, unless the ``CI``
environment variable is set: there a missing browser is a failure, not a silent skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: `apt-get install -y chromium`
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
STARTUP_SECONDS = 60  # JupyterLab answers in about 5 s here; a cold CI disk can be much slower
VIEWPORT = {"width": 1400, "height": 1000}
LAPTOP_VIEWPORT = {"width": 1280, "height": 720}  # a small laptop: JupyterLab's output area is 848 px

BOOTSTRAP = Path(__file__).resolve().parents[2] / "tools" / "bootstrap.py"

# JupyterLab user settings for the test server only (a temporary settings folder): every cell
# kept in the page (windowing off), so the test can find any cell's outputs without scrolling
# first. The news and update checks are left to the launch configuration `make lab` ships
# (tools/jupyter-config), so the tests see what a learner sees.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _bootstrap():
    """tools/bootstrap.py, the script behind `make lab` (a script, not a package)."""
    spec = importlib.util.spec_from_file_location("bootstrap", BOOTSTRAP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: where it serves, with which token, from which folder."""

    url: str
    token: str
    root: Path  # the temporary copy the server serves
    process: subprocess.Popen
    source: Path = NOTEBOOKS  # the repo's notebooks/, copied into root at start

    def open_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?token={self.token}"

    def api(self, path: str):
        """GET a JupyterLab REST endpoint (JSON), authenticated with the token."""
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, or a skip (a failure when CI is set)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; install it with `apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the browser test must run: {message}", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def lab(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on a free loopback port, token required, serving a temporary copy of notebooks/."""
    base = tmp_path_factory.mktemp("lab")
    root = base / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns("outputs", ".ipynb_checkpoints"))
    settings = base / "settings"
    for name, values in LAB_SETTINGS.items():
        plugin, file = name.rsplit("/", 1)
        (settings / plugin).mkdir(parents=True, exist_ok=True)
        (settings / plugin / file).write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(24)
    bootstrap = _bootstrap()
    env = bootstrap.lab_environment({
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "MPLBACKEND": "agg",
    })  # fmt: skip
    # `make lab`'s own command (start notebook, default URL, no update check), run from `base`
    # so that it serves the copy, on 127.0.0.1 (not "localhost", which may resolve to ::1 only),
    # with this server's port and a token the test knows.
    command = [arg for arg in bootstrap.lab_command(sys.executable) if not arg.startswith("--ServerApp.ip=")]
    command += [
        "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    if "--allow-root" not in command:
        command.append("--allow-root")
    log = (base / "jupyterlab.log").open("wb")
    process = subprocess.Popen(
        command, cwd=base, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    server = Lab(f"http://127.0.0.1:{port}", token, root, process)
    try:
        _wait_until_answering(server, base / "jupyterlab.log")
        yield server
    finally:
        _stop(process)
        log.close()


def _wait_until_answering(server: Lab, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"JupyterLab exited with {server.process.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            server.api("/api/status")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.25)
    pytest.fail(f"JupyterLab did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's own process group (its kernels included); SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def _page(browser, viewport: dict) -> Iterator:
    context = browser.new_context(viewport=viewport)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser):
    yield from _page(browser, VIEWPORT)


@pytest.fixture
def laptop_page(browser):
    yield from _page(browser, LAPTOP_VIEWPORT)
