"""The example queries in docs/queries/ state their question and grain, run against the built
warehouse, return rows, and return one row per the grain they declare (no double counting).
The sample warehouse holds budgets only: queries that read the final accounts (部门决算) return
their rows in tests/test_final_accounts.py, on real final accounts."""

from pathlib import Path

import pytest

QUERIES = sorted((Path(__file__).resolve().parent.parent / "docs" / "queries").glob("*.sql"))


def test_there_are_twelve_example_queries():
    assert len(QUERIES) == 12


def reads_final_accounts(query: Path) -> bool:
    return "Reads the final accounts" in query.read_text(encoding="utf-8")


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_query_runs_and_returns_rows(sql, query):
    rows = sql(query.read_text(encoding="utf-8"))
    if reads_final_accounts(query):
        return  # runs here; its rows are tested on real final accounts (tests/test_final_accounts.py)
    assert rows, f"{query.name} returned no rows"


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_query_states_its_question_and_returns_one_row_per_its_grain(sql, query):
    text = query.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = [line for line in lines if line.startswith("--")]
    assert lines[0].startswith("-- Question: ") and "?" in " ".join(
        header[: header.index(next(h for h in header if h.startswith("-- One row per:")))]
    )
    [grain] = [line.split(":", 1)[1] for line in lines if line.startswith("-- One row per:")]
    keys = ", ".join(column.strip() for column in grain.split(","))
    duplicated = sql(f"select {keys}, count(*) from ({text.rstrip().rstrip(';')}) group by all having count(*) > 1")
    assert duplicated == [], f"{query.name}: more than one row per {keys}: {duplicated[:3]}"


def test_yoy_changes_keep_one_statement_per_item(sql):
    """Seed 002 (阿克陶县社会保险中心) states 基本支出 +146.46 万元 in its 支出 section and again in its
    一般公共预算 section: query 05 lists it once."""
    query = next(q for q in QUERIES if q.name.startswith("05_"))
    rows = [r for r in sql(query.read_text(encoding="utf-8")) if r[0] == "阿克陶县社会保险中心" and r[3] == "basic"]
    assert len(rows) == 1 and float(rows[0][8]) == 146.46
