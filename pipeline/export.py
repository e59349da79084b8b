"""Every mart as Parquet, partitioned by year: for BI tools without a DuckDB driver and for sharing.

``<out>/<table>/year=2026/data_0.parquet`` (tables without a year: ``<out>/<table>.parquet``).
DuckDB reads it back with ``read_parquet('<out>/<table>/**/*.parquet', hive_partitioning = true)``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipeline.config import DUCKDB_MEMORY_LIMIT

MART_PREFIXES = ("dim_", "fct_", "mart_")
EXTRA_TABLES = ("document_status", "dq_check_result")


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
    ).fetchall()
    return [r[0] for r in rows if r[0].startswith(MART_PREFIXES) or r[0] in EXTRA_TABLES]


def export_parquet(warehouse: Path, out: Path) -> dict[str, int]:
    """Write every mart; returns rows per table. The export is replaced whole, never mixed."""
    staging = out.with_name(out.name + ".writing")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    counts: dict[str, int] = {}
    with duckdb.connect(str(warehouse), read_only=True, config={"memory_limit": DUCKDB_MEMORY_LIMIT}) as con:
        for table in mart_tables(con):
            columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            counts[table] = con.execute(f"select count(*) from {table}").fetchone()[0]
            if "year" in columns and len(columns) > 1:
                con.execute(f"copy (select * from {table} order by all) to '{staging / table}' (format parquet, partition_by (year))").fetchall()
            else:
                con.execute(f"copy (select * from {table} order by all) to '{staging / table}.parquet' (format parquet)").fetchall()
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return counts
