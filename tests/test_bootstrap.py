"""The launcher behind `make lab` keeps JupyterLab's token and binds localhost only."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "bootstrap.py"


def _bootstrap():
    spec = importlib.util.spec_from_file_location("bootstrap", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lab_keeps_auth_and_localhost():
    command = _bootstrap().lab_command("python")
    joined = " ".join(command)
    assert "--ServerApp.ip=localhost" in command
    assert "0.0.0.0" not in joined
    for weakening in ("token=''", 'token=""', "--IdentityProvider.token=", "--ServerApp.token=", "disable_check_xsrf", "password="):
        assert weakening not in joined
    assert command[-1].endswith("00_start_here.ipynb") or "notebooks/00_start_here.ipynb" in command


def test_bootstrap_uses_only_the_standard_library():
    imports = [line for line in SCRIPT.read_text().splitlines() if line.startswith(("import ", "from "))]
    assert all(line.split()[1].split(".")[0] in {"__future__", "hashlib", "os", "subprocess", "sys", "venv", "pathlib"} for line in imports)


def test_lab_opens_the_start_notebook_and_prints_its_url_with_the_token(tmp_path):
    """`make lab`'s command, started for real: it prints the start notebook's URL with a token,
    serves that notebook, and its page disables the news and update-check plugin."""
    import json
    import os
    import re
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    bootstrap = _bootstrap()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    extra = ["--no-browser", f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    env = bootstrap.lab_environment({**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
                                     "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
                                     "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")})  # fmt: skip
    log = tmp_path / "lab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(bootstrap.lab_command(sys.executable, extra), cwd=bootstrap.REPO, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        pattern = re.compile(rf"http://localhost:{port}/lab/tree/00_start_here\.ipynb\?token=([0-9a-f]{{48}})")
        deadline, found = time.monotonic() + 120, None
        while found is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
            found = pattern.search(log.read_text(errors="replace"))
        assert found, log.read_text(errors="replace")[-3000:]
        url = found.group(0).replace("localhost", "127.0.0.1")
        with urllib.request.urlopen(url, timeout=30) as response:  # the printed URL opens the notebook page
            page = response.read().decode()
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S).group(1))
        assert "@jupyterlab/apputils-extension:announcements" in config["disabledExtensions"]
        contents = f"http://127.0.0.1:{port}/api/contents/00_start_here.ipynb?content=0&token={found.group(1)}"
        with urllib.request.urlopen(contents, timeout=30) as response:
            assert json.load(response)["type"] == "notebook"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_lab_environment_puts_the_kit_config_first_and_keeps_the_users():
    bootstrap = _bootstrap()
    env = bootstrap.lab_environment({"JUPYTER_CONFIG_PATH": "/elsewhere", "HOME": "/home/me"})
    paths = env["JUPYTER_CONFIG_PATH"].split(__import__("os").pathsep)
    assert paths == [str(bootstrap.LAB_CONFIG), "/elsewhere"] and env["HOME"] == "/home/me"
    page_config = bootstrap.LAB_CONFIG / "labconfig" / "page_config.json"
    assert "@jupyterlab/apputils-extension:announcements" in page_config.read_text()
