"""Set up Drift Lab and run it: the one script behind ``make lab`` and ``make test``.

    python3 tools/bootstrap.py lab    # environment + install + JupyterLab on notebooks/00_start_here.ipynb
    python3 tools/bootstrap.py test   # environment + install + the whole test suite (extra args go to pytest)
    python3 tools/bootstrap.py bench  # environment + install + benchmarks/run.py (prints timings)

If a virtual or conda environment is active (SageMaker Studio, Studio Lab, your own), the kit is
installed into it. Otherwise ``.venv/`` is created next to this repo. Installing is skipped when
the environment already holds this exact ``pyproject.toml`` (a stamp file records its hash).
Standard library only: it must run on a machine that has nothing but python3.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
# Jupyter configuration shipped with the launch, found through JUPYTER_CONFIG_PATH: nothing is
# written into the user's home or the environment. Its labconfig/page_config.json disables the
# plugin that asks every new learner about Jupyter news and checks for updates (JupyterLab docs,
# "Announcements": it "can be disabled as any plugin").
LAB_CONFIG = REPO / "tools" / "jupyter-config"


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("lab", "test", "bench", "install"):
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    python = environment_python()
    install(python)
    if command == "lab":
        return run(lab_command(python, extra), env=lab_environment(os.environ))
    if command == "test":
        return run([python, "-m", "pytest", *extra])
    if command == "bench":
        return run([python, "benchmarks/run.py", *extra])
    return 0


def lab_command(python: str, extra: list[str] = ()) -> list[str]:
    """JupyterLab on the start notebook, with its token, listening on localhost only.

    Given a notebook, JupyterLab serves that notebook's folder; ``default_url`` makes the URL
    it prints (with its token) and the page a browser opens the start notebook itself, not the
    Launcher. Never weaken the token or the address here. Containers (and CI) often run as root, which JupyterLab refuses without --allow-root;
    that flag changes neither the token nor the address.
    """
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        python, "-m", "jupyterlab", START_NOTEBOOK, "--ServerApp.ip=localhost",
        f"--LabApp.default_url=/lab/tree/{Path(START_NOTEBOOK).name}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",  # offline: never ask PyPI
        *root, *extra,
    ]  # fmt: skip


def lab_environment(base: dict[str, str]) -> dict[str, str]:
    """``base`` with the kit's Jupyter configuration first on JUPYTER_CONFIG_PATH."""
    paths = [str(LAB_CONFIG), *filter(None, base.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    return {**base, "JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}


def environment_python() -> str:
    """The interpreter of the active environment, or of ``.venv`` (created on first use)."""
    active = sys.prefix != sys.base_prefix or os.environ.get("CONDA_PREFIX")
    if active:
        return sys.executable
    python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print(f"creating {VENV.relative_to(REPO)} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    return str(python)


def install(python: str) -> None:
    """``pip install -e .[dev]`` unless this environment already has this pyproject installed."""
    digest = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()[:16]
    prefix = subprocess.run([python, "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True, check=True)
    stamp = Path(prefix.stdout.strip()) / f"drift-lab-{digest}.installed"
    if not stamp.exists() or not _labkit_importable(python):
        print("installing Drift Lab and its dependencies (a few minutes the first time) ...", flush=True)
        check(run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"]))
        check(run([python, "-m", "pip", "install", "--quiet", "-e", f"{REPO}[dev]"]))
        stamp.write_text("pip install -e .[dev] of this pyproject.toml\n")
    if (REPO / ".git").exists():  # strip notebook outputs at commit time (see CONTRIBUTING.md)
        run([python, "-m", "nbstripout", "--install", "--attributes", ".gitattributes"], quiet=True)


def _labkit_importable(python: str) -> bool:
    probe = subprocess.run([python, "-c", "import labkit"], cwd="/", capture_output=True)
    return probe.returncode == 0


def run(cmd: list[str], *, quiet: bool = False, env: dict[str, str] | None = None) -> int:
    kwargs = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} if quiet else {}
    return subprocess.call(cmd, cwd=REPO, env=env, **kwargs)


def check(code: int) -> None:
    if code != 0:
        sys.exit(f"set-up failed (exit {code}); see the messages above")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
