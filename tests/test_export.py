"""`budget export --format parquet` writes every mart partitioned by year; DuckDB reads back the same rows."""

import subprocess
import sys
from pathlib import Path

import duckdb

from tests.test_safe_publishing import MARTS


def test_parquet_export_reads_back_to_the_same_rows(warehouse, tmp_path):
    out = tmp_path / "parquet"
    budget = Path(sys.executable).parent / "budget"
    result = subprocess.run([str(budget), "export", "--format", "parquet", "--warehouse", str(warehouse), "--out", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (out / "mart_unit_year" / "year=2026").is_dir() and (out / "mart_unit_year" / "year=2025").is_dir()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in MARTS:
            columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            source = (f"read_parquet('{out / table}/**/*.parquet', hive_partitioning = true)" if "year" in columns and len(columns) > 1
                      else f"read_parquet('{out / table}.parquet')")
            listed = ", ".join(columns)
            original = sorted(map(repr, con.execute(f"select {listed} from {table}").fetchall()))
            exported = sorted(map(repr, con.execute(f"select {listed} from {source}").fetchall()))
            assert exported == original, table
