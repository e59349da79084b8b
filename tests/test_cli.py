"""The CLI says what went wrong in one line, fast, and writes JSON numbers as numbers."""

import json
import re
import time
from pathlib import Path

from tests.conftest import build_log
from tests.conftest import run_budget as _budget


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
    result = _budget(
        "query",
        "select unit_name, total_budget_wan from mart_unit_year order by 1 limit 1",
        "--format",
        "json",
        "--warehouse",
        str(warehouse),
    )
    row = json.loads(result.stdout)[0]
    assert isinstance(row["total_budget_wan"], float) and isinstance(row["unit_name"], str)


def test_a_build_is_quiet_and_keeps_dagster_and_dbt_logs_in_a_file(first_build):
    result, warehouse = first_build
    terminal = (result.stdout + result.stderr).splitlines()
    assert len(terminal) < 25, terminal  # the summary and a progress line, not hundreds of log lines
    assert "dbt" not in result.stdout and "DEBUG" not in result.stderr
    log = build_log(result)
    assert "Finished running" in log and "RUN_SUCCESS" in log  # dbt's summary and Dagster's events
    assert Path(log and re.search(r"\(log: (.+?)\)", result.stderr).group(1)).parent == warehouse.parent / "logs"


def test_help_shows_defaults_and_environment_variables():
    result = _budget("build", "--help")
    assert result.returncode == 0
    for shown in ("BUDGET_RAW_DIR", "BUDGET_WAREHOUSE", "BUDGET_PARSE_WORKERS", "data/raw", "--strict"):
        assert shown in result.stdout, shown


def test_tables_lists_tables_and_their_columns_with_descriptions(warehouse):
    listed = _budget("tables", "--warehouse", str(warehouse)).stdout
    assert re.search(r"^mart_unit_year\s+5\s+Headline figures", listed, re.M)
    columns = _budget("tables", "mart_unit_year", "--warehouse", str(warehouse)).stdout
    assert re.search(r"^total_budget_wan\s+DECIMAL\(20,6\)\s+.*收入总计", columns, re.M)
    missing = _budget("tables", "no_such_table", "--warehouse", str(warehouse))
    assert missing.returncode == 2 and "budget tables" in missing.stderr


def test_query_table_aligns_chinese_shows_null_money_and_percentages(warehouse):
    from rich.cells import cell_len

    result = _budget(
        "query",
        "select unit_name, year, total_budget_wan, personnel_share_of_basic, actual_staff "
        "from mart_unit_year order by unit_name",
        "--warehouse",
        str(warehouse),
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "社会保险中心" in line]
    assert len(lines) == 5
    # the year column starts at the same display column on every row, whatever the name's length
    starts = {cell_len(line[: line.index(" 202")]) for line in lines}
    assert len(starts) == 1, lines
    kizilsu = next(line for line in lines if line.startswith("克孜勒苏"))
    # seed 000: 收入总计 633.02 万元; 人员经费 / 基本支出 = 95.23 %; no staff numbers stated
    assert re.search(r"\b633\.02\b", kizilsu) and "95.23%" in kizilsu and kizilsu.rstrip().endswith("NULL")
    assert "None" not in result.stdout


def test_only_one_statement_reaches_the_warehouse(warehouse):
    result = _budget("query", "select 1; select 2", "--warehouse", str(warehouse))
    assert result.returncode == 2 and "one SQL statement" in result.stderr
    result = _budget("explain", "fct_three_public", "true; select 1", "--warehouse", str(warehouse))
    assert result.returncode == 2 and "one SQL statement" in result.stderr
