"""A nightly run after documents were added, superseded and removed gives exactly the warehouse
and Parquet export a build from scratch gives (built there in batches of two documents), while
doing only the changed documents' work: staging merges only them, the dbt facts are incremental
(no full refresh), and the export keeps the files whose rows did not change."""

from pathlib import Path

import duckdb

from pipeline.export import mart_tables
from tests.conftest import REPO, build_log, build_warehouse


def _marts(warehouse: Path) -> dict[str, list[str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in mart_tables(con)}


def _exported(export: Path, warehouse: Path) -> dict[str, list[str]]:
    """Every exported table read back by DuckDB, in the warehouse's column order."""
    tables = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in mart_tables(con):
            columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            source = (
                f"read_parquet('{export / table}/**/*.parquet', hive_partitioning = true)"
                if (export / table).is_dir()
                else f"read_parquet('{export / table}.parquet')"
            )
            rows = con.execute(f"select {', '.join(columns)} from {source}").fetchall()
            tables[table] = sorted(map(repr, rows))
    return tables


def test_a_nightly_run_equals_a_build_from_scratch_and_redoes_only_what_changed(raw_copy, tmp_path):
    nightly = tmp_path / "nightly" / "budget.duckdb"
    documents = sorted(raw_copy.iterdir())
    copy = raw_copy / "zz_copy_of_001.txt"  # a duplicate (same content, another name) ...
    copy.write_bytes(documents[1].read_bytes())
    first = build_warehouse(raw_copy, nightly)
    assert first.returncode == 0, first.stderr[-3000:]
    export = nightly.parent / "parquet"
    inodes = {p.relative_to(export): p.stat().st_ino for p in export.rglob("*.parquet")}

    # a new year of one unit; a newer file for another unit's year (supersedes it); one removed;
    # the duplicate's original removed (the copy must now stand for that unit, as from scratch)
    (raw_copy / "000_next_year.txt").write_text(
        documents[0].read_text(encoding="utf-8").replace("2026", "2027"), encoding="utf-8"
    )
    (raw_copy / "002_revised.txt").write_text(
        documents[2].read_text(encoding="utf-8") + "\n附注：无。\n", encoding="utf-8"
    )
    documents[3].unlink()
    documents[1].unlink()
    second = build_warehouse(raw_copy, nightly)
    assert second.returncode == 0, second.stderr[-3000:]
    log = build_log(second)
    assert "staging: 4 documents changed" in log
    assert "full refresh" not in log
    # every document-keyed model ran incrementally (the nightly path), none was rebuilt whole
    incremental = len(
        [
            m
            for m in (REPO / "dbt_project" / "models").rglob("*.sql")
            if "incremental_by_document_config" in m.read_text(encoding="utf-8")
        ]
    )
    assert f"Finished running {incremental} incremental models" in log

    # from scratch, every document-keyed model built two documents per query (several batches)
    scratch = tmp_path / "scratch" / "budget.duckdb"
    assert build_warehouse(raw_copy, scratch, BUDGET_DOCUMENT_BATCH_SIZE="2").returncode == 0
    nightly_marts, scratch_marts = _marts(nightly), _marts(scratch)
    assert nightly_marts.keys() == scratch_marts.keys()
    for table in scratch_marts:
        assert nightly_marts[table] == scratch_marts[table], table
    with duckdb.connect(str(nightly), read_only=True) as con:
        status = dict(con.execute("select file_name, status from document_status").fetchall())
        assert status["000_next_year.txt"] == "loaded" and status[documents[2].name] == "superseded"
        assert documents[3].name not in status and documents[1].name not in status
        assert status[copy.name] == "loaded"
        assert con.execute("select count(*) from fct_three_public where year = 2027").fetchone()[0] == 1
    with duckdb.connect(str(scratch), read_only=True) as con:
        assert con.execute("select count(distinct document_id) from dq_check_result").fetchone()[0] == len(
            list(raw_copy.iterdir())
        )
        assert not con.execute(
            "select table_name from information_schema.tables where table_name like '%document_batches'"
        ).fetchall()

    # the export after the nightly run reads back as the warehouse, and as a scratch export does
    assert (
        _exported(export, nightly)
        == _exported(scratch.parent / "parquet", scratch)
        == {t: rows for t, rows in scratch_marts.items()}
    )
    after = {p.relative_to(export): p.stat().st_ino for p in export.rglob("*.parquet")}
    kept = [name for name, inode in after.items() if inodes.get(name) == inode]
    assert kept, "unchanged Parquet files are linked from the previous export, not written again"
    assert len(kept) < len(after)
    assert Path("fct_table_line/year=2027") in {name.parent for name in after}


def test_raw_files_are_hashed_once_until_they_change(raw_copy, tmp_path, monkeypatch):
    from pipeline import discover

    build_dir = tmp_path / "wh" / ".build"
    first = discover.discover_raw_files(raw_copy, build_dir)
    hashed = []
    monkeypatch.setattr(discover, "file_sha256", lambda path: hashed.append(path.name) or "0" * 64)
    assert discover.discover_raw_files(raw_copy, build_dir) == first and hashed == []
    changed = sorted(raw_copy.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = discover.discover_raw_files(raw_copy, build_dir)
    assert hashed == [changed.name]
    assert [f["sha256"] for f in again if f["file_name"] != changed.name] == [
        f["sha256"] for f in first if f["file_name"] != changed.name
    ]
