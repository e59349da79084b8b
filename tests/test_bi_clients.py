"""What a BI tool sees: the published warehouse opens in a DuckDB 1.x client, and every table and
column carries its description in the database itself."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest


def test_every_analyst_table_and_column_carries_its_description(sql):
    tables = sql("select table_name, comment from duckdb_tables() where schema_name = 'main' order by 1")
    assert tables and [name for name, comment in tables if not comment] == []
    columns = sql(
        "select table_name, column_name from duckdb_columns() where schema_name = 'main' and (comment is null or comment = '') "
        "and table_name in (select table_name from duckdb_tables() where schema_name = 'main')"
    )
    assert columns == []
    # the Chinese term beside the English, visible through information_schema too
    assert "收入总计" in sql(
        "select column_comment from information_schema.columns where table_name = 'mart_unit_year' and column_name = 'total_budget_wan'"
    )[0][0]


@pytest.fixture(scope="module")
def duckdb_1x(tmp_path_factory) -> Path:
    """A Python with the newest DuckDB 1.x client (what BI drivers still bundle), from the package registry."""
    where = tmp_path_factory.mktemp("duckdb1")
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "duckdb>=1,<2"], capture_output=True, text=True, timeout=600, check=False)
    if installed.returncode != 0:
        pytest.skip(f"no DuckDB 1.x client could be installed from the package registry: {installed.stderr[-300:]}")
    return python


def test_a_duckdb_1x_client_opens_the_published_warehouse(warehouse, duckdb_1x):
    probe = (
        "import duckdb, sys\n"
        f"con = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
        "print(duckdb.__version__, con.execute('select count(*) from mart_unit_year').fetchone()[0],"
        " con.execute(\"select comment from duckdb_tables() where table_name = 'mart_unit_year'\").fetchone()[0] is not None)\n"
    )
    result = subprocess.run([str(duckdb_1x), "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    version, rows, described = result.stdout.split()
    assert version.startswith("1.") and int(rows) == 5 and described == "True"
