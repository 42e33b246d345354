"""The README's "Run the SDK's monitoring code offline" example runs as written."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_example_runs_and_finds_the_drift():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- labkit-local-example:.*?-->\n```python\n(.*?)```", text, re.DOTALL)
    assert block, "the README lost its labkit.local example"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.group(1), "README.md", "exec"), {})
    assert "('income', 'baseline_drift_check')" in printed.getvalue().splitlines()[-1]
