"""DuckDB I/O: the staging schema (written incrementally) and atomic publishing.

Only the build writes, and only to ``.build/<name>.duckdb``. Publishing copies the finished
build to a temporary file beside the warehouse and renames it over the published file in
one atomic step: a reader holding the old file open keeps reading the old, complete
warehouse and is never blocked; a build killed at any moment leaves the published file as it was.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import DUCKDB_MEMORY_LIMIT, DUCKDB_STORAGE_VERSION, KEEP_CLIENT_WRITES
from pipeline.geography import GEOGRAPHY_SCHEMA, resolve
from pipeline.leftovers import PUBLISHING, stale_publishing_copies
from pipeline.rebuild import (
    changed_since_published,
    file_identity,
    geography_fingerprint,
    parser_fingerprint,
    publish_receipt,
    record_fingerprint,
    sql_literal,
    stored_fingerprint,
)
from pipeline.stage import SCHEMAS, StagedDocument

LOG = logging.getLogger(__name__)
STAGING = "parsed"  # the schema the Python parse stage writes (dbt reads it as source `parsed`)


def run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Execute and consume the result (DuckDB 2 refuses new work while a result is pending)."""
    return con.execute(sql, params or []).fetchall()


def _duck_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision}, {dtype.scale})"
    return {pl.String: "VARCHAR", pl.Int64: "BIGINT", pl.Int32: "INTEGER", pl.Boolean: "BOOLEAN", pl.Float64: "DOUBLE"}[
        dtype
    ]


def connect(database: Path | str) -> duckdb.DuckDBPyConnection:
    """A writable connection under the build's memory ceiling (DuckDB spills to disk beyond it).

    A file it creates is written in the storage format DuckDB 1.x clients read (the published
    warehouse is a copy of the build's file, so BI drivers bundling DuckDB 1.x open it).
    """
    return duckdb.connect(
        str(database),
        config={
            "memory_limit": DUCKDB_MEMORY_LIMIT,
            "preserve_insertion_order": False,
            "storage_compatibility_version": DUCKDB_STORAGE_VERSION,
        },
    )


def connect_build(build_db: Path) -> duckdb.DuckDBPyConnection:
    """The build's (or a parse shard's) database with its staging tables, fresh where the parser
    changed. A damaged one (truncated, overwritten, a WAL that does not replay) is set aside as
    ``<name>.damaged`` and built again from the raw files, with a warning saying so."""
    build_db.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open_build(build_db)
    except duckdb.Error as err:
        if not build_db.exists() or _is_lock_conflict(err):
            raise
        aside = set_aside_damaged(build_db)
        LOG.warning(
            f"{build_db}: the build database is damaged ({err}); set aside as {aside.name}, "
            "rebuilding it from the raw files"
        )
    return _open_build(build_db)


def _is_lock_conflict(err: duckdb.Error) -> bool:
    """Another process holds the file (a build lock elsewhere failed): nothing is damaged."""
    return "lock" in str(err).lower()


def set_aside_damaged(database: Path) -> Path:
    """Move a damaged database and its WAL out of the way (kept for a look; the last one only)."""
    aside = database.with_name(database.name + ".damaged")
    database.replace(aside)
    wal = database.with_name(database.name + ".wal")
    if wal.exists():
        wal.replace(aside.with_name(aside.name + ".wal"))
    return aside


def _open_build(build_db: Path) -> duckdb.DuckDBPyConnection:
    con = connect(build_db)
    try:
        _prepare_staging(con)
    except BaseException:
        con.close()
        raise
    return con


def _prepare_staging(con: duckdb.DuckDBPyConnection) -> None:
    fingerprint = parser_fingerprint()
    if stored_fingerprint(con, "parser") != fingerprint:
        for name in SCHEMAS:
            run(con, f"drop table if exists {STAGING}.{name}")
        record_fingerprint(con, "parser", fingerprint)
    for name, schema in SCHEMAS.items():
        run(con, f"create table if not exists {STAGING}.{name} ({_columns_sql(schema)})")
        run(con, f"select count(*) from {STAGING}.{name}")  # reads its metadata: damage shows here


