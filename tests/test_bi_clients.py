"""What a BI tool sees: the published warehouse opens in a DuckDB 1.x client, every table and
column carries its description in the database itself, and SQLAlchemy (Superset's way in) reflects
every table, with types and descriptions, through a read-only connection."""

from __future__ import annotations

import shutil
import subprocess
import venv
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa


def test_every_analyst_table_and_column_carries_its_description(sql):
    tables = sql("select table_name, comment from duckdb_tables() where schema_name = 'main' order by 1")
    assert tables and [name for name, comment in tables if not comment] == []
    columns = sql(
        "select table_name, column_name from duckdb_columns() where schema_name = 'main' and (comment is null or comment = '') "
        "and table_name in (select table_name from duckdb_tables() where schema_name = 'main')"
    )
    assert columns == []
    # the Chinese term beside the English, visible through information_schema too
    assert (
        "收入总计"
        in sql(
            "select column_comment from information_schema.columns where table_name = 'mart_unit_year' and column_name = 'total_budget_wan'"
        )[0][0]
    )


@pytest.fixture(scope="module")
def duckdb_1x(tmp_path_factory) -> Path:
    """A Python with the newest DuckDB 1.x client (what BI drivers still bundle), from the package registry."""
    where = tmp_path_factory.mktemp("duckdb1")
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "duckdb>=1,<2"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
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


# --- Reflection, the way Superset (or anything on SQLAlchemy) does it before it queries a table ---

# duckdb_engine warns on every index reflection (Table autoload too) that it reflects none; DuckDB tables here have none
pytestmark = pytest.mark.filterwarnings("ignore:duckdb-engine doesn't yet support reflection on indices")

# what each DuckDB column type must reflect as, for a BI tool to offer the right filters and aggregates
GENERIC_TYPE = {
    "VARCHAR": sa.String,
    "INTEGER": sa.Integer,
    "BIGINT": sa.Integer,
    "DOUBLE": sa.Float,
    "BOOLEAN": sa.Boolean,
    "DATE": sa.Date,
    "TIMESTAMP": sa.DateTime,
}


@pytest.fixture(scope="module")
def bi_engine(warehouse, tmp_path_factory):
    """A read-only SQLAlchemy engine on the published warehouse, opened with the URL the README gives.

    It opens a byte-for-byte copy: a BI tool runs in its own process, whereas inside this one the
    session ``sql`` fixture already holds the file open with a plain duckdb configuration, and DuckDB
    refuses a second in-process connection to the same file with a different one (duckdb_engine adds
    its user agent). The copy keeps the name budget.duckdb, so the catalog is ``budget`` as in production.
    """
    copy = tmp_path_factory.mktemp("bi") / "budget.duckdb"
    shutil.copyfile(warehouse, copy)
    engine = sa.create_engine(f"duckdb:///{copy}?access_mode=read_only")
    yield engine
    engine.dispose()


def _main_tables(sql) -> list[str]:
    return [name for (name,) in sql("select table_name from duckdb_tables() where schema_name = 'main' order by 1")]


def test_a_bi_tool_lists_the_schema_and_every_analyst_table(bi_engine, sql):
    inspector = sa.inspect(bi_engine)
    assert "budget.main" in inspector.get_schema_names()  # what Superset's schema picker offers
    expected = _main_tables(sql)
    assert {"mart_unit_year", "dim_unit", "fct_appropriation", "dq_check_result"} <= set(expected)
    for schema in ("main", "budget.main"):
        assert sorted(inspector.get_table_names(schema=schema)) == expected
    views = [
        name for (name,) in sql("select view_name from duckdb_views() where schema_name = 'main' and not internal")
    ]
    assert sorted(inspector.get_view_names(schema="main")) == sorted(views)


