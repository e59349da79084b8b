"""Every mart as Parquet, partitioned by year: for BI tools without a DuckDB driver and for sharing.

Layout: ``<out>/<table>/year=2026/part-03.parquet`` (a NULL year is DuckDB's
``year=__HIVE_DEFAULT_PARTITION__``); tables without a year: ``<out>/<table>.parquet``. Rows of
tables carrying a document_id are spread over a fixed number of files per year by a hash of the
document, so one new document rewrites one file per table, not the whole year. Read back with
``read_parquet('<out>/<table>/**/*.parquet', hive_partitioning = true)``.

Incremental: ``<out>/_checksums.json`` records each file's row count and content hash; a file
whose rows are unchanged is hard-linked from the previous export instead of written again. The
new export is assembled beside the old one and swapped in whole, so the two are never mixed: on
Linux the two folders are exchanged in one step (``renameat2(RENAME_EXCHANGE)``), so a reader
listing ``<out>`` sees the old export or the new one, never a missing folder.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
from pathlib import Path

import duckdb

from pipeline.config import DUCKDB_MEMORY_LIMIT
from pipeline.warehouse import sql_literal

MART_PREFIXES = ("dim_", "fct_", "mart_")
EXTRA_TABLES = ("document_status", "dq_check_result")
FILES_PER_YEAR = 16
CHECKSUMS = "_checksums.json"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
    ).fetchall()
    return [r[0] for r in rows if r[0].startswith(MART_PREFIXES) or r[0] in EXTRA_TABLES]


def _file_of(table: str, year, part: int | None) -> str:
    if part is None:
        return f"{table}.parquet"
    return f"{table}/year={NULL_PARTITION if year is None else year}/part-{part:02d}.parquet"


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a filesystem without hard links
        shutil.copy2(source, target)


def _export_table(
    con: duckdb.DuckDBPyConnection, table: str, previous: dict[str, str], old: Path, new: Path
) -> dict[str, str]:
    """Write (or link from the previous export) every file of one table; returns file → checksum."""
    described = con.execute(f"describe {table}").fetchall()
    columns = [r[0] for r in described]
    schema = ",".join(f"{r[0]} {r[1]}" for r in described)
    partitioned = "year" in columns and len(columns) > 1
    part = f"hash(document_id) % {FILES_PER_YEAR}" if "document_id" in columns else "0"
    keys = "year, " + part if partitioned else "null, null"
    sums = con.execute(f"select {keys}, count(*), sum(hash(t)::hugeint) from {table} as t group by all").fetchall()
    if not sums:
        # an empty table (e.g. no final accounts read yet) is one empty file with its columns, not no file
        sums = [(None, None, 0, None)]
        partitioned = False
    checksums, stale = {}, []
    for year, file_part, rows, content in sums:
        name = _file_of(table, year, file_part)
        checksums[name] = f"{schema}|{rows}|{content}"
        if previous.get(name) == checksums[name] and (old / name).exists():
            (new / name).parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(old / name, new / name)
        else:
            stale.append((year, file_part))
    if not stale:
        return checksums
    if not partitioned:
        con.execute(f"copy {table} to {sql_literal(new / _file_of(table, None, None))} (format parquet)").fetchall()
        return checksums
    # one pass writes every stale file, as <table>/year=Y/part=P/data_0.parquet, then renamed
    writing = new / f"{table}.writing"
    con.execute("create or replace temp table stale_files (year integer, part ubigint)").fetchall()
    con.executemany("insert into stale_files values (?, ?)", stale)
    con.execute(f"""
        copy (
            select t.*, {part} as part from {table} as t
            where exists (select 1 from stale_files as s where s.year is not distinct from t.year and s.part = {part})
        ) to {sql_literal(writing)} (format parquet, partition_by (year, part))
    """).fetchall()
    for year, file_part in stale:
        written = writing / f"year={NULL_PARTITION if year is None else year}" / f"part={file_part}" / "data_0.parquet"
        target = new / _file_of(table, year, file_part)
        target.parent.mkdir(parents=True, exist_ok=True)
        written.rename(target)
    shutil.rmtree(writing)
    return checksums


class ExportRefused(Exception):
    """The export folder holds files a previous export did not write: nothing is touched."""


def export_parquet(warehouse: Path, out: Path) -> dict[str, int]:
    """Write every mart, reusing the unchanged files of the previous export; returns rows per table.

    The export replaces only a folder it wrote itself (one with its ``_checksums.json``) or an
    empty one: any other folder is refused, whatever it holds.
    """
    out = out.resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / CHECKSUMS).exists())):
        raise ExportRefused(
            f"{out} is not empty and was not written by budget export; nothing was changed. "
            "Give --out a new or empty folder, or one a previous export wrote"
        )
    new = out.with_name(out.name + ".writing")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    previous = json.loads((out / CHECKSUMS).read_text()) if (out / CHECKSUMS).exists() else {}
    checksums: dict[str, str] = {}
    counts: dict[str, int] = {}
    config = {"memory_limit": DUCKDB_MEMORY_LIMIT, "temp_directory": str(new / ".spill")}
    with duckdb.connect(str(warehouse), read_only=True, config=config) as con:
        con.execute("set enable_progress_bar = false").fetchall()
        for table in mart_tables(con):
            counts[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            checksums.update(_export_table(con, table, previous, out, new))
    shutil.rmtree(new / ".spill", ignore_errors=True)
    (new / CHECKSUMS).write_text(json.dumps(checksums, indent=0, sort_keys=True))
    if not out.exists():
        new.rename(out)
    elif exchange_folders(new, out):
        # ``new`` now holds the previous export: kept until the next export as ``<out>.previous``, so
        # that a reader in the middle of listing or reading it finishes (its files are not emptied
        # under it); the one before that goes
        kept = out.with_name(out.name + ".previous")
        shutil.rmtree(kept, ignore_errors=True)
        new.rename(kept)
    else:  # a system without the exchange: a moment without the folder
        shutil.rmtree(out)
        new.rename(out)
    return counts


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange_folders(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where
    the system or file system cannot (then nothing was changed)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), f"{a} <-> {b}")
