"""A night with nothing new: ``budget build`` decides so before Dagster is imported, does no dbt
work and publishes nothing; any change the build job would act on still starts it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from pipeline import rebuild
from pipeline.config import settings
from tests.conftest import RAW, REPO, build_log, build_warehouse

# ``budget build`` in a fresh interpreter that then says which of the heavy libraries it imported
_BUILD_AND_SAY_IMPORTS = """
import sys
from pipeline.cli import main
code = main(["build", "--raw-dir", sys.argv[1], "--warehouse", sys.argv[2]])
print("imported:", sorted(m for m in ("dagster", "dagster_dbt", "dagster_dask", "dbt", "polars") if m in sys.modules))
sys.exit(code)
"""


def _build_saying_imports(raw: Path, warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _BUILD_AND_SAY_IMPORTS, str(raw), str(warehouse)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A raw folder and the warehouse built from it once."""
    raw = tmp_path_factory.mktemp("nothing_new") / "raw"
    shutil.copytree(RAW, raw)
    warehouse = raw.parent / "wh" / "budget.duckdb"
    result = build_warehouse(raw, warehouse)
    assert result.returncode == 0, result.stderr[-3000:]
    return raw, warehouse


def test_a_build_with_nothing_new_imports_no_dagster_does_no_dbt_work_and_publishes_nothing(built):
    raw, warehouse = built
    before = warehouse.stat()
    result = _build_saying_imports(raw, warehouse)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "nothing changed since the last build: the published warehouse is current" in result.stdout
    assert "imported: []" in result.stdout  # neither Dagster nor dbt, nor the parser's polars
    log = build_log(result)
    assert "nothing new: the build job is not started" in log and "no dbt work" in log
    after = warehouse.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not published again


def test_any_change_the_build_job_acts_on_is_not_nothing_new(built, monkeypatch):
    raw, warehouse = built
    s = settings(raw, warehouse)
    assert rebuild.nothing_new(s) is not None
    documents = sorted(raw.iterdir())

    aside = raw.parent / "aside.txt"
    documents[0].rename(aside)  # removed
    assert rebuild.nothing_new(s) is None
    aside.rename(raw / "new_name.txt")  # renamed: removed and added
    assert rebuild.nothing_new(s) is None
    (raw / "new_name.txt").rename(documents[0])
    assert rebuild.nothing_new(s) is not None

    with monkeypatch.context() as m:  # another shard count: files move between shards
        m.setattr(rebuild, "SHARDS", rebuild.SHARDS + 1)
        assert rebuild.nothing_new(s) is None
    with monkeypatch.context() as m:  # another dbt project: its manifest and the marts are out of date
        m.setattr(rebuild, "dbt_project_fingerprint", lambda: "another dbt project")
        assert rebuild.nothing_new(s) is None
    with monkeypatch.context() as m:  # another parser: every document is parsed again
        m.setattr(rebuild, "parser_fingerprint", lambda: "another parser")
        assert rebuild.nothing_new(s) is None
    with monkeypatch.context() as m:  # another place resolver
        m.setattr(rebuild, "geography_fingerprint", lambda: "another resolver")
        assert rebuild.nothing_new(s) is None

    left = warehouse.with_name(f".{warehouse.name}.999999999.publishing")  # a killed build's copy
    left.write_bytes(b"")
    assert rebuild.nothing_new(s) is None
    left.unlink()
    stat = warehouse.stat()  # a client wrote into the published file
    os.utime(warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert rebuild.nothing_new(s) is None
    os.utime(warehouse, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert rebuild.nothing_new(s) is not None


def test_the_nightly_schedule_starts_no_run_on_a_night_with_nothing_new(built, monkeypatch):
    """The schedule makes `budget build`'s check first: a night with nothing new launches no run."""
    import dagster as dg

    from pipeline.defs import schedules
    from pipeline.defs.resources import BuildPaths

    raw, warehouse = built
    context = dg.build_schedule_context(
        resources={"paths": BuildPaths(raw_dir=str(raw), warehouse=str(warehouse))},
        scheduled_execution_time=datetime(2026, 12, 2, 2, 0),
    )
    skipped = schedules.nightly_build(context)
    assert isinstance(skipped, dg.SkipReason) and "none added, changed or removed" in skipped.skip_message
    monkeypatch.setattr(schedules, "nothing_new", lambda s: None)  # the build has work to do
    requested = schedules.nightly_build(context)
    assert isinstance(requested, dg.RunRequest) and requested.run_key == "nightly-2026-12-02"


def test_a_changed_file_after_a_night_with_nothing_new_is_built_and_published(built):
    raw, warehouse = built
    before = warehouse.stat().st_ino
    changed = sorted(raw.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附注：无。\n", encoding="utf-8")
    result = build_warehouse(raw, warehouse)
    assert result.returncode == 0, result.stderr[-3000:]
    log = build_log(result)
    assert "nothing new" not in log
    # the file's old content goes from staging and its new content comes: two documents
    assert "staging: 2 documents changed" in log and "documents changed: building the changed documents" in log
    assert warehouse.stat().st_ino != before  # published again