def _columns_sql(schema: dict[str, pl.DataType]) -> str:
    return ", ".join(f"{col} {_duck_type(t)}" for col, t in schema.items())


def staged_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """file name → sha256 of every document already staged."""
    return dict(con.execute(f"select file_name, sha256 from {STAGING}.documents").fetchall())


def remove_documents(con: duckdb.DuckDBPyConnection, file_names: Iterable[str]) -> None:
    names = list(file_names)
    if not names:
        return
    ids = [
        r[0]
        for r in con.execute(
            f"select document_id from {STAGING}.documents where file_name in (select unnest(?))", [names]
        ).fetchall()
    ]
    for table in SCHEMAS:
        if table == "documents":
            run(con, f"delete from {STAGING}.documents where file_name in (select unnest(?))", [names])
        elif ids:
            # a document id is shared by identical content under two names: keep rows still referenced
            run(
                con,
                f"delete from {STAGING}.{table} where document_id in (select unnest(?)) "
                f"and document_id not in (select document_id from {STAGING}.documents)",
                [ids],
            )


def write_staged(con: duckdb.DuckDBPyConnection, batch: list[tuple[StagedDocument, str]]) -> None:
    """Replace the staged rows of a batch of documents (file name → parsed frames) in one transaction.

    Content already staged under another file name is recorded as a duplicate and not loaded twice.
    """
    if not batch:
        return
    run(con, "begin")
    try:
        remove_documents(con, [name for _, name in batch])
        present = {r[0] for r in run(con, f"select distinct document_id from {STAGING}.documents")}
        frames: dict[str, list[pl.DataFrame]] = {table: [] for table in SCHEMAS}
        for staged, file_name in batch:
            duplicate = staged.document_id in present
            present.add(staged.document_id)
            for table, frame in staged.frames.items():
                if table == "documents":
                    # the path under the raw directory: the same name may stand in two folders (2025/, 2026/)
                    frame = frame.with_columns(pl.lit(file_name).alias("file_name"))
                if table == "documents" and duplicate:
                    frame = frame.with_columns(
                        pl.lit("duplicate").alias("status"),
                        pl.lit("same content as a document already loaded under another file name").alias("reason"),
                    )
                elif duplicate:
                    continue
                if not frame.is_empty():
                    frames[table].append(frame)
        for table, parts in frames.items():
            if parts:
                con.register("incoming", pl.concat(parts, rechunk=True).to_arrow())  # one chunk: one scan
                run(con, f"insert into {STAGING}.{table} by name select * from incoming")
                con.unregister("incoming")
        run(con, "commit")
    except Exception:
        run(con, "rollback")
        raise


def merge_shards(con: duckdb.DuckDBPyConnection, shard_dbs: list[Path]) -> int:
    """Bring the staging tables up to date with the shard databases (each written by one parse
    step), copying only the documents that changed since the last merge; returns their number.

    A document changed when its row in ``documents`` differs between staging and its shard (new,
    removed, re-parsed, or now a duplicate); its rows in every table are replaced in one transaction.
    """
    existing = [p for p in shard_dbs if p.exists()]
    for i, path in enumerate(existing):
        run(con, f"attach {sql_literal(path)} as shard_{i} (read_only)")

    def in_shards(table: str) -> str:
        columns = ", ".join(SCHEMAS[table])
        sources = [f"select {columns} from shard_{i}.{STAGING}.{table}" for i in range(len(existing))]
        return " union all ".join(sources) or f"select {columns} from {STAGING}.{table} where false"

    try:
        run(con, f"create or replace temp table shard_documents as {in_shards('documents')}")
        run(
            con,
            f"""
            create or replace temp table changed_documents as
            select document_id from (select * from {STAGING}.documents except select * from shard_documents)
            union
            select document_id from (select * from shard_documents except select * from {STAGING}.documents)
        """,
        )
        changed = run(con, "select count(*) from changed_documents")[0][0]
        if changed:
            run(con, "begin")
            try:
                for table in SCHEMAS:
                    run(
                        con,
                        f"delete from {STAGING}.{table} where document_id in (select document_id from changed_documents)",
                    )
                    run(
                        con,
                        f"insert into {STAGING}.{table} by name select * from ({in_shards(table)}) "
                        f"where document_id in (select document_id from changed_documents)",
                    )
                run(con, "commit")
            except Exception:
                run(con, "rollback")
                raise
        return changed
    finally:
        for i in range(len(existing)):
            run(con, f"detach shard_{i}")


