"""The example queries in docs/queries/ run against the built warehouse and return rows."""

from pathlib import Path

import pytest

QUERIES = sorted((Path(__file__).resolve().parent.parent / "docs" / "queries").glob("*.sql"))


def test_there_are_ten_example_queries():
    assert len(QUERIES) == 10


@pytest.mark.parametrize("query", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_query_runs_and_returns_rows(sql, query):
    rows = sql(query.read_text(encoding="utf-8"))
    assert rows, f"{query.name} returned no rows"
