"""The report files a SageMaker Clarify job writes beside analysis.json: report.ipynb, .html, .pdf.

Real Clarify outputs hold ``report.html``, ``report.ipynb`` and ``report.pdf`` next to
analysis.json, in baselining jobs and in every monitoring execution (the 2023 and 2024 runs in
tests/fixtures/real/; the container's log: ``wkhtmltopdf -q …/report.html …/report.pdf``).
Their content, Clarify's charts and prose, is not published as a format [U]: the kit writes the
same three files with the numbers of analysis.json (and the violations, if any) as tables, says
in each that it is the twin's report, and needs no third-party tool. Reference: docs/fidelity.md.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from labkit.paths import os_error, write_text

__all__ = ["REPORT_FILES", "report_sections", "write_reports"]

REPORT_FILES = ("report.html", "report.ipynb", "report.pdf")
TITLE = "SageMaker Clarify analysis report (Drift Lab twin)"
NOTE = (
    "Written by the Drift Lab twin in place of Clarify's report: the tables hold the numbers of "
    "analysis.json; Clarify's own report adds charts and explanations."
)
Section = tuple[str, Sequence[str], Sequence[Sequence[str]]]  # heading, columns, rows


def report_sections(
    analysis: Mapping[str, Any], violations: Mapping[str, Any] | None
) -> list[Section]:
    """The tables of one report: bias metrics per stage, global SHAP values per label, violations."""
    sections: list[Section] = []
    for key, heading in (
        ("pre_training_bias_metrics", "Pre-training bias metrics"),
        ("post_training_bias_metrics", "Post-training bias metrics"),
    ):
        block = analysis.get(key)
        if not block:
            continue
        rows = [
            [facet, group["value_or_threshold"], m["name"], m["description"], _cell(m)]
            for facet, groups in block["facets"].items()
            for group in groups
            for m in group["metrics"]
        ]
        sections.append(
            (heading, ["facet", "value_or_threshold", "metric", "description", "value"], rows)
        )
    for label, entry in (analysis.get("explanations", {}).get("kernel_shap") or {}).items():
        values = sorted(entry["global_shap_values"].items(), key=lambda kv: -abs(kv[1]))
        rows = [[feature, repr(float(v))] for feature, v in values]
        rows.append(["expected_value", repr(float(entry["expected_value"]))])
        sections.append((f"Global SHAP values, label {label}", ["feature", "value"], rows))
    if violations and violations.get("violations"):
        entries = violations["violations"]
        columns = list(entries[0])
        sections.append(
            ("Constraint violations", columns, [[str(v[c]) for c in columns] for v in entries])
        )
    return sections


def write_reports(
    directory: str | Path, analysis: Mapping[str, Any], violations: Mapping[str, Any] | None = None
) -> list[Path]:
    """Write report.html, report.ipynb and report.pdf into ``directory``; return their paths."""
    directory = Path(directory)
    sections = report_sections(analysis, violations)
    return [
        write_text(directory / "report.html", _html(sections)),
        write_text(directory / "report.ipynb", _notebook(sections)),
        _write_pdf(directory / "report.pdf", _lines(sections)),
    ]


def _cell(metric: Mapping[str, Any]) -> str:
    value = metric.get("value")
    if value is None:
        return f"error: {metric.get('error', '')}"
    return value if isinstance(value, str) else repr(float(value))


def _html(sections: list[Section]) -> str:
    parts = [f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{TITLE}</title></head><body>",
             f"<h1>{TITLE}</h1>", f"<p>{html.escape(NOTE)}</p>"]  # fmt: skip
    for heading, columns, rows in sections:
        parts.append(f'<h2>{html.escape(heading)}</h2><table border="1">')
        parts.append("<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>")
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>")
        parts.append("</table>")
    return "\n".join(parts) + "\n</body></html>\n"


def _notebook(sections: list[Section]) -> str:
    cells = [_markdown(f"# {TITLE}\n{NOTE}")]
    for heading, columns, rows in sections:
        table = [f"| {' | '.join(columns)} |", f"|{'---|' * len(columns)}"]
        table += [f"| {' | '.join(str(v).replace('|', '/') for v in row)} |" for row in rows]
        cells.append(_markdown(f"## {heading}\n" + "\n".join(table)))
    document = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def _markdown(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    return {
        "cell_type": "markdown",
        "metadata": {},
        "source": [line + "\n" for line in lines[:-1]] + lines[-1:],
    }


def _lines(sections: list[Section]) -> list[str]:
    out = [TITLE, NOTE, ""]
    for heading, columns, rows in sections:
        out += [heading, "  ".join(columns)]
        out += ["  ".join(str(v) for v in row) for row in rows]
        out.append("")
    return out


def _write_pdf(path: Path, lines: list[str], per_page: int = 60) -> Path:
    """A plain PDF 1.4: the lines in 8-point Courier, ``per_page`` to an A4 page."""

    def text(s: str) -> str:
        s = s.encode("latin-1", "replace").decode("latin-1")[:120]
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    kids = []
    for page in pages:
        body = "BT /F1 8 Tf 36 806 Td 11 TL " + " ".join(f"({text(s)}) '" for s in page) + " ET"
        objects.append(f"<< /Length {len(body.encode('latin-1'))} >>\nstream\n{body}\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>")  # fmt: skip
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    data, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    data += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode("latin-1")
    data += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode(
            "latin-1"
        )
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise os_error(exc, path) from None
    return path
