"""Rewrite README's "Open in Studio Lab" block from pyproject's ``Repository`` URL.

    python tools/studio_lab_links.py          # rewrite README.md in place
    python tools/studio_lab_links.py --check  # exit 1 if README is out of date

Badge format from aws/studio-lab-examples ("open-in-studio-lab"):
``https://studiolab.sagemaker.aws/import/github/<org>/<repo>/blob/<branch>/<path>``.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BADGE = "https://studiolab.sagemaker.aws/studiolab.svg"
BEGIN, END = "<!-- studio-lab-links: begin -->", "<!-- studio-lab-links: end -->"
BRANCH = "main"


def links_block() -> str:
    url = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    slug = url.removeprefix("https://github.com/").strip("/")
    base = f"https://studiolab.sagemaker.aws/import/github/{slug}/blob/{BRANCH}"
    lines = [BEGIN, f"[![Open in SageMaker Studio Lab]({BADGE})]({base}/notebooks/00_start_here.ipynb)", ""]
    lines += ["| Notebook | Open |", "|---|---|"]
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        lines.append(f"| `{path.stem}` | [![Open in SageMaker Studio Lab]({BADGE})]({base}/notebooks/{path.name}) |")
    return "\n".join([*lines, END])


def rewrite(text: str) -> str:
    start, stop = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + links_block() + text[stop:]


def main(argv: list[str]) -> int:
    readme = REPO / "README.md"
    text = readme.read_text()
    new = rewrite(text)
    if "--check" in argv:
        return 0 if new == text else 1
    readme.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
