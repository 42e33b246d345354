"""Run one lesson notebook top to bottom in a fresh kernel; print its time and the kernel's peak RSS.

    python benchmarks/notebook_runs.py notebooks/01_data_quality_drift.ipynb

Meant to be called by ``benchmarks/run.py``, once per notebook and repeat, each time in a new
process: ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of this process is then the peak resident
memory of the one kernel it started (the kernel is its only child that does real work), which a
shared parent could not tell apart from the other runs. The notebook runs with its own defaults,
as a learner runs it, in ``notebooks/`` (so relative paths work); only ``output_dir`` is sent to a
temporary folder so the run leaves nothing in the repo. Prints one JSON object; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path


def run_notebook(path: Path) -> dict:
    """Execute ``path`` with papermill; return wall seconds, summed cell seconds and peak RSS (MiB)."""
    import papermill

    declared = papermill.inspect_notebook(str(path))
    with tempfile.TemporaryDirectory(prefix="labkit-bench-") as scratch:
        parameters = (
            {"output_dir": str(Path(scratch) / "outputs")} if "output_dir" in declared else {}
        )
        started = time.perf_counter()
        executed = papermill.execute_notebook(
            str(path),
            str(Path(scratch) / path.name),
            parameters=parameters,
            cwd=str(path.parent),
            progress_bar=False,
            log_output=False,
        )
        seconds = time.perf_counter() - started
    cell_seconds = sum(
        cell.get("metadata", {}).get("papermill", {}).get("duration") or 0.0
        for cell in executed["cells"]
    )
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return {
        "notebook": path.name,
        "seconds": seconds,
        "cell_seconds": cell_seconds,
        "peak_rss_mib": peak_kib / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(run_notebook(args.notebook.resolve())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
