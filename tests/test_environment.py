"""environment.yml (conda, Studio Lab) and pyproject.toml describe the same environment."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_and_pyproject_name_the_same_packages():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda, pip_section = [], []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section += dep["pip"]
        else:
            conda.append(dep)
    env_names = {_name(d) for d in conda + pip_section if not d.startswith("-e")} - {"python", "pip"}
    assert env_names == pip_names, f"only in environment.yml: {env_names - pip_names}; only in pyproject: {pip_names - env_names}"
    assert pip_section[-1].startswith("-e ."), "environment.yml must end by installing the kit with pip"
    assert "conda-forge" in env["channels"]


def test_python_floor_is_311():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
