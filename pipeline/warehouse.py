"""DuckDB I/O: the staging schema (written incrementally) and atomic publishing.

Only the build writes, and only to ``.build/<name>.duckdb``. Publishing copies the finished
build to a temporary file beside the warehouse and renames it over the published file in
one atomic step: a reader holding the old file open keeps reading the old, complete
warehouse and is never blocked; a build killed at any moment leaves the published file as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from pipeline.config import DUCKDB_MEMORY_LIMIT
from pipeline.stage import SCHEMAS, StagedDocument

STAGING = "staging"


def run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Execute and consume the result (DuckDB 2 refuses new work while a result is pending)."""
    return con.execute(sql, params or []).fetchall()


def _duck_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision}, {dtype.scale})"
    return {pl.String: "VARCHAR", pl.Int64: "BIGINT", pl.Int32: "INTEGER", pl.Boolean: "BOOLEAN"}[dtype]


def parser_fingerprint() -> str:
    """A hash of the parsing code: staged rows from another parser version are parsed again."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    sources = [package / "stage.py", package / "cleaning.py", package / "intermediate.py"]
    for folder in ("readers", "tables", "narrative"):
        sources += sorted((package / folder).glob("*.py"))
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def connect_build(build_db: Path) -> duckdb.DuckDBPyConnection:
    build_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(build_db), config={"memory_limit": DUCKDB_MEMORY_LIMIT, "preserve_insertion_order": False})
    run(con, f"create schema if not exists {STAGING}")
    run(con, f"create table if not exists {STAGING}.parser_version (fingerprint varchar)")
    fingerprint = parser_fingerprint()
    stored = run(con, f"select fingerprint from {STAGING}.parser_version")
    if stored != [(fingerprint,)]:
        for name in SCHEMAS:
            run(con, f"drop table if exists {STAGING}.{name}")
        run(con, f"delete from {STAGING}.parser_version")
        run(con, f"insert into {STAGING}.parser_version values (?)", [fingerprint])
    for name, schema in SCHEMAS.items():
        columns = ", ".join(f"{col} {_duck_type(t)}" for col, t in schema.items())
        run(con, f"create table if not exists {STAGING}.{name} ({columns})")
    return con


def staged_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """file name → sha256 of every document already staged."""
    return dict(con.execute(f"select file_name, sha256 from {STAGING}.documents").fetchall())


def remove_documents(con: duckdb.DuckDBPyConnection, file_names: Iterable[str]) -> None:
    names = list(file_names)
    if not names:
        return
    ids = [r[0] for r in con.execute(
        f"select document_id from {STAGING}.documents where file_name in (select unnest(?))", [names]
    ).fetchall()]
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
        for staged, _file_name in batch:
            duplicate = staged.document_id in present
            present.add(staged.document_id)
            for table, frame in staged.frames.items():
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
                con.register("incoming", pl.concat(parts).to_arrow())
                run(con, f"insert into {STAGING}.{table} by name select * from incoming")
                con.unregister("incoming")
        run(con, "commit")
    except Exception:
        run(con, "rollback")
        raise


def merge_shards(con: duckdb.DuckDBPyConnection, shard_dbs: list[Path]) -> None:
    """Assemble the staging tables from the shard databases (each written by one parse step)."""
    existing = [p for p in shard_dbs if p.exists()]
    for i, path in enumerate(existing):
        run(con, f"attach '{path}' as shard_{i} (read_only)")
    try:
        for table, schema in SCHEMAS.items():
            columns = ", ".join(schema)
            sources = " union all ".join(f"select {columns} from shard_{i}.{STAGING}.{table}" for i in range(len(existing)))
            if sources:
                run(con, f"create or replace table {STAGING}.{table} as {sources}")
            else:
                run(con, f"delete from {STAGING}.{table}")
    finally:
        for i in range(len(existing)):
            run(con, f"detach shard_{i}")


def replace_geography(con: duckdb.DuckDBPyConnection, geography: pl.DataFrame) -> None:
    """The place of every staged unit name (recomputed each run: cheap, and names come and go)."""
    con.register("incoming_geography", geography.to_arrow())
    run(con, f"create or replace table {STAGING}.unit_geography as select * from incoming_geography")
    con.unregister("incoming_geography")


def publish(build_db: Path, warehouse: Path) -> Path:
    """Copy the finished build beside the warehouse and rename it into place atomically."""
    with duckdb.connect(str(build_db)) as con:
        run(con, "checkpoint")
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    temporary = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.publishing")
    shutil.copyfile(build_db, temporary)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, warehouse)
    return warehouse


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
