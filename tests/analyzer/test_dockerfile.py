"""docker/analyzer/Dockerfile: installs the package and runs the same entry point as ``labkit analyzer``.

No Docker engine runs the tests, so the file is parsed: what it copies, installs and starts.
"""

from __future__ import annotations

import json
import shlex
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "analyzer" / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    out = []
    for line in DOCKERFILE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def test_the_image_installs_the_kit_from_its_sources():
    steps = instructions()
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.11")
    copied = [shlex.split(rest) for keyword, rest in steps if keyword == "COPY"]
    sources = {source for args in copied for source in args[:-1]}
    assert {"pyproject.toml", "labkit"} <= sources
    for source in sources:
        assert (REPO / source).exists(), source
    installs = [shlex.split(rest) for keyword, rest in steps if keyword == "RUN" and "pip" in rest]
    assert any(args[:2] == ["pip", "install"] and args[-1] == "." for args in installs)
    workdir = next(rest for keyword, rest in steps if keyword == "WORKDIR")
    assert not workdir.startswith("/opt/ml")  # reserved by SageMaker [C docs]


def test_the_entry_point_is_labkit_analyzer_in_exec_form():
    entrypoints = [rest for keyword, rest in instructions() if keyword == "ENTRYPOINT"]
    assert len(entrypoints) == 1
    assert json.loads(entrypoints[0]) == ["labkit", "analyzer"]  # exec form: receives SIGTERM
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["labkit"] == "labkit.cli:main"
    from labkit.cli import build_parser

    args = build_parser().parse_args(["analyzer"])
    assert args.handler.__module__ == "labkit.cli.analyzer"
    assert str(args.root) == "/"  # in the image, the container's own file system
