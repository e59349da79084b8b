"""deploy/dagster.yaml keeps run history in a real PostgreSQL (started here on loopback), and it
survives an instance restart."""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import dagster as dg
import pytest

from pipeline.defs.ingest import raw_documents
from pipeline.defs.resources import BuildPaths
from tests.conftest import RAW, free_port

REPO = Path(__file__).resolve().parent.parent


def _binary(name: str) -> str | None:
    return shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)


INITDB, PG_CTL = _binary("initdb"), _binary("pg_ctl")
RUNUSER = shutil.which("runuser") or next(
    (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), None
)


@pytest.fixture
def postgres(tmp_path):
    if INITDB is None or PG_CTL is None:
        pytest.skip("PostgreSQL server binaries are not installed (.ci/run installs Debian's postgresql)")
    # postgres refuses to run as root: run it as nobody, in a directory nobody can reach
    root = Path(tempfile.mkdtemp(prefix="budget-pg-"))
    os.chmod(root, 0o755)
    if os.geteuid() == 0 and RUNUSER is None:
        pytest.skip("running as root without runuser: PostgreSQL cannot be started")
    as_user = [RUNUSER, "-u", "nobody", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(root, "nobody")
    port = free_port()
    subprocess.run(
        [*as_user, INITDB, "-D", str(root / "data"), "-A", "trust", "-U", "dagster"], check=True, capture_output=True
    )
    subprocess.run(
        [
            *as_user,
            PG_CTL,
            "-D",
            str(root / "data"),
            "-l",
            str(root / "log"),
            "-w",
            "start",
            "-o",
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield port
    finally:
        subprocess.run([*as_user, PG_CTL, "-D", str(root / "data"), "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def test_run_history_lives_in_postgres_and_survives_a_restart(postgres, tmp_path, monkeypatch):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    for key, value in {
        "DAGSTER_PG_URL": f"postgresql+psycopg2://dagster@127.0.0.1:{postgres}/postgres",
        "DAGSTER_HOME": str(home),
        "BUDGET_RAW_DIR": str(RAW),
        "BUDGET_WAREHOUSE": str(tmp_path / "wh" / "budget.duckdb"),
    }.items():
        monkeypatch.setenv(key, value)
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        paths = BuildPaths(raw_dir=str(RAW), warehouse=str(tmp_path / "wh" / "budget.duckdb"))
        result = dg.materialize([raw_documents], instance=instance, resources={"paths": paths})
        assert result.success
        run_id = result.run_id
    time.sleep(0.5)
    with dg.DagsterInstance.get() as restarted:  # a new process would see the same
        run = restarted.get_run_by_id(run_id)
        assert run is not None and run.is_success
        assert restarted.get_latest_materialization_event(dg.AssetKey("raw_documents")) is not None
