"""Shared fixtures: one warehouse built from data/raw through the real Dagster + dbt pipeline."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"


BUDGET = Path(sys.executable).parent / "budget"  # the CLI as installed in the venv


def run_budget(*args: str, timeout: float = 600, **environment: str) -> subprocess.CompletedProcess:
    """``budget ARGS`` in a fresh process, as a user runs it (``environment``: extra variables)."""
    return subprocess.run(
        [str(BUDGET), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **environment},
        check=False,
    )


def build_warehouse(
    raw_dir: Path, warehouse: Path, strict: bool = False, **environment: str
) -> subprocess.CompletedProcess:
    """Run ``budget build`` in a fresh process, as a user would (``environment``: extra variables)."""
    options = ["--strict"] if strict else []
    return run_budget("build", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse), *options, **environment)


def free_port() -> int:
    """A TCP port nothing listens on (for servers tests start on loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_log(result: subprocess.CompletedProcess) -> str:
    """The Dagster and dbt log of a ``budget build`` (kept in a file; its path is said on the terminal)."""
    match = re.search(r"\(log: (.+?\.log)\)", result.stderr)
    assert match, result.stderr[-2000:]
    return Path(match.group(1)).read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def first_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The session's build of data/raw: what ``budget build`` printed, and the warehouse."""
    out = tmp_path_factory.mktemp("warehouse") / "budget.duckdb"
    result = build_warehouse(RAW, out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result, out


@pytest.fixture(scope="session")
def warehouse(first_build) -> Path:
    return first_build[1]


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
