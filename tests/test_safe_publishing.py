"""Publishing: readers are never blocked and never see a half-built warehouse; a killed build
leaves the last warehouse intact; two builds of the same files give the same warehouse."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import RAW, build_warehouse

READER = r"""
import sys, time
from pathlib import Path
import sqlalchemy as sa
engine = sa.create_engine(f"duckdb:///{sys.argv[1]}", connect_args={"read_only": True})
stop, deadline = Path(sys.argv[2]), time.time() + 300
queries = 0
with engine.connect() as con:  # held open for the whole build, as a BI tool does
    while not stop.exists() and time.time() < deadline:
        units = con.execute(sa.text("select count(*) from mart_unit_year")).scalar()
        checks = con.execute(sa.text("select count(*) from dq_check_result")).scalar()
        assert units == 5 and checks > 0, (units, checks)
        queries += 1
        time.sleep(0.05)
print(queries)
"""

MARTS = [
    "dim_unit",
    "dim_year",
    "dim_subject",
    "fct_appropriation",
    "fct_economic_spending",
    "fct_three_public",
    "fct_assets",
    "fct_project",
    "fct_budget_change",
    "fct_table_line",
    "mart_unit_year",
    "document_status",
    "dq_check_result",
]


def _snapshot(warehouse: Path) -> dict[str, list]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in MARTS}


def test_a_bi_client_holding_the_warehouse_open_is_never_blocked_during_a_build(warehouse, tmp_path):
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    result = build_warehouse(RAW, warehouse)  # rebuild and publish over the file the reader holds
    assert result.returncode == 0, result.stderr[-2000:]
    time.sleep(1.0)  # a few queries of the published file after the build
    stop.touch()
    out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err[-2000:]
    assert int(out) > 50
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from mart_unit_year").fetchone()[0] == 5


def test_a_build_killed_midway_leaves_the_published_warehouse_intact(warehouse, tmp_path):
    before = _snapshot(warehouse)
    # a build with work to do (one document changed): a build with nothing new ends in a second
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    changed = sorted(raw.iterdir())[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附注：无。\n", encoding="utf-8")
    budget = Path(sys.executable).parent / "budget"
    env = dict(os.environ)
    process = subprocess.Popen(
        [str(budget), "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    # wait until dbt is writing the build database, then kill the whole process group
    build_db = warehouse.parent / ".build" / warehouse.name
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:
        wal = build_db.with_name(build_db.name + ".wal")
        if wal.exists() or (build_db.exists() and time.time() - build_db.stat().st_mtime < 1):
            time.sleep(1.0)
            break
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert _snapshot(warehouse) == before
    result = build_warehouse(RAW, warehouse)  # no manual clean-up; the documents as they were
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert _snapshot(warehouse) == before


def test_two_builds_of_the_same_files_give_identical_warehouses(warehouse, tmp_path):
    second = tmp_path / "second" / "budget.duckdb"
    assert build_warehouse(RAW, second).returncode == 0
    assert _snapshot(second) == _snapshot(warehouse)


def _finished_build(tmp_path: Path) -> Path:
    build_db = tmp_path / ".build" / "budget.duckdb"
    build_db.parent.mkdir()
    with duckdb.connect(str(build_db)) as con:
        con.execute("create table mart_unit_year as select 1 as unit_key")
    return build_db


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_copies_left_by_a_killed_publish_are_removed_and_a_running_ones_kept(tmp_path):
    from pipeline.warehouse import publish

    warehouse = tmp_path / "budget.duckdb"
    left_by_kill = tmp_path / f".budget.duckdb.{_dead_pid()}.publishing"
    running = tmp_path / f".budget.duckdb.{os.getppid()}.publishing"  # a live process's copy
    not_ours = tmp_path / ".other.duckdb.1.publishing"
    for path in (left_by_kill, running, not_ours):
        path.write_bytes(b"x" * 1000)
    publish(_finished_build(tmp_path), warehouse)
    assert not left_by_kill.exists() and running.exists() and not_ours.exists()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from mart_unit_year").fetchone() == (1,)


def test_a_publish_that_fails_midway_leaves_no_copy_and_the_warehouse_as_it_was(tmp_path, monkeypatch):
    from pipeline import warehouse as warehouse_module

    warehouse = tmp_path / "budget.duckdb"
    warehouse.write_bytes(b"yesterday")

    def disk_full(source, target):
        Path(target).write_bytes(b"part")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(warehouse_module.shutil, "copyfile", disk_full)
    with pytest.raises(OSError, match="No space left"):
        warehouse_module.publish(_finished_build(tmp_path), warehouse)
    assert warehouse.read_bytes() == b"yesterday"
    assert list(tmp_path.glob("*.publishing")) == []
