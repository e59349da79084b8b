"""A build that was killed, failed or met a damaged database heals the next time: its temporary
files are removed at the next start (only files it writes itself), a full disk while publishing
leaves yesterday's warehouse whole and the next build publishes by itself, and damage that shows
only once the build database is read is set aside and built again from the raw files."""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest
from dagster._utils.error import SerializableErrorInfo
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from pipeline import cli, heal, rebuild
from pipeline import warehouse as warehouse_module
from pipeline.config import SHARDS, settings
from pipeline.defs import transform
from pipeline.defs.ingest import raw_documents
from pipeline.defs.parse import parsed_tables
from pipeline.defs.resources import BuildPaths, ParseSettings
from pipeline.defs.transform import _build_healing
from pipeline.discover import discover_raw_files
from pipeline.heal import BuildDatabaseDamaged, reads_whole
from pipeline.leftovers import leftovers, remove_leftovers
from pipeline.shards import parse_shard, shard_db
from pipeline.warehouse import assemble_staging
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
    assert f"No space left on device in {tmp_path} to publish the warehouse" in str(failure.value)
    assert "free space there and build again" in str(failure.value)
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


# ---------------------------------------------------------------- damage that shows once read


def _damage_a_block_of(database: Path, table: str) -> None:
    """Overwrite one block of ``table``'s data: the database opens and every other table reads,
    but reading ``table`` fails DuckDB's checksum (as a bad sector does)."""
    pristine = database.read_bytes()
    block, header = 262_144, 12_288
    for index in reversed(range((len(pristine) - header) // block)):  # the newest table is near the end
        at = header + index * block + 64
        database.write_bytes(pristine[:at] + b"\xff" * 64 + pristine[at + 64 :])
        if _only_damaged(database, table):
            return
    raise AssertionError(f"no block of {database} holds only {table}'s data")


def _only_damaged(database: Path, table: str) -> bool:
    try:
        with duckdb.connect(str(database)) as con:
            for schema, name in con.execute("select schema_name, table_name from duckdb_tables()").fetchall():
                if f"{schema}.{name}" != table:
                    con.execute(f"select min(hash(columns(*))) from {schema}.{name}").fetchall()
    except duckdb.Error:
        return False
    try:
        with duckdb.connect(str(database)) as con:
            con.execute(f"select min(hash(columns(*))) from {table}").fetchall()
    except duckdb.Error as err:
        return "Corrupt database file" in str(err)
    return False


@pytest.fixture
def built(tmp_path):
    """A build folder as a finished build leaves it: the parse shards, the staging and a mart."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(sorted(RAW.glob("*.txt"))[0].read_bytes())
    s = settings(raw, tmp_path / "wh" / "budget.duckdb")
    files = discover_raw_files(s.raw_dir, s.build_dir)
    for index in range(SHARDS):
        parse_shard(index, files, 1, s.build_dir)
    assemble_staging(str(s.build_db), [str(shard_db(s.build_dir, i)) for i in range(SHARDS)])
    with duckdb.connect(str(s.build_db)) as con:  # a mart of a few blocks, as dbt leaves it
        con.execute("create table fct_table_line as select range as id, md5(range::varchar) as line from range(60000)")
        con.execute("checkpoint")
    return s


class _Dbt:
    """dbt as the asset runs it: each build reads the build database (where damage shows, dbt
    reports DuckDB's error among its own lines, as DagsterDbtCliRuntimeError), or fails as told."""

    def __init__(self, s, fail_with: str | None = None):
        self.s, self.fail_with, self.calls = s, fail_with, []

    def cli(self, arguments, **_):
        self.calls.append(arguments)
        return self

    def stream(self):
        staged = None
        try:
            with duckdb.connect(str(self.s.build_db)) as con:
                staged = con.execute("select count(*) from parsed.documents").fetchone()[0]
                if duckdb_tables_named(con, "fct_table_line"):
                    con.execute("select min(hash(columns(*))) from fct_table_line").fetchall()
        except duckdb.Error as err:
            raise DagsterDbtCliRuntimeError(
                "The dbt CLI process failed with exit code `1`.\n\nErrors parsed from dbt logs:\n"
                f"Failure in model fct_table_line (models/marts/fct_table_line.sql)\n  {err}"
            ) from None
        if self.fail_with:
            raise DagsterDbtCliRuntimeError(self.fail_with)
        yield dg.Output(staged, output_name="fct_table_line")


def duckdb_tables_named(con, name: str) -> bool:
    return bool(con.execute("select 1 from duckdb_tables() where table_name = ?", [name]).fetchall())


def _context():
    return SimpleNamespace(
        log=logging.getLogger("dbt_models"), selected_asset_keys=set(), assets_def=SimpleNamespace(keys={"all"})
    )


def test_a_build_database_damaged_inside_the_dbt_step_is_set_aside_and_built_again_from_the_raw_files(built, caplog):
    _damage_a_block_of(built.build_db, "main.fct_table_line")
    dbt = _Dbt(built)
    events = list(_build_healing(_context(), dbt, built, 1))
    assert [e.value for e in events] == [1]  # the second build's outputs, once; staging whole again
    assert dbt.calls[-1] == rebuild.FULL_REFRESH and len(dbt.calls) == 2
    assert (built.build_dir / "budget.duckdb.damaged").exists()
    assert "the build database is damaged (Corrupt database file" in caplog.text
    assert "set aside as budget.duckdb.damaged" in caplog.text and "built again from the raw files" in caplog.text


def test_a_damaged_parse_shard_is_set_aside_and_its_raw_files_parsed_again(built, caplog):
    [shard] = [p for p in built.build_dir.glob("parse_shard_*.duckdb") if p.stat().st_size > 1_100_000]
    with duckdb.connect(str(shard)) as con:  # a shard of a few blocks, as a large corpus leaves it
        con.execute("create table parsed.padding as select range as id, md5(range::varchar) as v from range(60000)")
        con.execute("checkpoint")
    _damage_a_block_of(shard, "parsed.padding")
    _damage_a_block_of(built.build_db, "main.fct_table_line")
    events = list(_build_healing(_context(), _Dbt(built), built, 1))
    assert [e.value for e in events] == [1]
    assert shard.with_name(shard.name + ".damaged").exists() and reads_whole(shard) is None
    assert f"{shard}: damaged too" in caplog.text and "their raw files parsed again" in caplog.text


def test_an_error_in_the_code_or_the_models_stops_the_build_and_nothing_is_set_aside(built):
    dbt = _Dbt(built, fail_with="Compilation Error in model mart_unit_year: column total_wan not found")
    with pytest.raises(DagsterDbtCliRuntimeError, match="Compilation Error in model mart_unit_year"):
        list(_build_healing(_context(), dbt, built, 1))
    assert len(dbt.calls) == 1 and not (built.build_dir / "budget.duckdb.damaged").exists()


def test_damage_again_after_building_anew_stops_the_build_naming_the_disk(built, monkeypatch):
    _damage_a_block_of(built.build_db, "main.fct_table_line")
    real_assemble = heal.assemble_staging

    def assemble_then_damage(build_db, shard_dbs):
        real_assemble(build_db, shard_dbs)
        with duckdb.connect(build_db) as con:
            con.execute("create table fct_table_line as select range as id, md5(range::varchar) as v from range(60000)")
            con.execute("checkpoint")
        _damage_a_block_of(Path(build_db), "main.fct_table_line")

    monkeypatch.setattr(heal, "in_child_process", lambda function, *args: assemble_then_damage(*args))
    with pytest.raises(BuildDatabaseDamaged, match=r"damaged again .* the disk under .* may be failing"):
        list(_build_healing(_context(), _Dbt(built), built, 1))


def test_damage_met_while_merging_the_parse_shards_is_set_aside_and_built_again(built, caplog):
    [shard] = [p for p in built.build_dir.glob("parse_shard_*.duckdb") if p.stat().st_size > 1_100_000]
    with duckdb.connect(str(shard)) as con:  # a shard of many documents, as a large corpus leaves it
        con.execute(
            "insert into parsed.documents (document_id, file_name, sha256, status) "
            "select md5(range::varchar), range::varchar || '.txt', md5(range::varchar), 'loaded' from range(60000)"
        )
        con.execute("checkpoint")
    _damage_a_block_of(shard, "parsed.documents")
    paths = BuildPaths(raw_dir=str(built.raw_dir), warehouse=str(built.warehouse))
    result = dg.materialize([parsed_tables], resources={"paths": paths, "parsing": ParseSettings(workers=1)})
    assert result.success
    with duckdb.connect(str(built.build_db), read_only=True) as con:
        assert con.execute("select file_name from parsed.documents").fetchall() == [("a.txt",)]
    assert shard.with_name(shard.name + ".damaged").exists() and reads_whole(shard) is None
    assert (built.build_dir / "budget.duckdb.damaged").exists()


def test_a_published_file_a_client_wrote_into_is_published_again_though_no_document_changed(built, caplog):
    with duckdb.connect(str(built.build_db)) as con:  # as the last dbt build leaves its stamps
        rebuild.record_fingerprint(con, "transform", rebuild.transform_fingerprint())
        rebuild.record_fingerprint(con, "staging", rebuild.staging_fingerprint(con))
    warehouse_module.publish(built.build_db, built.warehouse)
    dbt = _Dbt(built)
    assert list(transform._build_models(_context(), dbt, built)) == [] and dbt.calls == []  # nothing to do
    with duckdb.connect(str(built.warehouse)) as client:  # root ignores the file's 0444
        client.execute("create table my_notes as select 42 as answer")
        client.execute("checkpoint")
    list(transform._build_models(_context(), dbt, built))
    assert dbt.calls == [rebuild.INCREMENTAL_BUILD]
    assert "changed since it was published (a client connected read-write)" in caplog.text


_FLOOD = """
import os
from pathlib import Path
from pipeline.console import logs_to_file
with logs_to_file(Path("/dev/full"), echo=False) as terminal:  # every write to it: ENOSPC
    for _ in range(64):
        os.write(1, b"x" * 65536)  # 4 MB, far more than a pipe holds
    terminal.write("done\\n")
"""


def test_a_log_file_on_a_full_disk_never_stops_the_build_writing(tmp_path):
    # Regression: the thread copying the build's output to its log died on ENOSPC, the pipe filled,
    # and `budget build` (and dbt under it) waited on it for ever, holding the build lock
    result = subprocess.run(
        [sys.executable, "-c", _FLOOD],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "the log /dev/full cannot be written (No space left on device)" in result.stderr
    assert result.stderr.rstrip().endswith("done")


def _failed_step(error: SerializableErrorInfo):
    return SimpleNamespace(step_failure_data=SimpleNamespace(error=error))


def test_a_build_failing_on_a_full_disk_says_the_error_under_dagsters_and_what_to_do(tmp_path):
    full = SerializableErrorInfo("OSError: [Errno 28] No space left on device\n", [], "OSError")
    wrapped = SerializableErrorInfo(
        'Error occurred while executing op "parse__parse_shard_1":', [], "DagsterExecutionStepExecutionError", full
    )
    said = cli._first_error_line(_failed_step(wrapped))
    assert said == "OSError: [Errno 28] No space left on device"
    message = cli.failure_message(
        f"build failed at parse__parse_shard_1: {said}", tmp_path / "budget.duckdb", Path("x")
    )
    assert f"the disk holding {tmp_path} is full: free space there and build again" in message
    other = cli.failure_message("build failed at dbt_models: Compilation Error", tmp_path / "budget.duckdb", Path("x"))
    assert other.endswith("the log says which step and why: x")
