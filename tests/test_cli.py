"""The CLI says what went wrong in one line, fast, and writes JSON numbers as numbers."""

import json
import subprocess
import sys
import time
from pathlib import Path

BUDGET = Path(sys.executable).parent / "budget"


def _budget(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BUDGET), *args], capture_output=True, text=True, timeout=300, check=False)


def test_bad_sql_is_one_line_without_a_traceback(warehouse):
    result = _budget("query", "select nonsense from nowhere", "--warehouse", str(warehouse))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "nowhere" in result.stderr and "--debug" in result.stderr


def test_a_missing_raw_folder_is_said_at_once(tmp_path):
    started = time.monotonic()
    result = _budget("build", "--raw-dir", str(tmp_path / "absent"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2 and "no raw folder" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and time.monotonic() - started < 20


def test_query_json_writes_amounts_as_numbers(warehouse):
    result = _budget("query", "select unit_name, total_budget_wan from mart_unit_year order by 1 limit 1",
                     "--format", "json", "--warehouse", str(warehouse))
    row = json.loads(result.stdout)[0]
    assert isinstance(row["total_budget_wan"], float) and isinstance(row["unit_name"], str)
