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


def _stat_key(path) -> list[int]:
    """What changes when a file is written or replaced (size, modification and change times, inode)."""
    stat = path.stat()
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
    for path in sorted(p for p in s.raw_dir.rglob("*") if is_raw_document(p)):
        key = _stat_key(path)
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
    entries = sorted(
        (str(p.relative_to(raw_dir)), *_stat_key(p)) for p in raw_dir.rglob("*") if is_raw_document(p)
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