def update_geography(con: duckdb.DuckDBPyConnection) -> int:
    """Place every staged unit name: names new since the last run are resolved, names no longer
    staged are dropped (a unit's place depends on its name alone). Returns the names resolved."""
    fingerprint = geography_fingerprint()
    if stored_fingerprint(con, "geography") != fingerprint:
        run(con, f"drop table if exists {STAGING}.unit_geography")
        record_fingerprint(con, "geography", fingerprint)
    run(con, f"create table if not exists {STAGING}.unit_geography ({_columns_sql(GEOGRAPHY_SCHEMA)})")
    run(
        con,
        f"delete from {STAGING}.unit_geography where unit_name not in "
        f"(select unit_name from {STAGING}.documents where unit_name is not null)",
    )
    new_names = [
        r[0]
        for r in run(
            con,
            f"""
        select distinct unit_name from {STAGING}.documents where unit_name is not null
        except select unit_name from {STAGING}.unit_geography
    """,
        )
    ]
    if new_names:
        con.register("incoming_geography", resolve(new_names).to_arrow())
        run(con, f"insert into {STAGING}.unit_geography by name select * from incoming_geography")
        con.unregister("incoming_geography")
    return len(new_names)


def assemble_staging(build_db: str, shard_dbs: list[str]) -> dict[str, int]:
    """Merge the shard databases into the build's staging schema and place every unit; returns
    the rows of each staged table and how many documents and unit names were new to staging."""
    con = connect_build(Path(build_db))
    try:
        changed = merge_shards(con, [Path(p) for p in shard_dbs])
        resolved = update_geography(con)
        counts = {
            name: run(con, f"select count(*) from {STAGING}.{name}")[0][0] for name in [*SCHEMAS, "unit_geography"]
        }
        return {**counts, "documents_changed": changed, "unit_names_resolved": resolved}
    finally:
        con.close()


def publish(build_db: Path, warehouse: Path) -> Path:
    """Copy the finished build beside the warehouse and rename it into place atomically.

    The copy is ``.<name>.<pid>.publishing``: a copy that fails (a full disk) is removed before
    the error goes on, and copies left by a publishing process that no longer runs (killed) are
    removed first, so a full disk does not stay full. What a client wrote into the file being
    replaced is kept first (``keep_client_writes``); the new file's identity is recorded
    (``.<name>.published``) so the next publish can tell whether a client changed it."""
    with connect(build_db) as con:
        run(con, "checkpoint")
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_publishing_copies(warehouse):
        stale.unlink(missing_ok=True)
    temporary = warehouse.with_name(f".{warehouse.name}.{os.getpid()}{PUBLISHING}")
    try:
        shutil.copyfile(build_db, temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o444)  # clients are to open it read-only (a read-write one locks out every reader)
        keep_client_writes(warehouse)
        publish_receipt(warehouse).unlink(missing_ok=True)  # no record is better than a wrong one
        os.replace(temporary, warehouse)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        if err.errno != errno.ENOSPC:
            raise
        raise OSError(
            errno.ENOSPC,
            f"No space left on device in {warehouse.parent} to publish the warehouse "
            f"({build_db.stat().st_size:,} bytes needed); the published warehouse is as it was and the partial "
            "copy removed: free space there and build again (the next build publishes by itself)",
        ) from err
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _record_published(warehouse)
    prune_client_writes(warehouse, int(KEEP_CLIENT_WRITES.value()))
    return warehouse


