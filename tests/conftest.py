"""Shared fixtures: one warehouse built from data/raw through the real Dagster + dbt pipeline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"


def build_warehouse(raw_dir: Path, warehouse: Path, **environment: str) -> subprocess.CompletedProcess:
    """Run ``budget build`` in a fresh process, as a user would (``environment``: extra variables)."""
    budget = Path(sys.executable).parent / "budget"
    return subprocess.run(
        [str(budget), "build", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse)],
        capture_output=True, text=True, timeout=600, env={**os.environ, **environment},
    )


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("warehouse") / "budget.duckdb"
    result = build_warehouse(RAW, out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def sql(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)

    def query(text: str, *params):
        return con.execute(text, list(params)).fetchall()

    yield query
    con.close()


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target
