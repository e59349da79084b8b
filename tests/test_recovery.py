"""A build that was killed, failed or met a damaged database heals the next time: its temporary
files are removed at the next start (only files it writes itself), a full disk while publishing
leaves yesterday's warehouse whole and the next build publishes by itself, and damage that shows
only once the build database is read is set aside and built again from the raw files."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline import rebuild
from pipeline import warehouse as warehouse_module
from pipeline.defs.ingest import raw_documents
from pipeline.defs.resources import BuildPaths
from pipeline.leftovers import leftovers, remove_leftovers
from tests.conftest import RAW


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _left_by_a_killed_build(folder: Path) -> tuple[list[Path], list[Path]]:
    """(what a killed build leaves, files beside them that are not the program's)."""
    build = folder / ".build"
    (build / "progress").mkdir(parents=True)
    (build / "budget.duckdb.tmp").mkdir()
    (build / "parse_shard_1.duckdb").write_bytes(b"a database")
    (build / "parse_shard_1.duckdb.wal").write_bytes(b"its WAL: committed writes to replay")
    ours = [
        folder / f".budget.duckdb.{_dead_pid()}.publishing",
        folder / ".budget.duckdb.published.writing",
        build / "raw_files.writing",
        build / "progress" / "parse_shard_0.writing",
        build / "parse_shard_3.duckdb.wal",  # its database is gone
        build / "budget.duckdb.tmp" / "duckdb_temp_storage_S32K-0.tmp",
    ]
    not_ours = [
        folder / ".budget.duckdb.notes.publishing",
        folder / "budget.duckdb.writing",
        folder / "parquet" / "notes.writing",
        build / "parse_shard_1.duckdb",
        build / "parse_shard_1.duckdb.wal",
        build / "budget.duckdb.tmp" / "my_notes.txt",
        build / "raw_files.json",
    ]
    for path in ours + not_ours:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(b"x" * 100)
    return ours, not_ours


def test_the_temporary_files_of_a_killed_build_are_removed_and_nothing_else(tmp_path):
    ours, not_ours = _left_by_a_killed_build(tmp_path)
    assert sorted(leftovers(tmp_path / ".build", tmp_path / "budget.duckdb")) == sorted(ours)
    said = remove_leftovers(tmp_path / ".build", tmp_path / "budget.duckdb")
    assert [p for p in ours if p.exists()] == [] and all(p.exists() for p in not_ours)
    assert len(said) == len(ours) and all("left by a build that was killed or failed" in line for line in said)
    assert (tmp_path / ".build" / "budget.duckdb.tmp").exists()  # it still holds a file not DuckDB's


def test_the_next_build_removes_them_at_its_start(tmp_path):
    ours, _ = _left_by_a_killed_build(tmp_path)
    (tmp_path / ".build" / "budget.duckdb.tmp" / "my_notes.txt").unlink()
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(sorted(RAW.glob("*.txt"))[0].read_bytes())
    paths = BuildPaths(raw_dir=str(raw), warehouse=str(tmp_path / "budget.duckdb"))
    result = dg.materialize([raw_documents], resources={"paths": paths})
    assert result.success and len(result.output_for_node("raw_documents")) == 1
    assert [p for p in ours if p.exists()] == []
    assert not (tmp_path / ".build" / "budget.duckdb.tmp").exists()  # DuckDB's spill folder, emptied
    assert (tmp_path / ".build" / "parse_shard_1.duckdb.wal").exists()


def _build_db(path: Path, value: int, staging: str) -> Path:
    """A finished build as dbt leaves it: its table and the staged documents' fingerprint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(f"create or replace table answer as select {value} as v")
        rebuild.record_fingerprint(con, "staging", staging)
    return path


def test_a_full_disk_while_publishing_leaves_yesterday_whole_and_the_next_build_publishes_by_itself(
    tmp_path, monkeypatch
):
    warehouse = tmp_path / "budget.duckdb"
    build_db = tmp_path / ".build" / "budget.duckdb"
    warehouse_module.publish(_build_db(build_db, 1, "yesterday"), warehouse)
    _build_db(build_db, 2, "today")
    real_copy = warehouse_module.shutil.copyfile

    def disk_full(source, target):
        with open(source, "rb") as src, open(target, "wb") as dst:
            dst.write(src.read(4096))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(warehouse_module.shutil, "copyfile", disk_full)
    with pytest.raises(OSError) as failure:
        warehouse_module.publish(build_db, warehouse)
    assert failure.value.errno == errno.ENOSPC
    assert list(tmp_path.glob(".*.publishing")) == []  # the partial copy is gone: the disk is not left full
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select v from answer").fetchall() == [(1,)]
    monkeypatch.setattr(warehouse_module.shutil, "copyfile", real_copy)  # space freed

    with duckdb.connect(str(build_db)) as con:
        built = rebuild.stored_fingerprint(con, "staging")
    step = rebuild.dbt_step(
        built_transform="t",
        current_transform="t",
        built_staging=built,
        current_staging="today",
        published_staging=rebuild.published_fingerprint(warehouse, "staging"),
    )
    assert step.arguments is not None and "not the last build" in step.reason  # published the next night
    warehouse_module.publish(build_db, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select v from answer").fetchall() == [(2,)]
    assert list(tmp_path.glob("budget.client-writes-*")) == []  # nothing mistaken for a client's writes