def _record_published(warehouse: Path) -> None:
    """Record the published file's identity; where that fails (a full disk) the warehouse is
    published all the same, and the next publish cannot tell a client's checkpointed writes."""
    receipt = publish_receipt(warehouse)
    writing = receipt.with_name(receipt.name + _WRITING)
    try:
        writing.write_text(json.dumps(file_identity(warehouse)))
        writing.replace(receipt)
    except OSError as err:
        writing.unlink(missing_ok=True)
        LOG.warning(
            f"{receipt}: could not record the published file ({err}); the warehouse is published, but the next "
            "publish cannot tell whether a client wrote into it"
        )


def keep_client_writes(warehouse: Path) -> Path | None:
    """Set aside what a client wrote into the published file, before a new one replaces it.

    A client connected read-write either left a WAL beside the published file (every new reader
    of the next published file would fail replaying it, ``WAL does not match database file``), or
    checkpointed its writes into the file itself (``changed_since_published``); either way its
    own tables would be dropped with the old file. The old file (a hard link: a client still
    connected goes on writing into it) and its WAL are kept as
    ``<name>.client-writes-<time>-<pid>.duckdb`` beside it, with a warning; returns that path."""
    wal = warehouse.with_name(warehouse.name + ".wal")
    has_wal, changed = wal.exists(), changed_since_published(warehouse)
    if not has_wal and not changed:
        return None
    stamp = time.strftime("%Y%m%dT%H%M%S") + f".{time.time_ns() // 1000 % 1_000_000:06d}"
    kept = warehouse.with_name(f"{warehouse.stem}{_CLIENT_WRITES}{stamp}-{os.getpid()}{warehouse.suffix}")
    if warehouse.exists():
        os.link(warehouse, kept)
    if has_wal:
        wal.replace(kept.with_name(kept.name + ".wal"))
    how = "left a WAL beside it" if has_wal else "changed the file since it was published, its writes checkpointed"
    LOG.warning(
        f"{warehouse}: a client wrote into the published warehouse (a read-write connection {how}); BI tools "
        f"must connect read-only (see the README). What it wrote is kept in {kept}; the new warehouse is published"
    )
    return kept


def readers_blocked(warehouse: Path) -> str | None:
    """Why a new reader cannot open the published warehouse now, or None: a client holding it
    read-write (DuckDB's lock), or one whose WAL does not replay. Publishing a new file frees
    new readers (the blocking client keeps the old one)."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True):
            pass
    except duckdb.Error as err:
        return str(err).splitlines()[0]
    return None


_CLIENT_WRITES = ".client-writes-"
_WRITING = ".writing"  # a file being written, renamed into place when complete


def client_writes_files(warehouse: Path) -> list[Path]:
    """The client-writes files ``keep_client_writes`` made beside the warehouse, oldest first
    (by the time in their name); nothing else, whatever its name resembles."""
    pattern = re.compile(
        re.escape(warehouse.stem + _CLIENT_WRITES) + r"(\d{8}T\d{6}(?:\.\d{6})?)-(\d+)" + re.escape(warehouse.suffix)
    )
    kept = []
    for path in warehouse.parent.iterdir() if warehouse.parent.is_dir() else []:
        match = pattern.fullmatch(path.name)
        if match and path.is_file() and not path.is_symlink():
            kept.append((match.group(1), int(match.group(2)), path))
    return [path for *_, path in sorted(kept)]


def prune_client_writes(warehouse: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` client-writes files (and their WALs), each named in the
    log; returns what was removed."""
    kept = client_writes_files(warehouse)
    removed = kept[: max(len(kept) - max(keep, 0), 0)]
    for path in removed:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        LOG.warning(
            f"{path}: removed, an older copy of what a client wrote into the published warehouse "
            f"(the newest {keep} are kept: {KEEP_CLIENT_WRITES.name})"
        )
    return removed
