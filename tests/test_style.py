"""The habits that keep the house: ruff (lint and format) on the Python, sqlfluff on the dbt models.
Run as tests so the README's test command, and CI, run them."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    # a guard against a hung linter, not a timing: sqlfluff takes about 30 s alone, and several
    # minutes while the other test worker builds warehouses and reads scans beside it
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=900, check=False)


def test_ruff_finds_nothing():
    result = _run(str(BIN / "ruff"), "check", "pipeline", "tests", "bench")
    assert result.returncode == 0, result.stdout[-4000:]


def test_python_is_formatted_as_ruff_formats_it():
    result = _run(str(BIN / "ruff"), "format", "--check", "pipeline", "tests", "bench")
    assert result.returncode == 0, "run `.venv/bin/ruff format pipeline tests bench`:\n" + result.stdout[-4000:]


def test_sqlfluff_finds_nothing_in_the_dbt_models():
    # one process: the other test worker keeps the second CPU busy anyway, and a pool worker that
    # dies leaves sqlfluff's pool waiting for ever (seen once in CI: the guard's 900 s lost)
    result = _run(
        str(BIN / "sqlfluff"), "lint", "dbt_project/models", "--disable-progress-bar", "--nocolor", "--processes", "1"
    )
    assert result.returncode == 0, result.stdout[-4000:]
