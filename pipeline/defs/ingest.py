"""raw_documents: discover the raw files, hash them, detect their layout; the file sensor."""


import hashlib
import json

import dagster as dg

from pipeline.config import settings
from pipeline.readers import detect_layout
from pipeline.warehouse import file_sha256


def is_raw_document(path) -> bool:
    """Hidden files and synthetic corpora's ``*.truth.json`` answer keys are not documents."""
    return path.is_file() and not path.name.startswith(".") and not path.name.endswith(".truth.json")


def discover_raw_files() -> list[dict]:
    raw_dir = settings().raw_dir
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory {raw_dir} does not exist: create it or set BUDGET_RAW_DIR / --raw-dir")
    files = []
    for path in sorted(p for p in raw_dir.rglob("*") if is_raw_document(p)):
        with open(path, "rb") as handle:
            head = handle.read(65536)
        files.append({
            "file_name": str(path.relative_to(raw_dir)),
            "path": str(path),
            "size_bytes": path.stat().st_size,
            "sha256": file_sha256(path),
            "layout": detect_layout(head) if head.strip() else "empty",
        })
    return files


@dg.asset(group_name="ingest", description="Raw disclosures under the raw directory: name, size, sha256, layout.")
def raw_documents(context: dg.AssetExecutionContext) -> list[dict]:
    files = discover_raw_files()
    context.add_output_metadata({
        "documents": len(files),
        "layouts": json.dumps(sorted({f["layout"] for f in files})),
    })
    return files


def _fingerprint() -> str:
    raw_dir = settings().raw_dir
    entries = sorted(
        (str(p.relative_to(raw_dir)), p.stat().st_size, p.stat().st_mtime_ns)
        for p in raw_dir.rglob("*") if is_raw_document(p)
    ) if raw_dir.is_dir() else []
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()


@dg.sensor(job_name="build_warehouse", minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def raw_files_sensor(context: dg.SensorEvaluationContext):
    """Start a build when files under the raw directory are added, changed or removed."""
    fingerprint = _fingerprint()
    if fingerprint == context.cursor:
        return dg.SkipReason("raw directory unchanged")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
