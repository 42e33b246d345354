"""The ground-truth merge job a model-quality execution runs before its analysis job.

A real execution is two processing jobs (AWS "Ingest Ground Truth labels and merge them with
predictions"; requests logged on 2021-05-06): the ``sagemaker-model-monitor-groundtruth-merger``
image reads the captured hours under ``dataset_source`` (``/opt/ml/processing/input_data``) and
the labels under ``ground_truth_source`` (``/opt/ml/processing/groundtruth``), and writes the
merged records to ``output_path``; the analyzer then reads those with ``dataset_format``
``{"sagemakerMergeJson": ...}``. The merged files keep the capture's
``{endpoint}/{variant}/yyyy/mm/dd/hh`` folders [C: the analysis job's input S3Uri is the merge
output + that path]. The join is the twin's ``merge_ground_truth`` (inferenceId, else eventId).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from labkit.analyzer import contract as c
from labkit.analyzer import datasets
from labkit.analyzer.contract import JobFailure
from labkit.analyzer.job import JobContext, JobResult

__all__ = ["MERGED_FILE_NAME", "MERGE_MESSAGE", "run"]

MERGED_FILE_NAME = "merged.jsonl"  # [U] the merger's file names are not published
MERGE_MESSAGE = "Completed: Job completed successfully."  # [U] the merger's ExitMessage


def run(context: JobContext) -> JobResult:
    """Join the window's captured records with their labels and write the merged hours."""
    from labkit.capture import join_key, read_capture, write_jsonl
    from labkit.ground_truth import read_ground_truth
    from labkit.model_quality import merge_ground_truth
    from labkit.model_quality.merge import DUPLICATE_LABELS_KEEP

    source, files = datasets.dataset_files(context, suffixes=(".jsonl",))
    start, end = context.time(c.START_TIME), context.time(c.END_TIME)
    captured = []  # (record, its folder below dataset_source)
    for file in files:
        read = read_capture(file, start=start, end=end)
        if read.n_quarantined:
            raise read.quarantined[0].error()
        captured.extend((record, file.parent.relative_to(source)) for record in read.records)
    if not captured:
        raise JobFailure(c.NO_DATA_REASON)
    labels_root = context.path(context.require(c.GROUND_TRUTH_SOURCE))
    if not labels_root.exists() or not any(p.is_file() for p in labels_root.rglob("*")):
        raise JobFailure(c.NO_DATA_REASON)
    labels = read_ground_truth(labels_root)
    if labels.n_quarantined:
        raise labels.quarantined[0].error()
    records = [record for record, _ in captured]
    result = merge_ground_truth(
        records, labels.records, inference_attribute=None, probability_attribute=None
    )
    matched = set(result.frame["event_id"])
    used = {}  # the label merge_ground_truth used for each key
    for label in labels.records if DUPLICATE_LABELS_KEEP == "last" else reversed(labels.records):
        used[label.event_id] = label
    output = context.path(context.require(c.OUTPUT_PATH))
    folders: dict[Path, list[str]] = defaultdict(list)
    for record, folder in captured:
        if record.event_id in matched:
            folders[folder].append(_line(datasets.merged_record(record, used[join_key(record)])))
    for folder, lines in folders.items():
        write_jsonl(output / folder / MERGED_FILE_NAME, lines)
    n_merged = sum(len(lines) for lines in folders.values())
    print(
        f"merged {n_merged} of {result.n_captured} captured record(s) with {result.n_labelled} label(s): "
        f"{result.n_unmatched_captures} capture(s) without a label, {result.n_unmatched_labels} label(s) "
        f"without a capture, {result.n_duplicate_labels} superseded label(s)"
    )
    if n_merged == 0:
        raise JobFailure(c.NO_DATA_REASON)
    return JobResult(MERGE_MESSAGE)


def _line(record: dict) -> str:
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)
