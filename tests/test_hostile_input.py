"""Hostile raw folders and files, read without a build: every bad entry is skipped with its reason
or becomes its document's status; nothing stops the batch, nothing outside the raw folder is read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline import stage
from pipeline.discover import CACHE_NAME, discover_raw_files
from pipeline.intermediate import UnreadableDocument
from pipeline.readers import html
from tests.conftest import RAW

SAMPLE = sorted(RAW.glob("*.txt"))[0]


def _html_rows(body: str) -> list[tuple[str, ...]]:
    return [b.cells for b in html.read(f"<html><body><table>{body}</table></body></html>").blocks if b.kind == "row"]


def test_a_span_that_is_not_a_number_reads_as_one_cell_as_browsers_read_it():
    assert _html_rows('<tr><td colspan="abc">合计</td><td rowspan="2x">1.00</td></tr>') == [("合计", "1.00")]


def test_huge_spans_are_clamped_to_the_standard_and_the_table():
    # 99,999,999 × 99,999,999 asked for; the standard's 1,000 columns, and no row past the table's last
    [row] = _html_rows('<tr><td colspan="99999999" rowspan="99999999">x</td></tr>')
    assert len(row) == 1000 and row[0] == "x"


def test_a_table_spanning_more_cells_than_the_limit_is_too_large():
    rows = '<tr><td colspan="1000">x</td></tr>' * 1001  # 1,001,000 positions > 1,000,000
    with pytest.raises(UnreadableDocument) as caught:
        _html_rows(rows)
    assert caught.value.status == "too_large" and "BUDGET_MAX_TABLE_CELLS" in caught.value.reason


def test_links_fifos_and_odd_names_are_read_or_skipped_with_a_reason_never_followed_outside(tmp_path):
    raw = tmp_path / "raw"
    (raw / "2025").mkdir(parents=True)
    (raw / "2026").mkdir()
    shutil.copy(SAMPLE, raw / "2025" / "预算公开.txt")  # the same name in two year folders
    shutil.copy(SAMPLE, raw / "2026" / "预算公开.txt")
    odd = os.fsdecode(os.fsencode(str(raw)) + b"/bad\xffname.txt")  # a byte that is not UTF-8
    shutil.copy(SAMPLE, odd)
    (raw / "inside.txt").symlink_to(raw / "2025" / "预算公开.txt")  # a link within the raw folder: read
    (raw / "loop1").symlink_to(raw / "loop2")
    (raw / "loop2").symlink_to(raw / "loop1")
    (raw / "dangling.txt").symlink_to(raw / "absent.txt")
    (raw / "passwd.txt").symlink_to("/etc/passwd")
    (raw / "folder_link").symlink_to(raw / "2025")
    os.mkfifo(raw / "fifo.txt")
    skipped: list[tuple[str, str]] = []
    files = discover_raw_files(raw, tmp_path / ".build", skipped)
    assert sorted(f["file_name"] for f in files) == [
        "2025/预算公开.txt",
        "2026/预算公开.txt",
        "bad\\xffname.txt",
        "inside.txt",
    ]
    reasons = dict(skipped)
    assert reasons["loop1"] == reasons["loop2"] == "symlink loop"
    assert reasons["dangling.txt"] == "dangling symlink"
    assert reasons["passwd.txt"].startswith("symlink pointing outside the raw folder")
    assert reasons["folder_link"] == "symlink to a folder: not followed"
    assert reasons["fifo.txt"].startswith("not a regular file")
    # the cache keeps the odd name: the second run hashes nothing again
    assert discover_raw_files(raw, tmp_path / ".build") == files


def test_a_damaged_hash_cache_is_set_aside_and_rebuilt(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / SAMPLE.name)
    build = tmp_path / ".build"
    first = discover_raw_files(raw, build)
    (build / CACHE_NAME).write_text('{"truncated": ')
    assert discover_raw_files(raw, build) == first
    assert (build / (CACHE_NAME + ".damaged")).read_text() == '{"truncated": '
    assert json.loads((build / CACHE_NAME).read_text())


def test_a_reader_fault_on_one_document_is_its_status_with_the_path(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("invalid literal for int() with base 10: 'abc'")

    monkeypatch.setattr(stage, "read_document", broken)
    path = tmp_path / "disclosure.txt"
    shutil.copy(SAMPLE, path)
    [row] = stage.stage_document(path).frames["documents"].to_dicts()
    assert row["status"] == "reader_failed"
    assert str(path) in row["reason"] and "ValueError" in row["reason"]
    assert all(frame.is_empty() for name, frame in stage.stage_document(path).frames.items() if name != "documents")


def test_a_file_name_that_is_not_utf8_is_stored_with_escapes(tmp_path):
    path = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/bad\xffname.txt"))
    shutil.copy(SAMPLE, path)
    [row] = stage.stage_document(path).frames["documents"].to_dicts()
    assert row["file_name"] == "bad\\xffname.txt" and row["status"] == "loaded"
