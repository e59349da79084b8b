"""Re-runs parse only what changed; bad documents get a status and never stop the batch."""

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.defs.ingest import raw_documents
from pipeline.defs.parse import parse_shards, parsed_tables
from pipeline.defs.resources import BuildPaths, ParseSettings
from tests.conftest import RAW, build_warehouse


def _parsed_count(result: dg.ExecuteInProcessResult) -> int:
    return sum(
        m.metadata["documents_parsed"].value
        for shard in parse_shards
        for m in result.asset_materializations_for_node(shard.op.name)
    )


def _parse(raw_dir, warehouse):
    resources = {
        "paths": BuildPaths(raw_dir=str(raw_dir), warehouse=str(warehouse)),
        "parsing": ParseSettings(workers=1),
    }
    return dg.materialize([raw_documents, *parse_shards, parsed_tables], resources=resources)


def test_unchanged_files_are_not_parsed_again_and_a_changed_file_is_parsed_alone(raw_copy, tmp_path):
    warehouse = tmp_path / "wh" / "budget.duckdb"
    assert _parsed_count(_parse(raw_copy, warehouse)) == 5
    assert _parsed_count(_parse(raw_copy, warehouse)) == 0
    changed = sorted(raw_copy.iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附注：无。\n", encoding="utf-8")
    assert _parsed_count(_parse(raw_copy, warehouse)) == 1
    sorted(raw_copy.iterdir())[0].unlink()
    _parse(raw_copy, warehouse)
    with duckdb.connect(str(tmp_path / "wh" / ".build" / "budget.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from parsed.documents").fetchone()[0] == 4


@pytest.fixture(scope="module")
def bad_batch(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path, Path]:
    """One ``--strict`` build of the samples beside bad documents (empty, not a disclosure, a copy
    under another name, a GB18030 re-encoding) and with one sample missing its 项目支出 table:
    what it printed, the warehouse, and the trimmed sample."""
    raw = tmp_path_factory.mktemp("bad_batch") / "raw"
    shutil.copytree(RAW, raw)
    originals = sorted(raw.iterdir())
    (raw / "empty.txt").write_bytes(b"")
    (raw / "minutes.txt").write_text("会议纪要\n\n今天讨论了办公室搬迁事宜，决定下周执行。\n", encoding="utf-8")
    shutil.copy(originals[1], raw / "zz_same_content_other_name.txt")
    gbk = raw / "gbk_copy_of_004.txt"
    gbk.write_bytes(next(raw.glob("004_*")).read_text(encoding="utf-8").encode("gb18030"))
    trimmed = next(raw.glob("000_*"))
    text = trimmed.read_text(encoding="utf-8")
    start, end = text.index("表 7\n"), text.index("表 8\n")
    trimmed.write_text(text[:start] + text[end:], encoding="utf-8")  # drop the 项目支出 table
    warehouse = raw.parent / "budget.duckdb"
    return build_warehouse(raw, warehouse, strict=True), warehouse, trimmed


def test_bad_documents_get_a_status_and_the_rest_of_the_batch_loads_and_strict_says_so(bad_batch):
    result, warehouse, _ = bad_batch
    assert result.returncode == 1, result.stderr[-2000:]  # --strict: published, and exit 1 for what did not load
    assert "documents: 9 read" in result.stdout and "empty" in result.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        status = dict(con.execute("select file_name, status from document_status").fetchall())
        assert status["empty.txt"] == "empty"
        assert status["minutes.txt"] == "not_budget_disclosure"
        assert status["zz_same_content_other_name.txt"] == "duplicate"
        # the GB18030 copy is read; it and the UTF-8 original are one unit-year: one is superseded
        assert {status["gbk_copy_of_004.txt"], status[next(n for n in status if n.startswith("004_"))]} == {
            "loaded",
            "superseded",
        }
        assert con.execute("select count(*) from mart_unit_year").fetchone()[0] == 5
        assert con.execute(
            "select total_budget_wan from mart_unit_year where unit_name = '昌吉回族自治州社会保险中心'"
        ).fetchone()[0] == Decimal("1531.22")


def test_a_document_missing_a_table_is_loaded_and_the_table_listed(bad_batch):
    _, warehouse, trimmed = bad_batch
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(
            "select status, tables_found, tables_missing, reason from document_status where file_name = ?",
            [trimmed.name],
        ).fetchone()
        assert row[:3] == ("partial", 11, "project_expenditure")
        assert "missing tables: project_expenditure" in row[3]
        # the rest of the document still loads
        assert con.execute(
            "select three_public_total_wan from mart_unit_year where unit_name = '克孜勒苏柯尔克孜自治州社会保险中心'"
        ).fetchone()[0] == Decimal("4.80")
