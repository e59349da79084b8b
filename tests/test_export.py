"""`budget export --format parquet` writes every mart partitioned by year; DuckDB reads back the same rows."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.test_safe_publishing import MARTS


def test_parquet_export_reads_back_to_the_same_rows(warehouse, tmp_path):
    out = tmp_path / "parquet"
    budget = Path(sys.executable).parent / "budget"
    result = subprocess.run(
        [str(budget), "export", "--format", "parquet", "--warehouse", str(warehouse), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "mart_unit_year" / "year=2026").is_dir() and (out / "mart_unit_year" / "year=2025").is_dir()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in MARTS:
            columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            source = (
                f"read_parquet('{out / table}/**/*.parquet', hive_partitioning = true)"
                if "year" in columns and len(columns) > 1
                else f"read_parquet('{out / table}.parquet')"
            )
            listed = ", ".join(columns)
            original = sorted(map(repr, con.execute(f"select {listed} from {table}").fetchall()))
            exported = sorted(map(repr, con.execute(f"select {listed} from {source}").fetchall()))
            assert exported == original, table


def test_export_refuses_a_folder_it_did_not_write_and_touches_nothing(warehouse, tmp_path):
    # Regression: `--out .` used to delete the working folder
    mine = tmp_path / "my_files"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    budget = Path(sys.executable).parent / "budget"
    result = subprocess.run(
        [str(budget), "export", "--warehouse", str(warehouse), "--out", str(mine)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 2 and "not written by budget export" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"] and (mine / "notes.txt").read_text() == "keep me"
    assert not (tmp_path / "my_files.writing").exists()
    # a folder a previous export wrote is replaced as before
    again = tmp_path / "exported"
    for _ in range(2):
        assert (
            subprocess.run(
                [str(budget), "export", "--warehouse", str(warehouse), "--out", str(again)],
                capture_output=True,
                text=True,
                check=False,
            ).returncode
            == 0
        )


def test_two_folders_are_exchanged_in_one_step(tmp_path):
    from pipeline.export import exchange_folders

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "new.txt").write_text("new")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old.txt").write_text("old")
    assert exchange_folders(tmp_path / "a", tmp_path / "b")  # Linux, as CI and deployments run
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["new.txt"]
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["old.txt"]


def test_a_reader_listing_the_export_never_finds_it_missing_while_it_is_replaced(warehouse, tmp_path):
    import threading

    from pipeline.export import CHECKSUMS, export_parquet

    copy = tmp_path / "budget.duckdb"  # its own file: this process may hold the session's open
    shutil.copy(warehouse, copy)
    out = tmp_path / "parquet"
    export_parquet(copy, out)
    expected = sorted(p.name for p in out.iterdir())
    seen_incomplete, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                names = sorted(p.name for p in out.iterdir())
            except FileNotFoundError:
                names = []
            if names != expected:
                seen_incomplete.append(names)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(3):
            export_parquet(copy, out)
    finally:
        stop.set()
        reader.join()
    assert seen_incomplete == []
    assert (out / CHECKSUMS).exists() and not list(tmp_path.glob("*.writing"))
