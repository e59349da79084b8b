"""raw_documents: discover the raw files, hash them, detect their layout; the file sensor."""


import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from pipeline.config import automation_on, settings
from pipeline.readers import detect_layout
from pipeline.warehouse import file_sha256


def is_raw_document(name: str) -> bool:
    """Hidden files and synthetic corpora's ``*.truth.json`` answer keys are not documents."""
    return not name.startswith(".") and not name.endswith(".truth.json")


def _raw_files(directory: Path) -> list[tuple[Path, list[int]]]:
    """Every raw document under ``directory`` (recursively, sorted) with its status key.

    ``os.scandir`` reads each entry's type from the directory listing and stats each file
    once: at tens of thousands of files this is several times faster than ``Path.rglob``."""
    return sorted(_walk(directory), key=lambda item: str(item[0]))


def _walk(directory: Path):
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():  # as Path.rglob: no loops through links
                yield from _walk(Path(entry.path))
            elif entry.is_file() and is_raw_document(entry.name):
                yield Path(entry.path), _stat_key(entry.stat())


def _stat_key(stat: os.stat_result) -> list[int]:
    """What changes when a file is written or replaced (size, modification and change times, inode)."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _describe(path, raw_dir, size_bytes: int) -> dict:
    with open(path, "rb") as handle:
        head = handle.read(65536)
    return {
        "file_name": str(path.relative_to(raw_dir)),
        "path": str(path),
        "size_bytes": size_bytes,
        "sha256": file_sha256(path),
        "layout": detect_layout(head) if head.strip() else "empty",
    }


def discover_raw_files() -> list[dict]:
    """Every raw document with its sha256 and layout. Hashes are cached in the build directory
    by file status (as git's index does): an untouched file is not read again."""
    s = settings()
    if not s.raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory {s.raw_dir} does not exist: create it or set BUDGET_RAW_DIR / --raw-dir")
    cache_path = s.build_dir / "raw_files.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    files, fresh_cache = [], {}
    for path, key in _raw_files(s.raw_dir):
        cached = cache.get(str(path))
        entry = cached["entry"] if cached and cached["stat"] == key else _describe(path, s.raw_dir, size_bytes=key[0])
        fresh_cache[str(path)] = {"stat": key, "entry": entry}
        files.append(entry)
    s.build_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_path.with_suffix(".writing")
    temporary.write_text(json.dumps(fresh_cache, ensure_ascii=False))
    temporary.replace(cache_path)
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
    entries = [(str(path.relative_to(raw_dir)), *key) for path, key in _raw_files(raw_dir)] if raw_dir.is_dir() else []
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()


@dg.sensor(
    job_name="build_warehouse",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING if automation_on() else dg.DefaultSensorStatus.STOPPED,
)
def raw_files_sensor(context: dg.SensorEvaluationContext):
    """Start a build when files under the raw directory are added, changed or removed."""
    fingerprint = _fingerprint()
    if fingerprint == context.cursor:
        return dg.SkipReason("raw directory unchanged")
    context.update_cursor(fingerprint)
    return dg.RunRequest(run_key=fingerprint)
