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
