"""raw_documents: the raw files with their hashes and layouts; the raw-folder sensor."""

import json

import dagster as dg

from pipeline.config import automation_on
from pipeline.defs.resources import BuildPaths
from pipeline.discover import discover_raw_files, raw_folder_fingerprint
from pipeline.leftovers import remove_leftovers
from pipeline.warehouse import readers_blocked


@dg.asset(group_name="ingest", description="Raw disclosures under the raw directory: name, size, sha256, layout.")
def raw_documents(context: dg.AssetExecutionContext, paths: BuildPaths) -> list[dict]:
    s = paths.settings
    skipped: list[tuple[str, str]] = []
    with paths.step_lock("raw_documents"):  # the build's first step: nothing of it writes yet
        for line in remove_leftovers(s.build_dir, s.warehouse):
            context.log.warning(line)
        files = discover_raw_files(s.raw_dir, s.build_dir, skipped)
    for name, why in skipped:
        context.log.warning(f"not read: {name}: {why}")
    context.add_output_metadata(
        {
            "documents": len(files),
            "layouts": json.dumps(sorted({f["layout"] for f in files})),
            "skipped": json.dumps([f"{name}: {why}" for name, why in skipped], ensure_ascii=False),
        }
    )
    return files


@dg.sensor(
    job_name="build_warehouse",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING if automation_on() else dg.DefaultSensorStatus.STOPPED,
)
def raw_files_sensor(context: dg.SensorEvaluationContext, paths: BuildPaths):
    """Start a build when files under the raw directory are added, changed or removed, or when new
    readers cannot open the published warehouse (a client holds it read-write): the build publishes
    a new file, which they open, and keeps what the client wrote (once per published file)."""
    s = paths.settings
    fingerprint = raw_folder_fingerprint(s.raw_dir)
    if fingerprint != context.cursor:
        context.update_cursor(fingerprint)
        return dg.RunRequest(run_key=fingerprint)
    blocked = readers_blocked(s.warehouse)
    if blocked:
        context.log.warning(f"{s.warehouse}: new readers are locked out ({blocked}); building to publish it again")
        return dg.RunRequest(run_key=f"readers-blocked-{s.warehouse.stat().st_ino}")
    return dg.SkipReason("raw directory unchanged")
