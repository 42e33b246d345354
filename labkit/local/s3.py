"""Files between the local S3 and a processing job's folders, as SageMaker Processing moves them.

SageMaker Processing downloads each ``S3Prefix`` input to its ``LocalPath`` before the container
starts and uploads each output ``LocalPath`` to its ``S3Uri`` when it ends (AWS: "Data
Processing with Processing jobs", processing-job). ``download_prefix`` keeps the part of each key
after the prefix's last ``/``, so ``s3://b/data/train.csv`` lands as ``LocalPath/train.csv`` and
``s3://b/capture/ep/`` brings its ``AllTraffic/yyyy/mm/dd/hh/…`` tree along.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labkit.aws.requests import split_s3_uri

__all__ = ["download_prefix", "join", "list_keys", "upload_directory"]


def join(uri: str, *parts: str) -> str:
    """``s3://b/a`` + ``x``, ``y/`` → ``s3://b/a/x/y`` (one slash between parts)."""
    pieces = [uri.rstrip("/")] + [p.strip("/") for p in parts if p and p.strip("/")]
    return "/".join(pieces)


def list_keys(s3: Any, uri: str) -> list[str]:
    """Every key that starts with the URI's key prefix, in key order (no bucket: none)."""
    bucket, prefix = split_s3_uri(uri)
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(item["Key"] for p in pages for item in p.get("Contents", []))
    except s3.exceptions.NoSuchBucket:
        return []


def download_prefix(s3: Any, uri: str, directory: Path) -> list[Path]:
    """Copy every object under ``uri`` into ``directory``; returns the files written."""
    bucket, prefix = split_s3_uri(uri)
    base = prefix[: prefix.rfind("/") + 1]
    written = []
    for key in list_keys(s3, uri):
        relative = key[len(base) :]
        if not relative or relative.endswith("/"):
            continue  # a folder marker
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        written.append(target)
    return written


def upload_directory(s3: Any, directory: Path, uri: str) -> list[str]:
    """Upload every file under ``directory`` to ``uri`` + its relative path; returns the URIs."""
    bucket, prefix = split_s3_uri(uri)
    uploaded = []
    if not directory.is_dir():
        return uploaded
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        key = "/".join(filter(None, [prefix.strip("/"), path.relative_to(directory).as_posix()]))
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
        uploaded.append(f"s3://{bucket}/{key}")
    return uploaded