def test_every_table_in_main_autoloads_with_typed_described_columns(bi_engine, sql):
    metadata = sa.MetaData()
    for name in _main_tables(sql):
        table = sa.Table(name, metadata, autoload_with=bi_engine)
        declared = sql(
            "select column_name, data_type, comment from duckdb_columns() "
            "where schema_name = 'main' and table_name = ? order by column_index",
            name,
        )
        assert [column.name for column in table.columns] == [column for column, _, _ in declared], name
        assert table.comment, f"{name}: no table comment reflected"
        for (column, data_type, comment), reflected in zip(declared, table.columns):
            where = f"{name}.{column} ({data_type})"
            assert reflected.comment == comment and reflected.comment, where
            assert not isinstance(reflected.type, sa.types.NullType), where
            if data_type.startswith("DECIMAL"):
                precision, scale = map(int, data_type[len("DECIMAL(") : -1].split(","))
                assert isinstance(reflected.type, sa.Numeric) and not isinstance(reflected.type, sa.Float), where
                assert (reflected.type.precision, reflected.type.scale) == (precision, scale), where
            else:
                assert isinstance(reflected.type, GENERIC_TYPE[data_type]), where


def test_constraint_and_index_reflection_answers_for_every_table(bi_engine, sql):
    """These calls failed with 'Type with name REGCLASS does not exist!' on SQLAlchemy >= 2.0.55."""
    inspector = sa.inspect(bi_engine)
    declared = sql(
        "select table_name, constraint_type, constraint_column_names from duckdb_constraints() "
        "where schema_name = 'main' and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE')"
    )
    for name in _main_tables(sql):
        ours = {
            kind: sorted(tuple(columns) for table, k, columns in declared if table == name and k == kind)
            for kind in ("PRIMARY KEY", "FOREIGN KEY", "UNIQUE")
        }
        primary = inspector.get_pk_constraint(name, schema="main")["constrained_columns"]
        assert ([tuple(primary)] if primary else []) == ours["PRIMARY KEY"], name
        foreign = inspector.get_foreign_keys(name, schema="main")
        assert sorted(tuple(fk["constrained_columns"]) for fk in foreign) == ours["FOREIGN KEY"], name
        unique = inspector.get_unique_constraints(name, schema="main")
        assert sorted(tuple(u["column_names"]) for u in unique) == ours["UNIQUE"], name
        assert isinstance(inspector.get_check_constraints(name, schema="main"), list)
        assert inspector.get_indexes(name, schema="main") == []


def test_mart_unit_year_reflects_with_its_descriptions_and_types(bi_engine, sql):
    """get_columns failed with 'Referenced table "pg_catalog.pg_collation" not found!' on SQLAlchemy 2.1."""
    inspector = sa.inspect(bi_engine)
    columns = {column["name"]: column for column in inspector.get_columns("mart_unit_year", schema="main")}
    assert [name for name, column in columns.items() if not column.get("comment")] == []
    assert "收入总计" in columns["total_budget_wan"]["comment"]
    assert isinstance(columns["total_budget_wan"]["type"], sa.Numeric)
    assert not isinstance(columns["total_budget_wan"]["type"], sa.Float)  # exact 万元, not binary floating point
    assert isinstance(columns["year"]["type"], sa.Integer)
    for name in ("unit_name", "doc_kind", "unit_key"):
        assert isinstance(columns[name]["type"], sa.String), name
    comment = inspector.get_table_comment("mart_unit_year", schema="main")["text"]
    assert comment and comment == sql("select comment from duckdb_tables() where table_name = 'mart_unit_year'")[0][0]


def test_a_select_on_a_reflected_table_returns_the_sample_rows(bi_engine, sql):
    units = sa.Table("mart_unit_year", sa.MetaData(), autoload_with=bi_engine)
    query = sa.select(units.c.unit_name, units.c.year, units.c.total_budget_wan).order_by(
        units.c.unit_name, units.c.year
    )
    with bi_engine.connect() as con:
        rows = [tuple(row) for row in con.execute(query)]
        by_year = dict(con.execute(sa.select(units.c.year, sa.func.count()).group_by(units.c.year)).all())
    assert len(rows) == 5  # one row per sample document
    assert rows == sql("select unit_name, year, total_budget_wan from mart_unit_year order by unit_name, year")
    assert all(isinstance(total, Decimal) and total > 0 and isinstance(year, int) for _, year, total in rows)
    assert sum(by_year.values()) == 5


def test_the_read_only_url_refuses_writes(bi_engine):
    with bi_engine.connect() as con:
        assert con.execute(sa.text("select current_setting('access_mode')")).scalar() == "read_only"
        with pytest.raises(sa.exc.DBAPIError, match="read-only"):
            con.execute(sa.text("create table written_by_a_bi_tool (x integer)"))
